using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Views;

/// <summary>The parts of a Node the scheduler and controllers read.</summary>
public sealed class NodeView
{
    private readonly JsonObject _json;

    public NodeView(KubeObject node)
    {
        Object = node;
        _json = node.Raw;
    }

    public KubeObject Object { get; }

    public string Name => _name ??= Object.Name;

    public bool Unschedulable => _unschedulable ??= _json["spec"]?["unschedulable"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public bool IsReady => Condition("Ready") == "True";

    public string? InternalIP => Address("InternalIP");

    public string? ProviderId => _json["spec"]?["providerID"]?.GetValue<string>();

    /// <summary>
    /// The instance ID in <c>aws:///us-west-2a/i-0123…</c>; null for a node that is no EC2 instance, such as a Fargate
    /// node (<c>aws:///us-west-2a/…/fargate-ip-…</c>).
    /// </summary>
    public string? InstanceId => ProviderId?[(ProviderId.LastIndexOf('/') + 1)..] is { } id && id.StartsWith("i-", StringComparison.Ordinal) ? id : null;

    /// <summary>Whether EKS runs this node on Fargate: the label <c>eks.amazonaws.com/compute-type=fargate</c>.</summary>
    public bool IsFargate => _json["metadata"]?["labels"]?["eks.amazonaws.com/compute-type"] is JsonValue v && v.TryGetValue<string>(out var type) && type == "fargate";

    public IReadOnlyList<Taint> Taints
        => _taints ??= [.. (_json["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>().Select(t => new Taint(
            t["key"]?.GetValue<string>() ?? string.Empty,
            t["value"]?.GetValue<string>(),
            t["effect"]?.GetValue<string>() ?? "NoSchedule"))];

    public IReadOnlyDictionary<string, decimal> Allocatable => _allocatable ??= Resources("allocatable");

    public IReadOnlyDictionary<string, decimal> Capacity => _capacity ??= Resources("capacity");

    // A view reads an object that never changes, so what it parses once holds (the scheduler asks per attempt).
    private string? _name;
    private bool? _unschedulable;
    private IReadOnlyList<Taint>? _taints;
    private IReadOnlyDictionary<string, decimal>? _allocatable;
    private IReadOnlyDictionary<string, decimal>? _capacity;

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
            if (Quantity.TryParse(value?.GetValue<string>(), out var amount))
            {
                result[name] = amount;
            }
        }

        return result;
    }
}

public sealed record Taint(string Key, string? Value, string Effect)
{
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
