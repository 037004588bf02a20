using Podnet.Kube.Api;

namespace Podnet.Server.State;

/// <summary>
/// A Kubernetes object as the <c>objects</c> table keeps it: the cluster's name (empty for a world without one), its
/// apiVersion, kind, namespace (empty when cluster-scoped) and name, its resourceVersion and its JSON; a null
/// <paramref name="Json"/> is a deletion.
/// </summary>
public sealed record ObjectRow(string Cluster, string ApiVersion, string Kind, string Namespace, string Name, string? ResourceVersion, string? Json)
{
    /// <summary>The row of <paramref name="obj"/> in <paramref name="cluster"/>; its deletion when <paramref name="deleted"/>.</summary>
    public static ObjectRow Of(string cluster, KubeObject obj, bool deleted = false)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new ObjectRow(cluster, obj.ApiVersion, obj.Kind, obj.Namespace ?? string.Empty, obj.Name, deleted ? null : obj.ResourceVersion ?? string.Empty, deleted ? null : obj.ToJsonString());
    }

    /// <summary>How the object is named in messages: <c>Pod default/web</c>, <c>Namespace web</c>, with its cluster.</summary>
    public string Describe() => $"{Kind} {(Namespace.Length > 0 ? Namespace + "/" : string.Empty)}{Name}" + (Cluster.Length > 0 ? $" (cluster {Cluster})" : string.Empty);
}
