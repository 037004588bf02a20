using Podnet.Kube.Nodes;
using Podnet.Kube.Views;
using Podnet.ResourceController;

namespace Podnet.Cni;

/// <summary>
/// The network plugin an EKS node runs, by its OS: the VPC CNI (aws-node's ipamd) on Linux nodes, the
/// <see cref="VpcBridge"/> plugin on Windows nodes (<c>kubernetes.io/os=windows</c>), where aws-node's node affinity
/// keeps it from running.
/// </summary>
/// <param name="Linux">The Linux nodes' plugin.</param>
/// <param name="Windows">The Windows nodes' plugin.</param>
public sealed record NodeOsNetwork(IPodSandboxNetwork Linux, IPodSandboxNetwork Windows) : IPodSandboxNetwork
{
    /// <inheritdoc/>
    public string? NotReadyReason(NodeView node) => Of(node).NotReadyReason(node);

    /// <inheritdoc/>
    public SandboxResult Add(PodView pod, NodeView node) => Of(node).Add(pod, node);

    /// <inheritdoc/>
    public void Delete(PodView pod, NodeView node) => Of(node).Delete(pod, node);

    private IPodSandboxNetwork Of(NodeView node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return WindowsIpam.IsWindowsNode(node.Object) ? Windows : Linux;
    }
}
