using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// How one kind prints in <c>kubectl get</c>: its columns and the cells of one object, as a handler of
/// kubernetes/kubernetes pkg/printers/internalversion/printers.go (<c>h.TableHandler(columns, printX)</c>) or a
/// CRD's table convertor. Cells are JSON values as the real server sends them: mostly strings, integers where the
/// column's Go cell is an int64 (DaemonSet DESIRED), JSON null for a custom column whose path finds nothing.
/// </summary>
public sealed class TablePrinter
{
    private readonly Func<KubeObject, DateTimeOffset, JsonNode?[]> _cells;
    private readonly Func<KubeObject, JsonArray?>? _conditions;

    /// <param name="columns">The column definitions, in order.</param>
    /// <param name="cells">One cell per column for an object at the server's virtual "now".</param>
    /// <param name="conditions">The row's TableRowConditions, when the kind has any (printPod's Completed).</param>
    public TablePrinter(IReadOnlyList<TableColumn> columns, Func<KubeObject, DateTimeOffset, JsonNode?[]> cells, Func<KubeObject, JsonArray?>? conditions = null)
    {
        Columns = columns;
        _cells = cells;
        _conditions = conditions;
    }

    /// <summary>The column definitions, in the order of the cells.</summary>
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>
    /// The row's <c>conditions</c> (meta.k8s.io/v1 TableRowCondition: <c>{"type","status","reason","message"}</c>), or
    /// null when the row has none and the field is left out.
    /// </summary>
    public JsonArray? Conditions(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return _conditions?.Invoke(obj);
    }

    /// <summary>The row of <paramref name="obj"/> at <paramref name="now"/>, one cell per column.</summary>
    /// <exception cref="InvalidOperationException">The printer made a different number of cells than it has columns (a bug).</exception>
    public IReadOnlyList<JsonNode?> Cells(KubeObject obj, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var cells = _cells(obj, now);
        return cells.Length == Columns.Count
            ? cells
            : throw new InvalidOperationException($"the printer of {obj.Kind} made {cells.Length} cells for {Columns.Count} columns");
    }

    /// <summary>translateTimestampSince(obj.CreationTimestamp): the AGE cell.</summary>
    internal static string Age(KubeObject obj, DateTimeOffset now) => HumanDuration.Since(obj.CreationTimestamp, now);

    /// <summary>A string at a dotted path, or "" (a Go zero value) when absent.</summary>
    internal static string Text(KubeObject obj, string path) => obj.GetString(path) ?? string.Empty;

    /// <summary>An integer at a dotted path, or 0 (a Go zero value) when absent.</summary>
    internal static long Number(KubeObject obj, string path) => Integer(obj.Peek(path)) ?? 0;

    /// <summary>A JSON number that is a whole number, or null.</summary>
    internal static long? Integer(JsonNode? node)
        => node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
           && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>A JSON timestamp (RFC3339), or null when absent or unreadable.</summary>
    internal static DateTimeOffset? Timestamp(JsonNode? node)
        => node is JsonValue v && v.TryGetValue<string>(out var s)
           && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>The objects of the array at <paramref name="node"/>.</summary>
    internal static IReadOnlyList<JsonObject> Objects(JsonNode? node) => node is JsonArray a ? [.. a.OfType<JsonObject>()] : [];

    /// <summary>labels.FormatLabels: <c>k=v,k2=v2</c> sorted by key, or <c>&lt;none&gt;</c>.</summary>
    internal static string FormatLabels(JsonNode? map)
    {
        var pairs = (map as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={(p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty)}").ToList();
        return pairs.Count == 0 ? "<none>" : string.Join(",", pairs);
    }

    /// <summary>
    /// metav1.FormatLabelSelector: the selector as labels.Selector.String() writes it, its requirements sorted by key
    /// (<c>app=web,tier in (a,b)</c>, <c>k notin (a)</c>, <c>k</c>, <c>!k</c>); <c>&lt;none&gt;</c> when it selects
    /// by nothing (or <paramref name="empty"/>: printDeployment prints selector.String() as it is).
    /// </summary>
    internal static string FormatLabelSelector(JsonNode? selector, string empty = "<none>")
    {
        var parts = new List<(string Key, string Text)>();
        if (selector is JsonObject s)
        {
            foreach (var (key, value) in s["matchLabels"] as JsonObject ?? [])
            {
                parts.Add((key, $"{key}={(value is JsonValue v && v.TryGetValue<string>(out var text) ? text : string.Empty)}"));
            }

            foreach (var expression in Objects(s["matchExpressions"]))
            {
                var key = expression["key"] is JsonValue k && k.TryGetValue<string>(out var ks) ? ks : string.Empty;
                var values = string.Join(",", (expression["values"] as JsonArray ?? [])
                    .Select(x => x is JsonValue v && v.TryGetValue<string>(out var text) ? text : string.Empty)
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
                var op = expression["operator"] is JsonValue o && o.TryGetValue<string>(out var os) ? os : string.Empty;
                parts.Add((key, op switch
                {
                    "In" => $"{key} in ({values})",
                    "NotIn" => $"{key} notin ({values})",
                    "Exists" => key,
                    "DoesNotExist" => "!" + key,
                    _ => "<error>",
                }));
            }
        }

        return parts.Count == 0 ? empty : string.Join(",", parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Text));
    }

    /// <summary>layoutContainerCells: the template's container names and images, each comma-joined.</summary>
    internal static (string Names, string Images) ContainerCells(KubeObject obj, string containersPath)
    {
        var containers = Objects(obj.Peek(containersPath));
        return (
            string.Join(",", containers.Select(c => c["name"]?.GetValue<string>() ?? string.Empty)),
            string.Join(",", containers.Select(c => c["image"]?.GetValue<string>() ?? string.Empty)));
    }
}
