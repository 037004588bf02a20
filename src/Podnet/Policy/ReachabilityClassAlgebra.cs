using Podnet.Policy.NetworkPolicies;
using Podnet.Policy.SecurityGroups;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    /// <summary>
    /// The verdicts between classes of matrix pods (see <see cref="MatrixPods"/> and <see cref="DecisionKeys"/>), one
    /// representative each, as sets: row <c>s</c> holds the classes <c>d</c> for which <see cref="IsAllowed"/> from
    /// the representative of <c>s</c> to that of <c>d</c> is true. <see cref="Flow"/>'s steps for two pods, combined
    /// per direction:
    /// <list type="bullet">
    /// <item>NetworkPolicy, when enforced: the source's egress set ∩ the destinations whose ingress lets the source
    /// in — except, under Calico, pairs with a pod with security groups in strict mode, which Calico does not
    /// govern;</item>
    /// <item>security groups, in a world with AWS: the source interface's egress set ∩ the destinations whose
    /// interface's groups let it in — or any pod of the same node when neither end is a strict-mode branch pod (the
    /// traffic stays on the node).</item>
    /// </list>
    /// <paramref name="progress"/> is called with (rows done, classes) as rows are combined.
    /// </summary>
    internal ClassSet[] AllowedClasses(IReadOnlyList<Endpoint> representatives, PortSpec spec, Action<int, int>? progress = null)
    {
        var count = representatives.Count;
        var all = ClassSet.All(count);
        var strict = new ClassSet(count);
        var nodes = new string?[count];
        var onNode = new Dictionary<string, ClassSet>(StringComparer.Ordinal);
        for (var c = 0; c < count; c++)
        {
            var pod = representatives[c];
            if (PodNetworkOf(pod)?.IsStrictBranch == true)
            {
                strict.Add(c);
            }

            if (pod.Node?.Name is { } node)
            {
                nodes[c] = node;
                if (!onNode.TryGetValue(node, out var set))
                {
                    onNode.Add(node, set = new ClassSet(count));
                }

                set.Add(c);
            }
        }

        // NetworkPolicy: the destinations whose ingress lets the source in, less what the source's egress does not allow.
        ClassSet[] rows;
        if (Enforcer is null)
        {
            rows = new ClassSet[count];
            for (var s = 0; s < count; s++)
            {
                rows[s] = all.Copy();
            }
        }
        else
        {
            var decider = (EngineDecider)NetworkPolicies;
            var policies = NetworkPolicyClassSets.Compute(decider.Engine, [.. representatives.Select(decider.Peer)], spec.Protocol, spec.Port);
            var calico = Enforcer == NetworkPolicyEnforcer.Calico;
            rows = policies.Ingress.BySource();
            for (var s = 0; s < count; s++)
            {
                if (calico && strict.Contains(s))
                {
                    // Calico leaves a pair with a strict-mode branch pod to the security groups (seed 000).
                    rows[s] = all.Copy();
                    continue;
                }

                if (policies.Egress[s] is { } egress)
                {
                    rows[s].IntersectWith(egress);
                }

                if (calico)
                {
                    rows[s].UnionWith(strict);
                }
            }
        }

        // Security groups: likewise, or any pod of the same node when neither end is strict (no VPC interface is crossed).
        if (_groups is not null)
        {
            var groups = SecurityGroupClassSets.Compute(_groups, [.. representatives.Select(r => Network(r).Side)], spec.Protocol, spec.Port);
            var paths = groups.Ingress.BySource();
            foreach (var set in onNode.Values)
            {
                set.ExceptWith(strict);
            }

            for (var s = 0; s < count; s++)
            {
                var path = paths[s];
                if (groups.Egress[s] is { } egress)
                {
                    path.IntersectWith(egress);
                }

                if (!strict.Contains(s) && nodes[s] is { } node)
                {
                    path.UnionWith(onNode[node]);
                }

                rows[s].IntersectWith(path);
                progress?.Invoke(s + 1, count);
            }
        }
        else
        {
            progress?.Invoke(count, count);
        }

        return rows;
    }
}
