using System.Text.Json.Nodes;
using Podnet.ResourceController;

namespace Podnet.Lint;

/// <summary>
/// Security group IDs that EC2 will refuse when the interface is created: nothing checks them earlier (the
/// SecurityGroupPolicy CRD has no pattern and no webhook), so the pod sits in ContainerCreating with
/// BranchAllocationFailed, or ipamd cannot create the ENIConfig's interfaces. Also more groups per interface than
/// the account's quota.
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
                        "ipamd cannot create interfaces for the nodes that use it, and their pods get no address");
                }
            }
        }

        var limit = cloud.Options.SecurityGroupsPerNetworkInterface;
        foreach (var set in context.SecurityGroupPods.Where(s => s.Groups.Count > limit))
        {
            yield return new LintFinding(
                LintSeverity.Error,
                TooManyId,
                set.Display,
                $"its SecurityGroupPolicies give it {set.Groups.Count} security groups ({string.Join(", ", set.Groups)}), more than the {limit} an interface may have: CreateNetworkInterface fails with \"exceeded limit {limit} on the number of interface security group memberships\" and the pod stays ContainerCreating",
                $"merge rules into at most {limit} groups, or raise the \"Security groups per network interface\" quota (at most 16)");
        }
    }

    private static LintFinding NotFound(string obj, string field, string id, string consequence)
        => new(LintSeverity.Error, NotFoundId, obj, $"{field}: the security group '{id}' does not exist (InvalidGroup.NotFound): {consequence}",
            "use the ID of an existing group in the cluster's VPC (aws ec2 describe-security-groups)");
}
