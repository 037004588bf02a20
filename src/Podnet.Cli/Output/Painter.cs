using Spectre.Console;

namespace Podnet.Cli.Output;

/// <summary>
/// Colours for the words people scan for — verdicts (ALLOWED, DENIED, ok, FAIL) and lint severities (error,
/// warning) — written as ANSI styles by Spectre.Console when the writer is a terminal with colour on
/// (<see cref="ConsoleWriter.Color"/>), and as the plain words everywhere else, so pipes, files and tests see
/// exactly the uncoloured text.
/// </summary>
public sealed class Painter
{
    private static readonly Style AllowedStyle = new(Color.Green, decoration: Decoration.Bold);
    private static readonly Style DeniedStyle = new(Color.Red, decoration: Decoration.Bold);
    private static readonly Style WarningStyle = new(Color.Yellow, decoration: Decoration.Bold);

    private readonly bool _color;

    private Painter(bool color) => _color = color;

    /// <summary>Writes every word as it is.</summary>
    public static Painter Plain { get; } = new(false);

    /// <summary>The painter for <paramref name="writer"/>: coloured on a <see cref="ConsoleWriter"/> with colour on, else plain.</summary>
    public static Painter For(TextWriter writer) => writer is ConsoleWriter { Color: true } ? new Painter(true) : Plain;

    /// <summary>A word that says a connection is allowed or a check passed (green).</summary>
    public string Allowed(string word) => Paint(word, AllowedStyle);

    /// <summary>A word that says a connection is denied, a check failed or an error (red).</summary>
    public string Denied(string word) => Paint(word, DeniedStyle);

    /// <summary>A warning (yellow).</summary>
    public string Warning(string word) => Paint(word, WarningStyle);

    private string Paint(string word, Style style)
    {
        if (!_color)
        {
            return word;
        }

        using var buffer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(buffer),
        });
        console.Write(new Text(word, style));
        return buffer.ToString();
    }
}
