namespace Podnet.Kube.Controllers.Queues;

/// <summary>
/// A work queue whose failed items are retried through a rate limiter (client-go's
/// <c>NewTypedRateLimitingQueue</c>, k8s.io/client-go/util/workqueue/rate_limiting_queue.go): the one place a
/// controller's retries are counted and delayed.
/// </summary>
/// <typeparam name="TKey">The queued key.</typeparam>
public sealed class RateLimitingQueue<TKey> : WorkQueue<TKey>
    where TKey : notnull
{
    private readonly IRateLimiter<TKey> _limiter;

    /// <param name="time">The clock delays are measured on.</param>
    /// <param name="limiter">How long failed items wait; by default client-go's
    /// <see cref="DefaultControllerRateLimiter"/>.</param>
    public RateLimitingQueue(TimeProvider time, IRateLimiter<TKey>? limiter = null)
        : base(time)
    {
        _limiter = limiter ?? DefaultControllerRateLimiter.Create<TKey>(time);
    }

    /// <summary>Queues the item after the rate limiter says it may (<c>AddRateLimited</c>: AddAfter(item, When(item))).</summary>
    public void AddRateLimited(TKey item) => AddAfter(item, _limiter.When(item));

    /// <summary>Stops tracking the item's failures (<c>Forget</c>); it does not take the item off the queue.</summary>
    public void Forget(TKey item) => _limiter.Forget(item);

    /// <summary>How many times the item has been requeued through <see cref="AddRateLimited"/> since it was forgotten.</summary>
    public int NumRequeues(TKey item) => _limiter.NumRequeues(item);
}
