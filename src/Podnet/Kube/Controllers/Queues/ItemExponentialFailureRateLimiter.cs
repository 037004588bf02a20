namespace Podnet.Kube.Controllers.Queues;

/// <summary>
/// Per-item exponential backoff (client-go's <c>TypedItemExponentialFailureRateLimiter</c>, default_rate_limiters.go):
/// the n-th failure of an item since it was forgotten waits <c>baseDelay · 2^(n-1)</c>, at most <c>maxDelay</c>.
/// </summary>
/// <typeparam name="TKey">The queued key.</typeparam>
public sealed class ItemExponentialFailureRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Lock _lock = new();

    /// <param name="baseDelay">The first failure's wait (5 ms in the default controller rate limiter).</param>
    /// <param name="maxDelay">The longest wait (1000 s in the default controller rate limiter).</param>
    public ItemExponentialFailureRateLimiter(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    /// <summary>The first failure's wait.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>The longest wait.</summary>
    public TimeSpan MaxDelay { get; }

    /// <inheritdoc/>
    public TimeSpan When(TKey item)
    {
        lock (_lock)
        {
            var exp = _failures.GetValueOrDefault(item);
            _failures[item] = exp + 1;

            // "The backoff is capped such that 'calculated' value never overflows": computed in floating point.
            var backoff = BaseDelay.TotalMilliseconds * Math.Pow(2, exp);
            return backoff > MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(backoff);
        }
    }

    /// <inheritdoc/>
    public void Forget(TKey item)
    {
        lock (_lock)
        {
            _failures.Remove(item);
        }
    }

    /// <inheritdoc/>
    public int NumRequeues(TKey item)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(item);
        }
    }
}
