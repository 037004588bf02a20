using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Aws;

namespace Podnet.Server.Aws;

/// <summary>
/// Reads the members of a rest-json body (EKS) by their model types, as the service's deserializer does before any
/// handler runs: a member of another JSON type than its shape's is 400 <c>SerializationException</c> (the code botocore
/// reads from <c>x-amzn-ErrorType</c>), never a handler's crash. The messages are those AWS's Coral JSON deserializer
/// gives in other services (<c>NUMBER_VALUE can not be converted to a String</c>, <c>Start of structure or map found
/// where not expected.</c>); EKS's own wording for these mistakes, which the aws CLI never sends, is not on record.
/// </summary>
public static class RestJsonMembers
{
    /// <summary>A string member; null when absent or JSON null.</summary>
    /// <exception cref="AwsException"><c>SerializationException</c> for any other JSON type.</exception>
    public static string? String(JsonNode? node)
        => node is null ? null : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Mismatch(node, "a String");

    /// <summary>An integer member (botocore's <c>integer</c>, a Java int); null when absent or JSON null.</summary>
    /// <exception cref="AwsException"><c>SerializationException</c> for another type or a number that is not a whole int.</exception>
    public static int? Int(JsonNode? node)
        => node is null ? null
            : node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && int.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw Mismatch(node, "an Integer");

    /// <summary>A boolean member; null when absent or JSON null.</summary>
    /// <exception cref="AwsException"><c>SerializationException</c> for any other JSON type.</exception>
    public static bool? Bool(JsonNode? node)
        => node is null ? null : node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Mismatch(node, "a Boolean"),
        };

    /// <summary>A structure or map member; null when absent or JSON null.</summary>
    /// <exception cref="AwsException"><c>SerializationException</c> for any other JSON type.</exception>
    public static JsonObject? Object(JsonNode? node)
        => node is null ? null : node as JsonObject ?? throw Mismatch(node, "a Structure or Map");

    /// <summary>A list of structures (a null item reads as an empty one); null when absent or JSON null.</summary>
    /// <exception cref="AwsException"><c>SerializationException</c> when it is no list or an item is no structure.</exception>
    public static IReadOnlyList<JsonObject>? Objects(JsonNode? node)
        => node is null ? null : node is JsonArray array ? [.. array.Select(v => Object(v) ?? [])] : throw Mismatch(node, "a List");

    /// <summary>A list of strings (a null item reads as empty); null when absent or JSON null.</summary>
    /// <exception cref="AwsException"><c>SerializationException</c> when it is no list or an item is no string.</exception>
    public static IReadOnlyList<string>? Strings(JsonNode? node)
        => node is null ? null : node is JsonArray array ? [.. array.Select(v => String(v) ?? string.Empty)] : throw Mismatch(node, "a List");

    /// <summary>A map of strings (a null value reads as empty); null when absent or JSON null.</summary>
    /// <exception cref="AwsException"><c>SerializationException</c> when it is no map or a value is no string.</exception>
    public static IReadOnlyDictionary<string, string>? StringMap(JsonNode? node)
        => Object(node)?.ToDictionary(p => p.Key, p => String(p.Value) ?? string.Empty, StringComparer.Ordinal);

    private static AwsException Mismatch(JsonNode node, string expected) => new("SerializationException", node.GetValueKind() switch
    {
        JsonValueKind.Object => "Start of structure or map found where not expected.",
        JsonValueKind.Array => "Start of list found where not expected",
        JsonValueKind.String => $"STRING_VALUE can not be converted to {expected}",
        JsonValueKind.Number => $"NUMBER_VALUE can not be converted to {expected}",
        JsonValueKind.True => $"TRUE_VALUE can not be converted to {expected}",
        _ => $"FALSE_VALUE can not be converted to {expected}",
    });
}
