using System.Text.Json.Nodes;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.World;

/// <summary>
/// A world's <c>Patch</c> document is <c>kubectl patch</c> of an existing object — seeds 000 and 002's
/// <c>kubectl patch daemonset aws-node -n kube-system -p '{"spec": …}'</c> — with kubectl's three patch types and the
/// API server's answers.
/// </summary>
public class WorldPatchTests
{
    private const string SgExample = "security-groups-for-pods";

    /// <summary>The seeds' command, word for word: <c>-p</c> as a JSON string.</summary>
    private const string SeedPatch = """
        apiVersion: podnet.dev/v1alpha1
        kind: Patch
        metadata: {name: disable-tcp-early-demux}
        spec:
          target: {apiVersion: apps/v1, kind: DaemonSet, namespace: kube-system, name: aws-node}
          patch: '{"spec": {"template": {"spec": {"initContainers": [{"env":[{"name":"DISABLE_TCP_EARLY_DEMUX","value":"true"}],"name":"aws-vpc-cni-init"}]}}}}'
        """;

    private static string WithProbe(string text) => text.Replace(
        "        - containerPort: 80\n",
        "        - containerPort: 80\n          name: http\n        readinessProbe:\n          httpGet: {path: /, port: http}\n",
        StringComparison.Ordinal);

    private static JsonObject InitContainer(Podnet.World.World world)
        => world.ControlPlane.Store.List("apps/v1", "DaemonSet").Items.Single(d => d.Name == "aws-node").ToJson()["spec"]!["template"]!["spec"]!["initContainers"]!
            .AsArray().OfType<JsonObject>().Single(c => c["name"]!.GetValue<string>() == "aws-vpc-cni-init");

    private static string? Env(JsonObject container, string name)
        => (container["env"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(e => e["name"]!.GetValue<string>() == name)?["value"]?.GetValue<string>();

    [Fact]
    public void SeedsKubectlPatch_StrategicMerge_KeepsTheInitContainersOtherEnv_AndLintStopsWarning()
    {
        using var scenario = new ScenarioWorld(SgExample, WithProbe, SeedPatch);
        var world = scenario.Load();

        var init = InitContainer(world);
        Assert.Equal("true", Env(init, "DISABLE_TCP_EARLY_DEMUX"));
        Assert.Equal("false", Env(init, "ENABLE_IPv6"));
        Assert.EndsWith("amazon-k8s-cni-init:v1.19.2-eksbuild.1", init["image"]!.GetValue<string>(), StringComparison.Ordinal);

        // The DaemonSet's template changed: its pods were rolled, and every node still runs aws-node.
        var pods = world.ControlPlane.Store.List("v1", "Pod").Items.Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)).ToList();
        Assert.Equal(world.ControlPlane.Store.List("v1", "Node").Items.Count, pods.Count);

        Assert.DoesNotContain($"[{SecurityGroupPodProbes.EarlyDemuxId}]", PodnetCli.Run("lint", scenario.Directory).Out, StringComparison.Ordinal);
        using var unpatched = new ScenarioWorld(SgExample, WithProbe);
        Assert.Contains($"[{SecurityGroupPodProbes.EarlyDemuxId}]", PodnetCli.Run("lint", unpatched.Directory).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeAndJsonPatches_AreRfc7386AndRfc6902()
    {
        const string merge = """
            apiVersion: podnet.dev/v1alpha1
            kind: Patch
            metadata: {name: label}
            spec:
              target: {apiVersion: apps/v1, kind: DaemonSet, namespace: kube-system, name: aws-node}
              type: merge
              patch: {metadata: {labels: {patched: "yes"}}}
            """;
        const string json = """
            apiVersion: podnet.dev/v1alpha1
            kind: Patch
            metadata: {name: early-demux}
            spec:
              target: {apiVersion: apps/v1, kind: DaemonSet, namespace: kube-system, name: aws-node}
              type: json
              patch:
              - {op: replace, path: /spec/template/spec/initContainers/0/env/0/value, value: "true"}
            """;
        var world = ExampleWorlds.Load(SgExample, null, merge, json);

        var ds = world.ControlPlane.Store.List("apps/v1", "DaemonSet").Items.Single(d => d.Name == "aws-node");
        Assert.Equal("yes", ds.ToJson()["metadata"]!["labels"]!["patched"]!.GetValue<string>());
        Assert.Equal("aws-node", ds.ToJson()["metadata"]!["labels"]!["app.kubernetes.io/name"]!.GetValue<string>());
        Assert.Equal("true", Env(InitContainer(world), "DISABLE_TCP_EARLY_DEMUX"));
    }

    [Theory]
    [InlineData(
        "target: {apiVersion: apps/v1, kind: DaemonSet, namespace: kube-system, name: aws-nod}\n  patch: {}",
        "Error from server (NotFound): daemonsets.apps \"aws-nod\" not found")]
    [InlineData(
        "target: {apiVersion: apps/v1, kind: DaemonSet, namespace: kube-system, name: aws-node}\n  type: strategical\n  patch: {}",
        "spec.type: --type must be one of [json merge strategic], not \"strategical\"")]
    [InlineData(
        "target: {apiVersion: vpcresources.k8s.aws/v1beta1, kind: SecurityGroupPolicy, namespace: my-namespace, name: my-security-group-policy}\n  patch: {spec: {securityGroups: {groupIds: []}}}",
        "Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")]
    [InlineData(
        "target: {apiVersion: apps/v1, kind: DaemonSet, namespace: kube-system, name: aws-node}\n  patch: '{\"spec\": '",
        "spec.patch: unable to parse")]
    [InlineData(
        "target: {kind: DaemonSet, name: aws-node}\n  patch: {}",
        "spec.target: the server doesn't have a resource type \"DaemonSet\" in version \"v1\"")]
    public void BadPatch_IsOneErrorLine_NamingTheDocumentAndField(string spec, string expected)
    {
        using var scenario = new ScenarioWorld(SgExample, null, $"apiVersion: podnet.dev/v1alpha1\nkind: Patch\nmetadata: {{name: p}}\nspec:\n  {spec}\n");
        var (exit, _, error) = PodnetCli.Run("run", scenario.Directory);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("zz-extra-0.yaml: document 1 (line 1, Patch p): " + expected, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
