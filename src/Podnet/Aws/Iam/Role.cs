namespace Podnet.Aws.Iam;

/// <summary>An IAM role in the shape <c>aws iam get-role</c> prints, with its attached managed policies.</summary>
public sealed record Role(
    string RoleName,
    string RoleId,
    string Arn,
    string Path,
    DateTimeOffset CreateDate,
    IReadOnlyList<AttachedPolicy> AttachedPolicies);

public sealed record AttachedPolicy(string PolicyName, string PolicyArn);
