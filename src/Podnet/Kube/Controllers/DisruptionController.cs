using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// kube-controller-manager's disruption controller (k8s.io/kubernetes pkg/controller/disruption/disruption.go): keeps
/// each PodDisruptionBudget's status — <c>expectedPods</c>, <c>currentHealthy</c>, <c>desiredHealthy</c>,
/// <c>disruptionsAllowed</c> and the <c>DisruptionAllowed</c> condition — from the pods its selector picks, which the
/// eviction subresource reads (<see cref="ObjectStore.Evict"/>) and <c>kubectl get pdb</c> prints (ALLOWED DISRUPTIONS).
/// </summary>
/// <remarks>
/// As getExpectedPodCount: an integer <c>minAvailable</c> is the desired healthy count and the pods selected are the
/// expected ones; a percentage <c>minAvailable</c> or any <c>maxUnavailable</c> counts the expected pods from the scale
/// of the pods' controllers (a ReplicaSet's or StatefulSet's <c>spec.replicas</c>), and a selected pod without such a
/// controller leaves the budget allowing no disruption, with the controller's <c>NoControllers</c> warning. Healthy pods
/// are Ready pods not being deleted and not disrupted by an eviction the controller has not seen go (countHealthyPods
/// with <c>status.disruptedPods</c>, each entry kept for 2 minutes).
/// </remarks>
public sealed class DisruptionController : ReconcilingController
{
    public const string Component = "controllermanager";

    /// <summary>How long an eviction's entry in <c>status.disruptedPods</c> holds its pod out of the healthy count (DeletionTimeout).</summary>
    public static readonly TimeSpan DeletionTimeout = TimeSpan.FromMinutes(2);

    private readonly EventRecorder _events;

    public DisruptionController(ObjectStore store, TimeProvider time, EventRecorder events)
        : base(store, time)
    {
        _events = events;
    }

    public override string Name => "disruption-controller";

