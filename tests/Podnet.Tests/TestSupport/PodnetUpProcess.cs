using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Podnet.Tests.TestSupport;

/// <summary>
/// <c>podnet up</c> as a child process (the built <c>podnet.dll</c> under the test's <c>dotnet</c>), as a user runs
/// it: started, waited for until it prints where it serves, and killed with SIGKILL (<see cref="Process.Kill()"/>
/// sends it on Unix) — no chance to clean up, as a crash or an OOM kill leaves it.
/// </summary>
public sealed partial class PodnetUpProcess : IDisposable
{
    private readonly Process _process;

    private PodnetUpProcess(Process process, Uri kube, Uri aws, string stateLine)
    {
        _process = process;
        Kube = kube;
        Aws = aws;
        StateLine = stateLine;
    }

    /// <summary>The Kubernetes API's address (plain HTTP).</summary>
    public Uri Kube { get; }

    /// <summary>The AWS API's address.</summary>
    public Uri Aws { get; }

    /// <summary>What it said of its state (<c>State: DIR (resumed: …)</c>).</summary>
    public string StateLine { get; }

    /// <summary>Starts <c>podnet up --http</c> with <paramref name="args"/> and waits until it serves; an exit before that fails with its error output.</summary>
    public static async Task<PodnetUpProcess> StartAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "podnet.dll"));
        start.ArgumentList.Add("up");
        start.ArgumentList.Add("--http");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        Uri? kube = null;
        Uri? aws = null;
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw new TimeoutException($"podnet up did not serve within {timeout}");
            }

            if (line is null)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                string said;
                lock (errors)
                {
                    said = errors.ToString();
                }

                process.Dispose();
                throw new InvalidOperationException($"podnet up exited with {process.ExitCode} before serving: {said}");
            }

            if (ServingAt().Match(line) is { Success: true } served)
            {
                if (line.StartsWith("Serving the AWS API", StringComparison.Ordinal))
                {
                    aws = new Uri(served.Groups[1].Value);
                }
                else
                {
                    kube = new Uri(served.Groups[1].Value);
                }
            }

            if (line.StartsWith("State: ", StringComparison.Ordinal) && kube is not null && aws is not null)
            {
                // The rest of the output is not read: drain it so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new PodnetUpProcess(process, kube, aws, line);
            }
        }
    }

    /// <summary>SIGKILL, and waits until the process is gone (its lock released by the kernel).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    [GeneratedRegex(@" at (http://[^ ;]+?)[;]? ")]
    private static partial Regex ServingAt();
}
