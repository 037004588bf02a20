using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Nodes.Probes;
using Podnet.Kube.Serialization;
using Podnet.Kube.Store;
using Podnet.Kube.Validation;
using Podnet.Kube.Views;

namespace Podnet.Kube.Nodes;

/// <summary>
/// The kubelets of all nodes. For a node: posts its Ready condition from the network plugin's readiness (a node
/// whose network is not ready carries the not-ready taint). For a pod bound to a node: sets up its sandbox through
/// the network plugin, shows ContainerCreating until that works (FailedCreatePodSandBox events while it does not,
/// retried after the pod worker's jittered 10 to 15 s, at the sync loop's next one-second tick); then starts its
/// containers in order, each once its image is on the node (<see cref="ImageManager"/>: Pulling, then Pulled after
/// the pull's time, or "already present"); runs their startup,
/// liveness and readiness probes on their own timings (<see cref="ProbeWorker"/>); kills a container whose liveness
/// or startup probe fails and restarts it, after the back-off of <see cref="ContainerRestartBackOff"/> when it keeps
/// failing (CrashLoopBackOff); a deleted pod's running containers are stopped over its grace period, then its network
/// is torn down and the pod deleted.
/// </summary>
public sealed class Kubelet : ReconcilingController
{
    public const string Component = "kubelet";
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";

    /// <summary>The event reason of a failed probe (kubelet <c>events.ContainerUnhealthy</c>).</summary>
    public const string UnhealthyReason = "Unhealthy";

    /// <summary>The pod worker's retry after a failed sync, before jitter (kubelet.go <c>backOffPeriod</c>).</summary>
    private static readonly TimeSpan BackOffPeriod = TimeSpan.FromSeconds(10);

    /// <summary>The pod worker's retry of a sync that found the network not ready (pod_workers.go <c>backOffOnTransientErrorPeriod</c>).</summary>
    private static readonly TimeSpan TransientBackOffPeriod = TimeSpan.FromSeconds(1);

    /// <summary>pod_workers.go <c>workerBackOffPeriodJitterFactor</c>: the jitter adds up to half the period again.</summary>
    private const double BackOffJitterFactor = 0.5;

    /// <summary>
    /// The shortest grace period the kubelet gives a container it stops (kuberuntime_container.go
    /// <c>minimumGracePeriodInSeconds</c>): a pod deleted with a grace period of 1 s still has 2 s.
    /// </summary>
    private const long MinimumGracePeriod = 2;

    /// <summary>How often a pod-level readiness check that says not ready is asked again (a probe's default period).</summary>
    private static readonly TimeSpan PodReadinessPeriod = TimeSpan.FromSeconds(ProbeSpec.DefaultPeriodSeconds);

    private readonly EventRecorder _events;
    private readonly Func<NodeView, IPodSandboxNetwork> _networkOf;
    private readonly Func<PodView, string?> _notReadyReason;
    private readonly ContainerProbeRunner _probe;
    private readonly ImageManager _images;
    private readonly ContainerRestartBackOff _backOff = new();
    private readonly Dictionary<string, RuntimePod> _pods = new(StringComparer.Ordinal);

    /// <summary>The nodes whose kubelet stopped (their machine shut down), and when.</summary>
    private readonly Dictionary<string, DateTimeOffset> _stopped = new(StringComparer.Ordinal);

    /// <summary>
    /// The pods (by uid) whose last sandbox failed on a Docker node: Docker keeps such a sandbox, so the next sync finds
    /// it and says so before it makes another.
    /// </summary>
    private readonly HashSet<string> _keptFailedSandboxes = new(StringComparer.Ordinal);

    /// <summary>The nodes whose kubelet last saw them cordoned (kubelet.go's lastNodeUnschedulable, false at its start).</summary>
    private readonly HashSet<string> _unschedulable = new(StringComparer.Ordinal);

    /// <param name="store">The API server's store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="events">Where the kubelet's events go.</param>
    /// <param name="networkOf">The network plugin of a node.</param>
    /// <param name="notReadyReason">A readiness check of the pod as a whole besides its probes (aws-node's own): null when ready, otherwise why not.</param>
    /// <param name="probe">Runs one TCP, HTTP, gRPC or exec probe; without it every probe passes.</param>
    /// <param name="seed">The world's seed, from which image pulls take their durations.</param>
    public Kubelet(ObjectStore store, TimeProvider time, EventRecorder events, Func<NodeView, IPodSandboxNetwork> networkOf, Func<PodView, string?>? notReadyReason = null, ContainerProbeRunner? probe = null, int seed = 1)
        : base(store, time)
    {
        _events = events;
        _networkOf = networkOf;
        _notReadyReason = notReadyReason ?? (_ => null);
        _probe = probe ?? ((_, _, _, _, _) => null);
        _images = new ImageManager(seed);
    }

    public override string Name => Component;

