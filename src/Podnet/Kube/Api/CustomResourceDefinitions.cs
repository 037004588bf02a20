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

    /// <summary>
    /// The CustomResourceDefinition (apiextensions.k8s.io/v1) that serves <paramref name="resource"/> as
    /// <see cref="FromCustomResourceDefinition"/> reads one: named <c>PLURAL.GROUP</c>, its names (<c>listKind</c>
    /// <c>KINDList</c>, <c>singular</c> the lower-cased kind), scope, one served and stored version with
    /// <paramref name="openApiV3Schema"/> (its <c>metadata</c> an object, as a structural schema must say), its status
    /// subresource and printer columns; and its status as
    /// apiextensions-apiserver's naming and establishing controllers leave it (<see cref="Established"/>).
    /// </summary>
    public static JsonObject Definition(KubeResource resource, JsonObject openApiV3Schema, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(openApiV3Schema);

        // A structural schema may say of metadata only that it is an object (the API server refuses more than name and
        // generateName there, and serves ObjectMeta for it whatever the definition says).
        if (openApiV3Schema["properties"] is JsonObject properties && properties.ContainsKey("metadata"))
        {
            properties["metadata"] = new JsonObject { ["type"] = "object" };
        }

        var version = new JsonObject
        {
            ["name"] = resource.Version,
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = openApiV3Schema },
        };
        if (resource.HasStatusSubresource)
        {
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }

        if (resource.AdditionalPrinterColumns.Count > 0)
        {
            version["additionalPrinterColumns"] = new JsonArray([.. resource.AdditionalPrinterColumns.Select(c => (JsonNode)Column(c))]);
        }

        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{resource.Plural}.{resource.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = resource.Group,
                ["names"] = Names(resource.Kind, resource.Plural, resource.ShortNames),
                ["scope"] = resource.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(version),
            },
        };
        crd["status"] = Established(crd, at);
        return crd;

        static JsonObject Column(PrinterColumn column)
        {
            var json = new JsonObject { ["name"] = column.Name, ["type"] = column.Type, ["jsonPath"] = column.JsonPath };
            if (column.Description.Length > 0)
            {
                json["description"] = column.Description;
            }

            if (column.Format.Length > 0)
            {
                json["format"] = column.Format;
            }

            if (column.Priority != 0)
            {
                json["priority"] = column.Priority;
            }

            return json;
        }
    }

    /// <summary>
    /// The status apiextensions-apiserver gives a definition it serves: its names accepted (<c>listKind</c> and
    /// <c>singular</c> defaulted as the API server defaults them), the conditions <c>NamesAccepted</c> ("no conflicts
    /// found", NamingConditionController) and <c>Established</c> ("the initial names have been accepted",
    /// EstablishingController) at <paramref name="at"/>, and its storage versions as <c>storedVersions</c>.
    /// </summary>
    public static JsonObject Established(JsonObject crd, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(crd);
        static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        var spec = crd["spec"] as JsonObject ?? [];
        var names = spec["names"] as JsonObject ?? [];
        var kind = Text(names["kind"]) ?? string.Empty;
        var time = KubeObject.FormatTimestamp(at);
        return new JsonObject
        {
            ["acceptedNames"] = Names(kind, Text(names["plural"]) ?? string.Empty, [.. (names["shortNames"] as JsonArray ?? []).Select(Text).OfType<string>()], Text(names["singular"]), Text(names["listKind"])),
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = time, ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = time, ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" }),
            ["storedVersions"] = new JsonArray([.. (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(v => v["storage"] is JsonValue storage && storage.TryGetValue<bool>(out var stored) && stored)
                .Select(v => (JsonNode?)JsonValue.Create(Text(v["name"])))]),
        };
    }

    /// <summary>A definition's <c>names</c>, <c>singular</c> and <c>listKind</c> defaulted as the API server defaults them.</summary>
    private static JsonObject Names(string kind, string plural, IReadOnlyList<string> shortNames, string? singular = null, string? listKind = null)
    {
        var names = new JsonObject
        {
            ["kind"] = kind,
            ["listKind"] = listKind ?? kind + "List",
            ["plural"] = plural,
            ["singular"] = singular ?? kind.ToLowerInvariant(),
        };
        if (shortNames.Count > 0)
        {
            names["shortNames"] = new JsonArray([.. shortNames.Select(n => (JsonNode?)JsonValue.Create(n))]);
        }

        return names;
    }
}
