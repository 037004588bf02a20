namespace Podnet.Kube.Controllers;

/// <summary>
/// A cache of at most <c>capacity</c> entries that forgets the least recently used one to make room, as
/// github.com/golang/groupcache/lru (which client-go's event correlator uses) does: <c>Get</c> and <c>Add</c> both
/// make an entry the most recent. Exact and deterministic, so a world settles the same each run; that is why it is
/// not a library's approximate (sampled or segmented) LRU. Not thread-safe: its owner locks.
/// </summary>
/// <remarks>
/// The recency list is threaded through an array of entries by index, not made of linked-list nodes: every Event a
/// component records goes through three of these caches, and a node per new key was a fiftieth of what a world's settle
/// allocated. The array grows as keys come, up to the capacity, and a forgotten key's slot is given to the new one.
/// </remarks>
/// <typeparam name="TKey">The key; compared with the default equality.</typeparam>
/// <typeparam name="TValue">The value kept.</typeparam>
internal sealed class LruCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private const int None = -1;

    /// <summary>Each key's slot in <see cref="_entries"/>.</summary>
    private readonly Dictionary<TKey, int> _slots = [];

    /// <summary>The entries, each linked to the next newer and older by slot; the first <see cref="Count"/> are in use.</summary>
    private Entry[] _entries = [];

    private int _newest = None;
    private int _oldest = None;

    private struct Entry
    {
        public TKey Key;
        public TValue Value;
        public int Newer;
        public int Older;
    }

    /// <summary>The entries kept, at most the capacity.</summary>
    public int Count => _slots.Count;

    /// <summary>The value under <paramref name="key"/>, made the most recent (lru.Cache.Get).</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            MakeNewest(slot);
            value = _entries[slot].Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/> as the most recent entry, forgetting the least recent one when full (lru.Cache.Add).</summary>
    public void Add(TKey key, TValue value)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            _entries[slot].Value = value;
            MakeNewest(slot);
            return;
        }

        if (_slots.Count >= capacity && _oldest != None)
        {
            // lru.Cache.RemoveOldest; its slot takes the new key.
            slot = _oldest;
            Unlink(slot);
            _slots.Remove(_entries[slot].Key);
        }
        else
        {
            slot = _slots.Count;
            if (slot == _entries.Length)
            {
                Array.Resize(ref _entries, Math.Min(Math.Max(4, _entries.Length * 2), Math.Max(capacity, slot + 1)));
            }
        }

        _entries[slot] = new Entry { Key = key, Value = value };
        LinkNewest(slot);
        _slots[key] = slot;
    }

    private void MakeNewest(int slot)
    {
        if (slot != _newest)
        {
            Unlink(slot);
            LinkNewest(slot);
        }
    }

    private void Unlink(int slot)
    {
        ref var entry = ref _entries[slot];
        if (entry.Newer == None)
        {
            _newest = entry.Older;
        }
        else
        {
            _entries[entry.Newer].Older = entry.Older;
        }

        if (entry.Older == None)
        {
            _oldest = entry.Newer;
        }
        else
        {
            _entries[entry.Older].Newer = entry.Newer;
        }
    }

    private void LinkNewest(int slot)
    {
        ref var entry = ref _entries[slot];
        entry.Newer = None;
        entry.Older = _newest;
        if (_newest != None)
        {
            _entries[_newest].Newer = slot;
        }

        _newest = slot;
        if (_oldest == None)
        {
            _oldest = slot;
        }
    }
}
