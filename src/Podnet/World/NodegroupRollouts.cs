using System.Text.Json.Nodes;
using Podnet.Aws.Eks;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.World;

/// <summary>
/// EKS's part inside the cluster during a managed node group's version update (<see cref="EksBackend.UpdateNodegroupVersion"/>),
/// as the EKS User Guide's "Understand each phase of node updates" describes it, written as <c>eks:node-manager</c>:
/// <list type="number">
/// <item>once every new node is Ready, every old node is cordoned (<c>spec.unschedulable</c>) and labelled
/// <c>node.kubernetes.io/exclude-from-external-load-balancers=true</c>;</item>
/// <item>up to <c>maxUnavailable</c> old nodes at a time are drained: each pod but DaemonSet pods and mirror pods is
/// evicted (pods/eviction, so PodDisruptionBudgets hold, <see cref="ObjectStore.Evict"/>); an eviction a budget refuses
/// is tried again every 5 seconds;</item>
/// <item>60 seconds after a node's last pod was evicted, EKS terminates its instance (the cloud controller then deletes
/// the node);</item>
/// <item>a pod still refused after 15 minutes fails the update with <c>PodEvictionFailure</c> "Reached max retries while
/// trying to evict pods from nodes in node group NAME", unless the update was forced, which deletes it instead;</item>
/// <item>new nodes not Ready within EKS's join timeout (<see cref="EksLifecycle.NodeJoinTimeout"/>) fail it with
/// <c>NodeCreationFailure</c> "Instances failed to join the kubernetes cluster", as they fail a group's creation.</item>
/// </list>
/// The same node manager drains the node of each instance a group lets go when it is scaled in or deleted
/// (<see cref="EksBackend.NodegroupTerminations"/>): it cordons the node and evicts its pods as above, retrying refused
/// evictions, and once no pod but DaemonSet and mirror pods is left on it (those being deleted have finished) EKS
/// terminates the instance; after <see cref="EksLifecycle.NodeDrainTimeout"/> EKS terminates it anyway.
/// </summary>
internal sealed class NodegroupRollouts(ObjectStore store, EksBackend eks, string clusterName, TimeProvider time)
{
    /// <summary>EKS's wait after a node's last eviction before its instance is terminated.</summary>
    public static readonly TimeSpan DrainedWait = TimeSpan.FromSeconds(60);

    /// <summary>How long EKS keeps trying to evict a node's pods before the update fails (or a forced one deletes them).</summary>
    public static readonly TimeSpan EvictionTimeout = TimeSpan.FromMinutes(15);

    /// <summary>How often a refused eviction is tried again.</summary>
    public static readonly TimeSpan EvictionRetry = TimeSpan.FromSeconds(5);

    /// <summary>How often EKS looks again while it waits for the new nodes to be Ready.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    /// <summary>The label EKS gives the old nodes it cordons, so load balancers stop sending them traffic.</summary>
    public const string ExcludeFromExternalLoadBalancers = "node.kubernetes.io/exclude-from-external-load-balancers";

    private static readonly RequestContext NodeManager = new("eks:node-manager");

    /// <summary>The old nodes being drained, by instance ID: when the drain began, and when its last pod was evicted.</summary>
    private readonly Dictionary<string, (DateTimeOffset Started, DateTimeOffset? Drained)> _drains = new(StringComparer.Ordinal);

    /// <summary>The groups rolling whose old nodes have been cordoned.</summary>
    private readonly HashSet<string> _cordoned = new(StringComparer.Ordinal);

    /// <summary>The next moment a drain has something to do by the clock (a retry, the wait after a drain); null when none.</summary>
    public DateTimeOffset? NextDue { get; private set; }

