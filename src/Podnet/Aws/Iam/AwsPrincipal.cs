namespace Podnet.Aws.Iam;

/// <summary>
/// Who makes a call: the account's administrator (allowed everything, like the user running the aws CLI), an AWS
/// service acting for itself (EKS creating the cluster security group), or a role (a cluster or node role).
/// </summary>
public sealed record AwsPrincipal(string Arn, string? RoleName)
{
    public bool IsRole => RoleName is not null;

    public static AwsPrincipal Administrator(string accountId) => new($"arn:aws:iam::{accountId}:user/podnet-admin", null);

    public static AwsPrincipal Service(string service) => new($"arn:aws:iam::aws:service/{service}", null);

    /// <summary>A session of an assumed role, as STS names it in error messages.</summary>
    public static AwsPrincipal AssumedRole(string accountId, string roleName, string sessionName)
        => new($"arn:aws:sts::{accountId}:assumed-role/{roleName}/{sessionName}", roleName);
}
