using Podnet.Aws.Ec2;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// The XML of EC2's routing shapes (<c>RouteTable</c>, <c>Route</c>, <c>RouteTableAssociation</c>,
/// <c>InternetGateway</c>, <c>EgressOnlyInternetGateway</c>, <c>Address</c>, <c>NatGateway</c>, <c>NatGatewayAddress</c>,
/// <c>VpcEndpoint</c>, <c>UnsuccessfulItem</c>), element names being the
/// <c>locationName</c>s of botocore's data/ec2/2016-11-15/service-2.json; ServiceModelTests checks them.
/// </summary>
public static class Ec2RouteShapes
{
    /// <summary>A <c>RouteTable</c> (DescribeRouteTables' <c>routeTableSet</c> items, CreateRouteTable's <c>routeTable</c>).</summary>
    public static object?[] RouteTable(RouteTable table) =>
    [
        Text("routeTableId", table.RouteTableId),
        Text("vpcId", table.VpcId),
        Text("ownerId", table.OwnerId),
        Items("routeSet", table.Routes, Route),
        Items("associationSet", table.Associations, Association),
        new System.Xml.Linq.XElement("propagatingVgwSet"),
        Ec2Shapes.TagSet(table.Tags),
    ];

    /// <summary>A <c>Route</c>.</summary>
    public static object?[] Route(Route route) =>
    [
        Text("destinationCidrBlock", route.DestinationCidrBlock),
        Text("destinationIpv6CidrBlock", route.DestinationIpv6CidrBlock),
        Text("destinationPrefixListId", route.DestinationPrefixListId),
        Text("egressOnlyInternetGatewayId", route.EgressOnlyInternetGatewayId),
        Text("gatewayId", route.GatewayId),
        Text("natGatewayId", route.NatGatewayId),
        Text("state", route.State),
        Text("origin", route.Origin),
    ];

    /// <summary>A <c>RouteTableAssociation</c>.</summary>
    public static object?[] Association(RouteTableAssociation association) =>
    [
        Text("routeTableAssociationId", association.RouteTableAssociationId),
        Text("routeTableId", association.RouteTableId),
        Text("subnetId", association.SubnetId),
        Bool("main", association.Main),
        Structure("associationState", Text("state", association.AssociationState.State), Text("statusMessage", association.AssociationState.StatusMessage)),
    ];

    /// <summary>An <c>InternetGateway</c>: its attachments as <c>attachmentSet</c>.</summary>
    public static object?[] InternetGateway(InternetGateway gateway) =>
    [
        Text("internetGatewayId", gateway.InternetGatewayId),
        Text("ownerId", gateway.OwnerId),
        Items("attachmentSet", gateway.Attachments, a => [Text("vpcId", a.VpcId), Text("state", a.State)]),
        Ec2Shapes.TagSet(gateway.Tags),
    ];

    /// <summary>
    /// An <c>EgressOnlyInternetGateway</c> (DescribeEgressOnlyInternetGateways' <c>egressOnlyInternetGatewaySet</c>
    /// items, CreateEgressOnlyInternetGateway's <c>egressOnlyInternetGateway</c>): its one attachment as <c>attachmentSet</c>.
    /// </summary>
    public static object?[] EgressOnlyInternetGateway(EgressOnlyInternetGateway gateway) =>
    [
        Items("attachmentSet", gateway.Attachments, a => [Text("state", a.State), Text("vpcId", a.VpcId)]),
        Text("egressOnlyInternetGatewayId", gateway.EgressOnlyInternetGatewayId),
        Ec2Shapes.TagSet(gateway.Tags),
    ];

    /// <summary>An <c>Address</c> (DescribeAddresses' <c>addressesSet</c> items).</summary>
    public static object?[] Address(Address address) =>
    [
        Text("publicIp", address.PublicIp),
        Text("allocationId", address.AllocationId),
        Text("associationId", address.AssociationId),
        Text("domain", address.Domain),
        Text("instanceId", address.InstanceId),
        Text("networkInterfaceId", address.NetworkInterfaceId),
        Text("networkInterfaceOwnerId", address.NetworkInterfaceOwnerId),
        Text("privateIpAddress", address.PrivateIpAddress),
        Ec2Shapes.TagSet(address.Tags),
        Text("publicIpv4Pool", address.PublicIpv4Pool),
        Text("networkBorderGroup", address.NetworkBorderGroup),
    ];

    /// <summary>A <c>NatGateway</c> (DescribeNatGateways' <c>natGatewaySet</c> items, CreateNatGateway's <c>natGateway</c>).</summary>
    public static object?[] NatGateway(NatGateway nat) =>
    [
        Timestamp("createTime", nat.CreateTime),
        Timestamp("deleteTime", nat.DeleteTime),
        Text("failureCode", nat.FailureCode),
        Text("failureMessage", nat.FailureMessage),
        Items("natGatewayAddressSet", nat.NatGatewayAddresses, a =>
        [
            Text("allocationId", a.AllocationId),
            Text("networkInterfaceId", a.NetworkInterfaceId),
            Text("privateIp", a.PrivateIp),
            Text("publicIp", a.PublicIp),
            Bool("isPrimary", a.IsPrimary),
            Text("status", a.Status),
        ]),
        Text("natGatewayId", nat.NatGatewayId),
        Text("state", nat.State),
        Text("subnetId", nat.SubnetId),
        Text("vpcId", nat.VpcId),
        Ec2Shapes.TagSet(nat.Tags),
        Text("connectivityType", nat.ConnectivityType),
    ];

    /// <summary>A <c>VpcEndpoint</c> (DescribeVpcEndpoints' <c>vpcEndpointSet</c> items, CreateVpcEndpoint's <c>vpcEndpoint</c>); a gateway endpoint has no subnets, groups or interfaces.</summary>
    public static object?[] VpcEndpoint(VpcEndpoint endpoint) =>
    [
        Text("vpcEndpointId", endpoint.VpcEndpointId),
        Text("vpcEndpointType", endpoint.VpcEndpointType),
        Text("vpcId", endpoint.VpcId),
        Text("serviceName", endpoint.ServiceName),
        Text("state", endpoint.State),
        Text("policyDocument", endpoint.PolicyDocument),
        ItemValues("routeTableIdSet", endpoint.RouteTableIds),
        ItemValues("subnetIdSet", []),
        new System.Xml.Linq.XElement("groupSet"),
        Bool("privateDnsEnabled", false),
        Bool("requesterManaged", false),
        ItemValues("networkInterfaceIdSet", []),
        new System.Xml.Linq.XElement("dnsEntrySet"),
        Timestamp("creationTimestamp", endpoint.CreationTimestamp),
        Ec2Shapes.TagSet(endpoint.Tags),
        Text("ownerId", endpoint.OwnerId),
    ];

    /// <summary>An <c>UnsuccessfulItem</c> (DeleteVpcEndpoints' <c>unsuccessful</c> items): the resource and its <c>error</c>.</summary>
    public static object?[] UnsuccessfulItem(UnsuccessfulItem item) =>
    [
        Structure("error", Text("code", item.Code), Text("message", item.Message)),
        Text("resourceId", item.ResourceId),
    ];
}
