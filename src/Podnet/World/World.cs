using Podnet.Aws;
using Podnet.Cni;
using Podnet.Fargate;
using Podnet.ResourceController;
using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Kube;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Nodes;
using Podnet.Kube.Printing;
using Podnet.Net;

namespace Podnet.World;

/// <summary>
/// Everything Podnet emulates for one scenario: the AWS account (absent in a policy-only world), the EKS cluster's
/// control plane, and a virtual clock. <see cref="Settle"/> runs the controllers and moves the clock to the next
/// moment something is due, until nothing is.
/// </summary>
public sealed class World
{
    /// <summary>Where virtual time starts, so runs are reproducible.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The instances whose kubelet registered a Node, and the Node's name.</summary>
    private readonly Dictionary<string, string> _registeredInstances = new(StringComparer.Ordinal);

    /// <summary>
    /// Puts a node group's changed labels and taints (<c>aws eks update-nodegroup-config</c>) on its running nodes, as
    /// EKS updates a managed node group's nodes without replacing them; new nodes register with them
    /// (<see cref="NodeRegistration.NodeFor"/>). Written as EKS's <c>eks:node-manager</c>.
    /// </summary>
    private void ApplyNodegroupConfigs()
    {
        var version = Cloud!.Eks.NodegroupConfigsVersion;
        if (version == _nodegroupConfigsSeen || !Cloud.Eks.ClusterExists(Cluster!.Name))
        {
            return;
        }

        _nodegroupConfigsSeen = version;
        var store = ControlPlane.Store;
        var nodes = store.Resources.For("v1", "Node");
        var context = new Kube.Store.RequestContext("eks:node-manager");
        var groups = Cloud.Eks.ListNodegroups(Cluster.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (instanceId, (nodegroup, generation)) in _nodeConfigs.ToList())
        {
            if (!groups.Contains(nodegroup))
            {
                continue;
            }

            var now = Cloud.Eks.NodegroupConfig(Cluster.Name, nodegroup);
            if (now.Generation == generation)
            {
                continue;
            }

            var given = Cloud.Eks.NodegroupConfig(Cluster.Name, nodegroup, generation);
            if (_registeredInstances.TryGetValue(instanceId, out var nodeName) && store.TryGet(nodes, null, nodeName) is { } node)
            {
                store.Update(NodeRegistration.WithNodegroupConfig(node, (given.Labels, given.Taints), (now.Labels, now.Taints)), context);
            }

            _nodeConfigs[instanceId] = (nodegroup, now.Generation);
        }
    }

    /// <summary>
    /// What <see cref="RegisterNodes"/> saw at its last full look, asked at every step of a settle: EC2's
    /// <see cref="Aws.Ec2.Ec2Backend.InstancesVersion"/> (-1: look again), and when each instance of the node groups
    /// not yet registered then boots, earliest first. Until the version moves or the first of those moments comes,
    /// nothing can be registered or shut down, so a step does not walk every instance (a world of thousands of
    /// steps and hundreds of nodes did).
    /// </summary>
    private long _instancesSeen = -1;

    private List<DateTimeOffset> _boots = [];

    /// <summary>The AMI type of each node registered from a node group's instance, by node name.</summary>
    private readonly Dictionary<string, string> _nodeAmiTypes = new(StringComparer.Ordinal);

    /// <summary>The booted instances whose kubelet cannot reach the API server (<see cref="ApiServerPath"/>), and why.</summary>
    private readonly Dictionary<string, string> _notJoined = new(StringComparer.Ordinal);

    /// <summary>
    /// The node group and the generation of its labels and taints (<see cref="Aws.Eks.EksBackend.NodegroupConfig"/>)
    /// each registered instance's node was last given, by instance ID; and EKS's
    /// <see cref="Aws.Eks.EksBackend.NodegroupConfigsVersion"/> when they were last compared.
    /// </summary>
    private readonly Dictionary<string, (string Nodegroup, int Generation)> _nodeConfigs = new(StringComparer.Ordinal);

