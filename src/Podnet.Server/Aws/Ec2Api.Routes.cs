using System.Xml.Linq;
using Podnet.Aws.Ec2;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// EC2's routing actions: route tables and routes (IPv4, IPv6 and prefix-list destinations), internet gateways,
/// egress-only internet gateways, Elastic IPs and NAT gateways (what the EKS VPC templates build), parameters by
/// botocore's wire names, answers by <see cref="Ec2RouteShapes"/>.
/// </summary>
public sealed partial class Ec2Api
{
    // A property, not a field: Actions (in the other part) reads it during static initialisation.
    private static IReadOnlyList<string> RouteActions =>
    [
        "CreateRouteTable", "DescribeRouteTables", "DeleteRouteTable", "CreateRoute", "DeleteRoute", "AssociateRouteTable", "DisassociateRouteTable",
        "CreateInternetGateway", "AttachInternetGateway", "DetachInternetGateway", "DeleteInternetGateway", "DescribeInternetGateways",
        "CreateEgressOnlyInternetGateway", "DeleteEgressOnlyInternetGateway", "DescribeEgressOnlyInternetGateways",
        "AllocateAddress", "ReleaseAddress", "AssociateAddress", "DisassociateAddress", "DescribeAddresses", "CreateNatGateway", "DescribeNatGateways", "DeleteNatGateway",
    ];

    /// <summary>Runs a routing action; null for an action that is not one.</summary>
    private IReadOnlyList<XElement?>? HandleRoutes(string action, QueryRequest query, IEc2 ec2) => action switch
    {
        "CreateRouteTable" => Write(() => [Structure("routeTable", Ec2RouteShapes.RouteTable(Done(ec2.CreateRouteTableAsync(Required(query, "VpcId"), TagsFor(query, "route-table"))))), Text("clientToken", query.Get("ClientToken"))]),
        "DescribeRouteTables" => Read(() => [Items("routeTableSet", Done(ec2.DescribeRouteTablesAsync(Describe(query, "RouteTableId"))), Ec2RouteShapes.RouteTable)]),
        "DeleteRouteTable" => Write(() => Empty(ec2.DeleteRouteTableAsync(Required(query, "RouteTableId")))),
        "CreateRoute" => Write(() =>
        {
            Done(ec2.CreateRouteAsync(new CreateRouteRequest(
                Required(query, "RouteTableId"),
                query.Get("DestinationCidrBlock"),
                query.Get("GatewayId"),
                query.Get("NatGatewayId"),
                query.Get("DestinationPrefixListId"),
                query.Get("DestinationIpv6CidrBlock"),
                query.Get("EgressOnlyInternetGatewayId"))));
            return [Bool("return", true)];
        }),
        "DeleteRoute" => Write(() => Empty(ec2.DeleteRouteAsync(Required(query, "RouteTableId"), RouteDestination(query)))),
        "AssociateRouteTable" => Write(() =>
        {
            var associationId = Done(ec2.AssociateRouteTableAsync(Required(query, "RouteTableId"), Required(query, "SubnetId")));
            return [Text("associationId", associationId), Structure("associationState", Text("state", "associated"))];
        }),
        "DisassociateRouteTable" => Write(() => Empty(ec2.DisassociateRouteTableAsync(Required(query, "AssociationId")))),
        "CreateInternetGateway" => Write(() => [Structure("internetGateway", Ec2RouteShapes.InternetGateway(Done(ec2.CreateInternetGatewayAsync(TagsFor(query, "internet-gateway")))))]),
        "AttachInternetGateway" => Write(() => Empty(ec2.AttachInternetGatewayAsync(Required(query, "InternetGatewayId"), Required(query, "VpcId")))),
        "DetachInternetGateway" => Write(() => Empty(ec2.DetachInternetGatewayAsync(Required(query, "InternetGatewayId"), Required(query, "VpcId")))),
        "DeleteInternetGateway" => Write(() => Empty(ec2.DeleteInternetGatewayAsync(Required(query, "InternetGatewayId")))),
        "DescribeInternetGateways" => Read(() => [Items("internetGatewaySet", Done(ec2.DescribeInternetGatewaysAsync(Describe(query, "InternetGatewayId"))), Ec2RouteShapes.InternetGateway)]),
        "CreateEgressOnlyInternetGateway" => Write(() =>
        [
            Text("clientToken", query.Get("ClientToken")),
            Structure("egressOnlyInternetGateway", Ec2RouteShapes.EgressOnlyInternetGateway(Done(ec2.CreateEgressOnlyInternetGatewayAsync(Required(query, "VpcId"), TagsFor(query, "egress-only-internet-gateway"))))),
        ]),
        "DeleteEgressOnlyInternetGateway" => Write(() =>
        {
            Done(ec2.DeleteEgressOnlyInternetGatewayAsync(Required(query, "EgressOnlyInternetGatewayId")));
            return [Bool("returnCode", true)];
        }),
        "DescribeEgressOnlyInternetGateways" => Read(() =>
            [Items("egressOnlyInternetGatewaySet", Done(ec2.DescribeEgressOnlyInternetGatewaysAsync(Describe(query, "EgressOnlyInternetGatewayId"))), Ec2RouteShapes.EgressOnlyInternetGateway)]),
        "AllocateAddress" => Write(() =>
        {
            var address = Done(ec2.AllocateAddressAsync(query.Get("Domain") ?? "vpc", TagsFor(query, "elastic-ip")));
            return [Text("publicIp", address.PublicIp), Text("domain", address.Domain), Text("allocationId", address.AllocationId), Text("publicIpv4Pool", address.PublicIpv4Pool), Text("networkBorderGroup", address.NetworkBorderGroup)];
        }),
        "ReleaseAddress" => Write(() => Empty(ec2.ReleaseAddressAsync(ReleasedAllocationId(ec2, query)))),
        "AssociateAddress" => Write(() =>
        [
            Text("associationId", Done(ec2.AssociateAddressAsync(
                query.Get("AllocationId") is { Length: > 0 } allocationId ? allocationId : ReleasedAllocationId(ec2, query),
                query.Get("InstanceId"),
                query.Get("NetworkInterfaceId"),
                query.Get("PrivateIpAddress"),
                string.Equals(query.Get("AllowReassociation"), "true", StringComparison.OrdinalIgnoreCase)))),
        ]),
        "DisassociateAddress" => Write(() => Empty(ec2.DisassociateAddressAsync(Required(query, "AssociationId")))),
        "DescribeAddresses" => Read(() =>
        {
            var publicIps = query.List("PublicIp");
            return [Items("addressesSet", Done(ec2.DescribeAddressesAsync(Describe(query, "AllocationId"), publicIps.Count > 0 ? publicIps : null)), Ec2RouteShapes.Address)];
        }),
        "CreateNatGateway" => Write(() =>
        {
            // AllocationId is optional on the wire (a private gateway takes none); the backend says what each type needs.
            var nat = Done(ec2.CreateNatGatewayAsync(new CreateNatGatewayRequest(
                Required(query, "SubnetId"),
                query.Get("AllocationId") is { Length: > 0 } allocationId ? allocationId : null,
                TagsFor(query, "natgateway"),
                PrivateIpAddress: query.Get("PrivateIpAddress"),
                ConnectivityType: query.Get("ConnectivityType") ?? "public")));
            return [Text("clientToken", query.Get("ClientToken")), Structure("natGateway", Ec2RouteShapes.NatGateway(nat))];
        }),
        "DescribeNatGateways" => Read(() => [Items("natGatewaySet", Done(ec2.DescribeNatGatewaysAsync(Describe(query, "NatGatewayId"))), Ec2RouteShapes.NatGateway)]),
        "DeleteNatGateway" => Write(() => [Text("natGatewayId", Done(ec2.DeleteNatGatewayAsync(Required(query, "NatGatewayId"))))]),
        _ => null,
    };

