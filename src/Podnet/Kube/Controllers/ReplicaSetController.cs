using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// Keeps a ReplicaSet's number of pods: creates pods named <c>&lt;replicaset&gt;-&lt;5 chars&gt;</c>, deletes surplus ones
/// (unscheduled, then not ready, then newest first), and reports replicas, ready and available counts.
/// </summary>
/// <remarks>
/// Which pods are its own is claimed as kube-controller-manager's ReplicaSet controller claims them
/// (replica_set.go claimPods, <see cref="PodClaims"/>): an active pod it controls whose labels its selector no longer
/// matches is released (<c>kubectl label pod web-… app=debug</c> takes a pod out of its ReplicaSet, which makes
/// another), and an active pod no controller owns that its selector matches is adopted — neither while the ReplicaSet
/// is being deleted.
/// </remarks>
public sealed class ReplicaSetController : ReconcilingController
{
    public const string Component = "replicaset-controller";

    /// <summary>The pods index of active pods without a controller, by namespace: those a ReplicaSet may adopt.</summary>
    private const string OrphanIndex = "replicaset-orphans";

    private readonly EventRecorder _events;

    public ReplicaSetController(ObjectStore store, TimeProvider time, EventRecorder events)
        : base(store, time)
    {
        _events = events;
        store.AddIndex(Pods, OrphanIndex, static pod => PodTemplates.ControllerOf(pod) is null && pod.Namespace is { } ns && IsActive(PodView.Of(pod)) ? [ns] : []);
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
        else if (Is(change, string.Empty, "Pod"))
        {
            // replica_set.go addPod/updatePod: the controller's own ReplicaSet, the one it had before, or for an orphan
            // every ReplicaSet of its namespace that matches it and may adopt it.
            var owner = PodTemplates.ControllerOf(change.Object);
            if (owner is { Kind: "ReplicaSet" })
            {
                Queue.Add(new ObjectKey(change.Object.Namespace, owner.Name));
            }

            if (change.Previous is { } previous && PodTemplates.ControllerOf(previous) is { Kind: "ReplicaSet" } before && before.Uid != owner?.Uid)
            {
                Queue.Add(new ObjectKey(previous.Namespace, before.Name));
            }

            if (owner is null && change.Type != WatchEventType.Deleted && change.Object.Namespace is { } ns)
            {
                foreach (var replicaSet in Store.List(ReplicaSets, ns).Items)
                {
                    if (LabelSelector.OfSpec(replicaSet).Matches(change.Object.Labels))
                    {
                        Queue.Add(ObjectKey.Of(replicaSet));
                    }
                }
            }
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

        var status = SizedJsonObject.Of(
            ("replicas", current.Count),
            ("fullyLabeledReplicas", current.Count),
            ("readyReplicas", ready),
            ("availableReplicas", ready),
            ("observedGeneration", GenerationOf(replicaSet)));
        if (!JsonNode.DeepEquals(replicaSet.Peek("status"), status))
        {
            Store.UpdateStatusHandedOver(Store.Get(ReplicaSets, key.Namespace, key.Name), status, context);
        }

        return ReconcileResult.Done;
    }

    /// <summary>
    /// The pods <paramref name="replicaSet"/> controls that are neither terminating nor finished, after releasing those
    /// its selector no longer matches and adopting the orphans it does (one pass: a sync of a large ReplicaSet reads
    /// them all).
    /// </summary>
    private List<PodView> Active(KubeObject replicaSet)
    {
        var selector = LabelSelector.OfSpec(replicaSet);
        var context = RequestContext.ServiceAccount("kube-system", Component);
        var controlled = PodTemplates.Controlled(Store, Pods, replicaSet);
        var active = new List<PodView>(controlled.Count);
        foreach (var pod in controlled)
        {
            var view = PodView.Of(pod);
            if (!IsActive(view))
            {
                continue;
            }

            if (!selector.Matches(pod.Labels))
            {
                // ClaimObject: owned by it but no longer matching, released unless the ReplicaSet is going.
                if (!replicaSet.IsTerminating)
                {
                    PodClaims.Release(Store, pod, replicaSet, context);
                }

                continue;
            }

            active.Add(view);
        }

        if (!replicaSet.IsTerminating && replicaSet.Namespace is { } ns)
        {
            foreach (var orphan in Store.ListByIndex(Pods, OrphanIndex, ns))
            {
                if (selector.Matches(orphan.Labels))
                {
                    active.Add(PodView.Of(PodClaims.Adopt(Store, orphan, replicaSet, context)));
                }
            }
        }

        return active;
    }

    private static bool IsActive(PodView pod) => !pod.IsTerminating && !pod.IsFinished;
}
