using Podnet.Kube.Api;
using Podnet.Kube.Controllers.Queues;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// A controller as controller-runtime builds one (sigs.k8s.io/controller-runtime/pkg/internal/controller/controller.go)
/// over client-go's rate-limiting work queue: its handler (<see cref="OnChange"/>) only maps changed objects to keys;
/// each key taken from the queue is reconciled against the store's current state by <see cref="ReconcileAsync"/>,
/// and the result decides what the queue does with it — the one place retries are counted and delayed.
/// </summary>
public abstract class ReconcilingController : IController
{
    private readonly Dictionary<ObjectKey, string> _errors = [];

    /// <param name="store">The store the controller reads and writes.</param>
    /// <param name="time">The world's clock, which the queue's delays and backoff are measured on.</param>
    protected ReconcilingController(ObjectStore store, TimeProvider time)
    {
        Store = store;
        Time = time;
        Queue = new RateLimitingQueue<ObjectKey>(time);
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public DateTimeOffset? NextDue => Queue.NextDue;

    /// <summary>The last error of each key whose last reconcile failed, for diagnosis.</summary>
    public IReadOnlyDictionary<ObjectKey, string> Errors => _errors;

    /// <summary>
    /// Retries of a key after which a failed reconcile is given up (the key forgotten, <see cref="GaveUp"/> told), or
    /// null to retry without end as controller-runtime does. The VPC resource controller's worker pool gives up when
    /// <c>NumRequeues</c> has reached 5 (pkg/worker/worker.go <c>maxRetriesOnErr</c>, pkg/config/loader.go
    /// <c>WorkQueueDefaultMaxRetries</c>): the first try and five retries.
    /// </summary>
    protected virtual int? MaxRetriesOf(ObjectKey key) => null;

    /// <summary>
    /// Whether a requeue-after forgets the key's failures: controller-runtime's reconcileHandler does
    /// (<c>Forget</c> then <c>AddAfter</c>); the VPC resource controller's worker pool does not (pkg/worker/worker.go
    /// <c>processNextItem</c> only forgets a job that succeeded), so a job that waits keeps counting its failures.
    /// </summary>
    protected virtual bool ForgetsOnRequeueAfter => true;

    /// <summary>Called when a key's failed reconcile is given up after <see cref="MaxRetriesOf"/> retries.</summary>
    protected virtual void GaveUp(ObjectKey key)
    {
    }

    /// <summary>The store the controller reads and writes.</summary>
    protected ObjectStore Store { get; }

    /// <summary>The world's clock.</summary>
    protected TimeProvider Time { get; }

    /// <summary>The controller's queue of keys to reconcile.</summary>
    protected RateLimitingQueue<ObjectKey> Queue { get; }

    /// <summary>The event handler: queues the keys a change concerns, and does nothing else.</summary>
    public abstract void OnChange(WatchEvent change);

    /// <summary>
    /// Reconciles one key taken from the queue (controller.go <c>processNextWorkItem</c> and <c>reconcileHandler</c>):
    /// an error is retried with <see cref="RateLimitingQueue{TKey}.AddRateLimited"/> (given up after
    /// <see cref="MaxRetriesOf"/> retries, as the resource controller's worker does); requeue-after forgets the failures and adds
    /// the key after the delay; done forgets it. The store's and EC2's errors thrown by a reconcile are its error.
    /// </summary>
    public bool ProcessNext()
    {
        if (!Queue.TryGet(out var key))
        {
            return false;
        }

        try
        {
            var result = Run(key);
            if (result.Error is { } error)
            {
                _errors[key] = error.Message;
                if (Queue.NumRequeues(key) >= MaxRetriesOf(key))
                {
                    Queue.Forget(key);
                    GaveUp(key);
                }
                else
                {
                    Queue.AddRateLimited(key);
                }
            }
            else
            {
                _errors.Remove(key);
                if (result.RequeueAfter is not { } delay)
                {
                    Queue.Forget(key);
                }
                else
                {
                    if (ForgetsOnRequeueAfter)
                    {
                        Queue.Forget(key);
                    }

                    Queue.AddAfter(key, delay);
                }
            }
        }
        finally
        {
            Queue.Done(key);
        }

        return true;
    }

    /// <summary>
    /// Reconciles one key against the store's current state: <see cref="ReconcileResult.Done"/>,
    /// <see cref="ReconcileResult.After"/> a delay, or <see cref="ReconcileResult.Failed"/>.
    /// </summary>
    protected abstract ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);

    /// <summary>metadata.generation however the number is held (the store writes an Int32 on create, an Int64 on update).</summary>
    protected static long GenerationOf(KubeObject obj)
        => obj.Peek("metadata.generation") is System.Text.Json.Nodes.JsonValue v
            ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : 0
            : 0;

    /// <summary>Whether the change is of the kind in the API group ("" for the core group).</summary>
    protected static bool Is(WatchEvent change, string group, string kind)
        => change.Object.Kind == kind && (change.Object.ApiVersion.Contains('/', StringComparison.Ordinal) ? change.Object.ApiVersion.Split('/')[0] : string.Empty) == group;

    /// <summary>
    /// Runs the reconcile. The control plane is driven one item at a time (<see cref="ControlPlane.RunReady"/>) and
    /// every reconcile here completes synchronously (EC2 and the store answer in-process), so an unfinished one is
    /// waited for; a thrown store or EC2 error is the reconcile's error.
    /// </summary>
    private ReconcileResult Run(ObjectKey key)
    {
        try
        {
            var pending = ReconcileAsync(key, CancellationToken.None);
            return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is KubeException or Aws.AwsException or InvalidOperationException)
        {
            return ReconcileResult.Failed(e);
        }
    }
}
