using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// Runs one pod of a DaemonSet on every node it fits (node selector and taints), pinned by node affinity on the
/// node's name as the real controller does. When the template changes (<c>kubectl set env daemonset aws-node …</c>)
/// the pods are replaced one node at a time (rolling update, maxUnavailable 1). A pod relabeled out of its selector is
/// released (<see cref="PodClaims"/>) and replaced; orphans are not adopted.
/// </summary>
public sealed class DaemonSetController : ReconcilingController
{
    public const string Component = "daemonset-controller";
    public const string RevisionHashLabel = "controller-revision-hash";

    private readonly EventRecorder _events;

    // The nodes each DaemonSet's pods belong on, kept between syncs: a sync looks at every node only when a node came,
    // went, started terminating or changed its labels or taints since the last (_nodeChanges), or the template changed.
    // The real controller lists the nodes on every sync; a pod's status change syncs its DaemonSet, so with thousands of
    // nodes that was every node for every pod.
    private readonly Dictionary<ObjectKey, (long NodeChanges, string TemplateHash, HashSet<string> Nodes)> _eligible = [];
    private long _nodeChanges;

    public DaemonSetController(ObjectStore store, TimeProvider time, EventRecorder events)
        : base(store, time)
    {
        _events = events;
    }

    public override string Name => Component;

