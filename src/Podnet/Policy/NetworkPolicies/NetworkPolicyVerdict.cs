using System.Globalization;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// Whether a new connection from <see cref="From"/> to <see cref="To"/> on <see cref="Protocol"/>/<see cref="Port"/>
/// is allowed: egress at the source (null when the source is external) and ingress at the destination (null when the
/// destination is external) must both allow it — or only the direction <see cref="Only"/> names, where the other is
/// judged elsewhere on the packet's way.
/// </summary>
public sealed record NetworkPolicyVerdict(PolicyPeer From, PolicyPeer To, string Protocol, int Port, DirectionVerdict? Egress, DirectionVerdict? Ingress)
{
    public bool Allowed => (Egress?.Allowed ?? true) && (Ingress?.Allowed ?? true);

    /// <summary>The one direction judged (<see cref="NetworkPolicyEngine.Evaluate"/>'s <c>only</c>); null for both.</summary>
    public PolicyDirection? Only { get; init; }

    /// <summary>A headline and one line per direction.</summary>
    public override string ToString()
    {
        var lines = new List<string>(3)
        {
            string.Create(CultureInfo.InvariantCulture, $"{From} -> {To} {Protocol}/{Port}: {(Allowed ? "allowed" : "denied")}"),
            Egress?.ToString() ?? (From.IsPod && Only == PolicyDirection.Ingress ? $"egress from {From}: not judged here (judged on an earlier leg of the connection)" : $"egress from {From}: external endpoint, no policy applies"),
            Ingress?.ToString() ?? (To.IsPod && Only == PolicyDirection.Egress ? $"ingress to {To}: not judged here (judged on a later leg of the connection)" : $"ingress to {To}: external endpoint, no policy applies"),
        };
        return string.Join(Environment.NewLine, lines);
    }
}
