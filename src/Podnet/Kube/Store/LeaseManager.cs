namespace Podnet.Kube.Store;

/// <summary>
/// The etcd leases the API server stores the objects of a kind with a time to live under (Events), as
/// k8s.io/apiserver's etcd3 <c>leaseManager</c> hands them out, one manager per resource's storage: a write reuses the
/// last lease granted while that lease runs out between the time to live and a little more (<see cref="ReuseFor"/>:
/// 5% of it, at most 60 s) from now, and while it holds at most <see cref="MaxObjectsPerLease"/> writes; otherwise it
/// gets a new lease of the time to live plus that little more. So an Event goes between 60 and 61 minutes after its
/// last write, together with the others of its lease. Not thread-safe: the store locks.
/// </summary>
/// <remarks>
/// A lease keeps the key and resourceVersion of each write attached to it, not the object: a version replaced since
/// (an Event counted up, which took a later lease) is not kept alive by it and is skipped when the lease runs out.
/// Leases are granted in the order they run out (each new one outlives the last), so a queue finds the due ones.
/// </remarks>
internal sealed class LeaseManager
{
    /// <summary>apiserver's etcd3 <c>defaultLeaseMaxObjectCount</c>: writes one lease takes before a new one is granted.</summary>
    public const int MaxObjectsPerLease = 1000;

    private readonly TimeSpan _timeToLive;
    private readonly TimeSpan _reuse;
    private readonly Queue<Lease> _leases = new();
    private Lease? _last;
    private int _attached;

    /// <param name="timeToLive">The kind's time to live (<see cref="Api.KubeResource.TimeToLive"/>), whole seconds as etcd's.</param>
    public LeaseManager(TimeSpan timeToLive)
    {
        _timeToLive = timeToLive;
        _reuse = ReuseFor(timeToLive);
    }

    /// <summary>
    /// How much longer than the time to live a lease is granted, so later writes can share it (getReuseDurationSecondsLocked:
    /// 5% of the time to live in whole seconds, at most 60 s; 60 s for an Event's hour).
    /// </summary>
    public static TimeSpan ReuseFor(TimeSpan timeToLive) => TimeSpan.FromSeconds(Math.Min((long)(0.05 * (long)timeToLive.TotalSeconds), 60));

    /// <summary>When the earliest lease still held runs out, or null when none is.</summary>
    public DateTimeOffset? NextExpiry => _leases.TryPeek(out var first) ? first.Expires : null;

    /// <summary>
    /// Attaches a write at <paramref name="now"/> to a lease (GetLease: the last one if it is valid and sufficient and
    /// holds fewer than <see cref="MaxObjectsPerLease"/>, else a new one).
    /// </summary>
    public void Attach(DateTimeOffset now, (string Namespace, string Name) key, long version)
    {
        // GetLease counts every write toward the lease before it decides, as the Go code does. "Sufficient" is
        // After(prevLeaseExpirationTime) there; real time always moves between two writes, virtual time does not, so a
        // write at the instant the last lease was granted counts as within its window (else every write of one instant
        // would take a lease of its own).
        _attached++;
        var valid = _last is not null && now + _timeToLive < _last.Expires;
        var sufficient = _last is not null && now + _timeToLive + _reuse >= _last.Expires;
        if (!(valid && sufficient && _attached <= MaxObjectsPerLease))
        {
            _last = new Lease(now + _timeToLive + _reuse);
            _leases.Enqueue(_last);
            _attached = 1;
        }

        _last!.Attached.Add((key, version));
    }

    /// <summary>Takes off the leases that have run out by <paramref name="now"/>, earliest first.</summary>
    public IEnumerable<Lease> TakeDue(DateTimeOffset now)
    {
        while (_leases.TryPeek(out var first) && first.Expires <= now)
        {
            _leases.Dequeue();
            if (ReferenceEquals(first, _last))
            {
                _last = null;
            }

            yield return first;
        }
    }

    /// <summary>One lease: when it runs out, and the writes attached to it (key and resourceVersion).</summary>
    internal sealed class Lease(DateTimeOffset expires)
    {
        public DateTimeOffset Expires { get; } = expires;

        public List<((string Namespace, string Name) Key, long Version)> Attached { get; } = [];
    }
}