    private long _nodegroupConfigsSeen;

    /// <summary>EKS's cordoning and draining of the old nodes of node groups being updated to a new version.</summary>
    private NodegroupRollouts? _rollouts;

    /// <summary>
    /// The next moment a node group's version update has something to do by the clock (an eviction tried again, an
    /// instance terminated a minute after its node was drained); null when none.
    /// </summary>
    public DateTimeOffset? NextNodegroupRolloutStep => _rollouts?.NextDue;

    /// <summary>
    /// The instances of the cluster's node groups that have booted but whose node has not joined, by instance ID, with
    /// why their kubelet cannot reach the API server (EKS reports them as <c>NodeCreationFailure</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> InstancesNotJoined => _notJoined;
    private Action<World>? _settleProgress;

    /// <summary>
    /// A world of parts wired by the composition root (<see cref="Composition.ClusterBuilder"/>), which news them all;
    /// the world only runs them.
    /// </summary>
    internal World(int seed, VirtualTimeProvider time, AwsCloud? cloud, ControlPlane controlPlane, AwsNode? awsNode)
    {
        Seed = seed;
        Time = time;
        Cloud = cloud;
        ControlPlane = controlPlane;
        AwsNode = awsNode;
    }

    /// <summary>
    /// The AMI type (<see cref="AmiTypes"/>) of the node group whose instance registered the node
    /// <paramref name="nodeName"/>, or null for a node of no node group (a world's own Node, a Fargate node).
    /// </summary>
    public string? AmiTypeOf(string nodeName) => _nodeAmiTypes.GetValueOrDefault(nodeName);

    /// <summary>The VPC CNI's node agents, in a world with AWS.</summary>
    public AwsNode? AwsNode { get; }

    /// <summary>The VPC resource controller (security groups for pods), in a world with an EKS cluster.</summary>
    public VpcResourceController? ResourceController { get; internal set; }

    /// <summary>The VPC resource controller's Windows IPAM (secondary addresses of Windows nodes), in a world with an EKS cluster.</summary>
    public WindowsIpam? WindowsIpam { get; internal set; }

    /// <summary>EKS's fargate-scheduler: the micro-VM, interface and node of each pod a Fargate profile selects.</summary>
    public FargateScheduler? FargateScheduler { get; internal set; }

    /// <summary>Seeds the world's generated names, UIDs, IDs and boot times.</summary>
    public int Seed { get; }

    /// <summary>The world's virtual clock, which every part reads.</summary>
    public VirtualTimeProvider Time { get; }

    /// <summary>The emulated AWS account, or null in a policy-only world.</summary>
    public AwsCloud? Cloud { get; }

    /// <summary>The cluster's Kubernetes control plane: store, admission, controllers, scheduler and kubelets.</summary>
    public ControlPlane ControlPlane { get; }

    /// <summary>The EKS cluster the Kubernetes side belongs to, when the world has one.</summary>
    public Cluster? Cluster { get; internal set; }

    public bool IsPolicyOnly => Cloud is null;

    /// <summary>
    /// The kubelet's <c>--max-pods</c> per node group, where the world sets it (bootstrap's --use-max-pods false) or
    /// EKS computes it (prefix delegation on in the vpc-cni add-on, see <see cref="NodegroupMaxPods"/>).
    /// </summary>
    public IReadOnlyDictionary<string, int> NodegroupMaxPods { get; internal set; } = new Dictionary<string, int>();

    /// <summary>
    /// Called after every batch of work and every step of virtual time while <see cref="Settle"/> runs, with this
    /// world, so a caller at the edge can show progress (it should do so rarely: it is called often).
    /// </summary>
    public Action<World>? SettleProgress
    {
        get => _settleProgress;
        set
        {
            _settleProgress = value;
            ControlPlane.Progress = value is null ? null : () => value(this);
        }
    }

