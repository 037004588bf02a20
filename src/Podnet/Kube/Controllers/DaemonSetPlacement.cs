using System.Text.Json.Nodes;
using Podnet.Kube.Selectors;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// Which nodes a DaemonSet's pod template runs on (daemon_controller.go <c>NodeShouldRunDaemonPod</c>, through
/// <c>predicates</c>): its node selector, its required node affinity, and the node's NoSchedule/NoExecute taints against
/// its tolerations plus those the controller adds to every daemon pod. Read from the template once, then asked per
/// node, so a sync over every node and the check of one changed node do not read the template again.
/// </summary>
internal sealed class DaemonSetPlacement
{
    /// <summary>
    /// The tolerations <c>util.AddOrUpdateDaemonPodTolerations</c> gives every daemon pod: it may run on not-ready,
    /// unreachable, pressured and unschedulable nodes. Only read, so shared.
    /// </summary>
    private static readonly JsonObject[] DaemonTolerations =
    [
        .. new[]
        {
            ("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
            ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"),
            ("node.kubernetes.io/pid-pressure", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule"),
        }.Select(t => new JsonObject { ["key"] = t.Item1, ["operator"] = "Exists", ["effect"] = t.Item2 }),
    ];

    /// <summary>The tolerations every daemon pod gets, as new objects to add to a pod.</summary>
    public static IEnumerable<JsonObject> NewDaemonTolerations() => DaemonTolerations.Select(t => (JsonObject)t.DeepClone());

    private readonly KeyValuePair<string, string?>[] _nodeSelector;

    /// <summary>The required node affinity's terms, ORed; null when there are none (every node matches); a null term never matches.</summary>
    private readonly LabelSelector?[]? _affinityTerms;

    private readonly JsonObject[] _tolerations;

    private DaemonSetPlacement(KeyValuePair<string, string?>[] nodeSelector, LabelSelector?[]? affinityTerms, JsonObject[] tolerations)
        => (_nodeSelector, _affinityTerms, _tolerations) = (nodeSelector, affinityTerms, tolerations);

    /// <summary>The placement of a pod template (the DaemonSet's <c>spec.template</c>).</summary>
    public static DaemonSetPlacement Of(JsonNode? template)
    {
        // Read as the template may be (its affinity is not typed on the way in): a part of another shape is absent.
        var spec = (template as JsonObject)?["spec"] as JsonObject;
        var nodeSelector = (spec?["nodeSelector"] as JsonObject ?? []).Select(p => KeyValuePair.Create(p.Key, Validation.JsonText.String(p.Value))).ToArray();
        var tolerations = (spec?["tolerations"] as JsonArray ?? []).OfType<JsonObject>().Concat(DaemonTolerations).ToArray();
        return new DaemonSetPlacement(nodeSelector, AffinityTerms(spec?["affinity"]), tolerations);
    }

    /// <summary>Whether the pod runs on <paramref name="node"/>.</summary>
    public bool Fits(NodeView node)
    {
        foreach (var (key, value) in _nodeSelector)
        {
            if (node.Object.Label(key) != value)
            {
                return false;
            }
        }

        if (_affinityTerms is { } terms && !terms.Any(term => term?.Matches(node.Object.Labels) == true))
        {
            return false;
        }

        return node.Taints.Where(t => t.KeepsPodsOff).All(t => t.IsToleratedBy(_tolerations));
    }

    /// <summary>
    /// <c>requiredDuringSchedulingIgnoredDuringExecution</c>: the terms are ORed, a term's expressions ANDed; an empty
    /// or absent list matches every node (<c>nodeaffinity.NewLazyErrorNodeSelector</c>). <c>matchExpressions</c> take the
    /// label selector operators (In, NotIn, Exists, DoesNotExist); a term the label selector cannot read (Gt, Lt,
    /// <c>matchFields</c>) matches no node here.
    /// </summary>
    private static LabelSelector?[]? AffinityTerms(JsonNode? affinity)
    {
        if ((affinity as JsonObject)?["nodeAffinity"] is not JsonObject nodeAffinity
            || nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"] is not JsonObject required
            || required["nodeSelectorTerms"] is not JsonArray { Count: > 0 } terms)
        {
            return null;
        }

        return [.. terms.OfType<JsonObject>().Select(Term)];

        static LabelSelector? Term(JsonObject term)
        {
            if (term["matchFields"] is JsonArray { Count: > 0 } || term["matchExpressions"] is not JsonArray { Count: > 0 } expressions)
            {
                return null;
            }

            try
            {
                return LabelSelector.FromLabelSelector(new JsonObject { ["matchExpressions"] = expressions.DeepClone() });
            }
            catch (SelectorException)
            {
                return null;
            }
        }
    }
}
