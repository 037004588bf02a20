using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;

namespace Podnet.World;

/// <summary>Typed reads of a world document's <c>spec</c>, with errors that name the field.</summary>
internal static class DocumentFields
{
    public static JsonObject Spec(WorldDocument doc) => doc.Content["spec"] switch
    {
        null => [],
        JsonObject spec => spec,
        _ => throw doc.Error("spec", "must be a map of the resource's fields"),
    };

    public static string? String(WorldDocument doc, string field) => StringAt(doc, Spec(doc)[field], $"spec.{field}");

    /// <summary>A scalar as text (the aws CLI takes <c>5</c> for "5"); a list or map where text belongs is an error naming <paramref name="path"/>.</summary>
    public static string? StringAt(WorldDocument doc, JsonNode? node, string path)
        => node switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v => v.ToJsonString(),
            _ => throw doc.Error(path, "must be a string"),
        };

    /// <summary>A whole number (or one written as text) at <paramref name="path"/>.</summary>
    public static int? IntAt(WorldDocument doc, JsonNode? node, string path)
        => node switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var i) => i,
            JsonValue v when int.TryParse(v.ToJsonString().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            var other => throw doc.Error(path, $"must be a whole number, not {other.ToJsonString()}"),
        };

    public static string RequiredString(WorldDocument doc, string field)
        => String(doc, field) is { Length: > 0 } value ? value : throw doc.Error($"spec.{field}", "Required value");

    public static int? Int(WorldDocument doc, string field) => IntAt(doc, Spec(doc)[field], $"spec.{field}");

    public static bool? Bool(WorldDocument doc, string field)
        => Spec(doc)[field] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            var other => throw doc.Error($"spec.{field}", $"must be true or false, not {other.ToJsonString()}"),
        };

    /// <summary>A list of strings; a single string is taken as a list of one.</summary>
    public static IReadOnlyList<string> Strings(WorldDocument doc, string field)
        => Spec(doc)[field] switch
        {
            null => [],
            JsonValue v when v.TryGetValue<string>(out var s) => [s],
            JsonArray a => [.. a.Select((item, i) => item is JsonValue iv && iv.TryGetValue<string>(out var s) ? s : throw doc.Error($"spec.{field}[{i}]", "must be a string"))],
            _ => throw doc.Error($"spec.{field}", "must be a list of strings"),
        };

    /// <summary>Tags as a map (<c>Name: x</c>) or as EC2 writes them (<c>[{Key: Name, Value: x}]</c>).</summary>
    public static IReadOnlyList<Tag> Tags(WorldDocument doc, string field = "Tags")
        => Spec(doc)[field] switch
        {
            null => [],
            JsonObject map => [.. map.Select(p => new Tag(p.Key, StringAt(doc, p.Value, $"spec.{field}.{p.Key}") ?? string.Empty))],
            JsonArray list => [.. list.Select((item, i) => item is JsonObject tag
                ? new Tag(StringAt(doc, tag["Key"], $"spec.{field}[{i}].Key") ?? throw doc.Error($"spec.{field}[{i}].Key", "Required value"), StringAt(doc, tag["Value"], $"spec.{field}[{i}].Value") ?? string.Empty)
                : throw doc.Error($"spec.{field}[{i}]", "must be a map with Key and Value"))],
            _ => throw doc.Error($"spec.{field}", "must be a map of tags or a list of {Key, Value}"),
        };
}
