using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

/// <summary>
/// Gateway VPC endpoints as <c>aws ec2 create-vpc-endpoint --vpc-endpoint-type Gateway</c> and its siblings make them:
/// the route <c>pl-… → vpce-…</c> in each table named (origin CreateRoute, state active), route tables added and
/// removed, the routes gone with the endpoint, and EC2's error for each refusal.
/// </summary>
public class VpcEndpointTests
{
    private const string S3 = "com.amazonaws.us-west-2.s3";

    // The us-west-2 S3 list's real ID (describe-prefix-lists in us-west-2).
    private const string S3List = "pl-68a54001";

    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private RouteTable Table(string id) => Ec2.DescribeRouteTables(DescribeRequest.ForIds(id))[0];

    [Fact]
    public void CreateVpcEndpoint_Gateway_AddsTheServicesListRouteToEachTable()
    {
        var first = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var second = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;

        var endpoint = Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, "Gateway", [first, second], Tags: [new Tag("Name", "s3")]));

        Assert.Matches("^vpce-[0-9a-f]{17}$", endpoint.VpcEndpointId);
        Assert.Equal(("Gateway", "available", S3, Ec2Backend.FullAccessEndpointPolicy), (endpoint.VpcEndpointType, endpoint.State, endpoint.ServiceName, endpoint.PolicyDocument));
        Assert.Equal([first, second], endpoint.RouteTableIds);
        foreach (var table in new[] { first, second })
        {
            var route = Assert.Single(Table(table).Routes, r => r.GatewayId == endpoint.VpcEndpointId);
            Assert.Equal(new Route(null, endpoint.VpcEndpointId, null, "CreateRoute", "active", S3List), route);
        }

        Assert.Equal(endpoint.VpcEndpointId, Assert.Single(Ec2.DescribeVpcEndpoints(DescribeRequest.Where(new Filter("service-name", S3), new Filter("tag:Name", "s3")))).VpcEndpointId);
        Assert.Empty(Ec2.DescribeVpcEndpoints(DescribeRequest.Where(new Filter("vpc-endpoint-type", "Interface"))));
    }

    [Fact]
    public void CreateVpcEndpoint_WithoutType_IsAGatewayEndpoint_ToDynamoDb()
    {
        var endpoint = Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, "com.amazonaws.us-west-2.dynamodb"));

        Assert.Equal("Gateway", endpoint.VpcEndpointType);
        Assert.Empty(endpoint.RouteTableIds);
    }

    [Theory]
    [InlineData("Interface", "UnsupportedOperation", "Podnet emulates gateway VPC endpoints only (--vpc-endpoint-type Gateway, for com.amazonaws.<region>.s3 and .dynamodb); a Interface endpoint is not emulated.")]
    [InlineData("GatewayLoadBalancer", "UnsupportedOperation", "Podnet emulates gateway VPC endpoints only (--vpc-endpoint-type Gateway, for com.amazonaws.<region>.s3 and .dynamodb); a GatewayLoadBalancer endpoint is not emulated.")]
    [InlineData("Bridge", "InvalidParameterValue", "Value (Bridge) for parameter VpcEndpointType is invalid. Valid values: Interface, Gateway, GatewayLoadBalancer, Resource, ServiceNetwork.")]
    public void CreateVpcEndpoint_OtherThanGateway_IsRefused(string type, string code, string message)
    {
        var error = Throws(() => Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, type)));

        Assert.Equal((code, message), (error.Code, error.Message));
        Assert.Empty(Ec2.DescribeVpcEndpoints());
    }

    [Theory]
    [InlineData("com.amazonaws.us-west-2.ec2", "InvalidParameter", "Endpoint type (Gateway) does not match available service types ([Interface]).")]
    [InlineData("com.amazonaws.us-east-1.s3", "InvalidParameter", "Endpoint type (Gateway) does not match available service types ([Interface]).")]
    [InlineData("s3", "InvalidServiceName", "The Vpc Endpoint Service 's3' does not exist")]
    public void CreateVpcEndpoint_ServiceWithoutGatewayEndpoint_IsRefused(string service, string code, string message)
    {
        var error = Throws(() => Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, service)));

        Assert.Equal((code, message), (error.Code, error.Message));
    }

    [Fact]
    public void CreateVpcEndpoint_TableAlreadyRoutingTheList_IsInvalidParameter_AndAddsNoRoute()
    {
        var routed = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var other = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, RouteTableIds: [routed]));

        var error = Throws(() => Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, RouteTableIds: [other, routed])));

        Assert.Equal(("InvalidParameter", $"route table {routed} already has a route with destination-prefix-list-id {S3List}"), (error.Code, error.Message));
        Assert.Single(Ec2.DescribeVpcEndpoints());
        Assert.DoesNotContain(Table(other).Routes, r => r.DestinationPrefixListId is not null);
    }

    [Fact]
    public void CreateVpcEndpoint_TableOfAnotherVpc_OrUnknown_IsRefused()
    {
        var otherVpc = Ec2.CreateVpc(new CreateVpcRequest("10.9.0.0/16")).VpcId;
        var foreign = Ec2.CreateRouteTable(otherVpc).RouteTableId;

        var error = Throws(() => Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, RouteTableIds: [foreign])));
        var missing = Throws(() => Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, RouteTableIds: ["rtb-0123456789abcdef0"])));
        var noVpc = Throws(() => Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest("vpc-0123456789abcdef0", S3)));

        Assert.Equal(("InvalidParameter", $"route table {foreign} does not belong to vpc {_cloud.Vpc.VpcId}"), (error.Code, error.Message));
        Assert.Equal("InvalidRouteTableID.NotFound", missing.Code);
        Assert.Equal("InvalidVpcID.NotFound", noVpc.Code);
        Assert.Empty(Ec2.DescribeVpcEndpoints());
    }

    [Fact]
    public void CreateRoute_ToTheListOfATableTheEndpointRoutes_IsRouteAlreadyExists()
    {
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var gateway = Ec2.CreateInternetGateway().InternetGatewayId;
        Ec2.AttachInternetGateway(gateway, _cloud.Vpc.VpcId);
        Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, RouteTableIds: [table]));

        var error = Throws(() => Ec2.CreateRoute(new CreateRouteRequest(table, null, GatewayId: gateway, DestinationPrefixListId: S3List)));

        Assert.Equal(("RouteAlreadyExists", $"The route identified by {S3List} already exists."), (error.Code, error.Message));
    }

    [Fact]
    public void DescribeVpcEndpoints_UnknownId_IsInvalidVpcEndpointIdNotFound()
    {
        var error = Throws(() => Ec2.DescribeVpcEndpoints(DescribeRequest.ForIds("vpce-0123456789abcdef0")));

        Assert.Equal(("InvalidVpcEndpointId.NotFound", "The vpcEndpoint ID 'vpce-0123456789abcdef0' does not exist"), (error.Code, error.Message));
    }

    [Fact]
    public void ModifyVpcEndpoint_AddsAndRemovesRouteTables_AndResetsThePolicy()
    {
        var first = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var second = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var id = Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, RouteTableIds: [first], PolicyDocument: "{}")).VpcEndpointId;

        Ec2.ModifyVpcEndpoint(new ModifyVpcEndpointRequest(id, AddRouteTableIds: [second], RemoveRouteTableIds: [first], ResetPolicy: true));

        var endpoint = Ec2.DescribeVpcEndpoints(DescribeRequest.ForIds(id))[0];
        Assert.Equal([second], endpoint.RouteTableIds);
        Assert.Equal(Ec2Backend.FullAccessEndpointPolicy, endpoint.PolicyDocument);
        Assert.DoesNotContain(Table(first).Routes, r => r.GatewayId == id);
        Assert.Contains(Table(second).Routes, r => r.GatewayId == id && r.DestinationPrefixListId == S3List);

        var notRouted = Throws(() => Ec2.ModifyVpcEndpoint(new ModifyVpcEndpointRequest(id, RemoveRouteTableIds: [first])));
        Assert.Equal(("InvalidParameter", $"route table {first} is not associated with vpc endpoint {id}"), (notRouted.Code, notRouted.Message));
        var unknown = Throws(() => Ec2.ModifyVpcEndpoint(new ModifyVpcEndpointRequest("vpce-0123456789abcdef0", AddRouteTableIds: [first])));
        Assert.Equal("InvalidVpcEndpointId.NotFound", unknown.Code);
    }

    [Fact]
    public void DeleteVpcEndpoints_RemovesTheirRoutes_AndListsAnUnknownIdAsUnsuccessful()
    {
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var id = Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, RouteTableIds: [table])).VpcEndpointId;

        var unsuccessful = Ec2.DeleteVpcEndpoints([id, "vpce-0123456789abcdef0"]);

        Assert.Equal([new UnsuccessfulItem("vpce-0123456789abcdef0", "InvalidVpcEndpoint.NotFound", "The vpcEndpoint ID 'vpce-0123456789abcdef0' does not exist")], unsuccessful);
        Assert.Empty(Ec2.DescribeVpcEndpoints());
        Assert.DoesNotContain(Table(table).Routes, r => r.DestinationPrefixListId is not null);
    }

    [Fact]
    public void DeleteRoute_OfAnEndpointsRoute_IsRefused_TheEndpointOwnsIt()
    {
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var id = Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(_cloud.Vpc.VpcId, S3, RouteTableIds: [table])).VpcEndpointId;

        var error = Throws(() => Ec2.DeleteRoute(table, S3List));

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Contains(id, error.Message, StringComparison.Ordinal);
        Assert.Contains(Table(table).Routes, r => r.GatewayId == id);
    }

    [Fact]
    public void DeleteVpc_WithAnEndpoint_IsDependencyViolation_AndDeleteRouteTable_LeavesTheEndpoint()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.9.0.0/16")).VpcId;
        var table = Ec2.CreateRouteTable(vpc).RouteTableId;
        var id = Ec2.CreateVpcEndpoint(new CreateVpcEndpointRequest(vpc, S3, RouteTableIds: [table])).VpcEndpointId;

        Ec2.DeleteRouteTable(table);
        var error = Throws(() => Ec2.DeleteVpc(vpc));

        Assert.Empty(Ec2.DescribeVpcEndpoints(DescribeRequest.ForIds(id))[0].RouteTableIds);
        Assert.Equal(("DependencyViolation", $"The vpc '{vpc}' has dependencies and cannot be deleted."), (error.Code, error.Message));
    }
}
