namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, InternetGatewayEntity> _internetGateways = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates an internet gateway, attached to nothing. <paramref name="internetGatewayId"/> is an existing gateway's
    /// ID (a world's); null draws one from the gateway's tags.
    /// </summary>
    /// <exception cref="AwsException">A given ID malformed (<c>InvalidInternetGatewayId.Malformed</c>) or in use (<c>InvalidParameterValue</c>).</exception>
    public InternetGateway CreateInternetGateway(IReadOnlyList<Tag>? tags = null, string? internetGatewayId = null)
    {
        lock (_lock)
        {
            var validTags = TagsOf(tags);
            var gateway = new InternetGatewayEntity(NewId("igw", internetGatewayId, "InvalidInternetGatewayId.Malformed", Identity(validTags))) { Tags = [.. validTags] };
            _internetGateways.Add(gateway.Id, gateway);
            return ToInternetGateway(gateway);
        }
    }

    /// <summary>Attaches a gateway to a VPC; a VPC has at most one, a gateway at most one VPC.</summary>
    /// <exception cref="AwsException">Either not found; <c>Resource.AlreadyAssociated</c>; the VPC already has one (<c>InvalidParameterValue</c>).</exception>
    public void AttachInternetGateway(string internetGatewayId, string vpcId)
    {
        lock (_lock)
        {
            var gateway = FindInternetGateway(internetGatewayId);
            var vpc = FindVpc(vpcId);
            if (gateway.VpcId is { } attached)
            {
                throw Ec2Errors.InternetGatewayAlreadyAttached(gateway.Id, attached);
            }

            if (_internetGateways.Values.FirstOrDefault(g => g.VpcId == vpc.Id) is { } other)
            {
                throw Ec2Errors.VpcAlreadyHasInternetGateway(vpc.Id, other.Id);
            }

            gateway.VpcId = vpc.Id;
        }
    }

    /// <summary>Detaches a gateway from its VPC; refused while the VPC has public addresses mapped (a NAT gateway's).</summary>
    /// <exception cref="AwsException">Either not found; <c>Gateway.NotAttached</c>; <c>DependencyViolation</c>.</exception>
    public void DetachInternetGateway(string internetGatewayId, string vpcId)
    {
        lock (_lock)
        {
            SettleNatGateways();
            var gateway = FindInternetGateway(internetGatewayId);
            var vpc = FindVpc(vpcId);
            if (gateway.VpcId != vpc.Id)
            {
                throw Ec2Errors.GatewayNotAttached(gateway.Id, vpc.Id);
            }

            if (_natGateways.Values.Any(n => n.VpcId == vpc.Id && n.NetworkInterfaceId is not null))
            {
                throw Ec2Errors.VpcHasMappedPublicAddresses(vpc.Id);
            }

            gateway.VpcId = null;
        }
    }

    /// <summary>Deletes a detached gateway.</summary>
    /// <exception cref="AwsException"><c>InvalidInternetGatewayID.NotFound</c>; <c>DependencyViolation</c> while attached.</exception>
    public void DeleteInternetGateway(string internetGatewayId)
    {
        lock (_lock)
        {
            var gateway = FindInternetGateway(internetGatewayId);
            if (gateway.VpcId is not null)
            {
                throw Ec2Errors.InternetGatewayHasDependencies(gateway.Id);
            }

            _internetGateways.Remove(gateway.Id);
        }
    }

    /// <summary>Internet gateways by ID and filters (<c>attachment.vpc-id</c>, <c>internet-gateway-id</c>, tags).</summary>
    /// <exception cref="AwsException"><c>InvalidInternetGatewayID.NotFound</c>; an unknown filter.</exception>
    public IReadOnlyList<InternetGateway> DescribeInternetGateways(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var selected = Select(request.Ids, id => _internetGateways.GetValueOrDefault(id), Ec2Errors.InternetGatewayNotFound, _internetGateways.Values);
            return [.. InternetGatewayFilters.Apply(selected.Select(ToInternetGateway), request.Filters)];
        }
    }

    private InternetGatewayEntity FindInternetGateway(string id) => _internetGateways.GetValueOrDefault(id) ?? throw Ec2Errors.InternetGatewayNotFound(id);

    private InternetGateway ToInternetGateway(InternetGatewayEntity gateway)
        => new(gateway.Id, AccountId, gateway.VpcId is { } vpcId ? [new InternetGatewayAttachment(vpcId, "available")] : [], [.. gateway.Tags]);

    private static readonly FilterMatcher<InternetGateway> InternetGatewayFilters = new(
        new Dictionary<string, Func<InternetGateway, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["internet-gateway-id"] = g => Field.One(g.InternetGatewayId),
            ["owner-id"] = g => Field.One(g.OwnerId),
            ["attachment.vpc-id"] = g => g.Attachments.Select(a => a.VpcId),
            ["attachment.state"] = g => g.Attachments.Select(a => a.State),
        },
        g => g.Tags);

    private sealed class InternetGatewayEntity(string id)
    {
        public string Id { get; } = id;

        public string? VpcId { get; set; }

        public List<Tag> Tags { get; set; } = [];
    }
}
