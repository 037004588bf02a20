using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class RouteTableTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private RouteTable Main => Assert.Single(Ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("vpc-id", _cloud.Vpc.VpcId), new Filter("association.main", "true"))));

    [Fact]
    public void CreateVpc_MakesMainRouteTable_WithLocalRoute()
    {
        var main = Main;

        Assert.Matches("^rtb-[0-9a-f]{17}$", main.RouteTableId);
        var local = Assert.Single(main.Routes);
        Assert.Equal(new Route("192.168.0.0/16", "local", null, "CreateRouteTable", "active"), local);
        var association = Assert.Single(main.Associations);
        Assert.True(association.Main);
        Assert.Null(association.SubnetId);
        Assert.StartsWith("rtbassoc-", association.RouteTableAssociationId, StringComparison.Ordinal);
    }

    [Fact]
    public void AssociateVpcCidrBlock_AddsLocalRoute_ToEveryTableOfTheVpc()
    {
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId);
        var association = Ec2.AssociateVpcCidrBlock(_cloud.Vpc.VpcId, "100.64.0.0/16");

        foreach (var id in new[] { Main.RouteTableId, table.RouteTableId })
        {
            var routes = Ec2.DescribeRouteTables(DescribeRequest.ForIds(id))[0].Routes;
            Assert.Equal(["192.168.0.0/16", "100.64.0.0/16"], routes.Select(r => r.DestinationCidrBlock));
            Assert.All(routes, r => Assert.Equal("local", r.GatewayId));
        }

        Ec2.DisassociateVpcCidrBlock(association.AssociationId);
        Assert.Single(Main.Routes);
    }

    [Fact]
    public void SubnetWithoutAssociation_UsesMainTable_UntilAssociated()
    {
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId, [new Tag("Name", "public")]);
        Assert.Equal(Main.RouteTableId, Ec2.RouteTableOfSubnet(_cloud.SubnetA.SubnetId).RouteTableId);

        // The implicit association is not listed, as on EC2.
        Assert.Empty(Ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("association.subnet-id", _cloud.SubnetA.SubnetId))));

        var associationId = Ec2.AssociateRouteTable(table.RouteTableId, _cloud.SubnetA.SubnetId);
        Assert.Equal(table.RouteTableId, Ec2.RouteTableOfSubnet(_cloud.SubnetA.SubnetId).RouteTableId);
        var found = Assert.Single(Ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("association.subnet-id", _cloud.SubnetA.SubnetId), new Filter("tag:Name", "pub*"))));
        Assert.Equal(associationId, Assert.Single(found.Associations).RouteTableAssociationId);

        var error = Throws(() => Ec2.AssociateRouteTable(Main.RouteTableId, _cloud.SubnetA.SubnetId));
        Assert.Equal("Resource.AlreadyAssociated", error.Code);

        Ec2.DisassociateRouteTable(associationId);
        Assert.Equal(Main.RouteTableId, Ec2.RouteTableOfSubnet(_cloud.SubnetA.SubnetId).RouteTableId);
        Assert.Equal("InvalidAssociationID.NotFound", Throws(() => Ec2.DisassociateRouteTable(associationId)).Code);
    }

    [Fact]
    public void DeleteRouteTable_WhileAssociatedOrMain_IsDependencyViolation()
    {
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId);
        var associationId = Ec2.AssociateRouteTable(table.RouteTableId, _cloud.SubnetB.SubnetId);

        var error = Throws(() => Ec2.DeleteRouteTable(table.RouteTableId));
        Assert.Equal("DependencyViolation", error.Code);
        Assert.Equal($"The routeTable '{table.RouteTableId}' has dependencies and cannot be deleted.", error.Message);
        Assert.Equal("DependencyViolation", Throws(() => Ec2.DeleteRouteTable(Main.RouteTableId)).Code);
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.DisassociateRouteTable(Assert.Single(Main.Associations).RouteTableAssociationId)).Code);

        Ec2.DisassociateRouteTable(associationId);
        Ec2.DeleteRouteTable(table.RouteTableId);
        var missing = Throws(() => Ec2.DescribeRouteTables(DescribeRequest.ForIds(table.RouteTableId)));
        Assert.Equal("InvalidRouteTableID.NotFound", missing.Code);
        Assert.Equal($"The routeTable ID '{table.RouteTableId}' does not exist", missing.Message);
    }

    [Fact]
    public void CreateRoute_ToAttachedInternetGateway_ThenDuplicate_IsRouteAlreadyExists()
    {
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId);
        var gateway = Ec2.CreateInternetGateway();

        // Not yet attached to the table's VPC: another network.
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "0.0.0.0/0", GatewayId: gateway.InternetGatewayId))).Code);
        Ec2.AttachInternetGateway(gateway.InternetGatewayId, _cloud.Vpc.VpcId);
        Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "0.0.0.0/0", GatewayId: gateway.InternetGatewayId));

        var route = Ec2.DescribeRouteTables(DescribeRequest.ForIds(table.RouteTableId))[0].Routes[1];
        Assert.Equal(new Route("0.0.0.0/0", gateway.InternetGatewayId, null, "CreateRoute", "active"), route);
        var duplicate = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "0.0.0.0/0", GatewayId: gateway.InternetGatewayId)));
        Assert.Equal("RouteAlreadyExists", duplicate.Code);
        Assert.Equal("The route identified by 0.0.0.0/0 already exists.", duplicate.Message);
        Assert.Equal("RouteAlreadyExists", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "192.168.0.0/16", GatewayId: gateway.InternetGatewayId))).Code);
        Assert.Equal("InvalidParameterCombination", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "10.0.0.0/8"))).Code);
        Assert.Equal("InvalidGatewayID.NotFound", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "10.0.0.0/8", GatewayId: "igw-00000000"))).Code);
        Assert.Equal("InvalidNatGatewayID.NotFound", Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "10.0.0.0/8", NatGatewayId: "nat-00000000"))).Code);

        // A detached gateway leaves its routes a blackhole.
        Ec2.DeleteRoute(table.RouteTableId, "0.0.0.0/0");
        var gone = Throws(() => Ec2.DeleteRoute(table.RouteTableId, "0.0.0.0/0"));
        Assert.Equal("InvalidRoute.NotFound", gone.Code);
        Assert.Equal($"no route with destination-cidr-block 0.0.0.0/0 in route table {table.RouteTableId}", gone.Message);
        Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "0.0.0.0/0", GatewayId: gateway.InternetGatewayId));
        Ec2.DetachInternetGateway(gateway.InternetGatewayId, _cloud.Vpc.VpcId);
        Assert.Equal("blackhole", Ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("route.gateway-id", gateway.InternetGatewayId)))[0].Routes[1].State);
    }

    [Fact]
    public void CreateRoute_ToAPrefixList_IsDescribedByItsId_DuplicateOrUnknown_AreEc2sErrors_AndDeleteRouteTakesTheId()
    {
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var gateway = Ec2.CreateInternetGateway().InternetGatewayId;
        Ec2.AttachInternetGateway(gateway, _cloud.Vpc.VpcId);
        var list = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("partners", "IPv4", 2, [new PrefixListEntry("198.51.100.0/24")])).PrefixListId;

        Ec2.CreateRoute(new CreateRouteRequest(table, null, GatewayId: gateway, DestinationPrefixListId: list));
        var duplicate = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, GatewayId: gateway, DestinationPrefixListId: list)));
        var unknown = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, GatewayId: gateway, DestinationPrefixListId: "pl-0123456789abcdef0")));
        var both = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, "0.0.0.0/0", GatewayId: gateway, DestinationPrefixListId: list)));
        var neither = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, GatewayId: gateway)));

        var route = Ec2.DescribeRouteTables(DescribeRequest.ForIds(table))[0].Routes[^1];
        Assert.Equal(new Route(null, gateway, null, "CreateRoute", "active", list), route);
        Assert.Equal(list, route.Destination);
        Assert.Equal(("RouteAlreadyExists", $"The route identified by {list} already exists."), (duplicate.Code, duplicate.Message));
        Assert.Equal(("InvalidPrefixListID.NotFound", "The prefix list ID 'pl-0123456789abcdef0' does not exist."), (unknown.Code, unknown.Message));
        Assert.Equal(("InvalidParameterCombination", "InvalidParameterCombination"), (both.Code, neither.Code));

        Ec2.DeleteRoute(table, list);

        Assert.Single(Ec2.DescribeRouteTables(DescribeRequest.ForIds(table))[0].Routes);
        Assert.Equal("InvalidRoute.NotFound", Throws(() => Ec2.DeleteRoute(table, list)).Code);
    }

    [Fact]
    public void DeleteVpc_WithRouteTableOrGateway_IsDependencyViolation_ThenTakesMainTable()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.1.0.0/16"));
        var table = Ec2.CreateRouteTable(vpc.VpcId);
        var gateway = Ec2.CreateInternetGateway();
        Ec2.AttachInternetGateway(gateway.InternetGatewayId, vpc.VpcId);

        Assert.Equal("DependencyViolation", Throws(() => Ec2.DeleteVpc(vpc.VpcId)).Code);
        Ec2.DeleteRouteTable(table.RouteTableId);
        Assert.Equal("DependencyViolation", Throws(() => Ec2.DeleteVpc(vpc.VpcId)).Code);
        Assert.Equal("DependencyViolation", Throws(() => Ec2.DeleteInternetGateway(gateway.InternetGatewayId)).Code);
        Ec2.DetachInternetGateway(gateway.InternetGatewayId, vpc.VpcId);
        Assert.Equal("Gateway.NotAttached", Throws(() => Ec2.DetachInternetGateway(gateway.InternetGatewayId, vpc.VpcId)).Code);
        Ec2.DeleteInternetGateway(gateway.InternetGatewayId);
        Ec2.DeleteVpc(vpc.VpcId);

        Assert.Empty(Ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("vpc-id", vpc.VpcId))));
    }

    [Fact]
    public void AttachInternetGateway_Twice_IsResourceAlreadyAssociated()
    {
        var gateway = Ec2.CreateInternetGateway([new Tag("Name", "igw")]);
        Ec2.AttachInternetGateway(gateway.InternetGatewayId, _cloud.Vpc.VpcId);

        var error = Throws(() => Ec2.AttachInternetGateway(gateway.InternetGatewayId, _cloud.Vpc.VpcId));
        Assert.Equal("Resource.AlreadyAssociated", error.Code);
        Assert.Equal($"resource {gateway.InternetGatewayId} is already attached to network {_cloud.Vpc.VpcId}", error.Message);
        var second = Ec2.CreateInternetGateway();
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.AttachInternetGateway(second.InternetGatewayId, _cloud.Vpc.VpcId)).Code);
        var described = Assert.Single(Ec2.DescribeInternetGateways(DescribeRequest.Where(new Filter("attachment.vpc-id", _cloud.Vpc.VpcId))));
        Assert.Equal(new InternetGatewayAttachment(_cloud.Vpc.VpcId, "available"), Assert.Single(described.Attachments));
        Assert.Equal("InvalidInternetGatewayID.NotFound", Throws(() => Ec2.DescribeInternetGateways(DescribeRequest.ForIds("igw-00000000"))).Code);
    }
}
