using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary><c>podnet reach</c> on whole worlds: what it says about pods that are not running, in the words run and lint use.</summary>
public class ReachCommandTests
{
    private static string Example(string name) => Path.Combine(PodnetCli.Examples(), name);

    [Fact]
    public void PendingPod_ReachSaysItIsNotRunning_AndWhy_AsRunShowsIt()
    {
        // batch-giant asks for more CPU than any node has: the scheduler leaves it Pending. Before, a flow from it out
        // of the VPC crashed (its node was null) and a flow to it was judged against 255.255.255.255.
        const string Why = "shop/batch-giant is not running (Pending): it has no address yet, so it can neither open nor accept a connection; FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.";
        var (exit, output, error) = PodnetCli.Run("reach", Example("hello-eks"), "shop/batch-giant", "8.8.8.8", "443");
        Assert.Equal((1, string.Empty), (exit, error));
        Assert.Equal($"DENIED\n  FAIL  pod: {Why}\n", output);

        var running = System.Text.Json.Nodes.JsonNode.Parse(PodnetCli.Run("run", Example("hello-eks"), "-o", "json").Out)!["kubernetes"]!["items"]!.AsArray()
            .First(i => i!["kind"]!.GetValue<string>() == "Pod" && i["metadata"]!["name"]!.GetValue<string>().StartsWith("web-", StringComparison.Ordinal))!;
        var (toExit, toJson, _) = PodnetCli.Run("reach", Example("hello-eks"), $"shop/{running["metadata"]!["name"]}", "shop/batch-giant", "80", "-o", "json");
        Assert.Equal(1, toExit);
        var hop = Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(toJson)!["hops"]!.AsArray())!;
        Assert.Equal(("pod", false, Why), (hop["step"]!.GetValue<string>(), hop["allowed"]!.GetValue<bool>(), hop["detail"]!.GetValue<string>()));

        // run shows the same pod Pending with the same scheduler message in its describe block.
        var text = PodnetCli.Run("run", Example("hello-eks")).Out;
        Assert.Contains("shop          batch-giant                0/1     Pending", text, StringComparison.Ordinal);
        Assert.Contains("default-scheduler  0/3 nodes are available: 3 Insufficient cpu.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerCreatingPod_ReachGivesTheReasonLintNotes_AlsoThroughAService()
    {
        // The pod's group does not exist: the resource controller cannot make its branch interface, so it has no address.
        var world = Example("sgp-missing-group");
        var (lintExit, _, lintError) = PodnetCli.Run("lint", world);
        Assert.Equal(1, lintExit);
        var note = lintError.Split('\n').Single(l => l.StartsWith("note: not settled: Pod default/my-pod (", StringComparison.Ordinal));
        var stuck = note["note: not settled: Pod default/my-pod (".Length..];
        var state = stuck[..stuck.IndexOf("): ", StringComparison.Ordinal)];
        var reason = stuck[(state.Length + 3)..];
        Assert.StartsWith("Pending on ip-", state, StringComparison.Ordinal);
        Assert.EndsWith("BranchAllocationFailed: failed to allocate branch ENI to pod: InvalidSecurityGroupID.NotFound: The securityGroup ID 'sg-abc123' does not exist", reason, StringComparison.Ordinal);

        var (exit, output, error) = PodnetCli.Run("reach", world, "default/my-pod", "svc/kube-system/kube-dns", "53/udp");
        Assert.Equal((1, string.Empty), (exit, error));
        Assert.Equal($"DENIED\n  FAIL  pod: default/my-pod is not running ({state}): it has no address yet, so it can neither open nor accept a connection; {reason}\n", output);
        Assert.Contains("default       my-pod                     0/1     ContainerCreating", PodnetCli.Run("run", world).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void UnschedulablePod_IsDeniedBothWays_AndTestAndRunAgree()
    {
        var dir = Directory.CreateTempSubdirectory("podnet-reach-").FullName;
        try
        {
            File.Copy(Path.Combine(Example("hello-eks"), "cluster.yaml"), Path.Combine(dir, "cluster.yaml"));
            File.WriteAllText(Path.Combine(dir, "pods.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: gpu-job, namespace: default}
                spec:
                  nodeSelector: {node.kubernetes.io/instance-type: p4d.24xlarge}
                  containers: [{name: c, image: nginx}]
                """);
            const string Why = "default/gpu-job is not running (Pending): it has no address yet, so it can neither open nor accept a connection; FailedScheduling: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
            var coredns = System.Text.Json.Nodes.JsonNode.Parse(PodnetCli.Run("run", dir, "-o", "json").Out)!["kubernetes"]!["items"]!.AsArray()
                .Where(i => i!["kind"]!.GetValue<string>() == "Pod").Select(i => i!["metadata"]!["name"]!.GetValue<string>()).First(n => n.StartsWith("coredns-", StringComparison.Ordinal));
            Assert.Equal((1, $"DENIED\n  FAIL  pod: {Why}\n", string.Empty), PodnetCli.Run("reach", dir, "default/gpu-job", $"kube-system/{coredns}", "53/udp"));
            Assert.Equal((1, $"DENIED\n  FAIL  pod: {Why}\n", string.Empty), PodnetCli.Run("reach", dir, $"kube-system/{coredns}", "default/gpu-job", "80"));

            File.WriteAllText(Path.Combine(dir, "expected.tsv"), $"default/gpu-job\tkube-system/{coredns}\tUDP/53\tdenied\nkube-system/{coredns}\tdefault/gpu-job\tTCP/80\tdenied\n");
            Assert.Equal((0, "2 passed, 0 failed\n", string.Empty), PodnetCli.Run("test", dir, Path.Combine(dir, "expected.tsv")));
            Assert.Contains("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.", PodnetCli.Run("run", dir).Out, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
