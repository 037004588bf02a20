using Podnet.Policy.NetworkPolicies;

namespace Podnet.Lint;

/// <summary>
/// NetworkPolicy fields the policy engine could not use (a policy read from a live cluster that bypassed
/// validation, or one the API server accepts and the engine does not understand): what the engine did instead is
/// in the message, because a policy that silently selects nothing allows everything.
/// </summary>
public sealed class UnusableNetworkPolicyFields : ILintCheck
{
    public const string Id = "networkpolicy-field-unusable";

    /// <inheritdoc/>
    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var problem in new NetworkPolicyEngine(context.NetworkPolicies).Problems)
        {
            yield return new LintFinding(
                LintSeverity.Error,
                Id,
                $"NetworkPolicy {problem.Policy}",
                $"{problem.Field}: {problem.Message}",
                "fix the field so the API server's validation accepts it (kubectl apply --dry-run=server shows its message)");
        }
    }
}
