using Podnet.Aws;

namespace Podnet.Kube.Controllers.Queues;

/// <summary>
/// An overall token bucket for all items of a queue (client-go's <c>TypedBucketRateLimiter</c>,
/// default_rate_limiters.go, over golang.org/x/time/rate's <c>Limiter.Reserve().Delay()</c>): every retry takes a
/// token, going into debt when there is none, and waits until its token would have come. It tracks no item.
/// </summary>
/// <typeparam name="TKey">The queued key.</typeparam>
public sealed class BucketRateLimiter<TKey> : IRateLimiter<TKey>
{
    private readonly TokenBucket _bucket;
    private readonly Lock _lock = new();

    /// <param name="perSecond">Tokens added per second (10 in the default controller rate limiter).</param>
    /// <param name="burst">The bucket's size, full at first (100 in the default controller rate limiter).</param>
    /// <param name="time">The clock the bucket refills on.</param>
    public BucketRateLimiter(double perSecond, int burst, TimeProvider time)
    {
        _bucket = new TokenBucket(new TokenBucketSettings(burst, perSecond), time);
    }

    /// <inheritdoc/>
    public TimeSpan When(TKey item)
    {
        lock (_lock)
        {
            return _bucket.Reserve();
        }
    }

    /// <summary>Nothing to forget: the bucket is shared by all items.</summary>
    public void Forget(TKey item)
    {
    }

    /// <summary>Always 0: the bucket counts no item's failures.</summary>
    public int NumRequeues(TKey item) => 0;
}
