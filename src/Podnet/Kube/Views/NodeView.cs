using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Views;

/// <summary>
/// The parts of a Node the scheduler and controllers read. What a view parses once is kept with the object version
/// (<see cref="KubeObject.Facts{T}"/>), so the next view of the same version (each kubelet sync and each sandbox attempt
/// makes one) reads nothing again.
/// </summary>
public sealed class NodeView
{
    private readonly JsonObject _json;
    private readonly Read _read;

    public NodeView(KubeObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Object = node;
        _json = node.Raw;
        _read = node.Facts(static _ => new Read());
    }

    public KubeObject Object { get; }

    public string Name => _read.Name ??= Object.Name;

    public bool Unschedulable => _read.Unschedulable ??= _json["spec"]?["unschedulable"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public bool IsReady => Condition("Ready") == "True";

    public string? InternalIP
    {
        get
        {
            if (_read.InternalIP is not { Read: true } known)
            {
                known = (Address("InternalIP"), true);
                _read.InternalIP = known;
            }

            return known.Value;
        }
    }

    public string? ProviderId => _json["spec"]?["providerID"]?.GetValue<string>();

    /// <summary>
    /// The instance ID in <c>aws:///us-west-2a/i-0123…</c>; null for a node that is no EC2 instance, such as a Fargate
    /// node (<c>aws:///us-west-2a/…/fargate-ip-…</c>).
    /// </summary>
    public string? InstanceId => ProviderId?[(ProviderId.LastIndexOf('/') + 1)..] is { } id && id.StartsWith("i-", StringComparison.Ordinal) ? id : null;

    /// <summary>Whether EKS runs this node on Fargate: the label <c>eks.amazonaws.com/compute-type=fargate</c>.</summary>
    public bool IsFargate => _json["metadata"]?["labels"]?["eks.amazonaws.com/compute-type"] is JsonValue v && v.TryGetValue<string>(out var type) && type == "fargate";

    /// <summary>
    /// <c>status.nodeInfo.containerRuntimeVersion</c> (<c>containerd://1.7.27</c>, <c>docker://20.10.17</c>); empty when
    /// the node does not say.
    /// </summary>
    public string ContainerRuntimeVersion => _read.ContainerRuntimeVersion ??= _json["status"]?["nodeInfo"]?["containerRuntimeVersion"] is JsonValue v && v.TryGetValue<string>(out var runtime) ? runtime : string.Empty;

    public IReadOnlyList<Taint> Taints
        => _read.Taints ??= [.. (_json["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>().Select(t => new Taint(
            t["key"]?.GetValue<string>() ?? string.Empty,
            t["value"]?.GetValue<string>(),
            t["effect"]?.GetValue<string>() ?? "NoSchedule"))];

    public IReadOnlyDictionary<string, decimal> Allocatable => _read.Allocatable ??= Resources("allocatable");

    public IReadOnlyDictionary<string, decimal> Capacity => _read.Capacity ??= Resources("capacity");

    public string? Condition(string type)
        => (_json["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == type)?["status"]?.GetValue<string>();

    public string? Address(string type)
        => (_json["status"]?["addresses"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(a => a["type"]?.GetValue<string>() == type)?["address"]?.GetValue<string>();

    private Dictionary<string, decimal> Resources(string section)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, value) in _json["status"]?[section] as JsonObject ?? [])
        {
            // A quantity may be a bare number, as Quantity.UnmarshalJSON reads one (the API server would store its
            // canonical string; Podnet keeps what was sent): its text is parsed either way.
            if (Quantity.TryParse(value?.ToString(), out var amount))
            {
                result[name] = amount;
            }
        }

        return result;
    }

    /// <summary>
    /// What views have read of one node version, each when first asked: an object that never changes, so what is parsed
    /// once holds. Copies only (strings, records, dictionaries), no part of the tree.
    /// </summary>
    private sealed class Read
    {
        public string? Name { get; set; }

        public bool? Unschedulable { get; set; }

        public (string? Value, bool Read)? InternalIP { get; set; }

        public string? ContainerRuntimeVersion { get; set; }

        public IReadOnlyList<Taint>? Taints { get; set; }

        public IReadOnlyDictionary<string, decimal>? Allocatable { get; set; }

        public IReadOnlyDictionary<string, decimal>? Capacity { get; set; }
    }
}

public sealed record Taint(string Key, string? Value, string Effect)
{
    /// <summary>
    /// Whether the taint keeps untolerating pods off the node (effect <c>NoSchedule</c> or <c>NoExecute</c>; the
    /// TaintToleration filter's <c>doNotScheduleTaintsFilterFunc</c>); <c>PreferNoSchedule</c> only weighs in scoring.
    /// </summary>
    public bool KeepsPodsOff => Effect is "NoSchedule" or "NoExecute";

    /// <summary>Whether one of the tolerations tolerates this taint (the rules of ToleratesTaint).</summary>
    public bool IsToleratedBy(IEnumerable<JsonObject> tolerations) => tolerations.Any(t =>
    {
        var effect = t["effect"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(effect) && effect != Effect)
        {
            return false;
        }

        var key = t["key"]?.GetValue<string>();
        var op = t["operator"]?.GetValue<string>() ?? "Equal";
        if (string.IsNullOrEmpty(key))
        {
            return op == "Exists";
        }

        return key == Key && (op == "Exists" || (t["value"]?.GetValue<string>() ?? string.Empty) == (Value ?? string.Empty));
    });

    /// <summary>How the scheduler writes it: <c>{node.kubernetes.io/not-ready: }</c>.</summary>
    public override string ToString() => $"{{{Key}: {Value}}}";
}
