using System.Text.Json.Nodes;

namespace Podnet.Kube.Api;

/// <summary>
/// One of a custom resource version's <c>additionalPrinterColumns</c> (apiextensions.k8s.io/v1
/// CustomResourceColumnDefinition): the header <paramref name="Name"/>, the OpenAPI <paramref name="Type"/>
/// ("string", "integer", "number", "boolean", "date"), an optional <paramref name="Format"/>, a
/// <paramref name="Description"/> ("" when the CRD gives none), the <paramref name="Priority"/> (0 always shown, 1
/// with <c>-o wide</c>) and the <paramref name="JsonPath"/> whose value fills the cell (<c>.spec.securityGroups.groupIds</c>).
/// </summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", string Format = "", int Priority = 0)
{
    /// <summary>
    /// The column of a CRD version's <c>additionalPrinterColumns</c> entry (<c>JSONPath</c> in a v1beta1 CRD); absent
    /// fields are empty (priority 0).
    /// </summary>
    public static PrinterColumn FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;
        var priority = json["priority"] is JsonValue p && p.TryGetValue<int>(out var n) ? n : 0;
        return new PrinterColumn(Text(json["name"]), Text(json["type"]), Text(json["jsonPath"] ?? json["JSONPath"]), Text(json["description"]), Text(json["format"]), priority);
    }
}
