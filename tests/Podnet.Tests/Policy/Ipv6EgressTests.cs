using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11, IPv6 out of the VPC: <c>reach</c> routes an IPv6 packet bound outside the VPC by the route table of the
/// subnet of the interface it leaves by (examples/ipv6-cluster: eksctl's routes, <c>::/0</c> → the egress-only
/// internet gateway in the private subnets' tables, → the internet gateway in the public one). Pods leave with their
/// own IPv6 address (the VPC CNI SNATs IPv4 only); a connection started from the internet is judged by the route its
/// replies take.
/// </summary>
public class Ipv6EgressTests
{
    private const string Internet = "2600:1f18::1";

    /// <summary>The cluster group admits TCP/80 from any IPv6 address, so only the route decides an inbound connection.</summary>
    private const string WebFromTheIpv6Internet = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroupIngress
        metadata: {name: web-from-anywhere}
        spec:
          ClusterSecurityGroup: podnet
          IpPermissions:
          - {IpProtocol: tcp, FromPort: 80, ToPort: 80, Ipv6Ranges: [{CidrIpv6: "::/0"}]}
        """;

    private static PodView Web(Podnet.World.World world)
        => world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).First();

    private static Hop RouteHop(ReachResult result) => Assert.Single(result.Hops, h => h.Step == "route");

    private static string Eigw(Podnet.World.World world) => Assert.Single(world.Cloud!.Ec2Backend.DescribeEgressOnlyInternetGateways()).EgressOnlyInternetGatewayId;

    private static string TableOf(Podnet.World.World world, PodView pod)
    {
        var eni = new Reachability(world).InterfaceHolding(System.Net.IPAddress.Parse(pod.PodIP!))!;
        return world.Cloud!.Ec2Backend.RouteTableOfSubnet(eni.SubnetId).RouteTableId;
    }

    [Fact]
    public void Ipv6Cluster_PodToTheIpv6Internet_LeavesByTheEgressOnlyGateway_WithItsOwnAddress()
    {
        var world = ExampleWorlds.Load("ipv6-cluster");
        var web = Web(world);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        var route = RouteHop(result);
        Assert.True(route.Allowed);
        Assert.StartsWith($"{TableOf(world, web)} ::/0 → {Eigw(world)} (subnet-", route.Detail, StringComparison.Ordinal);
        Assert.EndsWith($": out through the egress-only internet gateway with {web.PodIP}'s own IPv6 address (IPv6 is not translated; the replies come back, a connection started from the internet would not)", route.Detail, StringComparison.Ordinal);
        Assert.Contains(result.Hops, h => h.Step == "egress" && h.Detail.Contains("IPv6: not SNATed (the VPC CNI SNATs IPv4 only), leaves with its own address", StringComparison.Ordinal));
    }

    [Fact]
    public void Ipv6Cluster_FromTheIpv6Internet_ToAPodBehindTheEgressOnlyGateway_IsRefused()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", null, WebFromTheIpv6Internet);
        var web = Web(world);

        var result = new Reachability(world).Evaluate(Internet, $"shop/{web.Name}", "80");

        Assert.False(result.Allowed, string.Join("\n", result.Hops));
        var route = RouteHop(result);
        Assert.False(route.Allowed);
        Assert.StartsWith($"{TableOf(world, web)} ::/0 → {Eigw(world)} (subnet-", route.Detail, StringComparison.Ordinal);
        Assert.EndsWith($": an egress-only internet gateway lets out connections started inside the VPC and their replies, and refuses a connection started from the internet to {web.PodIP} (a route for it to an internet gateway would accept it)", route.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Cluster_NodesInPublicSubnets_ReachAndAreReachedFromTheIpv6Internet_ByTheInternetGateway()
    {
        var world = ExampleWorlds.Load(
            "ipv6-cluster",
            t => t.Replace("  Subnets: [private-us-west-2a, private-us-west-2b]\n  DesiredSize", "  Subnets: [public-us-west-2a, public-us-west-2b]\n  DesiredSize", StringComparison.Ordinal),
            WebFromTheIpv6Internet);
        var web = Web(world);
        var reach = new Reachability(world);
        var igw = Assert.Single(world.Cloud!.Ec2Backend.DescribeInternetGateways()).InternetGatewayId;

        var outbound = reach.Evaluate($"shop/{web.Name}", Internet, "443");
        var inbound = reach.Evaluate(Internet, $"shop/{web.Name}", "80");

        Assert.True(outbound.Allowed, string.Join("\n", outbound.Hops));
        Assert.StartsWith($"{TableOf(world, web)} ::/0 → {igw} (subnet-", RouteHop(outbound).Detail, StringComparison.Ordinal);
        Assert.EndsWith($": out through the internet gateway with {web.PodIP}'s own IPv6 address (the VPC's IPv6 addresses are public: nothing is translated)", RouteHop(outbound).Detail, StringComparison.Ordinal);
        Assert.True(inbound.Allowed, string.Join("\n", inbound.Hops));
        Assert.StartsWith($"{TableOf(world, web)} ::/0 → {igw} (subnet-", RouteHop(inbound).Detail, StringComparison.Ordinal);
        Assert.EndsWith($": in through the internet gateway to {web.PodIP}, a public IPv6 address, and the replies out the same way", RouteHop(inbound).Detail, StringComparison.Ordinal);

        // Without the cluster group's ::/0 rule, the route lets the connection in and the group refuses it.
        var guarded = ExampleWorlds.Load("ipv6-cluster", t => t.Replace("  Subnets: [private-us-west-2a, private-us-west-2b]\n  DesiredSize", "  Subnets: [public-us-west-2a, public-us-west-2b]\n  DesiredSize", StringComparison.Ordinal));
        var refused = new Reachability(guarded).Evaluate(Internet, $"shop/{Web(guarded).Name}", "80");
        Assert.False(refused.Allowed);
        Assert.True(RouteHop(refused).Allowed);
        Assert.False(Assert.Single(refused.Hops, h => h.Step == "ingress").Allowed);
    }

    [Fact]
    public void Ipv6Cluster_WithoutAnIpv6Route_IsRefused_NamingTheRouteTable()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", t => t.Replace("  - {DestinationIpv6CidrBlock: \"::/0\", EgressOnlyInternetGatewayId: podnet-eigw}\n", string.Empty, StringComparison.Ordinal));
        var web = Web(world);
        var eni = new Reachability(world).InterfaceHolding(System.Net.IPAddress.Parse(web.PodIP!))!;

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.False(result.Allowed);
        Assert.Equal($"no route to {Internet} in {TableOf(world, web)} ({eni.SubnetId}, explicitly associated): the VPC router drops it", RouteHop(result).Detail);
        Assert.Empty(world.Cloud!.Ec2Backend.DescribeRouteTables(DescribeRequest.Where(new Filter("route.egress-only-internet-gateway-id", Eigw(world)))));
    }

    [Fact]
    public void Ipv6Cluster_NodeToTheIpv6Internet_LeavesWithItsPrimaryInterfacesIpv6Address()
    {
        var world = ExampleWorlds.Load("ipv6-cluster");
        var node = world.ControlPlane.Store.List("v1", "Node").Items.OrderBy(n => n.Name, StringComparer.Ordinal).First();
        var address = new NodeView(node).InternalIP;

        var result = new Reachability(world).Evaluate($"node/{node.Name}", Internet, "443");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        Assert.EndsWith($"out through the egress-only internet gateway with {address}'s own IPv6 address (IPv6 is not translated; the replies come back, a connection started from the internet would not)", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Cluster_AClusterIpAsAnAddress_IsNotRoutedOut_KubeProxyTranslatesIt()
    {
        var world = ExampleWorlds.Load("ipv6-cluster");
        var web = Web(world);
        var dns = world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Service"), "kube-system", "kube-dns")!.GetString("spec.clusterIP")!;

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", dns, "53/udp");

        Assert.Null(result.ErrorMessage);
        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        Assert.StartsWith($"{dns} is the ClusterIP of Service kube-system/kube-dns: kube-proxy on ", result.Hops[0].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Hops, h => h.Step == "route");
        Assert.True(new Reachability(world).Evaluate($"shop/{web.Name}", "svc/kube-system/kube-dns", "53/udp").Allowed);
    }

    [Fact]
    public void Ipv4Pod_ToAnIpv6AddressOutsideTheVpc_HasNoIpv6Address()
    {
        // A dual-stack VPC with an IPv4 cluster: the pods have IPv4 addresses only.
        var world = ExampleWorlds.Load("ipv6-cluster", t => t.Replace("  KubernetesNetworkConfig: {IpFamily: ipv6}\n", string.Empty, StringComparison.Ordinal));
        var web = Web(world);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Internet, "443");

        Assert.False(result.Allowed);
        Assert.Equal($"shop/{web.Name} has no IPv6 address ({web.PodIP}), so it cannot open a connection to the IPv6 address {Internet} (ENABLE_V6_EGRESS=true on aws-node and aws-vpc-cni-init, VPC CNI 1.13.0 or later, gives an IPv4 cluster's new pods IPv6 egress through their node's IPv6 address)", RouteHop(result).Detail);
    }

    [Fact]
    public void Ipv6Cluster_PodToAnIpv4Address_LeavesByTheEgressV4Plugin_SnatedToTheNodesIpv4Address()
    {
        // AWS_VPC_K8S_CNI_EXTERNALSNAT=true changes nothing: the egress-cni plugin SNATs every IPv4 packet of the pod.
        var world = ExampleWorlds.Load("ipv6-cluster", WithCniEnv(("AWS_VPC_K8S_CNI_EXTERNALSNAT", "true")));
        var web = Web(world);
        var node = new NodeView(world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Node"), null, web.NodeName!)!);
        var primary = Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(), e => e.Attachment is { DeviceIndex: 0 } a && a.InstanceId == node.InstanceId);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", "203.0.113.10", "443");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        var egress = Assert.Single(result.Hops, h => h.Step == "egress");
        Assert.StartsWith($"shop/{web.Name} via egress-v4: the egress-cni plugin (ENABLE_V4_EGRESS=true, the default) gives it an address of 169.254.172.0/22 and SNATs its IPv4 traffic to the node's primary address {primary.PrivateIpAddress} on {primary.NetworkInterfaceId}: the primary interface's groups apply (AWS_VPC_K8S_CNI_EXTERNALSNAT and the SNAT exclusions are IPv4 mode's): ", egress.Detail, StringComparison.Ordinal);
        Assert.EndsWith("out through the internet gateway as the NAT gateway's Elastic IP 203.0.113.1", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Cluster_V4EgressOff_PodHasNoIpv4Address()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", WithCniEnv(("ENABLE_V4_EGRESS", "false")));
        var web = Web(world);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", "203.0.113.10", "443");

        Assert.False(result.Allowed);
        Assert.Equal($"shop/{web.Name} has no IPv4 address ({web.PodIP}), so it cannot open a connection to the IPv4 address 203.0.113.10: ENABLE_V4_EGRESS=false on aws-node, so the egress-cni plugin gives new pods of this IPv6 cluster no address of 169.254.172.0/22", RouteHop(result).Detail);
    }

    /// <summary>The example's vpc-cni Addon with aws-node environment variables (its ConfigurationValues).</summary>
    internal static Func<string, string> WithCniEnv(params (string Name, string Value)[] env) => WithCniEnv(env, []);

    /// <summary>The example's vpc-cni Addon with aws-node's and aws-vpc-cni-init's environment variables (<c>env</c>, <c>init.env</c>).</summary>
    internal static Func<string, string> WithCniEnv((string Name, string Value)[] env, (string Name, string Value)[] initEnv)
        => text => text.Replace(
            "kind: Addon\nmetadata:\n  name: vpc-cni\n",
            "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues:\n    env:\n" + string.Concat(env.Select(e => $"      {e.Name}: \"{e.Value}\"\n"))
            + (initEnv.Length == 0 ? string.Empty : "    init:\n      env:\n" + string.Concat(initEnv.Select(e => $"        {e.Name}: \"{e.Value}\"\n"))),
            StringComparison.Ordinal);
}
