using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// The VPC CNI's egress-v6 path in an IPv4 cluster (ENABLE_V6_EGRESS, amazon-vpc-cni-k8s cmd/egress-cni-plugin
/// <c>cmdAddEgressV6</c>): a pod's IPv6 traffic leaves SNATed to its node's primary IPv6 address, judged by the primary
/// interface's groups and its subnet's IPv6 route. The world: examples/ipv6-cluster as an IPv4 cluster in its dual-stack
/// VPC, the private subnets assigning IPv6 addresses on creation (so the nodes have one).
/// </summary>
public class Ipv6EgressPluginTests
{
    private const string Internet = "2600:1f18::1";

    private static string Ipv4Cluster(string text, bool nodesGetIpv6)
    {
        text = text.Replace("  KubernetesNetworkConfig: {IpFamily: ipv6}\n", string.Empty, StringComparison.Ordinal);
        return nodesGetIpv6
            ? text.Replace("  Tags:\n    kubernetes.io/role/internal-elb", "  AssignIpv6AddressOnCreation: true\n  Tags:\n    kubernetes.io/role/internal-elb", StringComparison.Ordinal)
            : text;
    }

    /// <summary>
    /// The world with <paramref name="env"/> on aws-node and, unless <paramref name="initForwards"/> is false, on
    /// aws-vpc-cni-init too, as the VPC CNI's documentation has it (the init container turns the node's IPv6 forwarding on).
    /// </summary>
    private static Podnet.World.World Load(bool nodesGetIpv6 = true, string? version = null, bool initForwards = true, params (string Name, string Value)[] env)
    {
        var world = ExampleWorlds.Load("ipv6-cluster", t =>
        {
            var edited = Ipv6EgressTests.WithCniEnv(env, initForwards ? env : [])(Ipv4Cluster(t, nodesGetIpv6));
            return version is null ? edited : edited.Replace("  name: vpc-cni\nspec:\n", $"  name: vpc-cni\nspec:\n  AddonVersion: {version}\n", StringComparison.Ordinal);
        });
        return world;
    }

    /// <summary>EKS's cluster group of an IPv4 cluster lets out 0.0.0.0/0 only (EC2's default egress rule): add ::/0, as a user would.</summary>
    private static void AllowIpv6Out(Podnet.World.World world)
        => world.Cloud!.Ec2Backend.AuthorizeSecurityGroupEgress(world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId!, [new IpPermission("-1", Ipv6Ranges: [new Ipv6Range("::/0")])]);

