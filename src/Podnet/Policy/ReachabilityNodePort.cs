using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Policy;

/// <summary>
/// A connection to <see cref="Address"/>, an address of <see cref="Node"/> that kube-proxy's NodePort rules answer on,
/// on <see cref="NodePort"/>, which <see cref="Service"/>'s port entry <see cref="ServicePort"/> has as its
/// <c>nodePort</c> (for the connection's protocol).
/// </summary>
internal sealed record NodePortTarget(KubeObject Node, IPAddress Address, KubeObject Service, JsonObject ServicePort, int NodePort);

/// <summary>
/// kube-proxy's choice for a NodePort connection (<see cref="Reachability"/>'s <c>KubeProxyNodePort</c>): the step that
/// says it, the endpoints it may DNAT to (empty when it rejects or drops the connection: <see cref="Refused"/> for a
/// REJECT), and <see cref="Masquerade"/>, the node's address the endpoints see as the source, or null when the
/// client's own address is kept (<c>externalTrafficPolicy: Local</c>).
/// </summary>
internal sealed record NodePortRoute(Hop Step, IReadOnlyList<PodView> Endpoints, Endpoint? Masquerade, bool Refused);

/// <summary>
/// A NodePort connection as reach decides it: <see cref="Entry"/>, the steps into the node and kube-proxy's choice;
/// <see cref="Backends"/>, each endpoint it may DNAT to, with its target port and the forwarded leg's verdict and
/// steps; none when the node's groups or kube-proxy stopped it (<see cref="Refused"/> for kube-proxy's REJECT, else
/// the client times out).
/// </summary>
internal sealed record NodePortConnection(IReadOnlyList<Hop> Entry, bool Refused, IReadOnlyList<(Endpoint Pod, int Port, ReachResult Leg)> Backends);

public sealed partial class Reachability
{
    private Dictionary<(string Protocol, int NodePort), (KubeObject Service, JsonObject Port)>? _servicesByNodePort;
    private Dictionary<string, KubeObject>? _nodesByInstance;

    /// <summary>
    /// The NodePort connection that a connection to <paramref name="destination"/> on <paramref name="spec"/> is, or
    /// null when it is none: the destination is a node (<c>node/NAME</c>, its InternalIP, or the primary private
    /// address of another of its instance's interfaces) and some Service of type NodePort or LoadBalancer has a port
    /// whose <c>nodePort</c> and protocol are <paramref name="spec"/>'s. kube-proxy's NodePort rule
    /// (<c>"kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL
    /// -j KUBE-NODEPORTS</c>) matches any address local to the node when <c>--nodeport-addresses</c> is unset, the
    /// default and EKS's (its kube-proxy configuration gives none): ipamd puts each attached interface's primary
    /// address on the host, the pods' secondary addresses are not the host's. Not for a Fargate node (its micro-VM's
    /// node ports are not modelled), nor in a policy-only world (no kube-proxy).
    /// </summary>
    private NodePortTarget? NodePortOf(Endpoint destination, PortSpec spec)
    {
        if (_world.IsPolicyOnly || destination.IsPod || !ServicesByNodePort.TryGetValue((spec.Protocol, spec.Port), out var service))
        {
            return null;
        }

        var node = destination.Node ?? NodeOfInterfaceAddress(destination.Address);
        if (node is null || new NodeView(node).IsFargate)
        {
            return null;
        }

        var internalIp = IpAddressText.ParseOrNull(new NodeView(node).InternalIP);
        return destination.Address.Equals(internalIp) || NodeInterfaceHolding(node, destination.Address) is not null
            ? new NodePortTarget(node, destination.Address, service.Service, service.Port, spec.Port)
            : null;
    }

