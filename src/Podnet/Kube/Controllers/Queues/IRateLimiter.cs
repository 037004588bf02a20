namespace Podnet.Kube.Controllers.Queues;

/// <summary>
/// How long a failed item waits before it is retried (client-go's <c>TypedRateLimiter</c>,
/// k8s.io/client-go/util/workqueue/default_rate_limiters.go).
/// </summary>
/// <typeparam name="TKey">The queued key.</typeparam>
public interface IRateLimiter<in TKey>
{
    /// <summary>How long the item waits now; asking counts as one more failure of it.</summary>
    TimeSpan When(TKey item);

    /// <summary>Stops tracking the item: its next failure is a first one again.</summary>
    void Forget(TKey item);

    /// <summary>How many times the item has failed since it was last forgotten.</summary>
    int NumRequeues(TKey item);
}
