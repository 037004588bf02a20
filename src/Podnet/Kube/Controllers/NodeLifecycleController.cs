using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// kube-controller-manager's node lifecycle controller (k8s.io/kubernetes pkg/controller/nodelifecycle
/// node_lifecycle_controller.go <c>monitorNodeHealth</c>/<c>tryUpdateNodeHealth</c>), for the case Podnet has: a
/// node whose kubelet stopped (its instance shut down). Once the node has not been heard from for
/// <see cref="NodeMonitorGracePeriod"/>, every condition the kubelet posts turns <c>Unknown</c>
/// (<c>NodeStatusUnknown</c>, "Kubelet stopped posting node status."), the node gets the
/// <c>node.kubernetes.io/unreachable</c> taints (NoExecute and NoSchedule), a <c>NodeNotReady</c> event, and every
/// pod on it its Ready condition False with a <c>NodeNotReady</c> warning (controller_utils.go <c>MarkPodsNotReady</c>),
/// which takes them out of their Services' endpoints.
/// </summary>
/// <remarks>
/// The real controller notices a silent kubelet by its Lease no longer being renewed (every 10 s), checking every 5 s
/// (<c>--node-monitor-period</c>); Podnet's kubelets do not renew leases in virtual time, so the moment the kubelet
/// stopped stands for its last renewal. The taint manager's eviction of pods that do not tolerate the NoExecute taint
/// (300 s by default) is not modelled: the node of a terminated instance is deleted long before, and its pods with it.
/// </remarks>
public sealed class NodeLifecycleController : ReconcilingController
{
    /// <summary>The component its events name (the controller's client is <c>node-controller</c>).</summary>
    public const string Component = "node-controller";

    /// <summary>The taint of a node whose Ready condition is Unknown (k8s.io/api core/v1 <c>TaintNodeUnreachable</c>).</summary>
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";

    /// <summary>The reason of a condition the kubelet stopped posting.</summary>
    public const string NodeStatusUnknownReason = "NodeStatusUnknown";

    /// <summary>The message of a condition the kubelet stopped posting (node_lifecycle_controller.go tryUpdateNodeHealth).</summary>
    public const string StoppedPostingMessage = "Kubelet stopped posting node status.";

    /// <summary>The conditions the kubelet posts and the controller turns Unknown (<c>nodeConditionTypes</c> and Ready).</summary>
    private static readonly string[] PostedConditions = ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"];

    private readonly EventRecorder _events;
    private readonly Func<string, DateTimeOffset?> _kubeletStoppedAt;

    /// <param name="store">The API server's store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="events">Where its events go.</param>
    /// <param name="kubeletStoppedAt">When the kubelet of a node (by name) last posted, if it stopped; null while it runs.</param>
    public NodeLifecycleController(ObjectStore store, TimeProvider time, EventRecorder events, Func<string, DateTimeOffset?> kubeletStoppedAt)
        : base(store, time)
    {
        _events = events;
        _kubeletStoppedAt = kubeletStoppedAt;
    }

    public override string Name => "node-lifecycle-controller";

    /// <summary>
    /// How long a node may go unheard before its conditions are Unknown (<c>--node-monitor-grace-period</c>): 40 s
    /// before Kubernetes 1.32, 50 s since (kubernetes/kubernetes#126287), see <see cref="GracePeriodFor"/>.
    /// </summary>
    public TimeSpan NodeMonitorGracePeriod { get; set; } = TimeSpan.FromSeconds(50);

