using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// Checks that a request body decodes into its Go type, and says why not in encoding/json's words
/// (<c>json: cannot unmarshal number into Go struct field ObjectMeta.metadata.namespace of type string</c>).
/// Like Go's decoder it keeps going after a type mismatch and reports the first one (decodeState.saveError); the
/// struct named is the innermost one, the field path the JSON names from the top (decodeState.addErrorContext).
/// A body that decodes may still name fields a complete (<see cref="GoType.IsClosed"/>) struct does not have: the
/// API server's strict field validation (kubectl's default) refuses those, all of them in one message
/// (<c>strict decoding error: unknown field "spec.ingres"</c>), as sigs.k8s.io/json's UnmarshalStrict does.
/// </summary>
public static class GoJsonDecoder
{
    /// <summary>The first decoding error of <paramref name="node"/> as <paramref name="type"/>, or null when it decodes.</summary>
    public static string? FirstError(JsonNode? node, GoType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (Check(node, type, null, []) is { } error)
        {
            return error;
        }

        return StrictError(node, type);
    }

    /// <summary>
    /// The strict decoder's error for the fields of closed structs in <paramref name="node"/> that their type does not
    /// declare (<c>strict decoding error: unknown field "spec.ingres"</c>), or null when there are none; types are not
    /// checked (a custom resource's are its schema's to check).
    /// </summary>
    public static string? StrictError(JsonNode? node, GoType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var unknown = new List<string>();
        Unknown(node, type, string.Empty, unknown);
        return unknown.Count == 0 ? null : "strict decoding error: " + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""));
    }

    /// <summary>
    /// Removes the fields of closed structs that their type does not declare, as the API server's decoder drops
    /// them under <c>fieldValidation=Ignore</c> or <c>Warn</c>; returns their paths (for Warn's warnings).
    /// </summary>
    public static IReadOnlyList<string> Prune(JsonNode? node, GoType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var unknown = new List<string>();
        Unknown(node, type, string.Empty, unknown, prune: true);
        return unknown;
    }

    /// <summary>The fields of closed structs that their type does not declare, with their paths (indices included).</summary>
    private static void Unknown(JsonNode? node, GoType type, string path, List<string> unknown, bool prune = false)
    {
        // A path is made only for what is unknown or holds something closed below it: most objects have no unknown
        // field, and making every field's path cost the world's load a string per field.
        switch (type.Kind, node)
        {
            case (GoTypeKind.Struct, JsonObject obj) when prune:
                // Pruning removes as it goes, so it walks a copy.
                foreach (var (name, value) in obj.ToList())
                {
                    StructField(obj, name, value, type, path, unknown, prune);
                }

                break;
            case (GoTypeKind.Struct, JsonObject obj):
                foreach (var (name, value) in obj.Fields())
                {
                    StructField(obj, name, value, type, path, unknown, prune);
                }

                break;
            case (GoTypeKind.Slice, JsonArray array):
                for (var i = 0; i < array.Count; i++)
                {
                    if (MayHoldUnknown(array[i], type.Element!))
                    {
                        Unknown(array[i], type.Element!, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), unknown, prune);
                    }
                }

                break;
            case (GoTypeKind.Map, JsonObject map):
                foreach (var (key, value) in map.Fields())
                {
                    if (MayHoldUnknown(value, type.Element!))
                    {
                        Unknown(value, type.Element!, $"{path}[{key}]", unknown, prune);
                    }
                }

                break;
        }
    }

    /// <summary><see cref="Unknown"/> of one field of a struct: a declared one is looked into, an undeclared one of a closed struct is unknown.</summary>
    private static void StructField(JsonObject obj, string name, JsonNode? value, GoType type, string path, List<string> unknown, bool prune)
    {
        if (type.Field(name) is { } field)
        {
            if (MayHoldUnknown(value, field))
            {
                Unknown(value, field, path.Length == 0 ? name : $"{path}.{name}", unknown, prune);
            }
        }
        else if (type.IsClosed)
        {
            unknown.Add(path.Length == 0 ? name : $"{path}.{name}");
            if (prune)
            {
                obj.Remove(name);
            }
        }
    }

    /// <summary>Whether <see cref="Unknown"/> has anything to look at in <paramref name="node"/>: a struct, or a slice or map of something.</summary>
    private static bool MayHoldUnknown(JsonNode? node, GoType type)
        => node is JsonObject or JsonArray && type.Kind is GoTypeKind.Struct or GoTypeKind.Slice or GoTypeKind.Map;

    private static string? Check(JsonNode? node, GoType type, string? structName, List<string> fields)
    {
        // null leaves a Go value as it is, whatever its type.
        if (node is null || type.Kind == GoTypeKind.Any)
        {
            return null;
        }

        switch (type.Kind)
        {
            case GoTypeKind.Struct when node is JsonObject obj:
                foreach (var (name, value) in obj.Fields())
                {
                    if (type.Field(name) is not { } fieldType)
                    {
                        continue;
                    }

                    fields.Add(name);
                    var error = Check(value, fieldType, type.StructName, fields);
                    fields.RemoveAt(fields.Count - 1);
                    if (error is not null)
                    {
                        return error;
                    }
                }

                return null;
            case GoTypeKind.Slice when node is JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Check(array[i], type.Element!, structName, fields) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case GoTypeKind.Map when node is JsonObject map:
                // encoding/json names the map field, not the key, in an error about one of its values.
                foreach (var (_, value) in map.Fields())
                {
                    if (Check(value, type.Element!, structName, fields) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case GoTypeKind.Quantity:
                // Quantity.UnmarshalJSON parses the text (quotes dropped) and returns ParseQuantity's error as it is.
                var text = Kind(node) == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                return Kind(node) is JsonValueKind.String or JsonValueKind.Number && Podnet.Kube.Api.Quantity.TryParse(text.Trim(), out _)
                    ? null
                    : QuantityFormatError;
            case GoTypeKind.String when Kind(node) == JsonValueKind.String:
            case GoTypeKind.Bool when Kind(node) is JsonValueKind.True or JsonValueKind.False:
            case GoTypeKind.IntOrString when Kind(node) == JsonValueKind.String:
                return null;
            case GoTypeKind.Int32 or GoTypeKind.Int64 or GoTypeKind.IntOrString when Kind(node) == JsonValueKind.Number:
                if (node is JsonValue whole && whole.TryGetValue<long>(out var read) && (type.Kind == GoTypeKind.Int64 || read is >= int.MinValue and <= int.MaxValue))
                {
                    // A whole number read as it is (JSON text like 1.0 or 1e3 is no long): no need to write it out.
                    return null;
                }

                var literal = node.ToJsonString();
                var fits = long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                           && (type.Kind == GoTypeKind.Int64 || number is >= int.MinValue and <= int.MaxValue);
                // literalStore: a number that is not a whole number of the right size names its literal.
                return fits ? null : Error($"number {literal}", type.Kind == GoTypeKind.IntOrString ? "int32" : type.Name, structName, fields);
            default:
                // IntOrString.UnmarshalJSON decodes anything but a string as an int32.
                return Error(Kind(node) switch
                {
                    JsonValueKind.Object => "object",
                    JsonValueKind.Array => "array",
                    JsonValueKind.String => "string",
                    JsonValueKind.Number => "number",
                    _ => "bool",
                }, type.Kind == GoTypeKind.IntOrString ? "int32" : type.Name, structName, fields);
        }
    }

    /// <summary>resource.ErrFormatWrong.</summary>
    public const string QuantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    private static JsonValueKind Kind(JsonNode node) => node.GetValueKind();

    /// <summary>json.UnmarshalTypeError.Error().</summary>
    private static string Error(string value, string typeName, string? structName, List<string> fields)
        => structName is null || fields.Count == 0
            ? $"json: cannot unmarshal {value} into Go value of type {typeName}"
            : $"json: cannot unmarshal {value} into Go struct field {structName}.{string.Join('.', fields)} of type {typeName}";
}
