using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary>"Not settled" always comes with what is stuck and why, in <c>run</c> and in <c>lint</c>.</summary>
public class RunNotSettledTests
{
    private static readonly string Example = Path.Combine(PodnetCli.Examples(), "sgp-missing-group");

    [Fact]
    public void Run_NotSettled_NamesTheStuckPodAndItsEvent()
    {
        var (exit, output, _) = PodnetCli.Run("run", Example);
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.Equal("# Not settled: 1 pod is not running, and controllers are still retrying:", lines[0]);
        Assert.StartsWith("#   Pod default/my-pod (Pending on ip-", lines[1], StringComparison.Ordinal);
        Assert.Contains("): FailedCreatePodSandBox: (combined from similar events): Failed to create pod sandbox: ", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"; BranchAllocationFailed: failed to allocate branch ENI to pod: creating network interface, operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}, api error InvalidSecurityGroupID\.NotFound: The securityGroup ID 'sg-abc123' does not exist$", lines[1]);
        Assert.DoesNotContain("FailedScheduling", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_NotSettled_SaysWhatIsStuckOnStderr_KeepingJsonClean()
    {
        var (exit, output, error) = PodnetCli.Run("lint", Example, "-o", "json");
        Assert.Equal(1, exit);
        Assert.NotNull(System.Text.Json.Nodes.JsonNode.Parse(output));
        Assert.StartsWith("note: not settled: Pod default/my-pod (Pending on ip-", error, StringComparison.Ordinal);
    }
}
