namespace Podnet.Kube.Controllers.Queues;

/// <summary>
/// A controller's work queue as client-go keeps it (k8s.io/client-go/util/workqueue: queue.go for the queue,
/// delaying_queue.go for <see cref="AddAfter"/>). A key is queued once however often it is added (the <c>dirty</c>
/// set); a key taken with <see cref="TryGet"/> is <c>processing</c> until <see cref="Done"/>, and a key added while
/// processing is not handed to anyone else meanwhile but queued again at <see cref="Done"/>, so it is processed again
/// after, with the state its adder saw. Time comes from the world's clock (a <see cref="TimeProvider"/>), so
/// "after" is virtual time.
/// </summary>
/// <remarks>
/// One difference from delaying_queue.go, where a waiting entry always fires: a key that is added now (or is
/// already queued) drops its waiting entry, and a delayed add of a queued key is ignored. Every reconciler here is
/// level-based and returns its own requeue-after when it still has something to wait for, so the dropped entry could
/// only reconcile an unchanged state again; dropping it keeps virtual time from moving on for no work (the world
/// settles when nothing is due).
/// </remarks>
/// <typeparam name="TKey">The queued key (a controller's <see cref="ObjectKey"/>).</typeparam>
public class WorkQueue<TKey>
    where TKey : notnull
{
    // queue.go's queue, first in first out: a ring buffer, where a linked list allocated a node per key queued.
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];

    // delaying_queue.go's waitingForQueue (a heap by due time) and knownEntries: each waiting key with its due time and
    // the order it began to wait in, and a heap of the same entries by (due, order), so the earliest is known, and the
    // keys due are taken, without a scan: a take with nothing due costs nothing, and one key due among thousands
    // waiting costs a logarithm, not a pass over all of them. An entry taken off _waiting stays in the heap until it
    // comes to the top and is dropped there: a heap in an array allocates nothing per entry, where a sorted set made a
    // node for each (33 MB of a 10,000-pod world with security groups, whose kubelets wait to retry 300,000 times).
    private readonly Dictionary<TKey, (DateTimeOffset Due, long Order)> _waiting = [];
    private readonly PriorityQueue<TKey, (DateTimeOffset Due, long Order)> _byDue = new(DueOrder.Instance);
    private long _waitOrder;

    private readonly Lock _lock = new();

    /// <param name="time">The clock delays are measured on.</param>
    public WorkQueue(TimeProvider time)
    {
        Time = time;
    }

    /// <summary>The clock delays are measured on.</summary>
    protected TimeProvider Time { get; }

    /// <summary>
    /// Queues the key (queue.go <c>Add</c>): nothing happens when it is queued already; when it is being processed it
    /// is marked dirty and queued at <see cref="Done"/>. A waiting delayed entry of the key is dropped (see remarks).
    /// </summary>
    public void Add(TKey key)
    {
        lock (_lock)
        {
            Unschedule(key);
            AddLocked(key);
        }
    }

    /// <summary>
    /// Queues the key once <paramref name="delay"/> has passed (delaying_queue.go <c>AddAfter</c>): a delay of zero or
    /// less adds it now; of several waiting requests for one key the earliest wins; a key already queued (dirty)
    /// stays as it is.
    /// </summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            if (_dirty.Contains(key))
            {
                return;
            }

            var due = Time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var existing) && existing.Due <= due)
            {
                return;
            }

            var order = _waitOrder++;
            _waiting[key] = (due, order);
            _byDue.Enqueue(key, (due, order));
        }
    }

    /// <summary>
    /// Takes the first queued key and marks it processing (queue.go <c>Get</c>, without blocking: false when no key is
    /// ready now). The caller must call <see cref="Done"/> with it.
    /// </summary>
    public bool TryGet(out TKey key)
    {
        lock (_lock)
        {
            PromoteDue();
            if (_queue.TryDequeue(out var first))
            {
                _processing.Add(first);
                _dirty.Remove(first);
                key = first;
                return true;
            }

            key = default!;
            return false;
        }
    }

    /// <summary>
    /// Ends the processing of a key (queue.go <c>Done</c>): when it was added again meanwhile, it is queued now, at
    /// the end.
    /// </summary>
    public void Done(TKey key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key))
            {
                _queue.Enqueue(key);
            }
        }
    }

    /// <summary>Whether a key is ready to be taken now.</summary>
    public bool HasReady
    {
        get
        {
            lock (_lock)
            {
                PromoteDue();
                return _queue.Count > 0;
            }
        }
    }

    /// <summary>When the next delayed key falls due, or null when nothing waits.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_lock)
            {
                DropUnscheduled();
                return _byDue.TryPeek(out _, out var first) ? first.Due : null;
            }
        }
    }

    /// <summary>Keys queued or waiting (queue.go's <c>Len</c> counts the queued ones; the waiting ones are added here).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _dirty.Count + _waiting.Count;
            }
        }
    }

    private void AddLocked(TKey key)
    {
        if (!_dirty.Add(key) || _processing.Contains(key))
        {
            return;
        }

        _queue.Enqueue(key);
    }

    /// <summary>
    /// Queues every waiting key whose time has come, earliest first, keys due together in the order they began to wait
    /// (delaying_queue.go's waitingLoop).
    /// </summary>
    private void PromoteDue()
    {
        var now = Time.GetUtcNow();
        while (_byDue.TryPeek(out var key, out var first) && first.Due <= now)
        {
            _byDue.Dequeue();
            if (IsScheduled(key, first))
            {
                _waiting.Remove(key);
                AddLocked(key);
            }
        }
    }

    /// <summary>Takes a key off the waiting set (its entry in the heap is dropped when it comes to the top).</summary>
    private void Unschedule(TKey key) => _waiting.Remove(key);

    /// <summary>Whether the heap's entry is the key's waiting one, not one taken off or replaced by an earlier one.</summary>
    private bool IsScheduled(TKey key, (DateTimeOffset Due, long Order) entry)
        => _waiting.TryGetValue(key, out var waiting) && waiting.Order == entry.Order;

    /// <summary>Drops the entries at the top of the heap that no longer wait, so the top is the earliest that does.</summary>
    private void DropUnscheduled()
    {
        while (_byDue.TryPeek(out var key, out var first) && !IsScheduled(key, first))
        {
            _byDue.Dequeue();
        }
    }

    /// <summary>Waiting entries by due time, then by the order they began to wait in (unique per entry).</summary>
    private sealed class DueOrder : IComparer<(DateTimeOffset Due, long Order)>
    {
        public static readonly DueOrder Instance = new();

        public int Compare((DateTimeOffset Due, long Order) x, (DateTimeOffset Due, long Order) y)
        {
            var due = x.Due.CompareTo(y.Due);
            return due != 0 ? due : x.Order.CompareTo(y.Order);
        }
    }
}
