using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

/// <summary>
/// The stored objects of one kind, by (namespace, name) in ordinal order, with the indexes client-go's
/// <c>cache.Indexer</c> keeps (<c>cache.NamespaceIndex</c> and named ones such as a pod's <c>spec.nodeName</c>),
/// updated on every write so that a list by namespace or by index reads only what it returns, in the same order a
/// full scan would.
/// </summary>
internal sealed class KindTable
{
    /// <summary>(namespace, name), ordinal: the order lists and watches have always had.</summary>
    public static readonly IComparer<(string Namespace, string Name)> KeyOrder = Comparer<(string Namespace, string Name)>.Create((a, b) =>
    {
        var byNamespace = string.CompareOrdinal(a.Namespace, b.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Name, b.Name);
    });

    // Each key's object sits in a slot of the hash map, so replacing the object under a key (most writes: a kubelet's
    // status, a binding) sets the slot and touches no order; only a new key or a removal changes the sets of keys, whose
    // order is worked out when they are read (SortedOnRead: Events are written by the hundred thousand and listed
    // rarely).
    private readonly Dictionary<(string Namespace, string Name), Slot> _byKey = [];
    private readonly SortedOnRead<(string Namespace, string Name)> _keys = new(KeyOrder);
    private readonly Dictionary<string, SortedOnRead<(string Namespace, string Name)>> _byNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Index> _indexes = new(StringComparer.Ordinal);

    public KindTable(KubeResource resource, int ordinal)
    {
        Resource = resource;
        Ordinal = ordinal;
    }

    /// <summary>The resource the table was made for (any version of the kind).</summary>
    public KubeResource Resource { get; }

    /// <summary>When the table was made, among all tables: the order kinds are walked in.</summary>
    public int Ordinal { get; }

    public int Count => _byKey.Count;

    /// <summary>Every object, by namespace and name.</summary>
    public IEnumerable<KubeObject> Values => _keys.InOrder().Select(k => _byKey[k].Value);

    public KubeObject? Get((string Namespace, string Name) key) => _byKey.TryGetValue(key, out var slot) ? slot.Value : null;

    /// <summary>Objects of one namespace, by name (the key's namespace, so cluster-scoped objects are in "").</summary>
    public IEnumerable<KubeObject> InNamespace(string ns)
        => _byNamespace.TryGetValue(ns, out var keys) ? keys.InOrder().Select(k => _byKey[k].Value) : [];

    /// <summary>Stores <paramref name="obj"/> under <paramref name="key"/>; returns what it replaced.</summary>
    public KubeObject? Set((string Namespace, string Name) key, KubeObject obj)
    {
        KubeObject? previous = null;
        if (_byKey.TryGetValue(key, out var slot))
        {
            previous = slot.Value;
            slot.Value = obj;
        }
        else
        {
            slot = new Slot(obj);
            _byKey[key] = slot;
            _keys.Add(key);
            if (!_byNamespace.TryGetValue(key.Namespace, out var keys))
            {
                keys = new SortedOnRead<(string Namespace, string Name)>(KeyOrder);
                _byNamespace[key.Namespace] = keys;
            }

            keys.Add(key);
        }

        foreach (var index in _indexes.Values)
        {
            index.Replace(key, obj);
        }

        return previous;
    }

    /// <summary>Removes the object under <paramref name="key"/>; returns it, or null when there was none.</summary>
    public KubeObject? Remove((string Namespace, string Name) key)
    {
        if (!_byKey.Remove(key, out var slot))
        {
            return null;
        }

        var removed = slot.Value;

        _keys.Remove(key);

        if (_byNamespace.TryGetValue(key.Namespace, out var keys))
        {
            keys.Remove(key);
            if (keys.Count == 0)
            {
                _byNamespace.Remove(key.Namespace);
            }
        }

        foreach (var index in _indexes.Values)
        {
            index.Replace(key, null);
        }

        return removed;
    }

    /// <summary>
    /// Adds a named index: <paramref name="values"/> gives the values an object is found under (none, one or
    /// several). Objects already stored are indexed at once. Adding a name twice keeps the first.
    /// </summary>
    public void AddIndex(string name, Func<KubeObject, IEnumerable<string>> values)
    {
        if (_indexes.ContainsKey(name))
        {
            return;
        }

        var index = new Index(values);
        foreach (var (key, slot) in _byKey)
        {
            index.Replace(key, slot.Value);
        }

        _indexes[name] = index;
    }

    /// <summary>The objects found under <paramref name="value"/> in index <paramref name="name"/>, by namespace and name.</summary>
    /// <exception cref="InvalidOperationException">There is no such index.</exception>
    public IEnumerable<KubeObject> ByIndex(string name, string value)
    {
        if (!_indexes.TryGetValue(name, out var index))
        {
            throw new InvalidOperationException($"{Resource.Kind} has no index {name}");
        }

        return index.Keys(value).Select(k => _byKey[k].Value);
    }

    private sealed class Index(Func<KubeObject, IEnumerable<string>> values)
    {
        private readonly Dictionary<string, SortedOnRead<(string Namespace, string Name)>> _keys = new(StringComparer.Ordinal);

        // The values each key is indexed under now (none kept for none), as client-go's indexer keeps them: asking the
        // replaced version again would read a compact one's whole text (every count-up of an Event parsed the Event it
        // replaced for its involvedObject.uid).
        private readonly Dictionary<(string Namespace, string Name), string[]> _valuesOf = [];

        public IEnumerable<(string Namespace, string Name)> Keys(string value)
            => _keys.TryGetValue(value, out var keys) ? keys.InOrder() : [];

        /// <summary>Indexes <paramref name="key"/> under the values of its new version, <paramref name="after"/> (null when it is gone).</summary>
        public void Replace((string Namespace, string Name) key, KubeObject? after)
        {
            var old = _valuesOf.GetValueOrDefault(key, []);
            string[] now = after is null ? [] : [.. values(after)];
            if (old.AsSpan().SequenceEqual(now))
            {
                // Most writes leave an object's index values as they were (a status update keeps spec.nodeName).
                return;
            }

            if (now.Length == 0)
            {
                _valuesOf.Remove(key);
            }
            else
            {
                _valuesOf[key] = now;
            }

            // An object is indexed under a value or two: each is looked up in the other list, and a key set adds and
            // removes a key once however often it is named.
            foreach (var value in old)
            {
                if (Array.IndexOf(now, value) < 0)
                {
                    Remove(value, key);
                }
            }

            foreach (var value in now)
            {
                if (Array.IndexOf(old, value) < 0)
                {
                    Add(value, key);
                }
            }
        }

        private void Add(string value, (string Namespace, string Name) key)
        {
            if (!_keys.TryGetValue(value, out var keys))
            {
                keys = new SortedOnRead<(string Namespace, string Name)>(KeyOrder);
                _keys[value] = keys;
            }

            keys.Add(key);
        }

        private void Remove(string value, (string Namespace, string Name) key)
        {
            if (_keys.TryGetValue(value, out var keys))
            {
                keys.Remove(key);
                if (keys.Count == 0)
                {
                    _keys.Remove(value);
                }
            }
        }
    }

    /// <summary>The object stored under one key now; replaced in place by a write to the same key.</summary>
    private sealed class Slot(KubeObject value)
    {
        public KubeObject Value { get; set; } = value;
    }
}
