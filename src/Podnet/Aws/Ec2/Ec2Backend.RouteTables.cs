using Podnet.Net;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, RouteTableEntity> _routeTables = new(StringComparer.Ordinal);

    /// <summary>Explicit subnet associations by association ID; a subnet has at most one.</summary>
    private readonly Dictionary<string, SubnetRouteTableAssociation> _subnetAssociations = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates a route table in a VPC: only the <c>local</c> routes of the VPC's CIDR blocks, no associations.
    /// <paramref name="routeTableId"/> is an existing table's ID (a world's); null draws one from the table's identity.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidVpcID.NotFound</c>; a given ID malformed (<c>InvalidRouteTableId.Malformed</c>) or in use (<c>InvalidParameterValue</c>).</exception>
    public RouteTable CreateRouteTable(string vpcId, IReadOnlyList<Tag>? tags = null, string? routeTableId = null)
    {
        lock (_lock)
        {
            var vpc = FindVpc(vpcId);
            var validTags = TagsOf(tags);
            var table = AddRouteTable(vpc.Id, validTags, routeTableId);
            return ToRouteTable(table);
        }
    }

    /// <summary>Route tables by ID and filters (<c>vpc-id</c>, <c>association.subnet-id</c>, <c>association.main</c>, <c>route.*</c>, tags).</summary>
    /// <exception cref="AwsException"><c>InvalidRouteTableID.NotFound</c>; an unknown filter.</exception>
    public IReadOnlyList<RouteTable> DescribeRouteTables(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            SettleNatGateways();
            var selected = Select(request.Ids, id => _routeTables.GetValueOrDefault(id), Ec2Errors.RouteTableNotFound, _routeTables.Values);
            return [.. RouteTableFilters.Apply(selected.Select(ToRouteTable), request.Filters)];
        }
    }

    /// <summary>Deletes a route table that no subnet is associated with and that is not its VPC's main table.</summary>
    /// <exception cref="AwsException"><c>InvalidRouteTableID.NotFound</c>; <c>DependencyViolation</c> while associated or main.</exception>
    public void DeleteRouteTable(string routeTableId)
    {
        lock (_lock)
        {
            var table = FindRouteTable(routeTableId);
            if (table.MainAssociationId is not null || _subnetAssociations.Values.Any(a => a.RouteTableId == table.Id))
            {
                throw Ec2Errors.RouteTableHasDependencies(table.Id);
            }

            _routeTables.Remove(table.Id);
            RemoveEndpointRouteTable(table.Id);
        }
    }

    /// <summary>
    /// Adds a route to an internet gateway attached to the table's VPC, a NAT gateway in it, or (for an IPv6
    /// destination) an egress-only internet gateway made for it.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidRouteTableID.NotFound</c>, <c>InvalidParameterValue</c> (CIDR), <c>InvalidParameterCombination</c> (not
    /// exactly one target; an egress-only internet gateway for an IPv4 destination),
    /// <c>InvalidGatewayID.NotFound</c>/<c>InvalidNatGatewayID.NotFound</c>/<c>InvalidEgressOnlyInternetGatewayId.NotFound</c>,
    /// a gateway of another network, <c>RouteAlreadyExists</c>.
    /// </exception>
    public void CreateRoute(CreateRouteRequest request)
    {
        lock (_lock)
        {
            SettleNatGateways();
            var table = FindRouteTable(request.RouteTableId);
            var destination = Destination(request.DestinationCidrBlock, request.DestinationIpv6CidrBlock, request.DestinationPrefixListId);
            if (new[] { request.GatewayId, request.NatGatewayId, request.EgressOnlyInternetGatewayId }.Count(t => t is not null) != 1)
            {
                throw Ec2Errors.RouteTargetMissing();
            }

            if (request.EgressOnlyInternetGatewayId is { } eigwId)
            {
                var eigw = FindEgressOnlyInternetGateway(eigwId);
                // An IPv6 block, or a prefix list of IPv6 entries: the gateway carries IPv6 alone.
                var ipv6List = destination.PrefixListId is { } listId && _prefixLists[listId].AddressFamily == "IPv6";
                if (destination.Cidr is not { IsIPv4: false } && !ipv6List)
                {
                    throw Ec2Errors.EgressOnlyGatewayNeedsIpv6Destination(destination.Cidr is null ? "destinationPrefixListId" : "destinationCidrBlock");
                }

                if (eigw.VpcId != table.VpcId)
                {
                    throw Ec2Errors.DifferentNetworks(table.Id, eigwId);
                }
            }

            if (request.GatewayId is { } gatewayId)
            {
                var gateway = gatewayId.StartsWith("igw-", StringComparison.Ordinal) ? _internetGateways.GetValueOrDefault(gatewayId) : null;
                if (gateway is null)
                {
                    throw Ec2Errors.GatewayNotFound(gatewayId);
                }

                if (gateway.VpcId != table.VpcId)
                {
                    throw Ec2Errors.DifferentNetworks(table.Id, gatewayId);
                }
            }

            if (request.NatGatewayId is { } natId)
            {
                var nat = _natGateways.GetValueOrDefault(natId);
                if (nat is null || StateOf(nat) is "deleted")
                {
                    throw Ec2Errors.NatGatewayIdNotFound(natId);
                }

                if (nat.VpcId != table.VpcId)
                {
                    throw Ec2Errors.DifferentNetworks(table.Id, natId);
                }
            }

            var vpc = _vpcs[table.VpcId];
            if (table.Routes.Exists(r => r.Destination == destination) || vpc.CidrBlocks.Exists(b => destination.Cidr == b.Cidr) || (vpc.Ipv6Cidr is { } v6 && destination.Cidr == v6.Cidr))
            {
                throw Ec2Errors.RouteAlreadyExists(destination.Text);
            }

            table.Routes.Add(new RouteEntry(destination, request.GatewayId, request.NatGatewayId, request.EgressOnlyInternetGatewayId));
        }
    }

    /// <summary>
    /// Removes a route added by CreateRoute (the <c>local</c> routes cannot be removed: they are not found);
    /// <paramref name="destination"/> is its CIDR block (DestinationCidrBlock, or DestinationIpv6CidrBlock for an IPv6
    /// block such as <c>::/0</c>) or its prefix list's ID (DestinationPrefixListId, <c>pl-…</c>).
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidRouteTableID.NotFound</c>, <c>InvalidRoute.NotFound</c>.</exception>
    public void DeleteRoute(string routeTableId, string destination)
    {
        lock (_lock)
        {
            var table = FindRouteTable(routeTableId);
            var key = destination.StartsWith("pl-", StringComparison.Ordinal) ? new RouteDestination(null, destination)
                : new RouteDestination(destination.Contains(':', StringComparison.Ordinal) ? ParseIpv6Destination(destination) : ParseDestination(destination), null);
            var route = table.Routes.Find(r => r.Destination == key) ?? throw Ec2Errors.RouteNotFound(destination, table.Id);
            if (route.GatewayId is { } gatewayId && _vpcEndpoints.ContainsKey(gatewayId))
            {
                throw Ec2Errors.EndpointRouteNotDeletable(table.Id, destination, gatewayId);
            }

            table.Routes.Remove(route);
        }
    }

    /// <summary>
    /// Associates a subnet of the table's VPC with it explicitly; returns the association ID (<c>rtbassoc-…</c>):
    /// <paramref name="associationId"/> for an existing association (a world's), else one drawn from the table and subnet.
    /// </summary>
    /// <exception cref="AwsException">
    /// Either not found; another VPC's subnet (<c>InvalidParameterValue</c>); a subnet already explicitly
    /// associated (<c>Resource.AlreadyAssociated</c>); a given ID malformed (<c>InvalidAssociationID.NotFound</c>, EC2
    /// publishes no malformed code for associations) or in use (<c>InvalidParameterValue</c>).
    /// </exception>
    public string AssociateRouteTable(string routeTableId, string subnetId, string? associationId = null)
    {
        lock (_lock)
        {
            var table = FindRouteTable(routeTableId);
            var subnet = FindSubnet(subnetId);
            if (subnet.VpcId != table.VpcId)
            {
                throw Ec2Errors.RouteTableAndSubnetInDifferentNetworks(table.Id, subnet.Id);
            }

            if (_subnetAssociations.Values.Any(a => a.SubnetId == subnet.Id))
            {
                throw Ec2Errors.RouteTableAlreadyAssociated(table.Id);
            }

            var association = new SubnetRouteTableAssociation(NewId("rtbassoc", associationId, "InvalidAssociationID.NotFound", $"{table.Id}|{subnet.Id}"), table.Id, subnet.Id);
            _subnetAssociations.Add(association.AssociationId, association);
            return association.AssociationId;
        }
    }

    /// <summary>Ends an explicit subnet association: the subnet goes back to its VPC's main table.</summary>
    /// <exception cref="AwsException"><c>InvalidAssociationID.NotFound</c>; the main association (<c>InvalidParameterValue</c>).</exception>
    public void DisassociateRouteTable(string associationId)
    {
        lock (_lock)
        {
            if (_routeTables.Values.Any(t => t.MainAssociationId == associationId))
            {
                throw Ec2Errors.MainAssociationNotDisassociable(associationId);
            }

            if (!_subnetAssociations.Remove(associationId))
            {
                throw Ec2Errors.RouteTableAssociationNotFound(associationId);
            }
        }
    }

    /// <summary>
    /// The table that routes a subnet's traffic: its explicitly associated table, else its VPC's main table
    /// (the implicit association, which DescribeRouteTables does not list).
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidSubnetID.NotFound</c>.</exception>
    public RouteTable RouteTableOfSubnet(string subnetId)
    {
        lock (_lock)
        {
            SettleNatGateways();
            var subnet = FindSubnet(subnetId);
            var explicitTable = _subnetAssociations.Values.FirstOrDefault(a => a.SubnetId == subnet.Id)?.RouteTableId;
            return ToRouteTable(_routeTables[explicitTable ?? _vpcs[subnet.VpcId].MainRouteTableId]);
        }
    }

    private RouteTableEntity AddRouteTable(string vpcId, IReadOnlyList<Tag> tags, string? givenId = null)
    {
        // EC2's code for a malformed route table ID (InvalidRouteTableId.Malformed, "Error codes for the Amazon EC2
        // API") differs in case from its not-found code (InvalidRouteTableID.NotFound).
        var table = new RouteTableEntity(NewId("rtb", givenId, "InvalidRouteTableId.Malformed", $"{vpcId}|{Identity(tags)}"), vpcId) { Tags = [.. tags] };
        _routeTables.Add(table.Id, table);
        return table;
    }

    /// <summary>A VPC's main table, made with the VPC, as EC2 makes it; the IDs given are an existing VPC's (a world's).</summary>
    private RouteTableEntity AddMainRouteTable(string vpcId, string? givenId, string? givenAssociationId)
    {
        var table = AddRouteTable(vpcId, [], givenId);
        table.MainAssociationId = NewId("rtbassoc", givenAssociationId, "InvalidAssociationID.NotFound", $"{table.Id}|main");
        return table;
    }

    /// <summary>A subnet being deleted loses its explicit association, as EC2 removes it.</summary>
    private void RemoveSubnetAssociations(string subnetId)
    {
        foreach (var id in _subnetAssociations.Values.Where(a => a.SubnetId == subnetId).Select(a => a.AssociationId).ToList())
        {
            _subnetAssociations.Remove(id);
        }
    }

    private RouteTableEntity FindRouteTable(string id) => _routeTables.GetValueOrDefault(id) ?? throw Ec2Errors.RouteTableNotFound(id);

    private static CidrBlock ParseDestination(string text)
        => CidrBlock.TryParse(text, out var cidr) && cidr.IsIPv4 ? cidr : throw Ec2Errors.InvalidCidr(text, "destinationCidrBlock");

    private static CidrBlock ParseIpv6Destination(string text)
        => CidrBlock.TryParse(text, out var cidr) && !cidr.IsIPv4 ? cidr : throw Ec2Errors.InvalidCidr(text, "destinationIpv6CidrBlock");

    /// <summary>
    /// A route's destination: an IPv4 CIDR block, an IPv6 one, or a prefix list of the account.
    /// </summary>
    /// <exception cref="AwsException">
    /// Not exactly one (<c>InvalidParameterCombination</c>); a malformed block, or one of the other family
    /// (<c>InvalidParameterValue</c>); a list ID malformed (<c>InvalidPrefixListId.Malformed</c>) or naming no list
    /// (<c>InvalidPrefixListID.NotFound</c>).
    /// </exception>
    private RouteDestination Destination(string? cidr, string? ipv6Cidr, string? prefixListId)
    {
        if (new[] { cidr, ipv6Cidr, prefixListId }.Count(d => d is not null) != 1)
        {
            throw Ec2Errors.RouteDestinationMissing();
        }

        if (cidr is not null)
        {
            return new RouteDestination(ParseDestination(cidr), null);
        }

        if (ipv6Cidr is not null)
        {
            return new RouteDestination(ParseIpv6Destination(ipv6Cidr), null);
        }

        var listId = prefixListId!;
        if (!IsWellFormedId(listId, "pl"))
        {
            throw Ec2Errors.MalformedId("InvalidPrefixListId.Malformed", "pl", listId);
        }

        // A list of either family is taken as EC2 takes it; the router matches an entry only to a destination of its family.
        return _prefixLists.ContainsKey(listId) ? new RouteDestination(null, listId) : throw Ec2Errors.ReferencedPrefixListNotFound(listId);
    }

    private RouteTable ToRouteTable(RouteTableEntity table)
    {
        // The local routes follow the VPC's CIDR blocks, so a block associated later has its route at once; the IPv6
        // /56 has its own (DestinationIpv6CidrBlock, local), as EC2 adds it when the block is associated.
        var vpc = _vpcs[table.VpcId];
        var local = vpc.CidrBlocks.Select(b => new Route(b.Cidr.ToString(), "local", null, "CreateRouteTable", "active"));
        var localIpv6 = vpc.Ipv6Cidr is { } v6 ? [new Route(null, "local", null, "CreateRouteTable", "active", DestinationIpv6CidrBlock: v6.Cidr.ToString())] : Array.Empty<Route>();
        var created = table.Routes.Select(r => new Route(
            r.Destination.Cidr is { IsIPv4: true } v4 ? v4.ToString() : null,
            r.GatewayId,
            r.NatGatewayId,
            "CreateRoute",
            RouteState(table, r),
            r.Destination.PrefixListId,
            r.Destination.Cidr is { IsIPv4: false } ipv6 ? ipv6.ToString() : null,
            r.EgressOnlyInternetGatewayId));
        var associations = new List<RouteTableAssociation>();
        if (table.MainAssociationId is { } main)
        {
            associations.Add(new RouteTableAssociation(main, table.Id, null, true, new RouteTableAssociationState("associated")));
        }

        associations.AddRange(_subnetAssociations.Values.Where(a => a.RouteTableId == table.Id)
            .Select(a => new RouteTableAssociation(a.AssociationId, table.Id, a.SubnetId, false, new RouteTableAssociationState("associated"))));
        return new RouteTable(table.Id, table.VpcId, AccountId, [.. local, .. localIpv6, .. created], associations, [.. table.Tags]);
    }

    /// <summary>
    /// A route whose target is gone or detached is a <c>blackhole</c>, as EC2 shows it; a gateway endpoint's route is
    /// <c>active</c> (its routes go with it).
    /// </summary>
    private string RouteState(RouteTableEntity table, RouteEntry route)
    {
        if (route.EgressOnlyInternetGatewayId is { } eigwId)
        {
            return _egressOnlyInternetGateways.GetValueOrDefault(eigwId)?.VpcId == table.VpcId ? "active" : "blackhole";
        }

        if (route.GatewayId is { } endpointId && _vpcEndpoints.ContainsKey(endpointId))
        {
            return "active";
        }

        if (route.GatewayId is { } gatewayId)
        {
            return _internetGateways.GetValueOrDefault(gatewayId)?.VpcId == table.VpcId ? "active" : "blackhole";
        }

        return route.NatGatewayId is { } natId && _natGateways.GetValueOrDefault(natId) is { } nat && StateOf(nat) is "pending" or "available"
            ? "active"
            : "blackhole";
    }

    private static readonly FilterMatcher<RouteTable> RouteTableFilters = new(
        new Dictionary<string, Func<RouteTable, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["route-table-id"] = t => Field.One(t.RouteTableId),
            ["vpc-id"] = t => Field.One(t.VpcId),
            ["owner-id"] = t => Field.One(t.OwnerId),
            ["association.route-table-association-id"] = t => t.Associations.Select(a => a.RouteTableAssociationId),
            ["association.route-table-id"] = t => t.Associations.Select(a => a.RouteTableId),
            ["association.subnet-id"] = t => t.Associations.Select(a => a.SubnetId),
            ["association.main"] = t => t.Associations.Select(a => a.Main ? "true" : "false"),
            ["association.association-state"] = t => t.Associations.Select(a => a.AssociationState.State),
            ["route.destination-cidr-block"] = t => t.Routes.Select(r => r.DestinationCidrBlock),
            ["route.destination-ipv6-cidr-block"] = t => t.Routes.Select(r => r.DestinationIpv6CidrBlock),
            ["route.destination-prefix-list-id"] = t => t.Routes.Select(r => r.DestinationPrefixListId),
            ["route.egress-only-internet-gateway-id"] = t => t.Routes.Select(r => r.EgressOnlyInternetGatewayId),
            ["route.gateway-id"] = t => t.Routes.Select(r => r.GatewayId),
            ["route.nat-gateway-id"] = t => t.Routes.Select(r => r.NatGatewayId),
            ["route.origin"] = t => t.Routes.Select(r => r.Origin),
            ["route.state"] = t => t.Routes.Select(r => r.State),
        },
        t => t.Tags);

    private sealed class RouteTableEntity(string id, string vpcId)
    {
        public string Id { get; } = id;

        public string VpcId { get; } = vpcId;

        /// <summary>The routes CreateRoute added, in order; the local routes are derived from the VPC.</summary>
        public List<RouteEntry> Routes { get; } = [];

        /// <summary>Set on the VPC's main table only.</summary>
        public string? MainAssociationId { get; set; }

        public List<Tag> Tags { get; set; } = [];
    }

    private sealed record RouteEntry(RouteDestination Destination, string? GatewayId, string? NatGatewayId, string? EgressOnlyInternetGatewayId = null);

    /// <summary>A route's destination: exactly one of a CIDR block (IPv4 or IPv6) and a prefix list's ID.</summary>
    private sealed record RouteDestination(CidrBlock? Cidr, string? PrefixListId)
    {
        public string Text => Cidr?.ToString() ?? PrefixListId!;
    }

    private sealed record SubnetRouteTableAssociation(string AssociationId, string RouteTableId, string SubnetId);
}
