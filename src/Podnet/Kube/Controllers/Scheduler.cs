using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// kube-scheduler for pods of the default scheduler: filters nodes (unschedulable, node selector and DaemonSet
/// node affinity, taints, host ports, pod count, cpu, memory and extended resources such as
/// <c>vpc.amazonaws.com/pod-eni</c>), scores the rest by least allocation and binds to the best, ties going to
/// the first name. A pod that fits nowhere gets PodScheduled=False and a FailedScheduling event in the
/// scheduler's words, and is tried again whenever nodes or pods change.
/// </summary>
public sealed class Scheduler : QueueController
{
    public const string Component = "default-scheduler";

    /// <summary>What the scheduler assumes a container without requests uses, for scoring only.</summary>
    private const decimal NonZeroCpu = 0.1m;
    private const decimal NonZeroMemory = 200 * 1024 * 1024;

    private readonly EventRecorder _events;
    private readonly HashSet<ObjectKey> _unschedulable = [];
    private readonly Dictionary<ObjectKey, string> _heard = [];

    public Scheduler(ObjectStore store, TimeProvider time, EventRecorder events)
        : base(store, time)
    {
        _events = events;
    }

    public override string Name => Component;

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Pod"))
        {
            var pod = new PodView(change.Object);
            var key = ObjectKey.Of(change.Object);
            var statusOnly = false;
            if (change.Type == WatchEventType.Deleted)
            {
                _heard.Remove(key);
            }
            else
            {
                var seen = WithoutStatus(change.Object);
                statusOnly = change.Type == WatchEventType.Modified && _heard.GetValueOrDefault(key) == seen;
                _heard[key] = seen;
            }

            // A status-only update (such as this scheduler's own PodScheduled=False) is no reason to try again.
            if (change.Type != WatchEventType.Deleted && pod.NodeName is null && pod.PodIP is null && !pod.IsTerminating && pod.SchedulerName == Component)
            {
                if (!statusOnly)
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
            RetryUnschedulable();
        }
    }

    private void RetryUnschedulable()
    {
        foreach (var key in _unschedulable)
        {
            Queue.Add(key);
        }
    }

