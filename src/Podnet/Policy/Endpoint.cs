using System.Net;
using Podnet.Kube.Api;

namespace Podnet.Policy;

/// <summary>One end of a connection: a pod, a node, or an address outside the cluster.</summary>
public sealed record Endpoint(string Display, IPAddress Address, KubeObject? Pod, KubeObject? Node)
{
    public bool IsPod => Pod is not null;

    public bool IsNode => Node is not null && Pod is null;

    public bool IsExternal => Pod is null && Node is null;
}

/// <summary>A protocol and destination port: <c>80</c>, <c>80/tcp</c>, <c>53/udp</c>, <c>TCP/80</c>.</summary>
public sealed record PortSpec(string Protocol, int Port)
{
    public static bool TryParse(string text, out PortSpec spec, out string error)
    {
        spec = new PortSpec("TCP", 0);
        var parts = text.Split('/');
        string? protocol = null;
        string? number = null;
        var numbers = 0;
        foreach (var part in parts)
        {
            if (int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                number = part;
                numbers++;
            }
            else
            {
                protocol = part.ToUpperInvariant();
            }
        }

        // "80/80" names two ports and no protocol: an error, not the last number.
        if (parts.Length > 2 || numbers != 1 || number is null || !int.TryParse(number, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"port \"{text}\": expected a port number 1-65535, optionally with a protocol (80, 80/tcp, 53/udp, TCP/80)";
            return false;
        }

        protocol ??= "TCP";
        if (protocol is not ("TCP" or "UDP" or "SCTP"))
        {
            error = $"port \"{text}\": protocol \"{protocol}\" is not TCP, UDP or SCTP";
            return false;
        }

        spec = new PortSpec(protocol, port);
        error = string.Empty;
        return true;
    }

    public override string ToString() => $"{Protocol}/{Port}";
}