    /// <summary>
    /// Runs the control plane until it is settled: no work ready, and nothing due within <paramref name="horizon"/>
    /// (default 10 minutes of virtual time) — so a controller that waits 60 s costs nothing.
    /// </summary>
    public SettleResult Settle(TimeSpan? horizon = null)
    {
        var limit = Time.GetUtcNow() + (horizon ?? TimeSpan.FromMinutes(10));
        var started = Time.GetUtcNow();
        var steps = 0;
        while (true)
        {
            RegisterNodes();
            steps += ControlPlane.RunReady();
            SettleProgress?.Invoke(this);
            var next = Earliest(Earliest(Earliest(ControlPlane.NextDue, Cloud?.NextTransition), NextNodeBoot), NextNodegroupRolloutStep);
            if (next is null)
            {
                return new SettleResult(true, steps, Time.GetUtcNow() - started);
            }

            if (next > limit || !Time.CanReach(next.Value))
            {
                return new SettleResult(false, steps, Time.GetUtcNow() - started);
            }

            Time.AdvanceTo(next.Value);
        }
    }

    /// <summary>
    /// Instances launched up to this moment were up when the world began (a world's own node groups): their kubelets
    /// registered their nodes already. An instance launched later (a node group created or scaled while the world
    /// runs) boots first (<see cref="NodeBootDuration"/>). Worlds made otherwise than by the loader have no boots. Setting
    /// it tells EC2 too (<see cref="Aws.Ec2.Ec2Backend.MarkUpUntil"/>): those instances are running from their launch.
    /// </summary>
    public DateTimeOffset BootedBefore
    {
        get => _bootedBefore;
        internal set
        {
            _bootedBefore = value;
            _instancesSeen = -1;

            // EC2's side of the same moment: those instances are running from their launch, later ones pending first.
            // The one write past IEc2: no EC2 action says when an instance was launched in the past; the loader states it.
            Cloud?.Ec2Backend.MarkUpUntil(value);
        }
    }

    private DateTimeOffset _bootedBefore = DateTimeOffset.MaxValue;

