using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Policy;

/// <summary>Seed 000's experiment and the path rules (security groups, same node, SNAT), on whole worlds.</summary>
public class ReachabilityTests
{
    private static List<PodView> Replicas(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    [Fact]
    public void Seed000_WithTheDnsRules_CurlMyAppWorks()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var from = Replicas(world)[0];
        var result = new Reachability(world).Evaluate($"my-namespace/{from.Name}", "svc/my-namespace/my-app", "80");

        Assert.Null(result.ErrorMessage);
        Assert.True(result.Allowed, ReachText(result));
        Assert.Contains(result.Hops, h => h.Step == "dns" && h.Allowed && h.Detail.StartsWith("my-app.my-namespace.svc.cluster.local resolves to", StringComparison.Ordinal));
        Assert.Contains(result.Hops, h => h.Step == "dns: ingress" && h.Detail.Contains("ingress UDP/53 from sg-05b1d815d1e4a1b2c (my-pod-security-group)", StringComparison.Ordinal));
    }

    [Fact]
    public void Seed000_WithoutTheDnsRules_TheNameFailsAtDns_ButThePodIpWorks()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", text => ExampleWorlds.WithoutKind(text, "SecurityGroupIngress"));
        var replicas = Replicas(world);
        var reach = new Reachability(world);

        var byName = reach.Evaluate($"my-namespace/{replicas[0].Name}", "svc/my-namespace/my-app", "80");
        Assert.False(byName.Allowed);
        var dns = byName.Hops[^1];
        Assert.Equal(("dns", false), (dns.Step, dns.Allowed));
        Assert.Contains("does not resolve", dns.Detail, StringComparison.Ordinal);
        Assert.Contains(byName.Hops, h => h.Step == "dns: ingress" && !h.Allowed && h.Detail.Contains("allows UDP/53", StringComparison.Ordinal)
            && h.Detail.Contains("; to allow it, add an ingress rule to sg-", StringComparison.Ordinal) && h.Detail.Contains(" for UDP/53 from sg-05b1d815d1e4a1b2c or ", StringComparison.Ordinal));

        var byIp = reach.Evaluate($"my-namespace/{replicas[0].Name}", replicas[1].PodIP!, "80/tcp");
        Assert.True(byIp.Allowed, ReachText(byIp));
    }

    [Fact]
    public void PodWithoutAMatchingIngressRule_IsDenied_ByItsBranchGroups()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var replica = Replicas(world)[0];
        var coredns = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).First(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal));

        // CoreDNS (cluster group) to a pod whose group admits only itself.
        var result = new Reachability(world).Evaluate($"kube-system/{coredns.Name}", $"my-namespace/{replica.Name}", "80");
        Assert.False(result.Allowed);
        var last = result.Hops[^1];
        Assert.Equal(("ingress", false), (last.Step, last.Allowed));
        Assert.Contains("no ingress rule of sg-05b1d815d1e4a1b2c (my-pod-security-group) allows TCP/80", last.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void RegularPodsOnOneNode_DoNotCrossSecurityGroups()
    {
        var world = WorldLoader.Load([WorldLoader.DefaultSource(), new WorldSource("app.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: a, namespace: default}
            spec: {nodeSelector: {kubernetes.io/hostname: NODE}, containers: [{name: c, image: nginx}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b, namespace: default}
            spec: {nodeSelector: {kubernetes.io/hostname: NODE}, containers: [{name: c, image: nginx}]}
            """.Replace("NODE", "ip-192-168-64-4.us-west-2.compute.internal", StringComparison.Ordinal))]);
        var result = new Reachability(world).Evaluate("default/a", "default/b", "8080");
        Assert.True(result.Allowed);
        Assert.Contains(result.Hops, h => h.Step == "securitygroups" && h.Detail.StartsWith("same node", StringComparison.Ordinal));
    }

    [Fact]
    public void InternetEgress_IsSnatedToThePrimaryInterface_FromAPrivateSubnet()
    {
        var world = WorldLoader.LoadDefault();
        var coredns = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).First(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal));
        var result = new Reachability(world).Evaluate($"kube-system/{coredns.Name}", "1.1.1.1", "443");

        Assert.True(result.Allowed);
        // The route is the private subnet's table's, to the world's NAT gateway (routes were assumed, not looked up, before).
        Assert.Contains(result.Hops, h => h.Step == "route" && System.Text.RegularExpressions.Regex.IsMatch(h.Detail, @"^rtb-\w+ 0\.0\.0\.0/0 → nat-\w+ \(subnet-\w+ of eni-\w+\), then rtb-\w+ 0\.0\.0\.0/0 → igw-\w+ \(subnet-\w+\): out through the internet gateway as the NAT gateway's Elastic IP 203\.0\.113\.1$"));
        Assert.Contains(result.Hops, h => h.Step == "egress" && h.Detail.Contains("SNAT to the node's primary address", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("default/nope", "1.1.1.1", "80", "FROM \"default/nope\"")]
    [InlineData("node/ip-192-168-64-4.us-west-2.compute.internal", "svc/default/nope", "80", "services \"nope\" not found")]
    [InlineData("node/ip-192-168-64-4.us-west-2.compute.internal", "1.1.1.1", "http", "port \"http\"")]
    [InlineData("node/ip-192-168-64-4.us-west-2.compute.internal", "1.1.1.1", "80/icmp", "is not TCP, UDP or SCTP")]
    public void BadQueries_AreErrors(string from, string to, string port, string message)
    {
        var result = new Reachability(WorldLoader.LoadDefault()).Evaluate(from, to, port);
        Assert.Contains(message, result.ErrorMessage, StringComparison.Ordinal);
    }

    private static string ReachText(ReachResult result) => string.Join("\n", result.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"));
}
