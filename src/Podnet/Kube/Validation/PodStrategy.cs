using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;

namespace Podnet.Kube.Validation;

/// <summary>
/// Pods (pkg/registry/core/pod/strategy.go): the spec as ValidatePodSpec checks it, and the addresses of a status a
/// world carries as ValidatePodStatusUpdate's validatePodIPs checks them (status.podIP is status.podIPs[0] once
/// converted, so that is the field named).
/// </summary>
public sealed class PodStrategy() : KindStrategy(string.Empty, "Pod", GoTypes.Kind("v1.Pod", ("spec", GoTypes.PodSpec), ("status", GoTypes.PodStatus)))
{
    /// <inheritdoc/>
    public override bool HasDefaults => true;

    /// <inheritdoc/>
    public override void Default(JsonObject obj, bool create)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var spec = obj.GetOrAddObject("spec");
        PodSpecDefaults.Apply(spec);
        PodSpecDefaults.ApplyPodOnly(spec);
        if (!create)
        {
            return;
        }

        // A pod restored with its status (a dump of a running cluster) keeps it; one with an address is running.
        var status = obj["status"] as JsonObject ?? [];
        status["phase"] ??= status["podIP"] is null ? "Pending" : "Running";
        status["qosClass"] ??= PodSpecDefaults.QosClass(spec);
        obj["status"] = status;
    }

    /// <inheritdoc/>
    public override void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        PodSpecValidation.Validate(obj["spec"] as JsonObject, "spec", options, causes);
        var ips = Addresses(obj);
        for (var i = 0; i < ips.Count; i++)
        {
            if (!IpAddressText.TryParse(ips[i], out _))
            {
                causes.Add(StatusCause.Invalid($"status.podIPs[{i}]", ips[i], ValidationMessages.IpAddress));
            }
        }
    }

    /// <summary>
    /// The pod's addresses as the API server sees them: status.podIPs, or status.podIP as its only element
    /// (Convert_v1_PodStatus_To_core_PodStatus), as written.
    /// </summary>
    public static IReadOnlyList<string> Addresses(JsonObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var status = pod["status"] as JsonObject;
        var ips = JsonText.Objects(status?["podIPs"]).Select(p => JsonText.String(p?["ip"]) ?? string.Empty).ToList();
        if (ips.Count == 0 && JsonText.String(status?["podIP"]) is { Length: > 0 } podIP)
        {
            ips.Add(podIP);
        }

        return ips;
    }
}
