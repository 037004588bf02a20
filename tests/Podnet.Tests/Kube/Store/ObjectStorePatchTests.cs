using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Store;

public class ObjectStorePatchTests
{
    private const string AwsNode = """
        {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"aws-node","namespace":"kube-system","labels":{"k8s-app":"aws-node"}},
         "spec":{"selector":{"matchLabels":{"k8s-app":"aws-node"}},
                 "template":{"metadata":{"labels":{"k8s-app":"aws-node"}},
                             "spec":{"hostNetwork":true,"serviceAccountName":"aws-node",
                                     "initContainers":[{"name":"aws-vpc-cni-init","image":"602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni-init:v1.18.3"}],
                                     "containers":[
                                       {"name":"aws-node","image":"602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3",
                                        "env":[{"name":"AWS_VPC_K8S_CNI_LOGLEVEL","value":"DEBUG"},{"name":"WARM_ENI_TARGET","value":"1"}],
                                        "ports":[{"containerPort":61678,"name":"metrics"}]},
                                       {"name":"aws-eks-nodeagent","image":"602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.2",
                                        "env":[{"name":"ENABLE_NETWORK_POLICY","value":"false"}]}]}}}}
        """;

    private readonly StoreHarness _h = new(namespaces: "kube-system");

    private KubeResource DaemonSets => _h.Store.Resources.For("apps/v1", "DaemonSet");

