namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, EgressOnlyInternetGatewayEntity> _egressOnlyInternetGateways = new(StringComparer.Ordinal);

    /// <summary>
    /// CreateEgressOnlyInternetGateway: a gateway for <paramref name="vpcId"/>, attached to it at once (<c>attached</c>).
    /// EC2 asks for no IPv6 block on the VPC; without one the gateway simply carries nothing.
    /// <paramref name="egressOnlyInternetGatewayId"/> is an existing gateway's ID (a world's); null draws one from the
    /// VPC and the tags.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidVpcID.NotFound</c>; a given ID malformed (<c>InvalidEgressOnlyInternetGatewayId.Malformed</c>) or in
    /// use (<c>InvalidParameterValue</c>); bad tags.
    /// </exception>
    public EgressOnlyInternetGateway CreateEgressOnlyInternetGateway(string vpcId, IReadOnlyList<Tag>? tags = null, string? egressOnlyInternetGatewayId = null)
    {
        lock (_lock)
        {
            var vpc = FindVpc(vpcId);
            var validTags = TagsOf(tags);
            var id = NewId("eigw", egressOnlyInternetGatewayId, "InvalidEgressOnlyInternetGatewayId.Malformed", $"{vpc.Id}|{Identity(validTags)}");
            var gateway = new EgressOnlyInternetGatewayEntity(id, vpc.Id) { Tags = [.. validTags] };
            _egressOnlyInternetGateways.Add(gateway.Id, gateway);
            return ToEgressOnlyInternetGateway(gateway);
        }
    }

    /// <summary>
    /// DeleteEgressOnlyInternetGateway. EC2 deletes it though routes still name it: they become <c>blackhole</c>
    /// routes, as a deleted NAT gateway's do.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidEgressOnlyInternetGatewayId.NotFound</c>; a malformed ID (<c>InvalidEgressOnlyInternetGatewayId.Malformed</c>).</exception>
    public void DeleteEgressOnlyInternetGateway(string egressOnlyInternetGatewayId)
    {
        lock (_lock)
        {
            var gateway = FindEgressOnlyInternetGateway(egressOnlyInternetGatewayId);
            _egressOnlyInternetGateways.Remove(gateway.Id);
        }
    }

    /// <summary>
    /// DescribeEgressOnlyInternetGateways by ID and filters: EC2 documents only <c>tag:KEY</c> and <c>tag-key</c>
    /// (botocore's DescribeEgressOnlyInternetGatewaysRequest); any other filter name is refused as for the other kinds.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidEgressOnlyInternetGatewayId.NotFound</c>; <c>InvalidEgressOnlyInternetGatewayId.Malformed</c>; an unknown filter.</exception>
    public IReadOnlyList<EgressOnlyInternetGateway> DescribeEgressOnlyInternetGateways(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var selected = Select(request.Ids, id => FindEgressOnlyInternetGatewayOrNull(id), Ec2Errors.EgressOnlyInternetGatewayNotFound, _egressOnlyInternetGateways.Values);
            return [.. EgressOnlyInternetGatewayFilters.Apply(selected.Select(ToEgressOnlyInternetGateway), request.Filters)];
        }
    }

    private EgressOnlyInternetGatewayEntity FindEgressOnlyInternetGateway(string id)
        => FindEgressOnlyInternetGatewayOrNull(id) ?? throw Ec2Errors.EgressOnlyInternetGatewayNotFound(id);

    /// <summary>The gateway, or null; a malformed ID is EC2's <c>InvalidEgressOnlyInternetGatewayId.Malformed</c>.</summary>
    private EgressOnlyInternetGatewayEntity? FindEgressOnlyInternetGatewayOrNull(string id)
        => IsWellFormedId(id, "eigw") ? _egressOnlyInternetGateways.GetValueOrDefault(id) : throw Ec2Errors.MalformedId("InvalidEgressOnlyInternetGatewayId.Malformed", "eigw", id);

    private static EgressOnlyInternetGateway ToEgressOnlyInternetGateway(EgressOnlyInternetGatewayEntity gateway)
        => new(gateway.Id, [new InternetGatewayAttachment(gateway.VpcId, "attached")], [.. gateway.Tags]);

    private static readonly FilterMatcher<EgressOnlyInternetGateway> EgressOnlyInternetGatewayFilters = new(
        new Dictionary<string, Func<EgressOnlyInternetGateway, IEnumerable<string?>>>(StringComparer.Ordinal),
        g => g.Tags);

    private sealed class EgressOnlyInternetGatewayEntity(string id, string vpcId)
    {
        public string Id { get; } = id;

        /// <summary>The VPC it was made for and stays attached to.</summary>
        public string VpcId { get; } = vpcId;

        public List<Tag> Tags { get; set; } = [];
    }
}
