using Podnet.Cli;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary>Exit codes CI can tell apart: 1 is a verdict, 2 bad input or usage (with one error: line), 70 a bug in Podnet.</summary>
public class ExitCodeTests
{
    [Theory]
    [InlineData("error: Required argument missing for command: 'reach'. (see 'podnet reach --help')\n", "reach")]
    [InlineData("error: Argument 'yaml' not recognized. Must be one of: 'text' 'json' (see 'podnet run --help')\n", "run", "-o", "yaml")]
    [InlineData("error: Unrecognized command or argument '--bogus'. (see 'podnet maxpods --help')\n", "maxpods", "--bogus")]
    [InlineData("error: Required command was not provided. (see 'podnet netpol --help')\n", "netpol")]
    public void UsageError_ExitsTwo_WithOneErrorLine(string expected, params string[] args)
    {
        var (exit, output, error) = PodnetCli.Run(args);
        Assert.Equal((2, string.Empty, expected), (exit, output, error));
    }

    /// <summary>An output that fails as a full disk does: the exception escapes the command.</summary>
    private sealed class BrokenWriter : StringWriter
    {
        public override void Write(string? value) => throw new InvalidOperationException("the output broke");
    }

    [Fact]
    public void AnExceptionEscapingACommand_IsAPodnetBug_ExitingSeventy()
    {
        var error = new StringWriter();
        var exit = PodnetCommand.Run(["instance-types", "m5.large"], new BrokenWriter(), error);

        Assert.Equal(ExitCodes.InternalError, exit);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("podnet: internal error (a bug in Podnet, not in the input; please report it with the command line, the world's files and this line): System.InvalidOperationException: the output broke at ", line, StringComparison.Ordinal);
        Assert.Contains("Podnet.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitCodes_AreDistinct()
        => Assert.Equal(4, new[] { ExitCodes.Ok, ExitCodes.Verdict, ExitCodes.Error, ExitCodes.InternalError }.Distinct().Count());
}
