using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Server.Kube.Protobuf;

namespace Podnet.Tests.Server.Kube.Protobuf;

/// <summary>
/// The oracle: Fixtures/NAME.pb is the body kubectl 1.32 POSTed for a `kubectl create …` command, NAME.json the body
/// kubectl 1.31 POSTed for the same command (record.sh re-records both against record_stub.py). Decoding the former
/// must give exactly the latter, key order included.
/// </summary>
public class KubeProtobufTests
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] FixtureNames =
    [
        "namespace", "configmap", "secret-generic", "secret-typed", "secret-docker-registry", "serviceaccount", "deployment",
        "deployment-multi", "service-clusterip", "service-headless", "service-nodeport", "service-loadbalancer",
        "service-externalname", "job", "cronjob", "role", "rolebinding", "clusterrole", "clusterrolebinding", "quota",
        "pdb", "pdb-percent", "priorityclass", "ingress", "token",
    ];

    [Fact]
    public void CreateNamespace_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("namespace");

    [Fact]
    public void CreateConfigMap_WithLiteralsAndBinaryFile_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("configmap");

    [Fact]
    public void CreateSecretGeneric_BytesData_DecodesAsKubectl131JsonBase64() => AssertDecodesAsKubectl131("secret-generic");

    [Fact]
    public void CreateSecretGeneric_WithType_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("secret-typed");

    [Fact]
    public void CreateSecretDockerRegistry_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("secret-docker-registry");

    [Fact]
    public void CreateServiceAccount_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("serviceaccount");

    [Fact]
    public void CreateDeployment_WithReplicasAndPort_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("deployment");

    [Fact]
    public void CreateDeployment_TwoImages_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("deployment-multi");

    [Fact]
    public void CreateServiceClusterIp_TwoPorts_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("service-clusterip");

    [Fact]
    public void CreateServiceClusterIp_Headless_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("service-headless");

    [Fact]
    public void CreateServiceNodePort_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("service-nodeport");

    [Fact]
    public void CreateServiceLoadBalancer_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("service-loadbalancer");

    [Fact]
    public void CreateServiceExternalName_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("service-externalname");

    [Fact]
    public void CreateJob_WithCommand_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("job");

    [Fact]
    public void CreateCronJob_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("cronjob");

    [Fact]
    public void CreateRole_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("role");

    [Fact]
    public void CreateRoleBinding_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("rolebinding");

    [Fact]
    public void CreateClusterRole_NonResourceUrl_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("clusterrole");

    [Fact]
    public void CreateClusterRoleBinding_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("clusterrolebinding");

    [Fact]
    public void CreateQuota_QuantitiesAndScopes_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("quota");

    [Fact]
    public void CreatePodDisruptionBudget_MinAvailable_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("pdb");

    [Fact]
    public void CreatePodDisruptionBudget_PercentMaxUnavailable_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("pdb-percent");

    [Fact]
    public void CreatePriorityClass_ProtobufBody_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("priorityclass");

    [Fact]
    public void CreateIngress_RulesTlsAndDefaultBackend_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("ingress");

    [Fact]
    public void CreateToken_TokenRequest_DecodesAsKubectl131Json() => AssertDecodesAsKubectl131("token");

    [Fact]
    public void CreateNamespace_RecordedBody_IsTheBodyObservedInTheReference()
    {
        // api-server.md Appendix A, kubectl 1.32.4.
        var observed = "k8s\0\n\u000f\n\u0002v1\u0012\tNamespace\u0012$\n\u001c\n\u000cmy-namespace\u0012\0\u001a\0\"\0*\u00002\u00008\0B\0\u0012\0\u001a\u0002\n\0\u001a\0\"\0"u8;
        Assert.Equal(observed.ToArray(), Fixture("namespace.pb"));
    }

    [Fact]
    public void Decode_WithoutMagic_IsBadRequestWithTheApiServersText()
    {
        var error = Assert.Throws<KubeException>(() => KubeProtobuf.Decode(Fixture("namespace.json")));
        Assert.Equal(400, error.Code);
        Assert.Equal("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]", error.Message);
    }

    [Fact]
    public void Decode_KindWithoutTable_IsUnsupportedMediaTypeWithTheApiServersText()
    {
        var body = Envelope("autoscaling/v2", "HorizontalPodAutoscaler", Message(Bytes(1, Message(Text(1, "web")))));

        var error = Assert.Throws<KubeException>(() => KubeProtobuf.Decode(body));

        Assert.Equal(415, error.Code);
        Assert.Equal("UnsupportedMediaType", error.Reason);
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml", error.Message);
        Assert.Equal("no kind \"HorizontalPodAutoscaler\" is registered for version \"autoscaling/v2\" in Podnet's protobuf tables", error.Data[KubeProtobuf.DetailKey]);
    }

    [Fact]
    public void Decode_FieldWithContentOutsideTheTables_IsUnsupportedNamingTheField()
    {
        // ObjectMeta field 17 (managedFields) with an entry: dropping it would lose what was sent.
        var body = Envelope("v1", "Namespace", Message(Bytes(1, Message(Text(1, "n"), Bytes(17, Message(Text(1, "kubectl")))))));

        var error = Assert.Throws<KubeException>(() => KubeProtobuf.Decode(body));

        Assert.Equal(415, error.Code);
        Assert.Equal("Namespace metadata: field 17 of ObjectMeta is not one Podnet decodes", error.Data[KubeProtobuf.DetailKey]);
    }

    [Fact]
    public void Decode_UnknownFieldsHoldingOnlyZeros_AreSkipped()
    {
        // gogo-protobuf writes every non-pointer field; an unknown empty struct or 0 must not refuse the body.
        var body = Envelope("v1", "Namespace", Message(Bytes(1, Message(Text(1, "n"), Bytes(17, Message(Text(1, ""), Varint(2, 0))))), Varint(9, 0)));

        Assert.Equal("""{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"n","creationTimestamp":null},"spec":{},"status":{}}""", Json(KubeProtobuf.Decode(body)));
    }

    [Fact]
    public void Decode_TimesIntOrStringAndOwnerReferences_RenderAsGoWritesThem()
    {
        var meta = Message(
            Text(1, "web-1"),
            Bytes(8, Message(Varint(1, 1_795_000_000), Varint(2, 5))),
            Bytes(11, Message(Text(1, "app"), Text(2, "web"))),
            Bytes(13, Message(Text(1, "ReplicaSet"), Text(3, "web"), Text(4, "u-1"), Text(5, "apps/v1"), Varint(6, 1))),
            Text(14, "example.com/f"));
        var spec = Message(
            Bytes(1, Message(Text(1, "http"), Varint(3, 80), Bytes(4, Message(Varint(1, 1), Text(3, "web"))))),
            Bytes(1, Message(Varint(3, 81), Bytes(4, Message(Varint(2, 8081))))));
        var body = Envelope("v1", "Service", Message(Bytes(1, meta), Bytes(2, spec)));

        var json = Json(KubeProtobuf.Decode(body));

        Assert.Equal(
            """{"kind":"Service","apiVersion":"v1","metadata":{"name":"web-1","creationTimestamp":"2026-11-18T11:06:40Z","labels":{"app":"web"},"ownerReferences":"""
            + """[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"u-1","controller":true}],"finalizers":["example.com/f"]},"spec":"""
            + """{"ports":[{"name":"http","port":80,"targetPort":"web"},{"port":81,"targetPort":8081}]},"status":{"loadBalancer":{}}}""",
            json);
    }

    [Fact]
    public void Decode_ContainerWithCommandEnvAndResources_RendersPodTemplateAsGoWritesIt()
    {
        // What `kubectl create deployment` never sends but typed clients do: command, args, env, resources (map of Quantity).
        var quantity = (string q) => Message(Text(1, q));
        var container = Message(
            Text(1, "c"),
            Text(2, "nginx"),
            Text(3, "sh"),
            Text(3, "-c"),
            Text(4, "sleep 1"),
            Bytes(6, Message(Text(1, "http"), Varint(3, 8080), Text(4, "TCP"))),
            Bytes(7, Message(Text(1, "A"), Text(2, "1"))),
            Bytes(8, Message(
                Bytes(1, Message(Text(1, "memory"), Bytes(2, quantity("1Gi")))),
                Bytes(1, Message(Text(1, "cpu"), Bytes(2, quantity("500m")))),
                Bytes(2, Message(Text(1, "cpu"), Bytes(2, quantity("250m")))))));
        var template = Message(Bytes(1, []), Bytes(2, Message(Bytes(2, container), Text(3, "Always"))));
        var body = Envelope("apps/v1", "Deployment", Message(Bytes(1, Message(Text(1, "d"))), Bytes(2, Message(Varint(1, 0), Bytes(3, template)))));

        Assert.Equal(
            """{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"d","creationTimestamp":null},"spec":{"replicas":0,"selector":null,"template":"""
            + """{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"c","image":"nginx","command":["sh","-c"],"args":["sleep 1"],"ports":"""
            + """[{"name":"http","containerPort":8080,"protocol":"TCP"}],"env":[{"name":"A","value":"1"}],"resources":{"limits":"""
            + """{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":"250m"}}}],"restartPolicy":"Always"}},"strategy":{}},"status":{}}""",
            Json(KubeProtobuf.Decode(body)));
    }

    [Fact]
    public void Decode_WrongWireType_IsBadRequestNamingKindAndField()
    {
        var body = Envelope("apps/v1", "Deployment", Message(Bytes(1, Message(Varint(1, 7)))));

        var error = Assert.Throws<KubeException>(() => KubeProtobuf.Decode(body));

        Assert.Equal(400, error.Code);
        Assert.Equal("Deployment in version \"v1\" cannot be handled as a Deployment: proto: wrong wireType = 0 for field metadata.name", error.Message);
    }

    [Fact]
    public void Decode_MissingKind_IsBadRequest()
    {
        var error = Assert.Throws<KubeException>(() => KubeProtobuf.Decode(Envelope("v1", "", [])));
        Assert.Equal(400, error.Code);
        Assert.Equal("Object 'Kind' is missing in 'v1.TypeMeta{Kind:\"\", APIVersion:\"v1\"}'", error.Message);
    }

    [Fact]
    public void Decode_EveryTruncationOfEveryFixture_ThrowsOnlyKubeExceptions()
    {
        foreach (var name in FixtureNames)
        {
            var body = Fixture($"{name}.pb");
            for (var length = 0; length < body.Length; length++)
            {
                AssertDecodesOrRefuses(body.AsSpan(0, length).ToArray());
            }
        }
    }

    [Fact]
    public void Decode_RandomAndMutatedBytes_ThrowOnlyKubeExceptions()
    {
        var random = new Random(20261129);
        var fixtures = FixtureNames.Select(n => Fixture($"{n}.pb")).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            byte[] body;
            if (i % 2 == 0)
            {
                body = (byte[])fixtures[random.Next(fixtures.Length)].Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    body[random.Next(4, body.Length)] = (byte)random.Next(256);
                }
            }
            else
            {
                body = new byte[random.Next(0, 64)];
                random.NextBytes(body);
                if (i % 4 == 1 && body.Length >= 4)
                {
                    "k8s\0"u8.CopyTo(body);
                }
            }

            AssertDecodesOrRefuses(body);
        }
    }

    private static void AssertDecodesOrRefuses(byte[] body)
    {
        try
        {
            KubeProtobuf.Decode(body);
        }
        catch (KubeException e)
        {
            Assert.True(e.Code is 400 or 415, $"code {e.Code}: {e.Message}");
        }
    }

    private static void AssertDecodesAsKubectl131(string name)
    {
        var expected = JsonNode.Parse(Fixture($"{name}.json"))!.ToJsonString(Compact);
        Assert.Equal(expected, Json(KubeProtobuf.Decode(Fixture($"{name}.pb"))));
    }

    private static string Json(JsonNode node) => node.ToJsonString(Compact);

    private static byte[] Fixture(string file)
    {
        using var stream = typeof(KubeProtobufTests).Assembly.GetManifestResourceStream($"Protobuf/{file}")
            ?? throw new InvalidOperationException($"no embedded fixture {file}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    // A minimal protobuf writer for hand-built bodies.
    private static byte[] Envelope(string apiVersion, string kind, byte[] raw)
        => [.. "k8s\0"u8, .. Message(Bytes(1, Message(Text(1, apiVersion), Text(2, kind))), Bytes(2, raw), Text(3, ""), Text(4, ""))];

    private static byte[] Message(params byte[][] fields) => [.. fields.SelectMany(f => f)];

    private static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(int field, byte[] value) => [.. VarintBytes((ulong)(field << 3 | 2)), .. VarintBytes((ulong)value.Length), .. value];

    private static byte[] Varint(int field, ulong value) => [.. VarintBytes((ulong)(field << 3)), .. VarintBytes(value)];

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
