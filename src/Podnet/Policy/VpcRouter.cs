using System.Net;
using System.Net.Sockets;
using Podnet.Aws.Ec2;
using Podnet.Net;

namespace Podnet.Policy;

/// <summary>
/// The VPC's implied router for a packet bound outside the VPC, as Amazon VPC routes it: the route table of the subnet
/// of the interface the packet leaves by (the subnet's explicit association, else the VPC's main table — the implicit
/// association), the most specific route whose destination contains the address (longest prefix match, Amazon VPC
/// User Guide, "Route priority"), and what the route's target does with the packet:
/// <list type="bullet">
/// <item>no route: the router drops it ("no route to … in rtb-…");</item>
/// <item>a <c>blackhole</c> route (its NAT gateway deleted or failed, its internet gateway detached): dropped;</item>
/// <item>an internet gateway: it translates only a private address that has a public IPv4 address — the primary
/// private address of an instance's primary interface in a subnet that maps public IPs on launch, or an address
/// with an Elastic IP — and drops any other packet (Amazon VPC User Guide, "Enable internet access for a VPC
/// using an internet gateway": "your instance must have a public IPv4 address or an Elastic IP address that's
/// associated with a private IPv4 address on your instance");</item>
/// <item>a NAT gateway: it must be <c>available</c>, and its own subnet's route table must send the destination to
/// an internet gateway, which translates the gateway's Elastic IP (Amazon VPC User Guide, "NAT gateways": "the
/// NAT gateway must be in a public subnet … the route table for the public subnet must have a route to the
/// internet gateway");</item>
/// <item>a private NAT gateway (<c>ConnectivityType: private</c>): it translates to its own private address and
/// forwards by its subnet's table, but never to the internet (Amazon VPC User Guide, "NAT gateways": "You can
/// attach an internet gateway to a VPC with a private NAT gateway, but if you route traffic from the private NAT
/// gateway to the internet gateway, the internet gateway drops the traffic"); what it is for — other VPCs and
/// on-premises networks through a transit gateway or virtual private gateway — is not modelled, so it gets no packet
/// out of the VPC.</item>
/// <item>for an IPv6 destination (an IPv6 route, <c>::/0</c>): an internet gateway lets the packet out with its own
/// address — the VPC's IPv6 addresses are public, nothing is translated ("IPv6 addresses are globally unique, and
/// therefore public by default", Amazon VPC User Guide, "IP addressing for your VPCs and subnets"); an egress-only
/// internet gateway lets it out too, and the replies back ("Enable outbound IPv6 traffic using an egress-only
/// internet gateway"); a NAT gateway takes a destination of NAT64's well-known prefix <c>64:ff9b::/96</c> (what the
/// Amazon DNS resolver synthesizes for IPv4-only names in a subnet with <c>EnableDns64</c>), translates it to the IPv4
/// address in its last 32 bits and sends that on as it sends IPv4 (Amazon VPC User Guide, "DNS64 and NAT64": "you must
/// … add a route … 64:ff9b::/96 … to the NAT gateway"; the same rules as above: available, a public gateway's subnet
/// routing to an internet gateway, a private one never to the internet); any other IPv6 destination a NAT gateway drops.
/// Without such a route a <c>64:ff9b::/96</c> address follows the table's other IPv6 routes out to the internet,
/// which does not route the prefix (RFC 6052 §3.1: the well-known prefix "MUST NOT be used to represent non-global
/// IPv4 addresses" and is routed only to a translator): the connection is never answered.</item>
/// <item>a gateway VPC endpoint (<c>vpce-…</c>, the route its service's AWS-managed prefix list names): the packet
/// goes to the service (S3 or DynamoDB of the region) over AWS's network, keeping its private source address — no
/// NAT gateway, internet gateway or public address is needed (AWS PrivateLink Guide, "Gateway endpoints").</item>
/// </list>
/// A connection started from the internet to an IPv6 address of the VPC (<see cref="In"/>) is judged by the route its
/// replies would take from the receiving interface's subnet: an internet gateway carries both directions, an
/// egress-only internet gateway refuses a connection started outside ("prevents hosts outside of your VPC from
/// initiating an IPv6 connection with your instance", the EC2 API Reference's CreateEgressOnlyInternetGateway), and
/// without a route the replies cannot leave.
/// A route may name a prefix list (<c>DestinationPrefixListId</c>): it stands for the list's entries as they are when
/// the router is made, each matched by longest prefix against the table's CIDR routes; at an equal prefix length the
/// CIDR route wins (Amazon VPC User Guide, "How route priority works": longest prefix, then static routes, then
/// prefix list routes; "Route priority for prefix lists"). So a gateway endpoint's route beats a <c>0.0.0.0/0</c> route
/// to a NAT or internet gateway for the service's addresses, while a CIDR route as specific as the list's entry wins
/// over it (AWS PrivateLink Guide, "Gateway endpoints", Routing: "We use the most specific route that matches the
/// traffic … If there is a route that sends all internet traffic (0.0.0.0/0) to an internet gateway, the endpoint
/// route takes precedence for traffic destined for the service in the current Region").
/// Read-only: built over the backend's state when asked, for one <see cref="Reachability"/>.
/// </summary>
/// <param name="ec2">The account's state: route tables, gateways, interfaces.</param>
/// <param name="prefixLists">The prefix lists routes name (those the security groups are matched by); null: read them through <paramref name="ec2"/> when a route first names one.</param>
internal sealed class VpcRouter(IEc2View ec2, PrefixListTable? prefixLists = null)
{
    /// <summary>
    /// Whether a packet leaves the VPC, why, and the public address it crosses the internet with: an instance's public
    /// IPv4 address or Elastic IP through an internet gateway, a NAT gateway's Elastic IP, an IPv6 address itself; null
    /// when it does not leave, or leaves on AWS's network with its private address (a gateway endpoint).
    /// </summary>
    public readonly record struct Egress(bool Routed, string Detail, string? PublicAddress = null)
    {
        public static implicit operator Egress((bool Routed, string Detail) decision) => new(decision.Routed, decision.Detail);

        public static implicit operator (bool Routed, string Detail)(Egress egress) => (egress.Routed, egress.Detail);

        public void Deconstruct(out bool routed, out string detail)
        {
            routed = Routed;
            detail = Detail;
        }
    }

