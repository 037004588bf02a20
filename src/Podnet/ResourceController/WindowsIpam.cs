using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Serialization;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.ResourceController;

/// <summary>
/// The VPC resource controller's Windows IPAM (aws/amazon-vpc-resource-controller-k8s, secondary-IP mode,
/// docs/windows/secondary_ip_mode_workflow.md): while <see cref="WindowsIpamSettings"/> is enabled, every Windows node
/// (<c>kubernetes.io/os=windows</c> with an instance ID) is managed: the controller says so (<c>ControllerVersionNotice</c>,
/// pkg/node/manager/manager.go), keeps a warm pool of secondary IPv4 addresses on the instance's primary interface
/// (AssignPrivateIpAddresses / UnassignPrivateIpAddresses as the cluster role), advertises the node's capacity
/// <c>vpc.amazonaws.com/PrivateIPv4Address</c> (the interface's addresses less its primary one, <c>getCapacity</c> in
/// pkg/provider/ip/provider.go), and gives each pod bound there that requests the resource (the webhook adds the
/// request) an address, written into the pod's annotation <c>vpc.amazonaws.com/PrivateIPv4Address: IP/prefix</c> with a
/// <c>ResourceAllocated</c> event (pkg/handler/warm.go). The Windows node's vpc-bridge plugin reads that annotation. A
/// pod that goes returns its address to the pool after the cooldown. The branch-interface provider never takes a
/// Windows node (<c>branchENIProvider.IsInstanceSupported</c>: Linux only), so no trunk and no pod-eni there. Its EC2
/// calls go through the same user service client as the branch provider's (<c>userServiceClient</c>, a rate-limited
/// HTTP client, pkg/aws/ec2/api/wrapper.go <c>getClientUsingAssumedRole</c>), so they share its token bucket
/// (<c>--user-client-qps</c>/<c>--user-client-burst</c>) with the branch calls: a node's pool waits its turn.
/// With <c>enable-windows-prefix-delegation</c> (<see cref="WindowsIpamSettings.PrefixDelegation"/>) the prefix
/// provider takes over (pkg/provider/prefix/provider.go): the node advertises 16 addresses per secondary address its
/// primary interface could hold, the pool is /28 prefixes on that interface (AssignPrivateIpAddresses
/// <c>Ipv4PrefixCount</c>, UnassignPrivateIpAddresses <c>Ipv4Prefixes</c>) kept to <see cref="WindowsPrefixTargets"/>,
/// and a pod's annotation is its address from a prefix as <c>IP/32</c>. Switching modes drains the other mode's pool
/// (<c>SetToDraining</c>): its free addresses or prefixes go back at once, those in use as their pods go.
/// </summary>
public sealed class WindowsIpam : ReconcilingController
{
    /// <summary>How long the pod handler waits before trying an empty warm pool again (<c>RequeueAfterWhenWPEmpty</c>, pkg/handler/warm.go).</summary>
    public static readonly TimeSpan WarmPoolEmptyRetry = TimeSpan.FromMilliseconds(600);

    private readonly AwsCloud _cloud;
    private readonly BranchProvider _provider;
    private readonly IEc2 _user;
    private readonly EventRecorder _events;
    private readonly Dictionary<string, WindowsIpPool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WindowsPrefixPool> _prefixPools = new(StringComparer.Ordinal);

