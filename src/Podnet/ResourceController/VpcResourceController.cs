using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.ResourceController;

/// <summary>
/// The VPC resource controller of EKS (aws/amazon-vpc-resource-controller-k8s), security groups for pods: a trunk
/// interface for every managed, trunking-compatible node, advertised as the node's <c>vpc.amazonaws.com/pod-eni</c>
/// capacity; a branch interface with the pod's security groups for every scheduled pod that asks for one, on the
/// lowest free VLAN, written into the pod's <c>vpc.amazonaws.com/pod-eni</c> annotation; and released branches
/// deleted after the cooldown. EC2 calls go through its own token bucket (12/s, burst 18), as the cluster role for
/// interface changes and as EKS itself for describes and trunk associations.
/// </summary>
public sealed class VpcResourceController : ReconcilingController
{
    public const string Component = "vpc-resource-controller";
    public const string PodEniAnnotation = ResourceControllerNames.PodEni;
    public const string PodEniResource = ResourceControllerNames.PodEni;
    public const string HasTrunkAttachedLabel = ResourceControllerNames.HasTrunkAttachedLabel;
    public const string OwnerTagValue = "eks-vpc-resource-controller";
    public const string TrunkDescription = "aws-k8s-trunk-eni";
    public const string BranchDescription = "aws-k8s-branch-eni";
    public const string CooldownKey = "branch-eni-cooldown";

    /// <summary><c>MaxDeleteRetries</c> (pkg/provider/branch/trunk/trunk.go): failed delete passes before a branch is forgotten.</summary>
    public const int MaxDeleteRetries = 3;

    /// <summary>How often EKS's cluster-wide garbage collector of leaked interfaces runs.</summary>
    public static readonly TimeSpan GarbageCollectionInterval = TimeSpan.FromMinutes(30);

    /// <summary>The work-queue key of a garbage-collection pass: an empty name, which no node has.</summary>
    private static readonly ObjectKey GarbageCollectionKey = new(null, string.Empty);

    /// <summary>What a pod's describe shows when the cluster role may not create its branch interface (seed 000).</summary>
    public const string InsufficientPermissions = "Insufficient permissions: Unable to create Elastic Network Interface.";

    private readonly AwsCloud _cloud;
    private readonly IEc2 _user;
    private readonly IEc2 _service;
    private readonly string _clusterName;
    private readonly ResourceControllerOptions _options;
    private readonly Func<KubeObject, (IReadOnlyList<string> Groups, string? Error)> _matchGroups;
    private readonly EventRecorder _events;
    private readonly TokenBucket _bucket;

    /// <summary>When each piece of work that reserved calls may make them.</summary>
    private readonly Dictionary<string, DateTimeOffset> _reservations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrunkState> _trunks = new(StringComparer.Ordinal);

