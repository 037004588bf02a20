using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World.Shell;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11: <c>svc/NS/NAME</c> of an ExternalName Service. It has no ClusterIP, so kube-proxy has no rule for it
/// (kubernetes/kubernetes pkg/proxy/util <c>ShouldSkipService</c>); CoreDNS answers its name from
/// <c>spec.externalName</c> (coredns plugin/backend_lookup.go <c>A</c>): an IP address as the address record, a host
/// name as a CNAME, followed by CoreDNS itself into its own zone. The world is examples/hello-eks.
/// </summary>
public class ExternalNameReachTests
{
    private static string ExternalName(string name, string target) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{name}}, namespace: shop}
        spec: {type: ExternalName, externalName: "{{target}}"}
        """;

    private static readonly Podnet.World.World World = ExampleWorlds.Load(
        "hello-eks",
        null,
        ExternalName("ext-ip", "1.1.1.1"),
        ExternalName("ext-host", "api.example.com"),
        ExternalName("ext-web", "web.shop.svc.cluster.local"),
        ExternalName("ext-nowhere", "gone.shop.svc.cluster.local"),
        PodDnsPolicyTests.Client("dns-default", "dnsPolicy: Default"));

    private static string Web => World.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => p.Name).Where(n => n.StartsWith("web-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).First();

    private static string Text(ReachResult result) => string.Join("\n", result.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"));

    [Fact]
    public void ExternalName_OfAnIpAddress_ResolvesToIt_AndIsJudgedAsThatAddressOutsideTheVpc()
    {
        var reach = new Reachability(World);

        var byName = reach.Evaluate($"shop/{Web}", "svc/shop/ext-ip", "443");
        var byAddress = reach.Evaluate($"shop/{Web}", "1.1.1.1", "443");

        Assert.True(byName.Allowed, Text(byName));
        Assert.Contains(new Hop("dns", true, "ext-ip.shop.svc.cluster.local resolves to 1.1.1.1 (kube-dns)"), byName.Hops);
        var service = Assert.Single(byName.Hops, h => h.Step == "service");
        Assert.Equal(new Hop("service", true, "Service shop/ext-ip is type ExternalName: it has no ClusterIP, so kube-proxy has no rule for it (pkg/proxy/util ShouldSkipService); its spec.externalName 1.1.1.1 is an IP address, which CoreDNS answers as ext-ip.shop.svc.cluster.local's address record (plugin/backend_lookup.go A): the client connects to 1.1.1.1:443 directly, with no Service port or targetPort"), service);
        Assert.Equal(byAddress.Hops, byName.Hops.SkipWhile(h => h.Step != "service").Skip(1));
        Assert.Contains(byAddress.Hops, h => h.Step == "route" && h.Detail.Contains("igw-", StringComparison.Ordinal));
    }

    [Fact]
    public void ExternalName_OfAHostName_SaysTheCname_AndThatTheRestDependsOnItsAddress_WithoutInventingOne()
    {
        var result = new Reachability(World).Evaluate($"shop/{Web}", "svc/shop/ext-host", "443");

        Assert.Equal("TO \"svc/shop/ext-host\": Service shop/ext-host is type ExternalName: CoreDNS answers ext-host.shop.svc.cluster.local with a CNAME to spec.externalName \"api.example.com\", a name outside the cluster that Podnet cannot resolve (CoreDNS asks its upstream for the address; Podnet emulates no DNS outside the cluster), so whether the connection is made depends on that name's address: ask reach with the address as TO", result.ErrorMessage);
        Assert.Empty(result.Hops);

        // The CLI, from every pod of a selector: the same question, one error line, exit 2.
        using var scenario = new ScenarioWorld("hello-eks", null, ExternalName("ext-host", "api.example.com"));
        var (exit, output, error) = PodnetCli.Run("reach", scenario.Directory, "shop/app=web", "svc/shop/ext-host", "443");
        Assert.Equal((2, string.Empty), (exit, output));
        Assert.StartsWith($"error: {scenario.Directory}: TO \"svc/shop/ext-host\": Service shop/ext-host is type ExternalName: CoreDNS answers ", error, StringComparison.Ordinal);
        Assert.Equal(1, error.Count(c => c == '\n'));
    }

    [Fact]
    public void ExternalName_OfAHostName_WhenTheNameDoesNotResolve_IsDeniedAtTheDnsStep()
    {
        // A pod whose resolver is the VPC's never learns the CNAME: DENIED by its DNS step, not an error.
        var result = new Reachability(World).Evaluate("shop/dns-default", "svc/shop/ext-host", "443");

        Assert.Null(result.ErrorMessage);
        Assert.False(result.Allowed);
        Assert.Equal("dns", result.Hops[^1].Step);
        Assert.Contains("answers NXDOMAIN", result.Hops[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalName_OfAServiceNameOfTheCluster_IsFollowedByCoreDns_ToThatServicesClusterIp()
    {
        var reach = new Reachability(World);
        var clusterIp = World.ControlPlane.Store.Get("v1", "Service", "shop", "web").GetString("spec.clusterIP")!;

        var result = reach.Evaluate($"shop/{Web}", "svc/shop/ext-web", "80");
        var direct = reach.Evaluate($"shop/{Web}", "svc/shop/web", "80");

        Assert.True(result.Allowed, Text(result));
        Assert.Contains(new Hop("dns", true, "ext-web.shop.svc.cluster.local resolves to CNAME web.shop.svc.cluster.local (kube-dns)"), result.Hops);
        Assert.Contains(new Hop("service", true, $"Service shop/ext-web is type ExternalName: it has no ClusterIP, so kube-proxy has no rule for it (pkg/proxy/util ShouldSkipService); CoreDNS answers ext-web.shop.svc.cluster.local with a CNAME to spec.externalName web.shop.svc.cluster.local, a name of its own zone, and follows it itself (plugin/backend_lookup.go A): web.shop.svc.cluster.local resolves to {clusterIp}"), result.Hops);
        Assert.Equal(direct.Hops.SkipWhile(h => h.Step.StartsWith("dns", StringComparison.Ordinal)), result.Hops.SkipWhile(h => h.Step != "service").Skip(1));

        // The shell's resolver answers the same address, and curl reaches the same Service.
        var shell = new PodShell(World, "shop", Web);
        var lookup = shell.Exec(["nslookup", "ext-web"]);
        Assert.Equal((0, $"Name:\text-web.shop.svc.cluster.local\nAddress: {clusterIp}\n\n"), (lookup.ExitCode, lookup.Stdout[lookup.Stdout.IndexOf("Name:", StringComparison.Ordinal)..]));
        Assert.Equal(0, shell.Exec(["curl", "-s", "ext-web"]).ExitCode);

        var nowhere = reach.Evaluate($"shop/{Web}", "svc/shop/ext-nowhere", "80");
        Assert.False(nowhere.Allowed);
        Assert.Equal(new Hop("service", false, "Service shop/ext-nowhere is type ExternalName: it has no ClusterIP, so kube-proxy has no rule for it (pkg/proxy/util ShouldSkipService); CoreDNS answers ext-nowhere.shop.svc.cluster.local with a CNAME to spec.externalName gone.shop.svc.cluster.local, a name of its own zone that has no address record (no such Service): ext-nowhere.shop.svc.cluster.local does not resolve to an address"), nowhere.Hops[^1]);
    }

    [Fact]
    public void ExternalName_OfAnIpAddress_InTheShell_ConnectsWhereReachSays()
    {
        var shell = new PodShell(World, "shop", Web).Exec(["nslookup", "ext-ip"]);
        Assert.Equal((0, "Name:\text-ip.shop.svc.cluster.local\nAddress: 1.1.1.1\n\n"), (shell.ExitCode, shell.Stdout[shell.Stdout.IndexOf("Name:", StringComparison.Ordinal)..]));
    }
}
