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
    public void NodePortExample_Passes_RowsToANodesAddressAndNodePortAreKubeProxys()
    {
        var dir = Path.Combine(PodnetCli.Examples(), "nodeport");
        var (exit, output, error) = PodnetCli.Run("test", dir, Path.Combine(dir, "expected.tsv"));
        Assert.True(exit == 0, error + output);
        Assert.Equal("9 passed, 0 failed\n", output);

        // A row's verdict is reach's: a Local row through a node without an endpoint fails with kube-proxy's DROP.
        var expected = Path.Combine(Path.GetTempPath(), $"podnet-expected-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(expected, "203.0.113.10\t192.168.64.4\tTCP/30100\tallowed\n");
        try
        {
            (exit, output, _) = PodnetCli.Run("test", dir, expected);
            Assert.Equal(1, exit);
            Assert.Contains("203.0.113.10 -> 192.168.64.4 TCP/30100: expected allowed, got denied", output, StringComparison.Ordinal);
            Assert.Contains("kube-proxy's filter rule \"shop/web-local:http has no local endpoints\" (KUBE-EXTERNAL-SERVICES) drops it", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(expected);
        }
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
