namespace Podnet.Kube.Controllers.Queues;

/// <summary>
/// The longest wait of several rate limiters, each asked every time (client-go's <c>TypedMaxOfRateLimiter</c>,
/// default_rate_limiters.go); <see cref="NumRequeues"/> is the largest of theirs.
/// </summary>
/// <typeparam name="TKey">The queued key.</typeparam>
public sealed class MaxOfRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly IReadOnlyList<IRateLimiter<TKey>> _limiters;

    /// <param name="limiters">The limiters, all asked on every failure.</param>
    public MaxOfRateLimiter(params IRateLimiter<TKey>[] limiters)
    {
        _limiters = limiters;
    }

    /// <inheritdoc/>
    public TimeSpan When(TKey item)
    {
        var longest = TimeSpan.Zero;
        foreach (var limiter in _limiters)
        {
            var wait = limiter.When(item);
            if (wait > longest)
            {
                longest = wait;
            }
        }

        return longest;
    }

    /// <inheritdoc/>
    public void Forget(TKey item)
    {
        foreach (var limiter in _limiters)
        {
            limiter.Forget(item);
        }
    }

    /// <inheritdoc/>
    public int NumRequeues(TKey item) => _limiters.Max(l => l.NumRequeues(item));
}
