namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// One ingress or egress rule of a policy. No peers (missing or empty <c>from</c>/<c>to</c>) means every peer; no
/// ports (missing or empty <c>ports</c>) means every port of every protocol.
/// </summary>
public sealed record NetworkPolicyRule(PolicyDirection Direction, int Index, IReadOnlyList<NetworkPolicyPeer> Peers, IReadOnlyList<PolicyPort> Ports)
{
    /// <summary>
    /// Whether the rule lets a connection through: <paramref name="peer"/> is the other end (the source for ingress,
    /// the destination for egress), <paramref name="destination"/> the end whose port is asked for (named ports resolve
    /// on it). The matching peer and port are returned (null when the rule has none, i.e. allows all).
    /// </summary>
    public bool Matches(PolicyPeer peer, PolicyPeer destination, string protocol, int port, out NetworkPolicyPeer? matchedPeer, out PolicyPort? matchedPort)
    {
        matchedPeer = null;
        matchedPort = null;
        if (Peers.Count > 0)
        {
            foreach (var candidate in Peers)
            {
                if (candidate.Matches(peer))
                {
                    matchedPeer = candidate;
                    break;
                }
            }

            if (matchedPeer is null)
            {
                return false;
            }
        }

        if (Ports.Count == 0)
        {
            return true;
        }

        foreach (var candidate in Ports)
        {
            if (candidate.Matches(protocol, port, destination))
            {
                matchedPort = candidate;
                return true;
            }
        }

        matchedPeer = null;
        return false;
    }
}
