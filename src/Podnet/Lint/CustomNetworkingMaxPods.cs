using Podnet.Aws.InstanceTypes;
using Podnet.Cni;

namespace Podnet.Lint;

/// <summary>
/// With custom networking the primary interface carries no pods, so a node fits fewer pods than the max-pods table
/// says; a node still set to the table's value lets the scheduler place pods that never get an address.
/// </summary>
public sealed class CustomNetworkingMaxPods : ILintCheck
{
    public const string Id = "custom-networking-max-pods";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Settings is not { CustomNetwork: true, PrefixDelegation: false } settings)
        {
            yield break;
        }

        var version = settings.CniVersion.ToString(3);
        var groups = context.Nodes
            .Select(n => (Node: n, Type: LintContext.InstanceType(n), MaxPods: (int)n.Capacity.GetValueOrDefault("pods", 0)))
            .Where(n => n.Type is not null)
            .GroupBy(n => (Group: n.Node.Object.Labels.GetValueOrDefault("eks.amazonaws.com/nodegroup"), n.Type!.InstanceType, n.MaxPods));
        foreach (var group in groups.OrderBy(g => g.First().Node.Name, StringComparer.Ordinal))
        {
            var (nodegroup, type, maxPods) = group.Key;
            var options = new MaxPodsOptions(type, version) { CustomNetworking = true, MaxEni = settings.MaxEni };
            if (!MaxPodsCalculator.TryCalculate(options, InstanceTypeCatalog.Default, out var fits, out _) || maxPods <= fits.MaxPods)
            {
                continue;
            }

            var first = group.First().Node.Name;
            var count = group.Count();
            var obj = nodegroup is null ? $"Node {first}" : $"Nodegroup {nodegroup}";
            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                obj,
                $"{(count == 1 ? $"node {first} ({type}) allows" : $"{count} {type} nodes ({first}, …) allow")} {maxPods} pods, but with custom networking the primary interface takes none: {fits.MaxPods} fit (max-pods-calculator.sh --instance-type {type} --cni-version {version} --cni-custom-networking-enabled); pods beyond that stay ContainerCreating without an address",
                $"set max pods to {fits.MaxPods} for these nodes (a world's NodeGroup spec.MaxPods: {fits.MaxPods}; eksctl maxPodsPerNode; kubelet --max-pods={fits.MaxPods})");
        }
    }
}
