using System.Runtime.CompilerServices;
using Podnet.Cli;

namespace Podnet.Tests.TestSupport;

/// <summary>Runs the podnet command in process, and finds the repository's examples.</summary>
public static class PodnetCli
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PodnetCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString().ReplaceLineEndings("\n"));
    }

    public static string Examples([CallerFilePath] string here = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "examples"));
}
