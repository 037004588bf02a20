using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Cli.Output;

/// <summary>
/// The aws CLI's <c>--output text</c>: a port of <c>awscli/text.py</c> (<c>format_text</c>). Each object prints its
/// scalar values on one tab-separated line, in the order of their sorted keys, after the upper-cased name of the list
/// it is in (<c>SECURITYGROUPS</c>, <c>IPPERMISSIONS</c>); the objects of one list share the union of their scalar keys,
/// an absent value printing empty; nested lists follow their object, in sorted key order; empty lists print nothing;
/// a list of scalars prints one <c>NAME\tvalue</c> line per element. Booleans print as Python does (<c>True</c>).
/// </summary>
public static class AwsText
{
    /// <summary>The text form of an API response, e.g. <c>{"SecurityGroups": [...]}</c>.</summary>
    public static string Format(JsonNode? response)
    {
        var text = new StringBuilder();
        FormatNode(response, text, identifier: null, scalarKeys: null);
        return text.ToString();
    }

    private static void FormatNode(JsonNode? item, StringBuilder text, string? identifier, IReadOnlyList<string>? scalarKeys)
    {
        switch (item)
        {
            case JsonObject obj:
                FormatObject(obj, text, identifier, scalarKeys);
                break;
            case JsonArray list:
                FormatList(list, text, identifier);
                break;
            default:
                text.Append(Scalar(item)).Append('\n');
                break;
        }
    }

    /// <summary><c>_format_dict</c>: the scalars (given keys, or the object's own sorted), then the non-scalars by sorted key.</summary>
    private static void FormatObject(JsonObject obj, StringBuilder text, string? identifier, IReadOnlyList<string>? scalarKeys)
    {
        List<string> scalars = [];
        List<(string Key, JsonNode? Value)> nonScalars = [];
        if (scalarKeys is null)
        {
            foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (value is JsonObject or JsonArray)
                {
                    nonScalars.Add((key, value));
                }
                else
                {
                    scalars.Add(Scalar(value));
                }
            }
        }
        else
        {
            scalars.AddRange(scalarKeys.Select(k => obj.TryGetPropertyValue(k, out var v) ? Scalar(v) : string.Empty));
            nonScalars.AddRange(obj.Where(p => !scalarKeys.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)));
        }

        if (scalars.Count > 0)
        {
            if (identifier is not null)
            {
                scalars.Insert(0, identifier.ToUpperInvariant());
            }

            text.Append(string.Join('\t', scalars)).Append('\n');
        }

        foreach (var (key, value) in nonScalars)
        {
            FormatNode(value, text, key, scalarKeys: null);
        }
    }

    /// <summary><c>_format_list</c>: objects share the union of their scalar keys; scalars print one per line.</summary>
    private static void FormatList(JsonArray list, StringBuilder text, string? identifier)
    {
        if (list.Count == 0)
        {
            return;
        }

        if (list.Any(e => e is JsonObject))
        {
            var keys = list.OfType<JsonObject>().SelectMany(o => o.Where(p => p.Value is not (JsonObject or JsonArray)).Select(p => p.Key))
                .Distinct().Order(StringComparer.Ordinal).ToList();
            foreach (var element in list)
            {
                FormatNode(element, text, identifier, keys);
            }

            return;
        }

        var scalars = list.Where(e => e is not JsonArray).ToList();
        if (scalars.Count > 0)
        {
            if (identifier is not null)
            {
                foreach (var element in scalars)
                {
                    text.Append(identifier.ToUpperInvariant()).Append('\t').Append(Scalar(element)).Append('\n');
                }
            }
            else
            {
                text.Append(string.Join('\t', scalars.Select(Scalar))).Append('\n');
            }
        }

        foreach (var nested in list.OfType<JsonArray>())
        {
            FormatNode(nested, text, identifier, scalarKeys: null);
        }
    }

    /// <summary>Python's <c>str()</c> of a JSON scalar: <c>True</c>, <c>None</c>, <c>53</c>.</summary>
    private static string Scalar(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "None",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => value.ToJsonString(),
        _ => value.ToJsonString(),
    };
}