    private PrefixListTable? _prefixLists = prefixLists;

    /// <summary>
    /// Whether a packet from <paramref name="source"/>, leaving by <paramref name="leaving"/>, gets out of the VPC
    /// to <paramref name="destination"/>, and the explanation: the table and route that decided it
    /// (<c>rtb-… 0.0.0.0/0 → nat-…</c>) or why nothing did.
    /// </summary>
    public Egress Out(NetworkInterface leaving, IPAddress source, IPAddress destination)
    {
        var table = ec2.RouteTableOfSubnet(leaving.SubnetId);
        var where = $"{leaving.SubnetId} of {leaving.NetworkInterfaceId}";
        var route = LongestMatch(table, destination);
        if (route is null)
        {
            return (false, $"no route to {destination} in {table.RouteTableId} ({leaving.SubnetId}, {Association(table, leaving.SubnetId)}): the VPC router drops it");
        }

        var routeText = $"{table.RouteTableId} {DestinationText(route, destination)} → {route.Target}";
        if (route.State == "blackhole")
        {
            return (false, $"{routeText} ({where}) is a blackhole: its target is gone or detached, the VPC router drops it");
        }

        if (destination.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return OutIpv6(routeText, where, table.RouteTableId, route, source, destination);
        }

        if (route.NatGatewayId is { } natId)
        {
            return ThroughNat($"{routeText} ({where})", natId, destination);
        }

        if (route.GatewayId is { } endpointId && endpointId.StartsWith("vpce-", StringComparison.Ordinal))
        {
            var service = route.DestinationPrefixListId is { } listId && PrefixLists().TryGet(listId, out var list) ? list.Name : "its service";
            return (true, $"{routeText} ({where}): to {service} through gateway endpoint {endpointId}, on AWS's network with {source}'s private address (no NAT gateway or public address needed)");
        }

        if (route.GatewayId is { } gatewayId && gatewayId.StartsWith("igw-", StringComparison.Ordinal))
        {
            return PublicAddressOf(leaving, source) is { } publicAddress
                ? new Egress(true, $"{routeText} ({where}): out through the internet gateway with {source}'s public IPv4 address {publicAddress}", publicAddress)
                : (false, $"{routeText} ({where}), but {source} has no public IPv4 address (only an instance's primary address in a subnet that maps public IPs on launch, or one with an Elastic IP, has one): the internet gateway drops it (a packet that keeps a pod's own address needs a route to a NAT gateway)");
        }

        // A local route for an address outside every VPC block cannot match; any other target is not emulated.
        return (false, $"{routeText} ({where}): the target does not lead out of the VPC");
    }

