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

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> and no stdin; kills it (and what it started)
    /// after <paramref name="timeout"/>. Output is read line by line and taken as it is a few seconds after the
    /// program exits, because a helper it leaves behind (Chromium's crash handler) can hold its pipes open for ever.
    /// <paramref name="stdin"/>, when given, is written to the program's input before it is closed.
    /// </summary>
    public static (int Exit, string Out, string Err) Run(string program, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null)
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

        using var process = new Process { StartInfo = start };
        var (output, outputDone) = Collect(h => process.OutputDataReceived += h);
        var (error, errorDone) = Collect(h => process.ErrorDataReceived += h);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s");
        }

        Task.WaitAll([outputDone, errorDone], TimeSpan.FromSeconds(5));
        lock (output)
        {
            lock (error)
            {
                return (process.ExitCode, output.ToString(), error.ToString());
            }
        }
    }

    /// <summary>Collects the lines of one stream; the task ends at the stream's end.</summary>
    private static (System.Text.StringBuilder Text, Task Done) Collect(Action<DataReceivedEventHandler> subscribe)
    {
        var text = new System.Text.StringBuilder();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, e) =>
        {
            if (e.Data is null)
            {
                done.TrySetResult();
                return;
            }

            lock (text)
            {
                text.Append(e.Data).Append('\n');
            }
        });
        return (text, done.Task);
    }
}