    /// <summary>
    /// The interface of <paramref name="node"/>'s instance whose primary private address is <paramref name="address"/>
    /// (the primary interface, or a secondary one ipamd set up; not a trunk or branch interface, whose addresses are
    /// the pods'): an address of the host's own. Null otherwise.
    /// </summary>
    private NetworkInterface? NodeInterfaceHolding(KubeObject node, IPAddress address)
    {
        var instance = new NodeView(node).InstanceId;
        return instance is not null && InterfaceHolding(address) is { Attachment: { } attachment } eni && attachment.InstanceId == instance
               && eni.InterfaceType is not (NetworkInterfaceTypes.Trunk or NetworkInterfaceTypes.Branch)
               && IpAddressText.ParseOrNull(eni.PrivateIpAddress)?.Equals(address) == true
            ? eni
            : null;
    }

    /// <summary>The node whose instance holds <paramref name="address"/> on one of its interfaces, or null.</summary>
    private KubeObject? NodeOfInterfaceAddress(IPAddress address)
    {
        if (InterfaceHolding(address)?.Attachment?.InstanceId is not { } instance)
        {
            return null;
        }

        if (_nodesByInstance is null)
        {
            _nodesByInstance = new Dictionary<string, KubeObject>(StringComparer.Ordinal);
            foreach (var node in _world.ControlPlane.Store.List("v1", "Node").Items)
            {
                if (new NodeView(node).InstanceId is { } id)
                {
                    _nodesByInstance.TryAdd(id, node);
                }
            }
        }

        return _nodesByInstance.GetValueOrDefault(instance);
    }