    /// <summary>
    /// Pods (by UID) whose branch allocation the worker gave up on after <see cref="ResourceControllerOptions.MaxRetries"/>
    /// retries ("exceeded maximum retries", pkg/worker/worker.go): the node's passes do not queue them again.
    /// </summary>
    private readonly HashSet<string> _gaveUp = new(StringComparer.Ordinal);
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);

    /// <summary>Interfaces the controller gave up deleting (a failed clean-up, a forgotten branch): the garbage collector's business.</summary>
    private readonly HashSet<string> _leftBehind = new(StringComparer.Ordinal);
    private TimeSpan _cooldown;

    public VpcResourceController(
        ObjectStore store,
        TimeProvider time,
        EventRecorder events,
        AwsCloud cloud,
        string clusterName,
        string clusterRoleArn,
        Func<KubeObject, (IReadOnlyList<string> Groups, string? Error)> matchGroups,
        ResourceControllerOptions? options = null)
        : base(store, time)
    {
        _cloud = cloud;
        _events = events;
        _clusterName = clusterName;
        _options = options ?? new ResourceControllerOptions();
        _matchGroups = matchGroups;
        _cooldown = _options.DefaultCooldown;
        // Both SDK clients retry with the standard retryer, 3 attempts (MaxRetries in pkg/aws/ec2/api/wrapper.go).
        _user = new StandardRetryer(cloud.Ec2ForRole(clusterRoleArn, Component), StandardRetryer.ResourceControllerMaxAttempts);
        _service = new StandardRetryer(cloud.Ec2For(Aws.Iam.AwsPrincipal.Service("eks.amazonaws.com")), StandardRetryer.ResourceControllerMaxAttempts);
        _bucket = new TokenBucket(new TokenBucketSettings(_options.UserClientBurst, _options.UserClientQps), time);
    }

    public override string Name => Component;

    /// <summary>
    /// Interfaces the controller gave up on (a creation's failed clean-up, a branch forgotten after
    /// <see cref="MaxDeleteRetries"/> failed deletes, a deleted node's branch it could not delete) that the garbage
    /// collector has not deleted yet.
    /// </summary>
    public IReadOnlyCollection<string> LeftBehind => _leftBehind;

    /// <summary>The trunk of each managed node, by node name.</summary>
    public IReadOnlyDictionary<string, TrunkState> Trunks => _trunks;

    /// <summary>The branch cooldown now in force (the ConfigMap's <c>branch-eni-cooldown</c>, at least 30 s).</summary>
    public TimeSpan Cooldown => _cooldown;

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private static RequestContext Context { get; } = new(ResourceControllerNames.LegacyControllerServiceAccountUser);

    public override void OnChange(WatchEvent change)
    {
        var obj = change.Object;
        if (Is(change, string.Empty, "Node"))
        {
            Queue.Add(new ObjectKey(null, obj.Name));
        }
        else if (Is(change, "vpcresources.k8s.aws", "CNINode"))
        {
            Queue.Add(new ObjectKey(null, obj.Name));
        }
        else if (Is(change, string.Empty, "Pod") && PodEniCount(new PodView(obj)) > 0)
        {
            Queue.Add(ObjectKey.Of(obj));
        }
        else if (Is(change, string.Empty, "ConfigMap") && obj.Namespace == "kube-system" && obj.Name == "amazon-vpc-cni")
        {
            UpdateCooldown(change.Type == WatchEventType.Deleted ? null : obj);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
        => key == GarbageCollectionKey ? ReconcileResult.AfterOrDone(CollectGarbagePass())
            : key.Namespace is null ? ReconcileResult.AfterOrDone(ReconcileNode(key.Name))
            : ReconcilePod(key);

    /// <summary>A pod's branch allocation is retried <see cref="ResourceControllerOptions.MaxRetries"/> times (pkg/worker/worker.go).</summary>
    protected override int? MaxRetriesOf(ObjectKey key) => key.Namespace is null ? null : _options.MaxRetries;

    /// <inheritdoc/>
    protected override bool ForgetsOnRequeueAfter => false;

    /// <summary>The worker's "exceeded maximum retries": the pod is left without a branch until it goes.</summary>
    protected override void GaveUp(ObjectKey key)
    {
        if (Store.TryGet(Pods, key.Namespace, key.Name)?.Uid is { } uid)
        {
            _gaveUp.Add(uid);
        }
    }

    /// <summary>
    /// A garbage-collection pass, run while an interface the controller gave up on may still exist: another pass
    /// follows in 30 minutes while anything is seen that the next pass would delete.
    /// </summary>
    private TimeSpan? CollectGarbagePass()
    {
        CollectGarbage();
        _leftBehind.IntersectWith(_seenLastPass);
        return _seenLastPass.Count > 0 ? GarbageCollectionInterval : null;
    }

    /// <summary>The branches a pod asks for: <c>vpc.amazonaws.com/pod-eni</c> summed over its containers.</summary>
    public static int PodEniCount(PodView pod)
        => (int)pod.Containers.Sum(c => c["resources"]?["limits"]?[PodEniResource] is { } limit && Quantity.TryParse(limit.ToString(), out var n) ? n
            : c["resources"]?["requests"]?[PodEniResource] is { } request && Quantity.TryParse(request.ToString(), out var m) ? m : 0);

    private TimeSpan? ReconcileNode(string name)
    {
        var node = Store.TryGet(Nodes, null, name);
        if (node is null)
        {
            return _trunks.ContainsKey(name) ? DeleteNodeBranches(name) : null;
        }

        if (!IsManaged(node))
        {
            return null;
        }

        var view = new NodeView(node);
        var typeName = node.Labels.GetValueOrDefault("node.kubernetes.io/instance-type", string.Empty);
        // The controller's compiled-in limits table (pkg/aws/vpc/limits.go), not an EC2 call: no IAM, no throttling.
        var type = _cloud.Ec2Backend.InstanceTypes.Find(typeName);
        if (Once(name, "version"))
        {
            _events.Normal(node, "ControllerVersionNotice", $"The node is managed by VPC resource controller version {ResourceControllerOptions.Version}", Component);
        }

        if (type?.IsTrunkingCompatible is null)
        {
            if (Once(name, "unsupported"))
            {
                _events.Warning(node, "Unsupported", $"The instance type {typeName} is not supported yet by the vpc resource controller", Component);
            }

            return null;
        }

        if (type.IsTrunkingCompatible != true)
        {
            if (Once(name, "unsupported"))
            {
                _events.Warning(node, "Unsupported", $"The instance type {typeName} is not supported for trunk interface (Security Group for Pods)", Component);
            }

            return null;
        }

        if (_trunks.TryGetValue(name, out var trunk))
        {
            EnsureAdvertised(node, trunk);
            return ProcessDeleteQueue(trunk);
        }

        if (view.InstanceId is not { } instanceId)
        {
            return null;
        }

        return InitTrunk(node, instanceId, type);
    }

    private bool IsManaged(KubeObject node)
    {
        if (node.Labels.ContainsKey(HasTrunkAttachedLabel))
        {
            return true;
        }

        var cniNode = Store.TryGet(Store.Resources.For("vpcresources.k8s.aws/v1alpha1", "CNINode"), null, node.Name);
        return (cniNode?["spec.features"] as JsonArray ?? []).OfType<JsonObject>().Any(f => f["name"]?.GetValue<string>() == AwsNode.CniNodeFeatureSecurityGroupsForPods);
    }

    /// <summary>
    /// Reuses an attached trunk or creates one: CreateNetworkInterface (aws-k8s-trunk-eni, type trunk, the primary
    /// interface's subnet and groups, or the node's ENIConfig's), AttachNetworkInterface at the highest free device
    /// index, DeleteOnTermination. No free slot: wait. An EC2 error: TrunkENICreationFailed, retried later.
    /// </summary>
    private TimeSpan? InitTrunk(KubeObject node, string instanceId, Aws.InstanceTypes.InstanceTypeInfo type)
    {
        if (Throttled($"trunk/{node.Name}", 4) is { } wait)
        {
            return wait;
        }

        var attached = _service.DescribeNetworkInterfacesAsync(DescribeRequest.Where(new Filter("attachment.instance-id", instanceId))).GetAwaiter().GetResult();
        var trunk = attached.FirstOrDefault(e => e.InterfaceType == NetworkInterfaceTypes.Trunk);
        if (trunk is null)
        {
            var primary = attached.First(e => e.Attachment!.DeviceIndex == 0);
            var subnetId = primary.SubnetId;
            IReadOnlyList<string> groups = [.. primary.Groups.Select(g => g.GroupId)];
            if (CustomNetworkingEniConfig(node) is { } eniConfig)
            {
                subnetId = eniConfig.Subnet;
                if (eniConfig.SecurityGroups.Count > 0)
                {
                    groups = eniConfig.SecurityGroups;
                }
            }

            var limit = Math.Min(type.MaximumNetworkInterfaces ?? 0, type.DefaultCardMaximumNetworkInterfaces ?? 0);
            var used = attached.Where(e => e.Attachment!.NetworkCardIndex == 0).Select(e => e.Attachment!.DeviceIndex).ToHashSet();
            var free = Enumerable.Range(1, Math.Max(0, limit - 1)).Reverse().Where(i => !used.Contains(i)).Cast<int?>().FirstOrDefault();
            if (free is null || attached.Count(e => e.Attachment!.NetworkCardIndex == 0) >= limit)
            {
                // Seed 000: no free slot until pods go and ipamd frees a standard interface.
                return TimeSpan.FromSeconds(30);
            }

            try
            {
                trunk = CreateAndAttachNetworkInterface(instanceId, subnetId, groups, free.Value);
            }
            catch (AwsException e)
            {
                var hint = e.Code == Ec2Errors.Codes.UnauthorizedOperation ? ": Please verify the cluster IAM role has AmazonEKSVPCResourceController policy" : string.Empty;
                _events.Warning(node, "TrunkENICreationFailed", $"Failed to create trunk interface: Error Code: {e.Code}{hint}", Component);
                _events.Normal(node, "NodeTrunkFailedInit", "The node failed initializing trunk interface", Component);
                return TimeSpan.FromMinutes(1);
            }
        }

        var subnet = _service.DescribeSubnetsAsync(DescribeRequest.ForIds(trunk.SubnetId)).GetAwaiter().GetResult()[0];
        var state = new TrunkState(node.Name, instanceId, trunk.NetworkInterfaceId, trunk.SubnetId, subnet.CidrBlock, [.. trunk.Groups.Select(g => g.GroupId)], type.BranchInterfaces, _options.MaxVlanId);
        Rehydrate(state);
        _trunks[node.Name] = state;
        _events.Normal(node, "NodeTrunkInitiated", "The node has trunk interface initialized successfully", Component);
        EnsureAdvertised(node, state);

        // Pods waiting for this node can have their branches now.
        foreach (var pod in PodsOn(node.Name).Where(p => PodEniCount(p) > 0))
        {
            Queue.Add(ObjectKey.Of(pod.Object));
        }

        return null;
    }

    /// <summary>
    /// <c>CreateAndAttachNetworkInterface</c> (pkg/aws/ec2/api/helper.go) for a trunk: CreateNetworkInterface,
    /// AttachNetworkInterface at <paramref name="deviceIndex"/>, DeleteOnTermination, then
    /// <see cref="WaitForNetworkInterfaceStatusChange"/> until attached. A failed attach deletes the interface; a
    /// later failure detaches and deletes it (<c>DetachAndDeleteNetworkInterface</c>). When that clean-up fails too,
    /// the interface is left behind as the real helper leaves it, and the garbage collector is due in 30 minutes.
    /// </summary>
    private NetworkInterface CreateAndAttachNetworkInterface(string instanceId, string subnetId, IReadOnlyList<string> groups, int deviceIndex)
    {
        var created = _user.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(
            subnetId, groups, TrunkDescription, InterfaceType: NetworkInterfaceTypes.Trunk, Tags: Tags(instanceId))).GetAwaiter().GetResult();
        string attachmentId;
        try
        {
            attachmentId = _user.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest(created.NetworkInterfaceId, instanceId, deviceIndex)).GetAwaiter().GetResult();
        }
        catch (AwsException)
        {
            CleanUpOrLeave(created.NetworkInterfaceId, () => DeleteNetworkInterface(created.NetworkInterfaceId));
            throw;
        }

        try
        {
            _user.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest(created.NetworkInterfaceId, AttachmentId: attachmentId, DeleteOnTermination: true)).GetAwaiter().GetResult();
            return WaitForNetworkInterfaceStatusChange(created.NetworkInterfaceId, "attached");
        }
        catch (AwsException)
        {
            CleanUpOrLeave(created.NetworkInterfaceId, () =>
            {
                _user.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest(attachmentId)).GetAwaiter().GetResult();
                WaitForNetworkInterfaceStatusChange(created.NetworkInterfaceId, "detached");
                DeleteNetworkInterface(created.NetworkInterfaceId);
            });
            throw;
        }
    }

    /// <summary>Runs a failed creation's clean-up; if it fails as well, the interface stays and the garbage collector is queued.</summary>
    private void CleanUpOrLeave(string networkInterfaceId, Action cleanUp)
    {
        try
        {
            cleanUp();
        }
        catch (AwsException)
        {
            // helper.go returns "failed to delete the nw interface": nothing retries it but the cluster-wide garbage
            // collector, which deletes an available interface it saw on two passes, 30 minutes apart.
            _leftBehind.Add(networkInterfaceId);
            Queue.AddAfter(GarbageCollectionKey, GarbageCollectionInterval);
        }
    }

    /// <summary>
    /// <c>WaitForNetworkInterfaceStatusChange</c> (pkg/aws/ec2/api/helper.go): DescribeNetworkInterfaces by ID until
    /// the attachment has the status wanted, retried only while the status differs (<c>waitForENIAttachment</c>, 7
    /// steps); any error — the interface not found yet among them — ends the wait at once.
    /// </summary>
    private NetworkInterface WaitForNetworkInterfaceStatusChange(string networkInterfaceId, string status)
    {
        for (var step = 1; ; step++)
        {
            var found = _service.DescribeNetworkInterfacesAsync(DescribeRequest.ForIds(networkInterfaceId)).GetAwaiter().GetResult();
            if (found is [var eni] && (status == "detached" ? eni.Attachment is null || eni.Attachment.Status == status : eni.Attachment?.Status == status))
            {
                return eni;
            }

            if (step == 7)
            {
                throw new AwsException("InterfaceNotInDesiredStatus", $"interface not in desired status yet {status}, interface id {networkInterfaceId}");
            }
        }
    }

    /// <summary>
    /// <c>DeleteNetworkInterface</c> of pkg/aws/ec2/api/helper.go: retried on any error with <c>defaultBackOff</c> (100 ms
    /// ×3, 7 steps, cap 10 s; the waits take no virtual time here), the last error returned.
    /// </summary>
    private void DeleteNetworkInterface(string networkInterfaceId)
    {
        for (var step = 1; ; step++)
        {
            try
            {
                _user.DeleteNetworkInterfaceAsync(networkInterfaceId).GetAwaiter().GetResult();
                return;
            }
            catch (AwsException) when (step < 7)
            {
                // retry.OnError(defaultBackOff, func(err error) bool { return true }, …): every error is retried.
            }
        }
    }

    /// <summary>The pods bound to a node, by namespace and name, from the store's node index.</summary>
    private IEnumerable<PodView> PodsOn(string nodeName) => Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, nodeName).Select(p => new PodView(p));

    /// <summary>Branches that pods' annotations name are kept (their VLANs reserved); the trunk's others are queued for deletion.</summary>
    private void Rehydrate(TrunkState state)
    {
        var branches = _service.DescribeNetworkInterfacesAsync(DescribeRequest.Where(new Filter("tag:" + ResourceControllerNames.TrunkEniIdTag, state.TrunkId))).GetAwaiter().GetResult();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in PodsOn(state.NodeName).Select(p => p.Object).Where(p => p.Annotations.ContainsKey(PodEniAnnotation)))
        {
            var owned = BranchEni.Parse(pod.Annotations[PodEniAnnotation]);
            state.Assign(pod.Uid!, owned);
            claimed.UnionWith(owned.Select(b => b.EniId));
        }

        foreach (var orphan in branches.Where(b => !claimed.Contains(b.NetworkInterfaceId)))
        {
            var vlan = int.TryParse(orphan.TagSet.FirstOrDefault(t => t.Key == ResourceControllerNames.VlanIdTag)?.Value, out var v) ? v : 0;
            state.ReserveVlan(vlan);
            state.Enqueue(new BranchEni(orphan.NetworkInterfaceId, orphan.MacAddress, orphan.PrivateIpAddress, string.Empty, vlan, state.SubnetCidr, string.Empty, string.Empty), Time.GetUtcNow());
        }
    }

    /// <summary>Node status capacity and allocatable <c>vpc.amazonaws.com/pod-eni</c>, and the has-trunk-attached label.</summary>
    private void EnsureAdvertised(KubeObject node, TrunkState trunk)
    {
        var count = trunk.BranchLimit.ToString(CultureInfo.InvariantCulture);
        if ((node.Peek("status.capacity") as JsonObject)?[PodEniResource]?.GetValue<string>() != count)
        {
            node = Store.UpdateStatus(node.With(json =>
            {
                json.GetOrAddObject("status").GetOrAddObject("capacity")[PodEniResource] = count;
                json.GetOrAddObject("status").GetOrAddObject("allocatable")[PodEniResource] = count;
            }), Context);
        }

        if (node.Labels.GetValueOrDefault(HasTrunkAttachedLabel) != "true")
        {
            Store.Update(node.WithLabel(HasTrunkAttachedLabel, "true"), Context);
        }
    }

    private ReconcileResult ReconcilePod(ObjectKey key)
    {
        var found = Store.TryGet(Pods, key.Namespace, key.Name);
        if (found is null || new PodView(found) is { IsTerminating: true } or { IsFinished: true })
        {
            ReleaseGone(found);
            return ReconcileResult.Done;
        }

        var pod = new PodView(found);
        var count = PodEniCount(pod);
        if (count == 0 || pod.NodeName is not { } nodeName || !_trunks.TryGetValue(nodeName, out var trunk))
        {
            return ReconcileResult.Done;
        }

        if (trunk.HasPod(found.Uid!) || found.Annotations.ContainsKey(PodEniAnnotation))
        {
            return ReconcileResult.Done;
        }

        if (_gaveUp.Contains(found.Uid!))
        {
            return ReconcileResult.Done;
        }

        if (!trunk.HasCapacity(count))
        {
            // ErrCurrentlyAtMaxCapacity: no EC2 call, try again once the cooldown can have freed a branch.
            return ReconcileResult.After(_cooldown);
        }

        if (Throttled($"pod/{found.Uid}", (3 * count) + 1) is { } wait)
        {
            return ReconcileResult.After(wait);
        }

        var (groups, error) = _matchGroups(found);
        if (error is not null)
        {
            return ReconcileResult.After(TimeSpan.FromSeconds(1));
        }

        if (groups.Count == 0)
        {
            groups = trunk.Groups;
            _events.Warning(found, "SecurityGroupRequested", "Pod will get the instance security group as the pod didn't match any Security Group from SecurityGroupPolicy", Component);
        }
        else
        {
            _events.Normal(found, "SecurityGroupRequested", $"Pod will get the following Security Groups [{string.Join(" ", groups)}]", Component);
        }

        var branches = new List<BranchEni>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                CreateBranch(trunk, groups, branches);
            }
        }
        catch (AwsException e)
        {
            foreach (var branch in branches)
            {
                trunk.Enqueue(branch, DateTimeOffset.MinValue);
            }

            var text = BranchFailure(e);
            _events.Warning(found, "BranchAllocationFailed", $"failed to allocate branch ENI to pod: {text}", Component);
            Queue.Add(new ObjectKey(null, nodeName));

            // The worker retries the job through its rate-limited queue and gives up after MaxRetries (worker.go).
            return ReconcileResult.Failed(e);
        }

        var annotation = BranchEni.Annotation(branches);
        try
        {
            var current = Store.Get(Pods, key.Namespace, key.Name);
            if (current.Uid != found.Uid)
            {
                throw new KubeException("Conflict", "pod UID changed", 409);
            }

            Store.Patch(Pods, key.Namespace, key.Name, PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [PodEniAnnotation] = annotation } } }, Context);
        }
        catch (KubeException e)
        {
            foreach (var branch in branches)
            {
                trunk.Enqueue(branch, DateTimeOffset.MinValue);
            }

            _events.Warning(found, "BranchENIAnnotationFailed", $"failed to annotate pod with branch ENI details: {e.Message}", Component);
            return ReconcileResult.Done;
        }

        trunk.Assign(found.Uid!, branches);
        _events.Normal(found, "ResourceAllocated", $"Allocated {annotation} to the pod", Component);
        return ReconcileResult.Done;
    }

    /// <summary>
    /// Why a pod got no branch, after "failed to allocate branch ENI to pod: ": the error of the call that failed,
    /// wrapped as <c>CreateAndAssociateBranchENIs</c> (pkg/provider/branch/trunk/trunk.go) wraps it — "creating network
    /// interface, " or "associating branch to trunk, " and the SDK's text with EC2's code and message. A cluster role
    /// without AmazonEKSVPCResourceController is the seed's "Insufficient permissions: Unable to create Elastic Network
    /// Interface." (seed 000).
    /// </summary>
    public static string BranchFailure(AwsException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            { Code: Ec2Errors.Codes.UnauthorizedOperation } => InsufficientPermissions,
            { Operation: "CreateNetworkInterface" } => "creating network interface, " + error.SdkText,
            { Operation: "AssociateTrunkInterface" } => "associating branch to trunk, " + error.SdkText,
            _ => $"{error.Code}: {error.Message}",
        };
    }

    /// <summary>
    /// One turn of <c>CreateAndAssociateBranchENIs</c> (pkg/provider/branch/trunk/trunk.go): the lowest free VLAN,
    /// CreateNetworkInterface in the trunk's subnet (a failure frees the VLAN), the new branch added to
    /// <paramref name="created"/>, then AssociateTrunkInterface. When the association fails the branch stays in
    /// <paramref name="created"/> without an association ID, and the caller pushes the lot to the front of the
    /// delete queue — "because it has all the retrying logic in case of failure" — keeping their VLANs until deleted.
    /// </summary>
    private void CreateBranch(TrunkState trunk, IReadOnlyList<string> groups, List<BranchEni> created)
    {
        var vlan = trunk.TakeLowestFreeVlan() ?? throw new AwsException("VlanExhausted", $"no free VLAN ID on trunk {trunk.TrunkId}");
        NetworkInterface eni;
        try
        {
            var tags = Tags(trunk.InstanceId).Concat([
                new Tag(ResourceControllerNames.VlanIdTag, vlan.ToString(CultureInfo.InvariantCulture)),
                new Tag(ResourceControllerNames.TrunkEniIdTag, trunk.TrunkId)]).ToList();
            eni = _user.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(trunk.SubnetId, groups, BranchDescription, InterfaceType: NetworkInterfaceTypes.Branch, Tags: tags)).GetAwaiter().GetResult();
        }
        catch (AwsException)
        {
            trunk.FreeVlan(vlan);
            throw;
        }

        var branch = new BranchEni(eni.NetworkInterfaceId, eni.MacAddress, eni.PrivateIpAddress, string.Empty, vlan, trunk.SubnetCidr, string.Empty, string.Empty);
        created.Add(branch);
        var association = _service.AssociateTrunkInterfaceAsync(new AssociateTrunkInterfaceRequest(eni.NetworkInterfaceId, trunk.TrunkId, vlan)).GetAwaiter().GetResult();
        created[^1] = branch with { AssociationId = association.AssociationId };
    }

    /// <summary>A pod that is gone or finished gives its branches to the delete queue; they go after the cooldown.</summary>
    private void ReleaseGone(KubeObject? pod)
    {
        foreach (var trunk in _trunks.Values)
        {
            var live = pod is null
                ? PodsOn(trunk.NodeName).Where(p => !p.IsFinished && !p.IsTerminating).Select(p => p.Object.Uid).OfType<string>().ToHashSet(StringComparer.Ordinal)
                : null;
            var gone = trunk.ByPod.Keys.Where(uid => live is null ? uid == pod!.Uid : !live.Contains(uid)).ToList();
            foreach (var uid in gone)
            {
                trunk.Release(uid, Time.GetUtcNow());
                _gaveUp.Remove(uid);
                Queue.AddAfter(new ObjectKey(null, trunk.NodeName), _cooldown);
            }
        }
    }

    /// <summary>
    /// <c>DeleteCooledDownENIs</c> (pkg/provider/branch/trunk/trunk.go): each branch whose cooldown has passed is
    /// deleted (<see cref="DeleteBranch"/>); one that fails stays queued for the next pass, and after
    /// <see cref="MaxDeleteRetries"/> failed passes it is forgotten — its VLAN still marked used, as the real
    /// controller leaves it ("TODO: free vlan id?") — and the garbage collector is due in 30 minutes.
    /// </summary>
    private TimeSpan? ProcessDeleteQueue(TrunkState trunk)
    {
        foreach (var queued in trunk.Due(Time.GetUtcNow(), _cooldown))
        {
            if (Throttled($"delete/{queued.Branch.EniId}", 2) is { } wait)
            {
                return wait;
            }

            try
            {
                DeleteBranch(queued.Branch);
                trunk.Deleted(queued);
            }
            catch (AwsException)
            {
                if (++queued.DeleteRetries >= MaxDeleteRetries)
                {
                    trunk.Forget(queued);
                    _leftBehind.Add(queued.Branch.EniId);
                    Queue.AddAfter(GarbageCollectionKey, GarbageCollectionInterval);
                }
            }
        }

        // Pods waiting for capacity on this node may fit now.
        foreach (var pod in PodsOn(trunk.NodeName).Where(p => PodEniCount(p) > 0 && !p.Object.Annotations.ContainsKey(PodEniAnnotation)))
        {
            Queue.Add(ObjectKey.Of(pod.Object));
        }

        if (trunk.DeleteQueue.Count == 0)
        {
            return null;
        }

        var next = trunk.DeleteQueue.Min(q => q.QueuedAt) + _cooldown - Time.GetUtcNow();
        return next > TimeSpan.Zero ? next : TimeSpan.FromSeconds(1);
    }

    /// <summary>
    /// <c>deleteENI</c> (pkg/provider/branch/trunk/trunk.go): DisassociateTrunkInterface when the branch has an
    /// association (a failure other than <c>InvalidAssociationID.NotFound</c> is logged and the delete tried anyway),
    /// then <see cref="DeleteNetworkInterface"/>, where <c>InvalidNetworkInterfaceID.NotFound</c> counts as deleted.
    /// A branch found still associated (a rehydrated one, without its association ID) is disassociated by the
    /// trunk's associations and the error stands, so the next pass deletes it.
    /// </summary>
    private void DeleteBranch(BranchEni branch)
    {
        if (branch.AssociationId.Length > 0)
        {
            try
            {
                _service.DisassociateTrunkInterfaceAsync(branch.AssociationId).GetAwaiter().GetResult();
            }
            catch (AwsException)
            {
                // "failed to disassociate branch ENI from trunk, will try to delete the branch ENI", or already gone.
            }
        }

        try
        {
            DeleteNetworkInterface(branch.EniId);
        }
        catch (AwsException e) when (e.Code == Ec2Errors.Codes.NetworkInterfaceNotFound)
        {
            // "The branch ENI was not found by EC2. Will not call EC2 for deletion again."
        }
        catch (AwsException e) when (e.Code == Ec2Errors.Codes.InvalidParameterValue)
        {
            foreach (var association in _service.DescribeTrunkInterfaceAssociationsAsync(DescribeRequest.Where(new Filter("branch-interface-id", branch.EniId))).GetAwaiter().GetResult())
            {
                _service.DisassociateTrunkInterfaceAsync(association.AssociationId).GetAwaiter().GetResult();
            }

            throw;
        }
    }

    /// <summary>A deleted node's branches go a minute later (its trunk goes with the instance).</summary>
    private TimeSpan? DeleteNodeBranches(string nodeName)
    {
        var trunk = _trunks[nodeName];
        if (!_announced.Contains(nodeName + "/deleted-at"))
        {
            _announced.Add(nodeName + "/deleted-at");
            return _options.NodeDeleteDelay;
        }

        foreach (var uid in trunk.ByPod.Keys.ToList())
        {
            trunk.Release(uid, DateTimeOffset.MinValue);
        }

        foreach (var queued in trunk.DeleteQueue.ToList())
        {
            try
            {
                if (queued.Branch.AssociationId.Length > 0)
                {
                    _service.DisassociateTrunkInterfaceAsync(queued.Branch.AssociationId).GetAwaiter().GetResult();
                }
            }
            catch (AwsException)
            {
                // The trunk may be gone with the instance, and its associations with it.
            }

            try
            {
                DeleteNetworkInterface(queued.Branch.EniId);
            }
            catch (AwsException e) when (e.Code != Ec2Errors.Codes.NetworkInterfaceNotFound)
            {
                // DeleteAllBranchENIs: "Just log, if the ENI still exists it can be removed by the dangling ENI cleaner routine".
                _leftBehind.Add(queued.Branch.EniId);
                Queue.AddAfter(GarbageCollectionKey, GarbageCollectionInterval);
            }
            catch (AwsException)
            {
                // Already deleted.
            }

            trunk.Deleted(queued);
        }

        _trunks.Remove(nodeName);
        return null;
    }

    /// <summary>
    /// One pass of the cluster-wide garbage collector (every 30 minutes on EKS): an <c>available</c> interface with
    /// the controller's owner tag and the cluster's tag is deleted only when the previous pass saw it too. Returns
    /// what this pass deleted.
    /// </summary>
    public IReadOnlyList<string> CollectGarbage()
    {
        var seen = LeakedInterfaces.FindAsync(_service, _clusterName).GetAwaiter().GetResult()
            .Where(e => e.TagSet.Any(t => t.Key == "eks:eni:owner" && t.Value == OwnerTagValue))
            .Select(e => e.NetworkInterfaceId)
            .ToHashSet(StringComparer.Ordinal);
        var deleted = new List<string>();
        foreach (var id in seen.Where(_seenLastPass.Contains))
        {
            try
            {
                _service.DeleteNetworkInterfaceAsync(id).GetAwaiter().GetResult();
                deleted.Add(id);
            }
            catch (AwsException)
            {
                // In use again or already gone: the next pass decides.
            }
        }

        _seenLastPass = [.. seen.Except(deleted)];
        return deleted;
    }

    private HashSet<string> _seenLastPass = new(StringComparer.Ordinal);

    private void UpdateCooldown(KubeObject? configMap)
    {
        var seconds = configMap?.GetString("data." + CooldownKey) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : _options.DefaultCooldown;
        var cooldown = seconds < _options.MinimumCooldown ? _options.MinimumCooldown : seconds;
        if (cooldown == _cooldown)
        {
            return;
        }

        _cooldown = cooldown;
        foreach (var node in _trunks.Keys)
        {
            if (Store.TryGet(Nodes, null, node) is { } obj)
            {
                _events.Normal(obj, "BranchENICoolDownPeriodUpdated", $"Branch ENI cool down period has been updated to {GoDuration(cooldown)}", Component);
            }
        }
    }

    private EniConfigSpec? CustomNetworkingEniConfig(KubeObject node)
    {
        var cniNode = Store.TryGet(Store.Resources.For("vpcresources.k8s.aws/v1alpha1", "CNINode"), null, node.Name);
        var name = (cniNode?["spec.features"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(f => f["name"]?.GetValue<string>() == AwsNode.CniNodeFeatureCustomNetworking)?["value"]?.GetValue<string>()
            ?? node.Labels.GetValueOrDefault(ResourceControllerNames.EniConfigLabel);
        if (name is null)
        {
            return null;
        }

        var found = Store.TryGet(Store.Resources.For("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig"), null, name);
        if (found is null)
        {
            _events.Warning(node, "EniConfigNameNotFound", $"eniconfig {name} not found", Component);
            return null;
        }

        return new EniConfigSpec(name, found.GetString("spec.subnet") ?? string.Empty, [.. (found["spec.securityGroups"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? string.Empty)]);
    }

    private List<Tag> Tags(string instanceId) =>
    [
        new("eks:eni:owner", OwnerTagValue),
        new($"kubernetes.io/cluster/{_clusterName}", "owned"),
        new("node.k8s.amazonaws.com/instance_id", instanceId),
    ];

    /// <summary>
    /// The controller's client-side token bucket (client-go's token-bucket rate limiter, x/time/rate underneath): the
    /// work named <paramref name="work"/> reserves its calls the first time it asks and waits its turn; null when it
    /// may go now, else how long to wait. Asking again before the turn comes reserves nothing more.
    /// </summary>
    private TimeSpan? Throttled(string work, int calls)
    {
        var now = Time.GetUtcNow();
        if (_reservations.Remove(work, out var turn))
        {
            if (turn <= now)
            {
                return null;
            }

            _reservations[work] = turn;
            return turn - now;
        }

        var wait = _bucket.Reserve(Math.Min(calls, _options.UserClientBurst));
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        _reservations[work] = now + wait;
        return wait;
    }

    private bool Once(string node, string what) => _announced.Add(node + "/" + what);

    /// <summary>Go's time.Duration formatting, as the controller's messages print it: 1m30s, 30s.</summary>
    private static string GoDuration(TimeSpan d)
        => d.TotalMinutes >= 1 ? $"{(int)d.TotalMinutes}m{d.Seconds}s" : $"{(int)d.TotalSeconds}s";
}
