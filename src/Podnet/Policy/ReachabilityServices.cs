using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Net;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    private ReachResult ToService(Endpoint source, string to, PortSpec spec)
    {
        var parts = to.Split('/');
        if (parts.Length != 3)
        {
            return ReachResult.Error($"TO \"{to}\": a Service is svc/namespace/name");
        }

        var store = _world.ControlPlane.Store;
        var service = store.TryGet(store.Resources.For("v1", "Service"), parts[1], parts[2]);
        if (service is null)
        {
            return ReachResult.Error($"TO \"{to}\": services \"{parts[2]}\" not found in namespace {parts[1]}");
        }

        var hops = new List<Hop>();

        // 1. The name: a DNS query to the pod's nameservers (its dnsPolicy): CoreDNS behind kube-dns (or NodeLocal
        // DNSCache) answers it, judged like any other flow. A headless Service's name answers its ready endpoints' own
        // addresses, an ExternalName Service's its spec.externalName.
        var name = $"{parts[2]}.{parts[1]}.svc.cluster.local";
        if (Dns(source, name, DnsAnswerOf(service), hops).Reply != DnsReply.Answered)
        {
            return new ReachResult(false, hops, null);
        }

        return AfterDns(source, to, service, name, spec, hops, 0);
    }

    /// <summary>What CoreDNS answers for a Service's name, as the DNS hop words it; null for no address records.</summary>
    private string? DnsAnswerOf(KubeObject service)
    {
        if (service.GetString("spec.type") == "ExternalName")
        {
            var target = service.GetString("spec.externalName")?.TrimEnd('.');
            return string.IsNullOrEmpty(target) ? null : IpAddressText.ParseOrNull(target) is { } ip ? ip.ToString() : $"CNAME {target}";
        }

        var clusterIp = service.GetString("spec.clusterIP");
        if (clusterIp != "None")
        {
            return clusterIp;
        }

        var headless = ServicePods(service.Namespace ?? "default", service.Name);
        return headless.Count == 0 ? null : string.Join(", ", headless.Select(p => p.PodIP));
    }

    /// <summary>
    /// The address CoreDNS's kubernetes plugin answers first for the Service <paramref name="ns"/>/<paramref name="name"/>
    /// (<c>NAME.NS.svc.cluster.local</c>): its ClusterIP; a headless Service's first ready endpoint; an ExternalName
    /// Service's <c>spec.externalName</c> when it is an IP address, or what its CNAME into the cluster's zone answers
    /// (CoreDNS follows those itself, at most 8 deep); null for no address record (no such Service, no ready endpoint,
    /// a CNAME to a name outside the cluster, whose address Podnet cannot know). The emulated shell's resolver asks it,
    /// so that it answers what reach's DNS step does.
    /// </summary>
    internal IPAddress? ServiceAddress(string ns, string name, int cnames = 0)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(name);
        var store = _world.ControlPlane.Store;
        if (cnames > 8 || store.TryGet(store.Resources.For("v1", "Service"), ns, name) is not { } service)
        {
            return null;
        }

        if (service.GetString("spec.type") == "ExternalName")
        {
            var target = service.GetString("spec.externalName")?.TrimEnd('.') ?? string.Empty;
            return IpAddressText.ParseOrNull(target) ?? (target.ToLowerInvariant().Split('.') is [var n, var s, "svc", "cluster", "local"] ? ServiceAddress(s, n, cnames + 1) : null);
        }

        var clusterIp = service.GetString("spec.clusterIP");
        return clusterIp == "None" ? ServicePods(ns, name).Select(p => p.PodAddress).FirstOrDefault(a => a is not null) : IpAddressText.ParseOrNull(clusterIp);
    }

    /// <summary>A Service's path after its name resolved: kube-proxy's, a headless Service's endpoints, or an ExternalName's target.</summary>
    private ReachResult AfterDns(Endpoint source, string to, KubeObject service, string name, PortSpec spec, List<Hop> hops, int cnames)
    {
        var ns = service.Namespace ?? "default";
        if (service.GetString("spec.type") == "ExternalName")
        {
            return ToExternalName(source, to, service, name, spec, hops, cnames);
        }

        var clusterIp = service.GetString("spec.clusterIP");
        if (clusterIp == "None")
        {
            return ToHeadless(source, $"{ns}/{service.Name}", name, ServicePods(ns, service.Name), spec, hops);
        }

        // 2. The ClusterIP and port, then kube-proxy's choice of endpoint: the same decision as the ClusterIP given
        // as an address (KubeProxy), so a port the Service lacks, no endpoints and no local endpoint read alike.
        var route = KubeProxy(source, service, clusterIp, spec);
        if (route.Failure is { } failure)
        {
            hops.Add(failure);
            return new ReachResult(false, hops, null);
        }

        if (route.Local is { } local)
        {
            hops.Add(local);
        }

        return new ReachResult(ToEndpoints(source, clusterIp, route.ServicePort!, route.Endpoints, spec, hops), hops, null);
    }

    /// <summary>
    /// An ExternalName Service by name, after its DNS step. It has no ClusterIP, so kube-proxy has no rule for it
    /// (kubernetes/kubernetes pkg/proxy/util/utils.go <c>ShouldSkipService</c>); CoreDNS's kubernetes plugin answers its
    /// name from <c>spec.externalName</c> (coredns plugin/backend_lookup.go <c>A</c>, by <c>msg.Service.HostType</c>):
    /// an IP address as the name's A (or AAAA) record — the client connects to it directly, on the port asked (the
    /// Service's ports play no part), judged as reach judges that address (a pod, a node, the internet through the
    /// route tables, or a ClusterIP through kube-proxy); a host name as a CNAME, which CoreDNS follows itself when it is a
    /// Service name of the cluster's domain (a target in its own zone), and otherwise asks its upstream for. Podnet has
    /// no upstream: the connection then depends on an address it cannot know, and the question is answered with an
    /// error that says so (ask reach with that address) rather than with an invented address.
    /// </summary>
    private ReachResult ToExternalName(Endpoint source, string to, KubeObject service, string name, PortSpec spec, List<Hop> hops, int cnames)
    {
        var ns = service.Namespace ?? "default";
        var target = service.GetString("spec.externalName")?.TrimEnd('.') ?? string.Empty;
        var what = $"Service {ns}/{service.Name} is type ExternalName: it has no ClusterIP, so kube-proxy has no rule for it (pkg/proxy/util ShouldSkipService)";
        if (target.Length == 0)
        {
            // The API server rejects it (ValidateService: spec.externalName: Required value); a world's dump could hold it.
            hops.Add(new Hop("service", false, $"{what} and no spec.externalName: CoreDNS has no record for {name}, so there is nothing to connect to") { Kind = HopKind.Service });
            return new ReachResult(false, hops, null);
        }

        if (IpAddressText.ParseOrNull(target) is { } address)
        {
            hops.Add(new Hop("service", true, $"{what}; its spec.externalName {target} is an IP address, which CoreDNS answers as {name}'s address record (plugin/backend_lookup.go A): the client connects to {IpAddressText.WithPort(address.ToString(), spec.Port)} directly, with no Service port or targetPort") { Kind = HopKind.Service });
            if (KubeProxyTarget(address.ToString()) is { } clusterIp)
            {
                var translated = ToClusterIp(source, clusterIp, spec);
                return new ReachResult(translated.Allowed, [.. hops, .. translated.Hops], translated.ErrorMessage);
            }

            var destination = ResolveEndpoint(address.ToString())!;
            if (NotRunning(destination) is { } down)
            {
                hops.Add(down);
                return new ReachResult(false, hops, null);
            }

            return new ReachResult(Flow(source, destination, spec, hops, string.Empty), hops, null);
        }

        var store = _world.ControlPlane.Store;
        var labels = target.ToLowerInvariant().Split('.');
        if (labels is [var targetName, var targetNamespace, "svc", "cluster", "local"])
        {
            // A CNAME into CoreDNS's own zone: it looks the target up in its own records (backend_lookup.go A, the
            // dns.IsSubDomain(zone, target) case). A chain of them ends as CoreDNS's does (its maximum depth, 8).
            var next = cnames < 8 ? store.TryGet(store.Resources.For("v1", "Service"), targetNamespace, targetName) : null;
            var nextAnswer = next is null ? null : DnsAnswerOf(next);
            if (next is null || nextAnswer is null)
            {
                hops.Add(new Hop("service", false, $"{what}; CoreDNS answers {name} with a CNAME to spec.externalName {target}, a name of its own zone that has no address record{(next is null ? " (no such Service)" : string.Empty)}: {name} does not resolve to an address") { Kind = HopKind.Service });
                return new ReachResult(false, hops, null);
            }

            hops.Add(new Hop("service", true, $"{what}; CoreDNS answers {name} with a CNAME to spec.externalName {target}, a name of its own zone, and follows it itself (plugin/backend_lookup.go A): {target} resolves to {nextAnswer}") { Kind = HopKind.Service });
            return AfterDns(source, to, next, target, spec, hops, cnames + 1);
        }

        return ReachResult.Error($"TO \"{to}\": Service {ns}/{service.Name} is type ExternalName: CoreDNS answers {name} with a CNAME to spec.externalName \"{target}\", a name outside the cluster that Podnet cannot resolve (CoreDNS asks its upstream for the address; Podnet emulates no DNS outside the cluster), so whether the connection is made depends on that name's address: ask reach with the address as TO");
    }

    /// <summary>
    /// A headless Service (<c>clusterIP: None</c>) by name, after its DNS step: CoreDNS answers the ready endpoints' own
    /// addresses and kube-proxy has no rule for the Service (kubernetes/kubernetes pkg/proxy/util/utils.go
    /// <c>ShouldSkipService</c> skips a Service whose ClusterIP is not set), so the client connects to an endpoint's
    /// address on the port it asked for: no Service port is looked up, no targetPort applies and no traffic policy.
    /// Appends a <c>service</c> hop and the flow's hops per endpoint; allowed when every flow is. Without ready
    /// endpoints the name has no address records and nothing is connected to.
    /// </summary>
    private ReachResult ToHeadless(Endpoint source, string service, string name, List<PodView> endpoints, PortSpec spec, List<Hop> hops)
    {
        if (endpoints.Count == 0)
        {
            hops.Add(new Hop("service", false, $"Service {service} is headless (clusterIP None) and has no ready endpoints: {name} has no address records, so there is nothing to connect to") { Kind = HopKind.Service });
            return new ReachResult(false, hops, null);
        }

        var all = true;
        foreach (var pod in endpoints)
        {
            hops.Add(new Hop("service", true, $"Service {service} is headless (clusterIP None): {name} answers {pod.Namespace}/{pod.Name}'s own address, connected to directly on {IpAddressText.WithPort(pod.PodIP ?? string.Empty, spec.Port)} (no kube-proxy)") { Kind = HopKind.Service });
            all &= Flow(source, PodEndpoint(pod), spec, hops, $"to {pod.Name}: ");
        }

        return new ReachResult(all, hops, null);
    }

    /// <summary>
    /// kube-proxy's DNAT of <paramref name="clusterIp"/>:port to each ready endpoint, and each endpoint's flow on its
    /// target port: appends a <c>service</c> hop and the flow's hops per endpoint; true when every flow is allowed.
    /// </summary>
    private bool ToEndpoints(Endpoint source, string? clusterIp, JsonObject servicePort, IReadOnlyList<PodView> endpoints, PortSpec spec, List<Hop> hops)
    {
        var all = true;
        foreach (var pod in endpoints)
        {
            var target = TargetPort(servicePort, pod);
            hops.Add(new Hop("service", true, $"{IpAddressText.WithPort(clusterIp ?? string.Empty, spec.Port)} → {pod.Namespace}/{pod.Name} {IpAddressText.WithPort(pod.PodIP ?? string.Empty, target)} (kube-proxy)") { Kind = HopKind.Service });
            all &= Flow(source, PodEndpoint(pod), spec with { Port = target }, hops, $"to {pod.Name}: ");
        }

        return all;
    }

    /// <summary>
    /// What <c>reach</c> takes an address given as TO to be when it is kube-proxy's: a Service whose
    /// <c>spec.clusterIPs</c> (or <c>spec.clusterIP</c>) holds it, IPv4 or IPv6, or — <see cref="ClusterIpTarget.Service"/>
    /// null — an address of the cluster's Service range (<see cref="Podnet.Kube.ControlPlane.ServiceCidr"/>) that no
    /// Service has. Null for anything else, for an address NodeLocal DNSCache binds (kube-dns's ClusterIP given to its
    /// <c>-localip</c>: the cache on the node answers it), and in a policy-only world (no nodes, so no kube-proxy; its addresses are
    /// judged as given, as the NetworkPolicy cases expect).
    /// </summary>
    private ClusterIpTarget? KubeProxyTarget(string to)
    {
        if (_world.IsPolicyOnly || to.Contains('/', StringComparison.Ordinal) || !IpAddressText.TryParse(to, out var address))
        {
            return null;
        }

        // NodeLocal DNSCache binding kube-dns's ClusterIP on every node (-localip 169.254.20.10,CLUSTER-DNS, iptables
        // mode) answers it on the node, ahead of kube-proxy (nodelocaldns's NOTRACK rules): OnTheNode judges that.
        if (_nodeLocalDns?.Serves(address) == true)
        {
            return null;
        }

        if (ServicesByClusterIp.TryGetValue(address, out var service))
        {
            return new ClusterIpTarget(address, service);
        }

        return _world.ControlPlane.ServiceCidr.Contains(address) ? new ClusterIpTarget(address, null) : null;
    }

    /// <summary>
    /// Every Service's ClusterIPs (<c>spec.clusterIPs</c>, else <c>spec.clusterIP</c>; not a headless Service's
    /// <c>None</c>), read once: lint asks for an address per pod, and the settled world does not change under a query.
    /// </summary>
    private Dictionary<IPAddress, KubeObject> ServicesByClusterIp => _servicesByClusterIp ??= BuildServicesByClusterIp();

    private Dictionary<IPAddress, KubeObject>? _servicesByClusterIp;

    /// <summary>
    /// The Service that holds <paramref name="address"/> as one of its ClusterIPs (any entry of <c>spec.clusterIPs</c>,
    /// IPv4 or IPv6 — a dual-stack Service has one of each — else <c>spec.clusterIP</c>), or null: the one lookup reach's
    /// ClusterIP form (<see cref="KubeProxyTarget"/>) and the emulated shell's TCP connect share.
    /// </summary>
    internal KubeObject? ServiceWithClusterIp(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return ServicesByClusterIp.GetValueOrDefault(address);
    }

    private Dictionary<IPAddress, KubeObject> BuildServicesByClusterIp()
    {
        var store = _world.ControlPlane.Store;
        var byAddress = new Dictionary<IPAddress, KubeObject>();
        foreach (var service in store.List(store.Resources.For("v1", "Service")).Items)
        {
            var ips = (service["spec.clusterIPs"] as JsonArray)?.Select(ip => ip?.GetValue<string>()) ?? [service.GetString("spec.clusterIP")];
            foreach (var held in ips.Select(IpAddressText.ParseOrNull).OfType<IPAddress>())
            {
                byAddress.TryAdd(held, service);
            }
        }

        return byAddress;
    }

    /// <summary>
    /// A connection to a ClusterIP as kube-proxy (iptables mode, EKS's default) handles it on the source's node, with
    /// the same flows to the endpoints as <c>svc/NAMESPACE/NAME</c> but no DNS step (no name is looked up), after one
    /// line naming the Service and its nat rule <c>"NS/NAME:PORT cluster IP"</c>. <see cref="KubeProxy"/> decides, for
    /// both forms, the port, the endpoints and (<c>internalTrafficPolicy: Local</c>) the local endpoints, from
    /// kubernetes/kubernetes pkg/proxy/iptables/proxier.go <c>syncProxyRules</c>; an address of the Service range no
    /// Service holds gets no rule at all, so the packet is not translated and nothing answers it.
    /// </summary>
    private ReachResult ToClusterIp(Endpoint source, ClusterIpTarget target, PortSpec spec)
    {
        if (NotRunning(source) is { } down)
        {
            return new ReachResult(false, [down], null);
        }

        var address = target.Address;
        var range = _world.ControlPlane.ServiceCidr;
        if (target.Service is not { } service)
        {
            return new ReachResult(false, [new Hop("service", false, $"{address} is an address of the cluster's Service range {range} that no Service has as its ClusterIP: kube-proxy has no rule for it, so nothing translates it and nothing answers") { Kind = HopKind.Service }], null);
        }

        var route = KubeProxy(source, service, address.ToString(), spec);
        if (route.Failure is { } failure)
        {
            return new ReachResult(false, [failure], null);
        }

        var hops = new List<Hop> { new("service", true, $"{address} is the ClusterIP of Service {service.Namespace ?? "default"}/{service.Name}: kube-proxy on {source.Node!.Name} translates it (DNAT, rule \"{route.Rule} cluster IP\") to a ready endpoint") };
        if (route.Local is { } local)
        {
            hops.Add(local);
        }

        return new ReachResult(ToEndpoints(source, address.ToString(), route.ServicePort!, route.Endpoints, spec, hops), hops, null);
    }

    /// <summary>The Service's port entry for <paramref name="spec"/>'s number and protocol (TCP when unset); null when it has none.</summary>
    private static JsonObject? ServicePort(KubeObject service, PortSpec spec)
        => (service["spec.ports"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(p => p["port"]?.GetValue<int>() == spec.Port && (p["protocol"]?.GetValue<string>() ?? "TCP") == spec.Protocol);
}
