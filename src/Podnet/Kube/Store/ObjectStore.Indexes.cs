using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    /// <summary>Pods by <c>spec.nodeName</c> (the kubelet's and a node agent's view of their node).</summary>
    public const string NodeNameIndex = "spec.nodeName";

    /// <summary>Events by <c>involvedObject.uid</c> (what <c>kubectl describe</c> shows of an object).</summary>
    public const string InvolvedObjectUidIndex = "involvedObject.uid";

    /// <summary>The indexes every store keeps, as the API server's field indexes and client-go's shared informers do.</summary>
    private static readonly (string Group, string Kind, string Name, Func<KubeObject, IEnumerable<string>> Values)[] BuiltInIndexes =
    [
        (string.Empty, "Pod", NodeNameIndex, o => o.GetString("spec.nodeName") is { Length: > 0 } node ? [node] : []),
        (string.Empty, "Event", InvolvedObjectUidIndex, o => o.GetString("involvedObject.uid") is { Length: > 0 } uid ? [uid] : []),
    ];

    /// <summary>Dependents in the order of a walk over every kind (tables in creation order) and every object.</summary>
    private static readonly IComparer<(KindTable Table, (string Namespace, string Name) Key)> DependentOrder =
        Comparer<(KindTable Table, (string Namespace, string Name) Key)>.Create((a, b) =>
        {
            var byKind = a.Table.Ordinal.CompareTo(b.Table.Ordinal);
            return byKind != 0 ? byKind : KindTable.KeyOrder.Compare(a.Key, b.Key);
        });

    private readonly Dictionary<string, (KindTable Table, (string Namespace, string Name) Key)> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedOnRead<(KindTable Table, (string Namespace, string Name) Key)>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _inNamespace = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a named index to a kind, kept on every write (client-go's <c>AddIndexers</c>): <paramref name="values"/>
    /// gives the values an object is found under. A name already there is kept as it is.
    /// </summary>
    public void AddIndex(KubeResource resource, string name, Func<KubeObject, IEnumerable<string>> values)
    {
        lock (_lock)
        {
            Table(resource).AddIndex(name, values);
        }
    }

    /// <summary>The objects of a kind found under <paramref name="value"/> in index <paramref name="name"/>, by namespace and name.</summary>
    /// <exception cref="InvalidOperationException">The kind has no such index.</exception>
    public IReadOnlyList<KubeObject> ListByIndex(KubeResource resource, string name, string value)
    {
        lock (_lock)
        {
            return [.. Table(resource).ByIndex(name, value)];
        }
    }

    /// <summary>
    /// The objects of a kind whose ownerReferences name <paramref name="ownerUid"/>, by namespace and name: the
    /// garbage collector's owner index, which controllers use to find what they own instead of listing a namespace.
    /// </summary>
    public IReadOnlyList<KubeObject> ListOwnedBy(KubeResource resource, string ownerUid)
    {
        lock (_lock)
        {
            var table = Table(resource);
            if (!_dependents.TryGetValue(ownerUid, out var keys))
            {
                return [];
            }

            // A loop: a ReplicaSet's sync asks for all of its pods, tens of thousands in a large one.
            var owned = new List<KubeObject>(keys.Count);
            foreach (var (kind, key) in keys.InOrder())
            {
                if (kind == table && table.Get(key) is { } obj)
                {
                    owned.Add(obj);
                }
            }

            return owned;
        }
    }

    /// <summary>
    /// Stores an object and keeps the store-wide indexes (uid, owners, namespace content) with it; then makes a new
    /// object compact if its kind is kept so (<see cref="KubeResource.KeptCompact"/>), once every index has read it.
    /// </summary>
    private void Put(KindTable table, (string Namespace, string Name) key, KubeObject obj)
    {
        // A version that replaces another keeps its tree (an Event counted up): see KubeResource.KeptCompact.
        var compact = table.Resource.KeptCompact && table.Get(key) is null;
        ShareParts(table, key, obj);
        obj.Seal();
        PutIndexed(table, key, obj);
        Lease(table, key, obj);
        if (compact)
        {
            obj.Compact();
        }
    }

    /// <summary>
    /// Makes a new version hold what it has equal with the version it replaces (<see cref="SharedSubtrees"/>), and a new
    /// object what it has equal with others of its kind (<see cref="KubeResource.SharedParts"/>), instead of copies:
    /// every write path (update, status, patch, binding, deletion) stores through here. The new version takes over what
    /// was read of the parts it shares (<see cref="KubeObject.ReuseReads"/>). Not for a compact kind, whose stored
    /// versions are text.
    /// </summary>
    private void ShareParts(KindTable table, (string Namespace, string Name) key, KubeObject obj)
    {
        if (table.Resource.KeptCompact)
        {
            return;
        }

        var previous = table.Get(key);
        if (ReferenceEquals(previous, obj))
        {
            return;
        }

        if (previous is not null)
        {
            SharedSubtrees.ShareUnchanged(obj.Raw, previous.Raw);
            obj.ReuseReads(previous);
        }

        if (table.Resource.SharedParts.Count > 0)
        {
            _sharedParts.Intern(obj.Raw, table.Resource.SharedParts, previous?.Raw);
        }
    }

    private void PutIndexed(KindTable table, (string Namespace, string Name) key, KubeObject obj)
    {
        var previous = table.Set(key, obj);
        if (obj.Uid is { } uid)
        {
            _byUid[uid] = (table, key);
        }

        // Most writes replace an object by a version with the same uid, namespace and owners (a status update): the
        // owner and namespace entries would be removed and added back as they were, through sorted sets.
        if (previous is not null && previous.Uid == obj.Uid && previous.Namespace == obj.Namespace
            && SharedSubtrees.Equal(previous.Peek("metadata.ownerReferences"), obj.Peek("metadata.ownerReferences")))
        {
            return;
        }

        Unindex(table, key, previous);
        if (obj.Uid is { } added)
        {
            _byUid[added] = (table, key);
        }

        foreach (var owner in obj.OwnerReferences)
        {
            if (!_dependents.TryGetValue(owner.Uid, out var dependents))
            {
                dependents = new SortedOnRead<(KindTable, (string, string))>(DependentOrder);
                _dependents[owner.Uid] = dependents;
            }

            dependents.Add((table, key));
        }

        if (obj.Namespace is { } ns)
        {
            _inNamespace[ns] = _inNamespace.GetValueOrDefault(ns) + 1;
        }
    }

    /// <summary>Removes an object and its entries in the store-wide indexes.</summary>
    private void Drop(KindTable table, (string Namespace, string Name) key) => Unindex(table, key, table.Remove(key));

    private void Unindex(KindTable table, (string Namespace, string Name) key, KubeObject? obj)
    {
        if (obj is null)
        {
            return;
        }

        if (obj.Uid is { } uid && _byUid.TryGetValue(uid, out var at) && at.Table == table && at.Key == key)
        {
            _byUid.Remove(uid);
        }

        foreach (var owner in obj.OwnerReferences)
        {
            if (_dependents.TryGetValue(owner.Uid, out var dependents) && dependents.Remove((table, key)) && dependents.Count == 0)
            {
                _dependents.Remove(owner.Uid);
            }
        }

        if (obj.Namespace is { } ns && _inNamespace.TryGetValue(ns, out var count))
        {
            if (count <= 1)
            {
                _inNamespace.Remove(ns);
            }
            else
            {
                _inNamespace[ns] = count - 1;
            }
        }
    }

    /// <summary>The resource a kind's objects are handled as: the first one registered for the kind.</summary>
    private KubeResource ResourceOf(KindTable table)
        => Resources.All.First(r => r.Group == table.Resource.Group && r.Kind == table.Resource.Kind);
}
