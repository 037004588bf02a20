using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// NodeLocal DNSCache (seed 000): the <c>node-local-dns</c> DaemonSet on the host network of every node, bound to
/// 169.254.20.10 (and kube-dns's ClusterIP in kube-proxy's iptables mode), is on the DNS path of pods whose resolver
/// is one of its addresses. In strict mode a pod with security groups never reaches it (its packets leave by its
/// branch interface), in standard mode it does; link-local addresses are never routed out through a NAT gateway.
/// <c>reach</c>, <c>run</c> and <c>lint</c> say the same. The cache asks CoreDNS from the node over TCP/53 at the
/// ClusterIP of the Service its <c>-upstreamsvc</c> names (kube-dns-upstream in nodelocaldns.yaml, kube-dns by default),
/// through kube-proxy on the node and that Service's <c>internalTrafficPolicy</c>.
/// </summary>
public class NodeLocalDnsTests
{
    private const string SgExample = "security-groups-for-pods";

    /// <summary>nodelocaldns.yaml's DaemonSet, trimmed, with <paramref name="localIp"/> as its <c>-localip</c>.</summary>
    internal static string NodeLocalDnsDaemonSet(string localIp) => NodeLocalDnsDaemonSet(localIp, "kube-dns-upstream");

    /// <summary>The same DaemonSet with <c>-upstreamsvc</c> <paramref name="upstreamService"/>, or without the argument (node-cache's default, kube-dns) when null.</summary>
    internal static string NodeLocalDnsDaemonSet(string localIp, string? upstreamService) => $$"""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: node-local-dns
          namespace: kube-system
          labels: {k8s-app: node-local-dns}
        spec:
          selector:
            matchLabels: {k8s-app: node-local-dns}
          template:
            metadata:
              labels: {k8s-app: node-local-dns}
            spec:
              priorityClassName: system-node-critical
              hostNetwork: true
              dnsPolicy: Default
              containers:
              - name: node-cache
                image: registry.k8s.io/dns/k8s-dns-node-cache:1.23.1
                args: ["-localip", "{{localIp}}", "-conf", "/etc/Corefile"{{(upstreamService is null ? string.Empty : $", \"-upstreamsvc\", \"{upstreamService}\"")}}]
                ports:
                - {containerPort: 53, name: dns, protocol: UDP}
                - {containerPort: 53, name: dns-tcp, protocol: TCP}
        """;

    /// <summary>
    /// nodelocaldns.yaml's kube-dns-upstream Service (CoreDNS's selector, UDP and TCP 53), with
    /// <c>internalTrafficPolicy</c> <paramref name="policy"/> unless null (the API server's default, Cluster).
    /// </summary>
    internal static string KubeDnsUpstream(string? policy) => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: kube-dns-upstream
          namespace: kube-system
          labels: {k8s-app: kube-dns, kubernetes.io/name: KubeDNSUpstream}
        spec:
          selector: {k8s-app: kube-dns}
        {{(policy is null ? string.Empty : $"  internalTrafficPolicy: {policy}\n")}}  ports:
          - {name: dns, port: 53, protocol: UDP, targetPort: 53}
          - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
        """;

    /// <summary>A pod with the policy's groups (role: my-role) whose resolv.conf names the cache, and a plain pod.</summary>
    private const string Clients = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: client
          namespace: my-namespace
          labels: {role: my-role}
        spec:
          dnsPolicy: None
          dnsConfig:
            nameservers: [169.254.20.10]
            searches: [my-namespace.svc.cluster.local, svc.cluster.local, cluster.local]
            options: [{name: ndots, value: "5"}]
          containers:
          - {name: curl, image: public.ecr.aws/docker/library/busybox:1.36}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: plain
          namespace: my-namespace
        spec:
          containers:
          - {name: curl, image: public.ecr.aws/docker/library/busybox:1.36}
        """;

