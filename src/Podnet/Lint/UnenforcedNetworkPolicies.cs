namespace Podnet.Lint;

/// <summary>NetworkPolicies in a cluster where nothing enforces them: they look like protection and deny nothing.</summary>
public sealed class UnenforcedNetworkPolicies : ILintCheck
{
    public const string Id = "networkpolicy-not-enforced";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policies = context.NetworkPolicies;
        if (context.Enforcer is not null || policies.Count == 0)
        {
            yield break;
        }

        var names = policies.Select(p => $"{p.Namespace}/{p.Name}").Order(StringComparer.Ordinal).ToList();
        var listed = string.Join(", ", names.Take(3)) + (names.Count > 3 ? $" and {names.Count - 3} more" : string.Empty);
        yield return new LintFinding(
            LintSeverity.Warning,
            Id,
            "ConfigMap kube-system/amazon-vpc-cni",
            $"{names.Count} NetworkPolicies ({listed}) are not enforced: enable-network-policy-controller is not \"true\" and Calico is not installed, so every connection they would deny is allowed",
            "turn on the VPC CNI's network policy: `aws eks update-addon --cluster-name CLUSTER --addon-name vpc-cni --configuration-values '{\"enableNetworkPolicy\": \"true\"}'` (in a world: the Addon vpc-cni's spec.ConfigurationValues.enableNetworkPolicy: \"true\"), or install Calico");
    }
}
