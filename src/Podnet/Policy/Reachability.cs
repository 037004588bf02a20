using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Kube.Validation;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy.NetworkPolicies;
using Podnet.Policy.SecurityGroups;

namespace Podnet.Policy;

/// <summary>
/// Decides whether a connection can be made in a settled world, the way the data path decides it, and says why:
/// DNS and the Service for a Service name, NetworkPolicy when the cluster enforces it, security groups of the
/// interfaces the packets really cross (branch interfaces for pods with security groups, the node's primary
/// interface for hostNetwork pods, nodes and SNATed traffic), the enforcing mode and SNAT settings of the CNI, and for
/// traffic leaving the VPC the route table of the subnet of the interface it leaves by (<see cref="VpcRouter"/>).
/// </summary>
public sealed partial class Reachability
{
    private readonly Podnet.World.World _world;
    private readonly SecurityGroupEvaluator? _groups;
    private readonly VpcRouter? _router;
    private readonly IReadOnlyList<NetworkInterface> _interfaces;
    private readonly IReadOnlyList<CidrBlock> _vpcCidrs;

    /// <summary>Each VPC's Amazon-provided DNS server: its primary CIDR block's base + 2 (secondary blocks have none).</summary>
    private readonly IReadOnlyList<IPAddress> _vpcResolvers;
    private readonly Dictionary<string, IPAddress> _vpcResolverById = new(StringComparer.Ordinal);

    /// <summary>Every CIDR block of every VPC (IPv4 primary and secondary, IPv6) with its VPC's id: which VPC an address is in.</summary>
    private readonly List<(CidrBlock Cidr, string VpcId)> _vpcOfCidr = [];
    private readonly IReadOnlyList<SecurityGroup> _securityGroups;

    // Indexes over the settled world, so that a query (and a matrix's many) looks things up instead of scanning.
    private readonly Dictionary<(string Namespace, string Name), PodNetwork> _podNetworks = [];
    private readonly Dictionary<string, NetworkInterface> _interfaceByAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkInterface> _primaryByInstance = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkInterface> _interfaceById = new(StringComparer.Ordinal);

    // IPv6 /80 prefixes (an IPv6 node's pods take their addresses from its primary interface's one), by interface.
    private readonly List<(CidrBlock Prefix, NetworkInterface Interface)> _ipv6Prefixes = [];

    // IPv4 /28 prefixes (ENABLE_PREFIX_DELEGATION: ipamd gives pods addresses from them; EC2 assigns IPv4 prefixes as
    // /28s only), by the prefix's first address: an address's /28 is found in one lookup, however many nodes.
    private readonly Dictionary<UInt128, NetworkInterface> _ipv4PrefixByBase = [];
    private readonly bool _hasNetworkPolicies;
    private readonly NodeLocalDns? _nodeLocalDns;

    // aws-vpc-cni-init's DISABLE_TCP_EARLY_DEMUX: without it the node's TCP to a strict-mode branch pod fails.
    private readonly bool _earlyDemuxDisabled;

    // aws-vpc-cni-init's ENABLE_V6_EGRESS (or ENABLE_IPv6): without it the nodes do not forward the egress-v6 plugin's IPv6.
    private readonly bool _ipv6Forwarding;
    private bool? _hasIpv6;