    /// <summary>
    /// How long an EC2 instance of a node group takes from its launch until its kubelet registers the Node: the instance
    /// is pending, boots, and the EKS AMI's bootstrap (nodeadm) starts the kubelet, which registers with the API
    /// server. AWS publishes no figure; managed nodes are observed to join 40–60 s after launch. Within that range the
    /// world's seed and the instance ID decide, so runs repeat exactly. The node is Ready later, once aws-node runs on
    /// it (its image pulled) and ipamd has initialised.
    /// </summary>
    public TimeSpan NodeBootDuration(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{Seed}/boot/{instanceId}"));
        return TimeSpan.FromMilliseconds(40_000 + (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash) % 20_000));
    }

    /// <summary>When the instance's kubelet registers its node: its launch and boot, or at once for an instance that was up when the world began.</summary>
    /// <summary>The IPv6 address of the instance's primary interface (what the kubelet of an IPv6 cluster's node takes as its node IP).</summary>
    private static string? PrimaryIpv6Address(AwsCloud cloud, Aws.Ec2.Instance instance)
    {
        var primary = instance.NetworkInterfaces.First(n => n.Attachment.DeviceIndex == 0).NetworkInterfaceId;
        return cloud.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds(primary))[0].Ipv6Addresses is [var first, ..] ? first.Ipv6Address : null;
    }

    private DateTimeOffset BootsUntil(Aws.Ec2.Instance instance)
        => instance.LaunchTime <= BootedBefore ? instance.LaunchTime : instance.LaunchTime + NodeBootDuration(instance.InstanceId);

    /// <summary>The next moment a booting instance's kubelet registers its node, or null when none is booting.</summary>
    public DateTimeOffset? NextNodeBoot
    {
        get
        {
            if (Cloud is null || Cluster is null || BootedBefore == DateTimeOffset.MaxValue)
            {
                return null;
            }

            // What RegisterNodes saw, while EC2's instances are as it saw them; else worked out afresh (it keeps them).
            var boots = _instancesSeen == Cloud.Ec2Backend.InstancesVersion ? _boots : Boots();
            var now = Time.GetUtcNow();
            foreach (var at in boots)
            {
                if (at > now)
                {
                    return at;
                }
            }

            return null;
        }
    }

    /// <summary>When each instance of the cluster's node groups that has no Node yet registers it, earliest first.</summary>
    private List<DateTimeOffset> Boots()
        => Cloud is null || Cluster is null || !Cloud.Eks.ClusterExists(Cluster.Name)
            ? []
            : [.. Cloud.Eks.ListNodegroups(Cluster.Name)
                .SelectMany(n => Cloud.Eks.NodegroupInstanceIds(Cluster.Name, n))
                .Where(id => !_registeredInstances.ContainsKey(id))
                .Select(id => BootsUntil(Cloud.Ec2View.DescribeInstances(DescribeRequest.ForIds(id))[0].Instances[0]))
                .Order()];

    /// <summary>The earlier of two moments, either of which may be absent.</summary>
    public static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>
    /// Registers a Node for every running instance of the cluster's node groups, as each kubelet does at boot, and
    /// shuts down the node of an instance that is shutting down (terminated by EC2, its node group deleted or scaled
    /// in): its kubelet and aws-node stop at the moment the instance began shutting down. The node then goes NotReady
    /// (<see cref="NodeLifecycleController"/>) and, once the instance is terminated, is deleted with its pods
    /// (<see cref="CloudNodeLifecycleController"/>).
    /// </summary>
    public void RegisterNodes()
    {
        if (Cloud is null || Cluster is null)
        {
            return;
        }

        ApplyNodegroupConfigs();
        (_rollouts ??= new NodegroupRollouts(ControlPlane.Store, Cloud.Eks, Cluster.Name, Time)).Step(_registeredInstances);

        var version = Cloud.Ec2Backend.InstancesVersion;
        if (version == _instancesSeen && (_boots.Count == 0 || _boots[0] > Time.GetUtcNow()))
        {
            return;
        }

        // The cluster's endpoint access as it is now (an update may have changed it), read once for every booted instance.
        Aws.Eks.Cluster? current = null;

        // A deleted cluster has no node groups left: its nodes go as their instances did.
        foreach (var nodegroupName in Cloud.Eks.ClusterExists(Cluster.Name) ? Cloud.Eks.ListNodegroups(Cluster.Name) : [])
        {
            foreach (var instanceId in Cloud.Eks.NodegroupInstanceIds(Cluster.Name, nodegroupName))
            {
                if (_registeredInstances.ContainsKey(instanceId))
                {
                    continue;
                }

                // What the kubelet learns of its own instance (instance metadata and the cloud provider's node
                // initialisation), not a call the account's EC2 API counts: a read of the account's state.
                var instance = Cloud.Ec2View.DescribeInstances(DescribeRequest.ForIds(instanceId))[0].Instances[0];
                if (instance.State.Name != "running" || BootsUntil(instance) > Time.GetUtcNow())
                {
                    continue;
                }

                // An instance launched while the world runs boots and registers through the network; the world's own
                // were up and joined when it began. The kubelet keeps trying (kubelet_node_status.go
                // registerWithAPIServer), so a way mended later lets the node in then.
                if (instance.LaunchTime > BootedBefore && ApiServerPath.Blocked(Cloud.Ec2View, current ??= Cloud.Eks.DescribeCluster(Cluster.Name), instance) is { } blocked)
                {
                    if (_notJoined.TryAdd(instanceId, blocked))
                    {
                        Cloud.Eks.NodeNotJoined(Cluster.Name, nodegroupName, instanceId);
                    }

                    continue;
                }

                if (_notJoined.Remove(instanceId))
                {
                    Cloud.Eks.NodeJoined(Cluster.Name, nodegroupName, instanceId);
                }

                var type = Cloud.Ec2View.InstanceTypes.Find(instance.InstanceType)!;
                var nodegroup = Cloud.Eks.DescribeNodegroup(Cluster.Name, nodegroupName);
                var config = Cloud.Eks.NodegroupConfig(Cluster.Name, nodegroupName);
                var node = NodeRegistration.NodeFor(
                    instance,
                    type,
                    Cloud.Eks.NodegroupInstanceVersion(Cluster.Name, nodegroupName, instanceId),
                    nodegroupName,
                    Cloud.Options.ZoneIdOf(instance.Placement.AvailabilityZone),
                    NodegroupMaxPods.TryGetValue(nodegroupName, out var maxPods) ? maxPods : null,
                    config.Labels,
                    config.Taints,
                    Time.GetUtcNow(),
                    nodegroup.AmiType,
                    Cluster.KubernetesNetworkConfig.IsIpv6 ? PrimaryIpv6Address(Cloud, instance) : null);
                var store = ControlPlane.Store;
                var nodes = store.Resources.For("v1", "Node");
                if (store.TryGet(nodes, null, node.Name) is null)
                {
                    var kubelet = Kube.Store.RequestContext.Kubelet(node.Name);
                    var registered = store.Create(node, kubelet, keepStatus: true);
                    if (store.TryGet(store.Resources.For("v1", "Namespace"), null, "kube-node-lease") is not null
                        && store.TryGet(store.Resources.For("coordination.k8s.io/v1", "Lease"), "kube-node-lease", node.Name) is null)
                    {
                        store.Create(NodeRegistration.LeaseFor(registered, Time.GetUtcNow()), kubelet);
                    }
                }

                _registeredInstances[instanceId] = node.Name;
                _nodeConfigs[instanceId] = (nodegroupName, config.Generation);
                _nodeAmiTypes[node.Name] = nodegroup.AmiType;
            }
        }

        // The machines of instances that are shutting down stop: their kubelet and aws-node with them.
        var nodeResource = ControlPlane.Store.Resources.For("v1", "Node");
        foreach (var (instanceId, nodeName) in _registeredInstances.ToList())
        {
            if (Cloud.Ec2Backend.ShuttingDownSince(instanceId) is not { } since)
            {
                // Running. A Node a user deleted stays deleted: the kubelet registers once, at its start
                // (kubelet_node_status.go registerWithAPIServer runs until registrationCompleted).
                continue;
            }

            if (ControlPlane.Store.TryGet(nodeResource, null, nodeName) is null)
            {
                // Gone with its instance: nothing more runs there.
                _registeredInstances.Remove(instanceId);
                _nodeConfigs.Remove(instanceId);
            }
            else if (ControlPlane.Kubelet.StoppedAt(nodeName) is null)
            {
                ControlPlane.ShutDownNode(nodeName, since);
                AwsNode?.ShutDown(nodeName);
            }
        }

        _instancesSeen = version;
        _boots = Boots();
    }

    /// <summary>
    /// When the EC2 instance of a node's <c>spec.providerID</c> (<c>aws:///us-west-2a/i-…</c>) stops existing for
    /// cloud-provider-aws, which counts an instance until it is <c>terminated</c>: the end of its shutting-down, or
    /// null for an instance that is not terminating (or not an EC2 instance of this account, such as a Fargate node's).
    /// </summary>
    internal DateTimeOffset? InstanceGoneAt(string providerId)
    {
        var instanceId = providerId[(providerId.LastIndexOf('/') + 1)..];
        return Cloud is not null && instanceId.StartsWith("i-", StringComparison.Ordinal) ? Cloud.Ec2Backend.TerminatesAt(instanceId) : null;
    }

    /// <summary>How long ago, in virtual time, as kubectl's AGE column shows it (45s, 3m12s, 2d).</summary>
    public string Age(DateTimeOffset? since)
    {
        if (since is null)
        {
            return "<unknown>";
        }

        var age = Time.GetUtcNow() - since.Value;
        return age.TotalSeconds < 0 ? "0s" : HumanDuration.Format(age);
    }
}

/// <summary>Whether the world settled, how much work that took, and how much virtual time passed.</summary>
public sealed record SettleResult(bool Settled, int Steps, TimeSpan Elapsed);
