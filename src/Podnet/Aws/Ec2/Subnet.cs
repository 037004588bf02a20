namespace Podnet.Aws.Ec2;

/// <summary>A subnet in the shape <c>aws ec2 describe-subnets</c> prints.</summary>
public sealed record Subnet(
    string SubnetId,
    string SubnetArn,
    string VpcId,
    string CidrBlock,
    string AvailabilityZone,
    string AvailabilityZoneId,
    int AvailableIpAddressCount,
    string State,
    bool DefaultForAz,
    bool MapPublicIpOnLaunch,
    string OwnerId,
    IReadOnlyList<Tag> Tags)
{
    /// <summary>The subnet's IPv6 /64, when it has one (<c>Ipv6CidrBlockAssociationSet</c>; empty for an IPv4-only subnet).</summary>
    public IReadOnlyList<SubnetIpv6CidrBlockAssociation> Ipv6CidrBlockAssociationSet { get; init; } = [];

    /// <summary>
    /// Whether an interface created in the subnet gets an IPv6 address of its /64 (EC2's subnet attribute
    /// <c>AssignIpv6AddressOnCreation</c>, set with <c>aws ec2 modify-subnet-attribute
    /// --assign-ipv6-address-on-creation</c>): every new interface, an instance's and the VPC resource controller's
    /// branch interfaces too, which is where a pod with security groups in an IPv6 cluster takes its address from.
    /// </summary>
    public bool AssignIpv6AddressOnCreation { get; init; }

    /// <summary>
    /// Whether the Amazon-provided DNS resolver answers queries from the subnet with synthetic IPv6 addresses for
    /// IPv4-only names (EC2's subnet attribute <c>EnableDns64</c>, botocore's "Indicates whether DNS queries made to the
    /// Amazon-provided DNS Resolver in this subnet should return synthetic IPv6 addresses for IPv4-only destinations",
    /// set with <c>aws ec2 modify-subnet-attribute --enable-dns64</c>): the well-known prefix <c>64:ff9b::/96</c> with
    /// the IPv4 address in its last 32 bits (RFC 6147, RFC 6052), which a route <c>64:ff9b::/96</c> → a NAT gateway
    /// (NAT64) takes out as IPv4. False by default.
    /// </summary>
    public bool EnableDns64 { get; init; }
}

/// <summary>A subnet's IPv6 block as describe-subnets prints it (botocore <c>SubnetIpv6CidrBlockAssociation</c>).</summary>
public sealed record SubnetIpv6CidrBlockAssociation(string AssociationId, string Ipv6CidrBlock, VpcCidrBlockState Ipv6CidrBlockState);

/// <summary>
/// CreateSubnet's arguments; <see cref="Ipv6CidrBlock"/> is the subnet's IPv6 /64 (<c>--ipv6-cidr-block</c>), which
/// must lie in the VPC's IPv6 block; null makes an IPv4-only subnet. <see cref="AssignIpv6AddressOnCreation"/> is the
/// subnet attribute (ModifySubnetAttribute's), which EC2 refuses for a subnet without an IPv6 block.
/// <see cref="EnableDns64"/> is ModifySubnetAttribute's <c>EnableDns64</c>, given at creation for a world's subnet
/// (CreateSubnet itself has no such parameter).
/// </summary>
public sealed record CreateSubnetRequest(
    string VpcId,
    string CidrBlock,
    string? AvailabilityZone = null,
    string? AvailabilityZoneId = null,
    IReadOnlyList<Tag>? Tags = null,
    string? SubnetId = null,
    bool MapPublicIpOnLaunch = false,
    string? Ipv6CidrBlock = null,
    bool AssignIpv6AddressOnCreation = false,
    bool EnableDns64 = false);
