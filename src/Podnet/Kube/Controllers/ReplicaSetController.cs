using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// Keeps a ReplicaSet's number of pods: creates pods named <c>&lt;replicaset&gt;-&lt;5 chars&gt;</c>, deletes surplus ones
/// (unscheduled, then not ready, then newest first), and reports replicas, ready and available counts.
/// </summary>
public sealed class ReplicaSetController : ReconcilingController
{
    public const string Component = "replicaset-controller";

    private readonly EventRecorder _events;

    public ReplicaSetController(ObjectStore store, TimeProvider time, EventRecorder events)
        : base(store, time)
    {
        _events = events;
    }

    public override string Name => Component;

    private KubeResource ReplicaSets => Store.Resources.For("apps/v1", "ReplicaSet");

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, "apps", "ReplicaSet"))
        {
            Queue.Add(ObjectKey.Of(change.Object));
        }
        else if (Is(change, string.Empty, "Pod") && PodTemplates.ControllerOf(change.Object) is { Kind: "ReplicaSet" } owner)
        {
            Queue.Add(new ObjectKey(change.Object.Namespace, owner.Name));
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        var replicaSet = Store.TryGet(ReplicaSets, key.Namespace, key.Name);
        if (replicaSet is null || replicaSet.IsTerminating)
        {
            return ReconcileResult.Done;
        }

        var context = RequestContext.ServiceAccount("kube-system", Component);
        var active = Active(replicaSet);
        var desired = replicaSet.Peek("spec.replicas")?.GetValue<int>() ?? 1;

        if (active.Count < desired)
        {
            var template = (JsonObject)replicaSet["spec.template"]!;
            for (var i = active.Count; i < desired; i++)
            {
                var pod = Store.CreateHandedOver(PodTemplates.NewPod(replicaSet, template, replicaSet.Name + "-").Raw, context, keepStatus: false, keepUid: false, decoded: false);
                _events.Normal(replicaSet, "SuccessfulCreate", $"Created pod: {pod.Name}", Component);
            }
        }
        else if (active.Count > desired)
        {
            var doomed = active
                .OrderBy(p => p.NodeName is null ? 0 : 1)
                .ThenBy(p => p.Phase == "Pending" ? 0 : 1)
                .ThenBy(p => p.IsReady ? 1 : 0)
                .ThenByDescending(p => p.Object.CreationTimestamp)
                .ThenByDescending(p => p.Name, StringComparer.Ordinal)
                .Take(active.Count - desired);
            foreach (var pod in doomed)
            {
                Store.Delete(Pods, pod.Namespace, pod.Name, DeleteOptions.Default, context);
                _events.Normal(replicaSet, "SuccessfulDelete", $"Deleted pod: {pod.Name}", Component);
            }
        }

        // What the status counts: the pods as they are after this pass's creates and deletes (most passes make none:
        // a pod's status changed, and the pods read above are still the ones there are).
        var current = active.Count == desired
            ? active
            : Active(replicaSet);
        var ready = 0;
        foreach (var pod in current)
        {
            ready += pod.IsReady ? 1 : 0;
        }

        var status = new JsonObject
        {
            ["replicas"] = current.Count,
            ["fullyLabeledReplicas"] = current.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["observedGeneration"] = GenerationOf(replicaSet),
        };
        if (!JsonNode.DeepEquals(replicaSet.Peek("status"), status))
        {
            Store.UpdateStatus(Store.Get(ReplicaSets, key.Namespace, key.Name).With(j => j["status"] = status), context);
        }

        return ReconcileResult.Done;
    }

    /// <summary>The pods <paramref name="replicaSet"/> controls that are neither terminating nor finished (one pass: a sync of a large ReplicaSet reads them all).</summary>
    private List<PodView> Active(KubeObject replicaSet)
    {
        var active = new List<PodView>();
        foreach (var pod in PodTemplates.Controlled(Store, Pods, replicaSet))
        {
            var view = new PodView(pod);
            if (!view.IsTerminating && !view.IsFinished)
            {
                active.Add(view);
            }
        }

        return active;
    }
}
