using Podnet.Kube.Controllers;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Controllers;

public class WorkQueueTests
{
    [Fact]
    public void WorkQueue_AddTwice_TakenOnce()
    {
        var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryTake(out var first));
        Assert.True(queue.TryTake(out var second));
        Assert.False(queue.TryTake(out _));
        Assert.Equal(("a", "b"), (first, second));

        queue.Add("a");
        Assert.True(queue.TryTake(out var again));
        Assert.Equal("a", again);
    }

    [Fact]
    public void WorkQueue_AddAfter_WaitsForTheClockAndEarliestWins()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var queue = new WorkQueue<string>(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(5));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("b", TimeSpan.FromSeconds(20));

        Assert.Equal(start.AddSeconds(5), queue.NextDue);
        Assert.False(queue.HasReady);
        Assert.Equal(2, queue.Count);

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(queue.TryTake(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(queue.TryTake(out var due));
        Assert.Equal("a", due);
        Assert.False(queue.TryTake(out _));
        Assert.Equal(start.AddSeconds(20), queue.NextDue);

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(queue.TryTake(out var later));
        Assert.Equal("b", later);
        Assert.Null(queue.NextDue);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void WorkQueue_AddWhileWaiting_RunsNow()
    {
        var time = new ManualTimeProvider();
        var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromMinutes(1));
        queue.Add("a");

        Assert.Null(queue.NextDue);
        Assert.True(queue.TryTake(out var key));
        Assert.Equal("a", key);
        Assert.False(queue.TryTake(out _));
    }

    [Fact]
    public void WorkQueue_AddAfterWhileQueued_StaysQueuedOnce()
    {
        var time = new ManualTimeProvider();
        var queue = new WorkQueue<string>(time);
        queue.Add("a");
        queue.AddAfter("a", TimeSpan.FromSeconds(5));
        queue.AddAfter("b", TimeSpan.Zero);

        Assert.Null(queue.NextDue);
        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryTake(out var first));
        Assert.True(queue.TryTake(out var second));
        Assert.Equal(("a", "b"), (first, second));
        Assert.False(queue.TryTake(out _));
    }

    [Fact]
    public void WorkQueue_NextDue_IsTheEarliestLeft_AfterAddsReplaceDelays()
    {
        var time = new ManualTimeProvider();
        var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("b", TimeSpan.FromSeconds(10));
        queue.AddAfter("b", TimeSpan.FromSeconds(5));
        Assert.Equal(time.GetUtcNow().AddSeconds(5), queue.NextDue);

        queue.Add("b");
        Assert.Equal(time.GetUtcNow().AddSeconds(30), queue.NextDue);
        Assert.True(queue.TryTake(out var b));
        Assert.Equal("b", b);
        Assert.False(queue.TryTake(out _));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(queue.TryTake(out var a));
        Assert.Equal("a", a);
        Assert.Null(queue.NextDue);
    }
}
