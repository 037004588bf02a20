using System.Globalization;
using System.Text.Json.Nodes;

namespace Podnet.NetworkPolicyController;

/// <summary>
/// A port of a resolved rule (amazon-network-policy-controller-k8s api/v1alpha1 <c>Port</c>): a protocol, and a port
/// number with an optional end of range; no number means every port of the protocol.
/// </summary>
public sealed record PolicyEndpointPort(string Protocol, int? Port = null, int? EndPort = null)
{
    /// <summary>The port as a PolicyEndpoint stores it: <c>{"protocol":"TCP","port":80,"endPort":90}</c>, absent fields left out.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["protocol"] = Protocol };
        if (Port is { } port)
        {
            json["port"] = port;
        }

        if (EndPort is { } end)
        {
            json["endPort"] = end;
        }

        return json;
    }

    /// <summary><c>TCP/80</c>, <c>TCP/80-90</c>, <c>UDP/*</c>.</summary>
    public override string ToString()
        => $"{Protocol}/{(Port is { } p ? EndPort is { } e ? string.Create(CultureInfo.InvariantCulture, $"{p}-{e}") : p.ToString(CultureInfo.InvariantCulture) : "*")}";
}
