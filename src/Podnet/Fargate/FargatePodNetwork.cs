using Podnet.Kube.Nodes;
using Podnet.Kube.Views;

namespace Podnet.Fargate;

/// <summary>
/// The network of one Fargate node: the micro-VM's own network interface, whose primary address is its one pod's.
/// Always ready (the interface exists before the node registers); ADD gives the pod that address.
/// </summary>
/// <param name="PodUid">The UID of the pod the node was made for.</param>
/// <param name="Address">The pod's address: the interface's primary private address, its IPv6 address in a cluster of the IPv6 family.</param>
/// <param name="NetworkInterfaceId">The interface (<c>eni-…</c>).</param>
public sealed record FargatePodNetwork(string PodUid, string Address, string NetworkInterfaceId) : IPodSandboxNetwork
{
    public string? NotReadyReason(NodeView node) => null;

    public SandboxResult Add(PodView pod, NodeView node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Object.Uid == PodUid
            ? SandboxResult.Assigned(Address)
            : SandboxResult.Failed(CniPlugin.AwsCni, $"pod {pod.Namespace}/{pod.Name} is not the pod this Fargate node runs");
    }

    public void Delete(PodView pod, NodeView node)
    {
        // The interface goes with the node, when the pod is gone (FargateScheduler).
    }
}
