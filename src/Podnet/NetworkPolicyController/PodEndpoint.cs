using System.Text.Json.Nodes;
using Podnet.Kube.Validation;

namespace Podnet.NetworkPolicyController;

/// <summary>
/// A pod a policy applies to (api/v1alpha1 <c>PodEndpoint</c>): its node's address, its own, its name and namespace, which
/// the node agent on that node matches against the pods it runs.
/// </summary>
public sealed record PodEndpoint(string HostIP, string PodIP, string Name, string Namespace)
{
    /// <summary>The pod as a PolicyEndpoint stores it, in the Go type's field order.</summary>
    public JsonObject ToJson() => new() { ["hostIP"] = HostIP, ["podIP"] = PodIP, ["name"] = Name, ["namespace"] = Namespace };

    /// <summary>A pod read back from a stored PolicyEndpoint; null for an entry that lacks a field.</summary>
    public static PodEndpoint? FromJson(JsonNode? node)
        => node is JsonObject json && JsonText.String(json["hostIP"]) is { } host && JsonText.String(json["podIP"]) is { } ip && JsonText.String(json["name"]) is { } name && JsonText.String(json["namespace"]) is { } ns
            ? new PodEndpoint(host, ip, name, ns)
            : null;
}
