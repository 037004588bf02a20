using Podnet.Cli;
using Podnet.Cli.Commands;
using Podnet.Cli.Output;
using Podnet.Policy;

namespace Podnet.Tests.Cli.Output;

public class PainterTests
{
    private const string Escape = "\u001b[";

    private static ConsoleWriter Terminal(StringWriter inner, params (string Key, string Value)[] environment)
        => new(inner, isTerminal: true, key => environment.FirstOrDefault(e => e.Key == key).Value);

    [Fact]
    public void Terminal_PaintsVerdictsWithAnsiStyles()
    {
        var painter = Painter.For(Terminal(new StringWriter()));

        Assert.Equal($"{Escape}1;32mALLOWED{Escape}0m", painter.Allowed("ALLOWED"));
        Assert.Equal($"{Escape}1;91mDENIED{Escape}0m", painter.Denied("DENIED"));
        Assert.Equal($"{Escape}1;93mwarning{Escape}0m", painter.Warning("warning"));
    }

    [Theory]
    [InlineData("NO_COLOR", "1")]
    [InlineData("TERM", "dumb")]
    public void Terminal_WithNoColorOrDumbTerm_IsPlain(string key, string value)
        => Assert.Equal("DENIED", Painter.For(Terminal(new StringWriter(), (key, value))).Denied("DENIED"));

    [Fact]
    public void Pipe_IsPlain()
        => Assert.Equal("DENIED", Painter.For(new ConsoleWriter(new StringWriter(), isTerminal: false, _ => null)).Denied("DENIED"));

    [Fact]
    public void NoColorFlag_TurnsColourOffOnTheConsoleWriters()
    {
        var output = Terminal(new StringWriter());
        var error = Terminal(new StringWriter());

        var exit = PodnetCommand.Run(["instance-types", "m5.large", "--no-color"], output, error);

        Assert.Equal(0, exit);
        Assert.True(output.NoColor);
        Assert.False(output.Color);
        Assert.False(error.Color);
    }

    [Fact]
    public void Reach_OnATerminal_PaintsTheVerdictAndFailedHop()
    {
        var result = new ReachResult(false, [new Hop("egress", true, "fine"), new Hop("ingress", false, "no rule")], null);

        var text = ReachCommand.Render(result, Painter.For(Terminal(new StringWriter())));

        Assert.Equal($"{Escape}1;91mDENIED{Escape}0m\n  {Escape}1;32mok{Escape}0m    egress: fine\n  {Escape}1;91mFAIL{Escape}0m  ingress: no rule\n", text);
        Assert.Equal("DENIED\n  ok    egress: fine\n  FAIL  ingress: no rule\n", ReachCommand.Render(result));
    }
}