    /// <summary>
    /// An IPv6 packet's way out by its route: an egress-only or internet gateway takes it out with its own (public)
    /// address — unless it is bound to NAT64's prefix, which only a NAT gateway translates; a NAT gateway translates a
    /// <c>64:ff9b::/96</c> destination (<see cref="ThroughNat64"/>) and drops any other; anything else does not lead out.
    /// </summary>
    private Egress OutIpv6(string routeText, string where, string tableId, Route route, IPAddress source, IPAddress destination)
    {
        if (route.NatGatewayId is { } natId)
        {
            return Nat64Prefix.Contains(destination)
                ? ThroughNat64($"{routeText} ({where})", natId, destination)
                : (false, $"{routeText} ({where}): a NAT gateway translates IPv6 only to {Nat64Prefix} (NAT64) and drops any other IPv6 destination: the packet does not leave the VPC");
        }

        if (Nat64Prefix.Contains(destination) && (route.EgressOnlyInternetGatewayId is not null || route.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) == true))
        {
            return (false, $"{routeText} ({where}): {destination} is in NAT64's well-known prefix {Nat64Prefix} (RFC 6052), which the internet does not route, so the connection is never answered; DNS64's addresses (a subnet's EnableDns64) need a route {Nat64Prefix} → a NAT gateway in {tableId}");
        }

        if (route.EgressOnlyInternetGatewayId is not null)
        {
            return new Egress(true, $"{routeText} ({where}): out through the egress-only internet gateway with {source}'s own IPv6 address (IPv6 is not translated; the replies come back, a connection started from the internet would not)", source.ToString());
        }

