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
    public string TypeName => Type.ToString().ToUpperInvariant();
}