    /// <summary>
    /// Makes the images <paramref name="images"/> accepts for a node (its name, the image as the pod spells it)
    /// present on that node from its boot, as its machine image caches them
    /// (<see cref="Aws.Eks.AmiCachedImages"/>): a container of such an image starts at once, with no Pulling event
    /// and Pulled "Container image … already present on machine" (image_manager.go EnsureImageExists).
    /// </summary>
    public void PreloadImages(Func<string, string, bool> images) => _images.Preloaded = images;

    /// <summary>
    /// The kubelet of <paramref name="nodeName"/> stops at <paramref name="at"/>, its machine shutting down: it posts
    /// no more node status and does nothing more for the node's pods (they keep the status last posted, and a
    /// terminating one stays so), until the node object is deleted. The node lifecycle controller then marks the node
    /// Unknown. Stopping twice keeps the first moment.
    /// </summary>
    public void Stop(string nodeName, DateTimeOffset at) => _stopped.TryAdd(nodeName, at);

    /// <summary>When the kubelet of <paramref name="nodeName"/> stopped, or null while it runs.</summary>
    public DateTimeOffset? StoppedAt(string nodeName) => _stopped.TryGetValue(nodeName, out var at) ? at : null;

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Node"))
        {
            if (change.Type == WatchEventType.Deleted)
            {
                // A node that comes back under the same name is a new machine, with none of the old one's images, and
                // a kubelet that runs.
                _images.Forget(change.Object.Name);
                _stopped.Remove(change.Object.Name);
                _unschedulable.Remove(change.Object.Name);
                return;
            }

            Queue.Add(new ObjectKey(null, change.Object.Name));
        }
        else if (Is(change, string.Empty, "Pod"))
        {
            if (change.Type == WatchEventType.Deleted)
            {
                Forget(change.Object);
                return;
            }

            // Like the kubelet's pod config, a change of status only (such as its own) is no reason to sync again.
            if (!change.OnlyStatusChanged && PodView.Of(change.Object).NodeName is not null)
            {
                // Its labels may now select it for other NetworkPolicies: its resting probes run again.
                ResumeProbes(change.Object.Uid);
                Queue.Add(ObjectKey.Of(change.Object));
            }
        }
        else if ((Is(change, "networking.k8s.io", "NetworkPolicy")
                  || (change.Object.Namespace == "kube-system" && ((Is(change, "apps", "DaemonSet") && change.Object.Name == "aws-node")
                                                                    || (Is(change, string.Empty, "ConfigMap") && change.Object.Name == "amazon-vpc-cni"))))
                 && !change.OnlyStatusChanged) // a status (aws-node's rollout) decides no probe; asked last, as it compares the objects
        {
            // A policy, or the VPC CNI's settings (enforcing mode, TCP early demux), may now decide a probe otherwise.
            ResumeProbes();
        }
    }

    /// <summary>
    /// Something that could change a probe's verdict changed — a security group's rules, a NetworkPolicy, the VPC
    /// CNI's settings, the pod <paramref name="uid"/> (null: every pod): the probes resting because they passed
    /// (<see cref="ProbeWorker.Resume"/>) run again at their ticker's next tick, as the kubelet's workers, which never
    /// stop ticking (prober/worker.go run), would run them. A change of many objects within one period costs one run
    /// per probe.
    /// </summary>
    public void ResumeProbes(string? uid = null)
    {
        var now = Time.GetUtcNow();
        IEnumerable<RuntimePod> pods = uid is null ? _pods.Values : _pods.TryGetValue(uid, out var one) ? [one] : [];
        foreach (var runtime in pods)
        {
            var woke = false;
            foreach (var container in runtime.Containers.Where(c => c.State == RuntimeContainerState.Running))
            {
                foreach (var worker in container.Workers)
                {
                    woke |= worker.Resume(now);
                }
            }

            if (woke && runtime.Key is { } key)
            {
                Queue.Add(key);
            }
        }
    }

    /// <summary>Asks the kubelet of one node to look at it again (its network plugin's readiness may have changed).</summary>
    /// <param name="nodeName">The node's name.</param>
    public void RefreshNode(string nodeName) => Queue.Add(new ObjectKey(null, nodeName));

    /// <summary>Asks every kubelet to look at its node again (the network plugin's readiness may have changed).</summary>
    public void RefreshNodes()
    {
        foreach (var node in Store.List(Nodes).Items)
        {
            Queue.Add(new ObjectKey(null, node.Name));
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
        => ReconcileResult.AfterOrDone(key.Namespace is null ? SyncNode(key.Name) : SyncPod(key));

    private TimeSpan? SyncNode(string name)
    {
        var found = Store.TryGet(Nodes, null, name);
        if (found is null || _stopped.ContainsKey(name))
        {
            return null;
        }

        var node = new NodeView(found);
        var notReady = _networkOf(node).NotReadyReason(node);
        var ready = notReady is null;
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        var context = RequestContext.ServiceAccount("kube-system", "node-controller");

        // A Ready condition already as it would be written leaves the node as it is: checked on the stored node, so a
        // sync that changes nothing (most of them) copies no node.
        static bool SameReady(JsonObject? old, bool ready, string? notReady)
            => old is not null && old["status"]?.GetValue<string>() == (ready ? "True" : "False")
               && old["message"]?.GetValue<string>() == (ready ? "kubelet is posting ready status" : notReady);

        var storedReady = (found.Peek("status.conditions") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
        var withCondition = SameReady(storedReady, ready, notReady) ? found : found.With(json =>
        {
            var status = (JsonObject)(json["status"] ??= new JsonObject());
            var conditions = status["conditions"] as JsonArray ?? [];
            status["conditions"] = conditions;
            var old = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
            var statusText = ready ? "True" : "False";
            if (SameReady(old, ready, notReady))
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
        if (!JsonNode.DeepEquals(withCondition.Peek("status"), found.Peek("status")))
        {
            found = Store.UpdateStatus(withCondition, context);
            if (ready)
            {
                _events.Normal(found, "NodeReady", $"Node {name} status is now: NodeReady", Component, name);
            }
        }

        // A cordon or uncordon, as the kubelet tells it at its next status sync (kubelet_node_status.go
        // recordNodeSchedulableEvent): "Node NAME status is now: NodeNotSchedulable" / "NodeSchedulable".
        if (node.Unschedulable != _unschedulable.Contains(name))
        {
            var reason = node.Unschedulable ? "NodeNotSchedulable" : "NodeSchedulable";
            _events.Normal(found, reason, $"Node {name} status is now: {reason}", Component, name);
            _ = node.Unschedulable ? _unschedulable.Add(name) : _unschedulable.Remove(name);
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

        var pod = PodView.Of(found);
        var nodeObject = pod.NodeName is null ? null : Store.TryGet(Nodes, null, pod.NodeName);
        if (nodeObject is null)
        {
            // No kubelet will finish a terminating pod of a node that is gone: the pod garbage collector deletes it.
            if (pod.NodeName is not null && pod.IsTerminating)
            {
                Forget(found);
                Store.Delete(Pods, pod.Namespace, pod.Name, DeleteOptions.Now, RequestContext.ServiceAccount("kube-system", "pod-garbage-collector"));
            }

            return null;
        }

        var node = new NodeView(nodeObject);
        if (_stopped.ContainsKey(node.Name))
        {
            // No kubelet runs there any more: the pod stays as last posted until the node is gone.
            return null;
        }

        var context = RequestContext.Kubelet(node.Name);

        if (pod.IsTerminating)
        {
            return Terminate(found, pod, node, context);
        }

        if (!_pods.TryGetValue(found.Uid ?? string.Empty, out var runtime))
        {
            if (pod.Phase == "Running" && pod.PodIP is { } running)
            {
                // A world's pod given as running: its containers started before the world began, so no Pulled/Created/
                // Started events are written now; the kubelet's status manager posts the state of the containers it
                // runs, keeping the address, and its probes start now.
                runtime = Adopt(found, running);
            }
            else if (pod.Phase != "Pending")
            {
                return null;
            }
            else if (CreateSandbox(found, pod, node, context, out var retry) is { } created)
            {
                runtime = created;
            }
            else
            {
                return retry;
            }

            runtime.Key = key;
            _pods[found.Uid!] = runtime;
        }

        return Advance(found, runtime, node, context);
    }

    /// <summary>
    /// A deleted pod's termination (pod_workers.go: a pod with a deletionTimestamp is terminating; kuberuntime_manager.go
    /// <c>KillPod</c>): each running container is stopped with the pod's grace period (<c>deletionGracePeriodSeconds</c>,
    /// at least <see cref="MinimumGracePeriod"/>), a <c>Killing</c> event "Stopping container X" as its stop begins
    /// (kuberuntime_container.go <c>killContainer</c>). The emulated processes do not model their SIGTERM handling, so
    /// each runs until its grace period ends (as a process that ignores SIGTERM, the longest the kubelet waits before
    /// SIGKILL): the pod shows Terminating that long. Then the sandbox is stopped (the network plugin's DEL) and the
    /// status manager deletes the pod with grace period 0 (status_manager.go <c>syncPod</c> once
    /// <c>canBeDeleted</c>). A pod with no running container (never started, or its sandbox never made) has nothing
    /// to wait for and goes at once. Returns how long until the grace period ends, or null once the pod is deleted.
    /// </summary>
    private TimeSpan? Terminate(KubeObject found, PodView pod, NodeView node, RequestContext context)
    {
        var now = Time.GetUtcNow();
        if (_pods.TryGetValue(found.Uid ?? string.Empty, out var runtime) && runtime.Containers.Any(c => c.State == RuntimeContainerState.Running))
        {
            if (runtime.KillingSince is null)
            {
                runtime.KillingSince = now;
                foreach (var container in runtime.Containers.Where(c => c.State == RuntimeContainerState.Running))
                {
                    _events.Normal(found, "Killing", $"Stopping container {container.Name}", Component, node.Name);
                }
            }

            // A second delete with a shorter grace period shortens the wait (the pod worker's gracePeriodOverride).
            var grace = TimeSpan.FromSeconds(Math.Max(found.DeletionGracePeriodSeconds ?? PodSpecDefaults.DefaultTerminationGracePeriodSeconds, MinimumGracePeriod));
            var end = runtime.KillingSince.Value + grace;
            if (end > now)
            {
                return end - now;
            }
        }

        if (!pod.HostNetwork)
        {
            _networkOf(node).Delete(pod, node);
        }

        Forget(found);
        Store.Delete(Pods, pod.Namespace, pod.Name, DeleteOptions.Now, context);
        return null;
    }

    /// <summary>
    /// Sets up the pod's sandbox network through the node's network plugin: the kubelet state of the pod, or null with
    /// the delay before the pod worker tries again.
    /// </summary>
    private RuntimePod? CreateSandbox(KubeObject found, PodView pod, NodeView node, RequestContext context, out TimeSpan? retry)
    {
        retry = null;
        string podIp;
        if (pod.HostNetwork)
        {
            podIp = node.InternalIP ?? string.Empty;
        }
        else
        {
            var network = _networkOf(node);
            if (network.NotReadyReason(node) is { } notReady)
            {
                // kubelet.go SyncPod: while the runtime's network is not ready only host-network pods start; the others
                // get NetworkNotReady and are synced again after backOffOnTransientErrorPeriod (pod_workers.go
                // completeWork: 1 s with the same jitter), not the 10 s of a failed sync.
                var now = Time.GetUtcNow();
                ShowContainerCreating(found, node, context);
                _events.Warning(found, "NetworkNotReady", $"network is not ready: {notReady}", Component, node.Name);
                retry = NextSync(now, BackOff(Jitter($"network{found.Uid}{now.UtcTicks}"), TransientBackOffPeriod));
                return null;
            }

            if (_keptFailedSandboxes.Remove(found.Uid ?? string.Empty))
            {
                // kuberuntime_manager.go SyncPod: computePodActions names the kept sandbox's ID, so the kubelet says it
                // will replace it before it creates the next one (the words of seed 001's describe output). containerd
                // removes a sandbox whose network setup failed before it is ever listed (pkg/cri sandbox_run.go: the
                // sandbox is stored only once it runs), so on containerd nothing is said to have changed.
                _events.Normal(found, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.", Component, node.Name);
            }

            var result = network.Add(pod, node);
            if (result.IsWaiting)
            {
                // The plugin's ADD is still running (it polls for a moment): nothing has failed yet, nothing to report.
                retry = result.RetryAfter;
                return null;
            }

            if (!result.Succeeded)
            {
                ShowContainerCreating(found, node, context);
                var attempt = Time.GetUtcNow();
                var message = result.Plugin is { } plugin
                    ? SandboxFailure(found, pod, node, attempt, plugin, result.Error!)
                    : ContainerRuntime.FailedCreatePodSandboxPrefix + result.Error;
                _events.Warning(found, "FailedCreatePodSandBox", message, Component, node.Name);
                if (ContainerRuntime.IsDocker(node))
                {
                    _keptFailedSandboxes.Add(found.Uid ?? string.Empty);
                }

                // The pod worker's retry after a failed sync (pod_workers.go, completeWork): backOffPeriod with jitter,
                // every time, not doubling; the jitter read from the hash the sandbox ID is.
                retry = NextSync(attempt, BackOff(SandboxJitter(found, attempt), BackOffPeriod));
                return null;
            }

            podIp = result.PodIp!;
        }

        return new RuntimePod(found.Uid!, podIp, Time.GetUtcNow(), [.. pod.Containers.Select(c => new RuntimeContainer(c))]);
    }

    /// <summary>The kubelet state of a pod that was running before the world began: its containers run since now.</summary>
    private RuntimePod Adopt(KubeObject found, string podIp)
    {
        var now = Time.GetUtcNow();
        var statuses = (found["status.containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var runtime = new RuntimePod(found.Uid!, podIp, now, [.. PodView.Of(found).Containers.Select(c => new RuntimeContainer(c))]);
        foreach (var container in runtime.Containers)
        {
            var status = statuses.FirstOrDefault(s => s["name"]?.GetValue<string>() == container.Name);
            container.RestartCount = status?["restartCount"] is JsonValue v && v.TryGetValue<int>(out var restarts) ? restarts : 0;
            container.LastTerminated = status?["lastState"]?["terminated"]?.DeepClone() as JsonObject;
            Run(found, container, now);
        }

        return runtime;
    }

    /// <summary>
    /// Does what is due for a pod whose sandbox is up: starts its containers in order (pulling images as needed),
    /// runs their probes, kills a container whose liveness or startup probe failed and restarts it after its back-off,
    /// then posts the pod's status. Returns when something is next due.
    /// </summary>
    private TimeSpan? Advance(KubeObject found, RuntimePod runtime, NodeView node, RequestContext context)
    {
        var now = Time.GetUtcNow();
        var restartPolicy = found.GetString("spec.restartPolicy") ?? "Always";

        // kuberuntime_manager.go SyncPod starts the containers one after the other, each after its image is there.
        foreach (var container in runtime.Containers)
        {
            if (container.State == RuntimeContainerState.BackOff && container.RestartAt <= now)
            {
                // The back-off since the exit has passed: doBackOff lets the restart through and doubles the back-off.
                _backOff.Next(BackOffKey(found, container), container.ExitedAt, now);
                container.State = RuntimeContainerState.Creating;
            }

            if (container.State == RuntimeContainerState.Creating && !BeginOrFinishStart(found, node, container, now) && !container.EverStarted)
            {
                break;
            }
        }

        foreach (var container in runtime.Containers.Where(c => c.State == RuntimeContainerState.Running))
        {
            RunProbes(found, node, container, now);
            var failed = container.Worker(ProbeType.Liveness) is { Result: ProbeResult.Failure } ? "liveness"
                : container.Worker(ProbeType.Startup) is { Result: ProbeResult.Failure } ? "startup"
                : null;
            if (failed is not null)
            {
                Kill(found, node, container, failed, restartPolicy, now);
            }
        }

        foreach (var container in runtime.Containers.Where(c => c.State == RuntimeContainerState.BackOff && c.NextBackOffReport <= now))
        {
            // Each sync of a pod in back-off says so again (kuberuntime_manager.go doBackOff), on the pod worker's retry.
            _events.Warning(found, "BackOff", $"Back-off restarting failed container {container.Name} in pod {PodRef(found)}", Component, node.Name);
            container.NextBackOffReport = now + NextSync(now, BackOff(Jitter($"backoff{found.Uid}{container.Name}{now.UtcTicks}"), BackOffPeriod));
        }

        // A pod-level check (aws-node's) stands for its containers' readiness probe: it holds them back too.
        var podLevelReason = runtime.Containers.All(c => c.Ready) ? _notReadyReason(PodView.Of(found)) : null;
        runtime.NextReadinessCheck = podLevelReason is null ? null : now + PodReadinessPeriod;
        PostStatus(found, runtime, node, podLevelReason is null, now, context);

        var due = runtime.Containers.SelectMany(c => Due(c)).Append(runtime.NextReadinessCheck).Where(d => d is not null).Min();
        return due is { } next ? (next > now ? next - now : TimeSpan.Zero) : null;
    }

    /// <summary>When something of a container is next due: its pull's end, its back-off's next report, a probe.</summary>
    private static IEnumerable<DateTimeOffset?> Due(RuntimeContainer container) => container.State switch
    {
        RuntimeContainerState.Creating => [container.Pulling?.DoneAt],
        RuntimeContainerState.BackOff => [container.NextBackOffReport < container.RestartAt ? container.NextBackOffReport : container.RestartAt],
        RuntimeContainerState.Running => container.Workers.Select(w => w.Due),
        _ => [],
    };

    /// <summary>
    /// Takes a container toward running: asks the image manager for its image (Pulled "already present", or Pulling
    /// and, when the pull has ended, Pulled "Successfully pulled …"), then creates and starts it. True once it runs.
    /// </summary>
    private bool BeginOrFinishStart(KubeObject pod, NodeView node, RuntimeContainer container, DateTimeOffset now)
    {
        if (container.Pulling is { } pulling)
        {
            if (pulling.DoneAt > now)
            {
                return false;
            }

            container.Pulling = null;
            _events.Normal(pod, ImageManager.PulledReason, ImageManager.PulledMessage(container.Image, pulling.Pull), Component, node.Name);
        }
        else
        {
            var pull = _images.Ensure(node.Name, container.Image, container.Spec["imagePullPolicy"]?.GetValue<string>(), now);
            if (pull.NeverPullMissing)
            {
                if (container.State != RuntimeContainerState.ImageNeverPull)
                {
                    _events.Warning(pod, ImageManager.NeverPullReason, ImageManager.NeverPullMessage(container.Image), Component, node.Name);
                }

                container.State = RuntimeContainerState.ImageNeverPull;
                return false;
            }

            if (pull.Pulls)
            {
                _events.Normal(pod, ImageManager.PullingReason, ImageManager.PullingMessage(container.Image), Component, node.Name);
                container.Pulling = (pull, now + pull.Duration);
                if (pull.Duration > TimeSpan.Zero)
                {
                    return false;
                }

                container.Pulling = null;
                _events.Normal(pod, ImageManager.PulledReason, ImageManager.PulledMessage(container.Image, pull), Component, node.Name);
            }
            else
            {
                _events.Normal(pod, ImageManager.PulledReason, ImageManager.PresentMessage(container.Image), Component, node.Name);
            }
        }

        if (container.EverStarted)
        {
            container.RestartCount++;
        }

        _events.Normal(pod, "Created", $"Created container {container.Name}", Component, node.Name);
        _events.Normal(pod, "Started", $"Started container {container.Name}", Component, node.Name);
        Run(pod, container, now);
        return true;
    }

    /// <summary>A new instance of the container runs from <paramref name="now"/>, with new probe workers.</summary>
    private static void Run(KubeObject pod, RuntimeContainer container, DateTimeOffset now)
    {
        container.State = RuntimeContainerState.Running;
        container.StartedAt = now;
        container.ContainerId = "containerd://" + Hex(pod.Uid + container.Spec["name"] + (container.RestartCount == 0 ? string.Empty : "/" + container.RestartCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        container.EverStarted = true;
        container.Workers.Clear();
        foreach (var type in new[] { ProbeType.Startup, ProbeType.Liveness, ProbeType.Readiness })
        {
            if (ProbeSpec.Of(container.Spec, type) is { } spec)
            {
                container.Workers.Add(new ProbeWorker(type, spec, now));
            }
        }
    }

    /// <summary>Runs the probes of a running container that are due, startup first; each failed run is an Unhealthy event.</summary>
    private void RunProbes(KubeObject pod, NodeView node, RuntimeContainer container, DateTimeOffset now)
    {
        var view = PodView.Of(pod);
        foreach (var worker in container.Workers)
        {
            while (worker.Due is { } due && due <= now)
            {
                var failure = worker.Step(now, container.Started, () => _probe(view, node, container.Spec, worker.Type, worker.Spec));
                if (failure is not null)
                {
                    // prober.go probe: recordContainerEvent(Warning, ContainerUnhealthy, "%s probe failed: %s").
                    _events.Warning(pod, UnhealthyReason, $"{worker.Type.EventWord()} probe failed: {failure.Output}", Component, node.Name);
                }
            }
        }
    }

    /// <summary>
    /// Kills a container whose liveness or startup probe failed (kuberuntime_manager.go computePodActions: "Container
    /// %s failed liveness probe, will be restarted"), and restarts it at once or after its back-off (doBackOff). The
    /// container ends as a process killed after its grace period does: exit code 137.
    /// </summary>
    private void Kill(KubeObject pod, NodeView node, RuntimeContainer container, string probe, string restartPolicy, DateTimeOffset now)
    {
        // restartPolicy OnFailure restarts it too: a killed container's exit code is not 0.
        var restart = restartPolicy != "Never";
        _events.Normal(pod, "Killing", $"Container {container.Name} failed {probe} probe{(restart ? ", will be restarted" : string.Empty)}", Component, node.Name);
        container.LastTerminated = new JsonObject
        {
            ["containerID"] = container.ContainerId,
            ["exitCode"] = 137,
            ["finishedAt"] = KubeObject.FormatTimestamp(now),
            ["reason"] = "Error",
            ["startedAt"] = KubeObject.FormatTimestamp(container.StartedAt),
        };
        container.ExitedAt = now;
        container.Workers.Clear();
        if (!restart)
        {
            container.State = RuntimeContainerState.Terminated;
            return;
        }

        var key = BackOffKey(pod, container);
        if (_backOff.IsInBackOffSince(key, now, now))
        {
            var backOff = _backOff.Get(key);
            container.State = RuntimeContainerState.BackOff;
            container.RestartAt = now + backOff;
            container.NextBackOffReport = now;
            container.BackOffMessage = $"back-off {GoDuration.Format(backOff)} restarting failed container={container.Name} pod={PodRef(pod)}";
            return;
        }

        _backOff.Next(key, now, now);
        container.State = RuntimeContainerState.Creating;
        BeginOrFinishStart(pod, node, container, now);
    }

    /// <summary>
    /// Posts the pod's status from the kubelet's state (kubelet_pods.go generateAPIPodStatus): phase, addresses,
    /// conditions (a condition keeps its transition time while its status holds), and each container's state, last
    /// termination, restarts, started and ready.
    /// </summary>
    /// <param name="found">The pod as stored.</param>
    /// <param name="runtime">The kubelet's state of it.</param>
    /// <param name="node">Its node.</param>
    /// <param name="podLevelReady">False when a pod-level readiness check holds its containers back.</param>
    /// <param name="now">The moment it is.</param>
    /// <param name="context">The kubelet's identity.</param>
    private void PostStatus(KubeObject found, RuntimePod runtime, NodeView node, bool podLevelReady, DateTimeOffset now, RequestContext context)
    {
        var inputs = PodStatusInputs.Of(runtime, node, podLevelReady);
        var stored = found.Peek("status") as JsonObject;
        if (runtime.Posted is { } posted && ReferenceEquals(posted.Status, stored) && posted.Inputs.Equals(inputs))
        {
            // Stored nodes never change, so the same node with the same inputs is the status this would make again.
            return;
        }

        var stamp = KubeObject.FormatTimestamp(now);
        var ready = podLevelReady && runtime.Containers.All(c => c.Ready);
        var containersReady = ready ? "True" : "False";
        // The new status is made apart from the pod and compared with the stored one before anything else is copied:
        // most syncs leave it as it was.
        var status = CopyBut(stored, PostedStatusFields);
        {
            var old = (stored?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            JsonObject Condition(string type, string value)
            {
                var previous = old.FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
                return SizedJsonObject.Of(
                    ("type", type),
                    ("status", value),
                    ("lastProbeTime", null),
                    ("lastTransitionTime", previous?["status"]?.GetValue<string>() == value ? previous["lastTransitionTime"]?.DeepClone() : stamp));
            }

            status["phase"] = runtime.Phase;
            status["hostIP"] = node.InternalIP;
            status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = node.InternalIP });
            status["podIP"] = runtime.PodIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = runtime.PodIp });
            status["startTime"] ??= KubeObject.FormatTimestamp(runtime.SandboxReadyAt);
            var scheduled = old.FirstOrDefault(c => c["type"]?.GetValue<string>() == "PodScheduled")?.DeepClone()
                            ?? SizedJsonObject.Of(("type", "PodScheduled"), ("status", "True"), ("lastProbeTime", null), ("lastTransitionTime", stamp));
            status["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", "True"),
                Condition("Initialized", "True"),
                Condition("Ready", ready ? "True" : "False"),
                Condition("ContainersReady", containersReady),
                scheduled);
            status["containerStatuses"] = new JsonArray([.. runtime.Containers.Select(c => (JsonNode)ContainerStatus(c, podLevelReady))]);
        }

        if (JsonNode.DeepEquals(status, stored))
        {
            runtime.Posted = (stored, inputs);
            return;
        }

        runtime.Posted = (Store.UpdateStatusHandedOver(found, status, context).Peek("status"), inputs);
    }

    /// <summary>The status fields <see cref="PostStatus"/> writes anew each time.</summary>
    private static readonly string[] PostedStatusFields = ["phase", "hostIP", "hostIPs", "podIP", "podIPs", "conditions", "containerStatuses"];

    /// <summary>The status fields <see cref="ShowContainerCreating"/> writes anew.</summary>
    private static readonly string[] CreatingStatusFields = ["hostIP", "hostIPs", "containerStatuses"];

    /// <summary>
    /// A copy of a pod's status (empty for none) but the fields <paramref name="replaced"/>, which hold null in their
    /// places for the caller to set: the fields keep their order, and a status's largest parts, its conditions and
    /// container statuses, are not copied only to be replaced.
    /// </summary>
    private static JsonObject CopyBut(JsonObject? stored, string[] replaced)
    {
        // Sized for the stored fields and the replaced ones and startTime, which the caller may add.
        var status = new SizedJsonObject.Builder((stored?.Count ?? 0) + replaced.Length + 1);
        if (stored is not null)
        {
            foreach (var (field, value) in stored.Fields())
            {
                status.Add(field, Array.IndexOf(replaced, field) >= 0 ? null : value?.DeepClone());
            }
        }

        return status.Build();
    }

    /// <summary>A container's entry of <c>status.containerStatuses</c>.</summary>
    private static JsonObject ContainerStatus(RuntimeContainer container, bool podLevelReady)
    {
        var status = new SizedJsonObject.Builder(9);
        status.Add("name", container.Name);
        status.Add("image", container.Image);
        status.Add("imageID", container.EverStarted ? container.Image : string.Empty);
        if (container.EverStarted)
        {
            status.Add("containerID", container.ContainerId);
        }

        status.Add("ready", container.Ready && podLevelReady);
        status.Add("restartCount", container.RestartCount);
        status.Add("started", container.Started);
        status.Add("state", container.State switch
        {
            RuntimeContainerState.Running => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = KubeObject.FormatTimestamp(container.StartedAt) } },
            RuntimeContainerState.BackOff => new JsonObject { ["waiting"] = new JsonObject { ["message"] = container.BackOffMessage, ["reason"] = "CrashLoopBackOff" } },
            RuntimeContainerState.Terminated => new JsonObject { ["terminated"] = container.LastTerminated?.DeepClone() },
            RuntimeContainerState.ImageNeverPull => new JsonObject { ["waiting"] = new JsonObject { ["message"] = ImageManager.NeverPullMessage(container.Image), ["reason"] = ImageManager.NeverPullReason } },
            _ => new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
        });
        if (container.LastTerminated is not null && container.State != RuntimeContainerState.Terminated)
        {
            status.Add("lastState", new JsonObject { ["terminated"] = container.LastTerminated.DeepClone() });
        }

        return status.Build();
    }

    /// <summary>The kubelet forgets a pod that is gone: its state and its containers' back-off.</summary>
    private void Forget(KubeObject pod)
    {
        _pods.Remove(pod.Uid ?? string.Empty);
        _keptFailedSandboxes.Remove(pod.Uid ?? string.Empty);
        _backOff.Forget(pod.Uid + "/");
    }

    /// <summary>The back-off key of a container (kuberuntime getStableKey: the pod and the container, by uid and name).</summary>
    private static string BackOffKey(KubeObject pod, RuntimeContainer container) => $"{pod.Uid}/{container.Name}";

    /// <summary>A pod as the kubelet names it in messages (format.Pod): <c>name_namespace(uid)</c>.</summary>
    private static string PodRef(KubeObject pod) => $"{pod.Name}_{pod.Namespace ?? "default"}({pod.Uid})";

    private void ShowContainerCreating(KubeObject pod, NodeView node, RequestContext context)
    {
        var view = PodView.Of(pod);
        if (view.HasContainerStatuses)
        {
            return;
        }

        var status = CopyBut(pod.Peek("status") as JsonObject, CreatingStatusFields);
        {
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
        }

        Store.UpdateStatusHandedOver(pod, status, context);
    }

    /// <summary>
    /// The SHA-256 of the sandbox the attempt at <paramref name="attempt"/> makes, a new one per attempt as containerd
    /// makes one each time (so the retries' messages differ and aggregate): its hex is the sandbox ID, its first 16
    /// bits the jitter of the retry that follows a failure.
    /// </summary>
    private static void SandboxHash(KubeObject pod, DateTimeOffset attempt, Span<byte> hash) => Hash($"sandbox{pod.Uid}{attempt.UtcTicks}", hash);

    /// <summary>The ID (64 hex digits) of the sandbox the attempt at <paramref name="attempt"/> makes.</summary>
    private static string SandboxId(KubeObject pod, DateTimeOffset attempt)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SandboxHash(pod, attempt, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The jitter of the retry after the attempt at <paramref name="attempt"/> failed, read from its sandbox ID.</summary>
    private static ushort SandboxJitter(KubeObject pod, DateTimeOffset attempt)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SandboxHash(pod, attempt, hash);
        return First16Bits(hash);
    }

    /// <summary>
    /// The <c>FailedCreatePodSandBox</c> message of the attempt at <paramref name="attempt"/>, told apart from the pod's
    /// earlier ones by that moment (the sandbox ID is a hash of the pod and it), and made, sandbox ID and all, only if
    /// the event is written: a pod waiting for its branch interface fails every 10 s, and the spam filter drops most.
    /// A method of its own so that what the text needs is captured only on this path, not on every sandbox made.
    /// </summary>
    private static EventMessage SandboxFailure(KubeObject found, PodView pod, NodeView node, DateTimeOffset attempt, CniPlugin plugin, string error)
        => new(
            attempt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            before => ContainerRuntime.FailedCreatePodSandboxMessage(node, pod, SandboxId(found, attempt), plugin, error, before));

    /// <summary>The SHA-256 of <paramref name="seed"/> in lower-case hex: IDs that repeat from run to run.</summary>
    private static string Hex(ReadOnlySpan<char> seed)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(seed, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// The first 16 bits of the SHA-256 of an interpolated seed (the first four hex digits of its <see cref="Hex(ReadOnlySpan{char})"/>):
    /// the random part of a retry that repeats from run to run, made without the hex (a pod waiting for its branch
    /// interface retries every 10 s).
    /// </summary>
    private static ushort Jitter(ref DefaultInterpolatedStringHandler seed)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(ref seed, hash);
        return First16Bits(hash);
    }

    private static ushort First16Bits(ReadOnlySpan<byte> hash) => (ushort)((hash[0] << 8) | hash[1]);

    /// <summary>
    /// <see cref="Hash(ReadOnlySpan{char}, Span{byte})"/> of an interpolated seed, formatted into a pooled buffer rather
    /// than a string: a pod waiting for its branch interface makes a seed every 10 s.
    /// </summary>
    private static void Hash(ref DefaultInterpolatedStringHandler seed, scoped Span<byte> hash)
    {
        try
        {
            Hash(seed.Text, hash);
        }
        finally
        {
            seed.Clear();
        }
    }

    /// <summary>Hashes <paramref name="seed"/>'s UTF-8 from a buffer on the stack into <paramref name="hash"/>.</summary>
    private static void Hash(ReadOnlySpan<char> seed, Span<byte> hash)
    {
        var length = Encoding.UTF8.GetMaxByteCount(seed.Length);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(seed, bytes)], hash);
    }

    /// <summary>
    /// How long from <paramref name="now"/> until the kubelet's sync loop takes up a pod whose work queue entry is due
    /// after <paramref name="delay"/>: the pod worker queues the retry (pod_workers.go <c>completeWork</c>,
    /// <c>p.workQueue.Enqueue</c>), and <c>syncLoop</c> (kubelet.go) takes what is due on its <c>syncTicker</c>, which
    /// ticks every second (<c>getPodsToSync</c>, <c>workQueue.GetWork</c>). Podnet's ticks fall on whole seconds of
    /// virtual time, for every kubelet alike.
    /// </summary>
    private static TimeSpan NextSync(DateTimeOffset now, TimeSpan delay)
    {
        var due = now + delay;
        var tick = new DateTimeOffset((due.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return tick - now;
    }

    /// <summary>
    /// When the pod worker syncs a pod again after a failed sync (pod_workers.go <c>completeWork</c>:
    /// <c>wait.Jitter(period, workerBackOffPeriodJitterFactor)</c>): <paramref name="period"/> (<see cref="BackOffPeriod"/>,
    /// or <see cref="TransientBackOffPeriod"/> while the network is not ready) plus a random part of up to half of it, in
    /// whole milliseconds. The random part is read from <paramref name="jitter"/> (<see cref="Jitter"/>: a hash of the
    /// attempt, such as the one its sandbox ID is), so a run's timeline is repeatable while retries spread as the
    /// kubelet's do.
    /// </summary>
    private static TimeSpan BackOff(ushort jitter, TimeSpan period)
        => period + TimeSpan.FromMilliseconds(Math.Floor(jitter / 65536.0 * BackOffJitterFactor * period.TotalMilliseconds));
}
