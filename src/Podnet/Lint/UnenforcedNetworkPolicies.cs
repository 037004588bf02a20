using Podnet.Policy;
using Podnet.Kube.Views;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Lint;

/// <summary>
/// NetworkPolicies that look like protection and deny nothing: in a cluster where nothing enforces them, or for the
/// pods they select on Fargate or Windows nodes, where neither the VPC CNI's network policy agent nor calico-node runs
/// (the EKS user guide: the policies apply "to Amazon EC2 Linux nodes only"). Which pods are not filtered is reach's
/// own answer (<see cref="Policy.Reachability.NetworkPolicyPeer"/>, whose <see cref="PolicyPeer.NotEnforced"/> carries the reason), so lint and reach agree.
/// </summary>
public sealed class UnenforcedNetworkPolicies : ILintCheck
{
    public const string Id = "networkpolicy-not-enforced";

    /// <summary>How many pods a finding names before "and N more".</summary>
    private const int NamedPods = 3;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policies = context.NetworkPolicies;
        if (policies.Count == 0)
        {
            yield break;
        }

        if (context.Enforcer is null)
        {
            var names = policies.Select(p => $"{p.Namespace}/{p.Name}").Order(StringComparer.Ordinal).ToList();
            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                "ConfigMap kube-system/amazon-vpc-cni",
                $"{names.Count} NetworkPolicies ({Listed(names)}) are not enforced: enable-network-policy-controller is not \"true\" and Calico is not installed, so every connection they would deny is allowed",
                "turn on the VPC CNI's network policy: `aws eks update-addon --cluster-name CLUSTER --addon-name vpc-cni --configuration-values '{\"enableNetworkPolicy\": \"true\"}'` (in a world: the Addon vpc-cni's spec.ConfigurationValues.enableNetworkPolicy: \"true\"), or install Calico");
            yield break;
        }

        // The pods the enforcer does not reach, as reach's NetworkPolicy step sees them (the peer carries the reason).
        var unfiltered = new List<(PolicyPeer Peer, bool Fargate)>();
        foreach (var pod in context.Pods.Where(p => p.NodeName is not null && !p.HostNetwork))
        {
            if (context.Reachability.ResolveEndpoint($"{pod.Namespace}/{pod.Name}") is { Node: { } node } endpoint
                && context.Reachability.NetworkPolicyPeer(endpoint) is { NotEnforced: not null } peer)
            {
                unfiltered.Add((peer, new NodeView(node).IsFargate));
            }
        }

        if (unfiltered.Count == 0)
        {
            yield break;
        }

        foreach (var policy in new NetworkPolicyEngine(policies).Policies.OrderBy(p => p.FullName, StringComparer.Ordinal))
        {
            var selected = unfiltered.Where(u => policy.Selects(u.Peer)).ToList();
            if (selected.Count == 0)
            {
                continue;
            }

            var fix = selected.Exists(s => s.Fargate)
                ? "to restrict pods on Fargate, use security groups: a SecurityGroupPolicy selecting them gives their interface its groups (else they have the cluster security group); or run them on EC2 Linux nodes (a Fargate profile's selectors decide which pods go to Fargate)"
                : "a Windows pod has its node's security groups (security groups for pods are not available on Windows): restrict it with the node group's groups, or run it on EC2 Linux nodes"
                  + (context.Reachability.Enforcer is NetworkPolicyEnforcer.Calico ? $"; or install Calico for Windows (the Tigera operator's Windows dataplane, a {NetworkPolicyEnforcer.CalicoNodeWindows} DaemonSet), whose Felix filters Windows pods by NetworkPolicy" : string.Empty);
            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                $"NetworkPolicy {policy.FullName}",
                $"it selects {selected.Count} pod{(selected.Count == 1 ? string.Empty : "s")} that no NetworkPolicy filters ({Listed([.. selected.Select(s => s.Peer.ToString())])}): {selected[0].Peer.NotEnforced}; what it would deny is allowed",
                fix);
        }
    }

    private static string Listed(IReadOnlyList<string> names)
        => string.Join(", ", names.Take(NamedPods)) + (names.Count > NamedPods ? $" and {names.Count - NamedPods} more" : string.Empty);
}
