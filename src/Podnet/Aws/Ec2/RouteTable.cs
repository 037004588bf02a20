namespace Podnet.Aws.Ec2;

/// <summary>
/// A route table in the shape <c>aws ec2 describe-route-tables</c> prints. A VPC's main table is made with the VPC;
/// <see cref="Associations"/> lists the main association (<c>Main: true</c>, no subnet) and the explicit subnet
/// associations; a subnet without one uses the main table implicitly and is not listed (Amazon VPC user guide,
/// "Subnet route tables").
/// </summary>
public sealed record RouteTable(
    string RouteTableId,
    string VpcId,
    string OwnerId,
    IReadOnlyList<Route> Routes,
    IReadOnlyList<RouteTableAssociation> Associations,
    IReadOnlyList<Tag> Tags);

/// <summary>
/// A route: <see cref="Origin"/> is <c>CreateRouteTable</c> for the <c>local</c> routes of the VPC's CIDR blocks
/// (<see cref="GatewayId"/> <c>local</c>, its IPv6 /56 included) and <c>CreateRoute</c> for the others;
/// <see cref="State"/> is <c>active</c>, or <c>blackhole</c> when its target is gone (a deleted NAT or egress-only
/// internet gateway, a detached internet gateway). Its destination is an IPv4 CIDR block
/// (<see cref="DestinationCidrBlock"/>), an IPv6 one (<see cref="DestinationIpv6CidrBlock"/>, <c>::/0</c>) or a
/// prefix list (<see cref="DestinationPrefixListId"/>, <c>pl-…</c>: the list's entries, whatever they are when a
/// packet is routed); its target an internet gateway, a gateway VPC endpoint or <c>local</c> (<see cref="GatewayId"/>:
/// <c>igw-…</c>, or <c>vpce-…</c>, whose route the endpoint adds: its service's prefix list as destination, origin
/// <c>CreateRoute</c>, state <c>active</c>, as <c>describe-route-tables</c> shows it), a NAT gateway or an egress-only
/// internet gateway (<see cref="EgressOnlyInternetGatewayId"/>, <c>eigw-…</c>, IPv6 destinations only).
/// </summary>
public sealed record Route(
    string? DestinationCidrBlock,
    string? GatewayId,
    string? NatGatewayId,
    string Origin,
    string State,
    string? DestinationPrefixListId = null,
    string? DestinationIpv6CidrBlock = null,
    string? EgressOnlyInternetGatewayId = null)
{
    /// <summary>The destination as EC2 names it in messages and <c>describe-route-tables</c>: the CIDR block (IPv4 or IPv6) or the list's ID.</summary>
    public string Destination => DestinationCidrBlock ?? DestinationIpv6CidrBlock ?? DestinationPrefixListId ?? string.Empty;

    /// <summary>The target's ID: the NAT gateway, the egress-only internet gateway, or the gateway (<c>igw-…</c>, <c>local</c>).</summary>
    public string? Target => NatGatewayId ?? EgressOnlyInternetGatewayId ?? GatewayId;
}

/// <summary>An association of a route table: the VPC's main one (<see cref="Main"/>) or one with a subnet; IDs <c>rtbassoc-…</c>.</summary>
public sealed record RouteTableAssociation(string RouteTableAssociationId, string RouteTableId, string? SubnetId, bool Main, RouteTableAssociationState AssociationState);

/// <summary>The state of a route table association: <c>associated</c> once made (EC2 associates at once).</summary>
public sealed record RouteTableAssociationState(string State, string? StatusMessage = null);

/// <summary>
/// CreateRoute's arguments, as <c>aws ec2 create-route</c> takes them: exactly one destination
/// (<c>--destination-cidr-block</c>, an IPv4 block; <c>--destination-ipv6-cidr-block</c>; or
/// <c>--destination-prefix-list-id</c>) and exactly one target (<c>--gateway-id</c>, <c>--nat-gateway-id</c>,
/// <c>--egress-only-internet-gateway-id</c>).
/// </summary>
public sealed record CreateRouteRequest(
    string RouteTableId,
    string? DestinationCidrBlock,
    string? GatewayId = null,
    string? NatGatewayId = null,
    string? DestinationPrefixListId = null,
    string? DestinationIpv6CidrBlock = null,
    string? EgressOnlyInternetGatewayId = null);
