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

    /// <summary>Adds a route to an internet gateway attached to the table's VPC or to a NAT gateway in it.</summary>
    /// <exception cref="AwsException">
    /// <c>InvalidRouteTableID.NotFound</c>, <c>InvalidParameterValue</c> (CIDR), <c>InvalidParameterCombination</c> (not
    /// exactly one target), <c>InvalidGatewayID.NotFound</c>/<c>InvalidNatGatewayID.NotFound</c>, a gateway of
    /// another network, <c>RouteAlreadyExists</c>.
    /// </exception>
    public void CreateRoute(CreateRouteRequest request)
    {
        lock (_lock)
        {
            SettleNatGateways();
            var table = FindRouteTable(request.RouteTableId);
            var destination = Destination(request.DestinationCidrBlock, request.DestinationPrefixListId);
            if ((request.GatewayId is null) == (request.NatGatewayId is null))
            {
                throw Ec2Errors.RouteTargetMissing();
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

            if (table.Routes.Exists(r => r.Destination == destination) || _vpcs[table.VpcId].CidrBlocks.Exists(b => destination.Cidr == b.Cidr))
            {
                throw Ec2Errors.RouteAlreadyExists(destination.Text);
            }

            table.Routes.Add(new RouteEntry(destination, request.GatewayId, request.NatGatewayId));
        }
    }

    /// <summary>
    /// Removes a route added by CreateRoute (the <c>local</c> routes cannot be removed: they are not found);
    /// <paramref name="destination"/> is its CIDR block (DestinationCidrBlock) or its prefix list's ID
    /// (DestinationPrefixListId, <c>pl-…</c>).
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidRouteTableID.NotFound</c>, <c>InvalidRoute.NotFound</c>.</exception>
    public void DeleteRoute(string routeTableId, string destination)
    {
        lock (_lock)
        {
            var table = FindRouteTable(routeTableId);
            var key = destination.StartsWith("pl-", StringComparison.Ordinal) ? new RouteDestination(null, destination) : new RouteDestination(ParseDestination(destination), null);
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

    /// <summary>
    /// A route's destination: an IPv4 CIDR block, or a prefix list of the account.
    /// </summary>
    /// <exception cref="AwsException">
    /// Neither or both (<c>InvalidParameterCombination</c>); a malformed block (<c>InvalidParameterValue</c>); a list
    /// ID malformed (<c>InvalidPrefixListId.Malformed</c>) or naming no list (<c>InvalidPrefixListID.NotFound</c>).
    /// </exception>
    private RouteDestination Destination(string? cidr, string? prefixListId)
    {
        if ((cidr is null) == (prefixListId is null))
        {
            throw Ec2Errors.RouteDestinationMissing();
        }

        if (prefixListId is null)
        {
            return new RouteDestination(ParseDestination(cidr!), null);
        }

        if (!IsWellFormedId(prefixListId, "pl"))
        {
            throw Ec2Errors.MalformedId("InvalidPrefixListId.Malformed", "pl", prefixListId);
        }

        // An IPv6 list is taken as EC2 takes it; its entries never hold the IPv4 destinations the router is asked about.
        return _prefixLists.ContainsKey(prefixListId) ? new RouteDestination(null, prefixListId) : throw Ec2Errors.ReferencedPrefixListNotFound(prefixListId);
    }

    private RouteTable ToRouteTable(RouteTableEntity table)
    {
        // The local routes follow the VPC's CIDR blocks, so a block associated later has its route at once.
        var local = _vpcs[table.VpcId].CidrBlocks.Select(b => new Route(b.Cidr.ToString(), "local", null, "CreateRouteTable", "active"));
        var created = table.Routes.Select(r => new Route(r.Destination.Cidr?.ToString(), r.GatewayId, r.NatGatewayId, "CreateRoute", RouteState(table, r), r.Destination.PrefixListId));
        var associations = new List<RouteTableAssociation>();
        if (table.MainAssociationId is { } main)
        {
            associations.Add(new RouteTableAssociation(main, table.Id, null, true, new RouteTableAssociationState("associated")));
        }

        associations.AddRange(_subnetAssociations.Values.Where(a => a.RouteTableId == table.Id)
            .Select(a => new RouteTableAssociation(a.AssociationId, table.Id, a.SubnetId, false, new RouteTableAssociationState("associated"))));
        return new RouteTable(table.Id, table.VpcId, AccountId, [.. local, .. created], associations, [.. table.Tags]);
    }

    /// <summary>
    /// A route whose target is gone or detached is a <c>blackhole</c>, as EC2 shows it; a gateway endpoint's route is
    /// <c>active</c> (its routes go with it).
    /// </summary>
    private string RouteState(RouteTableEntity table, RouteEntry route)
    {
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
            ["route.destination-prefix-list-id"] = t => t.Routes.Select(r => r.DestinationPrefixListId),
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

    private sealed record RouteEntry(RouteDestination Destination, string? GatewayId, string? NatGatewayId);

    /// <summary>A route's destination: exactly one of a CIDR block and a prefix list's ID.</summary>
    private sealed record RouteDestination(CidrBlock? Cidr, string? PrefixListId)
    {
        public string Text => Cidr?.ToString() ?? PrefixListId!;
    }

    private sealed record SubnetRouteTableAssociation(string AssociationId, string RouteTableId, string SubnetId);
}
