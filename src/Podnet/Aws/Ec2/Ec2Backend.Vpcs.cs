using Podnet.Net;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private static readonly CidrBlock[] PrivateRanges =
        [CidrBlock.Parse("10.0.0.0/8"), CidrBlock.Parse("172.16.0.0/12"), CidrBlock.Parse("192.168.0.0/16")];

    private readonly Dictionary<string, VpcEntity> _vpcs = new(StringComparer.Ordinal);

    public Vpc CreateVpc(CreateVpcRequest request)
    {
        lock (_lock)
        {
            var cidr = ParseVpcCidr(request.CidrBlock);
            var givenIpv6 = request.Ipv6CidrBlock is { } text ? ParseVpcIpv6Cidr(text) : (CidrBlock?)null;
            var tags = TagsOf(request.Tags);
            // A VPC is what its tags (its Name) and its primary block say; two alike are told apart by their order.
            var vpcId = NewId("vpc", request.VpcId, "InvalidVpcID.Malformed", $"{request.CidrBlock}|{Identity(tags)}");
            var vpc = new VpcEntity(vpcId, _ids.Next("dopt", vpcId), request.InstanceTenancy)
            {
                Tags = [.. tags],
            };
            vpc.CidrBlocks.Add(new VpcCidr(_ids.Next("vpc-cidr-assoc", $"{vpcId}|{cidr}"), cidr));
            if (request.AmazonProvidedIpv6CidrBlock || givenIpv6 is not null)
            {
                var ipv6 = givenIpv6 ?? DrawVpcIpv6Cidr(vpcId);
                vpc.Ipv6Cidr = new VpcCidr(_ids.Next("vpc-cidr-assoc", $"{vpcId}|{ipv6}"), ipv6);
            }

            _vpcs.Add(vpcId, vpc);

            // Every VPC comes with a "default" group: all traffic from itself in, everything out.
            var group = AddSecurityGroup(vpc, "default", "default VPC security group", givenId: null, tags: []);
            AddRule(group, egress: false, "-1", null, null, new RulePeer(GroupId: group.Id), description: null);
            vpc.DefaultGroupId = group.Id;

            // And a main route table, with the local route of each of its CIDR blocks (Amazon VPC user guide,
            // "Configure route tables": "Your VPC has an implicit router … a main route table").
            vpc.MainRouteTableId = AddMainRouteTable(vpc.Id, request.MainRouteTableId, request.MainRouteTableAssociationId).Id;
            return ToVpc(vpc);
        }
    }

    public VpcCidrBlockAssociation AssociateVpcCidrBlock(string vpcId, string cidrBlock)
    {
        lock (_lock)
        {
            var vpc = FindVpc(vpcId);
            var cidr = ParseVpcCidr(cidrBlock);
            if (vpc.CidrBlocks.Count >= Options.CidrBlocksPerVpc)
            {
                throw Ec2Errors.CidrLimitExceeded(vpcId, Options.CidrBlocksPerVpc);
            }

            var conflict = vpc.CidrBlocks.FirstOrDefault(b => b.Cidr.Overlaps(cidr));
            if (conflict is not null)
            {
                throw Ec2Errors.VpcRangeConflict(cidrBlock, conflict.Cidr.ToString());
            }

            // A private primary block only takes secondary blocks from its own RFC 1918 range (or public space).
            var primaryRange = PrivateRanges.FirstOrDefault(r => r.Contains(vpc.CidrBlocks[0].Cidr));
            var newRange = PrivateRanges.FirstOrDefault(r => r.Contains(cidr));
            if (primaryRange != default && newRange != default && primaryRange != newRange)
            {
                throw Ec2Errors.VpcRangeRestricted(cidrBlock);
            }

            var association = new VpcCidr(_ids.Next("vpc-cidr-assoc", $"{vpc.Id}|{cidr}"), cidr);
            vpc.CidrBlocks.Add(association);

            // The answer shows the block while EC2 is still associating it; describe-vpcs shows it associated.
            return new VpcCidrBlockAssociation(association.AssociationId, cidr.ToString(), new VpcCidrBlockState("associating"));
        }
    }

    public VpcCidrBlockAssociation DisassociateVpcCidrBlock(string associationId)
    {
        lock (_lock)
        {
            var vpc = _vpcs.Values.FirstOrDefault(v => v.CidrBlocks.Exists(b => b.AssociationId == associationId))
                      ?? throw Ec2Errors.VpcCidrAssociationNotFound(associationId);
            var block = vpc.CidrBlocks.Single(b => b.AssociationId == associationId);
            if (ReferenceEquals(block, vpc.CidrBlocks[0]))
            {
                throw Ec2Errors.PrimaryCidrNotDisassociable(associationId);
            }

            if (_subnets.Values.Any(s => s.VpcId == vpc.Id && block.Cidr.Contains(s.Cidr)))
            {
                throw Ec2Errors.CidrBlockInUse(associationId);
            }

            vpc.CidrBlocks.Remove(block);
            return new VpcCidrBlockAssociation(associationId, block.Cidr.ToString(), new VpcCidrBlockState("disassociating"));
        }
    }

    public IReadOnlyList<Vpc> DescribeVpcs(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var selected = Select(request.Ids, id => _vpcs.GetValueOrDefault(id), Ec2Errors.VpcNotFound, _vpcs.Values);
            return [.. VpcFilters.Apply(selected.Select(ToVpc), request.Filters)];
        }
    }

    public void DeleteVpc(string vpcId)
    {
        lock (_lock)
        {
            SettleNatGateways();
            var vpc = FindVpc(vpcId);
            var hasDependencies = _subnets.Values.Any(s => s.VpcId == vpcId)
                                  || _groups.Values.Any(g => g.VpcId == vpcId && g.Id != vpc.DefaultGroupId)
                                  || _routeTables.Values.Any(t => t.VpcId == vpcId && t.Id != vpc.MainRouteTableId)
                                  || _internetGateways.Values.Any(g => g.VpcId == vpcId)
                                  || _egressOnlyInternetGateways.Values.Any(g => g.VpcId == vpcId)
                                  || _vpcEndpoints.Values.Any(e => e.VpcId == vpcId);
            if (hasDependencies)
            {
                throw Ec2Errors.VpcHasDependencies(vpcId);
            }

            _groups.Remove(vpc.DefaultGroupId);
            _routeTables.Remove(vpc.MainRouteTableId);
            _vpcs.Remove(vpcId);
        }
    }

    private VpcEntity FindVpc(string vpcId) => _vpcs.GetValueOrDefault(vpcId) ?? throw Ec2Errors.VpcNotFound(vpcId);

    private static CidrBlock ParseVpcCidr(string text)
    {
        if (!CidrBlock.TryParse(text, out var cidr) || !cidr.IsIPv4)
        {
            throw Ec2Errors.InvalidCidr(text);
        }

        if (cidr.PrefixLength is < 16 or > 28)
        {
            throw Ec2Errors.VpcRangeInvalid(text);
        }

        return cidr;
    }

    /// <summary>A VPC's IPv6 block as given (a world's): a /56 no other VPC of the account holds.</summary>
    private CidrBlock ParseVpcIpv6Cidr(string text)
    {
        if (!CidrBlock.TryParse(text, out var cidr) || cidr.IsIPv4 || cidr.PrefixLength != AmazonIpv6Pool.VpcPrefixLength)
        {
            throw Ec2Errors.InvalidIpv6CidrBlock(text);
        }

        if (_vpcs.Values.Any(v => v.Ipv6Cidr?.Cidr.Overlaps(cidr) == true))
        {
            throw Ec2Errors.InvalidParameterValue(text, "Ipv6CidrBlock", "Another VPC of the account holds this block.");
        }

        return cidr;
    }

    /// <summary>
    /// The /56 EC2 gives a VPC from the region's Amazon pool: the VPC's seeded hash, drawn again while another VPC
    /// of the account holds the block (EC2 never gives one block twice).
    /// </summary>
    private CidrBlock DrawVpcIpv6Cidr(string vpcId)
    {
        while (true)
        {
            var block = AmazonIpv6Pool.VpcBlock(Options.Region, AmazonIpv6Pool.ParseHash(_ids.Hex("vpc-ipv6-cidr", vpcId, 16)));
            if (!_vpcs.Values.Any(v => v.Ipv6Cidr?.Cidr.Overlaps(block) == true))
            {
                return block;
            }
        }
    }

    private Vpc ToVpc(VpcEntity vpc) => new(
        vpc.Id,
        AccountId,
        "available",
        vpc.CidrBlocks[0].Cidr.ToString(),
        vpc.DhcpOptionsId,
        vpc.InstanceTenancy,
        IsDefault: false,
        [.. vpc.CidrBlocks.Select(b => new VpcCidrBlockAssociation(b.AssociationId, b.Cidr.ToString(), new VpcCidrBlockState("associated")))],
        [.. vpc.Tags])
    {
        Ipv6CidrBlockAssociationSet = vpc.Ipv6Cidr is { } ipv6
            ? [new VpcIpv6CidrBlockAssociation(ipv6.AssociationId, ipv6.Cidr.ToString(), new VpcCidrBlockState("associated"), Options.Region, AmazonIpv6Pool.PoolName)]
            : [],
    };

    private static readonly FilterMatcher<Vpc> VpcFilters = new(
        new Dictionary<string, Func<Vpc, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["vpc-id"] = v => Field.One(v.VpcId),
            ["cidr"] = v => Field.One(v.CidrBlock),
            ["cidr-block-association.cidr-block"] = v => v.CidrBlockAssociationSet.Select(a => a.CidrBlock),
            ["cidr-block-association.association-id"] = v => v.CidrBlockAssociationSet.Select(a => a.AssociationId),
            ["cidr-block-association.state"] = v => v.CidrBlockAssociationSet.Select(a => a.CidrBlockState.State),
            ["state"] = v => Field.One(v.State),
            ["owner-id"] = v => Field.One(v.OwnerId),
            ["is-default"] = v => Field.Bool(v.IsDefault),
            ["dhcp-options-id"] = v => Field.One(v.DhcpOptionsId),
            ["ipv6-cidr-block-association.ipv6-cidr-block"] = v => v.Ipv6CidrBlockAssociationSet.Select(a => a.Ipv6CidrBlock),
            ["ipv6-cidr-block-association.association-id"] = v => v.Ipv6CidrBlockAssociationSet.Select(a => a.AssociationId),
            ["ipv6-cidr-block-association.state"] = v => v.Ipv6CidrBlockAssociationSet.Select(a => a.Ipv6CidrBlockState.State),
            ["ipv6-cidr-block-association.ipv6-pool"] = v => v.Ipv6CidrBlockAssociationSet.Select(a => a.Ipv6Pool),
        },
        v => v.Tags);

    private sealed class VpcEntity(string id, string dhcpOptionsId, string instanceTenancy)
    {
        public string Id { get; } = id;

        public string DhcpOptionsId { get; } = dhcpOptionsId;

        public string InstanceTenancy { get; } = instanceTenancy;

        /// <summary>The primary block first, then secondary blocks in association order.</summary>
        public List<VpcCidr> CidrBlocks { get; } = [];

        /// <summary>The Amazon-provided IPv6 /56, if the VPC has one.</summary>
        public VpcCidr? Ipv6Cidr { get; set; }

        public string DefaultGroupId { get; set; } = string.Empty;

        public string MainRouteTableId { get; set; } = string.Empty;

        public List<Tag> Tags { get; set; } = [];
    }

    private sealed record VpcCidr(string AssociationId, CidrBlock Cidr);
}
