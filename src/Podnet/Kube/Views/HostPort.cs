namespace Podnet.Kube.Views;

/// <summary>
/// A host port a pod's container claims on its node: the address it binds (<c>hostIP</c>; 0.0.0.0, every address,
/// when unset), the protocol (TCP when unset) and the port. Mirrors kube-scheduler's <c>HostPortInfo</c>
/// (pkg/scheduler/framework/types.go), whose <c>sanitize</c> fills in the same defaults.
/// </summary>
public readonly record struct HostPort(string HostIp, string Protocol, int Port)
{
    /// <summary>The address a host port binds when its <c>hostIP</c> is unset (<c>DefaultBindAllHostIP</c>).</summary>
    public const string BindAll = "0.0.0.0";

    /// <summary>A container port's host port, with <c>hostIP</c> and <c>protocol</c> defaulted as kube-scheduler does.</summary>
    public static HostPort Of(string? hostIp, string? protocol, int port)
        => new(string.IsNullOrEmpty(hostIp) ? BindAll : hostIp, string.IsNullOrEmpty(protocol) ? "TCP" : protocol, port);

    /// <summary>How the scheduler's messages and signatures write it: <c>TCP/0.0.0.0:8080</c>.</summary>
    public override string ToString() => $"{Protocol}/{HostIp}:{Port}";
}
