using Podnet.Kube.Views;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    /// <summary>
    /// Calico's iptables dataplane does not police what a node's own host network opens to a pod of that node with
    /// the pod's ingress policy: Felix's filter OUTPUT chain (projectcalico/calico felix/rules/static.go
    /// <c>filterOutputChain</c>: "We don't currently police host -> endpoint according to the endpoint's ingress
    /// policy … it's generally very useful to be able to contact any local workload from the host") returns a
    /// locally generated packet bound for a workload interface (<c>-o</c> the interface prefix, <c>eni</c> beside the
    /// VPC CNI) before any policy chain, and the workload's ingress chains are reached only from the FORWARD chain
    /// (<c>StaticFilterForwardChains</c>, <c>ChainToWorkloadDispatch</c>); a packet DNATed in nat OUTPUT (the host
    /// to a ClusterIP) keeps its pre-DNAT output interface there and meets no workload policy either. The exception,
    /// kube-proxy in IPVS mode (<c>KubeIPVSSupportEnabled</c>), is not modelled: EKS's kube-proxy runs in iptables
    /// mode. So the kubelet's probes, NodeLocal DNSCache and other host-network pods reach a pod of their own node
    /// whatever its NetworkPolicies say, on every protocol and port, from any of the node's addresses. The other
    /// direction is policed: a pod's packets to its own host go from the INPUT chain to <c>cali-wl-to-host</c>
    /// (<c>filterWorkloadToHostChain</c>), which applies the pod's egress policy (<c>ChainFromWorkloadDispatch</c>)
    /// and then <c>DefaultEndpointToHostAction</c> (felix/config/config_params.go, Felix's default <c>DROP</c>; the
    /// tigera-operator, which the EKS docs install Calico with, sets <c>FELIX_DEFAULTENDPOINTTOHOSTACTION=ACCEPT</c> on
    /// calico-node, tigera/operator pkg/render/node.go, as do Calico's manifests; Podnet assumes it), so that direction is
    /// judged by the policies alone. Traffic the node forwards (a NodePort leg, <paramref name="forwarded"/>) crosses
    /// the FORWARD chain and the destination's ingress policy. Only where calico-node runs: not for pods on Fargate
    /// (no DaemonSets) or Windows nodes (the DaemonSet selects <c>kubernetes.io/os: linux</c>). Returns why the
    /// connection passes, or null: the source is a node, or a host-network pod, and the destination a pod (not on
    /// the host network) of that same node.
    /// </summary>
    private static string? CalicoHostAllow(Endpoint source, Endpoint destination, bool forwarded)
    {
        if (forwarded || EnforcedPodNode(destination) is not { } node)
        {
            return null;
        }

        var fromHost = source.IsNode || (source.Pod is { } client && PodView.Of(client).HostNetwork);
        if (!fromHost || source.Node?.Name != node.Name)
        {
            return null;
        }

        var who = source.IsNode ? $"{source.Address} is {node.Name}" : $"{source.Display} ({source.Address}) is on the host network of {node.Name}";
        return $"{who}, the node {destination.Display} runs on: Calico does not apply a pod's ingress policy to connections its own node's host network opens, on any protocol or port (Felix's filter OUTPUT chain returns a packet from the host to a workload interface before any policy, so the kubelet's probes and the node's host-network pods are never blocked)";
    }
}
