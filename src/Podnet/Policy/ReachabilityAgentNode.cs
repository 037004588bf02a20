using System.Net;
using Podnet.Kube.Views;
using Podnet.Net;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    /// <summary>
    /// The VPC CNI's network policy agent lets a pod's own node through, whatever the NetworkPolicies say: it writes
    /// the node's address, with every protocol and port, into each map it fills for a pod's eBPF programs — the
    /// ingress map and the egress map alike — before the policies' rules (aws/aws-network-policy-agent
    /// pkg/fwruleprocessor/fw_rule_processor.go <c>ComputeMapEntriesFromEndpointRules</c>: "Traffic from the local
    /// node should always be allowed. Add NodeIP by default to map entries", an entry of
    /// <c>ComputeTrieValue([]Port{}, true, false)</c>, allow-all; since #65 "Ignore policy restrictions against Node IP"
    /// (v1.1.0) a policy rule for that same address — a /32 ipBlock with ports, an <c>except</c> — is skipped rather than
    /// narrowing it, <c>shouldSkipRule</c>/<c>utils.IsNodeIP</c>; pkg/ebpf/bpf_client.go <c>UpdateEbpfMaps</c> calls it for ingress
    /// and egress). The address is the agent's node's primary private address from IMDS (main.go:
    /// <c>imds.GetMetaData("local-ipv4")</c>, <c>"ipv6"</c> in an IPv6 cluster): one address, not the node's other
    /// addresses, and only for the pods of that node (each node's agent fills its own pods' maps). The entry is there
    /// since the agent's first commit (#4, v0.1.0, shipped with VPC CNI v1.14.0), and the maps are filled in standard
    /// and strict NETWORK_POLICY_ENFORCING_MODE alike (Podnet models standard only). So the kubelet's probes and
    /// host-network clients of the node (NodeLocal DNSCache, a masqueraded NodePort leg) reach an isolated pod of that
    /// node, and the pod reaches its node's address. Not for pods on Fargate or Windows nodes, where the agent does
    /// not run. Returns why the connection passes NetworkPolicy, or null when the allow does not apply: the
    /// destination is a pod (not on the host network) whose node's primary address is the source's, or the source is
    /// such a pod and the destination is its node's primary address. Chosen by <see cref="OwnNodeAllow"/>.
    /// </summary>
    private string? AgentOwnNodeAllow(Endpoint source, Endpoint destination)
    {
        if (AgentNodeAddress(destination) is { } inbound && inbound.Address.Equals(source.Address))
        {
            return $"{source.Address} is the primary address of {inbound.Node}, the node {destination.Display} runs on: the network policy agent allows the pod's own node in, whatever the NetworkPolicies say, on every protocol and port (its eBPF ingress map always holds the node's address, so the kubelet's probes and the node's host network are never blocked)";
        }

        if (AgentNodeAddress(source) is { } outbound && outbound.Address.Equals(destination.Address))
        {
            return $"{destination.Address} is the primary address of {outbound.Node}, the node {source.Display} runs on: the network policy agent allows the pod's own node out, whatever the NetworkPolicies say, on every protocol and port (its eBPF egress map always holds the node's address)";
        }

        return null;
    }

    /// <summary>
    /// The address the network policy agent on <paramref name="endpoint"/>'s node allows for it (the node's primary
    /// private address of the pod's address family, <see cref="NodeAddress"/>) and the node's name; null when the
    /// endpoint is not a pod with its own address on a Linux EC2 node (a node, a host-network pod, an address, a pod on
    /// Fargate or Windows), or when the node has no address at all.
    /// </summary>
    private (IPAddress Address, string Node)? AgentNodeAddress(Endpoint endpoint)
    {
        if (EnforcedPodNode(endpoint) is not { } node)
        {
            return null;
        }

        return PrimaryInterface(node) is null && IpAddressText.ParseOrNull(new NodeView(node).InternalIP) is null
            ? null
            : (NodeAddress(node, endpoint.Address.AddressFamily), node.Name);
    }
}
