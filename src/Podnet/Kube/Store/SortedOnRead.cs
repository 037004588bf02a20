namespace Podnet.Kube.Store;

/// <summary>
/// A set whose order is worked out when it is read, not on every write: adding or removing is a hash operation, and a
/// read sorts what was added since the last read and merges it into the order kept from then (O(n + k log k) for k
/// added, the same order of cost as reading the n items at all). For the store's tables and indexes, which a settling
/// cluster writes far more often than it lists (a 10,000-pod settle writes 100,000 Events and lists them never):
/// a sorted tree paid a logarithm of string comparisons on every write.
/// </summary>
/// <typeparam name="T">The items; <paramref name="order"/> must order any two distinct items apart (a total order).</typeparam>
/// <param name="order">The order reads give.</param>
/// <remarks>Not thread-safe, reads included (a read merges): the store calls it under its lock.</remarks>
internal sealed class SortedOnRead<T>(IComparer<T> order)
    where T : notnull
{
    private readonly HashSet<T> _members = [];

    // The order as of the last read; never changed in place, so a read's answer stays as it was.
    private T[] _sorted = [];

    // Added since the last read, in no order; an item removed again since is still here, and is skipped on merging.
    private readonly List<T> _added = [];

    // Whether an item of _sorted may have gone since the last read.
    private bool _removedSince;

    /// <summary>How many items the set holds.</summary>
    public int Count => _members.Count;

    /// <summary>Adds <paramref name="item"/>; false when it was there.</summary>
    public bool Add(T item)
    {
        if (!_members.Add(item))
        {
            return false;
        }

        _added.Add(item);
        return true;
    }

    /// <summary>Removes <paramref name="item"/>; false when it was not there.</summary>
    public bool Remove(T item)
    {
        if (!_members.Remove(item))
        {
            return false;
        }

        _removedSince = true;

        // A set written and emptied again without a read (a long-running server's Events come and go, unlisted) would
        // keep every key it ever had in _added: past twice what it holds, the merge drops the ones gone.
        if (_added.Count > (2 * _members.Count) + 64)
        {
            InOrder();
        }

        return true;
    }

    /// <summary>How many items were added since the last read (those removed since included): what a read will merge.</summary>
    internal int Pending => _added.Count;

    /// <summary>Whether the set holds <paramref name="item"/>.</summary>
    public bool Contains(T item) => _members.Contains(item);

    /// <summary>The items in order: a snapshot, which later writes leave as it is.</summary>
    public IReadOnlyList<T> InOrder()
    {
        if (_added.Count == 0 && !_removedSince)
        {
            return _sorted;
        }

        _added.Sort(order);
        var merged = new T[_members.Count];
        int count = 0, i = 0, j = 0;
        while (i < _sorted.Length || j < _added.Count)
        {
            // An item removed and added again since the last read is in both lists: equal items are one.
            T next;
            bool gone;
            if (j >= _added.Count || (i < _sorted.Length && order.Compare(_sorted[i], _added[j]) <= 0))
            {
                next = _sorted[i++];
                gone = _removedSince && !_members.Contains(next);
            }
            else
            {
                next = _added[j++];
                gone = !_members.Contains(next);
            }

            if (gone || (count > 0 && order.Compare(merged[count - 1], next) == 0))
            {
                continue;
            }

            merged[count++] = next;
        }

        _sorted = merged;
        _added.Clear();
        _removedSince = false;
        return merged;
    }
}
