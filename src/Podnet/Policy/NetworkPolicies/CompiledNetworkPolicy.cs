using Podnet.Kube.Selectors;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// A NetworkPolicy, compiled once: its pod selector parsed, <c>policyTypes</c> defaulted (Ingress, plus Egress when
/// the policy has egress rules), its rules with their peers and ports. A policy whose pod selector is invalid
/// selects no pod.
/// </summary>
public sealed record CompiledNetworkPolicy(
    string Namespace,
    string Name,
    LabelSelector PodSelector,
    bool IsolatesIngress,
    bool IsolatesEgress,
    IReadOnlyList<NetworkPolicyRule> IngressRules,
    IReadOnlyList<NetworkPolicyRule> EgressRules)
{
    /// <summary><c>namespace/name</c>.</summary>
    public string FullName => $"{Namespace}/{Name}";

    /// <summary>True when the policy applies to <paramref name="pod"/>: same namespace and the pod selector matches.</summary>
    public bool Selects(PolicyPeer pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.IsPod && string.Equals(pod.Namespace, Namespace, StringComparison.Ordinal) && PodSelector.Matches(pod.Labels);
    }

    public bool Isolates(PolicyDirection direction) => direction == PolicyDirection.Ingress ? IsolatesIngress : IsolatesEgress;

    public IReadOnlyList<NetworkPolicyRule> Rules(PolicyDirection direction) => direction == PolicyDirection.Ingress ? IngressRules : EgressRules;

    public override string ToString() => FullName;
}
