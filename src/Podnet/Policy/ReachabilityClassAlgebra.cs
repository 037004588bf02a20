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
    /// <item>NetworkPolicy, when enforced: the source's egress set ∩ the destinations whose ingress set holds the
    /// source — except, under Calico, pairs with a pod with security groups in strict mode, which Calico does not
    /// govern;</item>
    /// <item>security groups, in a world with AWS: the source interface's egress set ∩ the destinations whose
    /// interface's ingress set holds the source — or any pod of the same node when neither end is a strict-mode
    /// branch pod (the traffic stays on the node).</item>
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

        NetworkPolicyClassSets? policies = null;
        ClassSet[]? policyIngress = null;
        if (Enforcer is not null)
        {
            var decider = (EngineDecider)NetworkPolicies;
            policies = NetworkPolicyClassSets.Compute(decider.Engine, [.. representatives.Select(decider.Peer)], spec.Protocol, spec.Port);
            policyIngress = Transpose(policies.Ingress);
        }

        SecurityGroupClassSets? groups = null;
        ClassSet[]? groupIngress = null;
        if (_groups is not null)
        {
            groups = SecurityGroupClassSets.Compute(_groups, [.. representatives.Select(r => Network(r).Side)], spec.Protocol, spec.Port);
            groupIngress = Transpose(groups.Ingress);
        }

        var calico = Enforcer == NetworkPolicyEnforcer.Calico;
        var rows = new ClassSet[count];
        for (var s = 0; s < count; s++)
        {
            var row = all.Copy();
            if (policies is not null && !(calico && strict.Contains(s)))
            {
                if (policies.Egress[s] is { } egress)
                {
                    row.IntersectWith(egress);
                }

                row.IntersectWith(policyIngress![s]);
                if (calico)
                {
                    // Calico leaves a pair with a strict-mode branch pod to the security groups (seed 000).
                    row.UnionWith(strict);
                }
            }

            if (groups is not null)
            {
                var path = groups.Egress[s]?.Copy() ?? all.Copy();
                path.IntersectWith(groupIngress![s]);
                if (!strict.Contains(s) && nodes[s] is { } node)
                {
                    // Same node, neither end strict: no VPC interface is crossed.
                    var sameNode = onNode[node].Copy();
                    sameNode.ExceptWith(strict);
                    path.UnionWith(sameNode);
                }

                row.IntersectWith(path);
            }

            rows[s] = row;
            progress?.Invoke(s + 1, count);
        }

        return rows;
    }

    /// <summary>
    /// From per-destination sets of allowed sources (null: every source) to per-source sets of the destinations that
    /// let it in: the ingress half of a verdict, turned to read by rows.
    /// </summary>
    private static ClassSet[] Transpose(ClassSet?[] bySource)
    {
        var count = bySource.Length;
        var open = new ClassSet(count);
        for (var d = 0; d < count; d++)
        {
            if (bySource[d] is null)
            {
                open.Add(d);
            }
        }

        var rows = new ClassSet[count];
        for (var s = 0; s < count; s++)
        {
            rows[s] = open.Copy();
        }

        for (var d = 0; d < count; d++)
        {
            if (bySource[d] is { } sources)
            {
                foreach (var s in sources)
                {
                    rows[s].Add(d);
                }
            }
        }

        return rows;
    }
}
