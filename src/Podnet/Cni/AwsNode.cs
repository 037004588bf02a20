using System.Net;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Cni.Ipamd;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Nodes;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Cni;

/// <summary>
/// The aws-node DaemonSet at work: on every node where an aws-node pod runs, an ipamd configured from that pod's
/// environment manages the node's interfaces and addresses through EC2 (as the node role), and the CNI plugin
/// hands pods their addresses. The node's network is ready, and aws-node Ready, once ipamd has initialised. A new
/// aws-node pod (after <c>kubectl set env daemonset aws-node …</c>) starts a new ipamd with the new settings, which
/// restores the node's pod addresses from the old one, as ipamd does from its checkpoint file.
/// </summary>
public sealed class AwsNode : ReconcilingController, IPodSandboxNetwork
{
    public const string Component = "aws-node";
    public const string NotReadyMessage = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";

    /// <summary>The store index of aws-node's pods by <c>spec.nodeName</c> (an informer's indexer, as a DaemonSet's pod is looked up by node).</summary>
    public const string AwsNodePodIndex = "aws-node/spec.nodeName";

    private readonly AwsCloud _cloud;
    private readonly Action<string> _networkChanged;
    private readonly Dictionary<string, NodeAgent> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<PodKey, PodNetwork> _podNetworks = [];

    /// <summary>The nodes whose machine shut down: their aws-node runs no more.</summary>
    private readonly HashSet<string> _shutDown = new(StringComparer.Ordinal);

    /// <param name="networkChanged">
    /// Tells the kubelet of the named node to look at its network again (that node's only: asking every kubelet each time
    /// one node's ipamd started was quadratic in the nodes).
    /// </param>
    public AwsNode(ObjectStore store, TimeProvider time, AwsCloud cloud, Action<string> networkChanged)
        : base(store, time)
    {
        _cloud = cloud;
        _networkChanged = networkChanged;

        // Every ipamd tick of a node looks for its aws-node pod: an index finds it without reading the node's other pods.
        store.AddIndex(Pods, AwsNodePodIndex, p => IsAwsNodePod(p) && p.GetString("spec.nodeName") is { Length: > 0 } node ? [node] : []);
    }

    public override string Name => Component;

    /// <summary>What the CNI set up for each pod it gave an address: interface, branch, and the SNAT settings in force.</summary>
    public IReadOnlyCollection<PodNetwork> PodNetworks => _podNetworks.Values;

    /// <summary>The ipamd of a node, when aws-node runs there.</summary>
    public Ipamd.Ipamd? IpamdOf(string nodeName) => _agents.GetValueOrDefault(nodeName)?.Ipamd;

    /// <summary>
    /// The machine of <paramref name="nodeName"/> shut down (its instance is terminating): aws-node's ipamd stops with
    /// it and makes no more EC2 calls; what it held stays on the interfaces until EC2 deletes them with the instance.
    /// </summary>
    public void ShutDown(string nodeName)
    {
        _shutDown.Add(nodeName);
        Queue.Add(new ObjectKey(null, nodeName));
    }

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Node"))
        {
            Queue.Add(new ObjectKey(null, change.Object.Name));
        }
        else if (Is(change, string.Empty, "Pod") && IsAwsNodePod(change.Object) && PodView.Of(change.Object).NodeName is { } node)
        {
            Queue.Add(new ObjectKey(null, node));
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        var node = Store.TryGet(Nodes, null, key.Name);
        if (node is null)
        {
            // A node registered again under this name is a new machine.
            _agents.Remove(key.Name);
            _shutDown.Remove(key.Name);
            return ReconcileResult.Done;
        }

        if (_shutDown.Contains(key.Name))
        {
            _agents.Remove(key.Name);
            return ReconcileResult.Done;
        }

        var awsNode = Store.ListByIndex(Pods, AwsNodePodIndex, key.Name)
            .Select(p => PodView.Of(p))
            .FirstOrDefault(p => IsAwsNodePod(p.Object) && p.Phase == "Running" && !p.IsTerminating);
        if (awsNode is null)
        {
            return ReconcileResult.Done;
        }

        var agent = _agents.GetValueOrDefault(key.Name);
        if (agent is null || agent.PodUid != awsNode.Object.Uid)
        {
            agent = Start(node, awsNode, agent);
            if (agent is null)
            {
                return ReconcileResult.Done;
            }

            _agents[key.Name] = agent;
        }

        var ipamd = agent.Ipamd;
        if (!ipamd.Initialized)
        {
            ipamd.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (!ipamd.Initialized)
            {
                // ipamd exits and the kubelet restarts it; try again as the restart would.
                return ReconcileResult.After(TimeSpan.FromSeconds(10));
            }

            agent.RestoreInto(ipamd);
            agent.Running = [.. RunningBefore(key.Name, ipamd)];
            AdoptRunning(agent);
            RestoreBranchPods(key.Name, agent);
            AdvertiseFeatures(node, agent);
            _networkChanged(key.Name);
        }

        var next = ipamd.ReconcileAsync(CancellationToken.None).GetAwaiter().GetResult();
        AdoptRunning(agent);

        // ipamd polls forever; the emulator stops polling a node whose pool has not changed for a while (every
        // timer of the pool — cooldown, minimum ENI age, scale-down interval — is shorter), and starts again when a
        // pod comes or goes.
        var signature = Signature(ipamd);
        if (signature != agent.Signature)
        {
            agent.Signature = signature;
            agent.LastChange = Time.GetUtcNow();
        }

        return ReconcileResult.AfterOrDone(Time.GetUtcNow() - agent.LastChange < QuietAfter ? next : null);
    }

