using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary><c>podnet test</c> on the shared NetworkPolicy corpus and on the egress-policies example.</summary>
public class TestCommandTests
{
    private static string CasesRoot => NetpolCorpus.Root;

    [Fact]
    public void TheCorpus_IsThere()
        => Assert.True(Directory.Exists(CasesRoot) && Directory.GetDirectories(CasesRoot).Length == 44, $"the NetworkPolicy cases are expected at {CasesRoot} (../shared next to the repository)");

    [Theory]
    [MemberData(nameof(NetpolCorpus.Cases), MemberType = typeof(NetpolCorpus))]
    public void NetworkPolicyCase_AllRowsPass(string name)
    {
        var dir = NetpolCorpus.Case(name);
        var (exit, output, error) = PodnetCli.Run("test", Path.Combine(dir, "manifests.yaml"), Path.Combine(dir, "expected.tsv"));

        var rows = NetpolCorpus.Rows(dir).Count;
        Assert.True(exit == 0, $"{name}: {error}{output}");
        Assert.EndsWith($"{rows} passed, 0 failed\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EgressPoliciesExample_Passes()
    {
        var dir = Path.Combine(PodnetCli.Examples(), "egress-policies");
        var (exit, output, _) = PodnetCli.Run("test", Path.Combine(dir, "world.yaml"), Path.Combine(dir, "expected.tsv"));
        Assert.Equal(0, exit);
        Assert.Equal("11 passed, 0 failed\n", output);
    }

    [Fact]
    public void AWrongExpectation_IsReportedWithTheExplanation_AndFails()
    {
        var dir = Path.Combine(PodnetCli.Examples(), "egress-policies");
        var expected = Path.Combine(Path.GetTempPath(), $"podnet-expected-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(expected, "team-b/api\t203.0.113.10\tUDP/53\tallowed\n");
        try
        {
            var (exit, output, _) = PodnetCli.Run("test", Path.Combine(dir, "world.yaml"), expected);
            Assert.Equal(1, exit);
            Assert.Contains("team-b/api -> 203.0.113.10 UDP/53: expected allowed, got denied", output, StringComparison.Ordinal);
            Assert.Contains("DENIED", output, StringComparison.Ordinal);
            Assert.EndsWith("0 passed, 1 failed\n", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(expected);
        }
    }
}
