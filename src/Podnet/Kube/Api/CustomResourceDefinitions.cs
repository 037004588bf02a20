using System.Text.Json.Nodes;

namespace Podnet.Kube.Api;

/// <summary>
/// The resources a CustomResourceDefinition serves, as k8s.io/apiextensions-apiserver's customresource_handler
/// serves each served version (crdInfo per version: names, scope, the status subresource, printer columns).
/// </summary>
public static class CustomResourceDefinitions
{
    /// <summary>
    /// One <see cref="KubeResource"/> per version of <paramref name="crd"/> (apiextensions.k8s.io/v1) with
    /// <c>served: true</c>, in the CRD's order: group from <c>spec.group</c>, kind, plural and short names from
    /// <c>spec.names</c>, namespaced unless <c>spec.scope</c> is <c>Cluster</c>, a status subresource when the
    /// version's <c>subresources.status</c> is present, generation tracked (every custom resource's strategy
    /// counts spec changes), and the version's <c>additionalPrinterColumns</c>. A v1beta1-shaped CRD's top-level
    /// <c>subresources</c> and <c>additionalPrinterColumns</c> apply to versions that give none.
    /// </summary>
    /// <exception cref="ArgumentException">The CRD has no <c>spec.group</c>, <c>spec.names.kind</c> or <c>spec.names.plural</c>.</exception>
    public static IReadOnlyList<KubeResource> FromCustomResourceDefinition(JsonObject crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        var spec = crd["spec"] as JsonObject ?? [];
        var names = spec["names"] as JsonObject ?? [];
        var group = Text(spec["group"]) ?? throw new ArgumentException("the CustomResourceDefinition has no spec.group", nameof(crd));
        var kind = Text(names["kind"]) ?? throw new ArgumentException("the CustomResourceDefinition has no spec.names.kind", nameof(crd));
        var plural = Text(names["plural"]) ?? throw new ArgumentException("the CustomResourceDefinition has no spec.names.plural", nameof(crd));
        var namespaced = Text(spec["scope"]) != "Cluster";
        List<string> shortNames = [.. (names["shortNames"] as JsonArray ?? []).Select(Text).OfType<string>()];

        var resources = new List<KubeResource>();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(version["name"]) is not { } name || version["served"] is not JsonValue served || !served.TryGetValue<bool>(out var isServed) || !isServed)
            {
                continue;
            }

            var subresources = version["subresources"] as JsonObject ?? spec["subresources"] as JsonObject;
            var columns = version["additionalPrinterColumns"] as JsonArray ?? spec["additionalPrinterColumns"] as JsonArray ?? [];
            resources.Add(new KubeResource(group, name, kind, plural, namespaced, shortNames)
            {
                HasStatusSubresource = subresources?.ContainsKey("status") == true,
                TracksGeneration = true,
                IsCustomResource = true,
                AdditionalPrinterColumns = [.. columns.OfType<JsonObject>().Select(PrinterColumn.FromJson)],
            });
        }

        return resources;
    }
}
