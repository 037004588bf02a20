using Podnet.Kube.Selectors;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// One entry of a rule's <c>from</c>/<c>to</c> (NetworkPolicyPeer), compiled: a podSelector alone (pods of the
/// policy's namespace), a namespaceSelector alone (every pod of the selected namespaces), both (pods matching both),
/// or an ipBlock (any endpoint whose IP it contains, pods included; a pod without an IP never matches).
/// A peer that failed to compile matches nothing.
/// </summary>
public sealed record NetworkPolicyPeer
{
    internal NetworkPolicyPeer(string policyNamespace, LabelSelector? podSelector, LabelSelector? namespaceSelector, PolicyIpBlock? ipBlock, bool valid, string description)
    {
        PolicyNamespace = policyNamespace;
        PodSelector = podSelector;
        NamespaceSelector = namespaceSelector;
        IpBlock = ipBlock;
        IsValid = valid;
        Description = description;
    }

    /// <summary>The namespace of the policy, where a podSelector alone looks.</summary>
    public string PolicyNamespace { get; }

    public LabelSelector? PodSelector { get; }

    public LabelSelector? NamespaceSelector { get; }

    public PolicyIpBlock? IpBlock { get; }

    /// <summary>False when the peer could not be compiled (see the engine's problems); it then matches nothing.</summary>
    public bool IsValid { get; }

    /// <summary>The peer as written, e.g. <c>namespaceSelector {team: a} and podSelector {app: web}</c>.</summary>
    public string Description { get; }

    public bool Matches(PolicyPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!IsValid)
        {
            return false;
        }

        if (IpBlock is not null)
        {
            return peer.IP is not null && IpBlock.Contains(peer.IP);
        }

        if (!peer.IsPod)
        {
            return false;
        }

        var inNamespace = NamespaceSelector is null
            ? string.Equals(peer.Namespace, PolicyNamespace, StringComparison.Ordinal)
            : NamespaceSelector.Matches(peer.NamespaceLabels);
        return inNamespace && (PodSelector is null || PodSelector.Matches(peer.Labels));
    }

    public override string ToString() => Description;
}
