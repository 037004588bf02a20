using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11: a Service's <c>internalTrafficPolicy</c> and a port it does not serve, as kube-proxy (iptables mode)
/// handles them on the source's node (kubernetes/kubernetes pkg/proxy/iptables/proxier.go <c>syncProxyRules</c>,
/// pkg/proxy/topology.go <c>CategorizeEndpoints</c>), alike for <c>svc/NAMESPACE/NAME</c> and for the ClusterIP given as
/// an address. The world is examples/hello-eks (three nodes, a web replica on each, two CoreDNS pods on two of them)
/// with one more Service in front of CoreDNS, so that one web replica's node has an endpoint and another's has none.
/// </summary>
public class ServiceTrafficPolicyTests
{
    /// <summary>A Service in front of the CoreDNS pods, with <c>internalTrafficPolicy: Local</c> unless <paramref name="policy"/> is null (the API server's default, Cluster).</summary>
    internal static string DnsService(string? policy) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: dns-local, namespace: kube-system}
        spec:
          selector: {k8s-app: kube-dns}
        {{(policy is null ? string.Empty : $"  internalTrafficPolicy: {policy}\n")}}  ports:
          - {name: dns, port: 53, protocol: UDP}
        """;

    private static List<PodView> Pods(Podnet.World.World world, string ns, string prefix)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))
            .Where(p => p.PodIP is not null && p.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The CoreDNS pods, a web replica on a node with one of them, and a web replica on a node with none.</summary>
    private static (List<PodView> Dns, PodView Near, PodView Lonely) Placement(Podnet.World.World world)
    {
        var dns = Pods(world, "kube-system", "coredns-");
        var web = Pods(world, "shop", "web-");
        Assert.Equal(2, dns.Count);
        var nodes = dns.Select(p => p.NodeName).ToHashSet(StringComparer.Ordinal);
        return (dns, web.First(p => nodes.Contains(p.NodeName)), web.First(p => !nodes.Contains(p.NodeName)));
    }

    private static KubeObject Service(Podnet.World.World world)
        => world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Service"), "kube-system", "dns-local")!;

    private static string Text(ReachResult result) => string.Join("\n", result.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"));

    /// <summary>The hops kube-proxy's DNAT adds, one per endpoint reached: <c>CLUSTERIP:PORT → NS/POD …</c>.</summary>
    private static List<string> Translations(ReachResult result)
        => [.. result.Hops.Where(h => h.Step == "service" && h.Detail.Contains(" → ", StringComparison.Ordinal)).Select(h => h.Detail[(h.Detail.IndexOf(" → ", StringComparison.Ordinal) + 3)..].Split(' ')[0])];

    [Fact]
    public void InternalTrafficPolicyLocal_WithAnEndpointOnTheSourcesNode_ReachesOnlyIt_AndTheHopNamesTheNode()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsService("Local"));
        var (dns, near, _) = Placement(world);
        var local = dns.Single(p => p.NodeName == near.NodeName);
        var other = dns.Single(p => p.NodeName != near.NodeName);
        var clusterIp = Service(world).GetString("spec.clusterIP");

        var result = new Reachability(world).Evaluate($"shop/{near.Name}", "svc/kube-system/dns-local", "53/udp");

        Assert.True(result.Allowed, Text(result));
        Assert.Contains(new Hop("service", true, $"Service kube-system/dns-local has internalTrafficPolicy Local: kube-proxy on {near.NodeName} sends {clusterIp} UDP/53 only to its ready endpoints on {near.NodeName}: kube-system/{local.Name}; not kube-system/{other.Name} on {other.NodeName}"), result.Hops);
        Assert.Equal([$"kube-system/{local.Name}"], Translations(result));
    }

    [Fact]
    public void InternalTrafficPolicyLocal_WithEndpointsOnlyOnOtherNodes_IsDroppedByKubeProxysNoLocalEndpointsRule()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsService("Local"));
        var (dns, _, lonely) = Placement(world);
        var clusterIp = Service(world).GetString("spec.clusterIP");

        var result = new Reachability(world).Evaluate($"shop/{lonely.Name}", "svc/kube-system/dns-local", "53/udp");

        Assert.False(result.Allowed);
        var elsewhere = string.Join(", ", dns.Select(p => $"kube-system/{p.Name} on {p.NodeName}"));
        Assert.Equal(new Hop("service", false, $"{clusterIp} is the ClusterIP of Service kube-system/dns-local, whose internalTrafficPolicy is Local, and none of its ready endpoints is on {lonely.NodeName} ({elsewhere}): kube-proxy's filter rule \"kube-system/dns-local:dns has no local endpoints\" drops {clusterIp} UDP/53 (DROP, not REJECT): nothing answers, the connection times out"), result.Hops[^1]);
        Assert.Contains(result.Hops, h => h.Step == "dns" && h.Allowed);
        Assert.Empty(Translations(result));
    }

    [Fact]
    public void InternalTrafficPolicyCluster_TheDefault_ReachesEveryReadyEndpoint_FromAnyNode()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsService(null));
        Assert.Equal("Cluster", Service(world).GetString("spec.internalTrafficPolicy"));
        var (dns, near, lonely) = Placement(world);

        foreach (var source in new[] { near, lonely })
        {
            var result = new Reachability(world).Evaluate($"shop/{source.Name}", "svc/kube-system/dns-local", "53/udp");

            Assert.True(result.Allowed, Text(result));
            Assert.Equal([.. dns.Select(p => $"kube-system/{p.Name}")], Translations(result).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(result.Hops, h => h.Detail.Contains("internalTrafficPolicy", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void InternalTrafficPolicyLocal_ThroughTheClusterIp_DecidesAsTheServiceName()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsService("Local"));
        var (_, near, lonely) = Placement(world);
        var clusterIp = Service(world).GetString("spec.clusterIP")!;
        var reach = new Reachability(world);

        var nearByAddress = reach.Evaluate($"shop/{near.Name}", clusterIp, "53/udp");
        var nearByName = reach.Evaluate($"shop/{near.Name}", "svc/kube-system/dns-local", "53/udp");
        Assert.True(nearByAddress.Allowed, Text(nearByAddress));
        Assert.Equal(new Hop("service", true, $"{clusterIp} is the ClusterIP of Service kube-system/dns-local: kube-proxy on {near.NodeName} translates it (DNAT, rule \"kube-system/dns-local:dns cluster IP\") to a ready endpoint"), nearByAddress.Hops[0]);
        Assert.Equal(nearByName.Hops.Where(h => !h.Step.StartsWith("dns", StringComparison.Ordinal)).ToList(), nearByAddress.Hops.Skip(1).ToList());

        var lonelyByAddress = reach.Evaluate($"shop/{lonely.Name}", clusterIp, "53/udp");
        var lonelyByName = reach.Evaluate($"shop/{lonely.Name}", "svc/kube-system/dns-local", "53/udp");
        Assert.False(lonelyByAddress.Allowed);
        Assert.Equal(lonelyByName.Hops[^1], Assert.Single(lonelyByAddress.Hops));
        Assert.Contains("has no local endpoints\" drops", lonelyByAddress.Hops[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void InternalTrafficPolicyLocal_FromAllPodsOfASelector_OnlyThoseNearAnEndpointAreAllowed()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsService("Local"));
        var (_, _, lonely) = Placement(world);

        var result = new Reachability(world).Evaluate("shop/app=web", "svc/kube-system/dns-local", "53/udp");

        Assert.False(result.Allowed);
        Assert.EndsWith("; 2 of 3 connections allowed", result.Hops[0].Detail, StringComparison.Ordinal);
        var dropped = Assert.Single(result.Hops, h => !h.Allowed && h.Step.EndsWith(": service", StringComparison.Ordinal));
        Assert.StartsWith($"shop/{lonely.Name} -> svc/kube-system/dns-local: ", dropped.Step, StringComparison.Ordinal);
    }

    [Fact]
    public void InternalTrafficPolicyLocal_FromTheNodeItself_UsesThatNodesEndpoints()
    {
        // A node's own connections pass the same KUBE-SERVICES rules (the nat and filter OUTPUT chains jump to them).
        // A node resolves no Service name (its resolver is the VPC's), so it is asked by the Service's ClusterIP.
        var world = ExampleWorlds.Load("hello-eks", null, DnsService("Local"));
        var (dns, _, lonely) = Placement(world);
        var reach = new Reachability(world);
        var clusterIp = world.ControlPlane.Store.Get(world.ControlPlane.Store.Resources.For("v1", "Service"), "kube-system", "dns-local").GetString("spec.clusterIP")!;

        Assert.False(reach.Evaluate($"node/{lonely.NodeName}", clusterIp, "53/udp").Allowed);
        var near = reach.Evaluate($"node/{dns[0].NodeName}", clusterIp, "53/udp");
        Assert.True(near.Allowed, Text(near));
        Assert.Equal([$"kube-system/{dns[0].Name}"], Translations(near));
    }

    [Fact]
    public void ServiceName_FromANode_DoesNotResolve_ItsResolverIsTheVpcs()
    {
        // The node's /etc/resolv.conf names the VPC's Amazon-provided DNS, which answers NXDOMAIN for cluster.local.
        var world = ExampleWorlds.Load("hello-eks", null, DnsService("Cluster"));
        var (dns, _, _) = Placement(world);
        var result = new Reachability(world).Evaluate($"node/{dns[0].NodeName}", "svc/kube-system/dns-local", "53/udp");

        Assert.False(result.Allowed);
        Assert.Contains(result.Hops, h => h.Step == "dns: resolver" && h.Detail.Contains("is a node: its /etc/resolv.conf names nameserver", StringComparison.Ordinal));
        Assert.Contains(result.Hops, h => !h.Allowed && h.Detail.Contains("the VPC's Route 53 Resolver, answers NXDOMAIN", StringComparison.Ordinal));
    }

    [Fact]
    public void InternalTrafficPolicyLocal_FromAFargatePod_OnlyThePodItselfIsLocal_ItsNodeIsItsOwn()
    {
        // Each Fargate pod runs on its own fargate-ip-… node, with kube-proxy in its micro-VM: under Local the only
        // endpoint on that node is the pod itself; a pod on an EC2 node has none there.
        var world = ExampleWorlds.Load("security-groups-for-pods", null, """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: FargateProfile
            metadata: {name: fp-batch}
            spec:
              Cluster: podnet
              Subnets: [private-us-west-2a, private-us-west-2b]
              Selectors: [{namespace: batch}]
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: batch}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: worker, namespace: batch}
            spec:
              replicas: 2
              selector: {matchLabels: {app: worker}}
              template:
                metadata: {labels: {app: worker}}
                spec:
                  containers:
                  - {name: worker, image: public.ecr.aws/docker/library/busybox:1.36, ports: [{containerPort: 8080}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: workers, namespace: batch}
            spec:
              selector: {app: worker}
              internalTrafficPolicy: Local
              ports:
              - {name: api, port: 8080}
            """);
        var workers = Pods(world, "batch", "worker-");
        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.StartsWith("fargate-ip-", w.NodeName, StringComparison.Ordinal));
        var clusterIp = world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Service"), "batch", "workers")!.GetString("spec.clusterIP")!;
        var reach = new Reachability(world);

        var own = reach.Evaluate($"batch/{workers[0].Name}", clusterIp, "8080");
        Assert.True(own.Allowed, Text(own));
        Assert.Equal(new Hop("service", true, $"Service batch/workers has internalTrafficPolicy Local: kube-proxy on {workers[0].NodeName} sends {clusterIp} TCP/8080 only to its ready endpoints on {workers[0].NodeName}: batch/{workers[0].Name}; not batch/{workers[1].Name} on {workers[1].NodeName}"), own.Hops[1]);
        Assert.Equal([$"batch/{workers[0].Name}"], Translations(own));

        var ec2Pod = Pods(world, "my-namespace", "my-deployment-")[0];
        var dropped = reach.Evaluate($"my-namespace/{ec2Pod.Name}", clusterIp, "8080");
        Assert.False(dropped.Allowed);
        Assert.Contains($"none of its ready endpoints is on {ec2Pod.NodeName} (", Assert.Single(dropped.Hops).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void KubeDnsWithInternalTrafficPolicyLocal_OnlyPodsOnANodeWithCoreDns_ResolveAServiceName()
    {
        // The DNS step's query goes to kube-dns's ClusterIP, so kube-proxy's decision applies to it as to any Service.
        var world = ExampleWorlds.Load("hello-eks");
        var store = world.ControlPlane.Store;
        store.Patch(store.Resources.For("v1", "Service"), "kube-system", "kube-dns", Podnet.Kube.Store.PatchType.Merge, System.Text.Json.Nodes.JsonNode.Parse("""{"spec":{"internalTrafficPolicy":"Local"}}""")!);
        var (dns, near, lonely) = Placement(world);
        var kubeDns = store.TryGet(store.Resources.For("v1", "Service"), "kube-system", "kube-dns")!.GetString("spec.clusterIP");
        var reach = new Reachability(world);

        var dropped = reach.Evaluate($"shop/{lonely.Name}", "svc/shop/web", "80");
        Assert.False(dropped.Allowed);
        Assert.Equal(new Hop("dns", false, "the DNS query (UDP/53) to kube-dns gets no answer: web.shop.svc.cluster.local does not resolve"), dropped.Hops[^1]);
        var elsewhere = string.Join(", ", dns.Select(p => $"kube-system/{p.Name} on {p.NodeName}"));
        Assert.Equal(new Hop("dns: service", false, $"{kubeDns} is the ClusterIP of Service kube-system/kube-dns, whose internalTrafficPolicy is Local, and none of its ready endpoints is on {lonely.NodeName} ({elsewhere}): kube-proxy's filter rule \"kube-system/kube-dns:dns has no local endpoints\" drops {kubeDns} UDP/53 (DROP, not REJECT): nothing answers, the connection times out"), dropped.Hops[^2]);

        var resolved = reach.Evaluate($"shop/{near.Name}", "svc/shop/web", "80");
        Assert.True(resolved.Allowed, Text(resolved));
        var local = dns.Single(p => p.NodeName == near.NodeName);
        var other = dns.Single(p => p.NodeName != near.NodeName);
        Assert.Contains(new Hop("dns: service", true, $"Service kube-system/kube-dns has internalTrafficPolicy Local: kube-proxy on {near.NodeName} sends {kubeDns} UDP/53 only to its ready endpoints on {near.NodeName}: kube-system/{local.Name}; not kube-system/{other.Name} on {other.NodeName}"), resolved.Hops);
        Assert.DoesNotContain(resolved.Hops, h => h.Step.StartsWith("dns", StringComparison.Ordinal) && h.Detail.Contains(other.Name + " via", StringComparison.Ordinal));
    }

    [Fact]
    public void HeadlessService_ByName_IsConnectedToDirectly_WithoutKubeProxysPortsOrTrafficPolicy()
    {
        // kube-proxy skips a Service without a ClusterIP (pkg/proxy/util ShouldSkipService): the name answers the
        // endpoints' own addresses, so a port the Service does not list and internalTrafficPolicy change nothing.
        var world = ExampleWorlds.Load("hello-eks", null, """
            apiVersion: v1
            kind: Service
            metadata: {name: web-headless, namespace: shop}
            spec:
              clusterIP: None
              selector: {app: web}
              internalTrafficPolicy: Local
              ports:
              - {name: http, port: 80}
            """);
        var web = Pods(world, "shop", "web-");

        var result = new Reachability(world).Evaluate($"shop/{web[0].Name}", "svc/shop/web-headless", "8080");

        Assert.True(result.Allowed, Text(result));
        Assert.Equal(new Hop("dns", true, $"web-headless.shop.svc.cluster.local resolves to {string.Join(", ", web.Select(p => p.PodIP))} (kube-dns)"), result.Hops.Single(h => h.Step == "dns"));
        Assert.Equal([.. web.Select(p => $"Service shop/web-headless is headless (clusterIP None): web-headless.shop.svc.cluster.local answers shop/{p.Name}'s own address, connected to directly on {p.PodIP}:8080 (no kube-proxy)")],
            result.Hops.Where(h => h.Step == "service").Select(h => h.Detail).ToList());
    }

    [Fact]
    public void ServiceName_OnAPortTheServiceDoesNotHave_SaysWhatTheClusterIpFormSays_NothingAnswers()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var web = Pods(world, "shop", "web-")[0];
        var clusterIp = world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Service"), "shop", "web")!.GetString("spec.clusterIP")!;
        var reach = new Reachability(world);

        var byName = reach.Evaluate($"shop/{web.Name}", "svc/shop/web", "81");
        var byAddress = reach.Evaluate($"shop/{web.Name}", clusterIp, "81");

        Assert.False(byName.Allowed);
        Assert.Equal(new Hop("service", false, $"{clusterIp} is the ClusterIP of Service shop/web, which has no port TCP/81: kube-proxy (iptables mode) has no rule for {clusterIp} TCP/81, so nothing translates it and nothing answers"), byName.Hops[^1]);
        Assert.Equal(Assert.Single(byAddress.Hops), byName.Hops[^1]);
        Assert.DoesNotContain(byName.Hops, h => h.Detail.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public void ServiceName_FromAnAddressOnNoNode_DoesNotResolve_AndItsClusterIpIsNotTranslated()
    {
        // The address is not a pod: it asks the resolver its own resolv.conf names, the VPC's Amazon-provided DNS, not
        // CoreDNS, even where the cluster security group admits its DNS queries to CoreDNS; and the ClusterIP the name
        // would resolve to is kube-proxy's, which handles no packet of an address on no node.
        var world = ExampleWorlds.Load("hello-eks", null, """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroupIngress
            metadata: {name: dns-from-an-address}
            spec:
              ClusterSecurityGroup: podnet
              IpPermissions:
              - {IpProtocol: udp, FromPort: 53, ToPort: 53, IpRanges: [{CidrIp: 192.168.64.200/32}]}
            """);
        var clusterIp = world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Service"), "shop", "web")!.GetString("spec.clusterIP")!;
        var reach = new Reachability(world);

        var byName = reach.Evaluate("192.168.64.200", "svc/shop/web", "80");

        Assert.False(byName.Allowed);
        Assert.StartsWith("192.168.64.200 is not a pod: an address of vpc-", Assert.Single(byName.Hops, h => h.Step == "dns: resolver").Detail, StringComparison.Ordinal);
        Assert.Equal(new Hop("dns", false, "192.168.0.2, the VPC's Route 53 Resolver, answers NXDOMAIN: it does not serve the cluster's domain cluster.local (only CoreDNS does), so web.shop.svc.cluster.local does not resolve"), byName.Hops[^1]);
        Assert.DoesNotContain(byName.Hops, h => h.Detail.Contains("coredns", StringComparison.Ordinal));
        Assert.Equal(new Hop("service", false, $"{clusterIp} is the ClusterIP of Service shop/web, which only kube-proxy on a node of the cluster translates: 192.168.64.200 is on no node, so nothing translates it and nothing answers"), Assert.Single(reach.Evaluate("192.168.64.200", clusterIp, "80").Hops));
        Assert.Empty(Translations(byName));
    }
}
