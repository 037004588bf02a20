namespace Podnet.Kube.Controllers;

/// <summary>
/// A controller's work queue as client-go keeps it: a key is queued once however often it is added, and can be
/// added for later ("requeue after"). Time comes from the world's clock.
/// </summary>
public sealed class WorkQueue<TKey>
    where TKey : notnull
{
    private readonly TimeProvider _time;
    private readonly LinkedList<TKey> _ready = new();
    private readonly HashSet<TKey> _queued = [];
    private readonly Dictionary<TKey, DateTimeOffset> _later = [];

    // How many keys wait for each due time: the earliest is known without a scan, and a take with nothing due (the
    // common case) costs nothing. The keys themselves are promoted from _later, in its order, as before.
    private readonly SortedDictionary<DateTimeOffset, int> _dueTimes = [];
    private readonly Lock _lock = new();

    public WorkQueue(TimeProvider time)
    {
        _time = time;
    }

    public void Add(TKey key)
    {
        lock (_lock)
        {
            Unschedule(key);
            if (_queued.Add(key))
            {
                _ready.AddLast(key);
            }
        }
    }

    /// <summary>Queues the key once <paramref name="delay"/> has passed (the earliest of several requests wins).</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            if (_queued.Contains(key))
            {
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (!_later.TryGetValue(key, out var existing) || due < existing)
            {
                Unschedule(key);
                _later[key] = due;
                _dueTimes[due] = _dueTimes.GetValueOrDefault(due) + 1;
            }
        }
    }

    public bool TryTake(out TKey key)
    {
        lock (_lock)
        {
            PromoteDue();
            if (_ready.First is { } first)
            {
                _ready.RemoveFirst();
                _queued.Remove(first.Value);
                key = first.Value;
                return true;
            }

            key = default!;
            return false;
        }
    }

    public bool HasReady
    {
        get
        {
            lock (_lock)
            {
                PromoteDue();
                return _ready.Count > 0;
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
                return _dueTimes.Count == 0 ? null : _dueTimes.First().Key;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _ready.Count + _later.Count;
            }
        }
    }

    private void PromoteDue()
    {
        var now = _time.GetUtcNow();
        if (_dueTimes.Count == 0 || _dueTimes.First().Key > now)
        {
            return;
        }

        foreach (var (key, due) in _later.Where(p => p.Value <= now).OrderBy(p => p.Value).ToList())
        {
            Unschedule(key);
            if (_queued.Add(key))
            {
                _ready.AddLast(key);
            }
        }
    }

    /// <summary>Takes a key off the delayed set, and its due time off the counts.</summary>
    private void Unschedule(TKey key)
    {
        if (!_later.Remove(key, out var due))
        {
            return;
        }

        var count = _dueTimes[due] - 1;
        if (count == 0)
        {
            _dueTimes.Remove(due);
        }
        else
        {
            _dueTimes[due] = count;
        }
    }
}
