using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;

namespace Podnet.ResourceController;

/// <summary>
/// Finds the security groups of a pod as the controller's <c>GetMatchingSecurityGroupForPods</c> does: the
/// SecurityGroupPolicies of the pod's namespace in store order, the pod's ServiceAccount (missing = error), policies
/// with neither selector or without group ids skipped, a set selector must match (pod labels, ServiceAccount labels;
/// both set = both), a selector that does not parse matches nothing, and the union of group ids keeps the first
/// occurrence.
/// </summary>
public sealed class SecurityGroupPolicyMatcher
{
    private readonly ObjectStore _store;

    public SecurityGroupPolicyMatcher(ObjectStore store)
    {
        _store = store;
    }

    public SecurityGroupMatch Match(KubeObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var ns = pod.Namespace ?? "default";
        var policies = _store.List(ResourceControllerNames.SecurityGroupPolicyApiVersion, ResourceControllerNames.SecurityGroupPolicyKind, ns).Items;

        var accountName = pod.GetString("spec.serviceAccountName") is { Length: > 0 } name ? name : "default";
        var account = _store.TryGet(_store.Resources.For("v1", "ServiceAccount"), ns, accountName);
        if (account is null)
        {
            return SecurityGroupMatch.Failure($"serviceaccount \"{accountName}\" not found");
        }

        var groups = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            if (!Applies(policy, pod, account))
            {
                continue;
            }

            foreach (var id in GroupIds(policy))
            {
                if (seen.Add(id))
                {
                    groups.Add(id);
                }
            }
        }

        return groups.Count == 0 ? SecurityGroupMatch.None : new SecurityGroupMatch(groups);
    }

    /// <summary>The policy's <c>spec.securityGroups.groupIds</c>, in order.</summary>
    public static IReadOnlyList<string> GroupIds(KubeObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Peek("spec.securityGroups.groupIds") is JsonArray ids
            ? [.. ids.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>()]
            : [];
    }

    /// <summary>Whether a policy applies to a pod that runs as <paramref name="serviceAccount"/>.</summary>
    public static bool Applies(KubeObject policy, KubeObject pod, KubeObject serviceAccount)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(serviceAccount);
        var podSelector = policy.Peek("spec.podSelector");
        var accountSelector = policy.Peek("spec.serviceAccountSelector");
        if ((podSelector is null && accountSelector is null) || GroupIds(policy).Count == 0)
        {
            return false;
        }

        return (podSelector is null || SelectorMatches(podSelector, pod.Labels))
               && (accountSelector is null || SelectorMatches(accountSelector, serviceAccount.Labels));
    }

    private static bool SelectorMatches(JsonNode selector, IReadOnlyDictionary<string, string> labels)
    {
        try
        {
            return LabelSelector.FromLabelSelector(selector).Matches(labels);
        }
        catch (SelectorException)
        {
            return false;
        }
    }
}
