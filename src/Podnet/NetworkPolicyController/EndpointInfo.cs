using System.Text.Json.Nodes;
using Podnet.Kube.Validation;

namespace Podnet.NetworkPolicyController;

/// <summary>
/// One resolved peer of a policy's ingress or egress rules (api/v1alpha1 <c>EndpointInfo</c>): a pod's address (as a
/// bare IP, the way the controller writes it), a Service's cluster IP or an ipBlock's CIDR with its exceptions, and the
/// ports allowed to or from it; no ports means every port.
/// </summary>
public sealed record EndpointInfo(string Cidr, IReadOnlyList<string> Except, IReadOnlyList<PolicyEndpointPort> Ports)
{
    /// <summary>The entry as a PolicyEndpoint stores it: <c>cidr</c>, then <c>except</c> and <c>ports</c> when not empty.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["cidr"] = Cidr };
        if (Except.Count > 0)
        {
            json["except"] = new JsonArray([.. Except.Select(e => (JsonNode)e)]);
        }

        if (Ports.Count > 0)
        {
            json["ports"] = new JsonArray([.. Ports.Select(p => (JsonNode)p.ToJson())]);
        }

        return json;
    }

    /// <summary>
    /// The entry's identity when entries are compared across PolicyEndpoints (manager.go getEndpointInfoKey: the whole
    /// entry, ports included).
    /// </summary>
    public string Key => ToJson().ToJsonString();

    /// <summary>An entry read back from a stored PolicyEndpoint; null for one without a <c>cidr</c>.</summary>
    public static EndpointInfo? FromJson(JsonNode? node)
    {
        if (node is not JsonObject json || json["cidr"] is not JsonValue cidr || !cidr.TryGetValue<string>(out var text))
        {
            return null;
        }

        var except = (json["except"] as JsonArray ?? []).Select(JsonText.String).OfType<string>().ToList();
        var ports = new List<PolicyEndpointPort>();
        foreach (var port in (json["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var protocol = JsonText.String(port["protocol"]) ?? "TCP";
            ports.Add(new PolicyEndpointPort(protocol, Number(port["port"]), Number(port["endPort"])));
        }

        return new EndpointInfo(text, except, ports);
    }

    private static int? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;
}