    /// <summary>
    /// DeleteRoute names the route by exactly one of <c>DestinationCidrBlock</c>, <c>DestinationIpv6CidrBlock</c> and
    /// <c>DestinationPrefixListId</c>; an IPv4 block given as the IPv6 one (or the reverse) is EC2's
    /// <c>InvalidParameterValue</c> naming the parameter.
    /// </summary>
    private static string RouteDestination(QueryRequest query)
        => (query.Get("DestinationCidrBlock"), query.Get("DestinationIpv6CidrBlock"), query.Get("DestinationPrefixListId")) switch
        {
            ({ } cidr, null, null) => cidr.Contains(':', StringComparison.Ordinal) ? throw Ec2Errors.InvalidCidr(cidr, "destinationCidrBlock") : cidr,
            (null, { } ipv6, null) => ipv6.Contains(':', StringComparison.Ordinal) ? ipv6 : throw Ec2Errors.InvalidCidr(ipv6, "destinationIpv6CidrBlock"),
            (null, null, { } prefixListId) => prefixListId,
            _ => throw Ec2Errors.RouteDestinationMissing(),
        };

    /// <summary>ReleaseAddress names the address by <c>AllocationId</c> or, for an address of the classic domain, <c>PublicIp</c>.</summary>
    private static string ReleasedAllocationId(IEc2 ec2, QueryRequest query)
    {
        if (query.Get("AllocationId") is { Length: > 0 } allocationId)
        {
            return allocationId;
        }

        var publicIp = query.Required("PublicIp", _ => Ec2Errors.MissingParameter("AllocationId"));
        return Done(ec2.DescribeAddressesAsync(null, [publicIp]))[0].AllocationId;
    }
}
