using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// Services (core validation's ValidateService, the networking parts): ports required unless headless or
/// ExternalName, each port and numeric targetPort in range, a known protocol, names when there are several.
/// </summary>
public sealed class ServiceStrategy() : KindStrategy(string.Empty, "Service", GoTypes.Kind("v1.Service", ("spec", GoTypes.ServiceSpec), ("status", GoType.Any)))
{
    /// <inheritdoc/>
    public override bool HasDefaults => true;

    /// <inheritdoc/>
    public override void Default(JsonObject obj, bool create)
    {
        var spec = obj.GetOrAddObject("spec");
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        var type = JsonText.String(spec["type"]);

        // SetDefaults_Service (pkg/apis/core/v1/defaults.go): the traffic policies only for the types kube-proxy
        // serves; an ExternalName Service is a DNS name alone, with no cluster IP and so no IP families.
        if (type is "NodePort" or "LoadBalancer")
        {
            spec["externalTrafficPolicy"] ??= "Cluster";
        }

        if (type is "ClusterIP" or "NodePort" or "LoadBalancer")
        {
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        if (type != "ExternalName")
        {
            spec["ipFamilyPolicy"] ??= "SingleStack";
            spec["ipFamilies"] ??= new JsonArray("IPv4");
        }

        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
            port["targetPort"] ??= port["port"]?.DeepClone();
        }
    }

    /// <inheritdoc/>
    public override void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(causes);
        var spec = obj["spec"] as JsonObject;
        var headless = JsonText.String(spec?["clusterIP"]) == "None";
        if (JsonText.String(spec?["type"]) == "ExternalName")
        {
            // ValidateService (pkg/apis/core/validation): the CNAME may end in one dot; empty is required, anything
            // else must be a DNS-1123 subdomain.
            var externalName = JsonText.String(spec?["externalName"]) ?? string.Empty;
            var cname = externalName.EndsWith('.') ? externalName[..^1] : externalName;
            if (cname.Length == 0)
            {
                causes.Add(StatusCause.Required("spec.externalName"));
            }
            else
            {
                foreach (var error in Selectors.LabelValidation.Dns1123SubdomainErrors(cname))
                {
                    causes.Add(StatusCause.Invalid("spec.externalName", cname, error));
                }
            }
        }

        if (spec?["ports"] is not JsonArray { Count: > 0 } ports)
        {
            if (!headless && JsonText.String(spec?["type"]) != "ExternalName")
            {
                causes.Add(StatusCause.Required("spec.ports"));
            }

            return;
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var at = $"spec.ports[{i}]";
            var port = ports[i] as JsonObject;
            switch (JsonText.Integer(port?["port"]))
            {
                case null:
                    causes.Add(StatusCause.Required($"{at}.port"));
                    break;
                case { } number and (< 1 or > 65535):
                    causes.Add(StatusCause.Invalid($"{at}.port", number, ValidationMessages.PortNumber));
                    break;
            }

            if (JsonText.Integer(port?["targetPort"]) is { } target and (< 1 or > 65535))
            {
                causes.Add(StatusCause.Invalid($"{at}.targetPort", target, ValidationMessages.PortNumber));
            }

            if (JsonText.String(port?["protocol"]) is { } protocol && !ValidationMessages.Protocols.Contains(protocol))
            {
                causes.Add(StatusCause.NotSupported($"{at}.protocol", protocol, ValidationMessages.Protocols));
            }

            if (ports.Count > 1 && port?["name"] is null)
            {
                causes.Add(StatusCause.Required($"{at}.name"));
            }
        }
    }
}
