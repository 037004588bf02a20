using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Net;

namespace Podnet.Kube.Admission;

/// <summary>
/// The API server's validation for the kinds Podnet reads, in its words: names, labels, required fields,
/// workload selectors, Service ports, NetworkPolicy ports and ipBlocks, and the CRD schemas of
/// SecurityGroupPolicy and ENIConfig.
/// </summary>
public sealed partial class ObjectValidation : IAdmissionPlugin
{
    /// <summary>
    /// The user a world is loaded as. Worlds describe networking, and test manifests generated from code bend rules
    /// that do not touch it: names outside RFC 1123, containers without an image or sharing a name. A world may do
    /// that; an API client may not.
    /// </summary>
    public const string WorldLoaderUser = "podnet:world-loader";

    private const string Dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    public IReadOnlyList<StatusCause> Validate(AdmissionRequest request)
    {
        if (request.Object is not { } obj || request.Operation == AdmissionOperation.Delete)
        {
            return [];
        }

        var causes = new List<StatusCause>();
        var lenient = request.UserName == WorldLoaderUser;
        ValidateMetadata(request.Resource, obj, causes, lenient);
        var json = obj.ToJson();
        switch (request.Resource.Group, request.Resource.Kind)
        {
            case ("", "Pod"):
                ValidatePodSpec(json["spec"] as JsonObject, "spec", causes, lenient);
                break;
            case ("", "Service"):
                ValidateService(json, causes);
                break;
            case ("apps", "Deployment" or "ReplicaSet" or "DaemonSet" or "StatefulSet"):
                ValidateWorkload(json, causes);
                break;
            case ("networking.k8s.io", "NetworkPolicy"):
                ValidateNetworkPolicy(json, causes);
                break;
            case ("vpcresources.k8s.aws", "SecurityGroupPolicy"):
                var groups = json["spec"]?["securityGroups"]?["groupIds"] as JsonArray;
                if (groups is null || groups.Count == 0)
                {
                    causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {groups?.Count ?? 0}: spec.securityGroups.groupIds in body should have at least 1 items", "spec.securityGroups.groupIds"));
                }

                break;
            case ("crd.k8s.amazonaws.com", "ENIConfig"):
                if (json["spec"]?["subnet"] is null)
                {
                    causes.Add(StatusCause.Required("spec.subnet"));
                }

                break;
        }

        return causes;
    }

    private static void ValidateMetadata(KubeResource resource, KubeObject obj, List<StatusCause> causes, bool lenient)
    {
        var name = obj.Name;
        var labelNamed = resource.Kind is "Namespace" && resource.Group.Length == 0;
        var dns1035 = resource.Kind is "Service" && resource.Group.Length == 0;
        var valid = dns1035 ? Dns1035Label().IsMatch(name) && name.Length <= 63
            : labelNamed ? Dns1123Label().IsMatch(name) && name.Length <= 63
            : Dns1123Subdomain().IsMatch(name) && name.Length <= 253;
        if (!valid && !lenient && resource.Kind is not "Event")
        {
            causes.Add(StatusCause.Invalid("metadata.name", name, dns1035 ? Dns1035LabelMessage : labelNamed ? Dns1123LabelMessage : Dns1123SubdomainMessage));
        }

        foreach (var (key, value) in obj.Labels)
        {
            if (LabelValidation.ValidateKey(key) is { } keyError)
            {
                causes.Add(StatusCause.Invalid("metadata.labels", key, keyError));
            }

            if (LabelValidation.ValidateValue(value) is { } valueError)
            {
                causes.Add(StatusCause.Invalid("metadata.labels", value, valueError));
            }
        }
    }