    /// <summary>Every Service port's <c>nodePort</c> (NodePort and LoadBalancer Services), by protocol and port, read once.</summary>
    private Dictionary<(string Protocol, int NodePort), (KubeObject Service, JsonObject Port)> ServicesByNodePort
    {
        get
        {
            if (_servicesByNodePort is null)
            {
                _servicesByNodePort = [];
                var store = _world.ControlPlane.Store;
                foreach (var service in store.List(store.Resources.For("v1", "Service")).Items.Where(ExternalTrafficPolicy.HasNodePorts))
                {
                    foreach (var port in (service["spec.ports"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        if (port["nodePort"] is JsonValue value && value.TryGetValue<int>(out var nodePort) && nodePort != 0)
                        {
                            _servicesByNodePort.TryAdd((port["protocol"]?.GetValue<string>() ?? "TCP", nodePort), (service, port));
                        }
                    }
                }
            }

            return _servicesByNodePort;
        }
    }

    /// <summary>
    /// A NodePort connection, as the packets go: (1) into the node — the client's connection to the node's address and
    /// node port, judged as any connection to the node (NetworkPolicy on a pod client's egress, the client's and the
    /// node interface's security groups: they must admit the node port); (2) kube-proxy on THAT node, not the
    /// client's (<see cref="KubeProxyNodePort"/>); (3) the forwarded leg to each endpoint it may choose, on the target
    /// port: under <c>externalTrafficPolicy: Cluster</c> from the node's address (masqueraded), decided as the node's
    /// own connection to the pod is (a pod on another node through both interfaces' groups; a pod with security groups
    /// in strict mode through its branch interface, even on this node); under <c>Local</c> from the client's address,
    /// to a pod on this node (<see cref="LocalLeg"/>). Allowed when every leg is.
    /// </summary>
    private ReachResult ToNodePort(Endpoint source, NodePortTarget target, PortSpec spec)
    {
        var connection = NodePortConnect(source, target, spec);
        return connection.Backends.Count == 0
            ? new ReachResult(false, connection.Entry, null)
            : new ReachResult(connection.Backends.All(b => b.Leg.Allowed), [.. connection.Entry, .. connection.Backends.SelectMany(b => b.Leg.Hops)], null);
    }

    /// <summary>
    /// A connection from <paramref name="source"/> to <paramref name="destination"/> on <paramref name="spec"/> when it
    /// is a NodePort connection (<see cref="NodePortOf"/>), as <see cref="ToNodePort"/> decides it, one leg per endpoint
    /// kube-proxy may choose, so that the emulated shell's <c>curl</c> connects to one of them as reach judges it; null
    /// when it is no NodePort connection.
    /// </summary>
    internal NodePortConnection? NodePortConnect(Endpoint source, Endpoint destination, PortSpec spec)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(spec);
        return NodePortOf(destination, spec) is { } target ? NodePortConnect(source, target, spec) : null;
    }

    private NodePortConnection NodePortConnect(Endpoint source, NodePortTarget target, PortSpec spec)
    {
        var entry = new List<Hop>();
        var node = target.Node;
        var nodeEndpoint = new Endpoint($"node/{node.Name}", target.Address, null, node);
        var egressAfterDnat = CalicoJudgesEgressAfterDnat(source, node);
        if (egressAfterDnat)
        {
            entry.Add(new Hop("networkpolicy", true, $"{source.Display} connects to its own node's address {IpAddressText.WithPort(target.Address.ToString(), target.NodePort)}: kube-proxy's DNAT in PREROUTING comes before Calico's filter FORWARD chain, so Felix judges {source.Display}'s egress policy against the endpoint the connection is translated to, not against the node port (enforced by {Enforcer})") { Kind = HopKind.NetworkPolicy, From = source, To = nodeEndpoint });
        }

        if (egressAfterDnat
                ? _groups is not null && !SecurityGroups(source, nodeEndpoint, spec, entry, string.Empty, forwarded: false)
                : !Flow(source, nodeEndpoint, spec, entry, string.Empty))
        {
            return new NodePortConnection(entry, Refused: false, []);
        }

        var route = KubeProxyNodePort(source, target, spec);
        entry.Add(route.Step);
        var backends = new List<(Endpoint Pod, int Port, ReachResult Leg)>();
        foreach (var pod in route.Endpoints)
        {
            var port = TargetPort(target.ServicePort, pod);
            var endpoint = PodEndpoint(pod);
            var beforeMasquerade = route.Masquerade is not null && CalicoJudgesBeforeMasquerade(endpoint, node);
            var by = route.Masquerade is { } snat
                ? beforeMasquerade
                    ? $", source {snat.Address}; Calico judges the pod's ingress policy in the FORWARD chain, after the DNAT and before KUBE-POSTROUTING's MASQUERADE, so with the client's address {source.Address}"
                    : $", source {snat.Address}"
                : $", source {source.Address} kept";
            var hops = new List<Hop> { new("service", true, $"{IpAddressText.WithPort(target.Address.ToString(), target.NodePort)} → {pod.Namespace}/{pod.Name} {IpAddressText.WithPort(pod.PodIP!, port)} (kube-proxy on {node.Name}{by})") };
            var prefix = $"to {pod.Name}: ";
            var leg = spec with { Port = port };

            // The client's egress policy was judged on its way to the node port, except where Calico judges it after the
            // DNAT (CalicoJudgesEgressAfterDnat): then against this endpoint, on its target port.
            var clientPolicy = egressAfterDnat ? (PolicyDirection?)null : PolicyDirection.Ingress;
            var allowed = route.Masquerade is { } masquerade
                ? beforeMasquerade
                    ? ForwardedBeforeMasquerade(source, masquerade, endpoint, leg, hops, prefix, clientPolicy)
                    : (!egressAfterDnat || NetworkPolicyAllows(source, endpoint, leg, hops, prefix, forwarded: true, PolicyDirection.Egress))
                      && Flow(masquerade, endpoint, leg, hops, prefix, forwarded: true)
                : LocalLeg(source, endpoint, node, leg, hops, prefix, clientPolicy);
            backends.Add((endpoint, port, new ReachResult(allowed, hops, null)));
        }

        return new NodePortConnection(entry, route.Refused, backends);
    }

    /// <summary>
    /// kube-proxy's handling, on the node <paramref name="target"/> names, of a connection from
    /// <paramref name="source"/> to one of its addresses on a Service's node port, from kubernetes/kubernetes
    /// pkg/proxy/iptables/proxier.go <c>syncProxyRules</c>, per Service port:
    /// <list type="bullet">
    /// <item>no ready endpoint (<c>hasEndpoints</c> false): no KUBE-NODEPORTS rule, only the filter rule
    /// <c>"NS/NAME:PORT has no endpoints"</c> in KUBE-EXTERNAL-SERVICES (<c>--dst-type LOCAL --dport NODEPORT</c>),
    /// <c>-j REJECT</c>: refused at once;</item>
    /// <item>the nat rule <c>"NS/NAME:PORT"</c> in KUBE-NODEPORTS jumps to the Service port's KUBE-EXT chain; under
    /// <c>externalTrafficPolicy: Cluster</c> it has <c>"masquerade traffic for NS/NAME:PORT external destinations"</c>
    /// (KUBE-MARK-MASQ, mark 0x4000; KUBE-POSTROUTING's <c>"kubernetes service traffic requiring SNAT"</c>
    /// MASQUERADE then gives the packet the node's address) and jumps to the cluster policy chain: every ready
    /// endpoint, on any node;</item>
    /// <item>under <c>Local</c> (<see cref="ExternalTrafficPolicy.IsLocal"/>) no masquerade: the local policy chain,
    /// pkg/proxy/topology.go <c>CategorizeEndpoints</c>'s local endpoints, the ready endpoints whose node is this one
    /// (as for <c>internalTrafficPolicy</c>, <see cref="KubeProxy"/>), reached with the client's address; with none
    /// (<c>hasExternalEndpoints</c> false) the EXT chain ends without a jump and the filter rule
    /// <c>"NS/NAME:PORT has no local endpoints"</c> in KUBE-EXTERNAL-SERVICES drops the packet (DROP: the client times
    /// out). A connection from the node itself (a node, a hostNetwork pod: <c>--src-type LOCAL</c>) is the exception:
    /// <c>"masquerade LOCAL traffic for … external destinations"</c> and <c>"route LOCAL traffic for … external
    /// destinations"</c> send it to the cluster policy chain, masqueraded. The rule <c>"pod traffic for … external
    /// destinations"</c> that does the same for the cluster's pods exists only with a local-traffic detector; EKS's
    /// kube-proxy configuration gives no <c>clusterCIDR</c>, so it has none and a pod's connection obeys Local like
    /// any client's.</item>
    /// </list>
    /// Not modelled: topology hints and the terminating-endpoint fallback (as for ClusterIPs), and
    /// <c>loadBalancerSourceRanges</c> (node ports are not subject to it).
    /// </summary>
    private NodePortRoute KubeProxyNodePort(Endpoint source, NodePortTarget target, PortSpec spec)
    {
        var service = target.Service;
        var node = target.Node.Name;
        var ns = service.Namespace ?? "default";
        var rule = ServicePortName(service, target.ServicePort);
        var protocol = spec.Protocol.ToLowerInvariant();
        var port = target.ServicePort["port"]?.GetValue<int>();
        var what = $"{IpAddressText.WithPort(target.Address.ToString(), target.NodePort)} is NodePort {target.NodePort} of Service {ns}/{service.Name} (port {port}/{spec.Protocol})";
        var endpoints = ServicePods(ns, service.Name);
        if (endpoints.Count == 0)
        {
            var icmp = target.Address.AddressFamily == AddressFamily.InterNetworkV6 ? "icmp6-port-unreachable" : "icmp-port-unreachable";
            return new NodePortRoute(new Hop("service", false, $"{what}, which has no ready endpoints: kube-proxy's filter rule \"{rule} has no endpoints\" (KUBE-EXTERNAL-SERVICES) on {node} rejects it (REJECT, {icmp}): the connection is refused") { Kind = HopKind.Service }, [], null, Refused: true);
        }

        var fromTheNode = source.Node?.Name == node && (source.IsNode || (source.Pod is { } pod && PodView.Of(pod).HostNetwork));
        var ext = KubeProxyChains.External(rule, protocol);
        var translated = $"{what}: kube-proxy on {node} translates it (KUBE-NODEPORTS rule \"{rule}\", then {ext})";
        if (!ExternalTrafficPolicy.IsLocal(service) || fromTheNode)
        {
            var snat = NodeAddress(target.Node, target.Address.AddressFamily);
            var cluster = KubeProxyChains.Cluster(rule, protocol);
            var why = fromTheNode
                ? $"externalTrafficPolicy Local, but the connection comes from {node} itself (src-type LOCAL): the rule \"masquerade LOCAL traffic for {rule} external destinations\" marks it for masquerade (KUBE-MARK-MASQ) and \"route LOCAL traffic for {rule} external destinations\" sends it to {cluster}, any ready endpoint"
                : $"externalTrafficPolicy Cluster: the rule \"masquerade traffic for {rule} external destinations\" marks it for masquerade (KUBE-MARK-MASQ), then {cluster} sends it to any ready endpoint";
            var step = $"{translated}; {why}; KUBE-POSTROUTING's MASQUERADE gives it {node}'s address {snat}: the endpoint sees {snat}, not {source.Address}";
            return new NodePortRoute(new Hop("service", true, step) { Kind = HopKind.Service }, endpoints, new Endpoint($"node/{node}", snat, null, target.Node), Refused: false);
        }

        var local = endpoints.Where(p => p.NodeName == node).ToList();
        var elsewhere = string.Join(", ", endpoints.Except(local).Select(p => $"{p.Namespace}/{p.Name} on {p.NodeName ?? "no node"}"));
        if (local.Count == 0)
        {
            return new NodePortRoute(new Hop("service", false, $"{what}, whose externalTrafficPolicy is Local, and none of its ready endpoints is on {node} ({elsewhere}): kube-proxy's filter rule \"{rule} has no local endpoints\" (KUBE-EXTERNAL-SERVICES) drops it (DROP, not REJECT): nothing answers, the connection times out") { Kind = HopKind.Service }, [], null, Refused: false);
        }

        var notUsed = elsewhere.Length == 0 ? string.Empty : $"; not {elsewhere}";
        return new NodePortRoute(new Hop("service", true, $"{translated}; externalTrafficPolicy Local: only its ready endpoints on {node} ({KubeProxyChains.Local(rule, protocol)}): {string.Join(", ", local.Select(p => $"{p.Namespace}/{p.Name}"))}{notUsed}; no masquerade: the endpoint sees the client's address {source.Address}") { Kind = HopKind.Service }, local, null, Refused: false);
    }

    /// <summary>
    /// The node's address of <paramref name="family"/> on its primary interface (what MASQUERADE gives a packet leaving
    /// by it): the primary private address, or in an IPv6 cluster its first IPv6 address; its InternalIP when it has
    /// no such address.
    /// </summary>
    private IPAddress NodeAddress(KubeObject node, AddressFamily family)
    {
        var primary = PrimaryInterface(node);
        var address = family == AddressFamily.InterNetworkV6
            ? IpAddressText.ParseOrNull(primary?.Ipv6Addresses is [var first, ..] ? first.Ipv6Address : null)
            : IpAddressText.ParseOrNull(primary?.PrivateIpAddress);
        return address ?? IPAddress.Parse(new NodeView(node).InternalIP!);
    }

    /// <summary>
    /// Whether Calico judges a masqueraded NodePort leg to <paramref name="endpoint"/> with the client's address: when the
    /// pod runs on <paramref name="node"/>, the node that translated the connection. There the packet goes from
    /// PREROUTING (kube-proxy's DNAT to the pod) through the filter FORWARD chain, where Felix applies the pod's ingress
    /// policy (projectcalico/calico felix/rules/static.go <c>filterForwardChain</c>, the <c>cali-to-wl-dispatch</c>
    /// jump), to POSTROUTING, where KUBE-POSTROUTING masquerades it; Felix sees the source before the masquerade. A leg
    /// to a pod of another node leaves masqueraded, and that node's Felix sees the node's address. The network policy
    /// agent judges at the pod's interface (its eBPF programs on the veth), after POSTROUTING: the node's address.
    /// </summary>
    private bool CalicoJudgesBeforeMasquerade(Endpoint endpoint, KubeObject node)
        => Enforcer is NetworkPolicyEnforcer.Calico && endpoint.Node?.Name == node.Name;

    /// <summary>
    /// Whether Calico judges the egress policy of <paramref name="client"/>, a pod connecting to a node port of
    /// <paramref name="node"/>, after kube-proxy's DNAT: when the pod runs on that node. Its packet to the node's own
    /// address meets kube-proxy's nat PREROUTING rules first (KUBE-SERVICES' <c>--dst-type LOCAL</c> jump to
    /// KUBE-NODEPORTS), is translated to an endpoint and so crosses the filter FORWARD chain, where Felix applies the
    /// pod's egress policy (felix/rules/static.go <c>filterForwardChain</c>, <c>cali-from-wl-dispatch</c>) to the
    /// translated destination, as for a ClusterIP. A pod of another node sends to a foreign address, which its node's
    /// kube-proxy leaves alone: Felix there judges the egress against the node port. The network policy agent judges a
    /// pod's egress on its veth (eBPF, before netfilter), always against the node port.
    /// </summary>
    private bool CalicoJudgesEgressAfterDnat(Endpoint client, KubeObject node)
        => Enforcer is NetworkPolicyEnforcer.Calico && client.Pod is { } pod && !PodView.Of(pod).HostNetwork && client.Node?.Name == node.Name;

    /// <summary>
    /// A masqueraded leg Calico judges before the masquerade (<see cref="CalicoJudgesBeforeMasquerade"/>): NetworkPolicy
    /// with the client's address, as <see cref="LocalLeg"/> judges it (<paramref name="only"/>: the endpoint's ingress
    /// alone, or with the client's egress as well), then the security groups the packet crosses with the node's address it
    /// then has (<paramref name="masquerade"/>).
    /// </summary>
    private bool ForwardedBeforeMasquerade(Endpoint client, Endpoint masquerade, Endpoint pod, PortSpec spec, List<Hop> hops, string prefix, PolicyDirection? only)
        => NetworkPolicyAllows(client, pod, spec, hops, prefix, forwarded: true, only)
           && (_groups is null || SecurityGroups(masquerade, pod, spec, hops, prefix, forwarded: true));

    /// <summary>
    /// The forwarded leg of an <c>externalTrafficPolicy: Local</c> connection: kube-proxy on <paramref name="node"/>
    /// DNATs it to <paramref name="pod"/>, a pod on that node, with the client's address kept. NetworkPolicy judges the
    /// client's address. A pod without security groups, or with them in standard mode (its address routed by the main
    /// table, <c>to POD-IP lookup main</c>), is reached through its veth on the node: no other VPC interface is
    /// crossed, so the node interface's groups the client already passed are the only ones. A pod with security
    /// groups in strict mode has its routes only in its VLAN's table: the node sends the packet to its branch
    /// interface, whose groups judge the client's address (no group of the client's travels with a forwarded packet),
    /// and the pod's answer leaves by that branch interface, not back through the node: see
    /// <see cref="ExternalTrafficLocalFailure"/>. <paramref name="only"/>: the endpoint's ingress policy alone (the client's
    /// egress was judged on its way to the node port), or null for the client's egress as well.
    /// </summary>
    private bool LocalLeg(Endpoint client, Endpoint pod, KubeObject node, PortSpec spec, List<Hop> hops, string prefix, PolicyDirection? only)
    {
        if (!NetworkPolicyAllows(client, pod, spec, hops, prefix, forwarded: true, only))
        {
            return false;
        }

        var network = PodNetworkOf(pod);
        if (_groups is null || network?.IsStrictBranch != true)
        {
            var standard = network?.IsBranch == true ? $" (its security groups are on its branch interface {network.EniId}, which standard mode does not route traffic from the node through)" : string.Empty;
            hops.Add(new Hop(prefix + "securitygroups", true, $"kube-proxy on {node.Name} delivers it to {pod.Display} on the node itself, from {client.Address}: it crosses no other VPC interface, so no other security group is involved{standard}") { Kind = HopKind.SecurityGroups, From = client, To = pod });
            return true;
        }

        var arriving = Network(pod);
        var from = new Podnet.Policy.SecurityGroups.SecurityGroupEvaluator.Side(client.Address, []);
        var ingress = _groups.Check(arriving.Side, from, egress: false, spec.Protocol, spec.Port);
        hops.Add(new Hop(prefix + "ingress", ingress.Allowed, $"{pod.Display} via {arriving.Note} (strict mode: {node.Name} forwards the packet to it through the VPC, from {client.Address}): {ingress.Explanation}{(ingress.Allowed ? string.Empty : AllowHint(arriving.Side, from, egress: false, spec))}") { Kind = HopKind.SecurityGroups, From = client, To = pod });
        if (!ingress.Allowed)
        {
            return false;
        }

        hops.Add(new Hop(prefix + "reply", false, ExternalTrafficLocalFailure(PodView.Of(pod.Pod!))!) { From = client, To = pod });
        return false;
    }

    /// <summary>
    /// Why a connection that kube-proxy forwards to <paramref name="pod"/> with the client's address kept
    /// (<c>externalTrafficPolicy: Local</c> on a NodePort or LoadBalancer Service, instance targets) gets no answer:
    /// the pod has security groups in strict mode (the mode of its CNI ADD). Null for any other pod. The one text
    /// <c>reach</c>'s last step and the lint rule <c>strict-mode-external-traffic-policy-local</c> give.
    /// </summary>
    /// <remarks>
    /// EKS (seed 000, "Security groups for Pods" considerations): "If you're using version 1.10 or earlier of the
    /// Amazon VPC CNI plugin or version 1.11 with POD_SECURITY_GROUP_ENFORCING_MODE=strict, which is the default
    /// setting, then Kubernetes services of type NodePort and LoadBalancer using instance targets with an
    /// externalTrafficPolicy set to Local aren't supported with Pods that you assign security groups to. […] If you're
    /// using version 1.11 or later of the plugin with POD_SECURITY_GROUP_ENFORCING_MODE=standard, then instance targets
    /// with an externalTrafficPolicy set to Local are supported." Why, in the CNI's rules (pkg/networkutils,
    /// cmd/routed-eni-cni-plugin/driver, ../shared/reference/vpc-cni.md §5): strict mode puts <c>iif vlan.eth.N</c> and
    /// <c>iif HOST-VETH</c> rules to the VLAN's table at priority 10, so every packet of the pod leaves by its branch
    /// interface, its answers too; the node that translated the connection (and would turn the answer's source back
    /// into its own address and node port) never sees them.
    /// </remarks>
    internal string? ExternalTrafficLocalFailure(PodView pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return PodNetworkOf(PodEndpoint(pod)) is { IsStrictBranch: true } network
            ? $"{pod.Namespace}/{pod.Name} has security groups in strict mode (POD_SECURITY_GROUP_ENFORCING_MODE=strict at its creation): its answer leaves by its branch interface {network.EniId} (the CNI's VLAN rules send every packet of the pod by it) straight to the client, from {pod.PodIP}, not back through the node whose kube-proxy translated the connection, so the client gets no answer from the address and port it connected to and times out; EKS supports NodePort and LoadBalancer Services with instance targets and externalTrafficPolicy Local for pods with security groups only in standard mode (CNI 1.11 or later)"
            : null;
    }
}