    /// <summary>Does what every rolling group needs now.</summary>
    /// <param name="nodeOf">The node an instance registered, by instance ID (none while it boots).</param>
    public void Step(IReadOnlyDictionary<string, string> nodeOf)
    {
        NextDue = null;
        DrainLeaving(nodeOf);
        var rollouts = eks.NodegroupRollouts(clusterName);
        _cordoned.IntersectWith(rollouts.Select(r => r.NodegroupName));
        if (rollouts.Count == 0)
        {
            _drains.Clear();
            return;
        }

        var nodes = store.Resources.For("v1", "Node");
        foreach (var rollout in rollouts)
        {
            // The old nodes are cordoned once the first new ones are Ready (the scale-up phase waits for them); the
            // replacements launched later join while the old nodes drain.
            if (!_cordoned.Contains(rollout.NodegroupName))
            {
                var waiting = rollout.NewInstanceIds.Where(id => !(nodeOf.TryGetValue(id, out var name) && store.TryGet(nodes, null, name) is { } node && new NodeView(node).IsReady)).ToList();
                if (waiting.Count > 0)
                {
                    if (time.GetUtcNow() - rollout.StartedAt >= EksLifecycle.NodeJoinTimeout)
                    {
                        // New nodes that never become Ready fail the update as they fail a group's creation.
                        eks.NodegroupRolloutFailed(clusterName, rollout.NodegroupName, new ErrorDetail(NodegroupIssue.Codes.NodeCreationFailure, "Instances failed to join the kubernetes cluster", waiting));
                        continue;
                    }

                    // EKS looks again (its node manager polls the cluster; a node turning Ready wakes nothing here).
                    Due(time.GetUtcNow() + PollInterval);
                    continue;
                }

                _cordoned.Add(rollout.NodegroupName);
            }

            foreach (var id in rollout.OldInstanceIds)
            {
                if (nodeOf.TryGetValue(id, out var name) && store.TryGet(nodes, null, name) is { } node)
                {
                    Cordon(node, excludeFromExternalLoadBalancers: true);
                }
            }

            // The upgrade phase: up to maxUnavailable old nodes drained at a time, in the order they were launched.
            foreach (var id in rollout.OldInstanceIds.Where(id => !_drains.ContainsKey(id)).Take(rollout.MaxUnavailable - rollout.OldInstanceIds.Count(_drains.ContainsKey)))
            {
                _drains[id] = (time.GetUtcNow(), null);
            }

            foreach (var id in rollout.OldInstanceIds.Where(_drains.ContainsKey).ToList())
            {
                if (!Drain(rollout, id, nodeOf.GetValueOrDefault(id)))
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Cordons and drains the nodes of the instances their groups let go (scaled in, deleted), and tells EKS each one
    /// that is drained: its pods evicted and gone, but DaemonSet and mirror pods. An instance without a node (still
    /// booting) has nothing to drain.
    /// </summary>
    private void DrainLeaving(IReadOnlyDictionary<string, string> nodeOf)
    {
        var nodes = store.Resources.For("v1", "Node");
        foreach (var leaving in eks.NodegroupTerminations(clusterName))
        {
            if (nodeOf.TryGetValue(leaving.InstanceId, out var name) && store.TryGet(nodes, null, name) is { } node)
            {
                Cordon(node, excludeFromExternalLoadBalancers: false);
                if (DrainedPods(name) is { Count: > 0 } left)
                {
                    // Evicted now (a budget may refuse), or shutting down since: looked at again.
                    Evict(left, force: false);
                    Due(time.GetUtcNow() + EvictionRetry);
                    continue;
                }
            }

            eks.NodegroupNodeDrained(clusterName, leaving.NodegroupName, leaving.InstanceId);
        }
    }

    /// <summary>Takes one old node a step further; false when the update failed.</summary>
    private bool Drain(NodegroupRolloutState rollout, string instanceId, string? nodeName)
    {
        var now = time.GetUtcNow();
        var (started, drained) = _drains[instanceId];
        if (drained is null)
        {
            var refused = nodeName is null ? null : Evict(DrainedPods(nodeName), force: rollout.Force && now - started >= EvictionTimeout);
            if (refused is not null)
            {
                if (now - started >= EvictionTimeout)
                {
                    eks.NodegroupRolloutFailed(clusterName, rollout.NodegroupName, new ErrorDetail(
                        "PodEvictionFailure",
                        $"Reached max retries while trying to evict pods from nodes in node group {rollout.NodegroupName}",
                        [nodeName!]));
                    foreach (var id in rollout.OldInstanceIds)
                    {
                        _drains.Remove(id);
                    }

                    return false;
                }

                Due(now + EvictionRetry);
                return true;
            }

            _drains[instanceId] = (started, drained = now);
        }

        if (now < drained.Value + DrainedWait)
        {
            Due(drained.Value + DrainedWait);
            return true;
        }

        _drains.Remove(instanceId);
        eks.NodegroupRolloutNodeDrained(clusterName, rollout.NodegroupName, instanceId);
        return true;
    }

    /// <summary>
    /// Evicts the node's pods but DaemonSet pods, mirror pods and those already going (or deletes them when
    /// <paramref name="force"/>); the eviction a budget refused, or null when every pod has been evicted.
    /// </summary>
    private KubeException? Evict(IReadOnlyList<KubeObject> drained, bool force)
    {
        var pods = store.Resources.For("v1", "Pod");
        KubeException? refused = null;
        foreach (var pod in drained.Where(p => !p.IsTerminating))
        {
            try
            {
                if (force)
                {
                    store.Delete(pods, pod.Namespace, pod.Name, null, NodeManager);
                }
                else
                {
                    store.Evict(pods, pod.Namespace!, pod.Name, null, NodeManager);
                }
            }
            catch (KubeException e) when (e.Code != 404)
            {
                // A budget that allows no disruption now (429), or two budgets selecting the pod (500): tried again.
                // A pod gone meanwhile (404) is evicted.
                refused ??= e;
            }
        }

        return refused;
    }

    /// <summary>The pods a drain of the node evicts, as kubectl drain picks them: all but DaemonSet pods and mirror pods.</summary>
    private List<KubeObject> DrainedPods(string nodeName)
        => [.. store.ListByIndex(store.Resources.For("v1", "Pod"), ObjectStore.NodeNameIndex, nodeName)
            .Where(pod => !pod.Annotations.ContainsKey("kubernetes.io/config.mirror") && !pod.OwnerReferences.Any(o => o is { Controller: true, Kind: "DaemonSet" }))];

    /// <summary>
    /// Marks the node unschedulable as <c>eks:node-manager</c> (its kubelet then records <c>NodeNotSchedulable</c>), and
    /// for a version update also labels it out of external load balancers; nothing when it is cordoned already.
    /// </summary>
    private void Cordon(KubeObject node, bool excludeFromExternalLoadBalancers)
    {
        if (new NodeView(node).Unschedulable)
        {
            return;
        }

        store.Update(node.With(json =>
        {
            ((JsonObject)json["spec"]!)["unschedulable"] = true;
            if (excludeFromExternalLoadBalancers)
            {
                var labels = json["metadata"]!["labels"] as JsonObject ?? [];
                json["metadata"]!["labels"] = labels;
                labels[ExcludeFromExternalLoadBalancers] = "true";
            }
        }), NodeManager);
    }

    private void Due(DateTimeOffset at) => NextDue = World.Earliest(NextDue, at);
}
