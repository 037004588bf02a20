using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;

namespace Podnet.Kube.Views;

/// <summary>
/// The parts of a Pod the controllers read (<see cref="Of"/>). The view, and what it reads once (node, phase, readiness,
/// requests, tolerations …), is kept with the object version (<see cref="KubeObject.Facts{T}"/>), so a controller that
/// views a version another controller viewed before reads nothing again.
/// </summary>
public sealed class PodView
{
    // What the view has read of its object version: the scalars every controller asks for when the view is made, the
    // rest when first asked.
    private IReadOnlyDictionary<string, string>? _nodeSelector;
    private IReadOnlyList<JsonObject>? _tolerations;
    private IReadOnlyList<JsonObject>? _containers;
    private IReadOnlyList<JsonObject>? _initContainers;
    private IReadOnlyDictionary<string, decimal>? _requests;
    private IReadOnlyList<HostPort>? _hostPorts;
    private (string? Name, bool Read) _affinityNodeName;
    private (string Resource, bool Asks)? _firstContainerAsks;
    private bool? _hasContainerStatuses;

    private PodView(KubeObject pod)
    {
        Object = pod;
        var json = pod.Raw;
        var spec = json["spec"] as JsonObject;
        var status = json["status"] as JsonObject;
        NodeName = spec?["nodeName"]?.GetValue<string>() is { Length: > 0 } node ? node : null;
        HostNetwork = spec?["hostNetwork"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        Phase = status?["phase"]?.GetValue<string>() ?? "Pending";
        PodIP = status?["podIP"]?.GetValue<string>() is { Length: > 0 } ip ? ip : null;
        IsReady = ConditionOf(json, "Ready")?["status"]?.GetValue<string>() == "True";
    }

    /// <summary>
    /// The view of <paramref name="pod"/>'s version: made once and kept with it (<see cref="KubeObject.Facts{T}"/>), so a
    /// controller that counts a ReplicaSet's pods on every change of one of them makes no view of the others again.
    /// </summary>
    public static PodView Of(KubeObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Facts(static p => new PodView(p));
    }

    public KubeObject Object { get; }

    /// <summary>The pod's JSON, read through the object each time (the object may be kept compact).</summary>
    private JsonObject Json => Object.Raw;

    public string Name => Object.Name;

    public string Namespace => Object.Namespace ?? "default";

    public string? NodeName { get; }

    public string SchedulerName => Json["spec"]?["schedulerName"]?.GetValue<string>() ?? "default-scheduler";

    public bool HostNetwork { get; }

    public string Phase { get; }

    public string? PodIP { get; }

    /// <summary>
    /// <see cref="PodIP"/> as Kubernetes parses it (ParseIPSloppy: <c>10.0.0.01</c> is 10.0.0.1); null when absent.
    /// Compare this, not the text.
    /// </summary>
    public IPAddress? PodAddress => IpAddressText.ParseOrNull(PodIP);

    public bool IsTerminating => Object.IsTerminating;

    public bool IsFinished => Phase is "Succeeded" or "Failed";

    public bool IsReady { get; }

    public string? Condition(string type) => ConditionOf(Json, type)?["status"]?.GetValue<string>();

    /// <summary>
    /// Since when the scheduler has found no node for the pod (its <c>PodScheduled</c> condition is False with reason
    /// <see cref="PodConditions.UnschedulableReason"/>: the condition's lastTransitionTime); null for a pod not in
    /// that state.
    /// </summary>
    public DateTimeOffset? UnschedulableSince => ConditionOf(Json, "PodScheduled") is { } scheduled
        && scheduled["status"]?.GetValue<string>() == "False" && scheduled["reason"]?.GetValue<string>() == PodConditions.UnschedulableReason
            ? KubeObject.ParseTimestamp(scheduled["lastTransitionTime"]?.GetValue<string>()) ?? DateTimeOffset.MinValue
            : null;

    private static JsonObject? ConditionOf(JsonObject json, string type)
    {
        // A loop, not a query: IsReady asks for every pod a controller counts.
        if (json["status"]?["conditions"] is JsonArray conditions)
        {
            foreach (var condition in conditions)
            {
                if (condition is JsonObject c && c["type"] is JsonValue t && t.TryGetValue<string>(out var name) && name == type)
                {
                    return c;
                }
            }
        }

        return null;
    }

    public IReadOnlyDictionary<string, string> NodeSelector
        => _nodeSelector ??= (Json["spec"]?["nodeSelector"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);

    // Read once per object version (the scheduler asks these of one pod for every node it filters, 500 nodes per pod in
    // a 5,000-node cluster), and kept with the version: an object does not change under its views.
    public IReadOnlyList<JsonObject> Tolerations => _tolerations ??= [.. (Json["spec"]?["tolerations"] as JsonArray ?? []).OfType<JsonObject>()];

    public IReadOnlyList<JsonObject> Containers => _containers ??= [.. (Json["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()];

    public IReadOnlyList<JsonObject> InitContainers => _initContainers ??= [.. (Json["spec"]?["initContainers"] as JsonArray ?? []).OfType<JsonObject>()];

    /// <summary>
    /// Whether the first container names <paramref name="resource"/> (an extended resource such as
    /// <c>vpc.amazonaws.com/pod-eni</c>) in its limits or its requests. Kept with the version for the last resource
    /// asked: aws-node asks it of a pod on every sandbox attempt.
    /// </summary>
    public bool FirstContainerAsks(string resource)
    {
        if (_firstContainerAsks is { } known && known.Resource == resource)
        {
            return known.Asks;
        }

        var resources = Containers.Count > 0 ? Containers[0]["resources"] : null;
        var asks = resources?["limits"]?[resource] is not null || resources?["requests"]?[resource] is not null;
        _firstContainerAsks = (resource, asks);
        return asks;
    }

    /// <summary>Whether the pod's status lists its containers (the kubelet has shown them, waiting or running, before).</summary>
    public bool HasContainerStatuses => _hasContainerStatuses ??= Json["status"]?["containerStatuses"] is JsonArray;

    /// <summary>
    /// What the pod asks of a node, as the scheduler sums it: containers added up, init containers as a maximum,
    /// per resource name (cpu in cores, memory in bytes, extended resources as counts).
    /// </summary>
    public IReadOnlyDictionary<string, decimal> Requests => _requests ??= SumRequests();

    private Dictionary<string, decimal> SumRequests()
    {
        var sum = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var container in Containers)
        {
            foreach (var (name, value) in RequestsOf(container))
            {
                sum[name] = sum.GetValueOrDefault(name) + value;
            }
        }

        foreach (var container in InitContainers)
        {
            foreach (var (name, value) in RequestsOf(container))
            {
                sum[name] = Math.Max(sum.GetValueOrDefault(name), value);
            }
        }

        return sum;
    }

    /// <summary>
    /// Host ports the pod claims, as the scheduler's NodePorts plugin reads them (pkg/scheduler/util
    /// <c>GetHostPorts</c>): ports with a hostPort above 0 of the sidecar init containers (restartPolicy Always), which
    /// run the whole life of the pod, then of the containers. A hostNetwork pod's ports have their hostPort by then
    /// (<see cref="Validation.PodSpecDefaults.ApplyPodOnly"/>).
    /// </summary>
    public IEnumerable<HostPort> HostPorts
        => _hostPorts ??= [.. InitContainers.Where(c => c["restartPolicy"]?.GetValue<string>() == "Always").Concat(Containers)
            .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Where(p => p["hostPort"] is JsonValue h && h.TryGetValue<int>(out var port) && port > 0)
            .Select(p => HostPort.Of(p["hostIP"]?.GetValue<string>(), p["protocol"]?.GetValue<string>(), p["hostPort"]!.GetValue<int>()))];

    /// <summary>The node a DaemonSet pod is pinned to through node affinity on metadata.name.</summary>
    public string? AffinityNodeName
    {
        get
        {
            if (!_affinityNodeName.Read)
            {
                _affinityNodeName = ((Json["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] as JsonArray ?? [])
                    .OfType<JsonObject>()
                    .SelectMany(t => (t["matchFields"] as JsonArray ?? []).OfType<JsonObject>())
                    .Where(f => f["key"]?.GetValue<string>() == "metadata.name")
                    .Select(f => (f["values"] as JsonArray)?.FirstOrDefault()?.GetValue<string>())
                    .FirstOrDefault(), true);
            }

            return _affinityNodeName.Name;
        }
    }

    /// <summary>Limits count as requests when no request is given, as the API server defaults them.</summary>
    private static Dictionary<string, decimal> RequestsOf(JsonObject container)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var section in new[] { "limits", "requests" })
        {
            foreach (var (name, value) in container["resources"]?[section] as JsonObject ?? [])
            {
                var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
                if (Quantity.TryParse(text, out var amount))
                {
                    result[name] = amount;
                }
            }
        }

        return result;
    }
}
