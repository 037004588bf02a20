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

/// <summary>The outcome of CNI ADD: the pod's address, or the plugin's error and when to try again.</summary>
public sealed record SandboxResult(string? PodIp, string? Error, TimeSpan? RetryAfter = null)
{
    public static SandboxResult Assigned(string podIp) => new(podIp, null);

    public static SandboxResult Failed(string error, TimeSpan? retryAfter = null) => new(null, error, retryAfter);

    public bool Succeeded => PodIp is not null;
}