    /// <summary>Pods holding an address, by namespace/name: their UID, node and pool, to release it once they are gone.</summary>
    private readonly Dictionary<ObjectKey, (string Uid, string Node, bool FromPrefix)> _holders = [];
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);

    /// <param name="store">The cluster's objects.</param>
    /// <param name="time">The clock.</param>
    /// <param name="events">Where the controller's events go (component <c>vpc-resource-controller</c>).</param>
    /// <param name="provider">The controller's shared state: its user client (EC2 as the cluster role, which
    /// AmazonEKSVPCResourceController lets assign addresses) and that client's token bucket.</param>
    public WindowsIpam(ObjectStore store, TimeProvider time, EventRecorder events, BranchProvider provider)
        : base(store, time)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
        _cloud = provider.Cloud;
        _events = events;
        _user = provider.User;
    }

    /// <inheritdoc/>
    public override string Name => VpcResourceController.Component + "/windows-ipam";

    /// <summary>The secondary-IP warm pool of each managed Windows node, by node name.</summary>
    public IReadOnlyDictionary<string, WindowsIpPool> Pools => _pools;

    /// <summary>The prefix warm pool of each Windows node managed in prefix mode, by node name.</summary>
    public IReadOnlyDictionary<string, WindowsPrefixPool> PrefixPools => _prefixPools;

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private static RequestContext Context { get; } = new(ResourceControllerNames.ControllerUser);

    /// <inheritdoc/>
    public override void OnChange(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var obj = change.Object;
        if (Is(change, string.Empty, "Node") && IsWindowsNode(obj))
        {
            Queue.Add(new ObjectKey(null, obj.Name));
        }
        else if (Is(change, string.Empty, "Pod") && (AddressCount(PodView.Of(obj)) > 0 || _holders.ContainsKey(ObjectKey.Of(obj))))
        {
            Queue.Add(ObjectKey.Of(obj));
        }
        else if ((Is(change, string.Empty, "ConfigMap") && obj.Namespace == "kube-system" && obj.Name == ConfigMapReconciler.ConfigMapName)
                 || (Is(change, "apps", "Deployment") && obj.Namespace == "kube-system" && obj.Name == "vpc-resource-controller"))
        {
            foreach (var node in Store.List("v1", "Node").Items.Where(IsWindowsNode))
            {
                Queue.Add(new ObjectKey(null, node.Name));
            }
        }
    }

    /// <summary>A Windows node as the controller tells it (<c>isWindowsNode</c>): <c>kubernetes.io/os</c>, else <c>beta.kubernetes.io/os</c>, is windows.</summary>
    public static bool IsWindowsNode(KubeObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return (node.Labels.GetValueOrDefault("kubernetes.io/os") ?? node.Labels.GetValueOrDefault("beta.kubernetes.io/os")) == "windows";
    }

    /// <summary>The addresses a pod asks for: <c>vpc.amazonaws.com/PrivateIPv4Address</c> in its containers' limits or requests.</summary>
    public static int AddressCount(PodView pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return (int)pod.Containers.Sum(c => c["resources"]?["limits"]?[ResourceControllerNames.PrivateIPv4Address] is { } limit && Quantity.TryParse(limit.ToString(), out var n) ? n
            : c["resources"]?["requests"]?[ResourceControllerNames.PrivateIPv4Address] is { } request && Quantity.TryParse(request.ToString(), out var m) ? m : 0);
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(key.Namespace is null ? ReconcileResult.AfterOrDone(ReconcileNode(key.Name)) : ReconcilePod(key));

    private TimeSpan? ReconcileNode(string name)
    {
        var node = Store.TryGet(Nodes, null, name);
        if (node is null)
        {
            // The addresses go with the instance's interface.
            _pools.Remove(name);
            _prefixPools.Remove(name);
            return null;
        }

        var settings = WindowsIpamSettings.Read(Store);
        if (!settings.Enabled || !IsWindowsNode(node) || new NodeView(node).InstanceId is not { } instanceId)
        {
            return null;
        }

        if (_announced.Add(name + "/version"))
        {
            _events.Normal(node, "ControllerVersionNotice", $"The node is managed by VPC resource controller version {ResourceControllerOptions.Version}", VpcResourceController.Component);
        }

        var typeName = node.Labels.GetValueOrDefault("node.kubernetes.io/instance-type", string.Empty);
        if (_cloud.Ec2View.InstanceTypes.Find(typeName) is not { Ipv4AddressesPerInterface: { } perInterface })
        {
            // InitResource (pkg/provider/ip/provider.go): the controller's limits table does not know the type.
            if (_announced.Add(name + "/unsupported"))
            {
                _events.Warning(node, "Unsupported", $"The instance type {typeName} is not supported for Windows", VpcResourceController.Component);
            }

            return null;
        }

        if (settings.PrefixDelegation is { } targets)
        {
            return ReconcilePrefixNode(node, instanceId, (perInterface - 1) * WindowsPrefixPool.AddressesPerPrefix, targets);
        }

        if (!_pools.TryGetValue(name, out var pool))
        {
            // InitResources describes the instance's interfaces and the primary one's subnet: two calls of the client.
            if (_provider.Throttled($"windows-init/{name}", 2) is { } wait)
            {
                return wait;
            }

            pool = Init(node, instanceId, perInterface - 1);
            if (pool is null)
            {
                return TimeSpan.FromSeconds(10);
            }

            _pools[name] = pool;
        }

        Advertise(node, pool.Capacity);
        var now = Time.GetUtcNow();
        var nextCool = Earliest(pool.Cool(now), _prefixPools.TryGetValue(name, out var draining) ? draining.Cool(now) : null);
        if (draining is not null && draining.FreePrefixes.Count > 0)
        {
            // Prefix mode was turned off: the prefix pool drains, its free prefixes go back (SetToDraining).
            if (_provider.Throttled($"windows-resize/{name}", 1) is { } drainTurn)
            {
                return drainTurn;
            }

            if (ReleasePrefixes(draining, draining.FreePrefixes))
            {
                return TimeSpan.FromSeconds(10);
            }
        }
        if (pool.Deviation(settings) != 0 && _provider.Throttled($"windows-resize/{name}", 1) is { } turn)
        {
            // One Assign or Unassign call, when the client's bucket lets it go.
            return turn;
        }

        var failed = Resize(pool, settings);
        if (failed)
        {
            return TimeSpan.FromSeconds(10);
        }

        return nextCool is { } at ? at - Time.GetUtcNow() : null;
    }

    /// <summary>
    /// A node in prefix mode (the prefix provider's <c>InitResourceForNode</c>, <c>UpdateResourceCapacity</c> and
    /// <c>ReconcilePool</c>): its prefix pool, its capacity, the secondary pool drained, the prefixes kept to the targets.
    /// </summary>
    private TimeSpan? ReconcilePrefixNode(KubeObject node, string instanceId, int capacity, WindowsPrefixTargets targets)
    {
        var name = node.Name;
        if (!_prefixPools.TryGetValue(name, out var pool))
        {
            // InitResources describes the instance's interfaces and the primary one's subnet: two calls of the client.
            if (_provider.Throttled($"windows-init/{name}", 2) is { } wait)
            {
                return wait;
            }

            pool = InitPrefixes(node, instanceId, capacity);
            if (pool is null)
            {
                return TimeSpan.FromSeconds(10);
            }

            _prefixPools[name] = pool;
        }

        Advertise(node, pool.Capacity);
        var now = Time.GetUtcNow();
        var nextCool = Earliest(pool.Cool(now), _pools.TryGetValue(name, out var draining) ? draining.Cool(now) : null);
        if (draining is not null && draining.Warm.Count > 0)
        {
            // The secondary-IP pool drains (SetToDraining): its free addresses go back; those in use as their pods go.
            if (_provider.Throttled($"windows-resize/{name}", 1) is { } drainTurn)
            {
                return drainTurn;
            }

            if (Release(draining, [.. draining.Warm]))
            {
                return TimeSpan.FromSeconds(10);
            }
        }

        var deviation = pool.PrefixDeviation(targets);
        if (deviation != 0 && _provider.Throttled($"windows-resize/{name}", 1) is { } turn)
        {
            return turn;
        }

        if (deviation > 0 && AssignPrefixes(node, pool, deviation) is { } retry)
        {
            return retry;
        }

        if (deviation < 0 && ReleasePrefixes(pool, [.. pool.FreePrefixes.Reverse().Take(-deviation)]))
        {
            return TimeSpan.FromSeconds(10);
        }

        return nextCool is { } at ? at - now : null;
    }

    /// <summary>
    /// The prefix pool of a node the controller starts managing in prefix mode (<c>InitResourceForNode</c>): the /28
    /// prefixes its primary interface holds, the addresses its pods' annotations name from them in use.
    /// </summary>
    private WindowsPrefixPool? InitPrefixes(KubeObject node, string instanceId, int capacity)
    {
        try
        {
            var primary = _user.DescribeNetworkInterfacesAsync(DescribeRequest.Where(new Filter("attachment.instance-id", instanceId))).GetAwaiter().GetResult()
                .FirstOrDefault(e => e.Attachment?.DeviceIndex == 0);
            if (primary is null)
            {
                return null;
            }

            var pool = new WindowsPrefixPool(node.Name, primary.NetworkInterfaceId, capacity);
            foreach (var prefix in primary.Ipv4Prefixes)
            {
                pool.AddPrefix(prefix.Ipv4Prefix);
            }

            foreach (var pod in Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, node.Name))
            {
                if (pod.Annotations.GetValueOrDefault(ResourceControllerNames.PrivateIPv4Address)?.Split('/')[0] is { } address && pod.Uid is { } uid
                    && pool.Warm.FirstOrDefault(w => w.Value.Contains(address)) is { Key: { } prefix } group)
                {
                    group.Value.Remove(address);
                    pool.Used[uid] = (address, prefix);
                    _holders[ObjectKey.Of(pod)] = (uid, node.Name, true);
                }
            }

            return pool;
        }
        catch (AwsException)
        {
            return null;
        }
    }

    /// <summary>
    /// Assigns <paramref name="count"/> /28 prefixes to the primary interface; null when done, else when to try again
    /// (10 s). A subnet without a free /28 is told on the node as the controller tells it
    /// (pkg/provider/prefix/provider.go: a Warning <c>InsufficientCidrBlocks</c> with <c>utils.ErrInsufficientCidrBlocks</c>,
    /// the event users are pointed to for subnet CIDR reservations); that error is not retried by the job
    /// (<c>utils.NotRetryErrors</c>), and the pool looks again at its next resync, 2 minutes on.
    /// </summary>
    private TimeSpan? AssignPrefixes(KubeObject node, WindowsPrefixPool pool, int count)
    {
        try
        {
            var assigned = _user.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest(pool.PrimaryInterfaceId, Ipv4PrefixCount: count)).GetAwaiter().GetResult();
            foreach (var prefix in assigned.AssignedIpv4Prefixes)
            {
                pool.AddPrefix(prefix);
            }

            pool.PrefixAvailable = true;
            QueueWaitingPods(pool.NodeName);
            return null;
        }
        catch (AwsException e) when (e.Code == Ec2Errors.Codes.InsufficientCidrBlocks)
        {
            pool.PrefixAvailable = false;
            _events.Warning(node, ResourceControllerNames.InsufficientCidrBlocksReason, ResourceControllerNames.InsufficientCidrBlocksMessage, VpcResourceController.Component);
            return PrefixNotAvailableRetry;
        }
        catch (AwsException)
        {
            return TimeSpan.FromSeconds(10);
        }
    }

    /// <summary>
    /// How long a pod waits when the prefix pool is empty for want of a free /28 (pkg/handler/warm.go
    /// <c>RequeueAfterWhenPrefixNotAvailable</c>). The controller does not retry the failed job itself
    /// (<c>utils.NotRetryErrors</c>); Podnet's node looks again after the same time, so freeing room in the subnet
    /// starts the pods.
    /// </summary>
    public static readonly TimeSpan PrefixNotAvailableRetry = TimeSpan.FromMinutes(2);

    /// <summary>Gives free prefixes back (UnassignPrivateIpAddresses <c>Ipv4Prefixes</c>); true when EC2 refused.</summary>
    private bool ReleasePrefixes(WindowsPrefixPool pool, IReadOnlyList<string> prefixes)
    {
        try
        {
            _user.UnassignPrivateIpAddressesAsync(new UnassignPrivateIpAddressesRequest(pool.PrimaryInterfaceId, Ipv4Prefixes: prefixes)).GetAwaiter().GetResult();
            foreach (var prefix in prefixes)
            {
                pool.RemovePrefix(prefix);
            }

            return false;
        }
        catch (AwsException)
        {
            return true;
        }
    }

    /// <summary>Gives free secondary addresses back (UnassignPrivateIpAddresses); true when EC2 refused.</summary>
    private bool Release(WindowsIpPool pool, IReadOnlyList<string> addresses)
    {
        try
        {
            _user.UnassignPrivateIpAddressesAsync(new UnassignPrivateIpAddressesRequest(pool.PrimaryInterfaceId, addresses)).GetAwaiter().GetResult();
            pool.Warm.ExceptWith(addresses);
            return false;
        }
        catch (AwsException)
        {
            return true;
        }
    }

    /// <summary>The pods bound to the node that wait for an address: their handlers run again once the pool has grown.</summary>
    private void QueueWaitingPods(string nodeName)
    {
        foreach (var waiting in Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, nodeName).Where(p => AddressCount(PodView.Of(p)) > 0 && !p.Annotations.ContainsKey(ResourceControllerNames.PrivateIPv4Address)))
        {
            Queue.Add(ObjectKey.Of(waiting));
        }
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>
    /// The pool of a node the controller starts managing (<c>eniManager.InitResources</c>, pkg/provider/ip/eni/eni.go):
    /// the secondary addresses its primary interface holds already, those named by its pods' annotations in use.
    /// </summary>
    private WindowsIpPool? Init(KubeObject node, string instanceId, int capacity)
    {
        try
        {
            var primary = _user.DescribeNetworkInterfacesAsync(DescribeRequest.Where(new Filter("attachment.instance-id", instanceId))).GetAwaiter().GetResult()
                .FirstOrDefault(e => e.Attachment?.DeviceIndex == 0);
            if (primary is null)
            {
                return null;
            }

            var subnet = _user.DescribeSubnetsAsync(DescribeRequest.ForIds(primary.SubnetId)).GetAwaiter().GetResult()[0];
            var pool = new WindowsIpPool(node.Name, primary.NetworkInterfaceId, int.Parse(subnet.CidrBlock[(subnet.CidrBlock.IndexOf('/', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture), capacity);
            var held = primary.PrivateIpAddresses.Where(a => !a.Primary).Select(a => a.PrivateIpAddress).ToHashSet(StringComparer.Ordinal);
            foreach (var pod in Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, node.Name))
            {
                if (pod.Annotations.GetValueOrDefault(ResourceControllerNames.PrivateIPv4Address) is { } annotation
                    && annotation.Split('/')[0] is var address && held.Remove(address) && pod.Uid is { } uid)
                {
                    pool.Used[uid] = address;
                    _holders[ObjectKey.Of(pod)] = (uid, node.Name, false);
                }
            }

            pool.Warm.UnionWith(held);
            return pool;
        }
        catch (AwsException)
        {
            return null;
        }
    }

    /// <summary>The node's capacity and allocatable of the resource (<c>AdvertiseCapacityIfNotSet</c>).</summary>
    private void Advertise(KubeObject node, int capacity)
    {
        var count = capacity.ToString(CultureInfo.InvariantCulture);
        if ((node.Peek("status.capacity") as JsonObject)?[ResourceControllerNames.PrivateIPv4Address]?.GetValue<string>() == count)
        {
            return;
        }

        Store.UpdateStatus(node.With(json =>
        {
            json.GetOrAddObject("status").GetOrAddObject("capacity")[ResourceControllerNames.PrivateIPv4Address] = count;
            json.GetOrAddObject("status").GetOrAddObject("allocatable")[ResourceControllerNames.PrivateIPv4Address] = count;
        }), Context);
    }

    /// <summary>Assigns or unassigns addresses on the primary interface to meet the targets; true when EC2 refused.</summary>
    private bool Resize(WindowsIpPool pool, WindowsIpamSettings settings)
    {
        var deviation = pool.Deviation(settings);
        try
        {
            if (deviation > 0)
            {
                var assigned = _user.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest(pool.PrimaryInterfaceId, SecondaryPrivateIpAddressCount: deviation)).GetAwaiter().GetResult();
                pool.Warm.UnionWith(assigned.AssignedPrivateIpAddresses);
                QueueWaitingPods(pool.NodeName);
            }
            else if (deviation < 0)
            {
                var released = pool.Warm.Reverse().Take(-deviation).ToList();
                _user.UnassignPrivateIpAddressesAsync(new UnassignPrivateIpAddressesRequest(pool.PrimaryInterfaceId, released)).GetAwaiter().GetResult();
                pool.Warm.ExceptWith(released);
            }

            return false;
        }
        catch (AwsException)
        {
            return true;
        }
    }

    private ReconcileResult ReconcilePod(ObjectKey key)
    {
        var found = Store.TryGet(Pods, key.Namespace, key.Name);
        if (found is null || PodView.Of(found) is { IsTerminating: true } or { IsFinished: true })
        {
            if (_holders.Remove(key, out var holder))
            {
                if (holder.FromPrefix && _prefixPools.TryGetValue(holder.Node, out var prefixes))
                {
                    prefixes.Release(holder.Uid, Time.GetUtcNow());
                }
                else if (!holder.FromPrefix && _pools.TryGetValue(holder.Node, out var left))
                {
                    left.Release(holder.Uid, Time.GetUtcNow());
                }

                Queue.AddAfter(new ObjectKey(null, holder.Node), WindowsIpPool.CoolDown);
            }

            return ReconcileResult.Done;
        }

        var pod = PodView.Of(found);
        if (AddressCount(pod) == 0 || pod.NodeName is not { } nodeName || found.Annotations.ContainsKey(ResourceControllerNames.PrivateIPv4Address))
        {
            return ReconcileResult.Done;
        }

        // The handler of the mode in force: the prefix provider's pool in prefix mode, else the secondary-IP one's.
        var prefixMode = WindowsIpamSettings.Read(Store).PrefixDelegation is not null;
        string? address;
        string value;
        if (prefixMode)
        {
            if (!_prefixPools.TryGetValue(nodeName, out var prefixes))
            {
                // getResourcePool: the node is not managed in prefix mode (yet); its reconcile queues the pod's handler again.
                return ReconcileResult.Done;
            }

            address = prefixes.Assign(found.Uid!);
            if (address is null && !prefixes.PrefixAvailable)
            {
                // pool.go AssignResource: ErrInsufficientCidrBlocks, and warm.go's event and 2-minute requeue.
                _events.Warning(found, "ResourceAllocationFailed", $"Warm pool for resource {ResourceControllerNames.PrivateIPv4Address} is currently empty because the specified subnet does not have enough free cidr blocks, will retry in {GoDuration.Format(PrefixNotAvailableRetry)}", VpcResourceController.Component);
                return ReconcileResult.After(PrefixNotAvailableRetry);
            }

            // An address deconstructed from a prefix is a /32 (DeconstructIPsFromPrefix).
            value = $"{address}/32";
        }
        else
        {
            if (!_pools.TryGetValue(nodeName, out var pool))
            {
                // getResourcePool: the node is not managed (yet); its reconcile queues the pod's handler again.
                return ReconcileResult.Done;
            }

            address = pool.Assign(found.Uid!);
            value = $"{address}/{pool.PrefixLength.ToString(CultureInfo.InvariantCulture)}";
        }

        if (address is null)
        {
            _events.Warning(found, "ResourceAllocationFailed", $"Warm pool for resource {ResourceControllerNames.PrivateIPv4Address} is currently empty, will retry in {GoDuration.Format(WarmPoolEmptyRetry)}", VpcResourceController.Component);
            Queue.Add(new ObjectKey(null, nodeName));
            return ReconcileResult.After(WarmPoolEmptyRetry);
        }

        Store.Patch(Pods, key.Namespace, key.Name, PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [ResourceControllerNames.PrivateIPv4Address] = value } } }, Context);
        _holders[key] = (found.Uid!, nodeName, prefixMode);
        _events.Normal(found, "ResourceAllocated", $"Allocated Resource {ResourceControllerNames.PrivateIPv4Address}: {value} to the pod", VpcResourceController.Component);

        // The pool is below its warm target now: reconcile it (reconcilePool after an assignment).
        Queue.Add(new ObjectKey(null, nodeName));
        return ReconcileResult.Done;
    }
}