    [Fact]
    public void KubeDnsClusterIpAsAnAddress_IsTheCachesWhenItBindsIt_ElseKubeProxyTranslatesIt()
    {
        // iptables mode: the cache binds kube-dns's ClusterIP on the node, so a packet to it stays there.
        using (var bound = new ScenarioWorld(SgExample, null, NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), Clients))
        {
            var (exit, output, _) = PodnetCli.Run("reach", bound.Directory, "my-namespace/plain", "10.100.0.10", "53/udp");
            Assert.Equal(0, exit);
            Assert.Contains("10.100.0.10 is NodeLocal DNSCache's (kube-system/node-local-dns-", output, StringComparison.Ordinal);
            Assert.DoesNotContain("is the ClusterIP of Service", output, StringComparison.Ordinal);
        }

        // -localip 169.254.20.10 alone: the ClusterIP is kube-proxy's, translated to the CoreDNS pods.
        using var unbound = new ScenarioWorld(SgExample, null, NodeLocalDnsDaemonSet("169.254.20.10"), Clients);
        var (unboundExit, unboundOutput, _) = PodnetCli.Run("reach", unbound.Directory, "my-namespace/plain", "10.100.0.10", "53/udp");
        Assert.Equal(0, unboundExit);
        Assert.StartsWith("ALLOWED\n  ok    service: 10.100.0.10 is the ClusterIP of Service kube-system/kube-dns: kube-proxy on ip-", unboundOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictMode_PodWithSecurityGroups_CannotReachTheCache_OthersResolveThroughIt()
    {
        using var scenario = new ScenarioWorld(SgExample, null, NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), KubeDnsUpstream(null), Clients);

        // run: a cache on every node, on the host network.
        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(run, @"\nkube-system +node-local-dns-\S+ +1/1 +Running +0 +\S+ +192\.168\.\d+\.\d+ +ip-192-168-"));
        Assert.Matches(@"\nkube-system +node-local-dns-\S+ +1/1 +Running +0 +\S+ +192\.168\.64\.4 +ip-192-168-64-4\.", run);
        Assert.Matches(@"\nmy-namespace +client +1/1 +Running ", run);