    private static PodView Web(Podnet.World.World world)
        => world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).First();

    private static NetworkInterface Primary(Podnet.World.World world, PodView pod)
    {
        var node = new NodeView(world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Node"), null, pod.NodeName!)!);
        return Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(), e => e.Attachment is { DeviceIndex: 0 } a && a.InstanceId == node.InstanceId);
    }

    private static Hop RouteHop(ReachResult result) => Assert.Single(result.Hops, h => h.Step == "route");

    [Fact]
    public void V6Egress_OnAwsNodeOnly_TheNodeDoesNotForwardIt_AndReachSaysWhereToSetIt()
    {
        var world = Load(initForwards: false, env: ("ENABLE_V6_EGRESS", "true"));
        AllowIpv6Out(world);
        var web = Web(world);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.False(result.Allowed);
        Assert.Equal(
            $"shop/{web.Name} has the IPv6 address of fd00::ac:00/118 the egress-cni plugin gives it (ENABLE_V6_EGRESS=true on aws-node), but its node {web.NodeName} does not forward IPv6, so the packet to {Internet} goes no further than the node: aws-vpc-cni-init sets net/ipv6/conf/all/forwarding=1 only when its own ENABLE_V6_EGRESS (or ENABLE_IPv6) is true (cmd/aws-vpc-cni-init configureIPv6Settings); set ENABLE_V6_EGRESS=true on aws-vpc-cni-init too (the add-on's init.env)",
            RouteHop(result).Detail);
    }

    [Fact]
    public void V6Egress_OnAwsNodeOnly_IsALintError_WithTheInitEnvFix()
    {
        var world = Load(initForwards: false, env: ("ENABLE_V6_EGRESS", "true"));

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == V6EgressInitNotForwarding.Id);

        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Equal("DaemonSet kube-system/aws-node", finding.Object);
        Assert.StartsWith("ENABLE_V6_EGRESS=true on aws-node but not on aws-vpc-cni-init, which turns the nodes' IPv6 forwarding (net/ipv6/conf/all/forwarding) on only when its own ENABLE_V6_EGRESS is true", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("the add-on's configuration values {\"init\":{\"env\":{\"ENABLE_V6_EGRESS\":\"true\"}}}", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void V6Egress_OnBothContainers_IsNoLintFinding()
    {
        var world = Load(env: ("ENABLE_V6_EGRESS", "true"));

        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == V6EgressInitNotForwarding.Id);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("True")]
    public void V6Egress_InitReadsItAsGoParsesABoolean(string value)
    {
        var world = ExampleWorlds.Load("ipv6-cluster", t => Ipv6EgressTests.WithCniEnv([("ENABLE_V6_EGRESS", "true")], [("ENABLE_V6_EGRESS", value)])(Ipv4Cluster(t, nodesGetIpv6: true)));
        AllowIpv6Out(world);
        var web = Web(world);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
    }

    [Fact]
    public void V6Egress_Ipv4ClusterPod_LeavesWithItsNodesIpv6Address_ThroughTheEgressOnlyGateway()
    {
        var world = Load(env: ("ENABLE_V6_EGRESS", "true"));
        AllowIpv6Out(world);
        var web = Web(world);
        var primary = Primary(world, web);
        var nodeIpv6 = Assert.Single(primary.Ipv6Addresses).Ipv6Address;

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        Assert.EndsWith($"({primary.SubnetId} of {primary.NetworkInterfaceId}): out through the egress-only internet gateway with {nodeIpv6}'s own IPv6 address (IPv6 is not translated; the replies come back, a connection started from the internet would not)", RouteHop(result).Detail, StringComparison.Ordinal);
        var egress = Assert.Single(result.Hops, h => h.Step == "egress");
        Assert.StartsWith($"shop/{web.Name} via egress-v6: the egress-cni plugin (ENABLE_V6_EGRESS=true) gives it a unique local IPv6 address of fd00::ac:00/118 and SNATs its IPv6 traffic to the node's primary IPv6 address {nodeIpv6} on {primary.NetworkInterfaceId}: the primary interface's groups apply: ", egress.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void V6Egress_TheNodesGroupWithoutAnIpv6Rule_DeniesIt_NamingA128()
    {
        var world = Load(env: ("ENABLE_V6_EGRESS", "true"));
        var web = Web(world);
        var group = world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId;

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.False(result.Allowed);
        Assert.True(RouteHop(result).Allowed);
        var egress = Assert.Single(result.Hops, h => h.Step == "egress");
        Assert.False(egress.Allowed);
        Assert.EndsWith($"; to allow it, add an egress rule to {group} for TCP/443 to {Internet}/128", egress.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void V6Egress_NodeWithoutAnIpv6Address_PluginLeftOff_SaysWhy()
    {
        var world = Load(nodesGetIpv6: false, env: ("ENABLE_V6_EGRESS", "true"));
        AllowIpv6Out(world);
        var web = Web(world);
        var primary = Primary(world, web);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.False(result.Allowed);
        Assert.Equal($"shop/{web.Name} has no IPv6 address ({web.PodIP}), so it cannot open a connection to the IPv6 address {Internet}: ENABLE_V6_EGRESS=true, but its node's primary interface {primary.NetworkInterfaceId} has no IPv6 address, so aws-node left the egress-cni plugin off (\"To support IPv6 egress, node primary ENI must have a global IPv6 address\"); a subnet with an IPv6 block and AssignIpv6AddressOnCreation gives new nodes one", RouteHop(result).Detail);
        Assert.Equal("Running", web.Phase);
    }

    [Fact]
    public void V6Egress_OnACniBefore1_13_IsNotRead()
    {
        var world = Load(version: "v1.12.6-eksbuild.2", env: ("ENABLE_V6_EGRESS", "true"));
        AllowIpv6Out(world);
        var web = Web(world);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.False(result.Allowed);
        Assert.EndsWith(": ENABLE_V6_EGRESS is read from VPC CNI 1.13.0 on, and aws-node runs VPC CNI 1.12.6-eksbuild.2", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void V6Egress_FromTheIpv6Internet_ToThePod_CannotBeMade()
    {
        var world = Load(env: ("ENABLE_V6_EGRESS", "true"));
        AllowIpv6Out(world);
        var web = Web(world);
        var nodeIpv6 = Assert.Single(Primary(world, web).Ipv6Addresses).Ipv6Address;

        var result = new Reachability(world).Evaluate(Internet, $"shop/{web.Name}", "80");

        Assert.False(result.Allowed);
        Assert.Equal($"shop/{web.Name} has only the IPv4 address {web.PodIP}: its IPv6 address from the egress-cni plugin (ENABLE_V6_EGRESS) is a unique local one of fd00::ac:00/118, which only its node routes, and only for the replies to the pod's own connections (SNATed to the node's {nodeIpv6}), so no connection from the IPv6 address {Internet} can reach it", RouteHop(result).Detail);
    }

    [Fact]
    public void V6Egress_Before1_17_1_ANodeWithoutIpv6_StopsAwsNode_AndStaysNotReady()
    {
        var world = Load(nodesGetIpv6: false, version: "v1.16.0-eksbuild.1", env: ("ENABLE_V6_EGRESS", "true"));

        var nodes = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n => Assert.False(n.IsReady));
        Assert.DoesNotContain(world.ControlPlane.Store.List("v1", "Pod", "shop").Items, p => PodView.Of(p).Phase == "Running");
        Assert.All(nodes, n => Assert.Equal(Podnet.Cni.CniSettings.V6EgressWithoutAddressMessage, world.AwsNode!.IpamdOf(n.Name)!.InitError));
    }
}
