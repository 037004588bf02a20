using System.Diagnostics;

namespace Podnet.Tests.TestSupport;

/// <summary>
/// Runs a program the tests need from the machine (chromium, bash, zsh): found on PATH, or the test fails with a
/// message that names it and how to install it — never a silent pass.
/// </summary>
public static class ExternalProgram
{
    /// <summary>The full path of <paramref name="name"/> on PATH; fails the test when it is not there.</summary>
    public static string Require(string name, string install)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"{name} is not installed on this machine, and this test needs it: {install} (.ci/run installs it)");
        return found!;
    }

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> and no stdin; kills it after <paramref name="timeout"/>.</summary>
    public static (int Exit, string Out, string Err) Run(string program, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
