using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.ResourceController;

namespace Podnet.Lint;

/// <summary>
/// Security group IDs that EC2 will refuse when the interface is created: nothing checks them earlier (the
/// SecurityGroupPolicy CRD has no pattern and no webhook), so the pod sits in ContainerCreating with
/// BranchAllocationFailed, or ipamd cannot create the ENIConfig's interfaces. Also more groups per interface than
/// the account's quota. The error named is the one EC2 returns for the call that fails: both paths call
/// CreateNetworkInterface (the resource controller for a branch, ipamd for an ENIConfig's interface), which names a
/// missing group <c>InvalidSecurityGroupID.NotFound</c>.
/// </summary>
public sealed class SecurityGroupReferences : ILintCheck
{
    public const string NotFoundId = "security-group-not-found";
    public const string TooManyId = "too-many-security-groups";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cloud is not { } cloud)
        {
            yield break;
        }

        foreach (var policy in context.SecurityGroupPolicies)
        {
            var ids = SecurityGroupPolicyMatcher.GroupIds(policy);
            for (var i = 0; i < ids.Count; i++)
            {
                if (!context.SecurityGroups.ContainsKey(ids[i]))
                {
                    yield return NotFound($"SecurityGroupPolicy {policy.Namespace}/{policy.Name}", $"spec.securityGroups.groupIds[{i}]", ids[i],
                        "the pods it selects stay ContainerCreating: the resource controller's CreateNetworkInterface fails (Warning BranchAllocationFailed)");
                }
            }
        }

        foreach (var eniConfig in context.EniConfigs)
        {
            var groups = eniConfig.ToJson()["spec"]?["securityGroups"] as JsonArray ?? [];
            for (var i = 0; i < groups.Count; i++)
            {
                if (groups[i]?.GetValue<string>() is { } id && !context.SecurityGroups.ContainsKey(id))
                {
                    yield return NotFound($"ENIConfig {eniConfig.Name}", $"spec.securityGroups[{i}]", id,
                        "the nodes that use it get no interfaces for pods, and their pods no address: ipamd's CreateNetworkInterface fails");
                }
            }
        }

        var limit = cloud.Options.SecurityGroupsPerNetworkInterface;
        var tooMany = Ec2Errors.InterfaceSecurityGroupLimit(cloud.Options.AccountId, limit);
        foreach (var set in context.SecurityGroupPods.Where(s => s.Groups.Count > limit))
        {
            yield return new LintFinding(
                LintSeverity.Error,
                TooManyId,
                set.Display,
                $"its SecurityGroupPolicies give it {set.Groups.Count} security groups ({string.Join(", ", set.Groups)}), more than the {limit} an interface may have: CreateNetworkInterface fails with {tooMany.Code}: {tooMany.Message} and the pod stays ContainerCreating",
                $"merge rules into at most {limit} groups, or raise the \"Security groups per network interface\" quota (at most 16)");
        }
    }

    private static LintFinding NotFound(string obj, string field, string id, string consequence)
    {
        var error = Ec2Errors.SecurityGroupIdNotFound(id);
        return new(LintSeverity.Error, NotFoundId, obj, $"{field}: the security group '{id}' does not exist: {consequence} with {error.Code}: {error.Message}",
            "use the ID of an existing group in the cluster's VPC (aws ec2 describe-security-groups)");
    }
}
