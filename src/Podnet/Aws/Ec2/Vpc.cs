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
    IReadOnlyList<Tag> Tags);

public sealed record VpcCidrBlockAssociation(string AssociationId, string CidrBlock, VpcCidrBlockState CidrBlockState);

public sealed record VpcCidrBlockState(string State, string? StatusMessage = null);

public sealed record CreateVpcRequest(string CidrBlock, IReadOnlyList<Tag>? Tags = null, string InstanceTenancy = "default", string? VpcId = null);
