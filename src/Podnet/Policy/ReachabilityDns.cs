using System.Net;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Net;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    /// <summary>
    /// Whether a pod's DNS query for <paramref name="name"/> is answered, by whom, and why: the pod's nameservers as the
    /// kubelet writes them for its <c>dnsPolicy</c> (<see cref="PodDns"/>), each asked in turn until one answers. The
    /// cluster's DNS — kube-dns's ClusterIP (through kube-proxy to CoreDNS), an address NodeLocal DNSCache binds (the
    /// cache on the pod's node, which asks CoreDNS from the node over TCP/53 through the ClusterIP of its upstream
    /// Service, <see cref="CacheUpstream"/>), a CoreDNS pod's own address — answers
    /// <paramref name="answer"/> (an address, or null for NXDOMAIN: it only words the last hop). The node's resolver
    /// (the VPC's Route 53 Resolver) and a server outside the VPC answer NXDOMAIN for the cluster's names; a node, and an
    /// address that is not a pod, ask such a resolver (their own resolv.conf), not the cluster's DNS. The same step
    /// reach takes before a Service (<c>svc/namespace/name</c>), for the emulated shell's resolver (<c>curl</c>,
    /// <c>nslookup</c>): <see cref="DnsResolution.Query"/> is allowed only when the cluster's DNS answered, and
    /// <see cref="DnsResolution.Partial"/> names the CoreDNS pods kube-proxy may send the answered query (or NodeLocal
    /// DNSCache's) to that refuse it, when some do.
    /// </summary>
    public DnsResolution Resolve(Endpoint source, string name, string? answer)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);
        if (NotRunning(source) is { } down)
        {
            return new DnsResolution(DnsReply.NoAnswer, new ReachResult(false, [down], null));
        }

        var hops = new List<Hop>();
        var (reply, partial) = Dns(source, name, answer, hops);
        return new DnsResolution(reply, new ReachResult(reply == DnsReply.Answered, hops, null)) { Partial = partial };
    }

    /// <summary>
    /// The nameservers the kubelet writes into <paramref name="pod"/>'s resolv.conf (pkg/kubelet/network/dns/dns.go
    /// <c>GetPodDNS</c>): kube-dns's ClusterIP as the cluster DNS, the VPC's Amazon-provided DNS server (of the VPC of
    /// the pod's node) as the node's resolver.
    /// </summary>
    public PodDns DnsOf(PodView pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var store = _world.ControlPlane.Store;
        var node = pod.NodeName is null ? null : store.TryGet(store.Resources.For("v1", "Node"), null, pod.NodeName);
        return PodDns.Of(pod, ClusterDns, HostResolver(node));
    }

    /// <summary>The node's resolver: the Amazon-provided DNS server of the node's VPC (the first VPC's when the node has no interface).</summary>
    private IPAddress? HostResolver(KubeObject? node)
        => (node is null ? null : PrimaryInterface(node)) is { } primary && _vpcResolverById.TryGetValue(primary.VpcId, out var own) ? own : _vpcResolvers.Count > 0 ? _vpcResolvers[0] : null;

    /// <summary>
    /// The DNS step of a Service's path: appends its hops and says who answered the query, if anyone, and when the
    /// cluster's DNS answered through a ClusterIP, which of the CoreDNS pods kube-proxy may choose refuse it.
    /// </summary>
    private (DnsReply Reply, DnsPartialAnswer? Partial) Dns(Endpoint source, string name, string? answer, List<Hop> hops)
    {
        // Only a pod has a dnsPolicy. A node asks what its own /etc/resolv.conf names: the VPC's Amazon-provided DNS
        // (the EKS AMIs leave the instance's DHCP-given resolver in place), which knows nothing of cluster.local, so a
        // Service's name does not resolve on a node, as on EKS; its ClusterIP still works. A policy-only world has no
        // kubelet and no node resolver: anything there is judged as a query to CoreDNS behind kube-dns.
        if (!_world.IsPolicyOnly && source.Pod is null && source.Node is { } host && HostResolver(host) is { } resolver)
        {
            hops.Add(new Hop("dns: resolver", true, $"{source.Display} is a node: its /etc/resolv.conf names nameserver {resolver} ({NameserverRole(resolver)})") { Kind = HopKind.Dns });
            return (OtherNameserver(source, name, resolver, hops), null);
        }

        if (!_world.IsPolicyOnly && source.IsExternal)
        {
            return (AddressDns(source, name, hops), null);
        }

        if (_world.IsPolicyOnly || source.Pod is not { } client)
        {
            return ClusterQuery(source, name, answer, null, hops);
        }

        var view = PodView.Of(client);
        var dns = PodDns.Of(view, ClusterDns, HostResolver(source.Node));
        var policy = dns.Describe(view.HostNetwork);
        if (dns.Type == PodDnsType.Cluster && ClusterDns is null)
        {
            // No kube-dns Service: the query is judged to the CoreDNS pods themselves (ClusterQuery says when there are none).
            hops.Add(new Hop("dns: resolver", true, $"{policy}: the cluster DNS (the world has no kube-system/kube-dns Service, so the CoreDNS pods are asked)") { Kind = HopKind.Dns });
            return ClusterQuery(source, name, answer, null, hops);
        }

        if (dns.Nameservers.Count == 0)
        {
            hops.Add(new Hop("dns", false, $"{policy} and no spec.dnsConfig.nameservers: the pod's resolv.conf names no nameserver, so {name} does not resolve") { Kind = HopKind.Dns });
            return (DnsReply.NoAnswer, null);
        }

        hops.Add(new Hop("dns: resolver", true, $"{policy}: nameserver {string.Join(", ", dns.Nameservers.Select(ns => $"{ns} ({NameserverRole(ns)})"))}") { Kind = HopKind.Dns });
        foreach (var nameserver in dns.Nameservers)
        {
            var reply = IsClusterDns(nameserver)
                ? ClusterQuery(source, name, answer, nameserver, hops)
                : (OtherNameserver(source, name, nameserver, hops), null);
            if (reply.Reply != DnsReply.NoAnswer)
            {
                return reply;
            }
        }

        if (dns.Nameservers.Count > 1)
        {
            hops.Add(new Hop("dns", false, $"none of the pod's nameservers ({string.Join(", ", dns.Nameservers)}) answers: {name} does not resolve") { Kind = HopKind.Dns });
        }

        return (DnsReply.NoAnswer, null);
    }

    /// <summary>
    /// The DNS step for a source that is neither a pod nor a node (an address given as FROM): a machine outside the
    /// cluster asks the resolver its own /etc/resolv.conf names, which is never the cluster's DNS. Inside a VPC of the
    /// world (an EC2 instance that is not a node, a Lambda function, a bastion) that is the VPC's Amazon-provided DNS,
    /// its primary CIDR block + 2, which the VPC's DHCP options give every instance (the same server a node asks,
    /// <see cref="HostResolver"/>), judged as a UDP/53 flow by <see cref="OtherNameserver"/>; outside every VPC (the
    /// internet, on-premises) a public or corporate resolver whose address the world does not know. Neither serves
    /// cluster.local (only CoreDNS does), so both answer NXDOMAIN: <see cref="DnsReply.NotFound"/>, unless the query to
    /// the VPC's resolver gets no answer. In a policy-only world this is not asked (no VPC: <see cref="Dns"/> keeps the
    /// query to CoreDNS).
    /// </summary>
    private DnsReply AddressDns(Endpoint source, string name, List<Hop> hops)
    {
        var vpc = _vpcOfCidr.Find(v => v.Cidr.Contains(source.Address));
        if (vpc.VpcId is { } vpcId && _vpcResolverById.TryGetValue(vpcId, out var resolver))
        {
            hops.Add(new Hop("dns: resolver", true, $"{source.Display} is not a pod: an address of {vpcId} ({vpc.Cidr}) asks the nameserver its own /etc/resolv.conf names: nameserver {resolver} (the Amazon-provided DNS of {vpcId}, its primary CIDR block + 2, not the cluster's DNS)") { Kind = HopKind.Dns });
            return OtherNameserver(source, name, resolver, hops);
        }

        var cluster = name.EndsWith(".cluster.local", StringComparison.OrdinalIgnoreCase);
        var what = cluster ? "it does not serve the cluster's domain cluster.local (only CoreDNS does)" : "Podnet does not emulate names outside the cluster's domain";
        hops.Add(new Hop("dns: resolver", true, $"{source.Display} is not a pod and is outside every VPC of the world: it asks the nameserver its own /etc/resolv.conf names, a resolver outside the cluster and the VPC, not the cluster's DNS") { Kind = HopKind.Dns });
        hops.Add(new Hop("dns", false, $"{source.Display}'s resolver, outside the cluster and the VPC, answers NXDOMAIN: {what}, so {name} does not resolve") { Kind = HopKind.Dns });
        return DnsReply.NotFound;
    }

    /// <summary>Whether <paramref name="nameserver"/> is the cluster's DNS: kube-dns's ClusterIP, an address NodeLocal DNSCache binds, or a CoreDNS pod's own address.</summary>
    private bool IsClusterDns(IPAddress nameserver)
        => nameserver.Equals(ClusterDns) || _nodeLocalDns?.Serves(nameserver) == true || CoreDnsPodAt(nameserver) is not null;

    private PodView? CoreDnsPodAt(IPAddress address) => ServicePods("kube-system", "kube-dns").Find(p => address.Equals(p.PodAddress));

    /// <summary>What a nameserver of a pod's resolv.conf is, as the resolver hop names it.</summary>
    private string NameserverRole(IPAddress nameserver)
        => nameserver.Equals(ClusterDns) ? _nodeLocalDns?.Serves(nameserver) == true ? "kube-dns's ClusterIP, which NodeLocal DNSCache binds" : "kube-dns's ClusterIP"
           : _nodeLocalDns?.Serves(nameserver) == true ? "NodeLocal DNSCache's"
           : CoreDnsPodAt(nameserver) is { } coreDns ? $"CoreDNS pod kube-system/{coreDns.Name}"
           : _vpcResolvers.Contains(nameserver) ? "the VPC's Route 53 Resolver, its primary CIDR block + 2, not the cluster's DNS"
           : "not the cluster's DNS";

    /// <summary>
    /// A query to a nameserver that is not the cluster's DNS: judged as a UDP/53 flow; when it gets there, the VPC's
    /// Route 53 Resolver and a server outside the VPC answer NXDOMAIN for a name of the cluster's domain (only CoreDNS
    /// serves <c>cluster.local</c>); an address of the VPC or of the node with no DNS server Podnet knows answers
    /// nothing, and glibc moves on to the next nameserver.
    /// </summary>
    private DnsReply OtherNameserver(Endpoint source, string name, IPAddress nameserver, List<Hop> hops)
    {
        var server = ResolveEndpoint(nameserver.ToString()) ?? new Endpoint(nameserver.ToString(), nameserver, null, null);
        if (!Flow(source, server, new PortSpec("UDP", 53), hops, "dns: "))
        {
            hops.Add(new Hop("dns", false, $"the DNS query (UDP/53) to {nameserver} gets no answer: {name} does not resolve there") { Kind = HopKind.Dns });
            return DnsReply.NoAnswer;
        }

        var cluster = name.EndsWith(".cluster.local", StringComparison.OrdinalIgnoreCase);
        var what = cluster ? "it does not serve the cluster's domain cluster.local (only CoreDNS does)" : "Podnet does not emulate names outside the cluster's domain";
        if (_vpcResolvers.Contains(nameserver))
        {
            hops.Add(new Hop("dns", false, $"{nameserver}, the VPC's Route 53 Resolver, answers NXDOMAIN: {what}, so {name} does not resolve") { Kind = HopKind.Dns });
            return DnsReply.NotFound;
        }

        if (server.IsExternal && !NodeLocalDns.LinkLocal.Contains(nameserver) && !_vpcCidrs.Any(c => c.Contains(nameserver)))
        {
            hops.Add(new Hop("dns", false, $"{nameserver}, outside the cluster and the VPC, answers NXDOMAIN: {what}, so {name} does not resolve") { Kind = HopKind.Dns });
            return DnsReply.NotFound;
        }

        hops.Add(new Hop("dns", false, $"{nameserver} ({server.Display}) is not the cluster's DNS and no DNS server Podnet knows listens there: the query gets no answer") { Kind = HopKind.Dns });
        return DnsReply.NoAnswer;
    }

    /// <summary>
    /// A query to the cluster's DNS at <paramref name="nameserver"/>: NodeLocal DNSCache when it binds the address and
    /// runs on the source's node (then its upstream, <see cref="CacheUpstream"/>); a CoreDNS pod asked at its own
    /// address; else kube-dns's ClusterIP through kube-proxy (or, with no nameserver, every CoreDNS pod). Appends the
    /// hops; <see cref="DnsReply.Answered"/> when some CoreDNS pod answers, else <see cref="DnsReply.NoAnswer"/>. When
    /// kube-proxy may send the query (or the cache's) to several CoreDNS pods and only some answer, the name resolves
    /// — a later query, a new flow, may go to one that answers — and the refusing ones are returned (the
    /// <c>dns</c> step says what that costs: <see cref="PartialNote"/>).
    /// </summary>
    private (DnsReply Reply, DnsPartialAnswer? Partial) ClusterQuery(Endpoint source, string name, string? answer, IPAddress? nameserver, List<Hop> hops)
    {
        var answerText = answer is null ? "nothing (NXDOMAIN)" : answer;
        var dnsPods = ServicePods("kube-system", "kube-dns");
        if (dnsPods.Count == 0)
        {
            hops.Add(new Hop("dns", false, "kube-system/kube-dns has no ready endpoints: the name cannot be resolved") { Kind = HopKind.Dns });
            return (DnsReply.NoAnswer, null);
        }

        var resolver = nameserver;
        bool dnsOk;
        DnsPartialAnswer? partial = null;
        if (_nodeLocalDns is { } cache && !_world.IsPolicyOnly && cache.Serves(resolver) && source.Node is { } node
            && IpAddressText.ParseOrNull(new NodeView(node).InternalIP) is { } nodeAddress && cache.PodOn(node.Name) is { } local)
        {
            var query = Flow(source, new Endpoint(resolver!.ToString(), resolver, null, null), new PortSpec("UDP", 53), hops, "dns: ");
            var upstream = query ? CacheUpstream(cache, local, node, nodeAddress, hops) : null;
            dnsOk = upstream is { Answered.Count: > 0 };
            partial = dnsOk && upstream!.Refused.Count > 0 ? new DnsPartialAnswer(upstream.Answered.Count + upstream.Refused.Count, upstream.Refused, ByCache: true) : null;
            hops.Add(new Hop("dns", dnsOk, dnsOk
                ? $"{name} resolves to {answerText} (NodeLocal DNSCache kube-system/{local.Name} at {resolver}, then Service kube-system/{upstream!.Service}: CoreDNS {string.Join(", ", upstream.Answered)}){PartialNote(partial)}"
                : query
                    ? $"NodeLocal DNSCache kube-system/{local.Name} gets no answer from CoreDNS{(upstream?.Service is { } via ? $" through Service kube-system/{via}" : string.Empty)} (TCP/53 from the node): {name} does not resolve"
                    : $"the DNS query (UDP/53) to NodeLocal DNSCache at {resolver} fails: {name} does not resolve") { Kind = HopKind.Dns });
        }
        else if (resolver is not null && !resolver.Equals(ClusterDns) && _nodeLocalDns?.Serves(resolver) == true)
        {
            // An address only the cache binds (169.254.20.10), with no cache running on the source's node (or no node).
            Flow(source, new Endpoint(resolver.ToString(), resolver, null, null), new PortSpec("UDP", 53), hops, "dns: ");
            hops.Add(new Hop("dns", false, $"no NodeLocal DNSCache pod runs on {source.Node?.Name ?? "the source's node"} to answer at {resolver}: {name} does not resolve there") { Kind = HopKind.Dns });
            dnsOk = false;
        }
        else if (resolver is not null && !resolver.Equals(ClusterDns) && CoreDnsPodAt(resolver) is { } coreDns)
        {
            dnsOk = Flow(source, PodEndpoint(coreDns), new PortSpec("UDP", 53), hops, "dns: ");
            hops.Add(new Hop("dns", dnsOk, dnsOk
                ? $"{name} resolves to {answerText} (CoreDNS kube-system/{coreDns.Name} at its own address {resolver})"
                : $"the DNS query (UDP/53) to CoreDNS kube-system/{coreDns.Name} at {resolver} is denied: {name} does not resolve") { Kind = HopKind.Dns });
        }
        else
        {
            // The query goes to kube-dns's ClusterIP: kube-proxy's decision on the source's node (KubeProxy, as for any
            // Service) names the CoreDNS pods it may reach — under internalTrafficPolicy: Local only those on the node,
            // none when the node has none (DROP: the query gets no answer). From a pod on no node (given with an address
            // and no spec.nodeName), and in a policy-only world (no kube-proxy), the query is judged to every CoreDNS
            // pod, as before. An address that is not a pod never gets here: it asks its own resolver (AddressDns).
            IReadOnlyList<PodView> servers = dnsPods;
            var throughKubeProxy = false;
            if (!_world.IsPolicyOnly && source.Node is not null && KubeDns is { } kubeDns)
            {
                var route = KubeProxy(source, kubeDns, kubeDns.GetString("spec.clusterIP"), new PortSpec("UDP", 53));
                if (route.Failure is { } failure)
                {
                    hops.Add(failure with { Step = "dns: service" });
                    hops.Add(new Hop("dns", false, $"the DNS query (UDP/53) to kube-dns gets no answer: {name} does not resolve") { Kind = HopKind.Dns });
                    return (DnsReply.NoAnswer, null);
                }

                if (route.Local is { } onTheNode)
                {
                    hops.Add(onTheNode with { Step = "dns: service" });
                }

                servers = route.Endpoints;
                throughKubeProxy = true;
            }

            var refused = new List<DnsRefusal>();
            foreach (var dns in servers)
            {
                var dnsHops = new List<Hop>();
                if (!Flow(source, PodEndpoint(dns), new PortSpec("UDP", 53), dnsHops, "dns: "))
                {
                    refused.Add(new DnsRefusal($"kube-system/{dns.Name}", dnsHops.Last(h => !h.Allowed)));
                }

                hops.AddRange(dnsHops);
            }

            dnsOk = refused.Count < servers.Count;

            // Without kube-proxy (a policy-only world, a pod on no node) nothing chooses among the CoreDNS pods: the
            // verdict is whether one answers, as before.
            partial = dnsOk && throughKubeProxy && refused.Count > 0 ? new DnsPartialAnswer(servers.Count, refused, ByCache: false) : null;
            hops.Add(new Hop("dns", dnsOk, dnsOk
                ? $"{name} resolves to {answerText} (kube-dns){PartialNote(partial)}"
                : $"the DNS query (UDP/53) to CoreDNS is denied: {name} does not resolve") { Kind = HopKind.Dns });
        }

        return (dnsOk ? DnsReply.Answered : DnsReply.NoAnswer, partial);
    }

    /// <summary>
    /// What an answered query costs when some CoreDNS pods refuse it (empty when none does): ", but k of n CoreDNS pods
    /// kube-proxy may send the query to refuse it (…): about k/n of …". kube-proxy's KUBE-SVC chain picks one endpoint
    /// per new flow at random (pkg/proxy/iptables/proxier.go <c>writeServiceToEndpointRules</c>, <c>-m statistic --mode
    /// random --probability</c>); later packets of the flow follow its conntrack entry. A pod's lookup (glibc) that
    /// lands on a refusing pod gets no answer; glibc asks again after <c>timeout:5</c> seconds, <c>attempts:2</c> times in
    /// all (resolv.conf(5) defaults), on the same socket — resolv/res_send.c <c>send_dg</c> returns on a timeout without
    /// closing it and <c>reopen</c> keeps it — so the retry has the same ports, and conntrack keeps it on the same pod:
    /// such a lookup fails after 10 s, and the next one (a new socket) is chosen afresh. NodeLocal DNSCache forwards
    /// over TCP (<c>force_tcp</c>): a connection to a refusing pod gets no answer to its SYN and the forward plugin dials
    /// again, a new flow, until its 5 s deadline (coredns plugin/forward/forward.go <c>ServeDNS</c>,
    /// <c>defaultTimeout</c>), then answers SERVFAIL.
    /// </summary>
    private static string PartialNote(DnsPartialAnswer? partial)
    {
        if (partial is null)
        {
            return string.Empty;
        }

        var k = partial.Refused.Count;
        var share = (int)Math.Round(100 * partial.Unanswered, MidpointRounding.AwayFromZero);
        var who = $"{k} of {partial.Servers} CoreDNS pods kube-proxy may send {(partial.ByCache ? "the cache's query" : "the query")} to {(k == 1 ? "refuses" : "refuse")} it ({string.Join(", ", partial.Refused.Select(r => r.Server))})";
        return partial.ByCache
            ? $", but {who}: about {share}% of the cache's TCP connections go there and get no answer to their SYN; its forward plugin dials again, a new flow kube-proxy may send elsewhere, until its 5 s deadline (then SERVFAIL), so names resolve slowly and now and then fail"
            : $", but {who}: about {share}% of queries go there and get no answer; glibc asks again after its 5 s timeout (resolv.conf timeout:5, attempts:2) from the same socket, which conntrack keeps on that pod, so a lookup whose query goes there fails after 10 s, and the name resolves only when asked again";
    }

    /// <summary>
    /// NodeLocal DNSCache's query for the cluster's domain, from the node's host network: nodelocaldns.yaml's Corefile
    /// forwards cluster.local (and the reverse zones) with <c>forward . __PILLAR__CLUSTER__DNS__ { force_tcp }</c>, and
    /// node-cache fills that in with the ClusterIP of the Service its <c>-upstreamsvc</c> names (kubernetes/dns
    /// cmd/node-cache/app/configmap.go <c>updateCorefile</c>, cache_app.go <c>NewCacheApp</c>;
    /// <see cref="NodeLocalDns.UpstreamService"/>: kube-dns-upstream in the manifest, kube-dns by default). So the
    /// query goes over TCP/53 to that ClusterIP, and kube-proxy on the node decides where (<see cref="KubeProxy"/>, the
    /// decision every ClusterIP takes: under <c>internalTrafficPolicy: Local</c> only a CoreDNS pod on this node, none
    /// there being kube-proxy's "has no local endpoints" DROP), then each chosen CoreDNS pod is judged as a flow from
    /// the node. A world without the named Service is judged against kube-dns itself (some installs point the cache at
    /// kube-dns directly); the real node-cache would find no address in the Service's environment variable. A ClusterIP
    /// the cache binds itself (kube-dns's, with <c>-localip 169.254.20.10,CLUSTER-DNS</c>) brings the query back to
    /// the cache: a forwarding loop, which the Corefile's <c>loop</c> plugin stops. Appends the hops; null when the
    /// cache has no upstream Service at all, else the Service asked and the CoreDNS pods that answered (none: the
    /// query gets no answer).
    /// </summary>
    private CacheUpstreamReply? CacheUpstream(NodeLocalDns cache, PodView local, KubeObject node, IPAddress nodeAddress, List<Hop> hops)
    {
        var store = _world.ControlPlane.Store;
        var serviceKind = store.Resources.For("v1", "Service");
        var named = cache.UpstreamService;
        var service = store.TryGet(serviceKind, "kube-system", named);
        var instead = string.Empty;
        if (service is null && named != NodeLocalDns.DefaultUpstreamService && KubeDns is { } kubeDns)
        {
            service = kubeDns;
            instead = $"; the world has no Service kube-system/{named}, so it is judged against kube-dns";
        }

        var cacheName = $"NodeLocal DNSCache kube-system/{local.Name}";
        if (service is null)
        {
            hops.Add(new Hop("dns: service", false, $"{cacheName} forwards cluster.local to the ClusterIP of Service kube-system/{named} (its -upstreamsvc), which the world does not have: the cache has no upstream") { Kind = HopKind.Service });
            return null;
        }

        var upstream = new CacheUpstreamReply(service.Name, [], []);
        var address = service.GetString("spec.clusterIP");
        var forwards = $"{cacheName} forwards cluster.local over TCP (force_tcp), from the host network of {node.Name}, to {address}, the ClusterIP of Service kube-system/{service.Name} (-upstreamsvc {named}{instead})";
        if (IpAddressText.ParseOrNull(address) is not { } clusterIp)
        {
            hops.Add(new Hop("dns: service", false, $"{cacheName} forwards cluster.local to the ClusterIP of Service kube-system/{service.Name} (-upstreamsvc {named}{instead}), which has none (clusterIP {address ?? "unset"}): the cache has no upstream address") { Kind = HopKind.Service });
            return upstream;
        }

        if (cache.Serves(clusterIp))
        {
            hops.Add(new Hop("dns: service", false, $"{forwards}: the cache binds {clusterIp} itself (-localip), so the query comes back to it, a forwarding loop that the Corefile's loop plugin stops (nodelocaldns.yaml forwards to kube-dns-upstream, a ClusterIP of its own, for this reason)") { Kind = HopKind.Service });
            return upstream;
        }

        var nodeEndpoint = new Endpoint($"node/{node.Name}", nodeAddress, null, node);
        var tcp = new PortSpec("TCP", 53);
        var route = KubeProxy(nodeEndpoint, service, address, tcp);
        if (route.Failure is { } failure)
        {
            hops.Add(new Hop("dns: service", false, $"{forwards}: {failure.Detail}") { Kind = HopKind.Service });
            return upstream;
        }

        hops.Add(new Hop("dns: service", true, $"{forwards}: kube-proxy on {node.Name} translates it (DNAT, rule \"{route.Rule} cluster IP\") to a ready endpoint") { Kind = HopKind.Service });
        if (route.Local is { } onTheNode)
        {
            hops.Add(onTheNode with { Step = "dns: service" });
        }

        foreach (var dns in route.Endpoints)
        {
            var flowHops = new List<Hop>();
            if (Flow(nodeEndpoint, PodEndpoint(dns), tcp with { Port = TargetPort(route.ServicePort!, dns) }, flowHops, $"dns: {local.Name} to {dns.Name}: "))
            {
                upstream.Answered.Add($"kube-system/{dns.Name}");
            }
            else
            {
                upstream.Refused.Add(new DnsRefusal($"kube-system/{dns.Name}", flowHops.Last(h => !h.Allowed)));
            }

            hops.AddRange(flowHops);
        }

        return upstream;
    }

    /// <summary>NodeLocal DNSCache's upstream query: the Service it asked (its name in kube-system), the CoreDNS pods (<c>kube-system/NAME</c>) that answered and those that refused it.</summary>
    private sealed record CacheUpstreamReply(string Service, List<string> Answered, List<DnsRefusal> Refused);

    /// <summary>kube-dns's ClusterIP: the cluster DNS the kubelet writes into ClusterFirst pods' resolv.conf.</summary>
    private IPAddress? ClusterDns => IpAddressText.ParseOrNull(KubeDns?.GetString("spec.clusterIP"));

    /// <summary>The kube-system/kube-dns Service in front of CoreDNS, or null when the world has none.</summary>
    private KubeObject? KubeDns
    {
        get
        {
            var store = _world.ControlPlane.Store;
            return store.TryGet(store.Resources.For("v1", "Service"), "kube-system", "kube-dns");
        }
    }
}
