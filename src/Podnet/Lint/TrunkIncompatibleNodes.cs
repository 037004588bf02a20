using Podnet.Aws.InstanceTypes;
using Podnet.Kube.Views;

namespace Podnet.Lint;

/// <summary>
/// Pods with security groups need a node with a trunk interface; the t family (and every type not marked
/// IsTrunkingCompatible) has none, so pods held to such nodes stay Pending on vpc.amazonaws.com/pod-eni.
/// </summary>
public sealed class TrunkIncompatibleNodes : ILintCheck
{
    public const string Id = "security-group-pod-on-non-trunk-node";
    private const string InstanceTypeLabel = "node.kubernetes.io/instance-type";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var set in context.SecurityGroupPods)
        {
            var pod = set.Pods[0];
            var types = CandidateTypes(pod, context).ToList();
            if (types.Count == 0 || types.Any(t => t.IsTrunkingCompatible == true))
            {
                continue;
            }

            var names = string.Join(", ", types.Select(t => t.InstanceType).Distinct().Order(StringComparer.Ordinal));
            yield return new LintFinding(
                LintSeverity.Error,
                Id,
                set.Display,
                $"gets security groups but can only run on {names}, which is not trunking-compatible (IsTrunkingCompatible is not true): no branch interface can be attached, and the pod stays Pending (Insufficient vpc.amazonaws.com/pod-eni)",
                "run it on a supported Nitro type (m5, c5, r5, m6g, c6g, r6g and others; no t family type is supported): change the node selector, or add such nodes");
        }
    }

    /// <summary>The instance types the pod can land on: its node, the type its node selector names, or the nodes its selector matches.</summary>
    private static IEnumerable<InstanceTypeInfo> CandidateTypes(PodView pod, LintContext context)
    {
        if (pod.NodeName is { } nodeName)
        {
            return context.Nodes.Where(n => n.Name == nodeName).Select(LintContext.InstanceType).OfType<InstanceTypeInfo>();
        }

        if (pod.NodeSelector.TryGetValue(InstanceTypeLabel, out var typeName) && InstanceTypeCatalog.Default.Find(typeName) is { } named)
        {
            return [named];
        }

        return context.Nodes
            .Where(n => pod.NodeSelector.All(s => n.Object.Labels.GetValueOrDefault(s.Key) == s.Value))
            .Select(LintContext.InstanceType)
            .OfType<InstanceTypeInfo>();
    }
}
