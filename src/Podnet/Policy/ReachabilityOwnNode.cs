using Podnet.Kube.Api;
using Podnet.Kube.Views;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    /// <summary>
    /// Why a connection between a pod and its own node passes NetworkPolicy whatever the policies say, by the rule of
    /// the enforcer that runs on that node; null when no such rule applies and the policies decide. The VPC CNI's
    /// network policy agent lets the node's primary address in and out (<see cref="AgentOwnNodeAllow"/>); Calico lets
    /// in what the node's host network itself opens, but judges the pod's egress to its node by the policies
    /// (<see cref="CalicoHostAllow"/>); a policy-only world has no node, only the policies. <paramref name="forwarded"/>:
    /// a packet the node forwards for another connection (kube-proxy's NodePort DNAT, masqueraded or not), which the
    /// agent judges by its address and Calico as forwarded traffic, not as the host's own.
    /// </summary>
    private string? OwnNodeAllow(Endpoint source, Endpoint destination, bool forwarded) => Enforcer switch
    {
        NetworkPolicyEnforcer.VpcCni => AgentOwnNodeAllow(source, destination),
        NetworkPolicyEnforcer.Calico => CalicoHostAllow(source, destination, forwarded),
        _ => null,
    };

    /// <summary>
    /// The node of <paramref name="endpoint"/> when it is a pod with its own address on a Linux EC2 node, where both
    /// enforcers run (the agent in aws-node, calico-node as a DaemonSet for <c>kubernetes.io/os: linux</c>); null for
    /// a node, a host-network pod, an address, or a pod on Fargate (no DaemonSets) or a Windows node.
    /// </summary>
    private static KubeObject? EnforcedPodNode(Endpoint endpoint)
        => endpoint.Pod is { } pod && endpoint.Node is { } node && !new PodView(pod).HostNetwork
           && !new NodeView(node).IsFargate && !ResourceController.WindowsIpam.IsWindowsNode(node)
            ? node
            : null;
}
