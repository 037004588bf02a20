using System.Net;
using System.Net.Sockets;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Policy.SecurityGroups;

namespace Podnet.Policy;

/// <summary>
/// The VPC CNI's egress-cni plugin, chained after aws-cni in the node's 10-aws.conflist, which gives a pod the other
/// address family for traffic leaving it (amazon-vpc-cni-k8s cmd/egress-cni-plugin, main.go <c>add</c>): in an IPv4
/// cluster with ENABLE_V6_EGRESS a unique local IPv6 address of <c>fd00::ac:00/118</c> on <c>v6if0</c>, its IPv6
/// traffic SNATed to the node's primary IPv6 address (<c>cmdAddEgressV6</c>); in an IPv6 cluster (ENABLE_V4_EGRESS,
/// on by default) an address of <c>169.254.172.0/22</c> on <c>v4if0</c>, its IPv4 traffic SNATed to the node's
/// primary IPv4 address (<c>cmdAddEgressV4</c>). Neither address is the pod's IP, routable or reachable from outside
/// its node: the host routes only the replies of the pod's own connections back to it.
/// </summary>
public sealed partial class Reachability
{
    private CniSettings? _daemonSetSettings;
    private bool _daemonSetSettingsRead;

    /// <summary>
    /// The CNI settings a pod was set up with: those of its ADD (the pod's <see cref="PodNetwork"/>), else the aws-node
    /// DaemonSet's (a pod a world gives as running); null without aws-node.
    /// </summary>
    private CniSettings? CniSettingsOf(PodNetwork? pod)
    {
        if (pod is not null)
        {
            return pod.Settings;
        }

        if (!_daemonSetSettingsRead)
        {
            _daemonSetSettings = AwsNode.DaemonSetSettings(_world.ControlPlane.Store);
            _daemonSetSettingsRead = true;
        }

        return _daemonSetSettings;
    }

    /// <summary>An EC2 Linux node: where aws-node and its CNI plugins run (not Fargate, not Windows).</summary>
    private static bool IsLinuxEc2Node(KubeObject? node)
        => node is not null && !new NodeView(node).IsFargate && !ResourceController.WindowsIpam.IsWindowsNode(node);

    /// <summary>A pod's own network namespace (not the host's).</summary>
    private static bool IsPodNetwork(Endpoint endpoint) => endpoint.Pod is { } pod && !PodView.Of(pod).HostNetwork;

    /// <summary>
    /// An IPv4 cluster's pod to an IPv6 address with the egress-cni plugin on: it leaves by the node's primary interface
    /// with the node's first IPv6 address (the plugin's SNAT, egressContext.go <c>cmdAddEgressV6</c>: "IPv6 egress traffic
    /// of all containers in a node shares node primary interface (eth0) through SNAT"), judged by that interface's
    /// groups and its subnet's IPv6 route. Null when the plugin gives the pod no IPv6 (ENABLE_V6_EGRESS off or not read,
    /// the node without an IPv6 address: aws-node leaves the plugin off from 1.17.1, and before it never started), or
    /// when the node does not forward it (aws-vpc-cni-init without ENABLE_V6_EGRESS, <see cref="AwsVpcCniInit.ForwardsIpv6"/>).
    /// </summary>
    private (SecurityGroupEvaluator.Side Side, string Note)? EgressV6Source(Endpoint source, PodNetwork? pod)
    {
        if (!IsPodNetwork(source) || !IsLinuxEc2Node(source.Node) || CniSettingsOf(pod) is not { } settings
            || PrimaryInterface(source.Node!) is not { } primary || !settings.ServesV6Egress(primary.Ipv6Addresses.Count > 0)
            || !_ipv6Forwarding)
        {
            return null;
        }

        var address = primary.Ipv6Addresses[0].Ipv6Address;
        return (new SecurityGroupEvaluator.Side(IPAddress.Parse(address), [.. primary.Groups.Select(g => g.GroupId)], primary.NetworkInterfaceId),
                $"egress-v6: the egress-cni plugin (ENABLE_V6_EGRESS=true) gives it a unique local IPv6 address of {CniSettings.V6EgressRange} and SNATs its IPv6 traffic to the node's primary IPv6 address {address} on {primary.NetworkInterfaceId}: the primary interface's groups apply");
    }

