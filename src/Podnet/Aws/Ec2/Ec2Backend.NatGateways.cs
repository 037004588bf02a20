namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    /// <summary>
    /// How long a NAT gateway stays <c>pending</c>. AWS publishes no figure; creations observed in practice take one
    /// to a few minutes (CloudFormation's EKS VPC stack, whose two NAT gateways dominate it, "takes a few minutes",
    /// Amazon EKS User Guide, "Creating a VPC"); Podnet takes two.
    /// </summary>
    public static readonly TimeSpan NatGatewayCreateDuration = TimeSpan.FromMinutes(2);

    /// <summary>How long a NAT gateway stays <c>deleting</c> (about a minute in practice; AWS publishes no figure).</summary>
    public static readonly TimeSpan NatGatewayDeleteDuration = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, NatGatewayEntity> _natGateways = new(StringComparer.Ordinal);

    /// <summary>
    /// The earliest moment a NAT gateway changes state by itself (pending → available/failed, deleting → deleted),
    /// or null when none will; the served loop jumps virtual time there while a user waits.
    /// </summary>
    public DateTimeOffset? NextTransition
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                return _natGateways.Values
                    .Select(n => n.DeletedAt ?? (n.DeleteTime is null ? n.AvailableAt : (DateTimeOffset?)null))
                    .Where(t => t > now)
                    .Min();
            }
        }
    }

    /// <summary>
    /// Creates a NAT gateway in a subnet: EC2 makes its network interface (type <c>nat_gateway</c>,
    /// requester-managed, the subnet's lowest free address) at once; the gateway is <c>pending</c> for
    /// <see cref="NatGatewayCreateDuration"/>, then <c>available</c>. A public one maps its Elastic IP to the
    /// interface, and is <c>failed</c> (<c>Gateway.NotAttached</c>) instead when its VPC had no internet gateway, which
    /// frees the interface and the address. A private one takes no Elastic IP and needs no internet gateway: it
    /// translates to the interface's private address (Amazon VPC User Guide, "NAT gateways": "You can't associate an
    /// elastic IP address with a private NAT gateway").
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidParameterValue</c> (a connectivity type neither <c>public</c> nor <c>private</c>),
    /// <c>MissingParameter</c> (a public gateway without <c>AllocationId</c>), <c>InvalidParameterCombination</c> (a
    /// private one with it), <c>InvalidSubnet</c>, <c>InvalidAllocationID.NotFound</c>,
    /// <c>Resource.AlreadyAssociated</c>, <c>InsufficientFreeAddressesInSubnet</c>; a given private address outside
    /// the subnet or taken; a given gateway or interface ID malformed (<c>NatGatewayMalformed</c>,
    /// <c>InvalidNetworkInterfaceID.Malformed</c>) or in use.
    /// </exception>
    public NatGateway CreateNatGateway(CreateNatGatewayRequest request)
    {
        var isPrivate = request.ConnectivityType switch
        {
            "public" => false,
            "private" => true,
            var other => throw Ec2Errors.NatConnectivityType(other),
        };
        if (isPrivate && request.AllocationId is not null)
        {
            throw Ec2Errors.PrivateNatGatewayAllocation();
        }

        if (!isPrivate && string.IsNullOrEmpty(request.AllocationId))
        {
            throw Ec2Errors.MissingParameter("AllocationId");
        }

        lock (_lock)
        {
            SettleNatGateways();
            var subnet = _subnets.GetValueOrDefault(request.SubnetId) ?? throw Ec2Errors.NatSubnetNotFound(request.SubnetId);
            var address = isPrivate ? null : FindAddress(request.AllocationId!);
            if (address is not null && (address.NetworkInterfaceId is not null || _natGateways.Values.Any(n => n.AllocationId == address.AllocationId && StateOf(n) is "pending")))
            {
                throw Ec2Errors.ElasticIpAlreadyAssociated(address.AllocationId);
            }

            var tags = TagsOf(request.Tags);
            // EC2's codes: NatGatewayMalformed, outside the Invalid*ID.Malformed naming ("Error codes for the Amazon EC2 API").
            var natId = NewId("nat", request.NatGatewayId, "NatGatewayMalformed", $"{subnet.Id}|{address?.AllocationId ?? "private"}|{Identity(tags)}");
            var eni = CreateInterfaceEntity(subnet, "nat_gateway", [], $"Interface for NAT Gateway {natId}", [], request.PrivateIpAddress, _ => { }, natId, request.NetworkInterfaceId);
            eni.ManagedBy = natId;
            if (address is not null)
            {
                address.Associate(_ids.Next("eipassoc", $"{address.AllocationId}|{eni.Id}"), eni.Id, eni.PrimaryAddress.ToString());
            }

            var now = _time.GetUtcNow();
            var nat = new NatGatewayEntity(natId, subnet.VpcId, subnet.Id, address?.AllocationId, now, request.Existing ? now : now + NatGatewayCreateDuration)
            {
                NetworkInterfaceId = eni.Id,
                Tags = [.. tags],
            };

            // A public NAT gateway needs its VPC's internet gateway; without one EC2 lets it fail (state failed). A
            // private one never uses it ("NAT gateways": private gateways route through a transit or virtual private gateway).
            if (!isPrivate && !_internetGateways.Values.Any(g => g.VpcId == subnet.VpcId))
            {
                nat.FailureCode = "Gateway.NotAttached";
                nat.FailureMessage = $"Network {subnet.VpcId} has no Internet gateway attached";
            }

            _natGateways.Add(nat.Id, nat);
            return ToNatGateway(nat);
        }
    }

    /// <summary>NAT gateways (deleted ones too) by ID and filters (<c>state</c>, <c>subnet-id</c>, <c>vpc-id</c>, tags), in their state now.</summary>
    /// <exception cref="AwsException"><c>NatGatewayNotFound</c>; an unknown filter.</exception>
    public IReadOnlyList<NatGateway> DescribeNatGateways(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            SettleNatGateways();
            var selected = Select(request.Ids, id => _natGateways.GetValueOrDefault(id), Ec2Errors.NatGatewayNotFound, _natGateways.Values);
            return [.. NatGatewayFilters.Apply(selected.Select(ToNatGateway), request.Filters)];
        }
    }

    /// <summary>
    /// Starts deleting a NAT gateway: <c>deleting</c> for <see cref="NatGatewayDeleteDuration"/>, then
    /// <c>deleted</c>, when EC2 removes its interface and unmaps its Elastic IP. Deleting one already going is a
    /// no-op. Returns the gateway's ID, as EC2 answers.
    /// </summary>
    /// <exception cref="AwsException"><c>NatGatewayNotFound</c>.</exception>
    public string DeleteNatGateway(string natGatewayId)
    {
        lock (_lock)
        {
            SettleNatGateways();
            var nat = _natGateways.GetValueOrDefault(natGatewayId) ?? throw Ec2Errors.NatGatewayNotFound(natGatewayId);
            if (nat.DeleteTime is null)
            {
                var now = _time.GetUtcNow();
                nat.DeleteTime = now;
                nat.DeletedAt = now + NatGatewayDeleteDuration;
            }

            return nat.Id;
        }
    }

    private string StateOf(NatGatewayEntity nat)
    {
        var now = _time.GetUtcNow();
        if (nat.DeletedAt <= now)
        {
            return "deleted";
        }

        if (nat.DeleteTime is not null)
        {
            return "deleting";
        }

        if (now < nat.AvailableAt)
        {
            return "pending";
        }

        return nat.FailureCode is null ? "available" : "failed";
    }

    /// <summary>
    /// Applies what the clock has made true: a deleted or failed gateway's interface is removed and its Elastic IP
    /// unmapped. Called under the lock by every operation that shows or depends on them.
    /// </summary>
    private void SettleNatGateways()
    {
        foreach (var nat in _natGateways.Values)
        {
            if (nat.NetworkInterfaceId is { } eniId && StateOf(nat) is "deleted" or "failed")
            {
                if (_interfaces.GetValueOrDefault(eniId) is { } eni)
                {
                    RemoveInterface(eni);
                }

                if (nat.AllocationId is { } allocationId && _addresses.GetValueOrDefault(allocationId) is { } address && address.NetworkInterfaceId == eniId)
                {
                    address.Dissociate();
                }

                nat.NetworkInterfaceId = null;
            }
        }
    }

    private NatGateway ToNatGateway(NatGatewayEntity nat)
    {
        var state = StateOf(nat);
        var eni = nat.NetworkInterfaceId is { } eniId ? _interfaces.GetValueOrDefault(eniId) : null;
        NatGatewayAddress address;
        if (nat.AllocationId is not { } allocationId)
        {
            // A private gateway's only address is its interface's private one: assigning while pending, unassigning
            // while deleting (NatGatewayAddress.Status, EC2 API Reference), gone with the interface.
            address = new NatGatewayAddress(null, eni?.Id, eni?.PrimaryAddress.ToString(), null, true, state switch
            {
                "pending" => "assigning",
                "deleting" => "unassigning",
                _ => "succeeded",
            });
        }
        else
        {
            var elasticIp = _addresses.GetValueOrDefault(allocationId);

            // While pending EC2 shows only the allocation (boto/boto3#779); once available, the interface and addresses.
            address = state switch
            {
                "pending" => new NatGatewayAddress(allocationId, null, null, null, true, "associating"),
                "available" or "deleting" when eni is not null => new NatGatewayAddress(allocationId, eni.Id, eni.PrimaryAddress.ToString(), elasticIp?.PublicIp, true, state == "deleting" ? "disassociating" : "succeeded"),
                _ => new NatGatewayAddress(allocationId, null, null, elasticIp?.PublicIp, true, state == "failed" ? "failed" : "succeeded"),
            };
        }

        return new NatGateway(
            nat.Id,
            nat.VpcId,
            nat.SubnetId,
            state,
            nat.AllocationId is null ? "private" : "public",
            nat.CreateTime,
            state == "deleted" ? nat.DeletedAt : null,
            [address],
            state == "failed" ? nat.FailureCode : null,
            state == "failed" ? nat.FailureMessage : null,
            [.. nat.Tags]);
    }

    private static readonly FilterMatcher<NatGateway> NatGatewayFilters = new(
        new Dictionary<string, Func<NatGateway, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["nat-gateway-id"] = n => Field.One(n.NatGatewayId),
            ["state"] = n => Field.One(n.State),
            ["subnet-id"] = n => Field.One(n.SubnetId),
            ["vpc-id"] = n => Field.One(n.VpcId),
        },
        n => n.Tags);

    /// <summary>A NAT gateway as EC2 keeps it; a private one has no <see cref="AllocationId"/>.</summary>
    private sealed class NatGatewayEntity(string id, string vpcId, string subnetId, string? allocationId, DateTimeOffset createTime, DateTimeOffset availableAt)
    {
        public string Id { get; } = id;

        public string VpcId { get; } = vpcId;

        public string SubnetId { get; } = subnetId;

        public string? AllocationId { get; } = allocationId;

        public DateTimeOffset CreateTime { get; } = createTime;

        public DateTimeOffset AvailableAt { get; } = availableAt;

        /// <summary>The interface EC2 made; null once removed (gateway deleted or failed).</summary>
        public string? NetworkInterfaceId { get; set; }

        public DateTimeOffset? DeleteTime { get; set; }

        public DateTimeOffset? DeletedAt { get; set; }

        public string? FailureCode { get; set; }

        public string? FailureMessage { get; set; }

        public List<Tag> Tags { get; set; } = [];
    }
}
