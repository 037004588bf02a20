namespace Podnet.Kube.Patching;

/// <summary>How a strategic merge patch combines a field of the original with the patch's value.</summary>
public enum PatchStrategy
{
    /// <summary>Maps merge key by key; lists are replaced wholesale (the default for a list without a tag).</summary>
    Default,

    /// <summary>
    /// <c>patchStrategy:"merge"</c>: a list of objects merges item by item on its merge key, a list of scalars
    /// merges as a set.
    /// </summary>
    Merge,

    /// <summary><c>patchStrategy:"replace"</c>: the patch value replaces the original value.</summary>
    Replace,
}

/// <summary>
/// The strategic-merge metadata of one field, as the <c>patchStrategy</c> and <c>patchMergeKey</c> struct tags of
/// k8s.io/api give it. <see cref="Type"/> describes the field's value (a map) or each element (a list of maps);
/// <c>null</c> means no more is known below this field, so maps merge and lists are replaced.
/// </summary>
public sealed record PatchField(
    PatchStrategy Strategy = PatchStrategy.Default,
    string? MergeKey = null,
    bool RetainKeys = false,
    PatchType? Type = null)
{
    /// <summary>A field whose value is an object of <paramref name="type"/>, merged recursively.</summary>
    public static PatchField Object(PatchType type) => new(Type: type);

    /// <summary>A list of objects of <paramref name="element"/> merged by <paramref name="mergeKey"/>.</summary>
    public static PatchField MergeList(string mergeKey, PatchType? element = null, bool retainKeys = false)
        => new(PatchStrategy.Merge, mergeKey, retainKeys, element);

    /// <summary>A list of scalars merged as a set (<c>metadata.finalizers</c>).</summary>
    public static PatchField MergeSet() => new(PatchStrategy.Merge);

    /// <summary>A list without a patch strategy: the patch's list replaces the original's.</summary>
    public static PatchField Atomic(PatchType? element = null) => new(Type: element);

    /// <summary>An object whose keys the patch's <c>$retainKeys</c> directive may trim (union types).</summary>
    public static PatchField RetainKeysObject(PatchType? type = null) => new(RetainKeys: true, Type: type);
}

/// <summary>
/// A type as strategic merge patch sees it: the fields that need more than the default treatment. Fields not
/// listed merge like an untyped map (objects recurse, lists are replaced).
/// </summary>
public sealed class PatchType
{
    private readonly Dictionary<string, PatchField> _fields;

    public PatchType(string name, IEnumerable<KeyValuePair<string, PatchField>>? fields = null)
    {
        Name = name;
        _fields = new Dictionary<string, PatchField>(fields ?? [], StringComparer.Ordinal);
    }

    /// <summary>The type name (e.g. <c>io.k8s.api.core.v1.PodSpec</c> shortened to <c>PodSpec</c>), for messages.</summary>
    public string Name { get; }

    public IReadOnlyDictionary<string, PatchField> Fields => _fields;

    public PatchField? Field(string name) => _fields.GetValueOrDefault(name);

    public override string ToString() => Name;
}
