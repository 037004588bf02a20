using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// The world kinds InternetGateway, NatGateway and RouteTable (the aws CLI's field names), the default world's
/// routes (eksctl's), and the tables of a fresh EKS VPC for a world that declares none.
/// </summary>
public class RouteDocumentsTests
{
    private const string Vpc = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Vpc
        metadata: {name: v}
        spec: {CidrBlock: 10.0.0.0/16, SecondaryCidrBlocks: [100.64.0.0/16]}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: public-a}
        spec: {Vpc: v, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-west-2a, MapPublicIpOnLaunch: true}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: private-a}
        spec: {Vpc: v, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-west-2a}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: private-b}
        spec: {Vpc: v, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-west-2b}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: pods-a}
        spec: {Vpc: v, CidrBlock: 100.64.0.0/19, AvailabilityZone: us-west-2a}

        """;

    private const string Igw = """
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: InternetGateway
        metadata: {name: igw}
        spec: {Attachments: [{VpcId: v}]}

        """;

    private static Ec2Backend Load(string text) => WorldLoader.Load([new WorldSource("w.yaml", text)]).Cloud!.Ec2Backend;

    private static string SubnetId(Ec2Backend ec2, string name)
        => ec2.DescribeSubnets(DescribeRequest.Where(new Filter("tag:Name", name)))[0].SubnetId;

    private static string Target(Ec2Backend ec2, string subnet, string destination = "0.0.0.0/0")
    {
        var route = ec2.RouteTableOfSubnet(SubnetId(ec2, subnet)).Routes.SingleOrDefault(r => r.DestinationCidrBlock == destination);
        return route is null ? "none" : route.NatGatewayId ?? route.GatewayId!;
    }

    [Fact]
    public void DefaultWorld_HasEksctlsRoutes_PublicToTheInternetGateway_PrivateToOneNatGateway()
    {
        var ec2 = WorldLoader.LoadDefault().Cloud!.Ec2Backend;
        var igw = Assert.Single(ec2.DescribeInternetGateways());
        var nat = Assert.Single(ec2.DescribeNatGateways());

        Assert.Equal(("available", SubnetId(ec2, "public-us-west-2a")), (nat.State, nat.SubnetId));
        Assert.Equal(igw.InternetGatewayId, Target(ec2, "public-us-west-2a"));
        Assert.Equal(igw.InternetGatewayId, Target(ec2, "public-us-west-2b"));
        Assert.Equal(nat.NatGatewayId, Target(ec2, "private-us-west-2a"));
        Assert.Equal(nat.NatGatewayId, Target(ec2, "private-us-west-2b"));
        var main = Assert.Single(ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("association.main", "true"))));
        Assert.Equal([("192.168.0.0/16", "local")], main.Routes.Select(r => (r.DestinationCidrBlock, r.GatewayId)));
        Assert.Equal(4, ec2.DescribeRouteTables().Count);
    }

    [Fact]
    public void WorldWithoutRoutes_GetsAFreshEksVpcsTables_SecondaryBlockSubnetsKeepTheMainTable()
    {
        var ec2 = Load(Vpc);
        var igw = Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId;
        var nat = Assert.Single(ec2.DescribeNatGateways());

        Assert.Equal(("available", SubnetId(ec2, "public-a")), (nat.State, nat.SubnetId));
        Assert.Equal(igw, Target(ec2, "public-a"));
        Assert.Equal(nat.NatGatewayId, Target(ec2, "private-a"));

        // No public subnet in us-west-2b: its private subnet takes the first public subnet's NAT gateway.
        Assert.Equal(nat.NatGatewayId, Target(ec2, "private-b"));
        Assert.Equal("none", Target(ec2, "pods-a"));
        Assert.Contains(ec2.RouteTableOfSubnet(SubnetId(ec2, "pods-a")).Associations, a => a.Main);
    }

    [Fact]
    public void WorldWithoutPublicSubnet_HasNoNatGateway_ItsSubnetsNoWayOut()
    {
        var ec2 = Load(Vpc.Replace(", MapPublicIpOnLaunch: true", string.Empty, StringComparison.Ordinal));

        Assert.Empty(ec2.DescribeNatGateways());
        Assert.Equal("none", Target(ec2, "private-a"));
    }

    [Fact]
    public void RouteTable_WithTheCliFieldNames_RoutesAndAssociates()
    {
        var ec2 = Load(Vpc + Igw + """
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NatGateway
            metadata: {name: nat}
            spec: {SubnetId: public-a, ConnectivityType: public}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: public}
            spec:
              VpcId: v
              Routes:
              - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
              - {DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw}
              Associations: [{SubnetId: public-a}]
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: main}
            spec:
              VpcId: v
              Routes: [{DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: nat}]
              Associations: [{Main: true}]
            """);
        var nat = Assert.Single(ec2.DescribeNatGateways()).NatGatewayId;
        var igw = Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId;

        Assert.Equal(igw, Target(ec2, "public-a"));

        // The main table is the VPC's own: every subnet not named elsewhere routes through it.
        Assert.Equal(nat, Target(ec2, "private-a"));
        Assert.Equal(nat, Target(ec2, "pods-a"));
        Assert.Equal(2, ec2.DescribeRouteTables().Count);
    }

    [Theory]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 0.0.0.0/0, GatewayId: nope}]}",
        "spec.Routes[0].GatewayId: no InternetGateway named \"nope\" in the world (give a name from the world or an ID such as igw-0123456789abcdef0)")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw, State: blackhole}]}",
        "spec.Routes[0].State: unknown field: supported fields: DestinationCidrBlock, GatewayId, NatGatewayId")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Associations: [{Main: false}]}",
        "spec.Associations[0]: Invalid value: an association names a SubnetId, or is {Main: true} for the VPC's main route table")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 10.1.0.0/16, GatewayId: local}]}",
        "spec.Routes[0].DestinationCidrBlock: Invalid value: \"10.1.0.0/16\": a local route's destination is one of the VPC's CIDR blocks (10.0.0.0/16, 100.64.0.0/16)")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw}, {DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw}]}",
        "RouteAlreadyExists: The route identified by 0.0.0.0/0 already exists.")]
    [InlineData(
        "kind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: public-a, ConnectivityType: private}",
        "spec.ConnectivityType: Unsupported value: \"private\": supported values: \"public\" (Podnet emulates public NAT gateways only)")]
    public void BadRouteDocuments_AreErrors(string document, string message)
    {
        var error = BadWorlds.LoadError(Vpc + Igw + "---\napiVersion: aws.podnet.dev/v1alpha1\n" + document + "\n");
        Assert.EndsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void NatGateway_InAVpcWithoutInternetGateway_IsGatewayNotAttached()
    {
        var error = BadWorlds.LoadError(Vpc + "---\napiVersion: aws.podnet.dev/v1alpha1\nkind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: public-a}\n");
        Assert.Matches(@"\(line \d+, NatGateway n\): spec\.SubnetId: Gateway\.NotAttached: Network vpc-\w+ has no Internet gateway attached \(declare an InternetGateway attached to the VPC\)$", error);
    }
}
