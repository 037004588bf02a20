using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// kube-scheduler for pods of the default scheduler: filters nodes (unschedulable, node selector and DaemonSet
/// node affinity, taints, host ports, pod count, cpu, memory and extended resources such as
/// <c>vpc.amazonaws.com/pod-eni</c>), scores the feasible nodes by least allocation and binds to the best, ties
/// going to the first name. From 100 nodes on it stops looking once it has found <see cref="NumFeasibleNodesToFind"/>
/// feasible nodes, starting where the previous attempt stopped, as kube-scheduler does. Nodes and what their pods
/// take come from a cache fed by watch events (<see cref="NodeInfo"/>), not from lists. A pod that fits nowhere gets
/// PodScheduled=False and a FailedScheduling event in the scheduler's words, and is tried again whenever nodes or
/// pods change.
/// </summary>
public sealed class Scheduler : ReconcilingController
{
    public const string Component = "default-scheduler";

    private readonly EventRecorder _events;
    private readonly HashSet<ObjectKey> _unschedulable = [];

    /// <summary>The scheduler cache: every node by name (the order nodes are tried in), with what its pods take.</summary>
    private readonly SortedDictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, PodUsage> _bound = [];

    /// <summary>
    /// The cache's version, bumped whenever a node or what its pods take changes; failed attempts remembered at
    /// it. Pods alike (a Deployment's replicas) that find the same nodes in the same state fail for the same
    /// reasons, so while nothing changes a retry wave costs one pass over the nodes per kind of pod, not per pod.
    /// </summary>
    private long _version;
    private long _failuresAt = -1;
    private readonly Dictionary<string, string> _failures = new(StringComparer.Ordinal);

    /// <summary>The nodes that exist, in name order; rebuilt when one comes or goes.</summary>
    private List<NodeInfo>? _nodeList;

    /// <summary>Where the next attempt starts looking (kube-scheduler's nextStartNodeIndex).</summary>
    private int _nextStartNodeIndex;

    // Reused by every attempt (one reconcile runs at a time): a list per attempt was a twentieth of the scheduler.
    private readonly List<(NodeInfo Info, double Score)> _fits = [];
    private readonly List<string> _why = [];

    public Scheduler(ObjectStore store, TimeProvider time, EventRecorder events)
        : base(store, time)
    {
        _events = events;
    }

