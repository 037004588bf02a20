using Podnet.Kube.Controllers.Queues;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Controllers;

/// <summary>client-go's rate-limiting queue and default controller rate limiter (util/workqueue/default_rate_limiters.go).</summary>
public class RateLimitingQueueTests
{
    [Fact]
    public void RateLimitingQueue_FailedItem_BacksOffExponentially()
    {
        var time = new ManualTimeProvider();
        var queue = new RateLimitingQueue<string>(time);
        var start = time.GetUtcNow();

        // 5 ms, doubling per failure: the n-th AddRateLimited waits 5 ms · 2^(n-1).
        foreach (var (failures, wait) in new[] { (1, 5), (2, 10), (3, 20), (4, 40) })
        {
            queue.AddRateLimited("a");
            Assert.Equal(failures, queue.NumRequeues("a"));
            Assert.Equal(time.GetUtcNow().AddMilliseconds(wait), queue.NextDue);
            Assert.False(queue.TryGet(out _));
            time.Advance(TimeSpan.FromMilliseconds(wait));
            Assert.True(queue.TryGet(out var key));
            queue.Done(key);
        }

        Assert.Equal(start.AddMilliseconds(75), time.GetUtcNow());

        // Forget: the next failure is a first one again.
        queue.Forget("a");
        Assert.Equal(0, queue.NumRequeues("a"));
        queue.AddRateLimited("a");
        Assert.Equal(time.GetUtcNow().AddMilliseconds(5), queue.NextDue);
    }

    [Fact]
    public void RateLimitingQueue_FailedItem_BackoffIsCappedAt1000Seconds()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var waits = Enumerable.Range(0, 40).Select(_ => limiter.When("a")).ToList();

        // 5 ms · 2^17 = 655 s, 2^18 would be 1311 s: from the 19th failure on, the cap.
        Assert.Equal(TimeSpan.FromMilliseconds(5 * 131_072), waits[17]);
        Assert.All(waits.Skip(18), w => Assert.Equal(TimeSpan.FromSeconds(1000), w));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));
    }

    [Fact]
    public void RateLimitingQueue_OverallBucket_DelaysRetriesBeyondBurstOf100At10PerSecond()
    {
        var time = new ManualTimeProvider();
        var limiter = DefaultControllerRateLimiter.Create<string>(time);

        // A hundred distinct items fail at once: the bucket's burst covers them, each waits its own 5 ms.
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When($"item-{i}"));
        }

        // The 101st and 102nd wait for tokens at 10 per second: 100 ms, then 200 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("item-100"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), limiter.When("item-101"));

        // A second later the debt of two is paid and eight tokens are back.
        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When($"later-{i}"));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("later-8"));
        Assert.Equal(0, limiter.NumRequeues("never-failed"));
        Assert.Equal(1, limiter.NumRequeues("later-8"));
    }

    [Fact]
    public void RateLimitingQueue_ItemFailingWhileQueued_StaysQueuedOnce_AndCountsTheFailure()
    {
        var time = new ManualTimeProvider();
        var queue = new RateLimitingQueue<string>(time);
        queue.Add("a");
        queue.AddRateLimited("a");

        Assert.Equal(1, queue.NumRequeues("a"));
        Assert.Null(queue.NextDue);
        Assert.True(queue.TryGet(out var a));
        queue.Done(a);
        Assert.False(queue.TryGet(out _));
    }
}
