using System.Text;

namespace Podnet.Cli.Output;

/// <summary>
/// The process's stdout or stderr as the commands write to it, with what that stream can show: whether it is a
/// terminal, and whether colour is on there (off under <c>--no-color</c>, <c>NO_COLOR</c> or <c>TERM=dumb</c>, as
/// https://no-color.org asks). Commands are handed a plain <see cref="TextWriter"/>; tests hand them a
/// <see cref="StringWriter"/>, which is never a terminal, so their output stays plain.
/// </summary>
/// <param name="inner">The writer to write to.</param>
/// <param name="isTerminal">Whether <paramref name="inner"/> is an interactive terminal.</param>
/// <param name="environment">Reads an environment variable (<c>NO_COLOR</c>, <c>TERM</c>, <c>CI</c>); the process's own by default.</param>
public sealed class ConsoleWriter(TextWriter inner, bool isTerminal, Func<string, string?>? environment = null) : TextWriter
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>The process's stdout, marked as a terminal when it is not redirected.</summary>
    public static ConsoleWriter StandardOutput() => new(Console.Out, !Console.IsOutputRedirected);

    /// <summary>The process's stderr, marked as a terminal when it is not redirected.</summary>
    public static ConsoleWriter StandardError() => new(Console.Error, !Console.IsErrorRedirected);

    /// <summary>True when the stream is an interactive terminal (not a pipe or a file).</summary>
    public bool IsTerminal { get; } = isTerminal;

    /// <summary>
    /// True when styles may be written: a terminal, no <c>--no-color</c> (set once the arguments are parsed), no
    /// <c>NO_COLOR</c> with a value, and a <c>TERM</c> other than <c>dumb</c>.
    /// </summary>
    public bool Color => IsTerminal && !NoColor
                         && string.IsNullOrEmpty(_environment("NO_COLOR"))
                         && _environment("TERM") != "dumb";

    /// <summary>Set by <c>--no-color</c>.</summary>
    public bool NoColor { get; set; }

    /// <summary>
    /// True when a progress line may be drawn: a terminal, and not a CI job (<c>CI</c> set), whose log would keep
    /// every redraw.
    /// </summary>
    public bool ShowsProgress => IsTerminal && string.IsNullOrEmpty(_environment("CI"));

    /// <summary>The underlying writer (the console's own).</summary>
    public TextWriter Inner { get; } = inner;

    public override Encoding Encoding => Inner.Encoding;

    public override void Write(char value) => Inner.Write(value);

    public override void Write(string? value) => Inner.Write(value);

    public override void Write(ReadOnlySpan<char> buffer) => Inner.Write(buffer);

    public override void WriteLine(string? value) => Inner.WriteLine(value);

    public override void Flush() => Inner.Flush();
}
