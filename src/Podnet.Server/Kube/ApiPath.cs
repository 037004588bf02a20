using Podnet.Kube.Api;

namespace Podnet.Server.Kube;

/// <summary>
/// What a resource URL names (k8s.io/apiserver endpoints/request RequestInfoFactory.NewRequestInfo):
/// <c>/api/v1/namespaces/{ns}/pods/{name}/exec</c> is the resource, namespace, name and subresource.
/// </summary>
/// <param name="Resource">The kind served at the path.</param>
/// <param name="Namespace">The namespace of a namespaced request; null for a cluster-scoped one or all namespaces.</param>
/// <param name="Name">The object's name, or null for the collection.</param>
/// <param name="Subresource">status, scale, exec, log, eviction, …; null for the object itself.</param>
public sealed record ApiPath(KubeResource Resource, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>
    /// Parses the segments after <c>/api/v1</c> or <c>/apis/{group}/{version}</c>; null when no resource of
    /// <paramref name="group"/>/<paramref name="version"/> is served there.
    /// </summary>
    public static ApiPath? Parse(IEnumerable<KubeResource> served, string group, string version, string[] segments)
    {
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(segments);
        var inVersion = served.Where(r => r.Group == group && r.Version == version).ToList();
        KubeResource? Find(string name) => inVersion.FirstOrDefault(r => r.Plural == name);

        // namespaces/{ns}/{plural}/… names a namespaced resource; namespaces/{name}[/status|/finalize] the namespace.
        if (segments is ["namespaces", var ns, var kind, .. var rest] && Find(kind) is { Namespaced: true } namespaced)
        {
            return rest switch
            {
                [] => new ApiPath(namespaced, ns, null, null),
                [var name] => new ApiPath(namespaced, ns, name, null),
                [var name, var sub] => new ApiPath(namespaced, ns, name, sub),
                _ => null,
            };
        }

        return segments switch
        {
            [var plural] when Find(plural) is { } r => new ApiPath(r, null, null, null),
            [var plural, var name] when Find(plural) is { } r && !r.Namespaced => new ApiPath(r, null, name, null),
            [var plural, var name, var sub] when Find(plural) is { } r && !r.Namespaced => new ApiPath(r, null, name, sub),
            _ => null,
        };
    }
}
