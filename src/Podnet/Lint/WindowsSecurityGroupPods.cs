using Podnet.ResourceController;

namespace Podnet.Lint;

/// <summary>
/// Pods for Windows nodes that a SecurityGroupPolicy selects: security groups for pods are not available on Windows
/// (seed 000: "Sicherheitsgruppen für pods können nicht mit Windows-Knoten verwendet werden"). The resource controller's
/// webhook leaves a pod with a Windows node selector alone (<c>HandleWindowsPod</c> in
/// <c>webhooks/core/pod_webhook.go</c> adds only Windows IPAM's <c>vpc.amazonaws.com/PrivateIPv4Address</c>), and its
/// branch provider attaches no trunk to a Windows node (<c>branchENIProvider.IsInstanceSupported</c> in
/// <c>pkg/provider/branch/provider.go</c>: not linux, not supported, without even an event). So the pod runs with
/// its node's groups, not the policy's.
/// </summary>
public sealed class WindowsSecurityGroupPods : ILintCheck
{
    public const string Id = "security-group-pod-on-windows";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SecurityGroupPolicies.Count == 0)
        {
            yield break;
        }

        var matcher = new SecurityGroupPolicyMatcher(context.Store);
        var sets = context.Pods.Where(p => !p.HostNetwork && PodMutatingWebhook.IsWindows(p.Object))
            .Select(p => (Pod: p, Match: matcher.Match(p.Object)))
            .Where(m => m.Match.GroupIds.Count > 0)
            .GroupBy(m => (m.Pod.Namespace, Groups: string.Join(", ", m.Match.GroupIds)))
            .OrderBy(g => g.Key.Namespace, StringComparer.Ordinal).ThenBy(g => g.Key.Groups, StringComparer.Ordinal);
        foreach (var set in sets)
        {
            var pods = set.Select(m => m.Pod).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var display = pods.Count == 1 ? $"Pod {set.Key.Namespace}/{pods[0].Name}" : $"Pod {set.Key.Namespace}/{pods[0].Name} (and {pods.Count - 1} more with the same groups)";
            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                display,
                $"is selected by a SecurityGroupPolicy ({set.Key.Groups}) but runs on Windows nodes (node selector kubernetes.io/os=windows), where security groups for pods are not available: the resource controller's webhook gives Windows pods no vpc.amazonaws.com/pod-eni and attaches no trunk to Windows nodes, so the pod has its node's security groups",
                "run it on Amazon Linux nodes of a trunking-compatible type (seed 000: security groups for pods cannot be used with Windows nodes), or give the Windows nodes' own security group the rules it needs");
        }
    }
}
