using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Server;

/// <summary>Request bodies as JSON nodes, read as the served APIs' real decoders read them.</summary>
public static class JsonLastWins
{
    /// <summary>
    /// A parsed document as nodes, a key given twice keeping its last value — as Go's encoding/json (and
    /// sigs.k8s.io/json, the Kubernetes API server's decoder) fills a struct field or map key again, and as Jackson,
    /// the AWS JSON services' parser, does by default. A JsonNode made straight from such text fails on first reading
    /// the object (a 500 where the real services decode).
    /// </summary>
    public static JsonNode? Node(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = Node(property.Value);
                }

                return obj;
            }

            case JsonValueKind.Array:
            {
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(Node(item));
                }

                return array;
            }

            case JsonValueKind.String:
                return JsonValue.Create(element.GetString());
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            case JsonValueKind.Number:
                // The literal kept as written (1e400, 1.0): the Go type check names it.
                return JsonValue.Create(element.Clone());
            default:
                return null;
        }
    }

}
