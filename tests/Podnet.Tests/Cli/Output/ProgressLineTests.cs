using Podnet.Cli.Output;
using Podnet.World;

namespace Podnet.Tests.Cli.Output;

public class ProgressLineTests
{
    [Fact]
    public void OffATerminal_RunsOnTheCallingThread_AndDrawsNothing()
    {
        var error = new StringWriter();
        var thread = Environment.CurrentManagedThreadId;
        var described = 0;

        var result = ProgressLine.Run(error, "working", line =>
        {
            line.Report(() => $"step {++described}");
            return (line.IsShown, Environment.CurrentManagedThreadId);
        });

        Assert.Equal((false, thread), result);
        Assert.Equal(0, described);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void InCi_DrawsNothing()
    {
        var error = new ConsoleWriter(new StringWriter(), isTerminal: true, key => key == "CI" ? "true" : null);

        Assert.False(error.ShowsProgress);
        Assert.False(ProgressLine.Run(error, "working", line => line.IsShown));
    }

    [Fact]
    public void AWorldReportsItsSettling_WhileItLoads()
    {
        var seen = new List<DateTimeOffset>();

        var world = WorldLoader.LoadDefault(settleProgress: w => seen.Add(w.Time.GetUtcNow()));

        Assert.NotEmpty(seen);
        Assert.True(seen[^1] > global::Podnet.World.World.Epoch, "virtual time should have moved while the default world settled");
        Assert.NotNull(world.SettleProgress);
    }
}
