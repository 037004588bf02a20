using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// The shape of a client-go controller: changes queue keys, each key is reconciled against the store's current
/// state, and a reconcile may ask to be run again later. A failed reconcile is retried with a growing delay, as
/// the default controller rate limiter does.
/// </summary>
public abstract class QueueController : IController
{
    private readonly Dictionary<ObjectKey, int> _failures = [];

    protected QueueController(ObjectStore store, TimeProvider time)
    {
        Store = store;
        Time = time;
        Queue = new WorkQueue<ObjectKey>(time);
    }

    public abstract string Name { get; }

    public DateTimeOffset? NextDue => Queue.NextDue;

    /// <summary>The last error of each key that failed, for diagnosis.</summary>
    public IReadOnlyDictionary<ObjectKey, string> Errors => _errors;

    protected ObjectStore Store { get; }

    protected TimeProvider Time { get; }

    protected WorkQueue<ObjectKey> Queue { get; }

    private readonly Dictionary<ObjectKey, string> _errors = [];

    public abstract void OnChange(WatchEvent change);

    public bool ProcessNext()
    {
        if (!Queue.TryTake(out var key))
        {
            return false;
        }

        try
        {
            var again = Reconcile(key);
            _failures.Remove(key);
            _errors.Remove(key);
            if (again is { } delay)
            {
                Queue.AddAfter(key, delay);
            }
        }
        catch (KubeException e) when (e.Reason is "Conflict" or "NotFound" or "AlreadyExists")
        {
            // Someone changed the world under us: look again with what is there now.
            Queue.Add(key);
        }
        catch (Exception e) when (e is KubeException or Aws.AwsException or InvalidOperationException)
        {
            var failures = _failures.GetValueOrDefault(key) + 1;
            _failures[key] = failures;
            _errors[key] = e.Message;
            Queue.AddAfter(key, Backoff(failures));
        }

        return true;
    }

    /// <summary>Reconciles one key; returns a delay to be called again, or null.</summary>
    protected abstract TimeSpan? Reconcile(ObjectKey key);

    /// <summary>client-go's per-item exponential backoff: 5 ms doubling, capped at 1000 s.</summary>
    private static TimeSpan Backoff(int failures)
        => TimeSpan.FromMilliseconds(Math.Min(5 * Math.Pow(2, failures - 1), 1_000_000));

    /// <summary>metadata.generation however the number is held (the store writes an Int32 on create, an Int64 on update).</summary>
    protected static long GenerationOf(KubeObject obj)
        => obj["metadata.generation"] is System.Text.Json.Nodes.JsonValue v
            ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : 0
            : 0;

    protected static bool Is(WatchEvent change, string group, string kind)
        => change.Object.Kind == kind && (change.Object.ApiVersion.Contains('/', StringComparison.Ordinal) ? change.Object.ApiVersion.Split('/')[0] : string.Empty) == group;
}