    [Fact]
    public void Patch_Merge_SetsAndRemovesFields()
    {
        var pod = _h.CreatePod("x", labels: new Dictionary<string, string> { ["app"] = "web", ["old"] = "yes" });

        var patched = _h.Store.Patch(_h.Pods, "default", "x", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"old":null,"new":"1"},"annotations":{"a":"b"}}}""")!);

        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["new"] = "1" }, patched.Labels);
        Assert.Equal("b", patched.Annotations["a"]);
        Assert.NotEqual(pod.ResourceVersion, patched.ResourceVersion);
        Assert.Equal(pod.Uid, patched.Uid);
    }

    [Fact]
    public void Patch_MergeReplacesListsWhole()
    {
        var ds = _h.Store.Create(Json(AwsNode));

        var patched = _h.Store.Patch(ds, PatchType.Merge, JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"busybox"}]}}}}""")!);

        var containers = (JsonArray)patched["spec.template.spec.containers"]!;
        Assert.Equal("only", Assert.Single(containers)!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_StrategicMerge_KubectlSetEnvOnAwsNode()
    {
        var ds = _h.Store.Create(Json(AwsNode));
        Assert.Equal(1, ds.Generation);

        // kubectl set env daemonset aws-node -n kube-system -c aws-node ENABLE_PREFIX_DELEGATION=true WARM_ENI_TARGET=2
        var patched = _h.Store.Patch(DaemonSets, "kube-system", "aws-node", PatchType.StrategicMerge, JsonNode.Parse("""
            {"spec":{"template":{"spec":{"containers":[{"name":"aws-node","env":[{"name":"ENABLE_PREFIX_DELEGATION","value":"true"},{"name":"WARM_ENI_TARGET","value":"2"}]}]}}}}
            """)!);

        var containers = (JsonArray)patched["spec.template.spec.containers"]!;
        Assert.Equal(["aws-node", "aws-eks-nodeagent"], containers.Select(c => c!["name"]!.GetValue<string>()));
        var awsNode = containers[0]!;
        Assert.Equal("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3", awsNode["image"]!.GetValue<string>());
        var env = ((JsonArray)awsNode["env"]!).ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string>
        {
            ["AWS_VPC_K8S_CNI_LOGLEVEL"] = "DEBUG",
            ["WARM_ENI_TARGET"] = "2",
            ["ENABLE_PREFIX_DELEGATION"] = "true",
        }, env);
        Assert.Equal(61678, awsNode["ports"]![0]!["containerPort"]!.GetValue<int>());
        Assert.Equal("false", containers[1]!["env"]![0]!["value"]!.GetValue<string>());
        Assert.Single((JsonArray)patched["spec.template.spec.initContainers"]!);
        Assert.True(patched["spec.template.spec.hostNetwork"]!.GetValue<bool>());
        Assert.Equal(2, patched.Generation);
    }

    [Fact]
    public void Patch_StrategicMerge_DeleteDirectiveRemovesEnvVar()
    {
        _h.Store.Create(Json(AwsNode));

        var patched = _h.Store.Patch(DaemonSets, "kube-system", "aws-node", PatchType.StrategicMerge, JsonNode.Parse("""
            {"spec":{"template":{"spec":{"containers":[{"name":"aws-node","env":[{"name":"WARM_ENI_TARGET","$patch":"delete"}]}]}}}}
            """)!);

        var env = (JsonArray)patched["spec.template.spec.containers"]![0]!["env"]!;
        Assert.Equal("AWS_VPC_K8S_CNI_LOGLEVEL", Assert.Single(env)!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_JsonPatch_AppliesOperationsInOrder()
    {
        _h.Store.Create(Json(AwsNode));

        var patched = _h.Store.Patch(DaemonSets, "kube-system", "aws-node", PatchType.Json, JsonNode.Parse("""
            [{"op":"test","path":"/spec/template/spec/containers/0/name","value":"aws-node"},
             {"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"ENABLE_POD_ENI","value":"true"}},
             {"op":"replace","path":"/spec/template/spec/containers/0/env/0/value","value":"INFO"},
             {"op":"remove","path":"/spec/template/spec/containers/1"}]
            """)!);

        var containers = (JsonArray)patched["spec.template.spec.containers"]!;
        var env = (JsonArray)Assert.Single(containers)!["env"]!;
        Assert.Equal(["AWS_VPC_K8S_CNI_LOGLEVEL=INFO", "WARM_ENI_TARGET=1", "ENABLE_POD_ENI=true"], env.Select(e => $"{e!["name"]}={e["value"]}"));
    }

    [Fact]
    public void Patch_StrategicMergeOnCustomResource_IsUnsupportedMediaType()
    {
        _h.Store.Create(Json("""
            {"apiVersion":"vpcresources.k8s.aws/v1beta1","kind":"SecurityGroupPolicy","metadata":{"name":"sgp","namespace":"default"},
             "spec":{"podSelector":{"matchLabels":{"role":"db"}},"securityGroups":{"groupIds":["sg-0123456789abcdef0"]}}}
            """));
        var resource = _h.Store.Resources.For("vpcresources.k8s.aws/v1beta1", "SecurityGroupPolicy");

        var error = Throws(() => _h.Store.Patch(resource, "default", "sgp", PatchType.StrategicMerge, JsonNode.Parse("""{"spec":{"securityGroups":{"groupIds":["sg-1"]}}}""")!));

        Assert.Equal("UnsupportedMediaType", error.Reason);
        Assert.Equal(415, error.Code);
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", error.Message);
    }

    [Fact]
    public void Patch_MergeOnCustomResource_Works()
    {
        var sgp = _h.Store.Create(Json("""
            {"apiVersion":"vpcresources.k8s.aws/v1beta1","kind":"SecurityGroupPolicy","metadata":{"name":"sgp","namespace":"default"},
             "spec":{"podSelector":{"matchLabels":{"role":"db"}},"securityGroups":{"groupIds":["sg-0123456789abcdef0"]}}}
            """));

        var patched = _h.Store.Patch(sgp, PatchType.Merge, JsonNode.Parse("""{"spec":{"securityGroups":{"groupIds":["sg-1","sg-2"]}}}""")!);

        Assert.Equal("""["sg-1","sg-2"]""", patched["spec.securityGroups.groupIds"]!.ToJsonString());
        Assert.Equal("db", patched.GetString("spec.podSelector.matchLabels.role"));
        Assert.Equal(2, patched.Generation);
    }

    [Theory]
    [InlineData("""[{"path":"/metadata/labels"}]""")]
    [InlineData("""[{"op":"frobnicate","path":"/metadata"}]""")]
    [InlineData("""[{"op":"remove","path":"/spec/nope"}]""")]
    [InlineData("""[{"op":"test","path":"/metadata/name","value":"other"}]""")]
    [InlineData("""{"op":"remove","path":"/metadata"}""")]
    [InlineData("""[{"op":"remove","path":""}]""")]
    public void Patch_InvalidJsonPatch_IsBadRequest(string patch)
    {
        var pod = _h.CreatePod("x");

        var error = Throws(() => _h.Store.Patch(_h.Pods, "default", "x", PatchType.Json, JsonNode.Parse(patch)!));

        Assert.Equal("BadRequest", error.Reason);
        Assert.Equal(400, error.Code);
        Assert.NotEmpty(error.Message);
        Assert.Equal(pod.ResourceVersion, _h.Store.Get(_h.Pods, "default", "x").ResourceVersion);
    }

    [Fact]
    public void Patch_NotAnArray_SaysSo()
    {
        _h.CreatePod("x");
        var error = Throws(() => _h.Store.Patch(_h.Pods, "default", "x", PatchType.Json, JsonNode.Parse("""{"op":"remove","path":"/metadata"}""")!));
        Assert.Equal("a JSON patch must be an array of operations", error.Message);
    }

    [Fact]
    public void Patch_WithStaleResourceVersion_IsConflict()
    {
        var pod = _h.CreatePod("x");
        _h.Store.Update(pod.WithLabel("a", "b"));

        var error = Throws(() => _h.Store.Patch(_h.Pods, "default", "x", PatchType.Merge,
            new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = pod.ResourceVersion, ["labels"] = new JsonObject { ["a"] = "c" } } }));

        Assert.Equal("Conflict", error.Reason);
        Assert.Equal(409, error.Code);
    }

    [Fact]
    public void Patch_WithoutResourceVersion_AppliesToCurrent()
    {
        var pod = _h.CreatePod("x");
        _h.Store.Update(pod.WithLabel("a", "b"));

        var patched = _h.Store.Patch(_h.Pods, "default", "x", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"c":"d"}}}""")!);

        Assert.Equal("b", patched.Labels["a"]);
        Assert.Equal("d", patched.Labels["c"]);
    }

    [Theory]
    [InlineData(PatchType.Merge, """{"metadata":{"labels":{"c":"d"}},"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}""")]
    [InlineData(PatchType.StrategicMerge, """{"metadata":{"labels":{"c":"d"}},"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}""")]
    [InlineData(PatchType.Json, """[{"op":"add","path":"/metadata/labels","value":{"c":"d"}},{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.28"}]""")]
    public void Patch_LeavesTheVersionItReplacedAndThePatchAsTheyWere(PatchType type, string patchText)
    {
        // The store hands the stored object to the patcher without a copy and takes the patcher's result over: the
        // version a reader (or a watch's Previous) holds, and the patch, must come out of it as they went in.
        var pod = _h.CreatePod("x");
        var before = pod.ToJsonString();
        var patch = JsonNode.Parse(patchText)!;
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: pod.ResourceVersion);

        var patched = _h.Store.Patch(_h.Pods, "default", "x", type, patch);
        _h.Store.Patch(_h.Pods, "default", "x", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"e":"f"}}}""")!);

        Assert.Equal(before, pod.ToJsonString());
        Assert.Equal(patchText.Replace(" ", string.Empty, StringComparison.Ordinal), patch.ToJsonString());
        Assert.Equal("d", patched.Labels["c"]);
        Assert.False(patched.Labels.ContainsKey("e"));
        Assert.Equal("nginx:1.28", patched["spec.containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(before, watch.Read()[0].Previous!.ToJsonString());
    }

    [Fact]
    public void Patch_Missing_IsNotFound()
    {
        var error = Throws(() => _h.Store.Patch(_h.Pods, "default", "ghost", PatchType.Merge, JsonNode.Parse("{}")!));
        Assert.Equal("pods \"ghost\" not found", error.Message);
    }

    [Fact]
    public void Patch_Status_ChangesOnlyStatus()
    {
        _h.CreatePod("x");

        var patched = _h.Store.Patch(_h.Pods, "default", "x", PatchType.Merge,
            JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}},"status":{"phase":"Running"}}""")!, status: true);

        Assert.Equal("Running", patched.GetString("status.phase"));
        Assert.Empty(patched.Labels);
    }

    [Fact]
    public void Patch_MainResource_IgnoresStatus()
    {
        _h.CreatePod("x");

        var patched = _h.Store.Patch(_h.Pods, "default", "x", PatchType.Merge,
            JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}},"status":{"phase":"Running"}}""")!);

        Assert.Null(patched["status"]);
        Assert.Equal("b", patched.Labels["a"]);
    }

    [Fact]
    public void Patch_RemovingLastFinalizerOfTerminatingObject_DeletesIt()
    {
        var pod = _h.CreatePod("x", finalizers: "example.com/hold");
        _h.Store.Delete(pod);
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: _h.Store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));

        _h.Store.Patch(_h.Pods, "default", "x", PatchType.Merge, JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);

        Assert.Null(_h.Store.TryGet(_h.Pods, "default", "x"));
        Assert.Equal(["DELETED Pod x"], watch.Read().Select(Describe));
    }

    [Fact]
    public void Patch_ThroughAdmission_IsValidated()
    {
        var h = new StoreHarness(new AdmissionChain([new ObjectDefaults(), new ObjectValidation()]));
        h.CreatePod("x");

        var error = Throws(() => h.Store.Patch(h.Pods, "default", "x", PatchType.Json, JsonNode.Parse("""[{"op":"remove","path":"/spec/containers/0/image"}]""")!));

        Assert.Equal("Pod \"x\" is invalid: spec.containers[0].image: Required value", error.Message);
    }
}
