using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Validation;

/// <summary>Reads of values that have passed the type check (so a string field holds a string or nothing).</summary>
internal static class JsonText
{
    /// <summary>The string at <paramref name="node"/>, or null.</summary>
    public static string? String(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The whole number at <paramref name="node"/>, or null.</summary>
    public static long? Integer(JsonNode? node)
        => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
           && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The objects of the array at <paramref name="node"/> (nulls and other values skipped).</summary>
    public static IReadOnlyList<JsonObject?> Objects(JsonNode? node) => node is JsonArray a ? [.. a.Select(i => i as JsonObject)] : [];
}
