namespace Podnet.Aws.Iam;

/// <summary>
/// An IAM role in the shape <c>aws iam get-role</c> prints, with its attached managed policies and the trust policy
/// (<c>AssumeRolePolicyDocument</c>, the JSON text as given) it was created with.
/// </summary>
public sealed record Role(
    string RoleName,
    string RoleId,
    string Arn,
    string Path,
    DateTimeOffset CreateDate,
    IReadOnlyList<AttachedPolicy> AttachedPolicies,
    string? AssumeRolePolicyDocument = null);

public sealed record AttachedPolicy(string PolicyName, string PolicyArn);