    /// <summary>
    /// The pods of a node that were running before its ipamd started, with an address no ipamd handed out here: a
    /// world's pods given with <c>status.podIP</c>. ipamd's checkpoint (<c>/var/run/aws-node/ipam.json</c>, read by
    /// <c>nodeInit</c> through <c>ReadBackingStore</c> in pkg/ipamd/ipamd.go) lists every pod it gave an address, so
    /// their addresses are taken, never handed to another pod. Host-network pods and pods on branch interfaces hold
    /// no address of ipamd's pool.
    /// </summary>
    private IEnumerable<PodView> RunningBefore(string nodeName, Ipamd.Ipamd ipamd)
    {
        var restored = ipamd.Datastore.Allocations().Select(a => a.Key).ToHashSet();
        return Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, nodeName)
            .Select(p => PodView.Of(p))
            .Where(p => p is { HostNetwork: false, IsTerminating: false, PodAddress: not null } && !restored.Contains(KeyOf(p)) && !RequestsPodEni(p));
    }

    /// <summary>
    /// The pods of a node that were running on branch interfaces before its aws-node started (a world's pods given
    /// with <c>status.podIP</c> and the controller's <c>vpc.amazonaws.com/pod-eni</c> annotation, as a snapshot keeps
    /// them): the CNI set up their VLAN devices and rules when they started, and those outlive aws-node, so their
    /// network is the one the annotation names — in the enforcing mode the node's aws-node runs with now.
    /// </summary>
    private void RestoreBranchPods(string nodeName, NodeAgent agent)
    {
        foreach (var pod in Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, nodeName).Select(p => PodView.Of(p))
                     .Where(p => p is { HostNetwork: false, IsTerminating: false, PodAddress: not null } && RequestsPodEni(p) && !_podNetworks.ContainsKey(KeyOf(p))))
        {
            if (BranchNetwork(pod, agent) is { } network && network.PodIp == pod.PodIP)
            {
                _podNetworks[KeyOf(pod)] = network;
            }
        }
    }

    /// <summary>
    /// Takes the addresses of <see cref="NodeAgent.Running"/> pods into the datastore as soon as one of the node's
    /// ENIs holds them (at start, or once the pool has read or grown that ENI), and records what the CNI set up for
    /// them. A pod whose address no ENI of its node holds is left waiting: reach then judges it by whichever
    /// interface holds the address, or says none does.
    /// </summary>
    private void AdoptRunning(NodeAgent agent)
    {
        if (agent.Running.Count == 0)
        {
            return;
        }

        foreach (var pod in agent.Running.ToList())
        {
            var key = KeyOf(pod);
            if (Store.TryGet(Pods, pod.Namespace, pod.Name) is not { } current || current.Uid != pod.Object.Uid || PodView.Of(current).IsTerminating)
            {
                // Gone (or going) before its address was taken: nothing to keep.
                agent.Running.Remove(pod);
                continue;
            }

            if (!agent.Ipamd.Datastore.RestoreAssignment(key, pod.PodAddress!) || agent.Ipamd.Datastore.FindAddress(key) is not var (eni, _))
            {
                continue;
            }

            agent.Running.Remove(pod);
            _podNetworks[key] = new PodNetwork(pod.Namespace, pod.Name, pod.NodeName!, pod.PodIP!, eni.Id, eni.DeviceNumber, null, agent.Settings);
        }
    }

    /// <summary>How long a pool must stay unchanged before the emulator stops polling it.</summary>
    public static readonly TimeSpan QuietAfter = TimeSpan.FromMinutes(3);

    /// <summary>What tells a change of the pool: the datastore's version (each ENI, CIDR or assignment it gains or loses) and its counts, which also move as addresses leave cooldown.</summary>
    private static (long Version, DatastoreStats Stats) Signature(Ipamd.Ipamd ipamd) => (ipamd.Datastore.Version, ipamd.Stats);

    /// <summary>The kubelet asks: is the node's network up?</summary>
    public string? NotReadyReason(NodeView node)
        => _agents.TryGetValue(node.Name, out var agent) && agent.Ipamd.Initialized ? null : NotReadyMessage;

    /// <summary>CNI ADD: an address from the node's ipamd, the same one for a repeated ADD of the same pod.</summary>
    public SandboxResult Add(PodView pod, NodeView node)
    {
        if (!_agents.TryGetValue(node.Name, out var agent) || !agent.Ipamd.Initialized)
        {
            return NotReady;
        }

        if (agent.Settings.ServesPodEni && RequestsPodEni(pod))
        {
            return AddBranchPod(pod, agent);
        }

        var result = agent.Ipamd.Assign(KeyOf(pod));
        if (!result.Success)
        {
            // The kubelet retries; meanwhile ipamd's pool loop may add addresses.
            Queue.Add(new ObjectKey(null, node.Name));
            return NoAddressFailure;
        }

        // The pool may now be low: ipamd looks again.
        Queue.Add(new ObjectKey(null, node.Name));
        _podNetworks[KeyOf(pod)] = new PodNetwork(pod.Namespace, pod.Name, node.Name, result.Address!.ToString(), result.EniId!, result.DeviceNumber, null, agent.Settings);
        return SandboxResult.Assigned(result.Address!.ToString());
    }

    /// <summary>CNI DEL: the address goes back to the datastore, into cooldown.</summary>
    public void Delete(PodView pod, NodeView node)
    {
        _podNetworks.Remove(KeyOf(pod));
        if (_agents.TryGetValue(node.Name, out var agent))
        {
            agent.Ipamd.Release(KeyOf(pod));
            Queue.Add(new ObjectKey(null, node.Name));
        }
    }

    /// <summary>aws-node's readiness probe: ready once its node's ipamd has initialised.</summary>
    public string? AwsNodeNotReadyReason(PodView pod)
    {
        if (!IsAwsNodePod(pod.Object) || pod.NodeName is not { } node)
        {
            return null;
        }

        return _agents.TryGetValue(node, out var agent) && agent.PodUid == pod.Object.Uid && agent.Ipamd.Initialized
            ? null
            : "Readiness probe failed: {\"level\":\"info\",\"msg\":\"timeout: failed to connect service \\\":50051\\\" within 5s\"}";
    }

    public const string PodEniResource = "vpc.amazonaws.com/pod-eni";
    public const string CniNodeFeatureSecurityGroupsForPods = "SecurityGroupsForPods";
    public const string CniNodeFeatureCustomNetworking = "CustomNetworking";

    /// <summary>A pod with security groups: its first container asks for <c>vpc.amazonaws.com/pod-eni</c>.</summary>
    public static bool RequestsPodEni(PodView pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.FirstContainerAsks(PodEniResource);
    }

    /// <summary>The CNI's ADD failing for want of an address (cmd/routed-eni-cni-plugin cni.go <c>add</c>; seed 001's describe output).</summary>
    private const string NoAddress = "add cmd: failed to assign an IP address to container";

    /// <summary>
    /// The ADD's failures, made once: a pod waiting for its branch interface fails its ADD on every retry of its worker
    /// (about 300,000 times in a 10,000-pod world with security groups), and the result is immutable.
    /// </summary>
    private static readonly SandboxResult NoAddressFailure = SandboxResult.Failed(CniPlugin.AwsCni, NoAddress);

    private static readonly SandboxResult NotReady = SandboxResult.Failed(CniPlugin.AwsCni, NotReadyMessage);

    /// <summary>
    /// A pod with security groups takes the address of its branch interface from the annotation the VPC resource
    /// controller writes; until the annotation is there the ADD fails and the kubelet retries (seed 001): on the pod
    /// worker's back-off (10 s, the failure names no delay of its own), or at once when the annotation arrives, as the
    /// pod's update wakes its worker (pod_workers.go UpdatePod). A retry every second here was ten times the sandbox
    /// attempts and events of a pod waiting minutes for EC2's rate limit.
    /// </summary>
    private SandboxResult AddBranchPod(PodView pod, NodeAgent agent)
    {
        if (BranchNetwork(pod, agent) is not { } network)
        {
            return NoAddressFailure;
        }

        _podNetworks[KeyOf(pod)] = network;
        return SandboxResult.Assigned(network.PodIp);
    }

    /// <summary>
    /// The network the pod's <c>vpc.amazonaws.com/pod-eni</c> annotation gives it (its first branch); null without a
    /// readable one. The address is the branch's <c>privateIp</c>, in IPv6 mode its <c>ipv6Addr</c> ("Get pod IPv4 or
    /// IPv6 address based on mode", AddNetwork in pkg/ipamd/rpc_handler.go): a branch without one (its subnet does not
    /// assign IPv6 addresses on creation) fails the ADD as "Failed to parse pod-ENI annotation" does.
    /// </summary>
    private static PodNetwork? BranchNetwork(PodView pod, NodeAgent agent)
    {
        if (!pod.Object.Annotations.TryGetValue(PodEniResource, out var annotation))
        {
            return null;
        }

        var addressKey = agent.Settings.EnableIPv6 ? "ipv6Addr" : "privateIp";
        try
        {
            if (JsonNode.Parse(annotation) is not JsonArray { Count: > 0 } branches || branches[0] is not JsonObject branch
                || branch[addressKey]?.GetValue<string>() is not { Length: > 0 } ip)
            {
                return null;
            }

            var vlan = branch["vlanId"] ?? branch["vlanID"];
            return new PodNetwork(
                pod.Namespace,
                pod.Name,
                pod.NodeName!,
                ip,
                branch["eniId"]?.GetValue<string>() ?? string.Empty,
                -1,
                vlan is JsonValue v && v.TryGetValue<int>(out var id) ? id : null,
                agent.Settings);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// With ENABLE_POD_ENI, ipamd tells the VPC resource controller through the node's CNINode that the node wants a
    /// trunk when an interface slot is free for it (else it logs "No slot available for a trunk ENI to be attached.").
    /// It does so whatever the instance type: ipamd's <c>tryEnableSecurityGroupsForPods</c> (<c>pkg/ipamd/ipamd.go</c>,
    /// <c>askForTrunkENIIfNeeded</c> before 1.18) never asks <c>IsTrunkingCompatible</c>; on a t3 it is the resource
    /// controller that refuses, with its <c>Unsupported</c> node event. With custom networking it names the node's
    /// ENIConfig too. In IPv6 mode it asks only from 1.16.0 (<see cref="CniSettings.Ipv6PodEniSince"/>).
    /// </summary>
    private void AdvertiseFeatures(KubeObject node, NodeAgent agent)
    {
        var settings = agent.Settings;
        if (!settings.ServesPodEni)
        {
            return;
        }

        var ipamd = agent.Ipamd;
        var hasTrunk = ipamd.Enis.Any(e => e.IsTrunk);
        if (!hasTrunk && ipamd.Enis.Count >= ipamd.MaxEni)
        {
            return;
        }

        var features = new JsonArray(new JsonObject { ["name"] = CniNodeFeatureSecurityGroupsForPods });
        if (settings.CustomNetwork && EniConfigSelector.NameFor(node, settings) is var eniConfig && eniConfig != EniConfigSelector.DefaultName)
        {
            features.Add(new JsonObject { ["name"] = CniNodeFeatureCustomNetworking, ["value"] = eniConfig });
        }

        var cniNodes = Store.Resources.For("vpcresources.k8s.aws/v1alpha1", "CNINode");
        var context = RequestContext.ServiceAccount("kube-system", "aws-node");
        var existing = Store.TryGet(cniNodes, null, node.Name);
        if (existing is null)
        {
            // On EKS the resource controller makes the CNINode and ipamd adds its features; here whoever comes first makes it.
            Store.Create(KubeObject.From(new JsonObject
            {
                ["apiVersion"] = "vpcresources.k8s.aws/v1alpha1",
                ["kind"] = "CNINode",
                ["metadata"] = new JsonObject
                {
                    ["name"] = node.Name,
                    ["labels"] = new JsonObject { ["kubernetes.io/os"] = "linux" },
                    ["ownerReferences"] = new JsonArray(OwnerReference.ControllerOf(node).ToJson()),
                },
                ["spec"] = new JsonObject { ["features"] = features },
            }), context);
        }
        else if (!JsonNode.DeepEquals(existing["spec.features"], features))
        {
            Store.Update(existing.With(j => j.GetOrAddObject("spec")["features"] = features), context);
        }
    }

    /// <summary>The container whose environment configures ipamd: the one named aws-node, else the first.</summary>
    public static JsonObject? CniContainer(IReadOnlyList<JsonObject> containers)
        => containers.FirstOrDefault(c => c["name"]?.GetValue<string>() == Component) ?? (containers.Count > 0 ? containers[0] : null);

    /// <summary>
    /// The settings the aws-node DaemonSet's template gives new aws-node pods (its aws-node container's environment
    /// and image); null when the cluster has no aws-node DaemonSet.
    /// </summary>
    public static CniSettings? DaemonSetSettings(ObjectStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var daemonSet = store.TryGet(store.Resources.For("apps/v1", "DaemonSet"), "kube-system", Component);
        return daemonSet?.ToJson()["spec"]?["template"]?["spec"]?["containers"] is JsonArray containers
               && CniContainer([.. containers.OfType<JsonObject>()]) is { } container
            ? CniSettings.FromContainer(container)
            : null;
    }

    public static bool IsAwsNodePod(KubeObject pod)
        => pod.Namespace == "kube-system" && pod.Label("k8s-app") == "aws-node";

    private NodeAgent? Start(KubeObject node, PodView awsNode, NodeAgent? previous)
    {
        var view = new NodeView(node);
        if (view.InstanceId is not { } instanceId)
        {
            return null;
        }

        // What ipamd reads from the instance metadata service (IMDS), not from EC2's API: no IAM, no throttling.
        var instance = _cloud.Ec2View.DescribeInstances(DescribeRequest.ForIds(instanceId))[0].Instances[0];
        var type = _cloud.Ec2View.InstanceTypes.Find(instance.InstanceType)!;
        var settings = CniSettings.FromContainer(CniContainer(awsNode.Containers)!);
        // ipamd's SDK client retries throttled and failed calls: 10 attempts (maxRetries, pkg/awsutils/awssession/session.go).
        var ec2 = new StandardRetryer(
            instance.IamInstanceProfile is { } profile ? _cloud.Ec2ForRole(profile.RoleArn, instanceId) : _cloud.Ec2,
            StandardRetryer.IpamdMaxAttempts);
        var maxPods = (int)view.Capacity.GetValueOrDefault("pods", 110);
        var ipamd = new Ipamd.Ipamd(ec2, Time, settings, instance, type, maxPods, () => EniConfigSelector.For(Store.Get(Nodes, null, node.Name), settings, Store), () => IsUnschedulable(node.Name));
        return new NodeAgent(awsNode.Object.Uid!, settings, ipamd, previous?.Ipamd);
    }

    /// <summary>
    /// ipamd's <c>isNodeNonSchedulable</c>: the node has the taint <c>node.kubernetes.io/unschedulable:NoSchedule</c>,
    /// which the node lifecycle controller adds to a cordoned node (<c>spec.unschedulable</c>), so either counts.
    /// </summary>
    private bool IsUnschedulable(string nodeName)
        => Store.TryGet(Nodes, null, nodeName) is { } node && new NodeView(node) is var view
           && (view.Unschedulable || view.Taints.Any(t => t.Key == "node.kubernetes.io/unschedulable" && t.Effect == "NoSchedule"));

    private static PodKey KeyOf(PodView pod) => new(pod.Namespace, pod.Name, pod.Object.Uid ?? string.Empty);

    private sealed class NodeAgent(string podUid, CniSettings settings, Ipamd.Ipamd ipamd, Ipamd.Ipamd? previous)
    {
        public string PodUid { get; } = podUid;

        public CniSettings Settings { get; } = settings;

        public Ipamd.Ipamd Ipamd { get; } = ipamd;

        public (long Version, DatastoreStats Stats)? Signature { get; set; }

        public DateTimeOffset LastChange { get; set; }

        /// <summary>Pods that ran before this ipamd started and whose address it has not taken yet (see <c>AdoptRunning</c>).</summary>
        public List<PodView> Running { get; set; } = [];

        /// <summary>Gives the new ipamd the pod addresses the old one handed out (its checkpoint).</summary>
        public void RestoreInto(Ipamd.Ipamd current)
        {
            if (previous is null)
            {
                return;
            }

            foreach (var (key, address) in previous.Datastore.Allocations())
            {
                current.Datastore.RestoreAssignment(key, address);
            }
        }
    }
}
