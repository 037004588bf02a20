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
}

public sealed record VpcCidrBlockAssociation(string AssociationId, string CidrBlock, VpcCidrBlockState CidrBlockState);

public sealed record VpcCidrBlockState(string State, string? StatusMessage = null);

public sealed record CreateVpcRequest(string CidrBlock, IReadOnlyList<Tag>? Tags = null, string InstanceTenancy = "default", string? VpcId = null);
