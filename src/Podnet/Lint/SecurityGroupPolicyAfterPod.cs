using Podnet.ResourceController;

namespace Podnet.Lint;

/// <summary>
/// Seed 000's "policies apply to newly scheduled pods only": a pod that was already running when a
/// SecurityGroupPolicy came to match it never got the webhook's <c>vpc.amazonaws.com/pod-eni</c> request (the
/// webhook mutates on CREATE only), so it has no branch interface and keeps the groups of the interface that holds
/// its address — which is how <c>reach</c> judges it — until it is re-created.
/// </summary>
public sealed class SecurityGroupPolicyAfterPod : ILintCheck
{
    public const string Id = "security-group-policy-after-pod";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SecurityGroupPolicies.Count == 0 || context.World.Cluster is null)
        {
            yield break;
        }

        var matcher = new SecurityGroupPolicyMatcher(context.Store);
        foreach (var pod in context.Pods.Where(context.PredatesSecurityGroupPolicies).OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            var match = matcher.Match(pod.Object);
            if (match.GroupIds.Count == 0)
            {
                continue;
            }

            var address = pod.PodAddress!;
            var held = context.Reachability.InterfaceHolding(address) is { } eni
                ? $"keeps the groups of the interface that holds {address}, {eni.NetworkInterfaceId} ({string.Join(", ", eni.Groups.Select(g => context.Describe(g.GroupId)))})"
                : $"no network interface holds its address {address}, so no security group applies to it";
            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                $"Pod {pod.Namespace}/{pod.Name}",
                $"matches a SecurityGroupPolicy ({string.Join(", ", match.GroupIds.Select(context.Describe))}) but was running before it: the webhook adds {ResourceControllerNames.PodEni} on CREATE only, so the pod has no branch interface and {held}",
                "re-create the pod (`kubectl delete pod`, or `kubectl rollout restart` of its Deployment) so that it gets a branch interface with the policy's groups");
        }
    }
}
