using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Nodes;

/// <summary>
/// The kubelets of all nodes. For a node: posts its Ready condition from the network plugin's readiness (a node
/// whose network is not ready carries the not-ready taint). For a pod bound to a node: sets up its sandbox through
/// the network plugin, shows ContainerCreating until that works (FailedCreatePodSandBox events while it does not,
/// retried), then Running with its IP; a terminating pod's network is torn down and the pod deleted.
/// </summary>
public sealed class Kubelet : QueueController
{
    public const string Component = "kubelet";
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";

    private static readonly TimeSpan SandboxRetry = TimeSpan.FromSeconds(10);

    private readonly EventRecorder _events;
    private static readonly TimeSpan ProbePeriod = TimeSpan.FromSeconds(5);

    private readonly Func<NodeView, IPodSandboxNetwork> _networkOf;
    private readonly Func<PodView, string?> _notReadyReason;

    /// <param name="notReadyReason">The pod's readiness probe: null when ready, otherwise why not.</param>
    public Kubelet(ObjectStore store, TimeProvider time, EventRecorder events, Func<NodeView, IPodSandboxNetwork> networkOf, Func<PodView, string?>? notReadyReason = null)
        : base(store, time)
    {
        _events = events;
        _networkOf = networkOf;
        _notReadyReason = notReadyReason ?? (_ => null);
    }

