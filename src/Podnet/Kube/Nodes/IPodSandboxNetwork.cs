using Podnet.Kube.Views;

namespace Podnet.Kube.Nodes;

/// <summary>
/// What the kubelet asks of the node's network plugin (CNI): is the network ready, set up a pod's sandbox network
/// (ADD, idempotent per pod), tear it down (DEL). The VPC CNI implements it; until a world has one, pods get a
/// node-local address.
/// </summary>
public interface IPodSandboxNetwork
{
    /// <summary>Null when ready; otherwise why not (the kubelet's NetworkReady=false reason).</summary>
    string? NotReadyReason(NodeView node);

    SandboxResult Add(PodView pod, NodeView node);

    void Delete(PodView pod, NodeView node);
}

/// <summary>
/// The outcome of CNI ADD: the pod's address, or the plugin's error (the kubelet tries again on its pod worker's
/// back-off, not a time the plugin names), or (<see cref="IsWaiting"/>) a plugin still waiting inside its ADD for
/// something another component writes (no result yet, no error), with when it looks again.
/// </summary>
public sealed record SandboxResult(string? PodIp, string? Error, TimeSpan? RetryAfter = null)
{
    /// <summary>The plugin whose ADD failed (<see cref="Error"/> is its own message); null unless it failed.</summary>
    public CniPlugin? Plugin { get; init; }

    public static SandboxResult Assigned(string podIp) => new(podIp, null);

    /// <summary>The ADD of <paramref name="plugin"/> failed with <paramref name="error"/>, the plugin's own words; the runtime wraps them (<see cref="ContainerRuntime.FailedCreatePodSandboxMessage"/>).</summary>
    public static SandboxResult Failed(CniPlugin plugin, string error) => new(null, error) { Plugin = plugin };

    /// <summary>
    /// The plugin's ADD has not returned yet: it polls for what it needs (e.g. the Windows vpc-bridge plugin for the
    /// pod's IPv4 annotation) and looks again after <paramref name="pollInterval"/>. The kubelet reports nothing.
    /// </summary>
    public static SandboxResult Waiting(TimeSpan pollInterval) => new(null, null, pollInterval);

    public bool Succeeded => PodIp is not null;

    /// <summary>Whether the ADD is still in progress (<see cref="Waiting"/>).</summary>
    public bool IsWaiting => PodIp is null && Error is null;
}