        // reach: the pod with security groups asks 169.254.20.10, which its branch interface never delivers.
        var (reachExit, reach, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/client", "svc/my-namespace/my-app", "80");
        Assert.Equal(1, reachExit);
        Assert.Matches(@"^DENIED\n  ok    dns: resolver: dnsPolicy None: nameserver 169\.254\.20\.10 \(NodeLocal DNSCache's\)\n  FAIL  dns: node: 169\.254\.20\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on ip-192-168-\d+-\d+\.us-west-2\.compute\.internal\): in strict mode my-namespace/client sends every packet by its branch interface eni-[0-9a-f]{17}, so it never reaches the node's listener \(POD_SECURITY_GROUP_ENFORCING_MODE=standard lets it\)\n", reach);
        Assert.Contains("  FAIL  dns: the DNS query (UDP/53) to NodeLocal DNSCache at 169.254.20.10 fails: my-app.my-namespace.svc.cluster.local does not resolve\n", reach, StringComparison.Ordinal);
        Assert.DoesNotContain("NAT gateway", reach, StringComparison.Ordinal);

        // The same address asked directly: the same step.
        var (_, direct, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/client", "169.254.20.10", "53/udp");
        Assert.Matches(@"^DENIED\n  FAIL  node: 169\.254\.20\.10 is NodeLocal DNSCache's .*in strict mode my-namespace/client sends every packet by its branch interface", direct);

        // A pod without security groups and the default resolver (kube-dns's ClusterIP, which the cache binds in
        // iptables mode) is answered on its node; the cache asks CoreDNS from the node over TCP, at kube-dns-upstream's
        // ClusterIP through kube-proxy.
        var (_, plain, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "svc/my-namespace/my-app", "80");
        Assert.Matches(@"\n  ok    dns: node: 10\.100\.0\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on ip-192-168-\d+-\d+\.us-west-2\.compute\.internal\): the packet stays on the node, crosses no VPC interface and is never routed out of the VPC: security groups do not apply\n", plain);
        Assert.Matches(@"\n  ok    dns: service: NodeLocal DNSCache kube-system/node-local-dns-\S+ forwards cluster\.local over TCP \(force_tcp\), from the host network of ip-192-168-\d+-\d+\.us-west-2\.compute\.internal, to 10\.100\.\d+\.\d+, the ClusterIP of Service kube-system/kube-dns-upstream \(-upstreamsvc kube-dns-upstream\): kube-proxy on ip-192-168-\d+-\d+\.us-west-2\.compute\.internal translates it \(DNAT, rule ""kube-system/kube-dns-upstream:dns-tcp cluster IP""\) to a ready endpoint\n", plain);
        Assert.Matches(@"\n  ok    dns: node-local-dns-\S+ to coredns-\S+: ingress: kube-system/coredns-\S+ via its primary interface eni-[0-9a-f]{17}: sg-", plain);
        Assert.Matches(@"\n  ok    dns: my-app\.my-namespace\.svc\.cluster\.local resolves to 10\.100\.\d+\.\d+ \(NodeLocal DNSCache kube-system/node-local-dns-\S+ at 10\.100\.0\.10, then Service kube-system/kube-dns-upstream: CoreDNS kube-system/coredns-[^,\s]+(, kube-system/coredns-[^,\s]+)*\)\n", plain);

        // lint: the finding names the pods whose DNS fails, with reach's reason.
        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.Matches(
            @"warning  DaemonSet kube-system/node-local-dns  \[strict-mode-nodelocal-dnscache\]\n  the cluster uses NodeLocal DNSCache and security groups for pods, but POD_SECURITY_GROUP_ENFORCING_MODE is strict: pods with security groups are supported with NodeLocal DNSCache only in standard mode; DNS fails for Pod my-namespace/client and 4 more: 169\.254\.20\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on \S+\): in strict mode my-namespace/client sends every packet by its branch interface eni-[0-9a-f]{17}, so it never reaches the node's listener",
            lint);
    }

    [Fact]
    public void StandardMode_PodWithSecurityGroups_ResolvesThroughTheCache()
    {
        using var scenario = new ScenarioWorld(
            SgExample,
            t => ExampleWorlds.WithCniEnv(t, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")),
            NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"),
            KubeDnsUpstream(null),
            Clients);
        var (_, reach, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/client", "svc/my-namespace/my-app", "80");
        Assert.Matches(@"^(ALLOWED|DENIED)\n  ok    dns: resolver: dnsPolicy None: nameserver 169\.254\.20\.10 \(NodeLocal DNSCache's\)\n  ok    dns: node: 169\.254\.20\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on \S+\): the packet stays on the node, crosses no VPC interface and is never routed out of the VPC: security groups do not apply\n", reach);
        Assert.Matches(@"\n  ok    dns: my-app\.my-namespace\.svc\.cluster\.local resolves to 10\.100\.\d+\.\d+ \(NodeLocal DNSCache kube-system/node-local-dns-\S+ at 169\.254\.20\.10, then Service kube-system/kube-dns-upstream: CoreDNS kube-system/coredns-[^,\s]+(, kube-system/coredns-[^,\s]+)*\)\n", reach);

        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.DoesNotContain("strict-mode-nodelocal-dnscache", lint, StringComparison.Ordinal);
    }

    [Fact]
    public void LinkLocal_IsNeverOutThroughTheNatGateway_AndACacheOnlyOnTheLinkLocalAddressLeavesClusterFirstPodsOnCoreDns()
    {
        // kube-proxy in IPVS mode: the cache binds 169.254.20.10 only, so ClusterFirst pods still ask CoreDNS.
        using var scenario = new ScenarioWorld(SgExample, null, NodeLocalDnsDaemonSet("169.254.20.10"), Clients);

        var (exit, metadata, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "169.254.169.254", "80");
        Assert.Equal(0, exit);
        Assert.Matches(@"^ALLOWED\n  ok    node: 169\.254\.169\.254 is link-local, on the node ip-192-168-\d+-\d+\.us-west-2\.compute\.internal: the packet stays on the node, crosses no VPC interface and is never routed out of the VPC: security groups do not apply\n$", metadata);

        var (_, plain, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "svc/my-namespace/my-app", "80");
        Assert.Matches(@"\n  ok    dns: my-app\.my-namespace\.svc\.cluster\.local resolves to 10\.100\.\d+\.\d+ \(kube-dns\)\n", plain);
        Assert.DoesNotContain("NodeLocal DNSCache", plain, StringComparison.Ordinal);

        var (_, cache, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "169.254.20.10", "53/udp");
        Assert.Matches(@"^ALLOWED\n  ok    node: 169\.254\.20\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on \S+\): the packet stays on the node", cache);
        var (_, wrongPort, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "169.254.20.10", "80");
        Assert.Matches(@"^DENIED\n  FAIL  node: 169\.254\.20\.10 is NodeLocal DNSCache's .*: it listens on port 53 only, not TCP/80\n", wrongPort);
    }

    private static string Text(ReachResult result) => string.Join("\n", result.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"));

    /// <summary>hello-eks's CoreDNS pods (by name), a web replica on a node with one of them, and one on a node with none.</summary>
    private static (List<PodView> Dns, PodView Near, PodView Lonely) Placement(Podnet.World.World world)
    {
        List<PodView> Pods(string ns, string prefix)
            => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))
                .Where(p => p.PodIP is not null && p.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal)];
        var dns = Pods("kube-system", "coredns-");
        var web = Pods("shop", "web-");
        Assert.Equal(2, dns.Count);
        var nodes = dns.Select(p => p.NodeName).ToHashSet(StringComparer.Ordinal);
        return (dns, web.First(p => nodes.Contains(p.NodeName)), web.First(p => !nodes.Contains(p.NodeName)));
    }

    /// <summary>The name of the node-local-dns pod on <paramref name="node"/>.</summary>
    private static string CacheOn(Podnet.World.World world, string node)
        => world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p))
            .Single(p => p.NodeName == node && p.Name.StartsWith("node-local-dns-", StringComparison.Ordinal)).Name;

    private static string ClusterIp(Podnet.World.World world, string ns, string name)
        => world.ControlPlane.Store.Get("v1", "Service", ns, name).GetString("spec.clusterIP")!;

    [Fact]
    public void CacheUpstream_InternalTrafficPolicyLocal_WithoutCoreDnsOnTheNode_IsDroppedByKubeProxy_WithOneThereItResolves()
    {
        // iptables mode: ClusterFirst pods ask the cache (it binds kube-dns's ClusterIP), the cache asks
        // kube-dns-upstream's ClusterIP from the node, and kube-proxy there keeps only CoreDNS pods on that node.
        var world = ExampleWorlds.Load("hello-eks", null, NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), KubeDnsUpstream("Local"));
        var (dns, near, lonely) = Placement(world);
        var upstream = ClusterIp(world, "kube-system", "kube-dns-upstream");
        var web = ClusterIp(world, "shop", "web");
        var reach = new Reachability(world);

        var dropped = reach.Evaluate($"shop/{lonely.Name}", "svc/shop/web", "80");
        Assert.False(dropped.Allowed);
        var lonelyCache = CacheOn(world, lonely.NodeName!);
        var elsewhere = string.Join(", ", dns.Select(p => $"kube-system/{p.Name} on {p.NodeName}"));
        Assert.Equal(new Hop("dns: service", false, $"NodeLocal DNSCache kube-system/{lonelyCache} forwards cluster.local over TCP (force_tcp), from the host network of {lonely.NodeName}, to {upstream}, the ClusterIP of Service kube-system/kube-dns-upstream (-upstreamsvc kube-dns-upstream): {upstream} is the ClusterIP of Service kube-system/kube-dns-upstream, whose internalTrafficPolicy is Local, and none of its ready endpoints is on {lonely.NodeName} ({elsewhere}): kube-proxy's filter rule \"kube-system/kube-dns-upstream:dns-tcp has no local endpoints\" drops {upstream} TCP/53 (DROP, not REJECT): nothing answers, the connection times out"), dropped.Hops[^2]);
        Assert.Equal(new Hop("dns", false, $"NodeLocal DNSCache kube-system/{lonelyCache} gets no answer from CoreDNS through Service kube-system/kube-dns-upstream (TCP/53 from the node): web.shop.svc.cluster.local does not resolve"), dropped.Hops[^1]);
        Assert.DoesNotContain(dropped.Hops, h => h.Detail.Contains(" via its primary interface", StringComparison.Ordinal) && h.Step.StartsWith($"dns: {lonelyCache} to ", StringComparison.Ordinal));

        var resolved = reach.Evaluate($"shop/{near.Name}", "svc/shop/web", "80");
        Assert.True(resolved.Allowed, Text(resolved));
        var nearCache = CacheOn(world, near.NodeName!);
        var local = dns.Single(p => p.NodeName == near.NodeName);
        var other = dns.Single(p => p.NodeName != near.NodeName);
        Assert.Contains(new Hop("dns: service", true, $"Service kube-system/kube-dns-upstream has internalTrafficPolicy Local: kube-proxy on {near.NodeName} sends {upstream} TCP/53 only to its ready endpoints on {near.NodeName}: kube-system/{local.Name}; not kube-system/{other.Name} on {other.NodeName}"), resolved.Hops);
        Assert.Contains(new Hop("dns", true, $"web.shop.svc.cluster.local resolves to {web} (NodeLocal DNSCache kube-system/{nearCache} at 10.100.0.10, then Service kube-system/kube-dns-upstream: CoreDNS kube-system/{local.Name})"), resolved.Hops);
        Assert.DoesNotContain(resolved.Hops, h => h.Step.StartsWith($"dns: {nearCache} to {other.Name}", StringComparison.Ordinal));

        // The emulated shell's resolver takes the same decision: the lonely pod's lookup gets no answer.
        Assert.NotEqual(0, new Podnet.World.Shell.PodShell(world, "shop", lonely.Name).Exec(["nslookup", "web"]).ExitCode);
        Assert.Equal(0, new Podnet.World.Shell.PodShell(world, "shop", near.Name).Exec(["nslookup", "web"]).ExitCode);
    }

    [Fact]
    public void CacheUpstream_InternalTrafficPolicyCluster_ResolvesFromANodeWithoutCoreDns_ThroughEveryCoreDnsPod()
    {
        var world = ExampleWorlds.Load("hello-eks", null, NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), KubeDnsUpstream(null));
        var (dns, _, lonely) = Placement(world);
        var upstream = ClusterIp(world, "kube-system", "kube-dns-upstream");
        var cache = CacheOn(world, lonely.NodeName!);

        var result = new Reachability(world).Evaluate($"shop/{lonely.Name}", "svc/shop/web", "80");

        Assert.True(result.Allowed, Text(result));
        Assert.Contains(new Hop("dns: service", true, $"NodeLocal DNSCache kube-system/{cache} forwards cluster.local over TCP (force_tcp), from the host network of {lonely.NodeName}, to {upstream}, the ClusterIP of Service kube-system/kube-dns-upstream (-upstreamsvc kube-dns-upstream): kube-proxy on {lonely.NodeName} translates it (DNAT, rule \"kube-system/kube-dns-upstream:dns-tcp cluster IP\") to a ready endpoint"), result.Hops);
        Assert.DoesNotContain(result.Hops, h => h.Detail.Contains("has internalTrafficPolicy Local", StringComparison.Ordinal));
        Assert.Contains(new Hop("dns", true, $"web.shop.svc.cluster.local resolves to {ClusterIp(world, "shop", "web")} (NodeLocal DNSCache kube-system/{cache} at 10.100.0.10, then Service kube-system/kube-dns-upstream: CoreDNS {string.Join(", ", dns.Select(p => $"kube-system/{p.Name}"))})"), result.Hops);
        Assert.All(dns, p => Assert.Contains(result.Hops, h => h.Step == $"dns: {cache} to {p.Name}: ingress" && h.Allowed));
    }

    [Fact]
    public void CacheUpstream_WithoutKubeDnsUpstream_AsksKubeDns_AndKubeDnsBoundByTheCacheIsAForwardingLoop()
    {
        // No -upstreamsvc: node-cache's default, kube-dns, whose ClusterIP kube-proxy translates (the cache binds only
        // 169.254.20.10, IPVS mode's setup), so a pod asking 169.254.20.10 resolves through it.
        const string client = """
            apiVersion: v1
            kind: Pod
            metadata: {name: cache-client, namespace: shop}
            spec:
              dnsPolicy: None
              dnsConfig: {nameservers: [169.254.20.10]}
              containers: [{name: c, image: public.ecr.aws/docker/library/busybox:1.36}]
            """;
        var world = ExampleWorlds.Load("hello-eks", null, NodeLocalDnsDaemonSet("169.254.20.10", null), client);
        var node = PodView.Of(world.ControlPlane.Store.Get("v1", "Pod", "shop", "cache-client")).NodeName!;
        var cache = CacheOn(world, node);
        var result = new Reachability(world).Evaluate("shop/cache-client", "svc/shop/web", "80");
        Assert.True(result.Allowed, Text(result));
        Assert.Contains(new Hop("dns: service", true, $"NodeLocal DNSCache kube-system/{cache} forwards cluster.local over TCP (force_tcp), from the host network of {node}, to 10.100.0.10, the ClusterIP of Service kube-system/kube-dns (-upstreamsvc kube-dns): kube-proxy on {node} translates it (DNAT, rule \"kube-system/kube-dns:dns-tcp cluster IP\") to a ready endpoint"), result.Hops);
        Assert.Matches(@"^web\.shop\.svc\.cluster\.local resolves to \S+ \(NodeLocal DNSCache kube-system/node-local-dns-\S+ at 169\.254\.20\.10, then Service kube-system/kube-dns: CoreDNS kube-system/coredns-[^,\s]+, kube-system/coredns-[^,\s]+\)$", result.Hops.Single(h => h.Step == "dns").Detail);

        // -upstreamsvc kube-dns-upstream, which the world does not have: judged against kube-dns, and said so.
        var named = ExampleWorlds.Load("hello-eks", null, NodeLocalDnsDaemonSet("169.254.20.10"), client);
        var fallback = new Reachability(named).Evaluate("shop/cache-client", "svc/shop/web", "80");
        Assert.True(fallback.Allowed, Text(fallback));
        Assert.Contains(fallback.Hops, h => h.Step == "dns: service" && h.Allowed && h.Detail.Contains("to 10.100.0.10, the ClusterIP of Service kube-system/kube-dns (-upstreamsvc kube-dns-upstream; the world has no Service kube-system/kube-dns-upstream, so it is judged against kube-dns): kube-proxy on ", StringComparison.Ordinal));

        // The cache binding kube-dns's ClusterIP too (iptables mode) and forwarding to it: the query comes back to itself.
        var looped = ExampleWorlds.Load("hello-eks", null, NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10", null));
        var (_, near, _) = Placement(looped);
        var nearCache = CacheOn(looped, near.NodeName!);
        var loop = new Reachability(looped).Evaluate($"shop/{near.Name}", "svc/shop/web", "80");
        Assert.False(loop.Allowed);
        Assert.Equal(new Hop("dns: service", false, $"NodeLocal DNSCache kube-system/{nearCache} forwards cluster.local over TCP (force_tcp), from the host network of {near.NodeName}, to 10.100.0.10, the ClusterIP of Service kube-system/kube-dns (-upstreamsvc kube-dns): the cache binds 10.100.0.10 itself (-localip), so the query comes back to it, a forwarding loop that the Corefile's loop plugin stops (nodelocaldns.yaml forwards to kube-dns-upstream, a ClusterIP of its own, for this reason)"), loop.Hops[^2]);
        Assert.Equal(new Hop("dns", false, $"NodeLocal DNSCache kube-system/{nearCache} gets no answer from CoreDNS through Service kube-system/kube-dns (TCP/53 from the node): web.shop.svc.cluster.local does not resolve"), loop.Hops[^1]);
    }
}
