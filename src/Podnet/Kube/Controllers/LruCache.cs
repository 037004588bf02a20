namespace Podnet.Kube.Controllers;

/// <summary>
/// A cache of at most <c>capacity</c> entries that forgets the least recently used one to make room, as
/// github.com/golang/groupcache/lru (which client-go's event correlator uses) does: <c>Get</c> and <c>Add</c> both
/// make an entry the most recent. Exact and deterministic, so a world settles the same each run; that is why it is
/// not a library's approximate (sampled or segmented) LRU. Not thread-safe: its owner locks.
/// </summary>
/// <typeparam name="TKey">The key; compared with the default equality.</typeparam>
/// <typeparam name="TValue">The value kept.</typeparam>
internal sealed class LruCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = [];

    /// <summary>Most recent first.</summary>
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();

    /// <summary>The entries kept, at most the capacity.</summary>
    public int Count => _entries.Count;

    /// <summary>The value under <paramref name="key"/>, made the most recent (lru.Cache.Get).</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            value = node.Value.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/> as the most recent entry, forgetting the least recent one when full (lru.Cache.Add).</summary>
    public void Add(TKey key, TValue value)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            node.Value = (key, value);
            _order.AddFirst(node);
            return;
        }

        if (_entries.Count >= capacity && _order.Last is { } oldest)
        {
            _order.RemoveLast();
            _entries.Remove(oldest.Value.Key);
        }

        _entries[key] = _order.AddFirst((key, value));
    }
}
