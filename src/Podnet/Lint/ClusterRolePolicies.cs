using Podnet.Aws.Iam;
using Podnet.ResourceController;

namespace Podnet.Lint;

/// <summary>
/// Security groups for pods without AmazonEKSVPCResourceController on the cluster role (seed 000's first step):
/// the VPC resource controller acts as that role for the interface calls (<c>userServiceClient</c> in
/// pkg/aws/ec2/api/wrapper.go of aws/amazon-vpc-resource-controller-k8s), so it can create neither trunk nor branch
/// interfaces. Decided by what the role may do, as EC2 decides it, not by the policy's name.
/// </summary>
public sealed class ClusterRolePolicies : ILintCheck
{
    public const string Id = "cluster-role-without-vpc-resource-controller-policy";

    /// <summary>The calls the controller makes as the cluster role to create and attach trunks and branches.</summary>
    private static readonly string[] InterfaceActions =
        ["ec2:CreateNetworkInterface", "ec2:AttachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:DeleteNetworkInterface"];

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.UsesSecurityGroupsForPods || context.World.Cloud is not { } cloud || context.World.Cluster is not { } cluster
            || cloud.Iam.RoleNameOf(cluster.RoleArn) is not { } roleName)
        {
            yield break;
        }

        var session = AwsPrincipal.AssumedRole(cloud.Options.AccountId, roleName, VpcResourceController.Component);
        var denied = InterfaceActions.Where(a => !cloud.Iam.IsAllowed(session, a)).ToList();
        if (denied.Count == 0)
        {
            yield break;
        }

        var policy = ManagedPolicy.AmazonEKSVPCResourceController;
        yield return new LintFinding(
            LintSeverity.Error,
            Id,
            $"Role {roleName}",
            $"the cluster {cluster.Name}'s role has no {policy.PolicyName} policy ({string.Join(", ", denied)} denied), so the VPC resource controller cannot create trunk or branch interfaces: "
            + "nodes get Warning TrunkENICreationFailed and no vpc.amazonaws.com/pod-eni capacity (pods with security groups stay Pending), "
            + $"and pods on a node with a trunk stay ContainerCreating with \"{VpcResourceController.InsufficientPermissions}\"",
            $"`aws iam attach-role-policy --policy-arn {policy.Arn} --role-name {roleName}` (in a world: add {policy.PolicyName} to the Role's ManagedPolicies)");
    }
}
