using System.Text.Json.Nodes;

namespace Podnet.Kube.Api;

/// <summary>Small edits of Kubernetes JSON that defaulting and controllers share.</summary>
public static class JsonObjects
{
    /// <summary>The object at <paramref name="field"/>, created empty when it is missing or not an object.</summary>
    public static JsonObject GetOrAddObject(this JsonObject parent, string field)
    {
        if (parent[field] is not JsonObject child)
        {
            child = [];
            parent[field] = child;
        }

        return child;
    }
}
