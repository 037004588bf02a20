using Podnet.Cli;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public class PodnetCommandTests
{
    [Fact]
    public void Version_GivesTheVersionAndCommit()
    {
        var (exit, output, _) = PodnetCli.Run("--version");

        Assert.Equal(0, exit);
        Assert.Matches(@"^podnet \d+\.\d+\.\d+( \(commit [0-9a-f]{7}\))?\n$", output.ReplaceLineEndings("\n"));
        Assert.Equal(output.TrimEnd(), PodnetCommand.Version());
    }

    /// <summary>The built program, not the test host: System.CommandLine names the usage after the executable.</summary>
    [Fact]
    public void Help_NamesTheProgramPodnet()
    {
        var podnet = Path.Combine(AppContext.BaseDirectory, "podnet");
        Assert.True(File.Exists(podnet), $"{podnet} is missing: the podnet program is built beside the tests");
        var (exit, output, _) = ExternalProgram.Run(podnet, ["--help"], TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit);
        Assert.Contains("Usage:\n  podnet [command] [options]", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("report", output, StringComparison.Ordinal);
        Assert.Contains("completion", output, StringComparison.Ordinal);
        Assert.Contains("--no-color", output, StringComparison.Ordinal);
    }
}
