namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    /// <summary>
    /// The policy a gateway endpoint has when none is given: full access, as <c>aws ec2 create-vpc-endpoint</c>'s
    /// example output shows it (AWS CLI Command Reference, "create-vpc-endpoint", Example 1).
    /// </summary>
    public const string FullAccessEndpointPolicy = "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private readonly Dictionary<string, VpcEndpointEntity> _vpcEndpoints = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates a gateway endpoint to the region's S3 or DynamoDB and adds its route
    /// (<c>DestinationPrefixListId</c> the service's AWS-managed list → <c>GatewayId</c> the endpoint) to each route
    /// table named, all or nothing.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidVpcID.NotFound</c>; a type other than <c>Gateway</c> (Podnet emulates no interface, Gateway Load
    /// Balancer or resource endpoint: <see cref="Ec2Errors.VpcEndpointTypeNotEmulated"/>); a service EC2 offers no
    /// gateway endpoint for (<see cref="Ec2Errors.EndpointTypeMismatch"/>) or that does not exist
    /// (<c>InvalidServiceName</c>); a route table not found, of another VPC, or already routing the service's list
    /// (<see cref="Ec2Errors.RouteTableHasPrefixListRoute"/>); a given ID malformed or in use.
    /// </exception>
    public VpcEndpoint CreateVpcEndpoint(CreateVpcEndpointRequest request)
    {
        var type = request.VpcEndpointType ?? "Gateway";
        if (type != "Gateway")
        {
            throw Ec2Errors.VpcEndpointTypeNotEmulated(type);
        }

        lock (_lock)
        {
            var vpc = FindVpc(request.VpcId);
            var list = GatewayServiceList(request.ServiceName);
            var tables = (request.RouteTableIds ?? []).Distinct(StringComparer.Ordinal).Select(FindRouteTable).ToList();
            CheckEndpointRouteTables(tables, vpc.Id, list.Id, null);
            var tags = TagsOf(request.Tags);
            var id = NewId("vpce", request.VpcEndpointId, "InvalidVpcEndpointId.Malformed", $"{vpc.Id}|{request.ServiceName}|{Identity(tags)}");
            var endpoint = new VpcEndpointEntity(id, vpc.Id, request.ServiceName, list.Id, _time.GetUtcNow())
            {
                PolicyDocument = request.PolicyDocument ?? FullAccessEndpointPolicy,
                Tags = [.. tags],
            };
            foreach (var table in tables)
            {
                AddEndpointRoute(endpoint, table);
            }

            _vpcEndpoints.Add(id, endpoint);
            return ToVpcEndpoint(endpoint);
        }
    }

    /// <summary>
    /// Endpoints by ID and filters (<c>vpc-endpoint-id</c>, <c>vpc-id</c>, <c>service-name</c>,
    /// <c>vpc-endpoint-state</c>, <c>vpc-endpoint-type</c>, tags).
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidVpcEndpointId.NotFound</c>; an unknown filter.</exception>
    public IReadOnlyList<VpcEndpoint> DescribeVpcEndpoints(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var selected = Select(request.Ids, id => _vpcEndpoints.GetValueOrDefault(id), Ec2Errors.VpcEndpointIdNotFound, _vpcEndpoints.Values);
            return [.. VpcEndpointFilters.Apply(selected.Select(ToVpcEndpoint), request.Filters)];
        }
    }

    /// <summary>
    /// Adds the endpoint's route to the route tables of <see cref="ModifyVpcEndpointRequest.AddRouteTableIds"/>,
    /// removes it from those of <see cref="ModifyVpcEndpointRequest.RemoveRouteTableIds"/> and sets or resets its
    /// policy, all or nothing (EC2's ModifyVpcEndpoint answers <c>return: true</c>).
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidVpcEndpointId.NotFound</c>; a route table not found, of another VPC or already routing the list; a
    /// table to remove that the endpoint does not route (<see cref="Ec2Errors.EndpointNotInRouteTable"/>); both a
    /// policy and <c>ResetPolicy</c>.
    /// </exception>
    public void ModifyVpcEndpoint(ModifyVpcEndpointRequest request)
    {
        lock (_lock)
        {
            var endpoint = _vpcEndpoints.GetValueOrDefault(request.VpcEndpointId) ?? throw Ec2Errors.VpcEndpointIdNotFound(request.VpcEndpointId);
            if (request.ResetPolicy && request.PolicyDocument is not null)
            {
                throw Ec2Errors.InvalidParameterCombination("ResetPolicy and PolicyDocument cannot be used together.");
            }

            var removed = (request.RemoveRouteTableIds ?? []).Distinct(StringComparer.Ordinal).Select(FindRouteTable).ToList();
            if (removed.FirstOrDefault(t => !endpoint.RouteTableIds.Contains(t.Id)) is { } notRouted)
            {
                throw Ec2Errors.EndpointNotInRouteTable(endpoint.Id, notRouted.Id);
            }

            var added = (request.AddRouteTableIds ?? []).Distinct(StringComparer.Ordinal).Select(FindRouteTable).Where(t => !removed.Contains(t)).ToList();
            CheckEndpointRouteTables(added.Where(t => !endpoint.RouteTableIds.Contains(t.Id)).ToList(), endpoint.VpcId, endpoint.PrefixListId, endpoint.Id);
            foreach (var table in removed)
            {
                RemoveEndpointRoute(endpoint, table);
            }

            foreach (var table in added.Where(t => !endpoint.RouteTableIds.Contains(t.Id)))
            {
                AddEndpointRoute(endpoint, table);
            }

            if (request.ResetPolicy)
            {
                endpoint.PolicyDocument = FullAccessEndpointPolicy;
            }
            else if (request.PolicyDocument is { } policy)
            {
                endpoint.PolicyDocument = policy;
            }
        }
    }

    /// <summary>
    /// Deletes endpoints and their routes. An ID that names no endpoint does not fail the call: it comes back in
    /// <c>Unsuccessful</c> with <c>InvalidVpcEndpoint.NotFound</c>, the code EC2's error list gives for a bulk request
    /// ("Error codes for the Amazon EC2 API": "If you are performing a bulk request that is partially successful or
    /// unsuccessful, the response includes a list of the unsuccessful items").
    /// </summary>
    public IReadOnlyList<UnsuccessfulItem> DeleteVpcEndpoints(IReadOnlyList<string> vpcEndpointIds)
    {
        lock (_lock)
        {
            var unsuccessful = new List<UnsuccessfulItem>();
            foreach (var id in vpcEndpointIds.Distinct(StringComparer.Ordinal))
            {
                if (!_vpcEndpoints.TryGetValue(id, out var endpoint))
                {
                    var error = Ec2Errors.VpcEndpointNotFound(id);
                    unsuccessful.Add(new UnsuccessfulItem(id, error.Code, error.Message));
                    continue;
                }

                foreach (var tableId in endpoint.RouteTableIds.ToList())
                {
                    RemoveEndpointRoute(endpoint, _routeTables[tableId]);
                }

                _vpcEndpoints.Remove(id);
            }

            return unsuccessful;
        }
    }

    /// <summary>
    /// The AWS-managed list of a gateway service of this region (<c>com.amazonaws.&lt;region&gt;.s3</c> or
    /// <c>.dynamodb</c>, the two services with gateway endpoints: Amazon VPC User Guide, "Gateway endpoints").
    /// </summary>
    private PrefixListEntity GatewayServiceList(string serviceName)
    {
        if (serviceName == AwsManagedPrefixLists.GatewayListName(Options.Region, "s3") || serviceName == AwsManagedPrefixLists.GatewayListName(Options.Region, "dynamodb"))
        {
            return AwsPrefixListNamed(serviceName)!;
        }

        // Another AWS service (or another region's S3) has interface endpoints only, if any.
        throw serviceName.StartsWith("com.amazonaws.", StringComparison.Ordinal)
            ? Ec2Errors.EndpointTypeMismatch()
            : Ec2Errors.InvalidServiceName(serviceName);
    }

    /// <summary>The route tables an endpoint is to route: of its VPC, and none with a route to the list already.</summary>
    private static void CheckEndpointRouteTables(IReadOnlyList<RouteTableEntity> tables, string vpcId, string prefixListId, string? endpointId)
    {
        foreach (var table in tables)
        {
            if (table.VpcId != vpcId)
            {
                throw Ec2Errors.RouteTableNotInEndpointVpc(table.Id, vpcId);
            }

            if (table.Routes.Exists(r => r.Destination.PrefixListId == prefixListId && r.GatewayId != endpointId))
            {
                throw Ec2Errors.RouteTableHasPrefixListRoute(table.Id, prefixListId);
            }
        }
    }

    private static void AddEndpointRoute(VpcEndpointEntity endpoint, RouteTableEntity table)
    {
        table.Routes.Add(new RouteEntry(new RouteDestination(null, endpoint.PrefixListId), endpoint.Id, null));
        endpoint.RouteTableIds.Add(table.Id);
    }

    private static void RemoveEndpointRoute(VpcEndpointEntity endpoint, RouteTableEntity table)
    {
        table.Routes.RemoveAll(r => r.GatewayId == endpoint.Id);
        endpoint.RouteTableIds.Remove(table.Id);
    }

    /// <summary>A route table being deleted leaves the endpoints that routed it.</summary>
    private void RemoveEndpointRouteTable(string routeTableId)
    {
        foreach (var endpoint in _vpcEndpoints.Values)
        {
            endpoint.RouteTableIds.Remove(routeTableId);
        }
    }

    private VpcEndpoint ToVpcEndpoint(VpcEndpointEntity endpoint) => new(
        endpoint.Id,
        "Gateway",
        endpoint.VpcId,
        endpoint.ServiceName,
        "available",
        endpoint.PolicyDocument,
        [.. endpoint.RouteTableIds],
        endpoint.CreationTimestamp,
        [.. endpoint.Tags],
        AccountId);

    private static readonly FilterMatcher<VpcEndpoint> VpcEndpointFilters = new(
        new Dictionary<string, Func<VpcEndpoint, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["vpc-endpoint-id"] = e => Field.One(e.VpcEndpointId),
            ["vpc-id"] = e => Field.One(e.VpcId),
            ["service-name"] = e => Field.One(e.ServiceName),
            ["vpc-endpoint-state"] = e => Field.One(e.State),
            ["vpc-endpoint-type"] = e => Field.One(e.VpcEndpointType),
        },
        e => e.Tags);

    /// <summary>A gateway endpoint as EC2 keeps it: its service's list and the tables it routes, in the order added.</summary>
    private sealed class VpcEndpointEntity(string id, string vpcId, string serviceName, string prefixListId, DateTimeOffset created)
    {
        public string Id { get; } = id;

        public string VpcId { get; } = vpcId;

        public string ServiceName { get; } = serviceName;

        public string PrefixListId { get; } = prefixListId;

        public DateTimeOffset CreationTimestamp { get; } = created;

        public List<string> RouteTableIds { get; } = [];

        public string PolicyDocument { get; set; } = FullAccessEndpointPolicy;

        public List<Tag> Tags { get; set; } = [];
    }
}
