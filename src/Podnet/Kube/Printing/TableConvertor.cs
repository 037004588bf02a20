using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// The meta.k8s.io/v1 Table a <c>kubectl get</c> receives (Accept <c>application/json;as=Table;v=v1;g=meta.k8s.io</c>),
/// as k8s.io/apiserver's handlers/response.go asTable builds it from the resource's table convertor.
/// </summary>
public static class TableConvertor
{
    /// <summary>
    /// <c>{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion"},"columnDefinitions":[…],
    /// "rows":[{"cells":[…],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{…}}}]}</c>
    /// for <paramref name="items"/> of <paramref name="resource"/>, in the order given, ages taken at
    /// <paramref name="now"/> (the server's virtual clock). Each row carries what <paramref name="includeObject"/> says:
    /// the object's whole metadata (Metadata, kubectl's default, which the NAMESPACE column of <c>-A</c> reads), the
    /// whole object (Object, which <c>--sort-by</c> asks for), or nothing (None). A finished pod's row also carries
    /// <c>"conditions":[{"type":"Completed",…}]</c>. A single object (a get, or a watch event) is a one-row table.
    /// </summary>
    public static JsonObject Build(KubeResource resource, IReadOnlyList<KubeObject> items, DateTimeOffset now, string resourceVersion, IncludeObjectPolicy includeObject = IncludeObjectPolicy.Metadata)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(items);
        var printer = TablePrinters.For(resource);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            rows.Add(Row(printer, item, now, includeObject));
        }

        var table = Head(printer, resourceVersion);
        table["rows"] = rows;
        return table;
    }

    /// <summary>A Table without its rows: kind, apiVersion, metadata and the printer's column definitions.</summary>
    public static JsonObject Head(TablePrinter printer, string resourceVersion)
    {
        ArgumentNullException.ThrowIfNull(printer);
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = new JsonArray([.. printer.Columns.Select(c => (JsonNode)c.ToJson())]),
        };
    }

    /// <summary>
    /// One row of a Table: the object's cells, its row conditions, and what <paramref name="includeObject"/> says of
    /// the object (its metadata as PartialObjectMetadata, the whole object, or nothing) — for a caller that writes a
    /// long Table row by row.
    /// </summary>
    public static JsonObject Row(TablePrinter printer, KubeObject item, DateTimeOffset now, IncludeObjectPolicy includeObject = IncludeObjectPolicy.Metadata)
    {
        ArgumentNullException.ThrowIfNull(printer);
        ArgumentNullException.ThrowIfNull(item);
        var row = new JsonObject { ["cells"] = new JsonArray([.. printer.Cells(item, now)]) };
        if (printer.Conditions(item) is { } conditions)
        {
            row["conditions"] = conditions;
        }

        if (includeObject != IncludeObjectPolicy.None)
        {
            row["object"] = includeObject == IncludeObjectPolicy.Object
                ? item.ToJson()
                : new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = item.Raw["metadata"]?.DeepClone() ?? new JsonObject(),
                };
        }

        return row;
    }
}
