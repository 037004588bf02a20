namespace Podnet.Kube.Controllers.Queues;

/// <summary>client-go's <c>DefaultTypedControllerRateLimiter</c> (k8s.io/client-go/util/workqueue/default_rate_limiters.go).</summary>
public static class DefaultControllerRateLimiter
{
    /// <summary>
    /// The longer of per-item exponential backoff from 5 ms to 1000 s and an overall bucket of 10 retries per second
    /// with a burst of 100 — "both overall and per-item rate limiting. The overall is a token bucket and the per-item
    /// is exponential".
    /// </summary>
    /// <param name="time">The clock the bucket refills on.</param>
    /// <typeparam name="TKey">The queued key.</typeparam>
    public static IRateLimiter<TKey> Create<TKey>(TimeProvider time)
        where TKey : notnull
        => new MaxOfRateLimiter<TKey>(
            new ItemExponentialFailureRateLimiter<TKey>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new BucketRateLimiter<TKey>(10, 100, time));
}
