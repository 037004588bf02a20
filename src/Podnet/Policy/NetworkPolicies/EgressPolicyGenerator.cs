using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// Seed 004's "补充出口网络策略" procedure: for every ingress NetworkPolicy that lets pods in, the egress NetworkPolicy
/// that lets those pods out, so the traffic still flows once the sending pods' egress is isolated (default-deny
/// egress). Same namespace: the ingress peer's <c>podSelector</c> becomes the egress policy's <c>spec.podSelector</c>
/// and the ingress policy's <c>spec.podSelector</c> becomes <c>egress.to.podSelector</c>. Across namespaces labelled
/// <c>networking/namespace=&lt;name&gt;</c>: the namespace named by the peer's <c>namespaceSelector</c> is the egress
/// policy's namespace, and the ingress policy's namespace goes into <c>egress.to.namespaceSelector</c>. Ports are
/// copied as written (named ports name the destination pod's ports in both directions).
/// </summary>
public static class EgressPolicyGenerator
{
    /// <summary>The namespace label of seed 004's convention (<c>kubectl label namespace N networking/namespace=N</c>).</summary>
    public const string NamespaceLabel = "networking/namespace";

    /// <summary>The label the API server puts on every namespace (Kubernetes 1.21+); it names a namespace as surely.</summary>
    public const string MetadataNameLabel = "kubernetes.io/metadata.name";

    private const string ApiVersion = "networking.k8s.io/v1";
    private const string Kind = "NetworkPolicy";

    /// <summary>
    /// The egress policies mirroring <paramref name="policies"/> (objects other than networking.k8s.io/v1
    /// NetworkPolicies, and policies without ingress rules, are skipped), in input order, and a note for every ingress
    /// rule or peer that cannot be mirrored.
    /// </summary>
    public static EgressPolicyGeneration Generate(IEnumerable<KubeObject> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var generated = new List<GeneratedEgressPolicy>();
        var notes = new List<EgressPolicyNote>();
        var used = new HashSet<(string Namespace, string Name)>();
        foreach (var policy in policies)
        {
            if (policy.ApiVersion != ApiVersion || policy.Kind != Kind)
            {
                continue;
            }

            foreach (var egress in Mirror(policy, notes))
            {
                var name = egress.Name;
                for (var n = 2; !used.Add((egress.Namespace!, name)); n++)
                {
                    name = $"{egress.Name}-{n}";
                }

                generated.Add(new GeneratedEgressPolicy(
                    name == egress.Name ? egress : egress.WithMetadata("name", name),
                    $"{policy.Namespace ?? "default"}/{policy.Name}"));
            }
        }

        return new EgressPolicyGeneration(generated, notes);
    }

    private static List<KubeObject> Mirror(KubeObject policy, List<EgressPolicyNote> notes)
    {
        var ns = policy.Namespace ?? "default";
        var fullName = $"{ns}/{policy.Name}";
        var spec = policy.ToJson()["spec"] as JsonObject ?? [];
        if (!AppliesToIngress(spec) || spec["ingress"] is not JsonArray rules)
        {
            return [];
        }

        // The pods the ingress policy protects: the destination of the mirrored egress. Absent is "every pod".
        var destination = spec["podSelector"] is JsonObject selector ? selector : [];
        var groups = new List<Group>();
        for (var r = 0; r < rules.Count; r++)
        {
            var where = $"ingress rule {r + 1}";
            if (rules[r] is not JsonObject rule)
            {
                continue;
            }

            if (rule["from"] is not JsonArray { Count: > 0 } from)
            {
                notes.Add(new EgressPolicyNote(fullName, $"{where} has no from peers, so it lets in every source, pods of every namespace and addresses outside the cluster: its mirror would be an egress policy for every pod of every namespace; not mirrored"));
                continue;
            }

            for (var p = 0; p < from.Count; p++)
            {
                foreach (var (source, to) in Sources(from[p] as JsonObject, ns, destination, $"{where}, peer {p + 1}", fullName, notes))
                {
                    var group = groups.Find(g => g.Namespace == source.Namespace && JsonNode.DeepEquals(g.PodSelector, source.PodSelector));
                    if (group is null)
                    {
                        group = new Group(source.Namespace, source.PodSelector);
                        groups.Add(group);
                    }

                    group.Add(r, to, rule["ports"]);
                }
            }
        }

        var result = new List<KubeObject>();
        foreach (var group in groups)
        {
            var baseName = group.Namespace == ns ? $"{policy.Name}-egress" : $"{policy.Name}-egress-to-{ns}";
            var sameBase = groups.Where(g => g.Namespace == group.Namespace).ToList();
            var name = sameBase.Count == 1 ? baseName : $"{baseName}-{sameBase.IndexOf(group) + 1}";
            result.Add(group.ToPolicy(name));
        }

        return result;
    }

