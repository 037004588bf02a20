namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// Something in a policy the engine could not use: <paramref name="Policy"/> is <c>namespace/name</c>,
/// <paramref name="Field"/> the field path (<c>spec.ingress[0].from[1].podSelector</c>). What it leads to is in the
/// message: an invalid spec.podSelector selects no pod; an invalid peer matches nothing; an invalid port matches nothing.
/// </summary>
public sealed record PolicyProblem(string Policy, string Field, string Message)
{
    public override string ToString() => $"{Policy} {Field}: {Message}";
}
