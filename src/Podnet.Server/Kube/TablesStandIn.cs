using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Server.Kube;

// TEMPORARY stand-in until the printers branch lands (replaced at merge).
internal static class TablesStandIn
{
    public static JsonObject Build(KubeResource resource, IReadOnlyList<KubeObject> items, DateTimeOffset now, string resourceVersion)
        => new()
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = new JsonArray(new JsonObject { ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["description"] = "", ["priority"] = 0 }),
            ["rows"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject { ["cells"] = new JsonArray(i.Name), ["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = i["metadata"] } })]),
        };
}
