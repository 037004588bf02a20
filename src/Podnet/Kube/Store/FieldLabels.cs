using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

/// <summary>
/// Field selectors (<c>--field-selector</c>): the fields a kind may be selected by are its resource's
/// <see cref="KubeResource.FieldSelectors"/>; any other field is a BadRequest "field label not supported".
/// </summary>
internal static class FieldLabels
{
    public static void Check(KubeResource resource, IEnumerable<string> fields)
    {
        foreach (var field in fields)
        {
            if (field is "metadata.name" or "metadata.namespace")
            {
                continue;
            }

            if (!resource.FieldSelectors.Contains(field))
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
}
