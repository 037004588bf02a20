using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>The served Kubernetes API's protocol edge cases, over HTTPS with the cluster's CA, as the API server answers them.</summary>
public sealed class KubeApiProtocolTests : IClassFixture<ServedWorld>
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    private readonly ServedWorld _served;

    public KubeApiProtocolTests(ServedWorld served)
    {
        _served = served;
    }

    private static async Task<(HttpStatusCode Code, JsonNode? Body, string ContentType)> Send(HttpClient client, HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 || text[0] is not ('{' or '[') ? null : JsonNode.Parse(text), response.Content.Headers.ContentType?.ToString() ?? string.Empty);
    }

    private static async Task<string> Namespace(HttpClient client, string name)
    {
        var (code, _, _) = await Send(client, HttpMethod.Post, "/api/v1/namespaces", $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, code);
        return name;
    }

    [Fact]
    public async Task Version_AsEksReportsIt_MinorWithPlus()
    {
        using var client = _served.Http();
        var (code, body, _) = await Send(client, HttpMethod.Get, "/version");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("1", body!["major"]!.GetValue<string>());
        Assert.Equal("31+", body["minor"]!.GetValue<string>());
        Assert.Equal("v1.31.2-eks-7f9249a", body["gitVersion"]!.GetValue<string>());
        Assert.Equal(("clean", "gc", "linux/amd64"), (body["gitTreeState"]!.GetValue<string>(), body["compiler"]!.GetValue<string>(), body["platform"]!.GetValue<string>()));

        // As the API server writes it (WriteRawJSON: json.MarshalIndent with two spaces, Go's escaping, so "31+" and not "31\u002B"): kubectl get --raw shows it.
        var raw = await client.GetStringAsync(new Uri("/version", UriKind.Relative));
        Assert.StartsWith("{\n  \"major\": \"1\",\n  \"minor\": \"31+\",\n  \"gitVersion\": \"v1.31.2-eks-7f9249a\",", raw, StringComparison.Ordinal);
        Assert.EndsWith("\n}", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_WithoutToken_Unauthorized()
    {
        using var client = _served.Http();
        client.DefaultRequestHeaders.Authorization = null;
        var (code, body, _) = await Send(client, HttpMethod.Get, "/api/v1/pods");
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal("Unauthorized", body!["reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", "apidiscovery.k8s.io/v2")]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", "apidiscovery.k8s.io/v2beta1")]
    [InlineData("application/json", null)]
    public async Task Discovery_NegotiatedByAccept(string accept, string? aggregatedVersion)
    {
        using var client = _served.Http();
        var (code, body, contentType) = await Send(client, HttpMethod.Get, "/apis", accept: accept);
        Assert.Equal(HttpStatusCode.OK, code);
        if (aggregatedVersion is null)
        {
            // kubectl 1.27–1.29 break on a v2 answer they did not ask for; the legacy form serves them.
            Assert.Equal("APIGroupList", body!["kind"]!.GetValue<string>());
            Assert.Contains(body["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "vpcresources.k8s.aws");
            return;
        }

        Assert.Equal(aggregatedVersion, body!["apiVersion"]!.GetValue<string>());
        Assert.Contains($"v={aggregatedVersion.Split('/')[1]}", contentType, StringComparison.Ordinal);
        var apps = body["items"]!.AsArray().Single(g => g!["metadata"]!["name"]!.GetValue<string>() == "apps")!;
        var daemonsets = apps["versions"]![0]!["resources"]!.AsArray().Single(r => r!["resource"]!.GetValue<string>() == "daemonsets")!;
        Assert.Equal("ds", daemonsets["shortNames"]![0]!.GetValue<string>());
        Assert.Contains(daemonsets["subresources"]!.AsArray(), s => s!["subresource"]!.GetValue<string>() == "status");
    }

    [Fact]
    public async Task ApiResourceList_CoreV1_HasPodsExecAndNamespacesFinalize()
    {
        using var client = _served.Http();
        var (_, body, _) = await Send(client, HttpMethod.Get, "/api/v1");
        var names = body!["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("pods", names);
        Assert.Contains("pods/exec", names);
        Assert.Contains("namespaces/status", names);
        var finalize = body["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "namespaces/finalize")!;
        Assert.Equal(["update"], finalize["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task OpenApiV3_IndexPointsAtHashedDocumentsWithGroupVersionKinds()
    {
        using var client = _served.Http();
        var (_, index, _) = await Send(client, HttpMethod.Get, "/openapi/v3");
        var url = index!["paths"]!["apis/vpcresources.k8s.aws/v1beta1"]!["serverRelativeURL"]!.GetValue<string>();
        Assert.Contains("?hash=", url, StringComparison.Ordinal);
        var (code, document, _) = await Send(client, HttpMethod.Get, url);
        Assert.Equal(HttpStatusCode.OK, code);
        var patch = document!["paths"]!["/apis/vpcresources.k8s.aws/v1beta1/namespaces/{namespace}/securitygrouppolicies/{name}"]!["patch"]!;
        Assert.Equal("SecurityGroupPolicy", patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
        var (v2, _, _) = await Send(client, HttpMethod.Get, "/openapi/v2");
        Assert.Equal(HttpStatusCode.NotFound, v2);
    }

    [Fact]
    public async Task Create_WithAnUnpairedSurrogateEscape_StoresTheReplacementCharacter_AsGoDecodes()
    {
        using var client = _served.Http();
        var ns = await Namespace(client, "surrogates");

        var (code, created, _) = await Send(client, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"note":"x\ud800y"}},"data":{"a":"\udc00"}}""");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("x\ufffdy", created!["metadata"]!["annotations"]!["note"]!.GetValue<string>());
        var (_, read, _) = await Send(client, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c");
        Assert.Equal("\ufffd", read!["data"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_WithStaleResourceVersion_Conflict()
    {
        using var client = _served.Http();
        var ns = await Namespace(client, "conflict");
        var (_, created, _) = await Send(client, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""");
        var stale = created!["metadata"]!["resourceVersion"]!.GetValue<string>();
        var (ok, _, _) = await Send(client, HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/c", $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","resourceVersion":"{{{stale}}}"},"data":{"a":"2"}}""");
        Assert.Equal(HttpStatusCode.OK, ok);
        var (code, body, _) = await Send(client, HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/c", $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","resourceVersion":"{{{stale}}}"},"data":{"a":"3"}}""");
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", body!["reason"]!.GetValue<string>());
        Assert.Equal("Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again", body["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("application/merge-patch+json", """{"data":{"b":"2"}}""")]
    [InlineData("application/strategic-merge-patch+json", """{"data":{"b":"2"}}""")]
    [InlineData("application/json-patch+json", """[{"op":"add","path":"/data/b","value":"2"}]""")]
    public async Task Patch_EachType_Applies_AndANoOpKeepsTheResourceVersion(string contentType, string patch)
    {
        using var client = _served.Http();
        var ns = await Namespace(client, "patch-" + contentType.Split('/')[1].Split('+')[0]);
        await Send(client, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""");
        var (code, patched, _) = await Send(client, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c", patch, contentType);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("2", patched!["data"]!["b"]!.GetValue<string>());
        var rv = patched["metadata"]!["resourceVersion"]!.GetValue<string>();
        var again = contentType.Contains("json-patch", StringComparison.Ordinal) ? """[{"op":"replace","path":"/data/b","value":"2"}]""" : patch;
        var (_, unchanged, _) = await Send(client, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c", again, contentType);
        Assert.Equal(rv, unchanged!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task StrategicMergePatch_OnCustomResource_UnsupportedMediaType()
    {
        using var client = _served.Http();
        var ns = await Namespace(client, "smp-cr");
        var (created, _, _) = await Send(client, HttpMethod.Post, $"/apis/vpcresources.k8s.aws/v1beta1/namespaces/{ns}/securitygrouppolicies", """{"apiVersion":"vpcresources.k8s.aws/v1beta1","kind":"SecurityGroupPolicy","metadata":{"name":"p"},"spec":{"podSelector":{"matchLabels":{"app":"x"}},"securityGroups":{"groupIds":["sg-0123456789abcdef0"]}}}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var (code, body, _) = await Send(client, HttpMethod.Patch, $"/apis/vpcresources.k8s.aws/v1beta1/namespaces/{ns}/securitygrouppolicies/p", """{"metadata":{"labels":{"a":"b"}}}""", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        Assert.Equal("UnsupportedMediaType", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task DryRun_Create_AnswersTheObjectAndStoresNothing()
    {
        using var client = _served.Http();
        var ns = await Namespace(client, "dryrun");
        var (code, body, _) = await Send(client, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?dryRun=All", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""");
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("c", body!["metadata"]!["name"]!.GetValue<string>());
        var (missing, _, _) = await Send(client, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c");
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Theory]
    [InlineData("{not json", HttpStatusCode.BadRequest)]
    [InlineData("""{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"c"}}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"elsewhere"}}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":7}}""", HttpStatusCode.BadRequest)]
    public async Task Create_BadBody_StatusWithTheApiServersCode(string body, HttpStatusCode expected)
    {
        using var client = _served.Http();
        var (code, status, _) = await Send(client, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body);
        Assert.Equal(expected, code);
        Assert.Equal("Status", status!["kind"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal((int)expected, status["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Watch_FromListResourceVersion_SendsOnlyLaterChanges_AndTooOldIsExpired()
    {
        using var client = _served.Http();
        var ns = await Namespace(client, "watch");
        await Send(client, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"before"}}""");
        var (_, list, _) = await Send(client, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps");
        var rv = list!["metadata"]!["resourceVersion"]!.GetValue<string>();
        Assert.Single(list["items"]!.AsArray());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await Send(client, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"after"}}""");
        var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var change = JsonNode.Parse(line!)!;
        Assert.Equal("ADDED", change["type"]!.GetValue<string>());
        Assert.Equal("after", change["object"]!["metadata"]!["name"]!.GetValue<string>());

        // The store keeps the last 10,000 changes: push the list's resourceVersion out of them.
        var store = _served.Server.Cluster.Store;
        _served.Server.Cluster.Write(() =>
        {
            for (var i = 0; i < 10_001; i++)
            {
                store.Patch(store.Resources.For("v1", "ConfigMap"), ns, "after", Podnet.Kube.Store.PatchType.Merge, new JsonObject { ["data"] = new JsonObject { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            }

            return 0;
        });
        using var old = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}");
        using var expired = await client.SendAsync(old, HttpCompletionOption.ResponseHeadersRead);
        var first = JsonNode.Parse((await new StreamReader(await expired.Content.ReadAsStreamAsync()).ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)))!)!;
        Assert.Equal("ERROR", first["type"]!.GetValue<string>());
        Assert.Equal(410, first["object"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectThatStopsMatchingArrivesAsDeleted()
    {
        using var client = _served.Http();
        var ns = await Namespace(client, "watch-labels");
        await Send(client, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"team":"a"}}}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&labelSelector=team%3Da");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("ADDED", JsonNode.Parse((await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)))!)!["type"]!.GetValue<string>());
        await Send(client, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c", """{"metadata":{"labels":{"team":"b"}}}""", "application/merge-patch+json");
        Assert.Equal("DELETED", JsonNode.Parse((await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)))!)!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListPods_AsTable_RowsCarryPartialObjectMetadata()
    {
        using var client = _served.Http();
        var (code, table, _) = await Send(client, HttpMethod.Get, "/api/v1/namespaces/kube-system/pods?limit=500", accept: TableAccept);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Table", table!["kind"]!.GetValue<string>());
        var rows = table["rows"]!.AsArray();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("PartialObjectMetadata", r!["object"]!["kind"]!.GetValue<string>()));
        Assert.Equal("Name", table["columnDefinitions"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task MutatedBodies_NeverAnInternalError()
    {
        // 300 bodies drawn from a fixed seed: valid objects with a byte changed, cut short, or a value swapped for
        // another JSON type, sent as create, update and each patch type. The server answers each with a Status or
        // an object; none is a 500.
        using var client = _served.Http();
        var ns = await Namespace(client, "mutated");
        var valid = new[]
        {
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"b"}},"data":{"k":"v"}}""",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80}]}]}}""",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""",
        };
        var paths = new[] { $"/api/v1/namespaces/{ns}/configmaps", $"/api/v1/namespaces/{ns}/pods", $"/apis/apps/v1/namespaces/{ns}/deployments" };
        var random = new Random(20261129);
        var scalars = new[] { "null", "true", "7", "-1", "1e400", "\"x\"", "[]", "{}", "[{}]" };
        var failures = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var which = random.Next(valid.Length);
            var body = valid[which];
            body = random.Next(3) switch
            {
                0 => body[..random.Next(body.Length)],
                1 => body.Remove(random.Next(body.Length), 1).Insert(random.Next(body.Length - 1), ((char)random.Next(32, 127)).ToString()),
                _ => System.Text.RegularExpressions.Regex.Replace(body, @"(""[a-zA-Z]+""):(""[^""]*""|\d+|\{[^{}]*\})", m => random.Next(4) == 0 ? m.Groups[1].Value + ":" + scalars[random.Next(scalars.Length)] : m.Value),
            };
            var (method, path, type) = random.Next(5) switch
            {
                0 => (HttpMethod.Post, paths[which], "application/json"),
                1 => (HttpMethod.Put, paths[which] + "/" + new[] { "c", "p", "d" }[which], "application/json"),
                2 => (HttpMethod.Patch, paths[which] + "/" + new[] { "c", "p", "d" }[which], "application/merge-patch+json"),
                3 => (HttpMethod.Patch, paths[which] + "/" + new[] { "c", "p", "d" }[which], "application/strategic-merge-patch+json"),
                _ => (HttpMethod.Patch, paths[which] + "/" + new[] { "c", "p", "d" }[which], "application/apply-patch+yaml"),
            };
            var (code, answer, _) = await Send(client, method, path, body, type);
            if ((int)code >= 500 || answer is null)
            {
                failures.Add($"{method} {path} {type} {body} → {(int)code} {answer?.ToJsonString()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(12)));
    }

    [Fact]
    public async Task ListAsTable_WrittenRowByRow_IsTheDocumentTheConvertorBuilds()
    {
        using var client = _served.Http();
        var (_, table, _) = await Send(client, HttpMethod.Get, "/api/v1/namespaces/kube-system/pods", accept: TableAccept);
        var store = _served.Server.Cluster.Store;
        var items = store.List(store.Resources.For("v1", "Pod"), "kube-system").Items;
        var built = Podnet.Kube.Printing.TableConvertor.Build(store.Resources.For("v1", "Pod"), items, _served.Server.Cluster.World.Time.GetUtcNow(), table!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.NotEmpty(items);
        Assert.True(JsonNode.DeepEquals(built["columnDefinitions"], table["columnDefinitions"]));

        // Ages (column 4) may differ by the moment of rendering; everything else is the same.
        static JsonNode WithoutAges(JsonNode t)
        {
            var copy = t.DeepClone();
            foreach (var row in copy["rows"]!.AsArray())
            {
                row!["cells"]![4] = null;
            }

            return copy["rows"]!;
        }

        Assert.True(JsonNode.DeepEquals(WithoutAges(built), WithoutAges(table)));
    }
}
