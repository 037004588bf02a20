using System.Globalization;
using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    // The leases of the kinds with a time to live (Events), one manager per kind as the API server has one per resource's
    // storage; in the order the kinds were first written.
    private readonly Dictionary<KindTable, LeaseManager> _leases = [];

    /// <summary>
    /// When the next lease of an object with a time to live (<see cref="KubeResource.TimeToLive"/>) runs out, or null
    /// when none is held: a server that is otherwise idle wakes then, as etcd's lease expiry needs no request. The
    /// objects on it may all have been written again since; <see cref="ExpireDue"/> then deletes nothing.
    /// </summary>
    public DateTimeOffset? NextExpiry
    {
        get
        {
            lock (_lock)
            {
                DateTimeOffset? earliest = null;
                foreach (var leases in _leases.Values)
                {
                    if (leases.NextExpiry is { } next && (earliest is null || next < earliest))
                    {
                        earliest = next;
                    }
                }

                return earliest;
            }
        }
    }

    /// <summary>
    /// Deletes every object whose lease has run out (<see cref="KubeResource.TimeToLive"/>: an Event 60–61 minutes after
    /// its last write, <see cref="LeaseManager"/>), as etcd deletes the keys of an expired lease: no request, so no
    /// admission, finalizers, grace period or audit entry; each watch gets the object DELETED at a new resourceVersion,
    /// as the API server's etcd watcher reports a deletion. Returns how many went. The control plane calls it before each
    /// batch of work, so on virtual time an object goes at the first step at or after its lease runs out.
    /// </summary>
    public int ExpireDue()
    {
        // Asked before every batch of the control plane: nothing due costs a look at the queues' heads.
        var now = _time.GetUtcNow();
        if (NextExpiry is not { } next || next > now)
        {
            return 0;
        }

        using var delivery = Delivering();
        lock (_lock)
        {
            var expired = 0;
            foreach (var (table, leases) in _leases)
            {
                foreach (var lease in leases.TakeDue(now))
                {
                    foreach (var (key, version) in lease.Attached)
                    {
                        if (table.Get(key) is { } stored && VersionOf(stored) == version)
                        {
                            RemoveLocked(table.Resource, Stamp(stored));
                            expired++;
                        }
                    }
                }
            }

            return expired;
        }
    }

    /// <summary>Attaches a version just stored to a lease, for a kind with a time to live (every write does: TTLFunc is asked on create and update).</summary>
    private void Lease(KindTable table, (string Namespace, string Name) key, KubeObject stored)
    {
        if (table.Resource.TimeToLive is not { } timeToLive)
        {
            return;
        }

        if (!_leases.TryGetValue(table, out var leases))
        {
            leases = new LeaseManager(timeToLive);
            _leases[table] = leases;
        }

        leases.Attach(_time.GetUtcNow(), key, VersionOf(stored));
    }

    private static long VersionOf(KubeObject stored)
        => long.TryParse(stored.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;
}