    /// <summary>
    /// Why a source without an IPv6 address cannot open a connection to <paramref name="destination"/>, an IPv6 address:
    /// for an IPv4 cluster's pod, what ENABLE_V6_EGRESS would need (the setting, a release that reads it, an IPv6
    /// address on the node's primary interface, in aws-node's words when it is missing).
    /// </summary>
    private string NoIpv6Source(Endpoint source, PodNetwork? pod, IPAddress destination)
    {
        var head = $"{source.Display} has no IPv6 address ({source.Address}), so it cannot open a connection to the IPv6 address {destination}";
        if (!IsPodNetwork(source) || !IsLinuxEc2Node(source.Node) || CniSettingsOf(pod) is not { } settings || settings.EnableIPv6)
        {
            return head;
        }

        if (settings.Unread.Any(u => u.Setting == CniSetting.EnableV6Egress))
        {
            return $"{head}: ENABLE_V6_EGRESS is read from VPC CNI {CniSetting.EnableV6Egress.Since} on, and aws-node runs VPC CNI {settings.Release}";
        }

        if (!settings.EnableV6Egress)
        {
            return $"{head} (ENABLE_V6_EGRESS=true on aws-node and aws-vpc-cni-init, VPC CNI {CniSetting.EnableV6Egress.Since} or later, gives an IPv4 cluster's new pods IPv6 egress through their node's IPv6 address)";
        }

        var primary = PrimaryInterface(source.Node!);
        if (primary is not null && settings.ServesV6Egress(primary.Ipv6Addresses.Count > 0))
        {
            // The plugin gave the pod its address; the node is what drops the packet.
            return $"{source.Display} has the IPv6 address of {CniSettings.V6EgressRange} the egress-cni plugin gives it (ENABLE_V6_EGRESS=true on aws-node), but its node {source.Node!.Name} does not forward IPv6, so the packet to {destination} goes no further than the node: {AwsVpcCniInit.ContainerName} sets {AwsVpcCniInit.Ipv6ForwardingSysctl}=1 only when its own {CniSetting.EnableV6Egress.Name} (or {CniSetting.EnableIPv6.Name}) is true (cmd/aws-vpc-cni-init configureIPv6Settings); set {CniSetting.EnableV6Egress.Name}=true on {AwsVpcCniInit.ContainerName} too (the add-on's init.env)";
        }

        return $"{head}: ENABLE_V6_EGRESS=true, but its node's primary interface {primary?.NetworkInterfaceId ?? "(none)"} has no IPv6 address, so aws-node left the egress-cni plugin off (\"To support IPv6 egress, node primary ENI must have a global IPv6 address\"); a subnet with an IPv6 block and AssignIpv6AddressOnCreation gives new nodes one";
    }

    /// <summary>
    /// Whether the packet is an IPv6 cluster's pod's to an IPv4 address (an address endpoint, in the VPC or out of it):
    /// the egress-cni plugin's IPv4 path, for pods on EC2 Linux nodes. A Fargate or Windows pod is judged as before.
    /// </summary>
    private static bool EgressV4Applies(Endpoint source, SecurityGroupEvaluator.Side side, Endpoint destination)
        => destination.IsExternal && destination.Address.AddressFamily == AddressFamily.InterNetwork
           && side.Address.AddressFamily == AddressFamily.InterNetworkV6 && IsPodNetwork(source) && IsLinuxEc2Node(source.Node);

    /// <summary>
    /// The side an IPv6 cluster's pod's IPv4 packet leaves by: the node's primary interface with its primary IPv4
    /// address, to which the egress-cni plugin SNATs everything from the pod's <c>169.254.172.0/22</c> address
    /// (egressContext.go <c>cmdAddEgressV4</c>, snat.go <c>Add</c>) — whatever AWS_VPC_K8S_CNI_EXTERNALSNAT and the
    /// exclusions say, which are IPv4 mode's. Null with ENABLE_V4_EGRESS=false (read from 1.15.1): the pod has no IPv4.
    /// </summary>
    private (SecurityGroupEvaluator.Side Side, string Note)? EgressV4Source(Endpoint source, PodNetwork? pod)
    {
        var settings = CniSettingsOf(pod);
        if (settings?.EnableV4Egress == false)
        {
            return null;
        }

        var side = PrimarySide(source.Node!);
        var setting = settings?.Release is { } release && !CniSetting.EnableV4Egress.ReadBy(release)
            ? $"always on in IPv6 mode before VPC CNI {CniSetting.EnableV4Egress.Since}"
            : "ENABLE_V4_EGRESS=true, the default";
        return (side, $"egress-v4: the egress-cni plugin ({setting}) gives it an address of {CniSettings.V4EgressRange} and SNATs its IPv4 traffic to the node's primary address {side.Address} on {side.InterfaceId}: the primary interface's groups apply (AWS_VPC_K8S_CNI_EXTERNALSNAT and the SNAT exclusions are IPv4 mode's)");
    }

    /// <summary>Why an IPv6 cluster's pod cannot open a connection to an IPv4 address: ENABLE_V4_EGRESS=false (<see cref="EgressV4Source"/> is null).</summary>
    private static string NoIpv4Source(Endpoint source, IPAddress destination)
        => $"{source.Display} has no IPv4 address ({source.Address}), so it cannot open a connection to the IPv4 address {destination}: ENABLE_V4_EGRESS=false on aws-node, so the egress-cni plugin gives new pods of this IPv6 cluster no address of {CniSettings.V4EgressRange}";

    /// <summary>
    /// An IPv6 connection to an IPv4 cluster's pod cannot be made: the pod's IPv6 address, if the egress-cni plugin gave
    /// it one, is a unique local address of <c>fd00::ac:00/118</c> that only its node routes, and only for the replies of
    /// the pod's own connections (egressContext.go <c>setupHostIPv6Route</c>); the step that says so, or null for any
    /// other connection.
    /// </summary>
    private string? ToAPodWithoutIpv6(Endpoint source, Endpoint destination, PodNetwork? pod)
    {
        if (source.Address.AddressFamily != AddressFamily.InterNetworkV6 || !IsPodNetwork(destination)
            || destination.Address.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }

        var settings = CniSettingsOf(pod);
        var primary = destination.Node is { } node && IsLinuxEc2Node(node) ? PrimaryInterface(node) : null;
        var egress = settings is not null && primary is not null && settings.ServesV6Egress(primary.Ipv6Addresses.Count > 0)
            ? $"its IPv6 address from the egress-cni plugin (ENABLE_V6_EGRESS) is a unique local one of {CniSettings.V6EgressRange}, which only its node routes, and only for the replies to the pod's own connections (SNATed to the node's {primary!.Ipv6Addresses[0].Ipv6Address})"
            : "it has no IPv6 address at all";
        return $"{destination.Display} has only the IPv4 address {destination.Address}: {egress}, so no connection from the IPv6 address {source.Address} can reach it";
    }
}
