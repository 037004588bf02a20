using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;
using Podnet.World.Shell;

namespace Podnet.Tests.Policy;

/// <summary>
/// Traffic leaving the VPC is routed by the route table of the subnet of the interface it leaves by: SNATed pod
/// traffic and nodes by the node's primary interface, pods that are not SNATed by their own interface. Longest prefix
/// match, blackhole routes, a NAT gateway's own subnet needing a route to an internet gateway, and the public IPv4
/// address an internet gateway needs, each with the table and route named.
/// </summary>
public class VpcRouterTests
{
    private const string CustomNetworking = "custom-networking";

    private static string ExternalSnat(string text)
        => text.Replace("      AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: \"true\"", "      AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: \"true\"\n      AWS_VPC_K8S_CNI_EXTERNALSNAT: \"true\"", StringComparison.Ordinal);

    private static PodView CoreDns(Podnet.World.World world)
        => world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p))
            .Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal).First();

    private static Ec2Backend Ec2(Podnet.World.World world) => world.Cloud!.Ec2Backend;

    private static Hop RouteHop(ReachResult result) => Assert.Single(result.Hops, h => h.Step == "route");

    [Fact]
    public void Reach_PodInSubnetWithoutRoute_IsDenied_NamesRouteTable()
    {
        // Seed 003's pod subnets are in the VPC's second CIDR block, associated with nothing: the main table, local only.
        var world = ExampleWorlds.Load(CustomNetworking, ExternalSnat);
        var coredns = CoreDns(world);
        var subnet = Ec2(world).DescribeNetworkInterfaces().Single(e => e.PrivateIpAddresses.Any(a => a.PrivateIpAddress == coredns.PodIP)).SubnetId;
        var main = Ec2(world).RouteTableOfSubnet(subnet);

        var result = new Reachability(world).Evaluate($"kube-system/{coredns.Name}", "8.8.8.8", "443");

        Assert.False(result.Allowed);
        Assert.Contains(main.Associations, a => a.Main);
        Assert.Equal(new Hop("route", false, $"no route to 8.8.8.8 in {main.RouteTableId} ({subnet}, the VPC's main route table, implicitly associated): the VPC router drops it"), result.Hops[^1]);
        Assert.StartsWith("subnet-0a1b2c3d4e5f6", subnet, StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_CustomNetworkingPodSnated_LeavesByTheNodesSubnet_ThroughItsNatGateway()
    {
        // The seed: with AWS_VPC_K8S_CNI_EXTERNALSNAT=false, traffic outside the VPC uses the primary interface's subnet.
        var world = ExampleWorlds.Load(CustomNetworking);
        var coredns = CoreDns(world);
        var node = Ec2(world).DescribeNetworkInterfaces().Single(e => e.Attachment is { DeviceIndex: 0 } && e.PrivateIpAddress == new NodeView(world.ControlPlane.Store.List("v1", "Node").Items.Single(n => n.Name == coredns.NodeName)).InternalIP);
        var table = Ec2(world).RouteTableOfSubnet(node.SubnetId);
        var nat = Assert.Single(table.Routes, r => r.NatGatewayId is not null).NatGatewayId;

        var result = new Reachability(world).Evaluate($"kube-system/{coredns.Name}", "8.8.8.8", "443");

        Assert.True(result.Allowed);
        Assert.StartsWith($"{table.RouteTableId} 0.0.0.0/0 → {nat} ({node.SubnetId} of {node.NetworkInterfaceId}), then rtb-", RouteHop(result).Detail, StringComparison.Ordinal);
        var elasticIp = Ec2(world).DescribeNatGateways(DescribeRequest.ForIds(nat!))[0].NatGatewayAddresses[0].PublicIp;
        Assert.EndsWith($": out through the internet gateway as the NAT gateway's Elastic IP {elasticIp}", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_RouteToADeletedNatGateway_IsABlackhole()
    {
        var world = WorldLoader.LoadDefault();
        var nat = Assert.Single(Ec2(world).DescribeNatGateways());
        Ec2(world).DeleteNatGateway(nat.NatGatewayId);

        var result = new Reachability(world).Evaluate($"kube-system/{CoreDns(world).Name}", "1.1.1.1", "443");

        Assert.False(result.Allowed);
        Assert.Matches($@"^rtb-\w+ 0\.0\.0\.0/0 → {nat.NatGatewayId} \(subnet-\w+ of eni-\w+\) is a blackhole: its target is gone or detached, the VPC router drops it$", RouteHop(result).Detail);
    }

    [Fact]
    public void Reach_MoreSpecificRouteWins_AndAnInternetGatewayDropsAnAddressWithoutPublicIp()
    {
        // A /24 to the internet gateway in a private subnet's table: 1.1.1.1 takes it (longest prefix), 8.8.8.8 the NAT.
        var world = WorldLoader.LoadDefault();
        var ec2 = Ec2(world);
        var coredns = CoreDns(world);
        var nodeAddress = new NodeView(world.ControlPlane.Store.List("v1", "Node").Items.Single(n => n.Name == coredns.NodeName)).InternalIP!;
        var primary = ec2.DescribeNetworkInterfaces().Single(e => e.PrivateIpAddress == nodeAddress);
        var table = ec2.RouteTableOfSubnet(primary.SubnetId);
        var igw = Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId;
        ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "1.1.1.0/24", GatewayId: igw));
        var reach = new Reachability(world);

        var direct = reach.Evaluate($"kube-system/{coredns.Name}", "1.1.1.1", "443");
        var nat = reach.Evaluate($"kube-system/{coredns.Name}", "8.8.8.8", "443");

        Assert.False(direct.Allowed);
        Assert.Equal(
            $"{table.RouteTableId} 1.1.1.0/24 → {igw} ({primary.SubnetId} of {primary.NetworkInterfaceId}), but {nodeAddress} has no public IPv4 address (only an instance's primary address in a subnet that maps public IPs on launch, or one with an Elastic IP, has one): the internet gateway drops it (a packet that keeps a pod's own address needs a route to a NAT gateway)",
            RouteHop(direct).Detail);
        Assert.True(nat.Allowed);
        Assert.StartsWith($"{table.RouteTableId} 0.0.0.0/0 → nat-", RouteHop(nat).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_PrefixListRoute_TakesTheLongestPrefixAcrossCidrRoutesAndItsEntries()
    {
        // A private subnet's table: 0.0.0.0/0 → NAT (the world's), a list route → the internet gateway with the entries
        // 1.1.1.0/24, 9.9.0.0/16 and 8.8.8.0/24, and CIDR routes 9.9.9.0/24 and 8.8.8.0/24 → the NAT gateway.
        var world = WorldLoader.LoadDefault();
        var ec2 = Ec2(world);
        var coredns = CoreDns(world);
        var nodeAddress = new NodeView(world.ControlPlane.Store.List("v1", "Node").Items.Single(n => n.Name == coredns.NodeName)).InternalIP!;
        var primary = ec2.DescribeNetworkInterfaces().Single(e => e.PrivateIpAddress == nodeAddress);
        var table = ec2.RouteTableOfSubnet(primary.SubnetId);
        var igw = Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId;
        var natId = Assert.Single(table.Routes, r => r.NatGatewayId is not null).NatGatewayId;
        var list = ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("direct", "IPv4", 5,
            [new PrefixListEntry("1.1.1.0/24"), new PrefixListEntry("9.9.0.0/16"), new PrefixListEntry("8.8.8.0/24")])).PrefixListId;
        ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, null, GatewayId: igw, DestinationPrefixListId: list));
        ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "9.9.9.0/24", NatGatewayId: natId));
        ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "8.8.8.0/24", NatGatewayId: natId));
        var reach = new Reachability(world);

        var byEntry = reach.Evaluate($"kube-system/{coredns.Name}", "1.1.1.1", "443");
        var moreSpecificCidr = reach.Evaluate($"kube-system/{coredns.Name}", "9.9.9.9", "443");
        var entryOnly = reach.Evaluate($"kube-system/{coredns.Name}", "9.9.1.1", "443");
        var equalLength = reach.Evaluate($"kube-system/{coredns.Name}", "8.8.8.8", "443");

        Assert.False(byEntry.Allowed);
        Assert.StartsWith($"{table.RouteTableId} {list} (direct) 1.1.1.0/24 → {igw} ({primary.SubnetId} of {primary.NetworkInterfaceId}), but {nodeAddress} has no public IPv4 address", RouteHop(byEntry).Detail, StringComparison.Ordinal);
        Assert.True(moreSpecificCidr.Allowed);
        Assert.StartsWith($"{table.RouteTableId} 9.9.9.0/24 → {natId} ", RouteHop(moreSpecificCidr).Detail, StringComparison.Ordinal);
        Assert.StartsWith($"{table.RouteTableId} {list} (direct) 9.9.0.0/16 → {igw} ", RouteHop(entryOnly).Detail, StringComparison.Ordinal);
        Assert.True(equalLength.Allowed, "a CIDR route wins over a prefix-list route of the same length");
        Assert.StartsWith($"{table.RouteTableId} 8.8.8.0/24 → {natId} ", RouteHop(equalLength).Detail, StringComparison.Ordinal);
    }

    // aws ec2 create-vpc-endpoint --vpc-id … --vpc-endpoint-type Gateway --service-name com.amazonaws.us-west-2.s3
    //   --route-table-ids (the table of private-us-west-2a only)
    private const string S3Endpoint = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: VpcEndpoint
        metadata: {name: s3}
        spec: {VpcId: podnet-vpc, VpcEndpointType: Gateway, ServiceName: com.amazonaws.us-west-2.s3, RouteTableIds: [private-us-west-2a]}
        """;

    private static Podnet.World.World DefaultWithS3Endpoint()
        => WorldLoader.Load([new WorldSource("w.yaml", WorldLoader.DefaultSource().Text + "\n---\n" + S3Endpoint)]);

    /// <summary>The default world's nodes by the subnet of their primary interface: (node, its address, the interface).</summary>
    private static List<(string Node, string Address, NetworkInterface Primary)> NodesBySubnet(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n))
            .Select(n => (n.Name, n.InternalIP!, Ec2(world).DescribeNetworkInterfaces().Single(e => e.PrivateIpAddress == n.InternalIP)))];

    [Fact]
    public void Reach_S3Address_FromASubnetWhoseTableHasTheEndpointRoute_GoesByTheGatewayEndpoint()
    {
        // 52.218.130.10 is in the us-west-2 S3 list's entry 52.218.128.0/17; the table's 0.0.0.0/0 → NAT is less specific.
        var world = DefaultWithS3Endpoint();
        var ec2 = Ec2(world);
        var endpoint = Assert.Single(ec2.DescribeVpcEndpoints()).VpcEndpointId;
        var (node, address, primary) = NodesBySubnet(world).First(n => ec2.RouteTableOfSubnet(n.Primary.SubnetId).Routes.Any(r => r.GatewayId == endpoint));
        var table = ec2.RouteTableOfSubnet(primary.SubnetId).RouteTableId;

        var result = new Reachability(world).Evaluate($"node/{node}", "52.218.130.10", "443");

        Assert.True(result.Allowed);
        Assert.Equal(
            $"{table} pl-68a54001 (com.amazonaws.us-west-2.s3) 52.218.128.0/17 → {endpoint} ({primary.SubnetId} of {primary.NetworkInterfaceId}): to com.amazonaws.us-west-2.s3 through gateway endpoint {endpoint}, on AWS's network with {address}'s private address (no NAT gateway or public address needed)",
            RouteHop(result).Detail);
        Assert.StartsWith($"{table} 0.0.0.0/0 → nat-", RouteHop(new Reachability(world).Evaluate($"node/{node}", "8.8.8.8", "443")).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_S3Address_FromASubnetWhoseTableLacksTheEndpointRoute_GoesByTheNatGateway()
    {
        var world = DefaultWithS3Endpoint();
        var ec2 = Ec2(world);
        var (node, _, primary) = NodesBySubnet(world).First(n => !ec2.RouteTableOfSubnet(n.Primary.SubnetId).Routes.Any(r => r.DestinationPrefixListId is not null));
        var table = ec2.RouteTableOfSubnet(primary.SubnetId).RouteTableId;
        var nat = Assert.Single(ec2.DescribeNatGateways());

        var result = new Reachability(world).Evaluate($"node/{node}", "52.218.130.10", "443");

        Assert.True(result.Allowed);
        Assert.StartsWith($"{table} 0.0.0.0/0 → {nat.NatGatewayId} ({primary.SubnetId} of {primary.NetworkInterfaceId}), then rtb-", RouteHop(result).Detail, StringComparison.Ordinal);
        Assert.EndsWith($": out through the internet gateway as the NAT gateway's Elastic IP {nat.NatGatewayAddresses[0].PublicIp}", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_S3Address_ACidrRouteAsSpecificAsTheListsEntry_WinsOverTheEndpointRoute()
    {
        // EC2 prefers the most specific route; at the same length the static route wins over the prefix-list route.
        var world = DefaultWithS3Endpoint();
        var ec2 = Ec2(world);
        var endpoint = Assert.Single(ec2.DescribeVpcEndpoints());
        var table = endpoint.RouteTableIds[0];
        var nat = Assert.Single(ec2.DescribeNatGateways()).NatGatewayId;
        ec2.CreateRoute(new CreateRouteRequest(table, "52.218.128.0/17", NatGatewayId: nat));
        var (node, _, _) = NodesBySubnet(world).First(n => ec2.RouteTableOfSubnet(n.Primary.SubnetId).RouteTableId == table);

        var result = new Reachability(world).Evaluate($"node/{node}", "52.218.130.10", "443");

        Assert.StartsWith($"{table} 52.218.128.0/17 → {nat} ", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_S3Address_AfterTheEndpointIsDeleted_GoesByTheNatGateway()
    {
        var world = DefaultWithS3Endpoint();
        var ec2 = Ec2(world);
        var endpoint = Assert.Single(ec2.DescribeVpcEndpoints());
        var (node, _, _) = NodesBySubnet(world).First(n => ec2.RouteTableOfSubnet(n.Primary.SubnetId).RouteTableId == endpoint.RouteTableIds[0]);

        Assert.Empty(ec2.DeleteVpcEndpoints([endpoint.VpcEndpointId]));
        var result = new Reachability(world).Evaluate($"node/{node}", "52.218.130.10", "443");

        Assert.StartsWith($"{endpoint.RouteTableIds[0]} 0.0.0.0/0 → nat-", RouteHop(result).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ReachCommand_S3AddressByTheGatewayEndpoint_PrintsTheEndpointRoute()
    {
        // podnet reach on a world directory (hello-eks with the endpoint on private-us-west-2a's table), as a user runs it.
        using var scenario = new ScenarioWorld("hello-eks", null, S3Endpoint);
        var world = scenario.Load();
        var ec2 = Ec2(world);
        var (node, _, primary) = NodesBySubnet(world).First(n => ec2.RouteTableOfSubnet(n.Primary.SubnetId).Routes.Any(r => r.GatewayId?.StartsWith("vpce-", StringComparison.Ordinal) == true));

        var (exit, reach, _) = PodnetCli.Run("reach", scenario.Directory, $"node/{node}", "52.218.130.10", "443");

        Assert.Equal(0, exit);
        Assert.Matches($@"^ALLOWED\n(.*\n)*  ok    route: rtb-\w+ pl-68a54001 \(com\.amazonaws\.us-west-2\.s3\) 52\.218\.128\.0/17 → vpce-\w+ \({primary.SubnetId} of {primary.NetworkInterfaceId}\): to com\.amazonaws\.us-west-2\.s3 through gateway endpoint vpce-\w+, on AWS's network", reach);
    }

    [Fact]
    public void Reach_NatGatewayInASubnetWithoutInternetRoute_DoesNotLeaveTheVpc()
    {
        // The NAT gateway's public subnet loses its association: it falls back to the main table, local routes only.
        var world = WorldLoader.LoadDefault();
        var ec2 = Ec2(world);
        var nat = Assert.Single(ec2.DescribeNatGateways());
        var association = ec2.RouteTableOfSubnet(nat.SubnetId).Associations.Single(a => a.SubnetId == nat.SubnetId);
        ec2.DisassociateRouteTable(association.RouteTableAssociationId);

        var result = new Reachability(world).Evaluate($"kube-system/{CoreDns(world).Name}", "1.1.1.1", "443");

        Assert.False(result.Allowed);
        Assert.Matches($@", but no route to 1\.1\.1\.1 in rtb-\w+ \(the NAT gateway's subnet {nat.SubnetId}, the VPC's main route table, implicitly associated\): a NAT gateway needs a public subnet, whose table routes to an internet gateway$", RouteHop(result).Detail);
    }

    [Fact]
    public void Reach_NodeInPublicSubnet_LeavesByTheInternetGateway_WithItsPublicAddress()
    {
        // Managed nodes in a subnet that maps public IPs on launch get one on their primary address.
        var world = WorldLoader.Load([new WorldSource("w.yaml", WorldLoader.DefaultSource().Text.Replace(
            "  Subnets: [private-us-west-2a, private-us-west-2b]\n  DesiredSize: 3", "  Subnets: [public-us-west-2b]\n  DesiredSize: 1", StringComparison.Ordinal))]);
        var node = Assert.Single(world.ControlPlane.Store.List("v1", "Node").Items);
        var address = new NodeView(node).InternalIP!;

        var result = new Reachability(world).Evaluate($"node/{node.Name}", "8.8.8.8", "443");

        // The node's public address is the one it shows as its ExternalIP.
        var external = node.Peek("status.addresses")!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "ExternalIP")!["address"]!.GetValue<string>();
        Assert.True(result.Allowed);
        Assert.Matches($@"^rtb-\w+ 0\.0\.0\.0/0 → igw-\w+ \(subnet-\w+ of eni-\w+\): out through the internet gateway with {address.Replace(".", "\\.", StringComparison.Ordinal)}'s public IPv4 address {external.Replace(".", "\\.", StringComparison.Ordinal)}$", RouteHop(result).Detail);
    }

    [Fact]
    public void ReachCommand_AndThePodsCurl_Agree_OnAPodWithoutRoute()
    {
        // podnet reach and a pod's curl (what kubectl exec runs) decide from the same route lookup.
        using var scenario = new ScenarioWorld(CustomNetworking, ExternalSnat);
        var world = scenario.Load();
        var coredns = CoreDns(world);

        var (exit, reach, _) = PodnetCli.Run("reach", scenario.Directory, $"kube-system/{coredns.Name}", "8.8.8.8", "443");
        var curl = new PodShell(world, "kube-system", coredns.Name).Exec(["curl", "-sS", "-m", "5", "8.8.8.8"]);

        Assert.Equal(1, exit);
        Assert.Matches(@"^DENIED\n(.*\n)*  FAIL  route: no route to 8\.8\.8\.8 in rtb-\w+ \(subnet-0a1b2c3d4e5f60\w+, the VPC's main route table, implicitly associated\): the VPC router drops it\n", reach);
        Assert.NotEqual(0, curl.ExitCode);
        Assert.Contains(curl.Reach.SelectMany(r => r.Hops), h => h is { Step: "route", Allowed: false } && h.Detail.StartsWith("no route to 8.8.8.8 in rtb-", StringComparison.Ordinal));
    }

    [Fact]
    public void Lint_PodsInASubnetWithoutRoute_AreOneWarning_WithReachsRoute_AndNoneWhenSnated()
    {
        // lint asks reach, so both name the same table: seed 003's subnets with the pods' own addresses.
        var world = ExampleWorlds.Load(CustomNetworking, ExternalSnat);
        var coredns = CoreDns(world);
        var route = RouteHop(new Reachability(world).Evaluate($"kube-system/{coredns.Name}", "8.8.8.8", "443"));

        var findings = WorldLint.Run(world).Where(f => f.Check == PodsWithoutRouteOut.Id).ToList();

        var subnet = Ec2(world).DescribeNetworkInterfaces().Single(e => e.PrivateIpAddresses.Any(a => a.PrivateIpAddress == coredns.PodIP)).SubnetId;
        var finding = Assert.Single(findings, f => f.Object == $"Subnet {subnet}");
        Assert.Equal(LintSeverity.Warning, finding.Severity);
        Assert.EndsWith($"cannot reach the Internet (8.8.8.8) by this subnet: {route.Detail}", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WorldLint.Run(ExampleWorlds.Load(CustomNetworking)), f => f.Check == PodsWithoutRouteOut.Id);
    }

    [Fact]
    public void Reach_ThroughAPrivateNatGateway_CannotReachTheInternet_AndLintSaysSo()
    {
        // The default world's NAT gateway declared private: same public subnet, same route on to the internet gateway,
        // which drops a private NAT gateway's traffic (Amazon VPC User Guide, "NAT gateways").
        var world = WorldLoader.Load([new WorldSource("w.yaml", WorldLoader.DefaultSource().Text.Replace(
            "  SubnetId: public-us-west-2a\n  ConnectivityType: public", "  SubnetId: public-us-west-2a\n  ConnectivityType: private", StringComparison.Ordinal))]);
        var ec2 = Ec2(world);
        var nat = Assert.Single(ec2.DescribeNatGateways());
        var natTable = ec2.RouteTableOfSubnet(nat.SubnetId);
        var igw = Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId;
        var coredns = CoreDns(world);

        var result = new Reachability(world).Evaluate($"kube-system/{coredns.Name}", "8.8.8.8", "443");

        Assert.Equal(("private", "available"), (nat.ConnectivityType, nat.State));
        var address = Assert.Single(nat.NatGatewayAddresses);
        Assert.Null(address.AllocationId);
        Assert.Null(address.PublicIp);
        Assert.False(result.Allowed);
        Assert.Matches(
            $@"^rtb-\w+ 0\.0\.0\.0/0 → {nat.NatGatewayId} \(subnet-\w+ of eni-\w+\), but NAT gateway {nat.NatGatewayId} is private \(it translates to its private address {address.PrivateIp!.Replace(".", "\\.", StringComparison.Ordinal)}\) and cannot reach the internet: {natTable.RouteTableId} 0\.0\.0\.0/0 → {igw} in its subnet {nat.SubnetId} sends it to the internet gateway, which drops a private NAT gateway's traffic$",
            RouteHop(result).Detail);
        var findings = WorldLint.Run(world).Where(f => f.Check == PodsWithoutRouteOut.Id).ToList();
        var leaving = ec2.DescribeNetworkInterfaces().Single(e => e.PrivateIpAddress == new NodeView(world.ControlPlane.Store.List("v1", "Node").Items.Single(n => n.Name == coredns.NodeName)).InternalIP).SubnetId;
        Assert.Contains(findings, f => f.Object == $"Subnet {leaving}");
        Assert.All(findings, f => Assert.Contains($"but NAT gateway {nat.NatGatewayId} is private", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Reach_ThroughAPrivateNatGatewayWithoutOnwardRoute_NamesItsSubnetsTable()
    {
        // A private NAT gateway made through EC2 in a subnet on the main table (local routes only): nothing onward.
        var world = WorldLoader.LoadDefault();
        var ec2 = Ec2(world);
        var coredns = CoreDns(world);
        var nodeAddress = new NodeView(world.ControlPlane.Store.List("v1", "Node").Items.Single(n => n.Name == coredns.NodeName)).InternalIP!;
        var table = ec2.RouteTableOfSubnet(ec2.DescribeNetworkInterfaces().Single(e => e.PrivateIpAddress == nodeAddress).SubnetId);
        var vpc = ec2.DescribeVpcs()[0].VpcId;
        var isolated = ec2.CreateSubnet(new CreateSubnetRequest(vpc, "192.168.250.0/28", "us-west-2a"));
        var nat = ec2.CreateNatGateway(new CreateNatGatewayRequest(isolated.SubnetId, null, Existing: true, ConnectivityType: "private"));
        ec2.DeleteRoute(table.RouteTableId, "0.0.0.0/0");
        ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "0.0.0.0/0", NatGatewayId: nat.NatGatewayId));
        var main = ec2.RouteTableOfSubnet(isolated.SubnetId);

        var result = new Reachability(world).Evaluate($"kube-system/{coredns.Name}", "8.8.8.8", "443");

        Assert.False(result.Allowed);
        Assert.EndsWith(
            $", but NAT gateway {nat.NatGatewayId} is private (it translates to its private address 192.168.250.4) and cannot reach the internet: no route to 8.8.8.8 in {main.RouteTableId} (its subnet {isolated.SubnetId}, the VPC's main route table, implicitly associated), the VPC router drops it",
            RouteHop(result).Detail,
            StringComparison.Ordinal);
    }
}
