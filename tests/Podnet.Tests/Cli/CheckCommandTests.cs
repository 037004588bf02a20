using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public class CheckCommandTests
{
    [Fact]
    public void Check_DefaultWorld_PrintsNothing_ExitsZero()
    {
        var (exit, output, error) = PodnetCli.Run("check");

        Assert.Equal((0, string.Empty, string.Empty), (exit, output, error));
    }

    [Fact]
    public void Check_PodPendingOnItsNode_PrintsTheViolation_ExitsOne()
    {
        // A world given two pods of one address is refused at load (status.podIP: Duplicate value), so the pod that
        // cannot be Running is the violation a world file can carry.
        using var scenario = new ScenarioWorld("egress-policies", null, """
            apiVersion: v1
            kind: Pod
            metadata: {name: waiting, namespace: default}
            spec: {nodeName: node-1, containers: [{name: app, image: nginx}]}
            status: {phase: Pending}
            """);

        var (exit, output, _) = PodnetCli.Run("check", scenario.Directory);

        Assert.Equal((1, "pod-not-running: default/waiting: Pending, on node node-1\n"), (exit, output));
    }

    [Fact]
    public void Check_MissingWorld_IsAnInputError()
    {
        var (exit, _, error) = PodnetCli.Run("check", "/nonexistent/world");

        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/world", error, StringComparison.Ordinal);
    }
}
