using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.NetworkPolicyController;

/// <summary>What to write for one policy: PolicyEndpoints to create (whole objects), to update (the new spec), to delete.</summary>
public sealed record PolicyEndpointPlan(IReadOnlyList<JsonObject> Creates, IReadOnlyList<(KubeObject Existing, JsonObject Spec)> Updates, IReadOnlyList<KubeObject> Deletes);

/// <summary>
/// How the network policy controller spreads a policy's resolved endpoints over PolicyEndpoints
/// (pkg/policyendpoints/manager.go computePolicyEndpoints): each existing PolicyEndpoint keeps the entries still
/// wanted; new entries fill the existing ones up to the chunk size per list (ingress, egress, pods), then new
/// PolicyEndpoints take the rest in chunks; an existing one left with nothing is deleted unless it was filled again;
/// a policy that resolves to nothing keeps (or gets) one empty PolicyEndpoint, which still isolates its pods.
/// </summary>
/// <remarks>
/// Entries for the same CIDR and exceptions are combined into one with their ports together (combineRulesEndpoints)
/// before packing, not within each PolicyEndpoint after it: the same whenever a policy's entries fit one
/// PolicyEndpoint. An existing PolicyEndpoint's <c>podSelector</c> stays as it was created — the controller updates
/// the lists and <c>podIsolation</c> of existing ones only (processExistingPolicyEndpoints).
/// </remarks>
public static class PolicyEndpointPacking
{
    /// <summary>The plan for <paramref name="policy"/>, given the PolicyEndpoints it owns (by name) and its resolved endpoints.</summary>
    public static PolicyEndpointPlan Plan(KubeObject policy, IReadOnlyList<KubeObject> existing, ResolvedEndpoints resolved, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(resolved);
        var ingress = Wanted(Combine(resolved.Ingress), e => e.Key);
        var egress = Wanted(Combine(resolved.Egress), e => e.Key);
        var pods = Wanted(resolved.PodSelectorEndpoints, p => p);
        var isolation = policy.Peek("spec.policyTypes")?.DeepClone() as JsonArray ?? [];

        // Each existing PolicyEndpoint keeps what is still wanted; one left empty may be deleted.
        var modified = new List<Working>();
        var potentialDeletes = new List<Working>();
        foreach (var current in existing)
        {
            var working = new Working(current, current.Peek("spec.podSelector")?.DeepClone() ?? new JsonObject())
            {
                Ingress = [.. Entries(current, "ingress").Select(EndpointInfo.FromJson).OfType<EndpointInfo>().Where(e => ingress.Remove(e.Key))],
                Egress = [.. Entries(current, "egress").Select(EndpointInfo.FromJson).OfType<EndpointInfo>().Where(e => egress.Remove(e.Key))],
                Pods = [.. Entries(current, "podSelectorEndpoints").Select(PodEndpoint.FromJson).OfType<PodEndpoint>().Where(p => pods.Remove(p))],
            };
            (working.IsEmpty ? potentialDeletes : modified).Add(working);
        }

        // New entries fill the existing PolicyEndpoints first, then new ones (packingIngressRules, packingEgressRules,
        // packingPodSelectorEndpoints).
        var created = new List<Working>();
        var refilled = new HashSet<Working>();
        Pack([.. ingress.Values], w => w.Ingress, modified, potentialDeletes, created, refilled, policy, chunkSize);
        Pack([.. egress.Values], w => w.Egress, modified, potentialDeletes, created, refilled, policy, chunkSize);
        Pack([.. pods.Values], w => w.Pods, modified, potentialDeletes, created, refilled, policy, chunkSize);

        var updates = potentialDeletes.Where(refilled.Contains).Concat(modified).ToList();
        var deletes = potentialDeletes.Where(w => !refilled.Contains(w)).ToList();
        if (created.Count == 0 && updates.Count == 0)
        {
            if (deletes.Count == 0)
            {
                created.Add(new Working(null, policy.Peek("spec.podSelector")?.DeepClone() ?? new JsonObject()));
            }
            else
            {
                updates.Add(deletes[0]);
                deletes.RemoveAt(0);
            }
        }

        return new PolicyEndpointPlan(
            [.. created.Select(w => NewPolicyEndpoint(policy, w.Spec(policy, isolation)))],
            [.. updates.Select(w => (w.Existing!, w.Spec(policy, isolation)))],
            [.. deletes.Select(w => w.Existing!)]);
    }

