namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// The rule that allowed a connection in one direction: policy <c>namespace/name</c>, the rule's index in its
/// <c>ingress</c>/<c>egress</c> list, and the peer and port entries that matched (null when the rule has no peers or
/// no ports, i.e. allows every peer or every port).
/// </summary>
public sealed record RuleMatch(string Policy, PolicyDirection Direction, int RuleIndex, NetworkPolicyPeer? Peer, PolicyPort? Port)
{
    /// <summary><c>x/allow-dns rule 0 (to: namespaceSelector {kubernetes.io/metadata.name: kube-system}, ports: UDP/53)</c>.</summary>
    public override string ToString()
    {
        var peers = Direction == PolicyDirection.Ingress ? "from" : "to";
        return $"{Policy} rule {RuleIndex} ({peers}: {Peer?.Description ?? "any"}, ports: {Port?.ToString() ?? "any"})";
    }
}
