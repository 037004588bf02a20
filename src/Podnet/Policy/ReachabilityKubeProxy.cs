using System.Net.Sockets;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Views;

namespace Podnet.Policy;

/// <summary>
/// What kube-proxy (iptables mode, EKS's default) does on the source's node with a connection to a Service's ClusterIP
/// and port: <see cref="Endpoints"/>, the ready endpoints it may DNAT to (with <see cref="ServicePort"/>, the Service's
/// port entry that maps the port to each one's target port, and <see cref="Rule"/>, the name kube-proxy's rule comments
/// give that port: <c>NS/NAME:PORT-NAME</c>, or <c>NS/NAME</c> for an unnamed port), or <see cref="Failure"/>, the step that says why nothing
/// is reached — <see cref="Refused"/> for kube-proxy's REJECT (the client sees ECONNREFUSED at once), false for a
/// packet no rule translates or one kube-proxy DROPs (nothing answers: the client times out). <see cref="Local"/> is
/// the step that says which endpoints <c>internalTrafficPolicy: Local</c> leaves, or null under <c>Cluster</c>.
/// </summary>
internal sealed record KubeProxyRoute(JsonObject? ServicePort, string? Rule, IReadOnlyList<PodView> Endpoints, Hop? Local, Hop? Failure, bool Refused)
{
    public static KubeProxyRoute Fails(Hop failure, bool refused) => new(null, null, [], null, failure, refused);
}

public sealed partial class Reachability
{
    /// <summary>
    /// kube-proxy's handling, on <paramref name="source"/>'s node, of a connection to <paramref name="service"/>'s
    /// ClusterIP <paramref name="address"/> (its text, as the steps print it) and <paramref name="spec"/> — the one
    /// decision <c>svc/NAMESPACE/NAME</c> (after its DNS step), a ClusterIP given as TO and the emulated shell's
    /// <c>curl</c> share. From kubernetes/kubernetes pkg/proxy/iptables/proxier.go, <c>syncProxyRules</c>, per Service
    /// port:
    /// <list type="bullet">
    /// <item>a port the Service does not have gets no rule at all: nothing translates the packet, nothing answers;</item>
    /// <item>no usable endpoint anywhere (<c>hasEndpoints</c> false): only a filter-table rule in KUBE-SERVICES,
    /// <c>"NS/NAME:PORT has no endpoints"</c>, <c>-j REJECT</c> (refused at once);</item>
    /// <item><c>internalTrafficPolicy: Local</c> (<c>svcInfo.InternalPolicyLocal()</c>) with no endpoint on this node
    /// (<c>hasInternalEndpoints</c> false): only a filter-table rule in KUBE-SERVICES, <c>"NS/NAME:PORT has no local
    /// endpoints"</c>, <c>-j DROP</c> — dropped, not rejected: nothing answers;</item>
    /// <item>otherwise the nat rule <c>"NS/NAME:PORT cluster IP"</c> jumps to the cluster policy chain (every ready
    /// endpoint) or, under Local, to the local policy chain: pkg/proxy/topology.go <c>CategorizeEndpoints</c>'s
    /// <c>localEndpoints</c>, the ready endpoints whose node is kube-proxy's own (<c>ep.IsLocal()</c>: the
    /// EndpointSlice endpoint's <c>nodeName</c> equals the node's name, pkg/proxy/endpointslicecache.go).</item>
    /// </list>
    /// Where the source is: kube-proxy runs on every node, so a pod's node is its <c>spec.nodeName</c>, a node's (and a
    /// hostNetwork pod's, whose connections the node's OUTPUT chain sends through the same KUBE-SERVICES rules) is
    /// itself. A Fargate pod has its own node (<c>fargate-ip-…</c>, kube-proxy inside its micro-VM), so under Local only
    /// an endpoint on that node — the pod itself — is local. An address on no node has no kube-proxy: nothing translates
    /// the ClusterIP. A policy-only world runs no kube-proxy and places no pod on a node it knows: a source without a
    /// node there is not refused for it (every ready endpoint is reached, as before), and under Local it has no local
    /// endpoint — the same comparison of node names, with no name to compare. Not modelled: topology hints
    /// (<c>trafficDistribution</c>, topology-aware routing: every ready endpoint is a cluster endpoint) and the
    /// serving-terminating fallback (the Endpoints object Podnet reads lists ready addresses only).
    /// </summary>
    private KubeProxyRoute KubeProxy(Endpoint source, KubeObject service, string? address, PortSpec spec)
    {
        var name = $"{service.Namespace ?? "default"}/{service.Name}";
        var node = source.Node;
        if (node is null && !_world.IsPolicyOnly)
        {
            return KubeProxyRoute.Fails(new Hop("service", false, $"{address} is the ClusterIP of Service {name}, which only kube-proxy on a node of the cluster translates: {source.Display} is on no node, so nothing translates it and nothing answers") { Kind = HopKind.Service }, refused: false);
        }

        var servicePort = ServicePort(service, spec);
        if (servicePort is null)
        {
            return KubeProxyRoute.Fails(new Hop("service", false, $"{address} is the ClusterIP of Service {name}, which has no port {spec}: kube-proxy (iptables mode) has no rule for {address} {spec}, so nothing translates it and nothing answers") { Kind = HopKind.Service }, refused: false);
        }

        var rule = ServicePortName(service, servicePort);
        var endpoints = ServicePods(service.Namespace ?? "default", service.Name);
        if (endpoints.Count == 0)
        {
            var icmp = Podnet.Net.IpAddressText.ParseOrNull(address)?.AddressFamily == AddressFamily.InterNetworkV6 ? "icmp6-port-unreachable" : "icmp-port-unreachable";
            return KubeProxyRoute.Fails(new Hop("service", false, $"{address} is the ClusterIP of Service {name}, which has no ready endpoints: kube-proxy's rule \"{rule} has no endpoints\" rejects {address} {spec} (REJECT, {icmp}): the connection is refused") { Kind = HopKind.Service }, refused: true);
        }

        if (service.GetString("spec.internalTrafficPolicy") != "Local")
        {
            return new KubeProxyRoute(servicePort, rule, endpoints, null, null, false);
        }

        var here = node?.Name;
        var local = endpoints.Where(p => here is not null && p.NodeName == here).ToList();
        var elsewhere = string.Join(", ", endpoints.Except(local).Select(p => $"{p.Namespace}/{p.Name} on {p.NodeName ?? "no node"}"));
        if (local.Count == 0)
        {
            var none = here is null ? $"{source.Display} is on no node, so none of its ready endpoints ({elsewhere}) is local to it" : $"none of its ready endpoints is on {here} ({elsewhere})";
            return KubeProxyRoute.Fails(new Hop("service", false, $"{address} is the ClusterIP of Service {name}, whose internalTrafficPolicy is Local, and {none}: kube-proxy's filter rule \"{rule} has no local endpoints\" drops {address} {spec} (DROP, not REJECT): nothing answers, the connection times out") { Kind = HopKind.Service }, refused: false);
        }

        var notUsed = elsewhere.Length == 0 ? string.Empty : $"; not {elsewhere}";
        var hop = new Hop("service", true, $"Service {name} has internalTrafficPolicy Local: kube-proxy on {here} sends {address} {spec} only to its ready endpoints on {here}: {string.Join(", ", local.Select(p => $"{p.Namespace}/{p.Name}"))}{notUsed}") { Kind = HopKind.Service };
        return new KubeProxyRoute(servicePort, rule, local, hop, null, false);
    }