    /// <summary>Fills <paramref name="remaining"/> into the PolicyEndpoints in order, up to the chunk size each, then into new ones.</summary>
    private static void Pack<T>(List<T> remaining, Func<Working, List<T>> list, List<Working> modified, List<Working> potentialDeletes, List<Working> created, HashSet<Working> refilled, KubeObject policy, int chunkSize)
    {
        var next = 0;
        foreach (var working in modified.Concat(potentialDeletes).Concat(created).ToList())
        {
            var entries = list(working);
            var take = Math.Min(chunkSize - entries.Count, remaining.Count - next);
            if (take > 0)
            {
                entries.AddRange(remaining.GetRange(next, take));
                next += take;
                refilled.Add(working);
            }
        }

        for (; next < remaining.Count; next += chunkSize)
        {
            var working = new Working(null, policy.Peek("spec.podSelector")?.DeepClone() ?? new JsonObject());
            list(working).AddRange(remaining.GetRange(next, Math.Min(chunkSize, remaining.Count - next)));
            created.Add(working);
        }
    }

    /// <summary>combineRulesEndpoints: entries with the same CIDR and exceptions as one, every port if either allowed every port.</summary>
    private static List<EndpointInfo> Combine(IReadOnlyList<EndpointInfo> entries)
    {
        var combined = new Dictionary<string, EndpointInfo>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var entry in entries)
        {
            var key = entry.Cidr + "|" + string.Join("|", entry.Except.Order(StringComparer.Ordinal));
            if (!combined.TryGetValue(key, out var known))
            {
                combined[key] = entry;
                order.Add(key);
            }
            else
            {
                combined[key] = known with { Ports = known.Ports.Count == 0 || entry.Ports.Count == 0 ? [] : [.. known.Ports.Concat(entry.Ports).Distinct()] };
            }
        }

        return [.. order.Select(k => combined[k])];
    }

    /// <summary>The wanted entries by identity, in resolution order.</summary>
    private static Dictionary<TKey, T> Wanted<T, TKey>(IEnumerable<T> entries, Func<T, TKey> key)
        where TKey : notnull
    {
        var wanted = new Dictionary<TKey, T>();
        foreach (var entry in entries)
        {
            wanted.TryAdd(key(entry), entry);
        }

        return wanted;
    }

    private static IEnumerable<JsonNode?> Entries(KubeObject endpoint, string list) => endpoint.Peek($"spec.{list}") as JsonArray ?? [];

    /// <summary>newPolicyEndpoint: named after the policy with a random suffix, owned by it.</summary>
    private static JsonObject NewPolicyEndpoint(KubeObject policy, JsonObject spec) => new()
    {
        ["apiVersion"] = "networking.k8s.aws/v1alpha1",
        ["kind"] = "PolicyEndpoint",
        ["metadata"] = new JsonObject
        {
            ["generateName"] = policy.Name + "-",
            ["namespace"] = policy.Namespace,
            ["ownerReferences"] = new JsonArray(OwnerReference.ControllerOf(policy).ToJson()),
        },
        ["spec"] = spec,
    };

    /// <summary>A PolicyEndpoint being planned: the stored one (null for a new one), its selector and its three lists.</summary>
    private sealed class Working(KubeObject? existing, JsonNode podSelector)
    {
        public KubeObject? Existing { get; } = existing;

        public List<EndpointInfo> Ingress { get; init; } = [];

        public List<EndpointInfo> Egress { get; init; } = [];

        public List<PodEndpoint> Pods { get; init; } = [];

        public bool IsEmpty => Ingress.Count == 0 && Egress.Count == 0 && Pods.Count == 0;

        /// <summary>The spec in the Go type's field order, empty lists left out (omitempty).</summary>
        public JsonObject Spec(KubeObject policy, JsonArray isolation)
        {
            var spec = new JsonObject
            {
                ["podSelector"] = podSelector.DeepClone(),
                ["policyRef"] = new JsonObject { ["name"] = policy.Name, ["namespace"] = policy.Namespace },
            };
            if (isolation.Count > 0)
            {
                spec["podIsolation"] = isolation.DeepClone();
            }

            if (Pods.Count > 0)
            {
                spec["podSelectorEndpoints"] = new JsonArray([.. Pods.Select(p => (JsonNode)p.ToJson())]);
            }

            if (Ingress.Count > 0)
            {
                spec["ingress"] = new JsonArray([.. Ingress.Select(e => (JsonNode)e.ToJson())]);
            }

            if (Egress.Count > 0)
            {
                spec["egress"] = new JsonArray([.. Egress.Select(e => (JsonNode)e.ToJson())]);
            }

            return spec;
        }
    }
}
