using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// core validation's ValidatePodSpec, the parts that touch networking: containers (names, images) and their ports
/// (validateContainerPorts), shared by pods and the pod templates of workloads.
/// </summary>
public static class PodSpecValidation
{
    /// <summary>Adds the causes for the pod spec at <paramref name="path"/>.</summary>
    public static void Validate(JsonObject? spec, string path, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(causes);
        if (spec?["containers"] is not JsonArray { Count: > 0 } containers)
        {
            causes.Add(StatusCause.Required($"{path}.containers"));
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i] as JsonObject;
            var at = $"{path}.containers[{i}]";
            var name = JsonText.String(container?["name"]);
            if (string.IsNullOrEmpty(name))
            {
                causes.Add(StatusCause.Required($"{at}.name"));
            }
            else if (!names.Add(name) && !options.Lenient)
            {
                causes.Add(StatusCause.Duplicate($"{at}.name", name));
            }

            if (container?["image"] is null && !options.Lenient)
            {
                causes.Add(StatusCause.Required($"{at}.image"));
            }

            ValidatePorts(container?["ports"], $"{at}.ports", causes);
        }
    }

    /// <summary>validateContainerPorts: containerPort required and in range, hostPort in range, a valid name, a protocol the API knows.</summary>
    private static void ValidatePorts(JsonNode? ports, string path, List<StatusCause> causes)
    {
        var list = JsonText.Objects(ports);
        for (var p = 0; p < list.Count; p++)
        {
            var port = list[p];
            var at = $"{path}[{p}]";
            var containerPort = JsonText.Integer(port?["containerPort"]) ?? 0;
            if (containerPort == 0)
            {
                causes.Add(StatusCause.Required($"{at}.containerPort"));
            }
            else if (containerPort is < 1 or > 65535)
            {
                causes.Add(StatusCause.Invalid($"{at}.containerPort", containerPort, ValidationMessages.PortNumber));
            }

            if (JsonText.Integer(port?["hostPort"]) is { } hostPort and not 0 && hostPort is < 1 or > 65535)
            {
                causes.Add(StatusCause.Invalid($"{at}.hostPort", hostPort, ValidationMessages.PortNumber));
            }

            if (JsonText.String(port?["name"]) is { Length: > 0 } name)
            {
                causes.AddRange(PortNameValidation.Errors(name).Select(e => StatusCause.Invalid($"{at}.name", name, e)));
            }

            if (JsonText.String(port?["protocol"]) is { } protocol && !ValidationMessages.Protocols.Contains(protocol))
            {
                causes.Add(StatusCause.NotSupported($"{at}.protocol", protocol, ValidationMessages.Protocols));
            }
        }
    }
}
