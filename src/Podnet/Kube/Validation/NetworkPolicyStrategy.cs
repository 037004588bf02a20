using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;

namespace Podnet.Kube.Validation;

/// <summary>
/// NetworkPolicies (pkg/apis/networking/validation: ValidateNetworkPolicySpec): the pod selector, policy types,
/// and every rule's ports (ValidateNetworkPolicyPort) and peers (ValidateNetworkPolicyPeer, ValidateIPBlock).
/// </summary>
public sealed class NetworkPolicyStrategy() : KindStrategy("networking.k8s.io", "NetworkPolicy", GoTypes.Kind("v1.NetworkPolicy", ("spec", GoTypes.NetworkPolicySpec), ("status", GoType.Any)))
{
    /// <inheritdoc/>
    public override bool HasDefaults => true;

    /// <inheritdoc/>
    public override void Default(JsonObject obj, bool create)
    {
        var spec = obj.GetOrAddObject("spec");
        if (spec["policyTypes"] is not JsonArray { Count: > 0 })
        {
            var types = new JsonArray("Ingress");
            if (spec["egress"] is JsonArray { Count: > 0 })
            {
                types.Add("Egress");
            }

            spec["policyTypes"] = types;
        }

        foreach (var direction in new[] { "ingress", "egress" })
        {
            foreach (var rule in (spec[direction] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var port in (rule["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }
    }

    /// <inheritdoc/>
    public override void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(causes);
        var spec = obj["spec"] as JsonObject;
        LabelSelectorValidation.Validate(spec?["podSelector"], "spec.podSelector", causes);
        foreach (var type in (spec?["policyTypes"] as JsonArray ?? []).Select(t => JsonText.String(t) ?? string.Empty))
        {
            if (type is not ("Ingress" or "Egress"))
            {
                causes.Add(StatusCause.NotSupported("spec.policyTypes", type, ["Egress", "Ingress"]));
            }
        }

        foreach (var (direction, peers) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            var rules = JsonText.Objects(spec?[direction]);
            for (var r = 0; r < rules.Count; r++)
            {
                var ports = JsonText.Objects(rules[r]?["ports"]);
                for (var p = 0; p < ports.Count; p++)
                {
                    ValidatePort(ports[p], $"spec.{direction}[{r}].ports[{p}]", options.Lenient, causes);
                }

                var peerList = JsonText.Objects(rules[r]?[peers]);
                for (var q = 0; q < peerList.Count; q++)
                {
                    ValidatePeer(peerList[q], $"spec.{direction}[{r}].{peers}[{q}]", causes);
                }
            }
        }
    }

    /// <summary>ValidateNetworkPolicyPeer: exactly one kind of peer, or selectors together; an ipBlock stands alone.</summary>
    private static void ValidatePeer(JsonObject? peer, string path, List<StatusCause> causes)
    {
        var count = 0;
        foreach (var selector in new[] { "podSelector", "namespaceSelector" })
        {
            if (peer?[selector] is { } node)
            {
                count++;
                LabelSelectorValidation.Validate(node, $"{path}.{selector}", causes);
            }
        }

        var block = peer?["ipBlock"] as JsonObject;
        if (block is not null)
        {
            count++;
            ValidateIpBlock(block, $"{path}.ipBlock", causes);
        }

        if (count == 0)
        {
            causes.Add(StatusCause.Required(path, ValidationMessages.PeerRequired));
        }
        else if (count > 1 && block is not null)
        {
            causes.Add(StatusCause.Forbidden(path, ValidationMessages.PeerIpBlockAndOther));
        }
    }

    /// <summary>ValidateNetworkPolicyPort.</summary>
    private static void ValidatePort(JsonObject? port, string path, bool lenient, List<StatusCause> causes)
    {
        if (port is null)
        {
            return;
        }

        var protocol = JsonText.String(port["protocol"]) ?? "TCP";
        if (!ValidationMessages.Protocols.Contains(protocol))
        {
            causes.Add(StatusCause.NotSupported($"{path}.protocol", protocol, ValidationMessages.Protocols));
        }

        var portNode = port["port"];
        var number = JsonText.Integer(portNode);
        if (number is { } p && p is < 1 or > 65535)
        {
            causes.Add(StatusCause.Invalid($"{path}.port", p, ValidationMessages.PortNumber));
        }

        if (JsonText.String(portNode) is { } name)
        {
            causes.AddRange(PortNameValidation.Errors(name).Select(e => StatusCause.Invalid($"{path}.port", name, e)));
        }

        if (JsonText.Integer(port["endPort"]) is not { } endPort)
        {
            return;
        }

        // As the API server words them: the number unquoted, and `port` shown when endPort is below it.
        if (portNode is null)
        {
            causes.Add(StatusCause.Invalid($"{path}.endPort", endPort, ValidationMessages.EndPortWithoutPort));
        }
        else if (number is null)
        {
            causes.Add(StatusCause.Invalid($"{path}.endPort", endPort, ValidationMessages.EndPortWithNamedPort));
        }
        else
        {
            if (endPort < number)
            {
                causes.Add(StatusCause.Invalid($"{path}.endPort", number.Value, ValidationMessages.EndPortBelowPort));
            }

            // A world may carry an endPort past 65535 (kube-network-policies' own tests do, and its evaluator takes
            // it as "to the last port"); it widens nothing, so only an API client is held to the range.
            if (endPort is < 1 or > 65535 && !lenient)
            {
                causes.Add(StatusCause.Invalid($"{path}.endPort", endPort, ValidationMessages.PortNumber));
            }
        }
    }

    /// <summary>ValidateIPBlock: a CIDR, and excepts strictly inside it.</summary>
    private static void ValidateIpBlock(JsonObject block, string path, List<StatusCause> causes)
    {
        if (JsonText.String(block["cidr"]) is not { } cidrText)
        {
            causes.Add(StatusCause.Required($"{path}.cidr"));
            return;
        }

        if (!CidrBlock.TryParseAllowingHostBits(cidrText, out var cidr, out var error))
        {
            causes.Add(StatusCause.Invalid($"{path}.cidr", cidrText, error));
            return;
        }

        var except = block["except"] as JsonArray ?? [];
        for (var i = 0; i < except.Count; i++)
        {
            var text = JsonText.String(except[i]) ?? string.Empty;
            if (!CidrBlock.TryParseAllowingHostBits(text, out var inner, out var innerError))
            {
                causes.Add(StatusCause.Invalid($"{path}.except[{i}]", text, innerError));
            }
            else if (!cidr.Contains(inner) || inner.PrefixLength <= cidr.PrefixLength)
            {
                causes.Add(StatusCause.Invalid($"{path}.except[{i}]", text, "must be a strict subset of `cidr`"));
            }
        }
    }
}
