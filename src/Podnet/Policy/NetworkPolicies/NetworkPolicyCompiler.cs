using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Net;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// Turns a NetworkPolicy object into a <see cref="CompiledNetworkPolicy"/>, applying the API server's defaults itself
/// (policyTypes, protocol TCP) and recording what it cannot use as <see cref="PolicyProblem"/>s.
/// </summary>
internal static class NetworkPolicyCompiler
{
    public static CompiledNetworkPolicy Compile(KubeObject policy, List<PolicyProblem> problems)
    {
        var json = policy.ToJson();
        var ns = policy.Namespace ?? "default";
        var fullName = $"{ns}/{policy.Name}";
        var spec = json["spec"] as JsonObject ?? [];

        // spec.podSelector is a value in the Go type: absent is the empty selector, which selects every pod.
        var podSelector = LabelSelector.Everything;
        if (spec["podSelector"] is { } selectorNode)
        {
            podSelector = ParseSelector(selectorNode, fullName, "spec.podSelector", "the policy selects no pod", problems) ?? LabelSelector.Nothing;
        }

        var ingress = CompileRules(spec["ingress"], PolicyDirection.Ingress, ns, fullName, problems);
        var egress = CompileRules(spec["egress"], PolicyDirection.Egress, ns, fullName, problems);

        bool isolatesIngress;
        bool isolatesEgress;
        if (spec["policyTypes"] is JsonArray { Count: > 0 } types)
        {
            isolatesIngress = isolatesEgress = false;
            for (var i = 0; i < types.Count; i++)
            {
                switch (types[i] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
                {
                    case "Ingress":
                        isolatesIngress = true;
                        break;
                    case "Egress":
                        isolatesEgress = true;
                        break;
                    case var other:
                        problems.Add(new PolicyProblem(fullName, $"spec.policyTypes[{i}]", $"unsupported policy type {Quote(other)} (expected Ingress or Egress); ignored"));
                        break;
                }
            }
        }
        else
        {
            isolatesIngress = true;
            isolatesEgress = spec["egress"] is JsonArray { Count: > 0 };
        }

        return new CompiledNetworkPolicy(ns, policy.Name, podSelector, isolatesIngress, isolatesEgress, ingress, egress);
    }

    private static NetworkPolicyRule[] CompileRules(JsonNode? node, PolicyDirection direction, string ns, string fullName, List<PolicyProblem> problems)
    {
        var field = direction == PolicyDirection.Ingress ? "ingress" : "egress";
        var peersField = direction == PolicyDirection.Ingress ? "from" : "to";
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray rules)
        {
            problems.Add(new PolicyProblem(fullName, $"spec.{field}", "must be a list; the policy has no such rules"));
            return [];
        }

        var result = new NetworkPolicyRule[rules.Count];
        for (var r = 0; r < rules.Count; r++)
        {
            var path = $"spec.{field}[{r}]";

            // A null rule unmarshals to the zero rule: every peer, every port.
            var rule = rules[r] as JsonObject ?? [];
            var peers = new List<NetworkPolicyPeer>();
            switch (rule[peersField])
            {
                case null:
                    break;
                case JsonArray list:
                    for (var q = 0; q < list.Count; q++)
                    {
                        peers.Add(CompilePeer(list[q], ns, fullName, $"{path}.{peersField}[{q}]", problems));
                    }

                    break;
                default:
                    problems.Add(new PolicyProblem(fullName, $"{path}.{peersField}", "must be a list; the rule matches no peer"));
                    peers.Add(new NetworkPolicyPeer(ns, null, null, null, valid: false, "(invalid)"));
                    break;
            }

            var ports = new List<PolicyPort>();
            switch (rule["ports"])
            {
                case null:
                    break;
                case JsonArray list:
                    for (var p = 0; p < list.Count; p++)
                    {
                        if (CompilePort(list[p], fullName, $"{path}.ports[{p}]", problems) is { } port)
                        {
                            ports.Add(port);
                        }
                    }

                    if (ports.Count == 0 && list.Count > 0)
                    {
                        // Every entry was unusable: the rule must still restrict ports, so it allows none.
                        ports.Add(new PolicyPort("(invalid)", 0));
                    }

                    break;
                default:
                    problems.Add(new PolicyProblem(fullName, $"{path}.ports", "must be a list; the rule matches no port"));
                    ports.Add(new PolicyPort("(invalid)", 0));
                    break;
            }

            result[r] = new NetworkPolicyRule(direction, r, peers, ports);
        }

        return result;
    }

