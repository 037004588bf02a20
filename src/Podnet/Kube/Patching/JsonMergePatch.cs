using System.Text.Json.Nodes;

namespace Podnet.Kube.Patching;

/// <summary>
/// JSON Merge Patch (RFC 7386), the API server's <c>application/merge-patch+json</c>: objects merge recursively,
/// <c>null</c> deletes a member, anything else (arrays included) replaces the target. Inputs are never mutated.
/// </summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
                continue;
            }

            result.TryGetPropertyValue(name, out var current);
            result[name] = Apply(current, value);
        }

        return result;
    }
}
