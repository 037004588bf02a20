using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// NAT64 for an IPv6 cluster's pods (Amazon VPC User Guide, "DNS64 and NAT64"): a subnet with <c>EnableDns64</c>, and a
/// route <c>64:ff9b::/96</c> → the NAT gateway in the private tables of examples/ipv6-cluster. <c>reach</c> takes a
/// <c>64:ff9b::</c> address through the NAT gateway, which translates it to the embedded IPv4 address and sends it out
/// by its own subnet's route.
/// </summary>
public class Ipv6Nat64Tests
{
    private const string Nat64Address = "64:ff9b::203.0.113.10";
    private const string EigwRoute = "  - {DestinationIpv6CidrBlock: \"::/0\", EgressOnlyInternetGatewayId: podnet-eigw}\n";

    private static string WithNat64Route(string text)
        => text.Replace(EigwRoute, EigwRoute + "  - {DestinationIpv6CidrBlock: \"64:ff9b::/96\", NatGatewayId: podnet-nat}\n", StringComparison.Ordinal);

    private static string WithDns64(string text)
        => text.Replace("  AvailabilityZone: us-west-2a\n  Tags:\n    kubernetes.io/role/internal-elb", "  AvailabilityZone: us-west-2a\n  EnableDns64: true\n  Tags:\n    kubernetes.io/role/internal-elb", StringComparison.Ordinal);

    private static PodView Web(Podnet.World.World world)
        => world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).First();

    private static Hop RouteHop(ReachResult result) => Assert.Single(result.Hops, h => h.Step == "route");

    private static (string Table, string Nat, string PublicTable, string Igw) Ids(Podnet.World.World world, PodView web)
    {
        var ec2 = world.Cloud!.Ec2Backend;
        var eni = new Reachability(world).InterfaceHolding(System.Net.IPAddress.Parse(web.PodIP!))!;
        var nat = Assert.Single(ec2.DescribeNatGateways());
        return (ec2.RouteTableOfSubnet(eni.SubnetId).RouteTableId, nat.NatGatewayId, ec2.RouteTableOfSubnet(nat.SubnetId).RouteTableId, Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId);
    }

    [Fact]
    public void Nat64_Ipv6PodTo64ff9b_IsTranslatedByTheNatGateway_AndLeavesAsItsElasticIp()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", t => WithDns64(WithNat64Route(t)));
        var web = Web(world);
        var (table, nat, publicTable, igw) = Ids(world, web);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Nat64Address, "443");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        var route = RouteHop(result).Detail;
        Assert.StartsWith($"{table} 64:ff9b::/96 → {nat} (subnet-", route, StringComparison.Ordinal);
        Assert.EndsWith($": NAT64 translates 64:ff9b::cb00:710a to the IPv4 address 203.0.113.10, then {publicTable} 0.0.0.0/0 → {igw} ({world.Cloud!.Ec2Backend.DescribeNatGateways()[0].SubnetId}): out through the internet gateway as the NAT gateway's Elastic IP 203.0.113.1", route, StringComparison.Ordinal);
        // The pod's own IPv6 address and groups: its groups' IPv6 egress rule decides, not an IPv4 one.
        Assert.Contains("egress all traffic to ::/0", Assert.Single(result.Hops, h => h.Step == "egress").Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == Dns64WithoutNat64Route.Id);
    }

    [Fact]
    public void Nat64_WithoutTheRoute_A64ff9bAddressFollowsTheEgressOnlyGateway_AndIsNeverAnswered()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", WithDns64);
        var web = Web(world);
        var (table, _, _, _) = Ids(world, web);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Nat64Address, "443");

        Assert.False(result.Allowed);
        Assert.EndsWith($": 64:ff9b::cb00:710a is in NAT64's well-known prefix 64:ff9b::/96 (RFC 6052), which the internet does not route, so the connection is never answered; DNS64's addresses (a subnet's EnableDns64) need a route 64:ff9b::/96 → a NAT gateway in {table}", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Nat64_ANatGatewayRouteForAnotherIpv6Destination_IsDropped()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", t => t.Replace(EigwRoute, "  - {DestinationIpv6CidrBlock: \"::/0\", NatGatewayId: podnet-nat}\n", StringComparison.Ordinal));
        var web = Web(world);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", "2600:1f18::1", "443");

        Assert.False(result.Allowed);
        Assert.EndsWith(": a NAT gateway translates IPv6 only to 64:ff9b::/96 (NAT64) and drops any other IPv6 destination: the packet does not leave the VPC", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Nat64_ThroughAPrivateNatGateway_DoesNotReachTheInternet()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", t => WithNat64Route(t).Replace("  ConnectivityType: public", "  ConnectivityType: private", StringComparison.Ordinal));
        var web = Web(world);
        var nat = Assert.Single(world.Cloud!.Ec2Backend.DescribeNatGateways());

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", Nat64Address, "443");

        Assert.False(result.Allowed);
        Assert.Contains($": NAT64 translates 64:ff9b::cb00:710a to the IPv4 address 203.0.113.10, but NAT gateway {nat.NatGatewayId} is private (it translates to its private address {nat.NatGatewayAddresses[0].PrivateIp}) and cannot reach the internet: ", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Dns64_WithoutANat64Route_IsLintsWarning_NamingTheTableAndTheFix()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", WithDns64);
        var subnet = Assert.Single(world.Cloud!.Ec2Backend.DescribeSubnets(DescribeRequest.Where(new Filter("enable-dns64", "true"))));
        var table = world.Cloud.Ec2Backend.RouteTableOfSubnet(subnet.SubnetId).RouteTableId;
        var eigw = Assert.Single(world.Cloud.Ec2Backend.DescribeEgressOnlyInternetGateways()).EgressOnlyInternetGatewayId;

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == Dns64WithoutNat64Route.Id);

        Assert.Equal(Podnet.Lint.LintSeverity.Warning, finding.Severity);
        Assert.Equal($"Subnet {subnet.SubnetId}", finding.Object);
        Assert.Equal($"EnableDns64 makes the Amazon DNS resolver answer IPv4-only names with 64:ff9b::/96 addresses, but its route table {table} sends them to no NAT gateway (they follow ::/0 → {eigw}, and the internet does not route 64:ff9b::/96): IPv6 clients in the subnet, an IPv6 cluster's pods among them, cannot connect to those names", finding.Message);
        Assert.StartsWith($"aws ec2 create-route --route-table-id {table} --destination-ipv6-cidr-block 64:ff9b::/96 --nat-gateway-id nat-…", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Cluster_PodToAnIpv4Address_StillTakesTheEgressV4Path_WithNat64Routed()
    {
        // NAT64 is for 64:ff9b:: addresses: an IPv4 address keeps the egress-cni plugin's IPv4 path.
        var world = ExampleWorlds.Load("ipv6-cluster", t => WithDns64(WithNat64Route(t)));
        var web = Web(world);

        var result = new Reachability(world).Evaluate($"shop/{web.Name}", "203.0.113.10", "443");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        Assert.Contains("0.0.0.0/0 → nat-", RouteHop(result).Detail, StringComparison.Ordinal);
        Assert.StartsWith($"shop/{web.Name} via egress-v4: ", Assert.Single(result.Hops, h => h.Step == "egress").Detail, StringComparison.Ordinal);
    }
}
