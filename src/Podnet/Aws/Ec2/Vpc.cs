namespace Podnet.Aws.Ec2;

/// <summary>A VPC in the shape <c>aws ec2 describe-vpcs</c> prints.</summary>
public sealed record Vpc(
    string VpcId,
    string OwnerId,
    string State,
    string CidrBlock,
    string DhcpOptionsId,
    string InstanceTenancy,
    bool IsDefault,
    IReadOnlyList<VpcCidrBlockAssociation> CidrBlockAssociationSet,
    IReadOnlyList<Tag> Tags)
{
    /// <summary>
    /// The Amazon-provided DNS server (the Route 53 Resolver): the primary IPv4 CIDR block's base + 2, what nodes'
    /// resolv.conf, and so CoreDNS's forward, name; a secondary CIDR block has none (Amazon VPC user guide, "DNS
    /// attributes for your VPC"). A method, not a property: the record is what describe-vpcs prints.
    /// </summary>
    public System.Net.IPAddress AmazonProvidedDnsServer() => Podnet.Net.CidrBlock.Parse(CidrBlock).AddressAt(2);

    /// <summary>
    /// The VPC's IPv6 block, when it has one: the Amazon-provided /56 (<c>--amazon-provided-ipv6-cidr-block</c>);
    /// describe-vpcs prints <c>Ipv6CidrBlockAssociationSet</c> only for a VPC that has one.
    /// </summary>
    public IReadOnlyList<VpcIpv6CidrBlockAssociation> Ipv6CidrBlockAssociationSet { get; init; } = [];
}

public sealed record VpcCidrBlockAssociation(string AssociationId, string CidrBlock, VpcCidrBlockState CidrBlockState);

public sealed record VpcCidrBlockState(string State, string? StatusMessage = null);

/// <summary>
/// A VPC's IPv6 block in the shape describe-vpcs prints (botocore <c>VpcIpv6CidrBlockAssociation</c>): the /56, its
/// association (<c>vpc-cidr-assoc-…</c>), state, network border group (the region) and pool (<c>Amazon</c>).
/// </summary>
public sealed record VpcIpv6CidrBlockAssociation(
    string AssociationId,
    string Ipv6CidrBlock,
    VpcCidrBlockState Ipv6CidrBlockState,
    string NetworkBorderGroup,
    string Ipv6Pool);

/// <summary>
/// CreateVpc's arguments. <see cref="VpcId"/>, <see cref="MainRouteTableId"/> and
/// <see cref="MainRouteTableAssociationId"/> are an existing VPC's own (a world's, as <c>podnet snapshot</c> read
/// them): EC2 makes the main route table with the VPC, so its IDs are given with the VPC's; each null is drawn as
/// EC2 draws it, from the VPC's identity. <see cref="AmazonProvidedIpv6CidrBlock"/> asks for an IPv6 /56 from the
/// region's Amazon pool (<see cref="AmazonIpv6Pool"/>); <see cref="Ipv6CidrBlock"/> is, like the IDs, the block an
/// existing VPC holds (a world's), given with it; null draws one.
/// </summary>
public sealed record CreateVpcRequest(
    string CidrBlock,
    IReadOnlyList<Tag>? Tags = null,
    string InstanceTenancy = "default",
    string? VpcId = null,
    string? MainRouteTableId = null,
    string? MainRouteTableAssociationId = null,
    bool AmazonProvidedIpv6CidrBlock = false,
    string? Ipv6CidrBlock = null);