        if (route.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) == true)
        {
            return new Egress(true, $"{routeText} ({where}): out through the internet gateway with {source}'s own IPv6 address (the VPC's IPv6 addresses are public: nothing is translated)", source.ToString());
        }

        return (false, $"{routeText} ({where}): the target does not lead out of the VPC");
    }

    /// <summary>NAT64's well-known prefix (RFC 6052 §2.1), the one DNS64 and a NAT gateway use.</summary>
    public static readonly CidrBlock Nat64Prefix = CidrBlock.Parse("64:ff9b::/96");

    /// <summary>
    /// The IPv4 address a <c>64:ff9b::/96</c> address stands for: its last 32 bits (RFC 6052 §2.2, a /96 prefix).
    /// </summary>
    public static IPAddress EmbeddedIpv4(IPAddress nat64)
    {
        ArgumentNullException.ThrowIfNull(nat64);
        var bytes = nat64.GetAddressBytes();
        return new IPAddress(bytes[12..16]);
    }

    /// <summary>
    /// NAT64 through a NAT gateway: the gateway takes the IPv6 packet to <paramref name="destination"/> (in
    /// <c>64:ff9b::/96</c>), translates it to IPv4 — the embedded address, from its own private address — and forwards
    /// it as any IPv4 packet it translates (<see cref="ThroughNat"/>): a public gateway out through its subnet's internet
    /// gateway as its Elastic IP, a private one not to the internet.
    /// </summary>
    private Egress ThroughNat64(string head, string natId, IPAddress destination)
    {
        var ipv4 = EmbeddedIpv4(destination);
        return ThroughNat($"{head}: NAT64 translates {destination} to the IPv4 address {ipv4}", natId, ipv4);
    }

    /// <summary>
    /// Whether a connection started from <paramref name="source"/>, an IPv6 address outside the VPC, reaches
    /// <paramref name="destination"/>, an IPv6 address of <paramref name="arriving"/>, and why: the route table of the
    /// interface's subnet, whose most specific route for <paramref name="source"/> is the way the replies leave. An
    /// internet gateway carries the connection both ways; an egress-only internet gateway refuses a connection started
    /// from the internet; no route, a blackhole, or another target leaves the connection unmade.
    /// </summary>
    public (bool Routed, string Detail) In(NetworkInterface arriving, IPAddress destination, IPAddress source)
    {
        var table = ec2.RouteTableOfSubnet(arriving.SubnetId);
        var where = $"{arriving.SubnetId} of {arriving.NetworkInterfaceId}";
        var route = LongestMatch(table, source);
        if (route is null)
        {
            return (false, $"no route to {source} in {table.RouteTableId} ({arriving.SubnetId}, {Association(table, arriving.SubnetId)}): the replies to a connection from the internet cannot leave the VPC, so none is made");
        }

        var routeText = $"{table.RouteTableId} {DestinationText(route, source)} → {route.Target}";
        if (route.State == "blackhole")
        {
            return (false, $"{routeText} ({where}) is a blackhole: its target is gone or detached, so no connection from the internet is made");
        }

        if (route.EgressOnlyInternetGatewayId is not null)
        {
            return (false, $"{routeText} ({where}): an egress-only internet gateway lets out connections started inside the VPC and their replies, and refuses a connection started from the internet to {destination} (a route for it to an internet gateway would accept it)");
        }

        if (route.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) == true)
        {
            return (true, $"{routeText} ({where}): in through the internet gateway to {destination}, a public IPv6 address, and the replies out the same way");
        }

        return (false, $"{routeText} ({where}): the target does not lead to the internet, so no connection from it is made");
    }

    /// <summary>
    /// A NAT gateway's way on for an IPv4 packet it translates; <paramref name="head"/> is the step so far (the route to
    /// the gateway, <c>rtb-… 0.0.0.0/0 → nat-… (subnet-… of eni-…)</c>).
    /// </summary>
    private Egress ThroughNat(string head, string natId, IPAddress destination)
    {
        var nat = ec2.DescribeNatGateways(DescribeRequest.ForIds(natId))[0];
        if (nat.State != "available")
        {
            return (false, $"{head}, but NAT gateway {natId} is {nat.State}: it forwards nothing until available");
        }

        if (nat.ConnectivityType == "private")
        {
            return ThroughPrivateNat(head, nat, destination);
        }

        var natTable = ec2.RouteTableOfSubnet(nat.SubnetId);
        var onward = LongestMatch(natTable, destination);
        if (onward is null)
        {
            return (false, $"{head}, but no route to {destination} in {natTable.RouteTableId} (the NAT gateway's subnet {nat.SubnetId}, {Association(natTable, nat.SubnetId)}): a NAT gateway needs a public subnet, whose table routes to an internet gateway");
        }

        var onwardText = $"{natTable.RouteTableId} {DestinationText(onward, destination)} → {onward.NatGatewayId ?? onward.GatewayId}";
        if (onward.State == "blackhole" || onward.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) != true)
        {
            var why = onward.State == "blackhole" ? "a blackhole" : "not an internet gateway";
            return (false, $"{head}, then {onwardText} in the NAT gateway's subnet {nat.SubnetId} is {why}: the NAT gateway's traffic does not leave the VPC");
        }

        var publicIp = nat.NatGatewayAddresses.FirstOrDefault(a => a.IsPrimary)?.PublicIp;
        return new Egress(true, $"{head}, then {onwardText} ({nat.SubnetId}): out through the internet gateway as the NAT gateway's Elastic IP {publicIp}", publicIp);
    }

    /// <summary>
    /// A private NAT gateway's way on: it translates the packet to its own private address and its subnet's table
    /// routes it, but no route leads it to the internet — an internet gateway drops a private NAT gateway's traffic
    /// ("NAT gateways"), and the transit and virtual private gateways it is meant for are not modelled. Always denied,
    /// naming the onward route (or its absence) so the user sees why.
    /// </summary>
    private Egress ThroughPrivateNat(string head, NatGateway nat, IPAddress destination)
    {
        var privateIp = nat.NatGatewayAddresses.FirstOrDefault(a => a.IsPrimary)?.PrivateIp;
        var translated = $"NAT gateway {nat.NatGatewayId} is private (it translates to its private address {privateIp}) and cannot reach the internet";
        var natTable = ec2.RouteTableOfSubnet(nat.SubnetId);
        var onward = LongestMatch(natTable, destination);
        if (onward is null)
        {
            return (false, $"{head}, but {translated}: no route to {destination} in {natTable.RouteTableId} (its subnet {nat.SubnetId}, {Association(natTable, nat.SubnetId)}), the VPC router drops it");
        }

        var onwardText = $"{natTable.RouteTableId} {DestinationText(onward, destination)} → {onward.NatGatewayId ?? onward.GatewayId}";
        if (onward.State == "blackhole")
        {
            return (false, $"{head}, but {translated}: {onwardText} in its subnet {nat.SubnetId} is a blackhole, the VPC router drops it");
        }

        if (onward.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) == true)
        {
            return (false, $"{head}, but {translated}: {onwardText} in its subnet {nat.SubnetId} sends it to the internet gateway, which drops a private NAT gateway's traffic");
        }

        return (false, $"{head}, but {translated}: {onwardText} in its subnet {nat.SubnetId} does not lead out of the VPC (a private NAT gateway's way to other networks, a transit or virtual private gateway, is not modelled)");
    }

    /// <summary>
    /// The most specific active or blackhole route of the table whose destination contains the address: a CIDR route's
    /// block, or an entry of a prefix-list route's list; at an equal prefix length the CIDR route ("static") wins.
    /// </summary>
    private Route? LongestMatch(RouteTable table, IPAddress destination)
    {
        Route? best = null;
        var bestLength = -1;
        foreach (var route in table.Routes)
        {
            if ((route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock) is { } text)
            {
                if (CidrBlock.TryParse(text, out var cidr) && cidr.Contains(destination)
                    && (cidr.PrefixLength > bestLength || (cidr.PrefixLength == bestLength && best?.DestinationPrefixListId is not null)))
                {
                    best = route;
                    bestLength = cidr.PrefixLength;
                }
            }
            else if (MatchedEntry(route, destination) is { } entry && entry.PrefixLength > bestLength)
            {
                best = route;
                bestLength = entry.PrefixLength;
            }
        }

        return best;
    }

    /// <summary>The longest entry of a prefix-list route's list that holds the address; null for a CIDR route, a list that is gone, or no entry.</summary>
    private CidrBlock? MatchedEntry(Route route, IPAddress destination)
    {
        if (route.DestinationPrefixListId is not { } id || !PrefixLists().TryGet(id, out var list))
        {
            return null;
        }

        CidrBlock? longest = null;
        foreach (var entry in list.Entries)
        {
            if (entry.Contains(destination) && entry.PrefixLength > (longest?.PrefixLength ?? -1))
            {
                longest = entry;
            }
        }

        return longest;
    }

    /// <summary>A route's destination in a step: its CIDR block, or its list with the entry that matched (<c>pl-… (name) 52.218.128.0/17</c>).</summary>
    private string DestinationText(Route route, IPAddress destination)
        => route.DestinationPrefixListId is { } id
            ? $"{id} ({(PrefixLists().TryGet(id, out var list) ? list.Name : "deleted")}) {MatchedEntry(route, destination)}"
            : route.Destination;

    private PrefixListTable PrefixLists() => _prefixLists ??= PrefixListTable.For(ec2);

    /// <summary>How the subnet uses the table: explicitly associated, or implicitly as its VPC's main table.</summary>
    private static string Association(RouteTable table, string subnetId)
        => table.Associations.Any(a => a.SubnetId == subnetId) ? "explicitly associated" : "the VPC's main route table, implicitly associated";

    /// <summary>
    /// The public IPv4 address the internet gateway translates <paramref name="source"/> to, or null: an Elastic IP
    /// mapped to it, or the one EC2 gave at launch to the primary private address of an instance's primary interface in
    /// a subnet with <c>MapPublicIpOnLaunch</c> (the interface's <see cref="NetworkInterface.Association"/>) — never a
    /// secondary address's.
    /// </summary>
    private string? PublicAddressOf(NetworkInterface eni, IPAddress source)
    {
        var text = source.ToString();
        if (ec2.DescribeAddresses().FirstOrDefault(a => a.NetworkInterfaceId == eni.NetworkInterfaceId && a.PrivateIpAddress == text) is { } elastic)
        {
            return elastic.PublicIp;
        }

        return eni.PrivateIpAddress == text ? eni.Association?.PublicIp : null;
    }
}
