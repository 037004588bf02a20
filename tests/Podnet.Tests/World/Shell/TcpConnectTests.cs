using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World.Shell;

namespace Podnet.Tests.World.Shell;

/// <summary>
/// The emulated shell's TCP connect to a Service's ClusterIP takes reach's decision (kube-proxy's rules on the pod's
/// node): a port the Service lacks has no rule and <c>internalTrafficPolicy: Local</c> without an endpoint on the node
/// is DROPped, so <c>curl</c> times out instead of being refused.
/// </summary>
public class TcpConnectTests
{
    /// <summary>CoreDNS's TCP port behind a Service that keeps traffic on the client's node.</summary>
    private const string DnsTcpLocal = """
        apiVersion: v1
        kind: Service
        metadata: {name: dns-tcp-local, namespace: kube-system}
        spec:
          selector: {k8s-app: kube-dns}
          internalTrafficPolicy: Local
          ports:
          - {name: dns-tcp, port: 53, protocol: TCP}
        """;

    private static List<PodView> Pods(Podnet.World.World world, string ns, string prefix)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))
            .Where(p => p.PodIP is not null && p.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    private static string ClusterIp(Podnet.World.World world, string ns, string name)
        => world.ControlPlane.Store.Get("v1", "Service", ns, name).GetString("spec.clusterIP")!;

    [Fact]
    public void Curl_InternalTrafficPolicyLocal_WithoutAnEndpointOnItsNode_TimesOut_AndWithOne_IsTranslatedToIt()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsTcpLocal);
        var dns = Pods(world, "kube-system", "coredns-");
        var nodes = dns.Select(p => p.NodeName).ToHashSet(StringComparer.Ordinal);
        var web = Pods(world, "shop", "web-");
        var lonely = web.First(p => !nodes.Contains(p.NodeName));
        var near = web.First(p => nodes.Contains(p.NodeName));
        var clusterIp = ClusterIp(world, "kube-system", "dns-tcp-local");

        var dropped = new PodShell(world, "shop", lonely.Name).Exec(["curl", "-sS", "-m", "2", $"http://{clusterIp}:53/"]);
        Assert.Equal(("curl: (28) Connection timed out after 2000 milliseconds\n", 28), (dropped.Stderr, dropped.ExitCode));
        Assert.Contains($"none of its ready endpoints is on {lonely.NodeName} (", dropped.Explanation, StringComparison.Ordinal);
        Assert.Contains("\"kube-system/dns-tcp-local:dns-tcp has no local endpoints\" drops", dropped.Explanation, StringComparison.Ordinal);

        var translated = new PodShell(world, "shop", near.Name).Exec(["curl", "-sS", "-m", "2", $"http://{clusterIp}:53/"]);
        Assert.NotEqual(28, translated.ExitCode);
        var local = dns.Single(p => p.NodeName == near.NodeName);
        Assert.Contains($"only to its ready endpoints on {near.NodeName}: kube-system/{local.Name}; not ", translated.Explanation, StringComparison.Ordinal);
        Assert.Contains($"{clusterIp}:53 → kube-system/{local.Name} ", translated.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Curl_ANodesAddressOnANodePort_IsTranslatedByThatNodesKubeProxy_AndLocalWithoutAnEndpointTimesOut()
    {
        // CoreDNS's TCP port behind a NodePort Service that keeps external traffic on the node it arrives at.
        var world = ExampleWorlds.Load("hello-eks", null, """
            apiVersion: v1
            kind: Service
            metadata: {name: dns-tcp-public, namespace: kube-system}
            spec:
              type: NodePort
              externalTrafficPolicy: Local
              selector: {k8s-app: kube-dns}
              ports:
              - {name: dns-tcp, port: 53, protocol: TCP, nodePort: 30053}
            """);
        var dns = Pods(world, "kube-system", "coredns-");
        var client = Pods(world, "shop", "web-")[0];
        var nodes = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();
        var near = nodes.First(n => n.Name == dns[0].NodeName);
        var lonely = nodes.Single(n => dns.All(p => p.NodeName != n.Name));

        var translated = new PodShell(world, "shop", client.Name).Exec(["curl", "-sS", "-m", "2", $"http://{near.InternalIP}:30053/"]);
        Assert.NotEqual(28, translated.ExitCode);
        Assert.Contains($"{near.InternalIP}:30053 → kube-system/{dns[0].Name} {dns[0].PodIP}:53 (kube-proxy on {near.Name}, source {client.PodIP} kept)", translated.Explanation, StringComparison.Ordinal);

        var dropped = new PodShell(world, "shop", client.Name).Exec(["curl", "-sS", "-m", "2", $"http://{lonely.InternalIP}:30053/"]);
        Assert.Equal(("curl: (28) Connection timed out after 2000 milliseconds\n", 28), (dropped.Stderr, dropped.ExitCode));
        Assert.Contains("\"kube-system/dns-tcp-public:dns-tcp has no local endpoints\" (KUBE-EXTERNAL-SERVICES) drops it", dropped.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Curl_ClusterIpOnAPortTheServiceLacks_TimesOut_NotRefused()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var web = Pods(world, "shop", "web-")[0];
        var clusterIp = ClusterIp(world, "shop", "web");

        var result = new PodShell(world, "shop", web.Name).Exec(["curl", "-sS", "-m", "2", $"http://{clusterIp}:81/"]);

        Assert.Equal(("curl: (28) Connection timed out after 2000 milliseconds\n", 28), (result.Stderr, result.ExitCode));
        Assert.Contains($"{clusterIp} is the ClusterIP of Service shop/web, which has no port TCP/81: kube-proxy (iptables mode) has no rule for {clusterIp} TCP/81, so nothing translates it and nothing answers", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Connect_ToTheSecondClusterIpOfADualStackService_IsTranslatedAsTheFirst()
    {
        // A dual-stack Service (ipFamilyPolicy RequireDualStack) holds an IPv4 and an IPv6 ClusterIP in spec.clusterIPs,
        // and kube-proxy has rules for both (one proxier per family); spec.clusterIP is only the first. Podnet's
        // allocator gives one family, so the world's Service is given its second address as a dump of a dual-stack
        // cluster would hold it.
        var world = ExampleWorlds.Load("hello-eks");
        var store = world.ControlPlane.Store;
        var web = Pods(world, "shop", "web-");
        var ipv4 = ClusterIp(world, "shop", "web");
        const string Ipv6 = "fd26:5c1a:de0b::6f7";
        store.Update(store.Get("v1", "Service", "shop", "web").With(json =>
        {
            json["spec"]!["clusterIPs"] = new JsonArray(ipv4, Ipv6);
            json["spec"]!["ipFamilies"] = new JsonArray("IPv4", "IPv6");
            json["spec"]!["ipFamilyPolicy"] = "RequireDualStack";
        }));
        var reach = new Reachability(world);
        var source = reach.ResolveEndpoint($"shop/{web[0].Name}")!;

        var byIpv6 = TcpConnect.To(reach, source, IPAddress.Parse(Ipv6), 80);
        var byIpv4 = TcpConnect.To(reach, source, IPAddress.Parse(ipv4), 80);

        Assert.Equal(ConnectOutcome.Connected, byIpv6.Outcome);
        Assert.Equal(web[0].Name, byIpv6.Server!.Name);
        Assert.Equal((byIpv4.Outcome, byIpv4.Server!.Name), (byIpv6.Outcome, byIpv6.Server.Name));
        Assert.Contains(byIpv6.Reach.SelectMany(r => r.Hops), h => h.Step == "service" && h.Detail.StartsWith($"[{Ipv6}]:80 → shop/{web[0].Name} {web[0].PodIP}:", StringComparison.Ordinal));
        Assert.Equal(
            byIpv4.Reach.Select(r => r.Hops.Count(h => h.Step == "service")),
            byIpv6.Reach.Select(r => r.Hops.Count(h => h.Step == "service")));
    }
}
