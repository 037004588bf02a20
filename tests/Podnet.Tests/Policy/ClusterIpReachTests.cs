using System.Net;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11: a Service's ClusterIP given to <c>reach</c> as an address is judged as kube-proxy (iptables mode) handles
/// it on the source's node — DNAT to the ready endpoints, as <c>svc/NAMESPACE/NAME</c> but without a DNS step; REJECT
/// for a Service without endpoints; no rule (nothing answers) for a port the Service lacks or an address of the Service
/// range no Service has — in an IPv4 cluster (examples/hello-eks) and an IPv6 one (examples/ipv6-cluster).
/// </summary>
public class ClusterIpReachTests
{
    /// <summary>A Service whose selector matches no pod: its Endpoints have no ready address.</summary>
    private const string Idle = """
        apiVersion: v1
        kind: Service
        metadata: {name: idle, namespace: shop}
        spec:
          selector: {app: nobody}
          ports:
          - {name: api, port: 8080}
        """;

    private static PodView Web(Podnet.World.World world)
        => world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).Where(p => p.PodIP is not null).OrderBy(p => p.Name, StringComparer.Ordinal).First();

    private static KubeObject Service(Podnet.World.World world, string ns, string name)
        => world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Service"), ns, name)!;

    private static string ClusterIp(Podnet.World.World world, string ns, string name) => Service(world, ns, name).GetString("spec.clusterIP")!;

    private static string NodeOf(PodView pod) => pod.NodeName!;

    private static string Text(ReachResult result) => string.Join("\n", result.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"));

    /// <summary>The hops of <c>svc/…</c> after its DNS step: what a ClusterIP's verdict must repeat after its own line.</summary>
    private static List<Hop> AfterDns(ReachResult result) => [.. result.Hops.Where(h => !h.Step.StartsWith("dns", StringComparison.Ordinal))];

    [Theory]
    [InlineData("hello-eks", "shop", "web", "80")]
    [InlineData("hello-eks", "kube-system", "kube-dns", "53/udp")]
    [InlineData("ipv6-cluster", "shop", "web", "80")]
    [InlineData("ipv6-cluster", "kube-system", "kube-dns", "53/udp")]
    public void ClusterIp_IsTranslatedByKubeProxy_LikeTheServiceName_WithoutDns(string example, string ns, string name, string port)
    {
        var world = ExampleWorlds.Load(example);
        var web = Web(world);
        var address = ClusterIp(world, ns, name);
        var reach = new Reachability(world);

        var byAddress = reach.Evaluate($"shop/{web.Name}", address, port);
        var byName = reach.Evaluate($"shop/{web.Name}", $"svc/{ns}/{name}", port);

        Assert.Null(byAddress.ErrorMessage);
        Assert.True(byAddress.Allowed, Text(byAddress));
        Assert.Equal(byName.Allowed, byAddress.Allowed);
        var portName = name == "web" ? "http" : "dns";
        Assert.Equal(new Hop("service", true, $"{address} is the ClusterIP of Service {ns}/{name}: kube-proxy on {NodeOf(web)} translates it (DNAT, rule \"{ns}/{name}:{portName} cluster IP\") to a ready endpoint"), byAddress.Hops[0]);
        Assert.Equal(AfterDns(byName), byAddress.Hops.Skip(1).ToList());
        Assert.DoesNotContain(byAddress.Hops, h => h.Step is "route" or "dns");
        Assert.Contains(byName.Hops, h => h.Step == "dns");
    }

    [Theory]
    [InlineData("hello-eks", "TCP/81")]
    [InlineData("ipv6-cluster", "UDP/80")]
    public void ClusterIp_OnAPortTheServiceDoesNotHave_HasNoKubeProxyRule_NothingAnswers(string example, string port)
    {
        var world = ExampleWorlds.Load(example);
        var web = Web(world);
        var address = ClusterIp(world, "shop", "web");

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", address, port);

        Assert.False(result.Allowed);
        var hop = Assert.Single(result.Hops);
        Assert.Equal(new Hop("service", false, $"{address} is the ClusterIP of Service shop/web, which has no port {port}: kube-proxy (iptables mode) has no rule for {address} {port}, so nothing translates it and nothing answers"), hop);
    }

    [Theory]
    [InlineData("hello-eks", "icmp-port-unreachable")]
    [InlineData("ipv6-cluster", "icmp6-port-unreachable")]
    public void ClusterIp_OfAServiceWithoutReadyEndpoints_IsRejected_AsKubeProxysHasNoEndpointsRule(string example, string icmp)
    {
        var world = ExampleWorlds.Load(example, null, Idle);
        var web = Web(world);
        var address = ClusterIp(world, "shop", "idle");
        Assert.True(world.ControlPlane.ServiceCidr.Contains(IPAddress.Parse(address)));

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", address, "8080");

        Assert.False(result.Allowed);
        Assert.Equal(new Hop("service", false, $"{address} is the ClusterIP of Service shop/idle, which has no ready endpoints: kube-proxy's rule \"shop/idle:api has no endpoints\" rejects {address} TCP/8080 (REJECT, {icmp}): the connection is refused"), Assert.Single(result.Hops));
        // The Service's name connects to the same ClusterIP after its DNS step: kube-proxy's REJECT, in the same words.
        Assert.Equal(result.Hops[0], new Reachability(world).Evaluate($"shop/{web.Name}", "svc/shop/idle", "8080").Hops[^1]);
    }

    [Theory]
    [InlineData("hello-eks")]
    [InlineData("ipv6-cluster")]
    public void AnAddressOfTheServiceRange_ThatNoServiceHas_NothingAnswers_AndIsNotRoutedOut(string example)
    {
        var world = ExampleWorlds.Load(example);
        var web = Web(world);
        var range = world.ControlPlane.ServiceCidr;
        var taken = world.ControlPlane.Store.List("v1", "Service").Items.Select(s => IPAddress.Parse(s.GetString("spec.clusterIP")!)).ToHashSet();
        var free = range.AddressAt(4242);
        Assert.DoesNotContain(free, taken);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", free.ToString(), "443");

        Assert.Null(result.ErrorMessage);
        Assert.False(result.Allowed);
        Assert.Equal(new Hop("service", false, $"{free} is an address of the cluster's Service range {range} that no Service has as its ClusterIP: kube-proxy has no rule for it, so nothing translates it and nothing answers"), Assert.Single(result.Hops));
    }

    [Fact]
    public void ClusterIp_FromAnAddressOnNoNode_IsNotTranslated()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var address = ClusterIp(world, "shop", "web");

        var result = new Reachability(world).Evaluate("8.8.8.8", address, "80");

        Assert.False(result.Allowed);
        Assert.Equal(new Hop("service", false, $"{address} is the ClusterIP of Service shop/web, which only kube-proxy on a node of the cluster translates: 8.8.8.8 is on no node, so nothing translates it and nothing answers"), Assert.Single(result.Hops));
    }

    [Fact]
    public void ClusterIp_FromAllPodsOfASelector_JudgesEachThroughKubeProxy()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var address = ClusterIp(world, "shop", "web");

        var result = new Reachability(world).Evaluate("shop/app=web", address, "80");

        Assert.True(result.Allowed, Text(result));
        Assert.EndsWith("; 3 of 3 connections allowed", result.Hops[0].Detail, StringComparison.Ordinal);
        Assert.Equal(3, result.Hops.Count(h => h.Step.EndsWith($" -> {address}: service", StringComparison.Ordinal) && h.Detail.StartsWith($"{address} is the ClusterIP of Service shop/web: kube-proxy on ", StringComparison.Ordinal)));
    }
}
