using System.Globalization;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Views;

/// <summary>A container's probe (<c>readinessProbe</c>, <c>livenessProbe</c>, <c>startupProbe</c>) as the kubelet reads it.</summary>
public static class ContainerProbe
{
    /// <summary>
    /// The port a TCP, HTTP or gRPC probe connects to: a number, or a port name resolved on the container's ports
    /// (the kubelet's findPortByName; a name that is all digits is taken as the number); null for an exec probe or a
    /// name the container does not have.
    /// </summary>
    public static int? Port(JsonObject container, JsonObject probe)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(probe);
        var port = (probe["tcpSocket"] ?? probe["httpGet"] ?? probe["grpc"])?["port"];
        if (port is JsonValue v && v.TryGetValue<int>(out var number))
        {
            return number;
        }

        if (port is JsonValue s && s.TryGetValue<string>(out var name))
        {
            var named = (container["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => p["name"]?.GetValue<string>() == name);
            return named?["containerPort"] is JsonValue c && c.TryGetValue<int>(out var resolved) ? resolved
                : int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        }

        return null;
    }
}
