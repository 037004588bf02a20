using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;

namespace Podnet.Kube.Views;

/// <summary>The parts of a Pod the controllers read.</summary>
public sealed class PodView
{
    private readonly JsonObject _json;

    public PodView(KubeObject pod)
    {
        Object = pod;
        _json = pod.Raw;
    }

    public KubeObject Object { get; }

    public string Name => Object.Name;

    public string Namespace => Object.Namespace ?? "default";

    public string? NodeName => _json["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 } n ? n : null;

    public string SchedulerName => _json["spec"]?["schedulerName"]?.GetValue<string>() ?? "default-scheduler";

    public bool HostNetwork => _json["spec"]?["hostNetwork"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public string Phase => _json["status"]?["phase"]?.GetValue<string>() ?? "Pending";

    public string? PodIP => _json["status"]?["podIP"]?.GetValue<string>() is { Length: > 0 } ip ? ip : null;

    /// <summary>
    /// <see cref="PodIP"/> as Kubernetes parses it (ParseIPSloppy: <c>10.0.0.01</c> is 10.0.0.1); null when absent.
    /// Compare this, not the text.
    /// </summary>
    public IPAddress? PodAddress => IpAddressText.ParseOrNull(PodIP);

    public bool IsTerminating => Object.IsTerminating;

    public bool IsFinished => Phase is "Succeeded" or "Failed";

    public bool IsReady => Condition("Ready") == "True";

    public string? Condition(string type)
    {
        // A loop, not a query: IsReady asks for every pod a controller counts.
        if (_json["status"]?["conditions"] is JsonArray conditions)
        {
            foreach (var condition in conditions)
            {
                if (condition is JsonObject c && c["type"] is JsonValue t && t.TryGetValue<string>(out var name) && name == type)
                {
                    return c["status"]?.GetValue<string>();
                }
            }
        }

        return null;
    }

    public IReadOnlyDictionary<string, string> NodeSelector
        => _nodeSelector ??= (_json["spec"]?["nodeSelector"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);

    // Parsed once per view, as Requests is: the scheduler asks these of one pod for every node it filters (500 nodes
    // per pod in a 5,000-node cluster), and a view reads an object that does not change under it.
    private IReadOnlyDictionary<string, string>? _nodeSelector;
    private IReadOnlyList<JsonObject>? _tolerations;
    private IReadOnlyList<JsonObject>? _containers;
    private IReadOnlyList<JsonObject>? _initContainers;
    private IReadOnlyList<HostPort>? _hostPorts;
    private (string? Name, bool Read) _affinityNodeName;

    public IReadOnlyList<JsonObject> Tolerations => _tolerations ??= [.. (_json["spec"]?["tolerations"] as JsonArray ?? []).OfType<JsonObject>()];

    public IReadOnlyList<JsonObject> Containers => _containers ??= [.. (_json["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()];

    public IReadOnlyList<JsonObject> InitContainers => _initContainers ??= [.. (_json["spec"]?["initContainers"] as JsonArray ?? []).OfType<JsonObject>()];

    /// <summary>
    /// What the pod asks of a node, as the scheduler sums it: containers added up, init containers as a maximum,
    /// per resource name (cpu in cores, memory in bytes, extended resources as counts).
    /// </summary>
    public IReadOnlyDictionary<string, decimal> Requests => _requests ??= SumRequests();

    private IReadOnlyDictionary<string, decimal>? _requests;

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
                _affinityNodeName = ((_json["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] as JsonArray ?? [])
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
