namespace Podnet.Check;

/// <summary>
/// One broken invariant: <see cref="Invariant"/> names the rule (<c>duplicate-address</c>, <c>duplicate-vlan</c>,
/// <c>leaked-interface</c>, <c>pod-eni-capacity</c>, <c>outlives-cluster</c>, <c>pod-not-running</c> …),
/// <see cref="Detail"/> says what breaks it, naming the objects.
/// </summary>
public sealed record Violation(string Invariant, string Detail)
{
    /// <summary>The line <c>podnet check</c> prints: <c>INVARIANT: DETAIL</c>.</summary>
    public override string ToString() => $"{Invariant}: {Detail}";
}
