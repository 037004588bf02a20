using System.Diagnostics;
using Spectre.Console;

namespace Podnet.Cli.Output;

/// <summary>
/// Long work with a progress line on stderr: the work runs on a worker thread; if it is not done within a second
/// and stderr is a terminal outside CI (<see cref="ConsoleWriter.ShowsProgress"/>), Spectre.Console's status line
/// shows what the work last reported until it ends, then clears. In pipes, files, CI and tests nothing is drawn
/// and the work runs on the calling thread.
/// </summary>
public sealed class ProgressLine
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(200);

    private readonly Stopwatch? _clock;
    private TimeSpan _lastReport = -ReportEvery;
    private volatile string _text;

    private ProgressLine(string title, bool shown)
    {
        _text = title;
        _clock = shown ? Stopwatch.StartNew() : null;
    }

    /// <summary>True when someone may look at the line; reporters skip computing their text when false.</summary>
    public bool IsShown => _clock is not null;

    /// <summary>
    /// Sets the line's text to what <paramref name="describe"/> returns, at most every 200 ms (so a reporter called
    /// on every step of the work pays for its text rarely), and never when the line is not shown.
    /// </summary>
    public void Report(Func<string> describe)
    {
        ArgumentNullException.ThrowIfNull(describe);
        if (_clock is null || _clock.Elapsed - _lastReport < ReportEvery)
        {
            return;
        }

        _lastReport = _clock.Elapsed;
        _text = describe();
    }

    /// <summary>Runs <paramref name="work"/>, drawing its progress on <paramref name="error"/> as described above.</summary>
    /// <returns>What <paramref name="work"/> returned; its exception, if it threw.</returns>
    public static T Run<T>(TextWriter error, string title, Func<ProgressLine, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (error is not ConsoleWriter { ShowsProgress: true } console)
        {
            return work(new ProgressLine(title, shown: false));
        }

        var line = new ProgressLine(title, shown: true);
        var task = Task.Run(() => work(line));

        // Waiting on the handle, not Task.Wait, so the work's own exception comes out of GetResult unwrapped.
        var done = ((IAsyncResult)task).AsyncWaitHandle;
        if (!done.WaitOne(Delay))
        {
            var terminal = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Detect,
                ColorSystem = console.Color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.Yes,
                Out = new AnsiConsoleOutput(console.Inner),
            });
            terminal.Status().Start(Markup.Escape(line._text), status =>
            {
                while (!done.WaitOne(TimeSpan.FromMilliseconds(100)))
                {
                    status.Status(Markup.Escape(line._text));
                }
            });
        }

        return task.GetAwaiter().GetResult();
    }
}
