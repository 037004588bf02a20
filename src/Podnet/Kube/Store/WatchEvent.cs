using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>One change, as a watch delivers it (<c>{"type":"ADDED","object":{…}}</c>).</summary>
public sealed record WatchEvent(WatchEventType Type, KubeObject Object, long ResourceVersion)
{
    /// <summary>
    /// The object as it was before a MODIFIED change (what client-go's informers hand an UpdateFunc as oldObj), so a
    /// handler compares the two instead of keeping a copy of everything it heard; null for other changes.
    /// </summary>
    public KubeObject? Previous { get; init; }

    /// <summary>
    /// A MODIFIED change that touched only status (and the resourceVersion): what kube-scheduler's and the kubelet's
    /// handlers take as no news, so that a component's own status write does not make it do its work again at once.
    /// </summary>
    /// <remarks>Worked out once per change: every controller's handler asks, and it compares two whole objects.</remarks>
    public bool OnlyStatusChanged => Type == WatchEventType.Modified && Previous is not null && (_sameButStatus ??= KubeObject.EqualButStatus(Previous, Object));

    // What Object and Previous decide, kept; a copy made with another Type (a watch's ADDED or DELETED for a selector
    // change) is asked its Type first. Left out of equality, which is the record's fields but this one.
    private bool? _sameButStatus;

    public bool Equals(WatchEvent? other)
        => other is not null && Type == other.Type && ReferenceEquals(Object, other.Object) && ResourceVersion == other.ResourceVersion && ReferenceEquals(Previous, other.Previous);

    public override int GetHashCode() => HashCode.Combine(Type, Object, ResourceVersion, Previous);

    public string TypeName => Type.ToString().ToUpperInvariant();
}