    /// <inheritdoc/>
    public override void OnChange(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (Is(change, "policy", "PodDisruptionBudget"))
        {
            Queue.Add(new ObjectKey(change.Object.Namespace, change.Object.Name));
        }
        else if (Is(change, string.Empty, "Pod") && change.Object.Namespace is { } ns)
        {
            // The budgets that select the pod as it is, or as it was (addPod, updatePod, deletePod: getPdbForPod).
            foreach (var budget in Store.List(Store.Resources.For("policy/v1", "PodDisruptionBudget"), ns).Items)
            {
                var selector = LabelSelector.OfSpec(budget);
                if (selector.Matches(change.Object.Labels) || (change.Previous is { } old && selector.Matches(old.Labels)))
                {
                    Queue.Add(new ObjectKey(ns, budget.Name));
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        var budgets = Store.Resources.For("policy/v1", "PodDisruptionBudget");
        if (Store.TryGet(budgets, key.Namespace, key.Name) is not { } budget || budget.IsTerminating)
        {
            return ReconcileResult.Done;
        }

        var now = Time.GetUtcNow();
        var selector = LabelSelector.OfSpec(budget);
        var pods = Store.List(Store.Resources.For("v1", "Pod"), key.Namespace).Items.Where(p => selector.Matches(p.Labels)).ToList();

        // Evictions not yet seen through: their pods are not healthy for 2 minutes, unless they are going already.
        var disrupted = new JsonObject();
        DateTimeOffset? recheck = null;
        foreach (var (pod, at) in budget.Peek("status.disruptedPods") as JsonObject ?? [])
        {
            if (Validation.JsonText.String(at) is { } text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                && when + DeletionTimeout > now && pods.Any(p => p.Name == pod && !p.IsTerminating))
            {
                disrupted[pod] = text;
                recheck = Earlier(recheck, when + DeletionTimeout);
            }
        }

        var healthy = pods.Count(p => !p.IsTerminating && !disrupted.ContainsKey(p.Name) && PodView.Of(p).IsReady);
        var (expected, desired, noController) = Expected(budget, pods);
        if (noController is not null)
        {
            _events.Warning(budget, "NoControllers", $"found no controllers for pod \"{noController}\"", Component);
        }

        var allowed = noController is null ? Math.Max(0, healthy - desired) : 0;
        var status = new JsonObject
        {
            ["observedGeneration"] = budget.Generation,
            ["disruptionsAllowed"] = allowed,
            ["currentHealthy"] = healthy,
            ["desiredHealthy"] = desired,
            ["expectedPods"] = expected,
        };
        if (disrupted.Count > 0)
        {
            status["disruptedPods"] = disrupted;
        }

        // The DisruptionAllowed condition (policy/v1: reasons SufficientPods, InsufficientPods), its time kept while it holds.
        var condition = allowed > 0 ? ("True", "SufficientPods") : ("False", "InsufficientPods");
        // Read as any client may have written them (the status subresource takes what it is sent).
        var was = (budget.Peek("status.conditions") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => Validation.JsonText.String(c["type"]) == "DisruptionAllowed");
        var since = Validation.JsonText.String(was?["status"]) == condition.Item1 ? Validation.JsonText.String(was!["lastTransitionTime"]) : null;
        status["conditions"] = new JsonArray(new JsonObject
        {
            ["type"] = "DisruptionAllowed",
            ["status"] = condition.Item1,
            ["observedGeneration"] = budget.Generation,
            ["lastTransitionTime"] = since ?? KubeObject.FormatTimestamp(now),
            ["reason"] = condition.Item2,
            ["message"] = string.Empty,
        });

        if (!JsonNode.DeepEquals(status, budget.Peek("status")))
        {
            Store.UpdateStatus(budget.With(json => json["status"] = status), RequestContext.ServiceAccount("kube-system", "disruption-controller"));
        }

        return ReconcileResult.AfterOrDone(recheck - now);

        static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset b) => a is null || b < a ? b : a;
    }

    /// <summary>
    /// getExpectedPodCount: the expected pods, the desired healthy count, and a selected pod without a scalable controller
    /// where the scale is needed (null when none).
    /// </summary>
    private (int Expected, int Desired, string? NoController) Expected(KubeObject budget, IReadOnlyList<KubeObject> pods)
    {
        var maxUnavailable = budget.Peek("spec.maxUnavailable");
        var minAvailable = budget.Peek("spec.minAvailable");
        if (maxUnavailable is null && minAvailable is JsonValue integer && integer.TryGetValue<int>(out var count))
        {
            return (pods.Count, count, null);
        }

        if (maxUnavailable is null && minAvailable is null)
        {
            return (pods.Count, 0, null);
        }

        // getExpectedScale: each controller's scale once, for the pods that have one.
        var scales = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (pod.OwnerReferences.FirstOrDefault(o => o.Controller) is not { Kind: "ReplicaSet" or "StatefulSet" or "ReplicationController" } owner
                || Store.TryGet(Store.Resources.For(owner.ApiVersion, owner.Kind), pod.Namespace, owner.Name) is not { } controller)
            {
                return (0, 0, pod.Name);
            }

            scales[owner.Uid] = controller.Peek("spec.replicas") is JsonValue replicas && replicas.TryGetValue<int>(out var r) ? r : 1;
        }

        var expected = scales.Values.Sum();
        return maxUnavailable is not null
            ? (expected, Math.Max(0, expected - Scaled(maxUnavailable, expected)), null)
            : (expected, Scaled(minAvailable!, expected), null);
    }

    /// <summary>intstr.GetScaledValueFromIntOrPercent, rounding up: an integer as it is, a percentage of <paramref name="total"/>.</summary>
    internal static int Scaled(JsonNode value, int total)
    {
        if (value is JsonValue v && v.TryGetValue<int>(out var number))
        {
            return number;
        }

        var text = value.ToString();
        return text.EndsWith('%') && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
            ? (int)Math.Ceiling(percent * total / 100.0)
            : 0;
    }
}