    /// <summary>
    /// The name kube-proxy's rule comments and chain hashes give a Service port, as <c>proxy.ServicePortName.String()</c>
    /// does: <c>NS/NAME</c>, then <c>:PORT-NAME</c> when the port has a name.
    /// </summary>
    private static string ServicePortName(KubeObject service, JsonObject servicePort)
    {
        var name = $"{service.Namespace ?? "default"}/{service.Name}";
        var portName = servicePort["name"]?.GetValue<string>();
        return string.IsNullOrEmpty(portName) ? name : $"{name}:{portName}";
    }

    /// <summary>
    /// Where kube-proxy on <paramref name="source"/>'s node sends a connection to <paramref name="service"/>'s ClusterIP
    /// <paramref name="address"/> and <paramref name="port"/> — <see cref="KubeProxy"/>'s decision, the one reach takes:
    /// each endpoint it may DNAT to (under <c>internalTrafficPolicy: Local</c>, only those on the source's node) with the
    /// target port the Service maps the port to (a named targetPort read from the pod's containers), in the order the
    /// Endpoints object lists them, and the step that says which are local; or, with no backends, the step that says
    /// why and whether the client sees kube-proxy's REJECT (refused) or nothing at all (it times out). Judge each
    /// backend with <see cref="Evaluate(Endpoint, Endpoint, PortSpec)"/>.
    /// </summary>
    internal (IReadOnlyList<(Endpoint Pod, PortSpec Port)> Backends, Hop? Local, Hop? Failure, bool Refused) ServiceBackends(Endpoint source, KubeObject service, System.Net.IPAddress address, PortSpec port)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(port);
        var route = KubeProxy(source, service, address.ToString(), port);
        return route.ServicePort is not { } servicePort
            ? ([], null, route.Failure, route.Refused)
            : ([.. route.Endpoints.Select(pod => (PodEndpoint(pod), port with { Port = TargetPort(servicePort, pod) }))], route.Local, null, false);
    }
}