    public override string Name => Component;

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Node") && change.Type != WatchEventType.Deleted)
        {
            Queue.Add(new ObjectKey(null, change.Object.Name));
        }
        else if (Is(change, string.Empty, "Pod"))
        {
            // Like the kubelet's pod config, a change of status only (such as its own) is no reason to sync again.
            if (change.Type != WatchEventType.Deleted && !change.OnlyStatusChanged && new PodView(change.Object).NodeName is not null)
            {
                Queue.Add(ObjectKey.Of(change.Object));
            }
        }
    }

    /// <summary>Asks every kubelet to look at its node again (the network plugin's readiness may have changed).</summary>
    public void RefreshNodes()
    {
        foreach (var node in Store.List(Nodes).Items)
        {
            Queue.Add(new ObjectKey(null, node.Name));
        }
    }

    protected override TimeSpan? Reconcile(ObjectKey key)
        => key.Namespace is null ? SyncNode(key.Name) : SyncPod(key);

    private TimeSpan? SyncNode(string name)
    {
        var found = Store.TryGet(Nodes, null, name);
        if (found is null)
        {
            return null;
        }

        var node = new NodeView(found);
        var notReady = _networkOf(node).NotReadyReason(node);
        var ready = notReady is null;
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        var context = RequestContext.ServiceAccount("kube-system", "node-controller");

        var withCondition = found.With(json =>
        {
            var status = (JsonObject)(json["status"] ??= new JsonObject());
            var conditions = status["conditions"] as JsonArray ?? [];
            status["conditions"] = conditions;
            var old = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
            var statusText = ready ? "True" : "False";
            if (old is not null && old["status"]?.GetValue<string>() == statusText && old["message"]?.GetValue<string>() == (ready ? "kubelet is posting ready status" : notReady))
            {
                return;
            }

            if (old is not null)
            {
                conditions.Remove(old);
            }

            conditions.Add(new JsonObject
            {
                ["type"] = "Ready",
                ["status"] = statusText,
                ["lastHeartbeatTime"] = now,
                ["lastTransitionTime"] = now,
                ["reason"] = ready ? "KubeletReady" : "KubeletNotReady",
                ["message"] = ready ? "kubelet is posting ready status" : notReady,
            });
        });
        if (!JsonNode.DeepEquals(withCondition["status"], found["status"]))
        {
            found = Store.UpdateStatus(withCondition, context);
            if (ready)
            {
                _events.Normal(found, "NodeReady", $"Node {name} status is now: NodeReady", Component, name);
            }
        }

        // The node lifecycle controller keeps the not-ready taint in step with the condition.
        var tainted = node.Taints.Any(t => t.Key == NotReadyTaint);
        if (ready == tainted)
        {
            Store.Update(found.With(json =>
            {
                var spec = (JsonObject)(json["spec"] ??= new JsonObject());
                var taints = spec["taints"] as JsonArray ?? [];
                foreach (var taint in taints.OfType<JsonObject>().Where(t => t["key"]?.GetValue<string>() == NotReadyTaint).ToList())
                {
                    taints.Remove(taint);
                }

                if (!ready)
                {
                    taints.Add(new JsonObject { ["key"] = NotReadyTaint, ["effect"] = "NoSchedule", ["timeAdded"] = now });
                }

                if (taints.Count == 0)
                {
                    spec.Remove("taints");
                }
                else
                {
                    spec["taints"] = taints;
                }
            }), context);
        }

        return null;
    }

    private TimeSpan? SyncPod(ObjectKey key)
    {
        var found = Store.TryGet(Pods, key.Namespace, key.Name);
        if (found is null)
        {
            return null;
        }

        var pod = new PodView(found);
        var nodeObject = pod.NodeName is null ? null : Store.TryGet(Nodes, null, pod.NodeName);
        if (nodeObject is null)
        {
            // No kubelet will finish a terminating pod of a node that is gone: the pod garbage collector deletes it.
            if (pod.NodeName is not null && pod.IsTerminating)
            {
                Store.Delete(Pods, pod.Namespace, pod.Name, DeleteOptions.Now, RequestContext.ServiceAccount("kube-system", "pod-garbage-collector"));
            }

            return null;
        }

        var node = new NodeView(nodeObject);
        var context = RequestContext.ServiceAccount("kube-system", "node:" + node.Name);
        if (pod.IsTerminating)
        {
            foreach (var container in pod.Containers)
            {
                _events.Normal(found, "Killing", $"Stopping container {container["name"]?.GetValue<string>()}", Component, node.Name);
            }

            if (!pod.HostNetwork)
            {
                _networkOf(node).Delete(pod, node);
            }

            Store.Delete(Pods, pod.Namespace, pod.Name, DeleteOptions.Now, context);
            return null;
        }

        if (pod.Phase == "Running")
        {
            if (found["status.containerStatuses"] is not JsonArray && pod.PodIP is { } running)
            {
                // A world's pod given as running with only its phase and address: the kubelet's status manager posts
                // the state of the containers it runs (ready, as no probe says otherwise), keeping the address. Its
                // containers started before the world began, so no Pulled/Created/Started events are written now.
                found = Start(found, node, running, context, announce: false);
            }

            return Probe(found, context);
        }

        if (pod.Phase != "Pending" || pod.PodIP is not null)
        {
            return null;
        }

        string podIp;
        if (pod.HostNetwork)
        {
            podIp = node.InternalIP ?? string.Empty;
        }
        else
        {
            var result = _networkOf(node).Add(pod, node);
            if (!result.Succeeded)
            {
                // The words of seed 001's describe output: the sandbox is torn down and made again for the retry.
                var retrying = found["status.containerStatuses"] is JsonArray;
                ShowContainerCreating(found, node, context);
                _events.Warning(found, "FailedCreatePodSandBox", $"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"{SandboxId(found, Time.GetUtcNow())}\" network for pod \"{pod.Name}\": {result.Error}", Component, node.Name);
                if (retrying)
                {
                    _events.Normal(found, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.", Component, node.Name);
                }

                // The pod worker's retry after a failed sync (pod_workers.go, completeWork): the plugin's delay, or
                // backOffPeriod (10 s) — every time, not doubling. The kubelet adds up to half again as jitter
                // (wait.Jitter(backOffPeriod, 0.5)); Podnet leaves it out so a run's timeline is exact and repeatable.
                return result.RetryAfter ?? SandboxRetry;
            }

            podIp = result.PodIp!;
        }

        var started = Start(found, node, podIp, context);
        return new PodView(started).IsReady ? null : ProbePeriod;
    }


    /// <summary>The readiness probe of a running pod: Ready and ContainersReady follow it; a pod not ready is probed again.</summary>
    private TimeSpan? Probe(KubeObject pod, RequestContext context)
    {
        var view = new PodView(pod);
        var ready = _notReadyReason(view) is null;
        if (view.IsReady != ready)
        {
            var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
            Store.UpdateStatus(pod.With(json =>
            {
                foreach (var condition in (json["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (condition["type"]?.GetValue<string>() is "Ready" or "ContainersReady")
                    {
                        condition["status"] = ready ? "True" : "False";
                        condition["lastTransitionTime"] = now;
                    }
                }

                foreach (var status in (json["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    status["ready"] = ready;
                }
            }), context);
        }

        return ready ? null : ProbePeriod;
    }

    private void ShowContainerCreating(KubeObject pod, NodeView node, RequestContext context)
    {
        var view = new PodView(pod);
        if (pod["status.containerStatuses"] is JsonArray)
        {
            return;
        }

        Store.UpdateStatus(pod.With(json =>
        {
            var status = (JsonObject)(json["status"] ??= new JsonObject());
            status["hostIP"] = node.InternalIP;
            status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = node.InternalIP });
            status["startTime"] ??= KubeObject.FormatTimestamp(Time.GetUtcNow());
            status["containerStatuses"] = new JsonArray([.. view.Containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c["name"]?.DeepClone(),
                ["image"] = c["image"]?.DeepClone(),
                ["imageID"] = string.Empty,
                ["ready"] = false,
                ["restartCount"] = 0,
                ["started"] = false,
                ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
            })]);
        }), context);
    }

    private KubeObject Start(KubeObject pod, NodeView node, string podIp, RequestContext context, bool announce = true)
    {
        var view = new PodView(pod);
        var ready = _notReadyReason(view) is null ? "True" : "False";
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        foreach (var container in view.Containers.Where(_ => announce))
        {
            var name = container["name"]?.GetValue<string>();
            _events.Normal(pod, "Pulled", $"Container image \"{container["image"]?.GetValue<string>()}\" already present on machine", Component, node.Name);
            _events.Normal(pod, "Created", $"Created container {name}", Component, node.Name);
            _events.Normal(pod, "Started", $"Started container {name}", Component, node.Name);
        }

        return Store.UpdateStatus(pod.With(json =>
        {
            var status = (JsonObject)(json["status"] ??= new JsonObject());
            status["phase"] = "Running";
            status["hostIP"] = node.InternalIP;
            status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = node.InternalIP });
            status["podIP"] = podIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp });
            status["startTime"] ??= now;
            var scheduled = (status["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "PodScheduled")?.DeepClone()
                            ?? new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = now };
            status["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", now),
                Condition("Initialized", now),
                Condition("Ready", now, ready),
                Condition("ContainersReady", now, ready),
                scheduled);
            status["containerStatuses"] = new JsonArray([.. view.Containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c["name"]?.DeepClone(),
                ["image"] = c["image"]?.DeepClone(),
                ["imageID"] = c["image"]?.DeepClone(),
                ["containerID"] = "containerd://" + Hex(pod.Uid + c["name"]),
                ["ready"] = ready == "True",
                ["restartCount"] = 0,
                ["started"] = true,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } },
            })]);
        }), context);
    }

    private static JsonObject Condition(string type, string now, string status = "True") => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = now,
    };

    /// <summary>A stable 64-hex sandbox ID per pod, as containerd shows them.</summary>
    /// <summary>A new sandbox per attempt, as containerd makes one each time (so the retries' messages differ and aggregate).</summary>
    private static string SandboxId(KubeObject pod, DateTimeOffset attempt) => Hex($"sandbox{pod.Uid}{attempt.UtcTicks}");

    private static string Hex(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));
}
