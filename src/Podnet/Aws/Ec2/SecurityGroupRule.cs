namespace Podnet.Aws.Ec2;

/// <summary>
/// One rule of a security group, in the shape <c>aws ec2 describe-security-group-rules</c> prints: exactly one
/// source or destination (IPv4 CIDR, IPv6 CIDR, prefix list or referenced group).
/// </summary>
public sealed record SecurityGroupRule(
    string SecurityGroupRuleId,
    string GroupId,
    string GroupOwnerId,
    bool IsEgress,
    string IpProtocol,
    int FromPort,
    int ToPort,
    string? CidrIpv4,
    string? CidrIpv6,
    string? PrefixListId,
    ReferencedSecurityGroup? ReferencedGroupInfo,
    string? Description,
    string SecurityGroupRuleArn,
    IReadOnlyList<Tag> Tags)
{
    /// <summary>The peer as EC2 writes it in duplicate-rule messages.</summary>
    public string Peer => CidrIpv4 ?? CidrIpv6 ?? PrefixListId ?? ReferencedGroupInfo?.GroupId ?? string.Empty;
}

public sealed record ReferencedSecurityGroup(string GroupId, string UserId, string? VpcId = null);