    /// <summary>
    /// The default <c>--node-monitor-grace-period</c> of a Kubernetes minor version (<c>1.31</c>): 50 s from 1.32
    /// (pkg/controller/nodelifecycle/config/v1alpha1/defaults.go after kubernetes/kubernetes#126287), 40 s before. EKS
    /// runs kube-controller-manager with the default.
    /// </summary>
    public static TimeSpan GracePeriodFor(string kubernetesVersion)
    {
        ArgumentNullException.ThrowIfNull(kubernetesVersion);
        var parts = kubernetesVersion.TrimStart('v').Split('.');
        var minor = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : int.MaxValue;
        return TimeSpan.FromSeconds(parts[0] == "1" && minor < 32 ? 40 : 50);
    }

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    /// <summary>The kubelet of <paramref name="nodeName"/> stopped: the node is looked at once its grace period has passed.</summary>
    public void KubeletStopped(string nodeName) => Queue.Add(new ObjectKey(null, nodeName));

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Node") && change.Type != WatchEventType.Deleted && _kubeletStoppedAt(change.Object.Name) is not null)
        {
            Queue.Add(new ObjectKey(null, change.Object.Name));
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key.Name));

    private ReconcileResult Reconcile(string nodeName)
    {
        var node = Store.TryGet(Nodes, null, nodeName);
        if (node is null || _kubeletStoppedAt(nodeName) is not { } lastHeard)
        {
            return ReconcileResult.Done;
        }

        var due = lastHeard + NodeMonitorGracePeriod;
        var now = Time.GetUtcNow();
        if (now < due)
        {
            return ReconcileResult.After(due - now);
        }

        var conditions = (node.Peek("status.conditions") as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var ready = conditions.FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
        if (ready?["status"]?.GetValue<string>() == "Unknown")
        {
            return ReconcileResult.Done;
        }

        var wasReady = ready?["status"]?.GetValue<string>() == "True";
        var stamp = KubeObject.FormatTimestamp(now);
        var context = RequestContext.ServiceAccount("kube-system", Component);

        // tryUpdateNodeHealth: each posted condition becomes Unknown, keeping the kubelet's last heartbeat.
        var updated = Store.UpdateStatus(node.With(json =>
        {
            var status = (JsonObject)(json["status"] ??= new JsonObject());
            var list = status["conditions"] as JsonArray ?? [];
            status["conditions"] = list;
            foreach (var type in PostedConditions)
            {
                var condition = list.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
                if (condition is null)
                {
                    condition = new JsonObject { ["type"] = type, ["lastHeartbeatTime"] = node.GetString("metadata.creationTimestamp") };
                    list.Add(condition);
                }

                condition["status"] = "Unknown";
                condition["reason"] = NodeStatusUnknownReason;
                condition["message"] = StoppedPostingMessage;
                condition["lastTransitionTime"] = stamp;
            }
        }), context);

        // doNoExecuteTaintingPass and doNoScheduleTaintingPass: an Unknown Ready condition means unreachable (the
        // not-ready taints, for a False one, are swapped out).
        updated = Store.Update(updated.With(json =>
        {
            var spec = (JsonObject)(json["spec"] ??= new JsonObject());
            var taints = spec["taints"] as JsonArray ?? [];
            foreach (var stale in taints.OfType<JsonObject>().Where(t => t["key"]?.GetValue<string>() is "node.kubernetes.io/not-ready" or UnreachableTaint).ToList())
            {
                taints.Remove(stale);
            }

            taints.Add(new JsonObject { ["key"] = UnreachableTaint, ["effect"] = "NoExecute", ["timeAdded"] = stamp });
            taints.Add(new JsonObject { ["key"] = UnreachableTaint, ["effect"] = "NoSchedule", ["timeAdded"] = stamp });
            spec["taints"] = taints;
        }), context);

        if (wasReady)
        {
            // RecordNodeStatusChange, then MarkPodsNotReady (both only on the transition away from Ready).
            _events.Normal(updated, "NodeNotReady", $"Node {nodeName} status is now: NodeNotReady", Component);
            MarkPodsNotReady(nodeName, stamp, context);
        }

        return ReconcileResult.Done;
    }

    /// <summary>
    /// Sets the Ready condition of every pod on the node to False and warns on each (controller_utils.go
    /// <c>MarkPodsNotReady</c>: the condition's status only, its transition time now; event <c>NodeNotReady</c>,
    /// "Node is not ready").
    /// </summary>
    private void MarkPodsNotReady(string nodeName, string stamp, RequestContext context)
    {
        foreach (var pod in Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, nodeName).ToList())
        {
            var readyCondition = (pod.Peek("status.conditions") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
            if (readyCondition is null || readyCondition["status"]?.GetValue<string>() == "False")
            {
                continue;
            }

            var updated = Store.UpdateStatus(pod.With(json =>
            {
                var condition = ((JsonArray)json["status"]!["conditions"]!).OfType<JsonObject>().First(c => c["type"]?.GetValue<string>() == "Ready");
                condition["status"] = "False";
                condition["lastTransitionTime"] = stamp;
            }), context);
            _events.Warning(updated, "NodeNotReady", "Node is not ready", Component);
        }
    }
}
