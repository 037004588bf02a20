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
    public bool OnlyStatusChanged => Type == WatchEventType.Modified && Previous is not null && KubeObject.EqualButStatus(Previous, Object);

    public string TypeName => Type.ToString().ToUpperInvariant();
}