    private static NetworkPolicyPeer CompilePeer(JsonNode? node, string ns, string fullName, string path, List<PolicyProblem> problems)
    {
        var peer = node as JsonObject ?? [];
        var podNode = peer["podSelector"];
        var namespaceNode = peer["namespaceSelector"];
        var ipBlockNode = peer["ipBlock"];
        const string Consequence = "the peer matches nothing";

        if (ipBlockNode is not null)
        {
            if (podNode is not null || namespaceNode is not null)
            {
                problems.Add(new PolicyProblem(fullName, path, $"may not specify both ipBlock and a selector; {Consequence}"));
                return new NetworkPolicyPeer(ns, null, null, null, valid: false, "(invalid: ipBlock with a selector)");
            }

            var block = CompileIpBlock(ipBlockNode, fullName, $"{path}.ipBlock", problems);
            return block is null
                ? new NetworkPolicyPeer(ns, null, null, null, valid: false, $"(invalid ipBlock {ipBlockNode.ToJsonString()})")
                : new NetworkPolicyPeer(ns, null, null, block, valid: true, block.ToString());
        }

        if (podNode is null && namespaceNode is null)
        {
            problems.Add(new PolicyProblem(fullName, path, $"must specify a peer (podSelector, namespaceSelector or ipBlock); {Consequence}"));
            return new NetworkPolicyPeer(ns, null, null, null, valid: false, "(invalid: empty peer)");
        }

        var valid = true;
        LabelSelector? pods = null;
        LabelSelector? namespaces = null;
        if (namespaceNode is not null)
        {
            namespaces = ParseSelector(namespaceNode, fullName, $"{path}.namespaceSelector", Consequence, problems);
            valid &= namespaces is not null;
        }

        if (podNode is not null)
        {
            pods = ParseSelector(podNode, fullName, $"{path}.podSelector", Consequence, problems);
            valid &= pods is not null;
        }

        var parts = new List<string>(2);
        if (namespaceNode is not null)
        {
            parts.Add($"namespaceSelector {DescribeSelector(namespaceNode)}");
        }

        if (podNode is not null)
        {
            parts.Add($"podSelector {DescribeSelector(podNode)}");
        }

        return new NetworkPolicyPeer(ns, pods, namespaces, null, valid, string.Join(" and ", parts));
    }

    private static PolicyIpBlock? CompileIpBlock(JsonNode node, string fullName, string path, List<PolicyProblem> problems)
    {
        const string Consequence = "the peer matches nothing";
        var cidrText = node["cidr"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (!CidrBlock.TryParseAllowingHostBits(cidrText, out var cidr, out var error))
        {
            problems.Add(new PolicyProblem(fullName, $"{path}.cidr", $"{error}; {Consequence}"));
            return null;
        }

        var except = new List<CidrBlock>();
        if (node["except"] is JsonArray list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var text = list[i] is JsonValue e && e.TryGetValue<string>(out var t) ? t : null;
                if (!CidrBlock.TryParseAllowingHostBits(text, out var block, out var exceptError))
                {
                    problems.Add(new PolicyProblem(fullName, $"{path}.except[{i}]", $"{exceptError}; {Consequence}"));
                    return null;
                }

                except.Add(block);
            }
        }

        return new PolicyIpBlock(cidr, except);
    }

    private static PolicyPort? CompilePort(JsonNode? node, string fullName, string path, List<PolicyProblem> problems)
    {
        const string Consequence = "the entry matches no port";
        var entry = node as JsonObject ?? [];
        var protocol = "TCP";
        if (entry["protocol"] is { } protocolNode)
        {
            protocol = protocolNode is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;
            if (protocol is not ("TCP" or "UDP" or "SCTP"))
            {
                problems.Add(new PolicyProblem(fullName, $"{path}.protocol", $"unsupported protocol {Quote(protocol)} (expected TCP, UDP or SCTP); {Consequence}"));
                return null;
            }
        }

        var portNode = entry["port"];
        int? endPort = null;
        if (entry["endPort"] is { } endNode)
        {
            if (JsonNumbers.TryGetInt(endNode, out var end))
            {
                endPort = end;
            }
            else
            {
                problems.Add(new PolicyProblem(fullName, $"{path}.endPort", $"must be a number; {Consequence}"));
                return null;
            }
        }

        if (portNode is null)
        {
            if (endPort is not null)
            {
                problems.Add(new PolicyProblem(fullName, $"{path}.endPort", "may not be specified when `port` is not specified; ignored (every port)"));
            }

            return new PolicyPort(protocol);
        }

        if (JsonNumbers.TryGetInt(portNode, out var number))
        {
            if (endPort is { } last && last < number)
            {
                problems.Add(new PolicyProblem(fullName, $"{path}.endPort", $"must be greater than or equal to `port` ({number}); {Consequence}"));
                return null;
            }

            return new PolicyPort(protocol, number, endPort);
        }

        if (portNode is JsonValue named && named.GetValueKind() == JsonValueKind.String && named.GetValue<string>() is { Length: > 0 } name)
        {
            if (endPort is not null)
            {
                problems.Add(new PolicyProblem(fullName, $"{path}.endPort", "may not be specified when `port` is non-numeric; ignored"));
            }

            return new PolicyPort(protocol, namedPort: name);
        }

        problems.Add(new PolicyProblem(fullName, $"{path}.port", $"must be a number or a port name; {Consequence}"));
        return null;
    }

    private static LabelSelector? ParseSelector(JsonNode node, string fullName, string path, string consequence, List<PolicyProblem> problems)
    {
        try
        {
            return LabelSelector.FromLabelSelector(node, path);
        }
        catch (SelectorException e)
        {
            problems.Add(new PolicyProblem(fullName, path, $"{e.Message}; {consequence}"));
            return null;
        }
    }

    /// <summary><c>{app: web, tier In [a, b], debug DoesNotExist}</c>; <c>{}</c> for the empty selector.</summary>
    internal static string DescribeSelector(JsonNode? node)
    {
        if (node is not JsonObject selector)
        {
            return node?.ToJsonString() ?? "{}";
        }

        var parts = new List<string>();
        if (selector["matchLabels"] is JsonObject labels)
        {
            parts.AddRange(labels.Select(kv => $"{kv.Key}: {Text(kv.Value)}"));
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var values = expression["values"] is JsonArray list ? $" [{string.Join(", ", list.Select(Text))}]" : string.Empty;
                parts.Add($"{Text(expression["key"])} {Text(expression["operator"])}{values}");
            }
        }

        return $"{{{string.Join(", ", parts)}}}";

        static string Text(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";
    }

    private static string Quote(string? value) => value is null ? "(not a string)" : $"\"{value}\"";
}
