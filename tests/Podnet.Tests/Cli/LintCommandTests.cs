using System.Text.Json.Nodes;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary><c>podnet lint</c>: the text and JSON a user reads, and the exit codes scripts rely on.</summary>
public class LintCommandTests
{
    [Fact]
    public void EgressPolicies_PrintsTheWarning_AndExitsZero()
    {
        var (exit, output, _) = PodnetCli.Run("lint", Path.Combine(PodnetCli.Examples(), "egress-policies"));

        Assert.Equal(0, exit);
        Assert.StartsWith("warning  NetworkPolicy team-a/default-deny-all-egress  [dns-egress-to-any-address]\n", output, StringComparison.Ordinal);
        Assert.EndsWith("1 finding: 0 error(s), 1 warning(s)\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnErrorFinding_ExitsOne_AndJsonNamesCheckObjectAndFix()
    {
        var (exit, output, _) = PodnetCli.Run("lint", Path.Combine(PodnetCli.Examples(), "sgp-missing-group"), "-o", "json");

        Assert.Equal(1, exit);
        var finding = Assert.Single(JsonNode.Parse(output)!.AsArray())!;
        Assert.Equal("error", finding["severity"]!.GetValue<string>());
        Assert.Equal("security-group-not-found", finding["check"]!.GetValue<string>());
        Assert.Equal("SecurityGroupPolicy default/my-security-group-policy", finding["object"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(finding["fix"]!.GetValue<string>()));
    }

    [Fact]
    public void TheDefaultWorldsExample_HasNoFindings()
    {
        var (exit, output, _) = PodnetCli.Run("lint", Path.Combine(PodnetCli.Examples(), "hello-eks"));
        Assert.Equal((0, "no findings\n"), (exit, output));
    }

    [Fact]
    public void AMissingWorld_IsAnError()
    {
        var (exit, _, error) = PodnetCli.Run("lint", "/nonexistent/world");
        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/world", error, StringComparison.Ordinal);
    }
}