    public Reachability(Podnet.World.World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
        if (world.Cloud is { } cloud)
        {
            // Analysis of the world as it is, not a controller's call: EC2's state is read directly, so no IAM,
            // throttling or fault changes a verdict, and deciding a query changes nothing in the account.
            _securityGroups = cloud.Ec2View.DescribeSecurityGroups();
            _groups = SecurityGroupEvaluator.For(cloud.Ec2View);
            _router = new VpcRouter(cloud.Ec2View, _groups.PrefixLists);
            _interfaces = cloud.Ec2View.DescribeNetworkInterfaces();
            var vpcs = cloud.Ec2View.DescribeVpcs();
            // The VPC's IPv6 /56 is its own address space as its IPv4 blocks are (a pod of an IPv6 cluster is inside).
            _vpcCidrs = [.. vpcs.SelectMany(v => v.CidrBlockAssociationSet).Select(a => CidrBlock.Parse(a.CidrBlock)),
                         .. vpcs.SelectMany(v => v.Ipv6CidrBlockAssociationSet).Select(a => CidrBlock.Parse(a.Ipv6CidrBlock))];
            _vpcResolvers = [.. vpcs.Select(v => v.AmazonProvidedDnsServer())];
            foreach (var vpc in vpcs)
            {
                _vpcResolverById.TryAdd(vpc.VpcId, vpc.AmazonProvidedDnsServer());
                _vpcOfCidr.AddRange(vpc.CidrBlockAssociationSet.Select(a => (CidrBlock.Parse(a.CidrBlock), vpc.VpcId)));
                _vpcOfCidr.AddRange(vpc.Ipv6CidrBlockAssociationSet.Select(a => (CidrBlock.Parse(a.Ipv6CidrBlock), vpc.VpcId)));
            }
        }
        else
        {
            _interfaces = [];
            _vpcCidrs = [];
            _vpcResolvers = [];
            _securityGroups = [];
        }

        foreach (var eni in _interfaces)
        {
            _interfaceById[eni.NetworkInterfaceId] = eni;
            // The first interface that holds an address speaks for it.
            foreach (var address in eni.PrivateIpAddresses)
            {
                _interfaceByAddress.TryAdd(address.PrivateIpAddress, eni);
            }

            foreach (var address in eni.Ipv6Addresses)
            {
                _interfaceByAddress.TryAdd(IPAddress.Parse(address.Ipv6Address).ToString(), eni);
            }

            _ipv6Prefixes.AddRange(eni.Ipv6Prefixes.Select(p => (CidrBlock.Parse(p.Ipv6Prefix), eni)));
            foreach (var prefix in eni.Ipv4Prefixes)
            {
                _ipv4PrefixByBase.TryAdd(CidrBlock.Parse(prefix.Ipv4Prefix).First, eni);
            }

            if (eni.Attachment is { DeviceIndex: 0 } attachment)
            {
                _primaryByInstance.TryAdd(attachment.InstanceId, eni);
            }
        }

        foreach (var network in world.AwsNode?.PodNetworks ?? [])
        {
            _podNetworks.TryAdd((network.Namespace, network.Name), network);
        }

        _hasNetworkPolicies = world.ControlPlane.Store.List("networking.k8s.io/v1", "NetworkPolicy").Items.Count > 0;
        _nodeLocalDns = NodeLocalDns.Find(world.ControlPlane.Store);
        var awsNode = world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("apps/v1", "DaemonSet"), "kube-system", "aws-node");
        _earlyDemuxDisabled = TcpEarlyDemux.Disabled(awsNode);
        _ipv6Forwarding = AwsVpcCniInit.ForwardsIpv6(awsNode);
        Enforcer = NetworkPolicyEnforcer.Find(world);
        NetworkPolicies = CreateNetworkPolicyDecider(world, Enforcer);
    }

    /// <summary>Who enforces NetworkPolicy: the VPC CNI's agent, Calico, "policy-only world", or null (nobody).</summary>
    public string? Enforcer { get; }

    private INetworkPolicyDecider NetworkPolicies { get; }

    /// <summary>
    /// The network interface of the account that holds <paramref name="address"/> as its primary or a secondary
    /// private address (a branch interface's too), or inside a prefix assigned to it (an IPv4 /28 with prefix
    /// delegation, an IPv6 /80: EC2 delivers the prefix's addresses to the interface): the interface a pod with that
    /// address sends and receives by, and whose groups apply to it. Null when none does (a policy-only world, or a pod
    /// given with an address no interface holds).
    /// </summary>
    public NetworkInterface? InterfaceHolding(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _interfaceByAddress.GetValueOrDefault(address.ToString())
               ?? (address.AddressFamily == AddressFamily.InterNetworkV6
                   ? _ipv6Prefixes.Find(p => p.Prefix.Contains(address)).Interface
                   : _ipv4PrefixByBase.GetValueOrDefault(IpAddressMath.ToNumber(address) & ~(UInt128)15));
    }

    /// <summary>Evaluates <c>FROM TO PORT</c> as <c>podnet reach</c> takes them.</summary>
    public ReachResult Evaluate(string from, string to, string port)
    {
        if (!PortSpec.TryParse(port, out var spec, out var portError))
        {
            return ReachResult.Error(portError);
        }

        if ((AddressError("FROM", from) ?? AddressError("TO", to)) is { } addressError)
        {
            return ReachResult.Error(addressError);
        }

        if ((NodeWithoutAddress("FROM", from) ?? NodeWithoutAddress("TO", to)) is { } nodeError)
        {
            return ReachResult.Error(nodeError);
        }

        var fromGroup = GroupPods("FROM", from, out var fromError);
        if (fromError is not null)
        {
            return ReachResult.Error(fromError);
        }

        // A Service's ClusterIP (or another address of the Service range) given as an address is kube-proxy's to
        // translate on the source's node, not the VPC's to route: it is judged as the Service it belongs to.
        var clusterIp = KubeProxyTarget(to);
        var isService = clusterIp is not null || to.StartsWith("svc/", StringComparison.Ordinal);
        string? toError = null;
        var toGroup = isService ? null : GroupPods("TO", to, out toError);
        if (toError is not null)
        {
            return ReachResult.Error(toError);
        }

        List<Endpoint> sources;
        if (fromGroup is not null)
        {
            sources = Members(fromGroup);
        }
        else if (ResolveEndpoint(from) is { } one)
        {
            sources = [one];
        }
        else
        {
            return ReachResult.Error($"FROM \"{from}\": no pod, node or address by that name (use namespace/pod, deploy/namespace/name, namespace/label=value, node/NAME or an IP address)");
        }

        List<Endpoint>? destinations = null;
        if (!isService)
        {
            if (toGroup is not null)
            {
                destinations = Members(toGroup);
            }
            else if (ResolveEndpoint(to) is { } one)
            {
                destinations = [one];
            }
            else
            {
                return ReachResult.Error($"TO \"{to}\": no pod, node, Service or address by that name");
            }
        }

        if (fromGroup is not null || toGroup is not null)
        {
            return EvaluateGroups(from, sources, fromGroup, to, destinations, toGroup, (source, service) => clusterIp is { } target ? ToClusterIp(source, target, spec) : ToServiceFrom(source, service, spec), spec);
        }

        return clusterIp is { } kubeProxy ? ToClusterIp(sources[0], kubeProxy, spec)
            : isService ? ToServiceFrom(sources[0], to, spec) : Evaluate(sources[0], destinations![0], spec);
    }

    /// <summary>A Service from one source: a source that is not running says so before any DNS query.</summary>
    private ReachResult ToServiceFrom(Endpoint source, string to, PortSpec spec)
        => NotRunning(source) is { } down ? new ReachResult(false, [down], null) : ToService(source, to, spec);

    /// <summary>
    /// Evaluates a connection between two endpoints already resolved (see <see cref="ResolveEndpoint"/>), with the
    /// explanation: the same checks as <see cref="Evaluate(string, string, string)"/> for two pods, nodes or addresses. A
    /// node's address on a Service's <c>nodePort</c> is a NodePort connection, translated by kube-proxy on that node
    /// (<see cref="ToNodePort"/>).
    /// </summary>
    public ReachResult Evaluate(Endpoint from, Endpoint to, PortSpec port)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(port);
        var down = new[] { NotRunning(from), NotRunning(to) }.OfType<Hop>().ToList();
        if (down.Count > 0)
        {
            return new ReachResult(false, down, null);
        }

        // A node's address on a Service's node port is kube-proxy's on that node to translate.
        if (NodePortOf(to, port) is { } nodePort)
        {
            return ToNodePort(from, nodePort, port);
        }

        var hops = new List<Hop>();
        var allowed = Flow(from, to, port, hops, string.Empty);
        return new ReachResult(allowed, hops, null);
    }

    /// <summary>
    /// A pod of a cluster without an address yet (Pending, ContainerCreating) can neither open nor accept a
    /// connection: the step that says so, what state it is in and why (the same reason <c>podnet run</c> and
    /// <c>lint</c> give for a pod that is stuck); null for anything else. In a policy-only world a pod without
    /// <c>status.podIP</c> is not waiting for anything: its address is unknown, and only selectors can match it (the
    /// NetworkPolicy cases' rule 5, np-guard's worlds).
    /// </summary>
    private Hop? NotRunning(Endpoint endpoint)
    {
        if (_world.IsPolicyOnly || endpoint.Pod is not { } pod || PodView.Of(pod).PodAddress is not null)
        {
            return null;
        }

        var stuck = Podnet.World.StuckObjects.Of(_world, pod);
        var state = stuck?.Status ?? PodView.Of(pod).Phase;
        var why = stuck?.Reason ?? "it has finished or is being deleted";
        return new Hop("pod", false, $"{endpoint.Display} is not running ({state}): it has no address yet, so it can neither open nor accept a connection; {why}") { Kind = HopKind.Pod, From = endpoint };
    }

    /// <summary>
    /// The verdict of <see cref="Evaluate(Endpoint, Endpoint, PortSpec)"/> without its explanation (no hops, and the
    /// NetworkPolicy engine's fast path): what matrices use.
    /// </summary>
    public bool IsAllowed(Endpoint from, Endpoint to, PortSpec port)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(port);
        return Flow(from, to, port, null, string.Empty);
    }

    /// <summary>
    /// One connection between two endpoints: NetworkPolicy (if enforced), then security groups along the path. With
    /// no <paramref name="hops"/> only the verdict is computed. <paramref name="forwarded"/>: a packet the node forwards
    /// for another connection (kube-proxy's NodePort DNAT), not one of the node's own sockets, so TCP early demux
    /// plays no part.
    /// </summary>
    private bool Flow(Endpoint source, Endpoint destination, PortSpec spec, List<Hop>? hops, string prefix, bool forwarded = false, PolicyDirection? only = null)
    {
        if (!NetworkPolicyAllows(source, destination, spec, hops, prefix, forwarded, only))
        {
            return false;
        }

        if (_groups is null)
        {
            return true;
        }

        return SecurityGroups(source, destination, spec, hops, prefix, forwarded);
    }

    /// <summary>
    /// The NetworkPolicy part of <see cref="Flow"/>: the enforcer's verdict (with its step), or true when nothing
    /// enforces policy. A pod's own node passes first, whatever the policies say, by the enforcer's own rule
    /// (<see cref="OwnNodeAllow"/>); otherwise the policies decide. <paramref name="forwarded"/>: a packet the node
    /// forwards (kube-proxy's NodePort DNAT), not one its host network opened. <paramref name="only"/>: the one direction
    /// judged on this leg (<see cref="INetworkPolicyDecider.Decide"/>).
    /// </summary>
    private bool NetworkPolicyAllows(Endpoint source, Endpoint destination, PortSpec spec, List<Hop>? hops, string prefix, bool forwarded = false, PolicyDirection? only = null)
    {
        if (Enforcer is not null && !GovernedOnlyBySecurityGroups(source, destination))
        {
            if (OwnNodeAllow(source, destination, forwarded) is { } ownNode)
            {
                // The enforcer's own-node rule comes before the policies' rules; what they alone would say is kept in the step.
                if (hops is not null)
                {
                    var policies = NetworkPolicies.Decide(source, destination, spec.Protocol, spec.Port, only);
                    var verdict = policies.Explanation.Split("; to allow it, ", 2)[0];
                    var alone = policies.Allowed ? string.Empty : $"; the NetworkPolicies alone would deny it: {verdict}";
                    hops.Add(new Hop(prefix + "networkpolicy", true, $"{ownNode}{alone} (enforced by {Enforcer})") { Kind = HopKind.NetworkPolicy, From = source, To = destination });
                }

                return true;
            }

            if (hops is null)
            {
                return NetworkPolicies.IsAllowed(source, destination, spec.Protocol, spec.Port, only);
            }

            var decision = NetworkPolicies.Decide(source, destination, spec.Protocol, spec.Port, only);
            hops.Add(new Hop(prefix + "networkpolicy", decision.Allowed, $"{decision.Explanation} (enforced by {Enforcer})") { Kind = HopKind.NetworkPolicy, From = source, To = destination });
            return decision.Allowed;
        }

        if (hops is not null && Enforcer is null && _hasNetworkPolicies)
        {
            hops.Add(new Hop(prefix + "networkpolicy", true, "NetworkPolicies exist but nothing enforces them (no VPC CNI network policy agent, no Calico)") { Kind = HopKind.NetworkPolicy, From = source, To = destination });
        }

        return true;
    }

    /// <summary>
    /// A packet to an address of the source's own node that is not a VPC address: a link-local address (RFC 3927,
    /// never routed, so never out through a NAT or internet gateway) or one NodeLocal DNSCache binds there. It stays
    /// on the node — unless the source is a pod with security groups in strict mode, whose every packet leaves by its
    /// branch interface (the CNI's VLAN routing) and so never reaches the node's listener (seed 000: NodeLocal
    /// DNSCache is supported with security groups for pods only in standard mode). Null when the destination is not
    /// such an address.
    /// </summary>
    private bool? OnTheNode(Endpoint source, Endpoint destination, PortSpec spec, PodNetwork? sourcePod, List<Hop>? hops, string prefix)
    {
        var cacheAddress = _nodeLocalDns?.Serves(destination.Address) == true;
        if (!destination.IsExternal || source.Node is not { } node || !(cacheAddress || NodeLocalDns.LinkLocal.Contains(destination.Address)))
        {
            return null;
        }

        var cache = cacheAddress ? _nodeLocalDns!.PodOn(node.Name) : null;
        var what = cache is not null
            ? $"{destination.Address} is NodeLocal DNSCache's (kube-system/{cache.Name}, host network on {node.Name})"
            : $"{destination.Address} is link-local, on the node {node.Name}";
        if (sourcePod?.IsStrictBranch == true)
        {
            hops?.Add(new Hop(prefix + "node", false, $"{what}: in strict mode {source.Display} sends every packet by its branch interface {sourcePod.EniId}, so it never reaches the node's listener (POD_SECURITY_GROUP_ENFORCING_MODE=standard lets it)") { Kind = HopKind.Node, From = source, To = destination });
            return false;
        }

        if (cacheAddress && cache is null && NodeLocalDns.LinkLocal.Contains(destination.Address))
        {
            hops?.Add(new Hop(prefix + "node", false, $"{destination.Address} is link-local and no node-local-dns pod runs on {node.Name}: nothing there listens on it") { Kind = HopKind.Node, From = source, To = destination });
            return false;
        }

        if (cache is not null && spec.Port != 53)
        {
            hops?.Add(new Hop(prefix + "node", false, $"{what}: it listens on port 53 only, not {spec}") { Kind = HopKind.Node, From = source, To = destination });
            return false;
        }

        if (cacheAddress && cache is null)
        {
            // The kube-dns ClusterIP with no cache on this node: kube-proxy's rules take it to CoreDNS as usual.
            return null;
        }

        hops?.Add(new Hop(prefix + "node", true, $"{what}: the packet stays on the node, crosses no VPC interface and is never routed out of the VPC: security groups do not apply") { Kind = HopKind.Node, From = source, To = destination });
        return true;
    }

    private bool SecurityGroups(Endpoint source, Endpoint destination, PortSpec spec, List<Hop>? hops, string prefix, bool forwarded)
    {
        var src = Network(source);
        if (OnTheNode(source, destination, spec, src.Pod, hops, prefix) is { } local)
        {
            return local;
        }

        var dst = Network(destination);
        var sameNode = source.Node is not null && destination.Node is not null && source.Node.Name == destination.Node.Name;
        var outside = destination.IsExternal && !_vpcCidrs.Any(c => c.Contains(destination.Address));
        var ipv6Out = outside && destination.Address.AddressFamily == AddressFamily.InterNetworkV6;

        // Which interface the packet leaves by, and with which source address.
        var srcSide = src.Side;
        var srcNote = src.Note;
        if (ipv6Out && source.Node is not null)
        {
            if (Ipv6Source(source, src) is not { } v6)
            {
                hops?.Add(new Hop(prefix + "route", false, NoIpv6Source(source, src.Pod, destination.Address)) { Kind = HopKind.Route, From = source, To = destination });
                return false;
            }

            (srcSide, srcNote) = v6;
        }
        else if (EgressV4Applies(source, src.Side, destination))
        {
            // An IPv6 cluster's pod to an IPv4 address: the egress-cni plugin's v4if0, SNATed to the node's IPv4 address.
            if (EgressV4Source(source, src.Pod) is not { } v4)
            {
                hops?.Add(new Hop(prefix + "route", false, NoIpv4Source(source, destination.Address)) { Kind = HopKind.Route, From = source, To = destination });
                return false;
            }

            (srcSide, srcNote) = v4;
        }
        else if (outside && source.IsPod)
        {
            var settings = src.Pod?.Settings;
            var excluded = settings?.ExcludeSnatCidrs.Any(c => c.Contains(destination.Address)) == true;
            var externalSnat = settings?.ExternalSnat == true;
            var strictBranch = src.Pod?.IsStrictBranch == true;
            if (new NodeView(source.Node!).IsFargate)
            {
                // A Fargate pod's address is its micro-VM's interface's own: there is no node address to SNAT to.
                srcNote += "; a Fargate pod's own interface: not SNATed";
            }
            else if (ResourceController.WindowsIpam.IsWindowsNode(source.Node!))
            {
                // vpc-bridge's HNS endpoint policy OutboundNat to the primary address, with the VPC's CIDRs (and the
                // service CIDR) as exceptions (FindOrCreateEndpoint, plugins/vpc-bridge/network/bridge_windows.go).
                // aws-node's SNAT settings do not apply: it does not run there.
                srcSide = PrimarySide(source.Node!);
                srcNote = $"SNAT to the node's primary address {srcSide.Address} (the Windows vpc-bridge plugin's outbound NAT for destinations outside the VPC): the primary interface's groups apply";
            }
            else if (!externalSnat && !excluded && !strictBranch)
            {
                srcSide = PrimarySide(source.Node!);
                srcNote = $"SNAT to the node's primary address {srcSide.Address} (AWS_VPC_K8S_CNI_EXTERNALSNAT=false): the primary interface's groups apply";
            }
            else
            {
                srcNote += strictBranch ? "; strict mode: not SNATed, leaves by its branch interface" : "; not SNATed";
            }
        }

        if (outside && source.Node is not null && Route(source, srcSide, destination.Address) is var (routed, route))
        {
            hops?.Add(new Hop(prefix + "route", routed, route) { Kind = HopKind.Route, From = source, To = destination });
            if (!routed)
            {
                return false;
            }
        }

        if (ToAPodWithoutIpv6(source, destination, dst.Pod) is { } unreachable)
        {
            hops?.Add(new Hop(prefix + "route", false, unreachable) { Kind = HopKind.Route, From = source, To = destination });
            return false;
        }

        if (FromTheIpv6Internet(source, destination, dst.Side) is var (admitted, inbound))
        {
            hops?.Add(new Hop(prefix + "route", admitted, inbound) { Kind = HopKind.Route, From = source, To = destination });
            if (!admitted)
            {
                return false;
            }
        }

        // The VPC's Amazon-provided DNS server is one of the AWS-reserved addresses, whose traffic security groups do not
        // filter (VPC User Guide, "Internetwork traffic privacy": security groups and network ACLs don't filter traffic
        // to or from link-local addresses or AWS-reserved IPv4 addresses, the Amazon DNS server's among them).
        if (_vpcResolvers.Contains(destination.Address))
        {
            hops?.Add(new Hop(prefix + "securitygroups", true, $"{destination.Address} is the VPC's Amazon-provided DNS server, an AWS-reserved address: security groups do not filter traffic to it") { Kind = HopKind.SecurityGroups, From = source, To = destination });
            return true;
        }

        // Same node: pod-to-pod traffic stays on the node unless a pod with security groups is in strict mode.
        if (sameNode && src.Pod?.IsStrictBranch != true && dst.Pod?.IsStrictBranch != true)
        {
            hops?.Add(new Hop(prefix + "securitygroups", true, "same node: the traffic does not cross a VPC interface, security groups are not involved") { Kind = HopKind.SecurityGroups, From = source, To = destination });
            return true;
        }

        var egress = _groups!.Check(srcSide, dst.Side, egress: true, spec.Protocol, spec.Port);
        hops?.Add(new Hop(prefix + "egress", egress.Allowed, $"{source.Display} via {srcNote}: {egress.Explanation}{(egress.Allowed ? string.Empty : AllowHint(srcSide, dst.Side, egress: true, spec))}") { Kind = HopKind.SecurityGroups, From = source, To = destination });
        if (!egress.Allowed)
        {
            return false;
        }

        var ingress = _groups.Check(dst.Side, srcSide, egress: false, spec.Protocol, spec.Port);
        hops?.Add(new Hop(prefix + "ingress", ingress.Allowed, $"{destination.Display} via {dst.Note}: {ingress.Explanation}{(ingress.Allowed ? string.Empty : AllowHint(dst.Side, srcSide, egress: false, spec))}") { Kind = HopKind.SecurityGroups, From = source, To = destination });
        if (ingress.Allowed && !forwarded && sameNode && source.IsNode && dst.Pod?.IsStrictBranch == true && string.Equals(spec.Protocol, "TCP", StringComparison.OrdinalIgnoreCase) && !_earlyDemuxDisabled)
        {
            hops?.Add(new Hop(prefix + "earlydemux", false, $"{destination.Display} is in strict mode on its branch interface and TCP early demux is on: the node's TCP connection gets no answer ({TcpEarlyDemux.EnvName}=true on {AwsVpcCniInit.ContainerName} lets it)") { From = source, To = destination });
            return false;
        }

        return ingress.Allowed;
    }

    /// <summary>What would let a denied flow through: a rule on the interface's first group naming the peer's group or address.</summary>
    private static string AllowHint(SecurityGroupEvaluator.Side self, SecurityGroupEvaluator.Side peer, bool egress, PortSpec spec)
    {
        if (self.GroupIds.Count == 0)
        {
            return string.Empty;
        }

        var host = peer.Address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var peerText = peer.GroupIds.Count > 0 ? $"{peer.GroupIds[0]} or {peer.Address}/{host}" : $"{peer.Address}/{host}";
        return $"; to allow it, add an {(egress ? "egress" : "ingress")} rule to {self.GroupIds[0]} for {spec.Protocol}/{spec.Port} {(egress ? "to" : "from")} {peerText}";
    }

    /// <summary>
    /// The way out of the VPC for a packet that leaves by <paramref name="side"/>'s interface with its address: the
    /// node's primary interface for a node, a hostNetwork pod and SNATed pod traffic; the pod's own interface (a
    /// secondary interface in an ENIConfig's subnet, a branch interface) when it is not SNATed
    /// (AWS_VPC_K8S_CNI_EXTERNALSNAT, AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, strict mode): the CNI's policy routing sends
    /// such a pod's packets by the route table of its interface (networkutils.go, the <c>from POD-IP lookup
    /// ENI-TABLE</c> rules), so the VPC routes them by that interface's subnet. A pod whose address no interface
    /// holds leaves by the node's primary interface (the main table), still with its own address.
    /// </summary>
    private (bool Routed, string Detail) Route(Endpoint source, SecurityGroupEvaluator.Side side, IPAddress destination)
    {
        var leaving = side.InterfaceId is { } id ? _interfaceById.GetValueOrDefault(id) : null;
        leaving ??= PrimaryInterface(source.Node!);
        if (leaving is null)
        {
            return (false, $"{source.Display}'s node has no primary network interface: the packet has no way out of the VPC");
        }

        return _router!.Out(leaving, side.Address, destination);
    }

    /// <summary>
    /// The side an IPv6 packet leaves by, with its note, for a packet to an IPv6 address outside the VPC; null when the
    /// source has no IPv6 address. A pod keeps its own IPv6 address and leaves by the interface holding it (in an IPv6
    /// cluster the node's primary interface, whose /80 prefix it is; a branch or Fargate interface): the VPC CNI
    /// installs its SNAT rules for IPv4 only (<c>updateHostIptablesRules</c>, pkg/networkutils/network.go: "We don't
    /// need to install any SNAT rules in v6 mode"; the egress-v4 plugin SNATs an IPv6 cluster's IPv4 traffic only), so
    /// <c>AWS_VPC_K8S_CNI_EXTERNALSNAT</c> and <c>AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS</c> do not apply. A node or a
    /// hostNetwork pod leaves by the node's primary interface with its first IPv6 address. An IPv4 cluster's pod with
    /// the egress-cni plugin (ENABLE_V6_EGRESS) leaves SNATed to its node's primary IPv6 address (<see cref="EgressV6Source"/>).
    /// </summary>
    private (SecurityGroupEvaluator.Side Side, string Note)? Ipv6Source(Endpoint source, (SecurityGroupEvaluator.Side Side, string Note, PodNetwork? Pod) network)
    {
        if (network.Side.Address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return source.IsPod && !PodView.Of(source.Pod!).HostNetwork
                ? (network.Side, network.Note + "; IPv6: not SNATed (the VPC CNI SNATs IPv4 only), leaves with its own address")
                : (network.Side, network.Note);
        }

        if ((source.IsNode || (source.Pod is { } pod && PodView.Of(pod).HostNetwork)) && PrimaryInterface(source.Node!) is { } primary
            && primary.Ipv6Addresses is [var v6, ..])
        {
            return (new SecurityGroupEvaluator.Side(IPAddress.Parse(v6.Ipv6Address), [.. primary.Groups.Select(g => g.GroupId)], primary.NetworkInterfaceId),
                    $"the node's primary interface {primary.NetworkInterfaceId}, its IPv6 address {v6.Ipv6Address}");
        }

        return EgressV6Source(source, network.Pod);
    }

    /// <summary>
    /// For a connection from an IPv6 address outside the VPC to an endpoint in it: the route its replies take from the
    /// receiving interface's subnet (<see cref="VpcRouter.In"/>); null for any other connection (an IPv4 one is left to
    /// security groups, as before).
    /// </summary>
    private (bool Routed, string Detail)? FromTheIpv6Internet(Endpoint source, Endpoint destination, SecurityGroupEvaluator.Side arriving)
    {
        if (!source.IsExternal || source.Address.AddressFamily != AddressFamily.InterNetworkV6 || _vpcCidrs.Any(c => c.Contains(source.Address))
            || destination.IsExternal || destination.Address.AddressFamily != AddressFamily.InterNetworkV6 || _router is null)
        {
            return null;
        }

        var eni = arriving.InterfaceId is { } id ? _interfaceById.GetValueOrDefault(id) : null;
        eni ??= destination.Node is { } node ? PrimaryInterface(node) : null;
        return eni is null
            ? (false, $"{destination.Display} is on no VPC interface: nothing routes a connection from the internet to it")
            : _router.In(eni, destination.Address, source.Address);
    }

    /// <summary>
    /// Where an address without a pod, node or interface is: the VPC's Amazon-provided DNS server (the Route 53
    /// Resolver that nodes and CoreDNS ask), another address of the VPC, or outside it.
    /// </summary>
    private string ExternalNote(IPAddress address)
        => _vpcResolvers.Contains(address) ? "the VPC's Amazon-provided DNS server (the Route 53 Resolver at the VPC's primary CIDR block + 2, not a network interface)"
           : _vpcCidrs.Any(c => c.Contains(address)) ? "an address of the VPC that no network interface holds"
           : "outside the VPC";

    private (SecurityGroupEvaluator.Side Side, string Note, PodNetwork? Pod) Network(Endpoint endpoint)
    {
        if (endpoint.IsExternal)
        {
            return (new SecurityGroupEvaluator.Side(endpoint.Address, []), ExternalNote(endpoint.Address), null);
        }

        var podNetwork = PodNetworkOf(endpoint);
        var hostNetwork = endpoint.Pod is { } p && PodView.Of(p).HostNetwork;
        if (endpoint.IsNode || hostNetwork)
        {
            var primary = PrimarySide(endpoint.Node!);
            if (endpoint.IsNode && NodeInterfaceHolding(endpoint.Node!, endpoint.Address) is { } other && other.NetworkInterfaceId != primary.InterfaceId)
            {
                // The node asked for by the primary address of another of its interfaces (a NodePort on it): that one.
                return (new SecurityGroupEvaluator.Side(endpoint.Address, [.. other.Groups.Select(g => g.GroupId)], other.NetworkInterfaceId), $"the node's interface {other.NetworkInterfaceId}", null);
            }

            return (primary, $"the node's primary interface {primary.InterfaceId}", null);
        }

        if (InterfaceHolding(endpoint.Address) is not { } eni)
        {
            // A pod is judged by the interface that holds its address (a pod given as running keeps the one it had).
            // When no interface of the account holds it, say so rather than borrow another interface's groups.
            var none = endpoint.IsPod ? $"no VPC interface: no network interface holds {endpoint.Address}" : "no VPC interface";
            return (new SecurityGroupEvaluator.Side(endpoint.Address, []), none, podNetwork);
        }

        var kind = eni.InterfaceType == "branch" ? "branch interface" : eni.Attachment?.DeviceIndex == 0 ? "primary interface" : "interface";
        return (new SecurityGroupEvaluator.Side(endpoint.Address, [.. eni.Groups.Select(g => g.GroupId)], eni.NetworkInterfaceId), $"its {kind} {eni.NetworkInterfaceId}", podNetwork);
    }

    private SecurityGroupEvaluator.Side PrimarySide(KubeObject node)
    {
        var primary = PrimaryInterface(node) ?? throw new InvalidOperationException($"node {node.Name} has no primary network interface");
        return new SecurityGroupEvaluator.Side(IPAddress.Parse(primary.PrivateIpAddress), [.. primary.Groups.Select(g => g.GroupId)], primary.NetworkInterfaceId);
    }

    /// <summary>
    /// The node's primary interface: its instance's at device index 0; for a Fargate node, the micro-VM's only
    /// interface, which holds the node's (and its pod's) address.
    /// </summary>
    private NetworkInterface? PrimaryInterface(KubeObject node)
    {
        var view = new NodeView(node);
        if (view.InstanceId is { } instanceId)
        {
            return _primaryByInstance.GetValueOrDefault(instanceId);
        }

        return view.IsFargate && IpAddressText.ParseOrNull(view.InternalIP) is { } address ? InterfaceHolding(address) : null;
    }

    private PodNetwork? PodNetworkOf(Endpoint endpoint)
        => endpoint.Pod is { } pod ? _podNetworks.GetValueOrDefault((pod.Namespace ?? "default", pod.Name)) : null;

    /// <summary>Calico does not govern pods with security groups in strict mode (seed 000).</summary>
    private bool GovernedOnlyBySecurityGroups(Endpoint source, Endpoint destination)
    {
        if (Enforcer != NetworkPolicyEnforcer.Calico)
        {
            return false;
        }

        return PodNetworkOf(source)?.IsStrictBranch == true || PodNetworkOf(destination)?.IsStrictBranch == true;
    }

    /// <summary>
    /// Why an endpoint written as an address cannot be asked about: a form Kubernetes rejects (<c>10.1</c>,
    /// <c>167772161</c>, <c>300.1.1.1</c>), or an IPv6 address in a world that has none. An address of the cluster's
    /// Service range is no error: it is judged as kube-proxy translates it (<see cref="ToClusterIp"/>).
    /// </summary>
    private string? AddressError(string role, string text)
    {
        var looksLikeAddress = !text.Contains('/', StringComparison.Ordinal)
                               && (IPAddress.TryParse(text, out _) || (text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c is '.' or ':')));
        if (!looksLikeAddress)
        {
            return null;
        }

        if (!IpAddressText.TryParse(text, out var address))
        {
            return $"{role} \"{text}\": {ValidationMessages.IpAddress}";
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (!HasIpv6)
        {
            return $"{role} \"{text}\": an IPv6 address, but this world is IPv4 only (no pod, node or VPC has an IPv6 address)";
        }

        // An address of the cluster's IPv6 Service range (a unique local address) is kube-proxy's (KubeProxyTarget);
        // any other IPv6 address outside the VPC is routed by the IPv6 routes (VpcRouter): to an internet or
        // egress-only internet gateway, or nowhere.
        return null;
    }

    /// <summary>
    /// Why <c>node/NAME</c> cannot be asked about: a node of a policy-only world given without
    /// <c>status.addresses</c> has no address a packet could carry (before, a crash).
    /// </summary>
    private string? NodeWithoutAddress(string role, string text)
    {
        if (!text.StartsWith("node/", StringComparison.Ordinal))
        {
            return null;
        }

        var store = _world.ControlPlane.Store;
        return store.TryGet(store.Resources.For("v1", "Node"), null, text[5..]) is { } node && IpAddressText.ParseOrNull(new NodeView(node).InternalIP) is null
            ? $"{role} \"{text}\": the node has no InternalIP address (status.addresses), so no connection from or to it can be judged"
            : null;
    }

    /// <summary>Whether any pod, node or VPC of the world has an IPv6 address.</summary>
    private bool HasIpv6 => _hasIpv6 ??=
        _vpcCidrs.Any(c => c.Network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6)
        || _world.ControlPlane.Store.List("v1", "Pod").Items.Any(p => PodView.Of(p).PodAddress?.AddressFamily == AddressFamily.InterNetworkV6)
        || _world.ControlPlane.Store.List("v1", "Node").Items.Any(n => IpAddressText.ParseOrNull(new NodeView(n).InternalIP)?.AddressFamily == AddressFamily.InterNetworkV6);

    /// <summary>A pod (<c>namespace/name</c>), <c>node/NAME</c> or an IP address as an endpoint; null when there is no such thing.</summary>
    public Endpoint? ResolveEndpoint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var store = _world.ControlPlane.Store;
        if (text.StartsWith("node/", StringComparison.Ordinal))
        {
            var node = store.TryGet(store.Resources.For("v1", "Node"), null, text[5..]);
            return node is null ? null : new Endpoint(text, IPAddress.Parse(new NodeView(node).InternalIP!), null, node);
        }

        // Addresses are compared as values: 10.0.0.01 is the pod at 10.0.0.1 (Kubernetes' sloppy parse), and forms
        // Kubernetes rejects (10.1, 167772161) are no address at all.
        if (IpAddressText.TryParse(text, out var address))
        {
            var pod = store.List("v1", "Pod").Items.FirstOrDefault(p => PodView.Of(p) is { HostNetwork: false } v && address.Equals(v.PodAddress));
            if (pod is not null)
            {
                return PodEndpoint(PodView.Of(pod));
            }

            var node = store.List("v1", "Node").Items.FirstOrDefault(n => address.Equals(IpAddressText.ParseOrNull(new NodeView(n).InternalIP)));
            return node is null ? new Endpoint(text, address, null, null) : new Endpoint($"node/{node.Name}", address, null, node);
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var found = store.TryGet(store.Resources.For("v1", "Pod"), text[..slash], text[(slash + 1)..]);
        return found is null ? null : PodEndpoint(PodView.Of(found));
    }

    private Endpoint PodEndpoint(PodView pod)
    {
        var store = _world.ControlPlane.Store;
        var node = pod.NodeName is null ? null : store.TryGet(store.Resources.For("v1", "Node"), null, pod.NodeName);
        var address = pod.PodAddress ?? IPAddress.None;
        return new Endpoint($"{pod.Namespace}/{pod.Name}", address, pod.Object, node);
    }

    private List<PodView> ServicePods(string ns, string name)
    {
        var store = _world.ControlPlane.Store;
        var endpoints = store.TryGet(store.Resources.For("v1", "Endpoints"), ns, name);
        var ips = (endpoints?["subsets"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(s => (s["addresses"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(a => a["ip"]?.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);
        return [.. store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p)).Where(p => p.PodIP is not null && ips.Contains(p.PodIP))];
    }

    private static int TargetPort(JsonObject servicePort, PodView pod)
    {
        var target = servicePort["targetPort"] ?? servicePort["port"];
        if (target is JsonValue v && v.TryGetValue<int>(out var number))
        {
            return number;
        }

        var name = target?.GetValue<string>();
        var protocol = servicePort["protocol"]?.GetValue<string>() ?? "TCP";
        return pod.Containers.SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .FirstOrDefault(p => p["name"]?.GetValue<string>() == name && (p["protocol"]?.GetValue<string>() ?? "TCP") == protocol)?["containerPort"]?.GetValue<int>()
            ?? servicePort["port"]!.GetValue<int>();
    }
}

/// <summary>An address given as TO that kube-proxy handles: the Service holding it as a ClusterIP, or null for an address of the Service range no Service has.</summary>
internal sealed record ClusterIpTarget(IPAddress Address, KubeObject? Service);

/// <summary>Who answered a pod's DNS query (<see cref="Reachability.Resolve"/>).</summary>
public enum DnsReply
{
    /// <summary>The cluster's DNS (CoreDNS, directly or through NodeLocal DNSCache) answered: its records decide.</summary>
    Answered,

    /// <summary>A nameserver that is not the cluster's answered NXDOMAIN: the cluster's names do not exist there.</summary>
    NotFound,

    /// <summary>No nameserver answered: every query was dropped, or nothing listened (the resolver times out).</summary>
    NoAnswer,
}

/// <summary>
/// A pod's DNS query: who answered it, and the reach verdict and steps of the query (allowed when the cluster's DNS
/// answered). <see cref="Partial"/>: when it was answered through a ClusterIP (kube-dns, or NodeLocal DNSCache's
/// upstream Service) but some of the CoreDNS pods kube-proxy may send it to refuse it — the name resolves, slowly and
/// not every time.
/// </summary>
public sealed record DnsResolution(DnsReply Reply, ReachResult Query)
{
    /// <summary>The CoreDNS pods that refuse the answered query among those kube-proxy may choose; null when every one answers, or the query was not answered.</summary>
    public DnsPartialAnswer? Partial { get; init; }
}

/// <summary>
/// An answered query to a ClusterIP of which only some CoreDNS pods answer. kube-proxy (iptables mode) sends each new
/// flow to one ready endpoint at random (kubernetes pkg/proxy/iptables/proxier.go <c>writeServiceToEndpointRules</c>:
/// <c>-m statistic --mode random --probability 1/n</c>, then 1/(n-1), …), so about <see cref="Refused"/>.Count of
/// <see cref="Servers"/> new flows go to a pod that refuses them and get no answer.
/// </summary>
/// <param name="Servers">How many CoreDNS pods kube-proxy may send the query to (n).</param>
/// <param name="Refused">Those that refuse it (k, 0 &lt; k &lt; n), each with the step that refused it.</param>
/// <param name="ByCache">True when the refused flows are NodeLocal DNSCache's own (TCP/53 from its node's host network), false when they are the pod's query (UDP/53).</param>
public sealed record DnsPartialAnswer(int Servers, IReadOnlyList<DnsRefusal> Refused, bool ByCache)
{
    /// <summary>The share of new flows (0 to 1) kube-proxy sends to a refusing CoreDNS pod: k/n.</summary>
    public double Unanswered => (double)Refused.Count / Servers;
}

/// <summary>A CoreDNS pod (<c>kube-system/NAME</c>) that refuses a DNS query, and the step of that flow that refused it (its <see cref="Hop.Kind"/>, <see cref="Hop.From"/> and <see cref="Hop.To"/> say what and between whom).</summary>
public sealed record DnsRefusal(string Server, Hop Denied);

/// <summary>
/// One step of the explanation: what was checked, whether it passed, and what decided it. <see cref="Step"/> and
/// <see cref="Detail"/> are the words reach prints; <see cref="Kind"/>, <see cref="From"/> and <see cref="To"/> say the
/// same for code (lint), which should never parse the words. Only the three words are printed or serialised
/// (<c>reach -o json</c>, <c>report</c>), and only they make two hops equal: the structured members describe the words,
/// they add nothing a reader of the output could tell apart (and an <see cref="Endpoint"/> holds its objects by reference).
/// </summary>
public sealed record Hop(string Step, bool Allowed, string Detail)
{
    /// <summary>Equal when <see cref="Step"/>, <see cref="Allowed"/> and <see cref="Detail"/> are (ordinal).</summary>
    public bool Equals(Hop? other)
        => other is not null && string.Equals(Step, other.Step, StringComparison.Ordinal) && Allowed == other.Allowed && string.Equals(Detail, other.Detail, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Step), Allowed, StringComparer.Ordinal.GetHashCode(Detail));

    /// <summary>What decided the step; <see cref="HopKind.Other"/> for steps no code looks at.</summary>
    public HopKind Kind { get; init; }

    /// <summary>The flow's source, for steps that judge one flow (NetworkPolicy, security groups, the node, routes); else null.</summary>
    public Endpoint? From { get; init; }

    /// <summary>The flow's destination, as <see cref="From"/>: a CoreDNS pod for a DNS query kube-proxy sent to it.</summary>
    public Endpoint? To { get; init; }
}

/// <summary>What a <see cref="Hop"/> judged.</summary>
public enum HopKind
{
    /// <summary>Anything else (the pods of a workload, a reply that cannot come back, TCP early demux…).</summary>
    Other,

    /// <summary>A pod that is not running (the <c>pod</c> step).</summary>
    Pod,

    /// <summary>The NetworkPolicy verdict of one flow (<c>networkpolicy</c>, with any prefix).</summary>
    NetworkPolicy,

    /// <summary>A packet that stays on the node (link-local, NodeLocal DNSCache's addresses: <c>node</c>).</summary>
    Node,

    /// <summary>Route tables and gateways (<c>route</c>).</summary>
    Route,

    /// <summary>Security groups of one flow (<c>egress</c>, <c>ingress</c>, <c>securitygroups</c>).</summary>
    SecurityGroups,

    /// <summary>kube-proxy and the Service (<c>service</c>, <c>dns: service</c>).</summary>
    Service,

    /// <summary>The DNS step's resolver and verdict (<c>dns: resolver</c>, <c>dns</c>).</summary>
    Dns,
}

/// <summary>The verdict and its explanation, or why the question could not be answered.</summary>
public sealed record ReachResult(bool Allowed, IReadOnlyList<Hop> Hops, string? ErrorMessage)
{
    public static ReachResult Error(string message) => new(false, [], message);
}

/// <summary>The NetworkPolicy verdict for one connection between two endpoints.</summary>
public interface INetworkPolicyDecider
{
    /// <summary>
    /// Whether the policies let <paramref name="source"/> open a connection to <paramref name="destination"/> on
    /// <paramref name="protocol"/>/<paramref name="port"/>: the source's egress and the destination's ingress, or only
    /// the direction <paramref name="only"/> names (the other is judged elsewhere on the packet's way).
    /// </summary>
    (bool Allowed, string Explanation) Decide(Endpoint source, Endpoint destination, string protocol, int port, PolicyDirection? only = null);

    /// <summary>The verdict of <see cref="Decide"/> without the explanation.</summary>
    bool IsAllowed(Endpoint source, Endpoint destination, string protocol, int port, PolicyDirection? only = null) => Decide(source, destination, protocol, port, only).Allowed;
}
