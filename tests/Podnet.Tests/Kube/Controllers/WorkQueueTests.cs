using Podnet.Kube.Controllers.Queues;
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
        Assert.True(TryTake(queue, out var first));
        Assert.True(TryTake(queue, out var second));
        Assert.False(TryTake(queue, out _));
        Assert.Equal(("a", "b"), (first, second));

        queue.Add("a");
        Assert.True(TryTake(queue, out var again));
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
        Assert.False(TryTake(queue, out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(TryTake(queue, out var due));
        Assert.Equal("a", due);
        Assert.False(TryTake(queue, out _));
        Assert.Equal(start.AddSeconds(20), queue.NextDue);

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(TryTake(queue, out var later));
        Assert.Equal("b", later);
        Assert.Null(queue.NextDue);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void WorkQueue_KeysFallingDueTogether_AreQueuedEarliestFirst_TiesInTheOrderTheyWaited()
    {
        var time = new ManualTimeProvider();
        var queue = new WorkQueue<string>(time);
        queue.AddAfter("late", TimeSpan.FromSeconds(9));
        queue.AddAfter("tie-1", TimeSpan.FromSeconds(5));
        queue.AddAfter("early", TimeSpan.FromSeconds(1));
        queue.AddAfter("tie-2", TimeSpan.FromSeconds(5));
        queue.AddAfter("later", TimeSpan.FromSeconds(60));

        time.Advance(TimeSpan.FromSeconds(10));
        var taken = new List<string>();
        while (TryTake(queue, out var key))
        {
            taken.Add(key);
        }

        Assert.Equal(["early", "tie-1", "tie-2", "late"], taken);
        Assert.Equal(1, queue.Count);
        Assert.Equal(time.GetUtcNow().AddSeconds(50), queue.NextDue);
    }

    [Fact]
    public void WorkQueue_AddWhileWaiting_RunsNow()
    {
        var time = new ManualTimeProvider();
        var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromMinutes(1));
        queue.Add("a");

        Assert.Null(queue.NextDue);
        Assert.True(TryTake(queue, out var key));
        Assert.Equal("a", key);
        Assert.False(TryTake(queue, out _));
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
        Assert.True(TryTake(queue, out var first));
        Assert.True(TryTake(queue, out var second));
        Assert.Equal(("a", "b"), (first, second));
        Assert.False(TryTake(queue, out _));
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
        Assert.True(TryTake(queue, out var b));
        Assert.Equal("b", b);
        Assert.False(TryTake(queue, out _));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(TryTake(queue, out var a));
        Assert.Equal("a", a);
        Assert.Null(queue.NextDue);
    }

    [Fact]
    public void WorkQueue_EntriesTakenOffOrReplaced_DoNotFallDueAtTheirOldTimes()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(5));
        queue.Add("a");
        Assert.True(TryTake(queue, out _));

        // Waiting again, later than the entry the add took off; then earlier, replacing it.
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("b", TimeSpan.FromSeconds(40));
        queue.AddAfter("b", TimeSpan.FromSeconds(20));
        Assert.Equal(start.AddSeconds(20), queue.NextDue);
        Assert.Equal(2, queue.Count);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(queue.HasReady);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(TryTake(queue, out var b));
        Assert.Equal("b", b);
        Assert.Equal(start.AddSeconds(30), queue.NextDue);

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(TryTake(queue, out var a));
        Assert.Equal("a", a);
        Assert.False(TryTake(queue, out _));
        Assert.Null(queue.NextDue);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void WorkQueue_AddWhileProcessing_IsProcessedAgainAfterDone()
    {
        var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        Assert.True(queue.TryGet(out var a));

        // queue.go: a key being processed is marked dirty, not handed out twice; Done queues it again, after "b".
        queue.Add("a");
        queue.Add("b");
        Assert.True(queue.TryGet(out var b));
        Assert.Equal("b", b);
        Assert.False(queue.TryGet(out _));
        queue.Done(a);
        Assert.True(queue.TryGet(out var again));
        Assert.Equal("a", again);
        queue.Done(again);
        queue.Done(b);
        Assert.False(queue.TryGet(out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void WorkQueue_DoneWithoutReAdd_DoesNotQueueAgain()
    {
        var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        Assert.True(queue.TryGet(out var a));
        queue.Done(a);
        Assert.False(queue.TryGet(out _));
    }

    /// <summary>Takes a key and ends its processing at once, as a controller whose reconcile adds nothing does.</summary>
    private static bool TryTake(WorkQueue<string> queue, out string key)
    {
        if (!queue.TryGet(out key))
        {
            return false;
        }

        queue.Done(key);
        return true;
    }
}
