using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
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

    /// <summary>Pods holding an address, by namespace/name: their UID and node, to release it once they are gone.</summary>
    private readonly Dictionary<ObjectKey, (string Uid, string Node)> _holders = [];
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

    /// <summary>The warm pool of each managed Windows node, by node name.</summary>
    public IReadOnlyDictionary<string, WindowsIpPool> Pools => _pools;

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
        else if (Is(change, string.Empty, "Pod") && (AddressCount(new PodView(obj)) > 0 || _holders.ContainsKey(ObjectKey.Of(obj))))
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
            return null;
        }

        var settings = WindowsIpamSettings.Read(Store);
        if (!settings.Enabled || !IsWindowsNode(node) || new NodeView(node).InstanceId is not { } instanceId)
        {
            return null;
        }

        if (!_pools.TryGetValue(name, out var pool))
        {
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

        Advertise(node, pool);
        var nextCool = pool.Cool(Time.GetUtcNow());
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
                    _holders[ObjectKey.Of(pod)] = (uid, node.Name);
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
    private void Advertise(KubeObject node, WindowsIpPool pool)
    {
        var count = pool.Capacity.ToString(CultureInfo.InvariantCulture);
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
                foreach (var waiting in Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, pool.NodeName).Where(p => AddressCount(new PodView(p)) > 0 && !p.Annotations.ContainsKey(ResourceControllerNames.PrivateIPv4Address)))
                {
                    Queue.Add(ObjectKey.Of(waiting));
                }
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
        if (found is null || new PodView(found) is { IsTerminating: true } or { IsFinished: true })
        {
            if (_holders.Remove(key, out var holder) && _pools.TryGetValue(holder.Node, out var left))
            {
                left.Release(holder.Uid, Time.GetUtcNow());
                Queue.AddAfter(new ObjectKey(null, holder.Node), WindowsIpPool.CoolDown);
            }

            return ReconcileResult.Done;
        }

        var pod = new PodView(found);
        if (AddressCount(pod) == 0 || pod.NodeName is not { } nodeName || found.Annotations.ContainsKey(ResourceControllerNames.PrivateIPv4Address))
        {
            return ReconcileResult.Done;
        }

        if (!_pools.TryGetValue(nodeName, out var pool))
        {
            // getResourcePool: the node is not managed (yet); its reconcile queues the pod's handler again.
            return ReconcileResult.Done;
        }

        if (pool.Assign(found.Uid!) is not { } address)
        {
            _events.Warning(found, "ResourceAllocationFailed", $"Warm pool for resource {ResourceControllerNames.PrivateIPv4Address} is currently empty, will retry in {WarmPoolEmptyRetry.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms", VpcResourceController.Component);
            Queue.Add(new ObjectKey(null, nodeName));
            return ReconcileResult.After(WarmPoolEmptyRetry);
        }

        var value = $"{address}/{pool.PrefixLength.ToString(CultureInfo.InvariantCulture)}";
        Store.Patch(Pods, key.Namespace, key.Name, PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [ResourceControllerNames.PrivateIPv4Address] = value } } }, Context);
        _holders[key] = (found.Uid!, nodeName);
        _events.Normal(found, "ResourceAllocated", $"Allocated Resource {ResourceControllerNames.PrivateIPv4Address}: {value} to the pod", VpcResourceController.Component);

        // The pool is below its warm target now: reconcile it (reconcilePool after an assignment).
        Queue.Add(new ObjectKey(null, nodeName));
        return ReconcileResult.Done;
    }
}
