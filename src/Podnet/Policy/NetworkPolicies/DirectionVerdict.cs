namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// The verdict of one direction at one pod: egress at the source pod or ingress at the destination pod. The pod is
/// isolated when <see cref="IsolatingPolicies"/> is not empty; then the connection is allowed only by
/// <see cref="AllowedBy"/>, and when that is null no rule of the isolating policies allowed it — unless nothing
/// enforces policy on the pod (<see cref="PolicyPeer.NotEnforced"/>): then what the policies say is kept, but the
/// connection is allowed.
/// </summary>
public sealed record DirectionVerdict(PolicyDirection Direction, PolicyPeer Pod, IReadOnlyList<string> IsolatingPolicies, RuleMatch? AllowedBy)
{
    public bool IsIsolated => IsolatingPolicies.Count > 0;

    public bool Allowed => !IsIsolated || AllowedBy is not null || Pod.NotEnforced is not null;

    /// <summary>
    /// <c>egress from x/a: isolated by x/deny-all, x/allow-dns; allowed by x/allow-dns rule 0 (to: ..., ports: UDP/53)</c>.
    /// </summary>
    public override string ToString()
    {
        var head = Direction == PolicyDirection.Ingress ? $"ingress to {Pod}" : $"egress from {Pod}";
        var direction = Direction == PolicyDirection.Ingress ? "ingress" : "egress";
        if (!IsIsolated)
        {
            return $"{head}: not isolated (no policy selects it for {direction}); allowed";
        }

        var policies = string.Join(", ", IsolatingPolicies);
        if (AllowedBy is null && Pod.NotEnforced is { } why)
        {
            return $"{head}: selected by {policies}, whose rules would deny it, but not enforced ({why}); allowed";
        }

        return AllowedBy is null
            ? $"{head}: isolated by {policies}; denied: no rule of {policies} allows it"
            : $"{head}: isolated by {policies}; allowed by {AllowedBy}";
    }
}
