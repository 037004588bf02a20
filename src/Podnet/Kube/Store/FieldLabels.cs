using System.Collections.Frozen;
using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

/// <summary>
/// The fields each kind can be selected by (<c>--field-selector</c>), as the API server registers them; any other
/// field is a BadRequest "field label not supported".
/// </summary>
internal static class FieldLabels
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> ByKind = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
    {
        ["Pod"] = Set("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
        ["Event"] = Set("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
        ["Node"] = Set("spec.unschedulable"),
        ["Namespace"] = Set("status.phase"),
        ["Secret"] = Set("type"),
        ["ReplicaSet"] = Set("status.replicas"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Check(KubeResource resource, IEnumerable<string> fields)
    {
        foreach (var field in fields)
        {
            if (field is "metadata.name" or "metadata.namespace")
            {
                continue;
            }

            if (!ByKind.TryGetValue(resource.Kind, out var allowed) || !allowed.Contains(field))
            {
                throw KubeException.BadRequest($"field label not supported: {field}");
            }
        }
    }

    /// <summary>The value a field selector compares: strings as they are, other scalars in their JSON form.</summary>
    public static string? Value(KubeObject obj, string field)
    {
        var node = obj.Peek(field);
        return node switch
        {
            null => null,
            System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }

    private static FrozenSet<string> Set(params string[] fields) => fields.ToFrozenSet(StringComparer.Ordinal);
}
