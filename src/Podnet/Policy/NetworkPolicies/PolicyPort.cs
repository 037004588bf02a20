using System.Globalization;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// One entry of a rule's <c>ports</c> (NetworkPolicyPort), with the defaults applied: a protocol (TCP when omitted)
/// and either every port of it, a numeric port with an optional <c>endPort</c>, or a named port.
/// </summary>
public sealed record PolicyPort
{
    public PolicyPort(string protocol, int? port = null, int? endPort = null, string? namedPort = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        Protocol = protocol;
        Port = port;
        EndPort = port is null ? null : endPort;
        NamedPort = port is null ? namedPort : null;
    }

    public string Protocol { get; }

    /// <summary>The numeric port, or null for a named port or every port.</summary>
    public int? Port { get; }

    /// <summary>The last port of a range starting at <see cref="Port"/>, when given.</summary>
    public int? EndPort { get; }

    /// <summary>A port name, resolved on the destination pod's container ports with the same protocol.</summary>
    public string? NamedPort { get; }

    /// <summary>True when the entry covers every port of its protocol.</summary>
    public bool IsAllPorts => Port is null && NamedPort is null;

    /// <summary>
    /// Whether a connection on <paramref name="protocol"/> to <paramref name="port"/> of <paramref name="destination"/>
    /// is covered. A named port matches when the destination pod has a container port of that name and protocol
    /// whose number is <paramref name="port"/>; it never matches an external destination.
    /// </summary>
    public bool Matches(string protocol, int port, PolicyPeer destination)
    {
        if (!string.Equals(protocol, Protocol, StringComparison.Ordinal))
        {
            return false;
        }

        if (NamedPort is not null)
        {
            if (!destination.IsPod)
            {
                return false;
            }

            foreach (var containerPort in destination.ContainerPorts)
            {
                if (containerPort.Port == port
                    && string.Equals(containerPort.Name, NamedPort, StringComparison.Ordinal)
                    && string.Equals(containerPort.Protocol, Protocol, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        return Port is not { } first || (EndPort is { } last ? port >= first && port <= last : port == first);
    }

    /// <summary><c>UDP/53</c>, <c>TCP/30000-32767</c>, <c>TCP/http</c> or <c>TCP/*</c> (every port).</summary>
    public override string ToString()
    {
        var port = NamedPort
                   ?? (Port is { } p
                       ? EndPort is { } e ? string.Create(CultureInfo.InvariantCulture, $"{p}-{e}") : p.ToString(CultureInfo.InvariantCulture)
                       : "*");
        return $"{Protocol}/{port}";
    }
}