    private static void ValidatePodSpec(JsonObject? spec, string path, List<StatusCause> causes, bool lenient = false)
    {
        if (spec?["containers"] is not JsonArray { Count: > 0 } containers)
        {
            causes.Add(StatusCause.Required($"{path}.containers"));
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i] as JsonObject;
            var name = container?["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                causes.Add(StatusCause.Required($"{path}.containers[{i}].name"));
            }
            else if (!names.Add(name) && !lenient)
            {
                causes.Add(new StatusCause("FieldValueDuplicate", $"Duplicate value: \"{name}\"", $"{path}.containers[{i}].name"));
            }

            if (container?["image"] is null && !lenient)
            {
                causes.Add(StatusCause.Required($"{path}.containers[{i}].image"));
            }
        }
    }

    private static void ValidateWorkload(JsonObject json, List<StatusCause> causes)
    {
        var spec = json["spec"] as JsonObject;
        var template = spec?["template"] as JsonObject;
        ValidatePodSpec(template?["spec"] as JsonObject, "spec.template.spec", causes);
        if (spec?["selector"] is not JsonObject selectorJson)
        {
            causes.Add(StatusCause.Required("spec.selector"));
            return;
        }

        LabelSelector selector;
        try
        {
            selector = LabelSelector.FromLabelSelector(selectorJson);
        }
        catch (SelectorException e)
        {
            causes.Add(StatusCause.Invalid("spec.selector", selectorJson.ToJsonString(), e.Message));
            return;
        }

        if (selector.IsEverything)
        {
            causes.Add(StatusCause.Invalid("spec.selector", selectorJson.ToJsonString(), "empty selector is invalid for deployment"));
            return;
        }

        var labels = (template?["metadata"]?["labels"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);
        if (!selector.Matches(labels))
        {
            var shown = "map[string]string{" + string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"\"{l.Key}\":\"{l.Value}\"")) + "}";
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {shown}: `selector` does not match template `labels`", "spec.template.metadata.labels"));
        }
    }

    private static void ValidateService(JsonObject json, List<StatusCause> causes)
    {
        var spec = json["spec"] as JsonObject;
        var headless = spec?["clusterIP"]?.GetValue<string>() == "None";
        if (spec?["ports"] is not JsonArray { Count: > 0 } ports)
        {
            if (!headless && spec?["type"]?.GetValue<string>() != "ExternalName")
            {
                causes.Add(StatusCause.Required("spec.ports"));
            }

            return;
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i]?["port"];
            if (port is not JsonValue v || !v.TryGetValue<int>(out var number) || number is < 1 or > 65535)
            {
                causes.Add(port is null ? StatusCause.Required($"spec.ports[{i}].port")
                    : port is JsonValue n && n.TryGetValue<int>(out var outOfRange) ? InvalidNumber($"spec.ports[{i}].port", outOfRange, "must be between 1 and 65535, inclusive")
                    : StatusCause.Invalid($"spec.ports[{i}].port", port.ToJsonString(), "must be between 1 and 65535, inclusive"));
            }

            if (ports.Count > 1 && ports[i]?["name"] is null)
            {
                causes.Add(StatusCause.Required($"spec.ports[{i}].name"));
            }
        }
    }

    private static void ValidateNetworkPolicy(JsonObject json, List<StatusCause> causes)
    {
        var spec = json["spec"] as JsonObject;
        foreach (var type in (spec?["policyTypes"] as JsonArray ?? []).Select(t => t?.GetValue<string>() ?? string.Empty))
        {
            if (type is not ("Ingress" or "Egress"))
            {
                causes.Add(StatusCause.NotSupported("spec.policyTypes", type, ["Egress", "Ingress"]));
            }
        }

        foreach (var (direction, peers) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            var rules = spec?[direction] as JsonArray ?? [];
            for (var r = 0; r < rules.Count; r++)
            {
                var ports = rules[r]?["ports"] as JsonArray ?? [];
                for (var p = 0; p < ports.Count; p++)
                {
                    ValidatePolicyPort(ports[p] as JsonObject, $"spec.{direction}[{r}].ports[{p}]", causes);
                }

                var peerList = rules[r]?[peers] as JsonArray ?? [];
                for (var q = 0; q < peerList.Count; q++)
                {
                    if (peerList[q]?["ipBlock"] is JsonObject block)
                    {
                        ValidateIpBlock(block, $"spec.{direction}[{r}].{peers}[{q}].ipBlock", causes);
                    }
                }
            }
        }
    }

    private static void ValidatePolicyPort(JsonObject? port, string path, List<StatusCause> causes)
    {
        if (port is null)
        {
            return;
        }

        var protocol = port["protocol"]?.GetValue<string>() ?? "TCP";
        if (protocol is not ("TCP" or "UDP" or "SCTP"))
        {
            causes.Add(StatusCause.NotSupported($"{path}.protocol", protocol, ["SCTP", "TCP", "UDP"]));
        }

        var portNode = port["port"];
        int? number = portNode is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;
        if (number is { } p && p is < 1 or > 65535)
        {
            causes.Add(InvalidNumber($"{path}.port", p, "must be between 1 and 65535, inclusive"));
        }

        if (port["endPort"] is not JsonValue endValue || !endValue.TryGetValue<int>(out var endPort))
        {
            return;
        }

        // As the API server words them: field.Invalid with the number unquoted (and `port` shown when endPort is below it).
        if (portNode is null)
        {
            causes.Add(InvalidNumber($"{path}.endPort", endPort, "may not be specified when `port` is not specified"));
        }
        else if (number is null)
        {
            causes.Add(InvalidNumber($"{path}.endPort", endPort, "may not be specified when `port` is non-numeric"));
        }
        else if (endPort < number)
        {
            causes.Add(InvalidNumber($"{path}.endPort", number.Value, "must be greater than or equal to `port`"));
        }
    }

    private static void ValidateIpBlock(JsonObject block, string path, List<StatusCause> causes)
    {
        var cidrText = block["cidr"]?.GetValue<string>();
        if (cidrText is null)
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
            var text = except[i]?.GetValue<string>() ?? string.Empty;
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

    /// <summary>field.Invalid for a number: Go prints it without quotes.</summary>
    private static StatusCause InvalidNumber(string field, int value, string detail)
        => new("FieldValueInvalid", string.Create(CultureInfo.InvariantCulture, $"Invalid value: {value}: {detail}"), field);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();
}
