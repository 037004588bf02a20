using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;

namespace Podnet.Kube.Printing;

/// <summary>
/// The table of a custom resource, as k8s.io/apiextensions-apiserver pkg/registry/customresource/tableconvertor
/// (New, ConvertToTable, cellForJSONValue) builds it: NAME, then one column per <c>additionalPrinterColumns</c>
/// entry; without any, the one column the CRD handler serves instead (serveDefaultColumnsIfEmpty: Age, type date,
/// <c>.metadata.creationTimestamp</c>).
/// </summary>
public static class CustomResourcePrinter
{
    /// <summary>The column served for a version without printer columns.</summary>
    public static PrinterColumn DefaultAgeColumn { get; } = new("Age", "date", ".metadata.creationTimestamp", TableColumn.CreationTimestampDescription);

    /// <summary>
    /// The printer for a custom resource version with <paramref name="columns"/>. A cell is the first value its path
    /// finds ("we can assume to have only one result"), typed by the column: a string column prints scalars as Go's
    /// fmt does and arrays and objects as compact JSON (<c>["sg-1","sg-2"]</c>); integer, number and boolean columns
    /// send JSON numbers and booleans; a date column sends the age of an RFC3339 time ("5m", or "&lt;invalid&gt;").
    /// A path that finds nothing, or a value of the wrong type, gives a JSON null cell (kubectl prints &lt;none&gt;).
    /// </summary>
    public static TablePrinter For(IReadOnlyList<PrinterColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var served = columns.Count == 0 ? [DefaultAgeColumn] : columns;
        var paths = served.Select(c => PrinterJsonPath.Parse(c.JsonPath)).ToArray();
        var definitions = new List<TableColumn> { TableColumn.ObjectName };
        definitions.AddRange(served.Select(c => new TableColumn(
            c.Name,
            c.Type,
            c.Format,
            c.Description.Length > 0 ? c.Description : "Custom resource definition column (in JSONPath format): " + c.JsonPath,
            c.Priority)));
        return new TablePrinter(definitions, (obj, now) =>
        {
            var cells = new JsonNode?[served.Count + 1];
            cells[0] = obj.Name;
            for (var i = 0; i < served.Count; i++)
            {
                var results = paths[i].Find(obj.Raw);
                cells[i + 1] = results.Count == 0 ? null : Cell(served[i].Type, results[0], now);
            }

            return cells;
        });
    }

    /// <summary>One cell: PrintResults for a string column, cellForJSONValue for the others.</summary>
    private static JsonNode? Cell(string type, JsonNode? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        var kind = value.GetValueKind();
        switch (type)
        {
            case "string":
                return kind switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => NumberText(value, GoNumberFormat.G),
                    _ => GoJson(value),
                };
            case "integer" when kind == JsonValueKind.Number:
                return TablePrinter.Integer(value) ?? (long)value.GetValue<double>();
            case "number" when kind == JsonValueKind.Number:
                return value.GetValue<double>();
            case "boolean" when kind is JsonValueKind.True or JsonValueKind.False:
                return kind == JsonValueKind.True;
            case "date" when kind == JsonValueKind.String:
                // metav1.Time.UnmarshalQueryParameter: RFC3339 or nothing.
                return DateTimeOffset.TryParseExact(value.GetValue<string>(), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                    ? HumanDuration.Since(time, now)
                    : "<invalid>";
            default:
                return null;
        }
    }

    /// <summary>A JSON number as Go holds it after decoding into unstructured: an int64 when whole, else a float64.</summary>
    private static string NumberText(JsonNode value, Func<double, int, string> format)
        => TablePrinter.Integer(value) is { } whole ? whole.ToString(CultureInfo.InvariantCulture) : format(value.GetValue<double>(), 64);

    /// <summary>encoding/json Marshal of an unstructured value: compact, object keys sorted, &lt; &gt; &amp; escaped.</summary>
    private static string GoJson(JsonNode node)
    {
        var text = new StringBuilder();
        void Write(JsonNode? n)
        {
            switch (n)
            {
                case null:
                    text.Append("null");
                    break;
                case JsonObject o:
                    text.Append('{');
                    var first = true;
                    foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        text.Append(first ? string.Empty : ",");
                        first = false;
                        Quote(key);
                        text.Append(':');
                        Write(value);
                    }

                    text.Append('}');
                    break;
                case JsonArray a:
                    text.Append('[');
                    for (var i = 0; i < a.Count; i++)
                    {
                        text.Append(i == 0 ? string.Empty : ",");
                        Write(a[i]);
                    }

                    text.Append(']');
                    break;
                default:
                    switch (n.GetValueKind())
                    {
                        case JsonValueKind.String:
                            Quote(n.GetValue<string>());
                            break;
                        case JsonValueKind.Number:
                            text.Append(NumberText(n, (d, _) => GoNumberFormat.Json(d)));
                            break;
                        default:
                            text.Append(n.ToJsonString());
                            break;
                    }

                    break;
            }
        }

        void Quote(string s)
        {
            text.Append('"');
            foreach (var c in s)
            {
                text.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                    _ => c.ToString(),
                });
            }

            text.Append('"');
        }

        Write(node);
        return text.ToString();
    }
}
