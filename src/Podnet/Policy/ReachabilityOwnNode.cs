using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Policy.NetworkPolicies;

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
    /// Why no NetworkPolicy filters <paramref name="pod"/>'s traffic although an enforcer runs in the cluster (it is on
    /// a Fargate or a Windows node, where the enforcer does not run: <see cref="NotEnforcedOn"/>); null when the policies
    /// that select it are enforced, or when nothing enforces any (<see cref="Enforcer"/> is null).
    /// </summary>
    public string? NetworkPolicyNotEnforced(Endpoint pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Pod is null ? null : NetworkPolicyPeer(pod).NotEnforced;
    }

    /// <summary>
    /// <paramref name="endpoint"/> as NetworkPolicy sees it in this world: a pod's peer (labels, namespace labels, ports,
    /// and <see cref="PolicyPeer.NotEnforced"/> where no enforcer filters it), or an address for anything else.
    /// </summary>
    public PolicyPeer NetworkPolicyPeer(Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return ((EngineDecider)NetworkPolicies).Peer(endpoint);
    }

    /// <summary>
    /// Why <paramref name="enforcer"/> filters no traffic of a pod on <paramref name="node"/>: the VPC CNI's network
    /// policy agent runs in aws-node and calico-node is a DaemonSet for Linux, so neither runs on a Fargate node (no
    /// DaemonSets there) or a Windows node. The EKS user guide (network policy considerations): the policies apply "to
    /// Amazon EC2 Linux nodes only. You can't apply the policies to Fargate or Windows nodes". Calico for Windows
    /// (<paramref name="calicoForWindows"/>: a calico-node-windows DaemonSet) runs Felix on the Windows nodes, so under
    /// Calico those are filtered too. Null where the enforcer runs, and in a policy-only world (the policies alone
    /// decide) or one without an enforcer.
    /// </summary>
    private static string? NotEnforcedOn(string? enforcer, KubeObject node, bool calicoForWindows)
    {
        var windows = ResourceController.WindowsIpam.IsWindowsNode(node);
        var where = new NodeView(node).IsFargate ? $"its node {node.Name} is a Fargate node, which runs no DaemonSets"
            : windows && !(enforcer is NetworkPolicyEnforcer.Calico && calicoForWindows) ? $"its node {node.Name} is a Windows node"
            : null;
        return (enforcer, where) switch
        {
            (_, null) => null,
            (NetworkPolicyEnforcer.VpcCni, _) => $"{where}: the network policy agent runs in aws-node on EC2 Linux nodes only",
            (NetworkPolicyEnforcer.Calico, _) when windows => $"{where}: calico-node runs on Linux EC2 nodes only, and Calico for Windows (a {NetworkPolicyEnforcer.CalicoNodeWindows} DaemonSet) is not installed",
            (NetworkPolicyEnforcer.Calico, _) => $"{where}: calico-node runs on Linux EC2 nodes only",
            _ => null,
        };
    }

    /// <summary>
    /// The node of <paramref name="endpoint"/> when it is a pod with its own address on a Linux EC2 node, where both
    /// enforcers run (the agent in aws-node, calico-node as a DaemonSet for <c>kubernetes.io/os: linux</c>); null for
    /// a node, a host-network pod, an address, or a pod on Fargate (no DaemonSets) or a Windows node.
    /// </summary>
    private static KubeObject? EnforcedPodNode(Endpoint endpoint)
        => IsPodNetwork(endpoint) && IsLinuxEc2Node(endpoint.Node) ? endpoint.Node : null;
}
