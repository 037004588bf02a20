using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

/// <summary>
/// Issue 11, IPv6 out of the VPC: egress-only internet gateways (Create/Describe/DeleteEgressOnlyInternetGateway with
/// EC2's codes) and IPv6 routes (DestinationIpv6CidrBlock, the VPC's IPv6 local route, routes to an egress-only or
/// internet gateway, and EC2's refusals).
/// </summary>
public class EgressOnlyInternetGatewayTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private Vpc DualStackVpc() => Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));

    [Fact]
    public void CreateEgressOnlyInternetGateway_IsAttachedToItsVpc_WithTags_AndDescribedByIdAndTag()
    {
        var vpc = DualStackVpc();

        var gateway = Ec2.CreateEgressOnlyInternetGateway(vpc.VpcId, [new Tag("Name", "private-egress")]);

        Assert.Matches("^eigw-[0-9a-f]{17}$", gateway.EgressOnlyInternetGatewayId);
        Assert.Equal(new InternetGatewayAttachment(vpc.VpcId, "attached"), Assert.Single(gateway.Attachments));
        var byId = Assert.Single(Ec2.DescribeEgressOnlyInternetGateways(DescribeRequest.ForIds(gateway.EgressOnlyInternetGatewayId)));
        Assert.Equal(gateway.EgressOnlyInternetGatewayId, byId.EgressOnlyInternetGatewayId);
        Assert.Equal([new Tag("Name", "private-egress")], byId.Tags);
        Assert.Single(Ec2.DescribeEgressOnlyInternetGateways(DescribeRequest.Where(new Filter("tag:Name", "private-egress"))));
        Assert.Empty(Ec2.DescribeEgressOnlyInternetGateways(DescribeRequest.Where(new Filter("tag-key", "Owner"))));
    }

    [Fact]
    public void CreateEgressOnlyInternetGateway_ForAMissingVpc_IsInvalidVpcIdNotFound()
    {
        var error = Throws(() => Ec2.CreateEgressOnlyInternetGateway("vpc-00000000"));

        Assert.Equal("InvalidVpcID.NotFound", error.Code);
    }

    [Fact]
    public void EgressOnlyInternetGateway_UnknownAndMalformedIds_AreEc2sCodes()
    {
        var notFound = Throws(() => Ec2.DescribeEgressOnlyInternetGateways(DescribeRequest.ForIds("eigw-0123456789abcdef0")));
        Assert.Equal("InvalidEgressOnlyInternetGatewayId.NotFound", notFound.Code);
        Assert.Equal("The egressOnlyInternetGateway ID 'eigw-0123456789abcdef0' does not exist", notFound.Message);
        Assert.Equal("InvalidEgressOnlyInternetGatewayId.NotFound", Throws(() => Ec2.DeleteEgressOnlyInternetGateway("eigw-0123456789abcdef0")).Code);

        var malformed = Throws(() => Ec2.DeleteEgressOnlyInternetGateway("igw-0123456789abcdef0"));
        Assert.Equal("InvalidEgressOnlyInternetGatewayId.Malformed", malformed.Code);
        Assert.Equal("Invalid id: \"igw-0123456789abcdef0\" (expecting \"eigw-...\")", malformed.Message);
        Assert.Equal("InvalidEgressOnlyInternetGatewayId.Malformed", Throws(() => Ec2.CreateEgressOnlyInternetGateway(DualStackVpc().VpcId, null, "eigw-xyz")).Code);
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.DescribeEgressOnlyInternetGateways(DescribeRequest.Where(new Filter("vpc-id", "vpc-1")))).Code);
    }

    [Fact]
    public void DeleteEgressOnlyInternetGateway_LeavesItsRoutesBlackholes_AndFreesTheVpc()
    {
        var vpc = DualStackVpc();
        var gateway = Ec2.CreateEgressOnlyInternetGateway(vpc.VpcId).EgressOnlyInternetGatewayId;
        var table = Ec2.CreateRouteTable(vpc.VpcId).RouteTableId;
        Ec2.CreateRoute(new CreateRouteRequest(table, null, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: gateway));
        Assert.Equal("active", Route(table, "::/0").State);
        Assert.Equal("DependencyViolation", Throws(() => Ec2.DeleteVpc(vpc.VpcId)).Code);

        Ec2.DeleteEgressOnlyInternetGateway(gateway);

        Assert.Empty(Ec2.DescribeEgressOnlyInternetGateways());
        Assert.Equal(new Route(null, null, null, "CreateRoute", "blackhole", DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: gateway), Route(table, "::/0"));
        Assert.Equal("InvalidEgressOnlyInternetGatewayId.NotFound", Throws(() => Ec2.DeleteEgressOnlyInternetGateway(gateway)).Code);
    }

    [Fact]
    public void RouteTable_OfADualStackVpc_HasTheIpv6LocalRoute()
    {
        var vpc = DualStackVpc();
        var ipv6 = Assert.Single(vpc.Ipv6CidrBlockAssociationSet).Ipv6CidrBlock;

        var table = Ec2.RouteTableOfSubnet(Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24", "us-west-2a")).SubnetId);

        Assert.Equal(
            [new Route("10.0.0.0/16", "local", null, "CreateRouteTable", "active"), new Route(null, "local", null, "CreateRouteTable", "active", DestinationIpv6CidrBlock: ipv6)],
            table.Routes);
        Assert.Single(Ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("route.destination-ipv6-cidr-block", ipv6))));
        Assert.Equal("RouteAlreadyExists", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, null, GatewayId: Igw(vpc), DestinationIpv6CidrBlock: ipv6))).Code);
    }

    [Fact]
    public void CreateRoute_Ipv6ToEgressOnlyAndInternetGateways_DescribedAndFiltered_ThenDeleted()
    {
        var vpc = DualStackVpc();
        var eigw = Ec2.CreateEgressOnlyInternetGateway(vpc.VpcId).EgressOnlyInternetGatewayId;
        var igw = Igw(vpc);
        var privateTable = Ec2.CreateRouteTable(vpc.VpcId).RouteTableId;
        var publicTable = Ec2.CreateRouteTable(vpc.VpcId).RouteTableId;

        Ec2.CreateRoute(new CreateRouteRequest(privateTable, null, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw));
        Ec2.CreateRoute(new CreateRouteRequest(publicTable, null, GatewayId: igw, DestinationIpv6CidrBlock: "::/0"));
        Ec2.CreateRoute(new CreateRouteRequest(publicTable, "0.0.0.0/0", GatewayId: igw));

        Assert.Equal(new Route(null, null, null, "CreateRoute", "active", DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw), Route(privateTable, "::/0"));
        Assert.Equal(new Route(null, igw, null, "CreateRoute", "active", DestinationIpv6CidrBlock: "::/0"), Route(publicTable, "::/0"));
        Assert.Equal(privateTable, Assert.Single(Ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("route.egress-only-internet-gateway-id", eigw)))).RouteTableId);
        Assert.Equal("RouteAlreadyExists", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(privateTable, null, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw))).Code);

        Ec2.DeleteRoute(privateTable, "::/0");
        Ec2.DeleteRoute(publicTable, "::/0");

        Assert.DoesNotContain(Ec2.DescribeRouteTables(DescribeRequest.ForIds(privateTable, publicTable)).SelectMany(t => t.Routes), r => r.DestinationIpv6CidrBlock == "::/0");
        Assert.Equal("0.0.0.0/0", Route(publicTable, "0.0.0.0/0").DestinationCidrBlock);
        Assert.Equal("InvalidRoute.NotFound", Throws(() => Ec2.DeleteRoute(privateTable, "::/0")).Code);
    }

    [Fact]
    public void CreateRoute_EgressOnlyGatewayForAnIpv4Destination_IsInvalidParameterCombination()
    {
        var vpc = DualStackVpc();
        var eigw = Ec2.CreateEgressOnlyInternetGateway(vpc.VpcId).EgressOnlyInternetGatewayId;
        var table = Ec2.CreateRouteTable(vpc.VpcId).RouteTableId;

        var error = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, "0.0.0.0/0", EgressOnlyInternetGatewayId: eigw)));

        Assert.Equal("InvalidParameterCombination", error.Code);
        Assert.Equal("The parameter destinationCidrBlock cannot be used with the parameter egressOnlyInternetGatewayId", error.Message);
    }

    [Fact]
    public void CreateRoute_EgressOnlyGatewayForAPrefixList_TakesAnIpv6List_RefusesAnIpv4One()
    {
        var vpc = DualStackVpc();
        var eigw = Ec2.CreateEgressOnlyInternetGateway(vpc.VpcId).EgressOnlyInternetGatewayId;
        var table = Ec2.CreateRouteTable(vpc.VpcId).RouteTableId;
        var ipv6List = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("partners-v6", "IPv6", 1, [new PrefixListEntry("2001:db8::/32")])).PrefixListId;
        var ipv4List = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("partners-v4", "IPv4", 1, [new PrefixListEntry("198.51.100.0/24")])).PrefixListId;

        Ec2.CreateRoute(new CreateRouteRequest(table, null, DestinationPrefixListId: ipv6List, EgressOnlyInternetGatewayId: eigw));
        var error = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, DestinationPrefixListId: ipv4List, EgressOnlyInternetGatewayId: eigw)));

        Assert.Equal(new Route(null, null, null, "CreateRoute", "active", ipv6List, EgressOnlyInternetGatewayId: eigw), Route(table, ipv6List));
        Assert.Equal(("InvalidParameterCombination", "The parameter destinationPrefixListId cannot be used with the parameter egressOnlyInternetGatewayId"), (error.Code, error.Message));
    }

    [Fact]
    public void CreateRoute_Ipv6Refusals_AreEc2sErrors()
    {
        var vpc = DualStackVpc();
        var other = DualStackVpc();
        var eigw = Ec2.CreateEgressOnlyInternetGateway(vpc.VpcId).EgressOnlyInternetGatewayId;
        var otherEigw = Ec2.CreateEgressOnlyInternetGateway(other.VpcId).EgressOnlyInternetGatewayId;
        var table = Ec2.CreateRouteTable(vpc.VpcId).RouteTableId;

        var notFound = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-0123456789abcdef0")));
        Assert.Equal("InvalidEgressOnlyInternetGatewayId.NotFound", notFound.Code);
        var elsewhere = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: otherEigw)));
        Assert.Equal("InvalidParameterValue", elsewhere.Code);
        Assert.Equal($"route table {table} and network gateway {otherEigw} belong to different networks", elsewhere.Message);
        var ipv4AsIpv6 = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, DestinationIpv6CidrBlock: "0.0.0.0/0", EgressOnlyInternetGatewayId: eigw)));
        Assert.Equal("Value (0.0.0.0/0) for parameter destinationIpv6CidrBlock is invalid. This is not a valid CIDR block.", ipv4AsIpv6.Message);
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, "::/0", GatewayId: Igw(vpc)))).Code);
        Assert.Equal("InvalidParameterCombination", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, "0.0.0.0/0", DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw))).Code);
        Assert.Equal("InvalidParameterCombination", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, GatewayId: Igw(vpc), DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw))).Code);
    }

    private string Igw(Vpc vpc)
    {
        if (Ec2.DescribeInternetGateways(DescribeRequest.Where(new Filter("attachment.vpc-id", vpc.VpcId))) is [var attached])
        {
            return attached.InternetGatewayId;
        }

        var gateway = Ec2.CreateInternetGateway().InternetGatewayId;
        Ec2.AttachInternetGateway(gateway, vpc.VpcId);
        return gateway;
    }

    private Route Route(string tableId, string destination)
        => Assert.Single(Ec2.DescribeRouteTables(DescribeRequest.ForIds(tableId))[0].Routes, r => r.Destination == destination);
}