    private KubeResource DaemonSets => Store.Resources.For("apps/v1", "DaemonSet");

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, "apps", "DaemonSet"))
        {
            Queue.Add(ObjectKey.Of(change.Object));
        }
        else if (Is(change, string.Empty, "Pod") && PodTemplates.ControllerOf(change.Object) is { Kind: "DaemonSet" } owner)
        {
            Queue.Add(new ObjectKey(change.Object.Namespace, owner.Name));
        }
        else if (Is(change, string.Empty, "Node") && !LabelsAndTaintsSame(change))
        {
            Interlocked.Increment(ref _nodeChanges);
            foreach (var daemonSet in Store.List(DaemonSets).Items)
            {
                if (PlacementMayHaveChanged(change, daemonSet))
                {
                    Queue.Add(ObjectKey.Of(daemonSet));
                }
            }
        }
    }

    /// <summary>
    /// Whether a node's change may start or end the DaemonSet's pod there (daemon_controller.go addNode, updateNode):
    /// a new node the pod runs on, a node whose labels or taints changed whether it runs there, a node that is
    /// terminating or gone. A label the DaemonSet does not select on (the resource controller's
    /// <c>vpc.amazonaws.com/has-trunk-attached</c>, say) leaves it alone, so a cluster's nodes being labelled one by
    /// one is not every DaemonSet looking at every node each time.
    /// </summary>
    private static bool PlacementMayHaveChanged(WatchEvent change, KubeObject daemonSet)
    {
        var placement = DaemonSetPlacement.Of(daemonSet.Peek("spec.template"));
        return change switch
        {
            { Type: WatchEventType.Added } => placement.Fits(new NodeView(change.Object)),
            { Type: WatchEventType.Modified, Previous: { } before } when before.IsTerminating == change.Object.IsTerminating
                => placement.Fits(new NodeView(before)) != placement.Fits(new NodeView(change.Object)),
            _ => true,
        };
    }

    /// <summary>
    /// A node update that changes neither labels nor taints is no reason to look at the DaemonSets again
    /// (daemon_controller.go shouldIgnoreNodeUpdate): a node's status updates, its heartbeats among them, are most of
    /// its changes. (Podnet also looks again when a node starts terminating: its reconcile leaves terminating nodes out.)
    /// </summary>
    private static bool LabelsAndTaintsSame(WatchEvent change)
        => change is { Type: WatchEventType.Modified, Previous: { } before }
           && JsonNode.DeepEquals(before.Peek("metadata.labels"), change.Object.Peek("metadata.labels"))
           && JsonNode.DeepEquals(before.Peek("spec.taints"), change.Object.Peek("spec.taints"))
           && before.IsTerminating == change.Object.IsTerminating;

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        var daemonSet = Store.TryGet(DaemonSets, key.Namespace, key.Name);
        if (daemonSet is null || daemonSet.IsTerminating)
        {
            _eligible.Remove(key);
            return ReconcileResult.Done;
        }

        var context = RequestContext.ServiceAccount("kube-system", Component);
        var template = (JsonObject)daemonSet["spec.template"]!;
        var hash = TemplateHash.Of(template);
        // daemon_controller.go getDaemonPods claims the pods: one relabeled out of the selector (kubectl label pod
        // aws-node-… k8s-app=debug) is released and its node gets a new one. (Orphans are not adopted here.)
        var selector = LabelSelector.OfSpec(daemonSet);
        var pods = new List<PodView>();
        foreach (var pod in PodTemplates.Controlled(Store, Pods, daemonSet))
        {
            if (selector.Matches(pod.Labels))
            {
                pods.Add(PodView.Of(pod));
            }
            else
            {
                PodClaims.Release(Store, pod, daemonSet, context);
            }
        }

        var eligible = Eligible(key, template, hash);
        var covered = pods.Select(TargetNode).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var podsChanged = false;

        // The controller's two writes of a pod (syncNodes' creates and deletes), each with its event.
        void DeletePod(PodView pod)
        {
            Store.Delete(Pods, pod.Namespace, pod.Name, DeleteOptions.Default, context);
            podsChanged = true;
            _events.Normal(daemonSet, "SuccessfulDelete", $"Deleted pod: {pod.Name}", Component);
        }

        void CreatePod(string node)
        {
            var pod = Store.CreateHandedOver(PodTemplates.NewPod(daemonSet, template, daemonSet.Name + "-", json => PinToNode(json, node, hash, GenerationOf(daemonSet))).Raw, context, keepStatus: false, keepUid: false, decoded: false);
            podsChanged = true;
            _events.Normal(daemonSet, "SuccessfulCreate", $"Created pod: {pod.Name}", Component);
        }

        // Pods on nodes that no longer qualify (or are gone) go.
        foreach (var pod in pods.Where(p => !p.IsTerminating && !eligible.Contains(TargetNode(p) ?? string.Empty)))
        {
            DeletePod(pod);
        }

        // The update strategy (pkg/controller/daemon/update.go rollingUpdate): OnDelete replaces a pod only when
        // someone deletes it. RollingUpdate with maxSurge (a count, or a percentage of the eligible nodes rounded up)
        // starts a node's new pod beside its old one, on up to maxSurge nodes at a time, and deletes the old pod once
        // the new one is ready; otherwise it deletes out-of-date pods while the nodes without an available pod stay
        // within maxUnavailable (1 by default; a percentage rounded up), and the node's new pod starts after.
        var strategy = daemonSet["spec.updateStrategy"];
        if (strategy?["type"]?.GetValue<string>() != "OnDelete")
        {
            var rolling = strategy?["rollingUpdate"];
            var maxSurge = rolling?["maxSurge"] is { } surgeValue ? MaxUnavailable(surgeValue, eligible.Count) : 0;
            var outdated = pods.Where(p => !p.IsTerminating && p.Object.Label(RevisionHashLabel) != hash)

                // Pods that are not available first: replacing them costs no availability.
                .OrderBy(p => p.IsReady).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
            if (maxSurge > 0)
            {
                // Per node: whether an up-to-date pod is there, and whether one is ready (looked up, not searched: a
                // search per node was quadratic in the nodes).
                var current = new Dictionary<string, bool>(StringComparer.Ordinal);
                foreach (var p in pods.Where(p => !p.IsTerminating && p.Object.Label(RevisionHashLabel) == hash))
                {
                    if (TargetNode(p) is { } on)
                    {
                        current[on] = current.GetValueOrDefault(on) || p.IsReady;
                    }
                }

                bool HasCurrent(string node, bool ready) => current.TryGetValue(node, out var isReady) && (!ready || isReady);
                var surging = outdated.Select(TargetNode).OfType<string>().Distinct().Count(node => HasCurrent(node, ready: false));
                foreach (var pod in outdated)
                {
                    var node = TargetNode(pod);
                    if (node is null)
                    {
                        continue;
                    }

                    if (HasCurrent(node, ready: true) || !pod.IsReady)
                    {
                        DeletePod(pod);
                    }
                    else if (!HasCurrent(node, ready: false) && surging < maxSurge)
                    {
                        CreatePod(node);
                        surging++;
                    }
                }
            }
            else
            {
                var maxUnavailable = MaxUnavailable(rolling?["maxUnavailable"], eligible.Count);
                var readyOn = pods.Where(p => !p.IsTerminating && p.IsReady).Select(TargetNode).OfType<string>().ToHashSet(StringComparer.Ordinal);
                var unavailable = eligible.Count(node => !readyOn.Contains(node));
                foreach (var pod in outdated)
                {
                    if (pod.IsReady && unavailable >= maxUnavailable)
                    {
                        break;
                    }

                    DeletePod(pod);
                    if (pod.IsReady)
                    {
                        unavailable++;
                    }
                }
            }
        }

        foreach (var node in eligible.Where(node => !covered.Contains(node)).Order(StringComparer.Ordinal))
        {
            CreatePod(node);
        }

        // The status counts the pods as they are now: those just read, unless this sync created or deleted some.
        UpdateStatus(daemonSet, podsChanged ? null : pods, eligible.Count, hash, context);
        return ReconcileResult.Done;
    }

    private static string? TargetNode(PodView pod) => pod.NodeName ?? pod.AffinityNodeName;

    /// <summary>The names of the nodes that are not terminating and that the template's pods belong on, as of now.</summary>
    private HashSet<string> Eligible(ObjectKey key, JsonObject template, string hash)
    {
        var changes = Interlocked.Read(ref _nodeChanges);
        if (_eligible.TryGetValue(key, out var kept) && kept.NodeChanges == changes && kept.TemplateHash == hash)
        {
            return kept.Nodes;
        }

        var placement = DaemonSetPlacement.Of(template);
        var eligible = Store.List(Nodes).Items.Select(n => new NodeView(n)).Where(n => !n.Object.IsTerminating && placement.Fits(n))
            .Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        _eligible[key] = (changes, hash, eligible);
        return eligible;
    }

    /// <summary>maxUnavailable (or maxSurge) as a count: an integer, or a percentage of <paramref name="nodes"/> rounded up; 1 when absent.</summary>
    private static int MaxUnavailable(JsonNode? value, int nodes)
    {
        if (value is JsonValue v && v.TryGetValue<int>(out var count))
        {
            return Math.Max(count, 0);
        }

        if (value?.GetValue<string>() is { } text && text.EndsWith('%')
            && decimal.TryParse(text[..^1], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var percent))
        {
            return (int)Math.Ceiling(percent * nodes / 100m);
        }

        return 1;
    }

    private static void PinToNode(JsonObject pod, string node, string hash, long generation)
    {
        var labels = (JsonObject)(pod["metadata"]!["labels"] ??= new JsonObject());
        labels[RevisionHashLabel] = hash;
        labels["pod-template-generation"] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var spec = (JsonObject)pod["spec"]!;
        spec["affinity"] = new JsonObject
        {
            ["nodeAffinity"] = new JsonObject
            {
                ["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
                {
                    ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                    {
                        ["matchFields"] = new JsonArray(new JsonObject
                        {
                            ["key"] = "metadata.name",
                            ["operator"] = "In",
                            ["values"] = new JsonArray(node),
                        }),
                    }),
                },
            },
        };
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (var toleration in DaemonSetPlacement.NewDaemonTolerations())
        {
            if (!tolerations.OfType<JsonObject>().Any(t => t["key"]?.GetValue<string>() == toleration["key"]!.GetValue<string>()))
            {
                tolerations.Add(toleration);
            }
        }

        spec["tolerations"] = tolerations;
    }

    private void UpdateStatus(KubeObject daemonSet, List<PodView>? current, int desired, string hash, RequestContext context)
    {
        var pods = (current ?? PodTemplates.Controlled(Store, Pods, daemonSet).Select(p => PodView.Of(p))).Where(p => !p.IsTerminating).ToList();
        var ready = pods.Count(p => p.IsReady);
        var status = new JsonObject
        {
            ["currentNumberScheduled"] = pods.Count(p => p.NodeName is not null),
            ["desiredNumberScheduled"] = desired,
            ["numberMisscheduled"] = 0,
            ["numberReady"] = ready,
            ["numberAvailable"] = ready,
            ["numberUnavailable"] = desired - ready,
            ["observedGeneration"] = GenerationOf(daemonSet),
            ["updatedNumberScheduled"] = pods.Count(p => p.Object.Label(RevisionHashLabel) == hash),
        };
        if (desired - ready <= 0)
        {
            status.Remove("numberUnavailable");
        }

        if (!JsonNode.DeepEquals(daemonSet["status"], status))
        {
            Store.UpdateStatus(Store.Get(DaemonSets, daemonSet.Namespace, daemonSet.Name).With(j => j["status"] = status), context);
        }
    }
}