    protected override TimeSpan? Reconcile(ObjectKey key)
    {
        var found = Store.TryGet(Pods, key.Namespace, key.Name);
        if (found is null || new PodView(found) is { NodeName: not null } or { IsTerminating: true })
        {
            _unschedulable.Remove(key);
            return null;
        }

        var pod = new PodView(found);
        var nodes = Store.List(Nodes).Items.Select(n => new NodeView(n)).ToList();
        var pods = Store.List(Pods).Items.Select(p => new PodView(p)).Where(p => p.NodeName is not null && !p.IsFinished).ToList();
        var byNode = pods.ToLookup(p => p.NodeName!, StringComparer.Ordinal);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var fits = new List<(NodeView Node, double Score)>();
        foreach (var node in nodes)
        {
            var onNode = byNode[node.Name].ToList();
            var why = Filter(pod, node, onNode);
            if (why.Count == 0)
            {
                fits.Add((node, Score(pod, node, onNode)));
            }

            foreach (var reason in why)
            {
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
        }

        var context = RequestContext.ServiceAccount("kube-system", "kube-scheduler");
        if (fits.Count == 0)
        {
            var message = $"0/{nodes.Count} nodes are available" + (reasons.Count == 0 ? "." : ": " + string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}").Order(StringComparer.Ordinal)) + ".");
            _unschedulable.Add(key);
            MarkUnschedulable(found, message, context);
            return null;
        }

        var best = fits.OrderByDescending(f => f.Score).ThenBy(f => f.Node.Name, StringComparer.Ordinal).First().Node;
        _unschedulable.Remove(key);
        Bind(found, best.Name, context);
        return null;
    }

    /// <summary>Why a node cannot take the pod, in kube-scheduler's words; empty when it can.</summary>
    public static List<string> Filter(PodView pod, NodeView node, IReadOnlyList<PodView> onNode)
    {
        var reasons = new List<string>();
        if (pod.AffinityNodeName is { } pinned && pinned != node.Name)
        {
            reasons.Add("node(s) didn't match Pod's node affinity/selector");
            return reasons;
        }

        if (node.Unschedulable && !new Taint("node.kubernetes.io/unschedulable", null, "NoSchedule").IsToleratedBy(pod.Tolerations))
        {
            reasons.Add("node(s) were unschedulable");
            return reasons;
        }

        if (pod.NodeSelector.Any(s => node.Object.Labels.GetValueOrDefault(s.Key) != s.Value))
        {
            reasons.Add("node(s) didn't match Pod's node affinity/selector");
            return reasons;
        }

        var untolerated = node.Taints.FirstOrDefault(t => t.Effect is "NoSchedule" or "NoExecute" && !t.IsToleratedBy(pod.Tolerations));
        if (untolerated is not null)
        {
            reasons.Add($"node(s) had untolerated taint {untolerated}");
            return reasons;
        }

        var usedPorts = onNode.SelectMany(p => p.HostPorts).ToHashSet();
        if (pod.HostPorts.Any(usedPorts.Contains))
        {
            reasons.Add("node(s) didn't have free ports for the requested pod ports");
        }

        var allocatable = node.Allocatable;
        if (onNode.Count + 1 > allocatable.GetValueOrDefault("pods", 110))
        {
            reasons.Add("Too many pods");
        }

        foreach (var (resource, amount) in pod.Requests.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (amount <= 0)
            {
                continue;
            }

            var used = onNode.Sum(p => p.Requests.GetValueOrDefault(resource));
            if (used + amount > allocatable.GetValueOrDefault(resource))
            {
                reasons.Add($"Insufficient {resource}");
            }
        }

        return reasons;
    }

    /// <summary>NodeResourcesFit's LeastAllocated score over cpu and memory, with non-zero defaults for empty requests.</summary>
    private static double Score(PodView pod, NodeView node, IReadOnlyList<PodView> onNode)
    {
        double Fraction(string resource, decimal fallback)
        {
            var capacity = node.Allocatable.GetValueOrDefault(resource);
            if (capacity <= 0)
            {
                return 0;
            }

            decimal Request(PodView p) => p.Requests.TryGetValue(resource, out var r) && r > 0 ? r : fallback * Math.Max(1, p.Containers.Count);
            var requested = onNode.Sum(Request) + Request(pod);
            return (double)Math.Max(0, (capacity - requested) / capacity);
        }

        return (Fraction("cpu", NonZeroCpu) + Fraction("memory", NonZeroMemory)) / 2;
    }

    private void Bind(KubeObject pod, string nodeName, RequestContext context)
    {
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        var bound = Store.Update(pod.With(json => json["spec"]!["nodeName"] = nodeName), context);
        Store.UpdateStatus(bound.With(json => SetScheduledCondition(json, "True", null, null, now)), context);
        _events.Normal(bound, "Scheduled", $"Successfully assigned {bound.Namespace}/{bound.Name} to {nodeName}", Component);
    }

    private void MarkUnschedulable(KubeObject pod, string message, RequestContext context)
    {
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        var current = pod["status.conditions"] as JsonArray;
        var same = current?.OfType<JsonObject>().Any(c => c["type"]?.GetValue<string>() == "PodScheduled" && c["message"]?.GetValue<string>() == message) == true;
        if (!same)
        {
            Store.UpdateStatus(pod.With(json => SetScheduledCondition(json, "False", "Unschedulable", message, now)), context);
        }

        _events.Warning(pod, "FailedScheduling", message, Component);
    }

    private static void SetScheduledCondition(JsonObject pod, string status, string? reason, string? message, string now)
    {
        var statusJson = pod["status"] as JsonObject ?? [];
        pod["status"] = statusJson;
        var conditions = statusJson["conditions"] as JsonArray ?? [];
        statusJson["conditions"] = conditions;
        foreach (var old in conditions.OfType<JsonObject>().Where(c => c["type"]?.GetValue<string>() == "PodScheduled").ToList())
        {
            conditions.Remove(old);
        }

        var condition = new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = status,
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = now,
        };
        if (reason is not null)
        {
            condition["reason"] = reason;
            condition["message"] = message;
        }

        conditions.Add(condition);
    }
}