    private static bool AppliesToIngress(JsonObject spec)
        => spec["policyTypes"] is not JsonArray { Count: > 0 } types
            || types.Any(t => t is JsonValue v && v.TryGetValue<string>(out var s) && s == "Ingress");

    /// <summary>The sending pods one ingress peer names (namespace and pod selector), each with the egress peer that reaches the destination.</summary>
    private static IEnumerable<(Source Source, JsonObject To)> Sources(
        JsonObject? peer, string ns, JsonObject destination, string where, string fullName, List<EgressPolicyNote> notes)
    {
        if (peer is null || (peer["ipBlock"] is null && peer["podSelector"] is null && peer["namespaceSelector"] is null))
        {
            notes.Add(new EgressPolicyNote(fullName, $"{where} is empty (no podSelector, namespaceSelector or ipBlock), which the API server rejects; not mirrored"));
            yield break;
        }

        if (peer["ipBlock"] is { } ipBlock)
        {
            var cidr = ipBlock["cidr"] is JsonValue c && c.TryGetValue<string>(out var text) ? text : ipBlock.ToJsonString();
            notes.Add(new EgressPolicyNote(fullName, $"{where} (ipBlock {cidr}) names addresses, not pods: a NetworkPolicy selects the pods it applies to by labels, so there is no sending pod to give an egress policy (for senders outside the cluster, their own firewall decides); not mirrored"));
            yield break;
        }

        var podSelector = peer["podSelector"] is JsonObject ps ? (JsonObject)ps.DeepClone() : [];
        if (peer["namespaceSelector"] is not JsonObject namespaceSelector)
        {
            // A podSelector alone selects pods of the policy's own namespace.
            yield return (new Source(ns, podSelector), new JsonObject { ["podSelector"] = destination.DeepClone() });
            yield break;
        }

        if (IsEmpty(namespaceSelector))
        {
            notes.Add(new EgressPolicyNote(fullName, $"{where} has namespaceSelector {{}}, which selects every namespace: the mirror would be an egress policy in each namespace, and which namespaces exist is not in the policy; not mirrored"));
            yield break;
        }

        if (NamedNamespaces(namespaceSelector) is not var (label, namespaces))
        {
            notes.Add(new EgressPolicyNote(fullName, $"{where} has namespaceSelector {namespaceSelector.ToJsonString()}, which does not name namespaces by the {NamespaceLabel} label (seed 004's convention: kubectl label namespace N {NamespaceLabel}=N): the namespaces it selects depend on labels the policy does not show, so the egress policy's namespace is unknown; not mirrored"));
            yield break;
        }

        foreach (var source in namespaces)
        {
            var to = source == ns
                ? new JsonObject { ["podSelector"] = destination.DeepClone() }
                : new JsonObject
                {
                    ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { [label] = ns } },
                    ["podSelector"] = destination.DeepClone(),
                };
            yield return (new Source(source, (JsonObject)podSelector.DeepClone()), to);
        }
    }

    private static bool IsEmpty(JsonObject selector)
        => selector["matchLabels"] is not JsonObject { Count: > 0 } && selector["matchExpressions"] is not JsonArray { Count: > 0 };

    /// <summary>
    /// The namespaces a namespaceSelector names by a namespace-name label alone (<c>matchLabels: {networking/namespace: N}</c>
    /// or <c>matchExpressions: [{key: networking/namespace, operator: In, values: [...]}]</c>, or the same with
    /// kubernetes.io/metadata.name); null for any other selector.
    /// </summary>
    private static (string Label, List<string> Namespaces)? NamedNamespaces(JsonObject selector)
    {
        var matchLabels = selector["matchLabels"] as JsonObject ?? [];
        var matchExpressions = selector["matchExpressions"] as JsonArray ?? [];
        if (matchLabels.Count == 1 && matchExpressions.Count == 0)
        {
            var (key, value) = matchLabels.First();
            return IsNameLabel(key) && value is JsonValue v && v.TryGetValue<string>(out var name) && name.Length > 0 ? (key, [name]) : null;
        }

        if (matchLabels.Count == 0 && matchExpressions is [JsonObject expression]
            && expression["key"] is JsonValue k && k.TryGetValue<string>(out var exprKey) && IsNameLabel(exprKey)
            && expression["operator"] is JsonValue o && o.TryGetValue<string>(out var op) && op == "In"
            && expression["values"] is JsonArray { Count: > 0 } values)
        {
            var names = new List<string>();
            foreach (var value in values)
            {
                if (value is not JsonValue sv || !sv.TryGetValue<string>(out var name) || name.Length == 0)
                {
                    return null;
                }

                if (!names.Contains(name))
                {
                    names.Add(name);
                }
            }

            return (exprKey, names);
        }

        return null;
    }

    private static bool IsNameLabel(string key) => key is NamespaceLabel or MetadataNameLabel;

    private sealed record Source(string Namespace, JsonObject PodSelector);

    /// <summary>The sending pods of one egress policy, and one egress rule per ingress rule that lets them in.</summary>
    private sealed class Group(string @namespace, JsonObject podSelector)
    {
        private readonly List<(int Rule, JsonArray To, JsonNode? Ports)> _rules = [];

        public string Namespace { get; } = @namespace;

        public JsonObject PodSelector { get; } = podSelector;

        public void Add(int rule, JsonObject to, JsonNode? ports)
        {
            var existing = _rules.FindIndex(r => r.Rule == rule);
            if (existing < 0)
            {
                _rules.Add((rule, [to], ports?.DeepClone()));
            }
            else if (!_rules[existing].To.Any(t => JsonNode.DeepEquals(t, to)))
            {
                _rules[existing].To.Add(to);
            }
        }

        public KubeObject ToPolicy(string name)
        {
            var egress = new JsonArray();
            foreach (var (_, to, ports) in _rules)
            {
                var rule = new JsonObject { ["to"] = to.DeepClone() };
                if (ports is not null)
                {
                    rule["ports"] = ports.DeepClone();
                }

                egress.Add(rule);
            }

            var json = new JsonObject
            {
                ["apiVersion"] = ApiVersion,
                ["kind"] = Kind,
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
                ["spec"] = new JsonObject
                {
                    ["podSelector"] = PodSelector.DeepClone(),
                    ["egress"] = egress,
                    ["policyTypes"] = new JsonArray("Egress"),
                },
            };
            return KubeObject.From(json);
        }
    }
}

/// <summary>What <see cref="EgressPolicyGenerator.Generate"/> made: the egress policies, and what it could not mirror.</summary>
public sealed record EgressPolicyGeneration(IReadOnlyList<GeneratedEgressPolicy> Generated, IReadOnlyList<EgressPolicyNote> Notes)
{
    /// <summary>The generated NetworkPolicy objects, in order.</summary>
    public IReadOnlyList<KubeObject> Policies => [.. Generated.Select(g => g.Policy)];
}

/// <summary>One generated egress NetworkPolicy and the ingress policy (<c>namespace/name</c>) it mirrors.</summary>
public sealed record GeneratedEgressPolicy(KubeObject Policy, string MirroredPolicy);

/// <summary>An ingress rule or peer of <paramref name="Policy"/> (<c>namespace/name</c>) that has no egress mirror, and why.</summary>
public sealed record EgressPolicyNote(string Policy, string Message)
{
    public override string ToString() => $"{Policy}: {Message}";
}
