namespace Podnet.Aws.Ec2;

/// <summary>
/// A security group in the shape <c>aws ec2 describe-security-groups</c> prints. Its permissions are derived from
/// its rules (<see cref="SecurityGroupRule"/>), which are what EC2 stores.
/// </summary>
public sealed record SecurityGroup(
    string GroupId,
    string GroupName,
    string Description,
    string VpcId,
    string OwnerId,
    string SecurityGroupArn,
    IReadOnlyList<IpPermission> IpPermissions,
    IReadOnlyList<IpPermission> IpPermissionsEgress,
    IReadOnlyList<Tag> Tags);

public sealed record CreateSecurityGroupRequest(
    string GroupName,
    string Description,
    string VpcId,
    IReadOnlyList<Tag>? Tags = null,
    string? GroupId = null);

/// <summary>Revoke either by rule IDs or by permissions, as EC2 allows.</summary>
public sealed record RevokeSecurityGroupRequest(
    string GroupId,
    IReadOnlyList<IpPermission>? IpPermissions = null,
    IReadOnlyList<string>? SecurityGroupRuleIds = null);

/// <summary>What a revoke answers: the rules that went, and the permissions that matched nothing.</summary>
public sealed record RevokeSecurityGroupResult(
    IReadOnlyList<SecurityGroupRule> RevokedSecurityGroupRules,
    IReadOnlyList<IpPermission> UnknownIpPermissions);

/// <summary>A reference to a security group as interfaces and instances list them.</summary>
public sealed record GroupIdentifier(string GroupId, string GroupName);
