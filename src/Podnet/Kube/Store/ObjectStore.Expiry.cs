using System.Globalization;
using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    // The writes of kinds with a time to live (Events), oldest first, one queue per kind: a kind's time to live is one
    // span and virtual time only moves forward, so the order written is the order due, without a heap. A write that a
    // later one replaced stays queued and is skipped when due; the queue holds the version's number, not the object,
    // so a replaced version is not kept alive for an hour.
    private readonly Dictionary<KindTable, Queue<Expiry>> _expiries = [];

    /// <summary>A stored version and when its lease runs out.</summary>
    private readonly record struct Expiry(DateTimeOffset At, (string Namespace, string Name) Key, long Version);

    /// <summary>
    /// When the next object of a kind with a time to live (<see cref="KubeResource.TimeToLive"/>) may go, or null when
    /// none is stored: a server that is otherwise idle wakes then, as etcd's lease expiry needs no request. A version
    /// replaced since may make it early; <see cref="ExpireDue"/> then deletes nothing.
    /// </summary>
    public DateTimeOffset? NextExpiry
    {
        get
        {
            lock (_lock)
            {
                DateTimeOffset? earliest = null;
                foreach (var queue in _expiries.Values)
                {
                    if (queue.TryPeek(out var next) && (earliest is null || next.At < earliest))
                    {
                        earliest = next.At;
                    }
                }

                return earliest;
            }
        }
    }

    /// <summary>
    /// Deletes every object whose time to live has passed since its last write (<see cref="KubeResource.TimeToLive"/>:
    /// Events, an hour), as etcd deletes a key when the lease the API server stored it under runs out: no request, so no
    /// admission, finalizers, grace period or audit entry; each watch gets the object DELETED at a new resourceVersion,
    /// as the API server's etcd watcher reports a deletion. Returns how many went. The control plane calls it before each
    /// batch of work, so on virtual time an object goes at the first step at or after its expiry.
    /// </summary>
    public int ExpireDue()
    {
        using var delivery = Delivering();
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var expired = 0;
            foreach (var (table, queue) in _expiries)
            {
                while (queue.TryPeek(out var next) && next.At <= now)
                {
                    queue.Dequeue();
                    if (table.Get(next.Key) is { } stored && VersionOf(stored) == next.Version)
                    {
                        RemoveLocked(table.Resource, Stamp(stored));
                        expired++;
                    }
                }
            }

            return expired;
        }
    }

    /// <summary>Starts the lease of a version just stored, for a kind with a time to live (every write renews it, as TTLFunc is asked on create and update).</summary>
    private void Lease(KindTable table, (string Namespace, string Name) key, KubeObject stored)
    {
        if (table.Resource.TimeToLive is not { } timeToLive)
        {
            return;
        }

        if (!_expiries.TryGetValue(table, out var queue))
        {
            queue = new Queue<Expiry>();
            _expiries[table] = queue;
        }

        queue.Enqueue(new Expiry(_time.GetUtcNow() + timeToLive, key, VersionOf(stored)));
    }

    private static long VersionOf(KubeObject stored)
        => long.TryParse(stored.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;
}
