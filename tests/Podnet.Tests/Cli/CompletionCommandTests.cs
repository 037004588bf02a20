using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public class CompletionCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The podnet program built beside the tests (the apphost of Podnet.Cli).</summary>
    private static string Podnet()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "podnet");
        Assert.True(File.Exists(path), $"{path} is missing: the podnet program is built beside the tests");
        return path;
    }

    /// <summary>Completes <paramref name="line"/> (cursor at its end) with the bash script, as bash's complete -F would.</summary>
    private static IReadOnlyList<string> CompleteInBash(string line)
    {
        var bash = ExternalProgram.Require("bash", "apt-get install -y bash");
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, PodnetCli.Run("completion", "bash").Out);
            var words = line.Split(' ');
            var program = Podnet();
            var command = $"""
                source {script}
                COMP_LINE="{program}{line[words[0].Length..]}"
                COMP_POINT=${"{"}#COMP_LINE{"}"}
                COMP_WORDS=({program} {string.Join(' ', words.Skip(1).Select(w => w.Length == 0 ? "''" : w))})
                COMP_CWORD={words.Length - 1}
                _podnet_complete
                printf '%s\n' "${"{"}COMPREPLY[@]{"}"}"
                """;
            var (exit, output, error) = ExternalProgram.Run(bash, ["-c", command], Timeout);
            Assert.True(exit == 0, error);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public void Bash_CompletesCommands()
        => Assert.Equal(["matrix", "maxpods"], CompleteInBash("podnet ma").Order(StringComparer.Ordinal));

    [Fact]
    public void Bash_CompletesAnOptionsAllowedValues()
        => Assert.Equal(["json", "text"], CompleteInBash("podnet run -o ").Order(StringComparer.Ordinal));

    [Fact]
    public void Bash_FallsBackToFileNames_ForAWorld()
    {
        var examples = PodnetCli.Examples();
        var candidates = CompleteInBash($"podnet lint {examples}/egress-pol");

        Assert.Equal([$"{examples}/egress-policies"], candidates);
    }

    [Fact]
    public void Zsh_ScriptIsValidZsh()
    {
        var zsh = ExternalProgram.Require("zsh", "apt-get install -y zsh");
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, PodnetCli.Run("completion", "zsh").Out);
            var (exit, _, error) = ExternalProgram.Run(zsh, ["-n", script], Timeout);

            Assert.True(exit == 0, error);
            Assert.StartsWith("#compdef podnet\n", File.ReadAllText(script), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public void UnknownShell_IsAUsageError()
    {
        var (exit, _, error) = PodnetCli.Run("completion", "fish");

        Assert.NotEqual(0, exit);
        Assert.Contains("fish", error, StringComparison.Ordinal);
    }
}
