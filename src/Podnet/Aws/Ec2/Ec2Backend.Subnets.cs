using System.Net;
using Podnet.Net;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, SubnetEntity> _subnets = new(StringComparer.Ordinal);

    public Subnet CreateSubnet(CreateSubnetRequest request)
    {
        lock (_lock)
        {
            var vpc = FindVpc(request.VpcId);
            if (!CidrBlock.TryParse(request.CidrBlock, out var cidr) || !cidr.IsIPv4)
            {
                throw Ec2Errors.InvalidCidr(request.CidrBlock);
            }

            if (cidr.PrefixLength is < 16 or > 28 || !vpc.CidrBlocks.Exists(b => b.Cidr.Contains(cidr)))
            {
                throw Ec2Errors.SubnetRangeInvalid(request.CidrBlock);
            }

            if (_subnets.Values.Any(s => s.VpcId == vpc.Id && s.Cidr.Overlaps(cidr)))
            {
                throw Ec2Errors.SubnetConflict(request.CidrBlock);
            }

            var ipv6 = request.Ipv6CidrBlock is { } ipv6Text ? ParseSubnetIpv6Cidr(vpc, ipv6Text) : (CidrBlock?)null;

            var zone = ResolveZone(request.AvailabilityZone, request.AvailabilityZoneId);
            var tags = TagsOf(request.Tags);
            // A subnet's block is unique in its VPC while it exists: the block is the subnet's identity.
            var subnetId = NewId("subnet", request.SubnetId, "InvalidSubnetID.Malformed", $"{vpc.Id}|{cidr}");
            if (request.AssignIpv6AddressOnCreation && ipv6 is null)
            {
                throw Ec2Errors.AssignIpv6WithoutIpv6Block(subnetId);
            }

            var subnet = new SubnetEntity(subnetId, vpc.Id, cidr, zone, Options.ZoneIdOf(zone), new SubnetAddressPool(cidr))
            {
                MapPublicIpOnLaunch = request.MapPublicIpOnLaunch,
                AssignIpv6AddressOnCreation = request.AssignIpv6AddressOnCreation,
                EnableDns64 = request.EnableDns64,
                Tags = [.. tags],
                Ipv6 = ipv6 is { } block ? new Ipv6SubnetAddresses(block) : null,
                Ipv6AssociationId = ipv6 is { } associated ? _ids.Next("subnet-cidr-assoc", $"{subnetId}|{associated}") : null,
            };
            _subnets.Add(subnetId, subnet);
            return ToSubnet(subnet);
        }
    }

    public IReadOnlyList<Subnet> DescribeSubnets(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            // A terminated instance's deleted interfaces free their addresses (AvailableIpAddressCount).
            SettleInstances();
            var selected = Select(request.Ids, id => _subnets.GetValueOrDefault(id), Ec2Errors.SubnetNotFound, _subnets.Values);
            return [.. SubnetFilters.Apply(selected.Select(ToSubnet), request.Filters)];
        }
    }

    /// <summary>
    /// Sets a subnet's <c>MapPublicIpOnLaunch</c>, <c>AssignIpv6AddressOnCreation</c> and <c>EnableDns64</c>, each when
    /// given (null leaves it), as <c>aws ec2 modify-subnet-attribute --map-public-ip-on-launch</c>,
    /// <c>--assign-ipv6-address-on-creation</c> and <c>--enable-dns64</c> do (DNS64 takes effect for the resolver's
    /// next answers; Podnet's reach reads it when asked). On EC2 they apply to what is launched or created afterwards, and
    /// so here: an instance keeps the public address it was launched with, or its lack of one, and an interface its
    /// addresses.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidSubnetID.NotFound</c>; <c>AssignIpv6AddressOnCreation</c> for a subnet without an IPv6 block
    /// (<see cref="Ec2Errors.AssignIpv6WithoutIpv6Block"/>, the text ModifySubnetAttribute answers).
    /// </exception>
    public void ModifySubnetAttribute(string subnetId, bool? mapPublicIpOnLaunch, bool? assignIpv6AddressOnCreation, bool? enableDns64 = null)
    {
        lock (_lock)
        {
            var subnet = FindSubnet(subnetId);
            if (assignIpv6AddressOnCreation == true && subnet.Ipv6 is null)
            {
                throw Ec2Errors.AssignIpv6WithoutIpv6Block(subnet.Id);
            }

            subnet.MapPublicIpOnLaunch = mapPublicIpOnLaunch ?? subnet.MapPublicIpOnLaunch;
            subnet.AssignIpv6AddressOnCreation = assignIpv6AddressOnCreation ?? subnet.AssignIpv6AddressOnCreation;
            subnet.EnableDns64 = enableDns64 ?? subnet.EnableDns64;
        }
    }

    public void DeleteSubnet(string subnetId)
    {
        lock (_lock)
        {
            SettleNatGateways();
            SettleInstances();
            var subnet = FindSubnet(subnetId);

            // A NAT gateway's interface counts until the gateway is deleted, as on EC2.
            if (_interfaces.Values.Any(e => e.SubnetId == subnetId))
            {
                throw Ec2Errors.SubnetHasDependencies(subnetId);
            }

            RemoveSubnetAssociations(subnet.Id);
            _subnets.Remove(subnet.Id);
        }
    }

    /// <summary>
    /// A subnet's IPv6 block (CreateSubnet <c>Ipv6CidrBlock</c>): a /64 (else EC2's "invalid value for parameter
    /// ipv6-cidr-block"), inside the VPC's IPv6 /56 (else InvalidSubnet.Range, also for a VPC without one), and no
    /// other subnet's (InvalidSubnet.Conflict).
    /// </summary>
    private CidrBlock ParseSubnetIpv6Cidr(VpcEntity vpc, string text)
    {
        if (!CidrBlock.TryParse(text, out var cidr) || cidr.IsIPv4 || cidr.PrefixLength != AmazonIpv6Pool.SubnetPrefixLength)
        {
            throw Ec2Errors.InvalidIpv6CidrBlock(text);
        }

        if (vpc.Ipv6Cidr is not { } block || !block.Cidr.Contains(cidr))
        {
            throw Ec2Errors.SubnetIpv6RangeInvalid(text);
        }

        if (_subnets.Values.Any(s => s.Ipv6?.Cidr == cidr))
        {
            throw Ec2Errors.SubnetConflict(text);
        }

        return cidr;
    }

    private SubnetEntity FindSubnet(string subnetId) => _subnets.GetValueOrDefault(subnetId) ?? throw Ec2Errors.SubnetNotFound(subnetId);

    private string ResolveZone(string? zone, string? zoneId)
    {
        if (zone is null && zoneId is not null)
        {
            zone = Options.Zones.FirstOrDefault(z => Options.ZoneIdOf(z) == zoneId)
                   ?? throw Ec2Errors.InvalidParameterValue(zoneId, "availabilityZoneId", $"Subnets can currently only be created in the following availability zones: {string.Join(", ", Options.Zones.Select(Options.ZoneIdOf))}.");
        }

        // Without a zone EC2 picks one; the emulator picks the first, so runs are reproducible.
        zone ??= Options.Zones[0];
        if (!Options.Zones.Contains(zone))
        {
            throw Ec2Errors.InvalidAvailabilityZone(zone, Options.Zones);
        }

        return zone;
    }

    /// <summary>Claims a specific address in a subnet, with EC2's errors.</summary>
    private static IPAddress ClaimAddress(SubnetEntity subnet, string text)
    {
        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw Ec2Errors.InvalidParameterValue(text, "PrivateIpAddress", "This is not a valid IPv4 address.");
        }

        EnsureClaimed(subnet.Pool.TryAllocate(address), subnet, text);
        return address;
    }

    private static IPAddress ClaimLowestAddress(SubnetEntity subnet)
        => subnet.Pool.TryAllocateLowest(out var address) ? address : throw Ec2Errors.InsufficientFreeAddressesInSubnet();

    private static CidrBlock ClaimPrefix(SubnetEntity subnet, string text)
    {
        if (!CidrBlock.TryParse(text, out var prefix) || !prefix.IsIPv4 || prefix.PrefixLength != 28)
        {
            throw Ec2Errors.PrefixInvalid(text);
        }

        EnsureClaimed(subnet.Pool.TryAllocatePrefix(prefix), subnet, text);
        return prefix;
    }

    private static void EnsureClaimed(AddressClaim claim, SubnetEntity subnet, string requested)
    {
        switch (claim)
        {
            case AddressClaim.Claimed:
                return;
            case AddressClaim.InUse:
                throw Ec2Errors.AddressInUse();
            case AddressClaim.Reserved:
                throw Ec2Errors.AddressReserved(requested);
            default:
                throw Ec2Errors.AddressOutsideSubnet(requested, subnet.Id);
        }
    }

    private static CidrBlock ClaimLowestPrefix(SubnetEntity subnet)
        => subnet.Pool.TryAllocatePrefix(28, out var prefix) ? prefix : throw Ec2Errors.InsufficientCidrBlocks();

    private Subnet ToSubnet(SubnetEntity subnet) => new(
        subnet.Id,
        Arn("subnet", subnet.Id),
        subnet.VpcId,
        subnet.Cidr.ToString(),
        subnet.AvailabilityZone,
        subnet.AvailabilityZoneId,
        subnet.Pool.FreeCount,
        "available",
        DefaultForAz: false,
        subnet.MapPublicIpOnLaunch,
        AccountId,
        [.. subnet.Tags])
    {
        Ipv6CidrBlockAssociationSet = subnet.Ipv6 is { } ipv6
            ? [new SubnetIpv6CidrBlockAssociation(subnet.Ipv6AssociationId!, ipv6.Cidr.ToString(), new VpcCidrBlockState("associated"))]
            : [],
        AssignIpv6AddressOnCreation = subnet.AssignIpv6AddressOnCreation,
        EnableDns64 = subnet.EnableDns64,
    };

    private static readonly FilterMatcher<Subnet> SubnetFilters = new(
        new Dictionary<string, Func<Subnet, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["subnet-id"] = s => Field.One(s.SubnetId),
            ["vpc-id"] = s => Field.One(s.VpcId),
            ["cidr-block"] = s => Field.One(s.CidrBlock),
            ["cidr"] = s => Field.One(s.CidrBlock),
            ["availability-zone"] = s => Field.One(s.AvailabilityZone),
            ["availability-zone-id"] = s => Field.One(s.AvailabilityZoneId),
            ["available-ip-address-count"] = s => Field.One(s.AvailableIpAddressCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ["state"] = s => Field.One(s.State),
            ["owner-id"] = s => Field.One(s.OwnerId),
            ["default-for-az"] = s => Field.Bool(s.DefaultForAz),
            ["map-public-ip-on-launch"] = s => Field.Bool(s.MapPublicIpOnLaunch),
            ["assign-ipv6-address-on-creation"] = s => Field.Bool(s.AssignIpv6AddressOnCreation),
            ["enable-dns64"] = s => Field.Bool(s.EnableDns64),
            ["subnet-arn"] = s => Field.One(s.SubnetArn),
            ["ipv6-cidr-block-association.ipv6-cidr-block"] = s => s.Ipv6CidrBlockAssociationSet.Select(a => a.Ipv6CidrBlock),
            ["ipv6-cidr-block-association.association-id"] = s => s.Ipv6CidrBlockAssociationSet.Select(a => a.AssociationId),
            ["ipv6-cidr-block-association.state"] = s => s.Ipv6CidrBlockAssociationSet.Select(a => a.Ipv6CidrBlockState.State),
        },
        s => s.Tags);

    private sealed class SubnetEntity(string id, string vpcId, CidrBlock cidr, string zone, string zoneId, SubnetAddressPool pool)
    {
        public string Id { get; } = id;

        public string VpcId { get; } = vpcId;

        public CidrBlock Cidr { get; } = cidr;

        public string AvailabilityZone { get; } = zone;

        public string AvailabilityZoneId { get; } = zoneId;

        public SubnetAddressPool Pool { get; } = pool;

        public bool MapPublicIpOnLaunch { get; set; }

        /// <summary>EC2's <c>AssignIpv6AddressOnCreation</c>: a new interface gets an address of <see cref="Ipv6"/>.</summary>
        public bool AssignIpv6AddressOnCreation { get; set; }

        /// <summary>EC2's <c>EnableDns64</c>: the Amazon DNS resolver synthesizes <c>64:ff9b::/96</c> answers for the subnet.</summary>
        public bool EnableDns64 { get; set; }

        public List<Tag> Tags { get; set; } = [];

        /// <summary>The subnet's IPv6 /64 and the addresses and prefixes assigned in it; null for an IPv4-only subnet.</summary>
        public Ipv6SubnetAddresses? Ipv6 { get; init; }

        /// <summary>The association of <see cref="Ipv6"/>'s block (<c>subnet-cidr-assoc-…</c>).</summary>
        public string? Ipv6AssociationId { get; init; }
    }
}
