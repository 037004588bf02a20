using System.Xml.Linq;
using Podnet.Aws;
using Podnet.Aws.Iam;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// IAM over the query protocol (<c>Version=2010-05-08</c>): roles and their attached managed policies, on
/// <see cref="IamBackend"/>, under the served cluster's gate (a policy attached to the cluster role changes what
/// the VPC resource controller may do). Shapes as botocore data/iam/2010-05-08/service-2.json names them
/// (IAM API Reference: CreateRole, GetRole, DeleteRole, ListRoles, AttachRolePolicy, DetachRolePolicy,
/// ListAttachedRolePolicies).
/// </summary>
public sealed class IamApi
{
    /// <summary>The API version IAM requests carry.</summary>
    public const string ApiVersion = "2010-05-08";

    private readonly ServedCluster _cluster;

    /// <summary>IAM of <paramref name="cluster"/>'s world.</summary>
    public IamApi(ServedCluster cluster)
    {
        _cluster = cluster;
    }

    /// <summary>The actions served.</summary>
    public static IReadOnlyList<string> Actions { get; } = ["CreateRole", "GetRole", "DeleteRole", "ListRoles", "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies"];

    /// <summary>Runs <paramref name="action"/>; returns the members of its <c>…Result</c>, or null for an action without output.</summary>
    /// <exception cref="AwsException">IAM's error (<c>NoSuchEntity</c>, <c>EntityAlreadyExists</c>, <c>DeleteConflict</c>, <c>ValidationError</c>, <c>InvalidAction</c>).</exception>
    public IReadOnlyList<XElement?>? Handle(string action, QueryRequest query)
    {
        var iam = (_cluster.World.Cloud ?? throw new AwsException("UnsupportedOperation", "This world has no AWS account (a policy-only world): IAM is not served.")).Iam;
        return action switch
        {
            "CreateRole" => _cluster.Write<IReadOnlyList<XElement?>?>(() => [Structure("Role", Role(iam.CreateRole(Required(query, "RoleName"), Required(query, "AssumeRolePolicyDocument"))))]),
            "GetRole" => _cluster.Read<IReadOnlyList<XElement?>?>(() => [Structure("Role", Role(iam.GetRole(Required(query, "RoleName"))))]),
            "ListRoles" => _cluster.Read<IReadOnlyList<XElement?>?>(() => [Members("Roles", iam.ListRoles(), Role), Bool("IsTruncated", false)]),
            "DeleteRole" => _cluster.Write<IReadOnlyList<XElement?>?>(() =>
            {
                iam.DeleteRole(Required(query, "RoleName"));
                return null;
            }),
            "AttachRolePolicy" => _cluster.Write<IReadOnlyList<XElement?>?>(() =>
            {
                iam.AttachRolePolicy(Required(query, "RoleName"), Required(query, "PolicyArn"));
                return null;
            }),
            "DetachRolePolicy" => _cluster.Write<IReadOnlyList<XElement?>?>(() =>
            {
                iam.DetachRolePolicy(Required(query, "RoleName"), Required(query, "PolicyArn"));
                return null;
            }),
            "ListAttachedRolePolicies" => _cluster.Read<IReadOnlyList<XElement?>?>(() =>
            [
                Members("AttachedPolicies", iam.GetRole(Required(query, "RoleName")).AttachedPolicies, p => [Text("PolicyName", p.PolicyName), Text("PolicyArn", p.PolicyArn)]),
                Bool("IsTruncated", false),
            ]),
            _ => throw new AwsException("InvalidAction", $"Could not find operation {action} for version {ApiVersion}"),
        };
    }

    /// <summary>
    /// A <c>Role</c>: the trust policy goes URL-encoded, as IAM sends it (the CLI decodes it back into JSON).
    /// </summary>
    public static object?[] Role(Role role) =>
    [
        Text("Path", role.Path),
        Text("RoleName", role.RoleName),
        Text("RoleId", role.RoleId),
        Text("Arn", role.Arn),
        Timestamp("CreateDate", role.CreateDate),
        Text("AssumeRolePolicyDocument", role.AssumeRolePolicyDocument is { } document ? Uri.EscapeDataString(document) : null),
    ];

    /// <summary>IAM's answer to a missing required parameter (its model validation).</summary>
    private static string Required(QueryRequest query, string name)
        => query.Required(name, n => new AwsException("ValidationError", $"1 validation error detected: Value null at '{char.ToLowerInvariant(n[0])}{n[1..]}' failed to satisfy constraint: Member must not be null"));
}
