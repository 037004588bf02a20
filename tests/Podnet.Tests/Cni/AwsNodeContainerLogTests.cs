using System.Text.Json.Nodes;
using Podnet.Cni;
using Podnet.Kube.Api;

namespace Podnet.Tests.Cni;

public sealed class AwsNodeContainerLogTests
{
    private static KubeObject AwsNodePod(string image, bool ready) => KubeObject.From(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = "aws-node-x", ["namespace"] = "kube-system", ["labels"] = new JsonObject { ["k8s-app"] = "aws-node" } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "aws-node", ["image"] = image }) },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["lastTransitionTime"] = "2026-01-01T00:00:02Z" }),
            ["containerStatuses"] = new JsonArray(new JsonObject { ["name"] = "aws-node", ["ready"] = ready, ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2026-01-01T00:00:00Z" } } }),
        },
    });

    [Fact]
    public void Release110_ShellEntrypointJsonLines()
    {
        var log = AwsNodeContainerLog.For(AwsNodePod("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.10.1-eksbuild.1", ready: true))!;
        var lines = log.TrimEnd('\n').Split('\n');
        Assert.Equal("""{"level":"info","ts":"2026-01-01T00:00:00.000Z","caller":"entrypoint.sh","msg":"Validating env variables ..."}""", lines[0]);
        Assert.Equal("""{"level":"info","ts":"2026-01-01T00:00:02.000Z","caller":"entrypoint.sh","msg":"Successfully copied CNI plugin binary and config file."}""", lines[^2]);
        Assert.EndsWith("\"msg\":\"Foregrounding IPAM daemon ...\"}", lines[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1.13.4-eksbuild.1", "egress-v4-cni")]
    [InlineData("v1.19.2-eksbuild.1", "egress-cni")]
    public void GoEntrypoint_NamesTheEgressPluginOfItsRelease(string tag, string egress)
    {
        var log = AwsNodeContainerLog.For(AwsNodePod("amazon-k8s-cni:" + tag, ready: true))!;
        Assert.StartsWith($"Installed /host/opt/cni/bin/aws-cni\nInstalled /host/opt/cni/bin/{egress}\ntime=\"2026-01-01T00:00:00Z\" level=info msg=\"Starting IPAM daemon... \"\n", log, StringComparison.Ordinal);
        Assert.EndsWith("time=\"2026-01-01T00:00:02Z\" level=info msg=\"Successfully copied CNI plugin binary and config file.\"\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public void NotReady_StopsAtTheConnectivityCheck()
    {
        var log = AwsNodeContainerLog.For(AwsNodePod("amazon-k8s-cni:v1.19.2-eksbuild.1", ready: false))!;
        Assert.EndsWith("msg=\"Checking for IPAM connectivity... \"\n", log, StringComparison.Ordinal);
    }
}