    public override string Name => Component;

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Pod"))
        {
            var pod = PodView.Of(change.Object);
            var key = ObjectKey.Of(change.Object);

            // A pod's usage is its spec's (requests, host ports) on its node: a status write to a pod that is counted
            // on that node and still running changes nothing the cache holds (the kubelet writes one per container
            // state), so its requests are not read again.
            var unchanged = change.OnlyStatusChanged && !pod.IsFinished && _bound.TryGetValue(key, out var counted) && counted.NodeName == pod.NodeName;
            if (!unchanged)
            {
                Account(key, change.Type == WatchEventType.Deleted || pod.NodeName is null || pod.IsFinished ? null : PodUsage.Of(pod));
            }

            // A status-only update (such as this scheduler's own PodScheduled=False) is no reason to try again.
            if (change.Type != WatchEventType.Deleted && pod.NodeName is null && pod.PodIP is null && !pod.IsTerminating && pod.SchedulerName == Component)
            {
                if (!change.OnlyStatusChanged)
                {
                    Queue.Add(key);
                }
            }
            else if (change.Type == WatchEventType.Deleted || pod.IsTerminating)
            {
                RetryUnschedulable();
            }
        }
        else if (Is(change, string.Empty, "Node"))
        {
            var info = Info(change.Object.Name);
            if ((info.Node is null) != (change.Type == WatchEventType.Deleted))
            {
                _nodeList = null;
            }

            info.Node = change.Type == WatchEventType.Deleted ? null : new NodeView(change.Object);
            Forget(change.Object.Name, info);
            _version++;
            RetryUnschedulable();
        }
    }

    /// <summary>Moves a pod's usage in the cache: off the node it was on, onto the one it is on now (if any).</summary>
    private void Account(ObjectKey key, PodUsage? usage)
    {
        var before = _bound.GetValueOrDefault(key);
        if ((before is null && usage is null) || (before is not null && usage is not null && before.SameAs(usage)))
        {
            return;
        }

        _version++;
        if (before is not null)
        {
            _bound.Remove(key);
            var info = Info(before.NodeName);
            info.Remove(before);
            Forget(before.NodeName, info);
        }

        if (usage is not null)
        {
            Info(usage.NodeName).Add(usage);
            _bound[key] = usage;
        }
    }

    private NodeInfo Info(string nodeName)
    {
        if (!_nodes.TryGetValue(nodeName, out var info))
        {
            info = new NodeInfo();
            _nodes[nodeName] = info;
        }

        return info;
    }

    private void Forget(string nodeName, NodeInfo info)
    {
        if (info.IsEmpty)
        {
            _nodes.Remove(nodeName);
        }
    }

    private void RetryUnschedulable()
    {
        foreach (var key in _unschedulable)
        {
            Queue.Add(key);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        var found = Store.TryGet(Pods, key.Namespace, key.Name);
        if (found is null || PodView.Of(found) is { NodeName: not null } or { IsTerminating: true })
        {
            _unschedulable.Remove(key);
            return ReconcileResult.Done;
        }

        var pod = PodView.Of(found);
        var context = RequestContext.ServiceAccount("kube-system", "kube-scheduler");
        if (_failuresAt != _version)
        {
            _failures.Clear();
            _failuresAt = _version;
        }

        // Made only when an attempt of this cluster state has failed before, or this one fails: most attempts fit.
        var signature = _failures.Count > 0 ? SchedulingSignature(pod) : null;
        if (signature is not null && _failures.TryGetValue(signature, out var failed))
        {
            _unschedulable.Add(key);
            MarkUnschedulable(found, failed, context);
            return ReconcileResult.Done;
        }

        _nodeList ??= [.. _nodes.Values.Where(i => i.Node is not null)];
        var nodes = _nodeList.Count;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var fit = new PodFit(pod);

        // NodeAffinity's PreFilter (nodeaffinity.go): a pod pinned to a node by name (a DaemonSet's pod) is filtered
        // on that node alone, and every other node is "absent" with one status (schedule_one.go findNodesThatFitPod,
        // SetAbsentNodesStatus). Filtering every node for each DaemonSet pod was quadratic in the nodes.
        IReadOnlyList<NodeInfo> candidates = _nodeList;
        if (fit.AffinityNodeName is { } pinned)
        {
            candidates = _nodes.TryGetValue(pinned, out var only) && only.Node is not null ? [only] : [];
            if (nodes > candidates.Count)
            {
                reasons[AbsentFromNodeAffinity] = nodes - candidates.Count;
            }
        }

        var wanted = NumFeasibleNodesToFind(candidates.Count);
        var fits = _fits;
        fits.Clear();
        var why = _why;
        var processed = 0;
        for (; processed < candidates.Count && fits.Count < wanted; processed++)
        {
            var info = candidates[(_nextStartNodeIndex + processed) % candidates.Count];
            why.Clear();
            Filter(fit, info, why);
            if (why.Count == 0)
            {
                fits.Add((info, Score(fit, info)));
            }

            foreach (var reason in why)
            {
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
        }

        _nextStartNodeIndex = nodes == 0 ? 0 : (_nextStartNodeIndex + processed) % nodes;
        if (fits.Count == 0)
        {
            var message = $"0/{nodes} nodes are available" + (reasons.Count == 0 ? "." : ": " + string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}").Order(StringComparer.Ordinal)) + ".");
            _failures[signature ?? SchedulingSignature(pod)] = message;
            _unschedulable.Add(key);
            MarkUnschedulable(found, message, context);
            return ReconcileResult.Done;
        }

        var best = Best(fits);
        _unschedulable.Remove(key);
        Bind(found, best.Name, context);
        return ReconcileResult.Done;
    }

    /// <summary>The status of the nodes NodeAffinity's PreFilter left out (<c>"node(s) didn't satisfy plugin(s) %v"</c>).</summary>
    private const string AbsentFromNodeAffinity = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

    /// <summary>
    /// How many feasible nodes an attempt looks for before it stops filtering (kube-scheduler's
    /// <c>numFeasibleNodesToFind</c>, schedule_one.go, with the default adaptive percentageOfNodesToScore): every node
    /// below 100 nodes, else 50% less 1% per 125 nodes, at least 5% and at least 100 nodes.
    /// </summary>
    internal static int NumFeasibleNodesToFind(int nodes)
    {
        const int MinFeasibleNodesToFind = 100;
        const int MinFeasibleNodesPercentageToFind = 5;
        if (nodes < MinFeasibleNodesToFind)
        {
            return nodes;
        }

        var percentage = Math.Max(50 - (nodes / 125), MinFeasibleNodesPercentageToFind);
        return Math.Max(nodes * percentage / 100, MinFeasibleNodesToFind);
    }

    /// <summary>Everything of a pod that <see cref="Filter(PodView, NodeView, NodeInfo)"/> reads.</summary>
    private static string SchedulingSignature(PodView pod)
        => string.Join(
            '\u001f',
            pod.AffinityNodeName ?? string.Empty,
            string.Join(',', pod.Tolerations.Select(t => t.ToJsonString())),
            string.Join(',', pod.NodeSelector.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")),
            string.Join(',', pod.HostPorts),
            string.Join(',', pod.Requests.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")));

    /// <summary>Why a node cannot take the pod, in kube-scheduler's words; empty when it can.</summary>
    /// <param name="pod">The pod to place.</param>
    /// <param name="node">The node.</param>
    /// <param name="onNode">The pods bound to the node that have not finished.</param>
    public static List<string> Filter(PodView pod, NodeView node, IReadOnlyList<PodView> onNode)
    {
        ArgumentNullException.ThrowIfNull(onNode);
        var info = new NodeInfo { Node = node };
        foreach (var other in onNode)
        {
            info.Add(PodUsage.Of(other));
        }

        var reasons = new List<string>();
        Filter(new PodFit(pod), info, reasons);
        return reasons;
    }

    /// <summary>Adds to <paramref name="reasons"/> why the node cannot take the pod; adds nothing when it can.</summary>
    private static void Filter(PodFit pod, NodeInfo info, List<string> reasons)
    {
        if (pod.AffinityNodeName is { } pinned && pinned != info.Name)
        {
            reasons.Add("node(s) didn't match Pod's node affinity/selector");
            return;
        }

        if (info.Unschedulable && !pod.ToleratesUnschedulable)
        {
            reasons.Add("node(s) were unschedulable");
            return;
        }

        if (pod.NodeSelector.Length > 0)
        {
            var labels = info.Node!.Object.Labels;
            foreach (var (key, value) in pod.NodeSelector)
            {
                if (labels.GetValueOrDefault(key) != value)
                {
                    reasons.Add("node(s) didn't match Pod's node affinity/selector");
                    return;
                }
            }
        }

        foreach (var taint in info.SchedulingTaints)
        {
            if (!taint.IsToleratedBy(pod.Tolerations))
            {
                reasons.Add($"node(s) had untolerated taint {taint}");
                return;
            }
        }

        foreach (var port in pod.HostPorts)
        {
            if (info.HoldsHostPort(port))
            {
                reasons.Add("node(s) didn't have free ports for the requested pod ports");
                break;
            }
        }

        if (info.PodCount + 1 > info.AllocatablePods)
        {
            reasons.Add("Too many pods");
        }

        foreach (var request in pod.Requests)
        {
            var (used, allocatable) = request.Slot switch
            {
                ResourceSlot.Cpu => (info.RequestedCpu, info.AllocatableCpu),
                ResourceSlot.Memory => (info.RequestedMemory, info.AllocatableMemory),
                _ => (info.Requested(request.Resource), info.Allocatable(request.Resource)),
            };
            if (used + request.Amount > allocatable)
            {
                reasons.Add($"Insufficient {request.Resource}");
            }
        }
    }

    /// <summary>
    /// The highest-scored node, the first name on a tie (schedule_one.go selectHost picks among the top scores; Podnet
    /// takes the first name so a world settles the same each run). One pass: sorting every feasible node per pod was
    /// a quarter of the scheduler's time at 5,000 nodes.
    /// </summary>
    private static NodeView Best(List<(NodeInfo Info, double Score)> fits)
    {
        var best = fits[0];
        for (var i = 1; i < fits.Count; i++)
        {
            var fit = fits[i];
            if (fit.Score > best.Score || (fit.Score == best.Score && string.CompareOrdinal(fit.Info.Name, best.Info.Name) < 0))
            {
                best = fit;
            }
        }

        return best.Info.Node!;
    }

    /// <summary>NodeResourcesFit's LeastAllocated score over cpu and memory, with non-zero defaults for empty requests.</summary>
    private static double Score(PodFit pod, NodeInfo info)
    {
        static double Fraction(long capacity, long requested)
            => capacity <= 0 ? 0 : Math.Max(0, (double)(capacity - requested) / capacity);

        return (Fraction(info.AllocatableCpu, info.NonZeroCpu + pod.NonZeroCpu) + Fraction(info.AllocatableMemory, info.NonZeroMemory + pod.NonZeroMemory)) / 2;
    }

    /// <summary>
    /// What <see cref="Filter(PodFit, NodeInfo, List{string})"/> and <see cref="Score"/> read of the pod being
    /// placed, worked out once per attempt rather than once per node looked at (230 nodes per pod at 500 nodes, as
    /// kube-scheduler's framework computes a pod's PreFilter state once per cycle).
    /// </summary>
    private sealed class PodFit
    {
        public PodFit(PodView pod)
        {
            AffinityNodeName = pod.AffinityNodeName;
            Tolerations = pod.Tolerations;
            ToleratesUnschedulable = new Taint("node.kubernetes.io/unschedulable", null, "NoSchedule").IsToleratedBy(Tolerations);
            NodeSelector = [.. pod.NodeSelector];
            HostPorts = [.. pod.HostPorts];
            Requests = [.. ResourceRequest.Of(pod.Requests).Where(r => r.Amount > 0)];
            NonZeroCpu = PodUsage.NonZero(pod, "cpu", PodUsage.DefaultCpu);
            NonZeroMemory = PodUsage.NonZero(pod, "memory", PodUsage.DefaultMemory);
        }

        public string? AffinityNodeName { get; }

        public IReadOnlyList<JsonObject> Tolerations { get; }

        public bool ToleratesUnschedulable { get; }

        public KeyValuePair<string, string>[] NodeSelector { get; }

        public HostPort[] HostPorts { get; }

        /// <summary>The positive requests, by resource name in ordinal order (the order of the reasons printed).</summary>
        public ResourceRequest[] Requests { get; }

        public long NonZeroCpu { get; }

        public long NonZeroMemory { get; }
    }

    private void Bind(KubeObject pod, string nodeName, RequestContext context)
    {
        var bound = Store.Bind(Pods, pod.Namespace!, pod.Name, nodeName, context);
        _events.Normal(bound, "Scheduled", $"Successfully assigned {bound.Namespace}/{bound.Name} to {nodeName}", Component);
    }

    private void MarkUnschedulable(KubeObject pod, string message, RequestContext context)
    {
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        var current = pod.Peek("status.conditions") as JsonArray;
        var same = current?.OfType<JsonObject>().Any(c => c["type"]?.GetValue<string>() == "PodScheduled" && c["message"]?.GetValue<string>() == message) == true;
        if (!same)
        {
            Store.UpdateStatus(pod.With(json => PodConditions.SetScheduled(json, "False", PodConditions.UnschedulableReason, message, now)), context);
        }

        _events.Warning(pod, "FailedScheduling", message, Component);
    }
}
