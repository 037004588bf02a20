using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using static Podnet.ResourceController.VpcResourceController;

namespace Podnet.ResourceController;

/// <summary>
/// The VPC resource controller's node reconciler (aws/amazon-vpc-resource-controller-k8s
/// controllers/core/node_controller.go, with pkg/node/manager and the trunk half of pkg/provider/branch): a node that is
/// managed (its <c>vpc.amazonaws.com/has-trunk-attached</c> label, or its CNINode's SecurityGroupsForPods feature) on
/// a trunking-compatible instance type gets a trunk interface, advertised as its <c>vpc.amazonaws.com/pod-eni</c>
/// capacity with the label set; its branches released by pods are deleted from the trunk's delete queue after the
/// cooldown; a deleted node's branches are deleted a minute later. Its handler maps Node and CNINode changes to the
/// node's key; an empty name is the key of a pass of the cluster-wide garbage collector of leaked interfaces.
/// </summary>
public sealed class NodeReconciler : ReconcilingController
{
    /// <summary>The work-queue key of a garbage-collection pass: an empty name, which no node has.</summary>
    private static readonly ObjectKey GarbageCollectionKey = new(null, string.Empty);

    private readonly BranchProvider _provider;
    private readonly EventRecorder _events;
    private readonly Action<ObjectKey> _queuePod;
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);

    /// <param name="store">The store the reconciler reads and writes.</param>
    /// <param name="time">The world's clock.</param>
    /// <param name="events">Where the node's events go.</param>
    /// <param name="provider">The state the reconcilers share: trunks, EC2 clients, cooldown.</param>
    /// <param name="queuePod">Queues a pod's key with the pod reconciler: a pod waiting for a trunk or for capacity.</param>
    public NodeReconciler(ObjectStore store, TimeProvider time, EventRecorder events, BranchProvider provider, Action<ObjectKey> queuePod)
        : base(store, time)
    {
        _provider = provider;
        _events = events;
        _queuePod = queuePod;
    }

    /// <inheritdoc/>
    public override string Name => Component + "/node";

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private static RequestContext Context { get; } = new(ResourceControllerNames.LegacyControllerServiceAccountUser);

    /// <summary>Queues a node's key (a pod's branches released, a failed allocation), after <paramref name="after"/> when given.</summary>
    public void Enqueue(string nodeName, TimeSpan? after)
    {
        if (after is { } delay)
        {
            Queue.AddAfter(new ObjectKey(null, nodeName), delay);
        }
        else
        {
            Queue.Add(new ObjectKey(null, nodeName));
        }
    }

    /// <inheritdoc/>
    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Node") || Is(change, "vpcresources.k8s.aws", "CNINode"))
        {
            Queue.Add(new ObjectKey(null, change.Object.Name));
        }
    }

    /// <summary>
    /// The resource controller's worker pool keeps a node job's failures across its requeue-afters
    /// (pkg/worker/worker.go <c>processNextItem</c> only forgets a job that succeeded).
    /// </summary>
    protected override bool ForgetsOnRequeueAfter => false;

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(key == GarbageCollectionKey
            ? ReconcileResult.AfterOrDone(CollectGarbagePass())
            : ReconcileResult.AfterOrDone(ReconcileNode(key.Name)));

    /// <summary>
    /// A garbage-collection pass, run while an interface the controller gave up on may still exist: another pass
    /// follows in 30 minutes while anything is seen that the next pass would delete.
    /// </summary>
    private TimeSpan? CollectGarbagePass()
    {
        CollectGarbage();
        _provider.KeepLeftBehind(_seenLastPass);
        return _seenLastPass.Count > 0 ? GarbageCollectionInterval : null;
    }

    private TimeSpan? ReconcileNode(string name)
    {
        var node = Store.TryGet(Nodes, null, name);
        if (node is null)
        {
            return _provider.Trunks.ContainsKey(name) ? DeleteNodeBranches(name) : null;
        }

        if (!IsManaged(node))
        {
            return null;
        }

        var view = new NodeView(node);
        var typeName = node.Labels.GetValueOrDefault("node.kubernetes.io/instance-type", string.Empty);
        // The controller's compiled-in limits table (pkg/aws/vpc/limits.go), not an EC2 call: no IAM, no throttling.
        var type = _provider.Cloud.Ec2View.InstanceTypes.Find(typeName);
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

        if (_provider.Trunks.TryGetValue(name, out var trunk))
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
        if (_provider.Throttled($"trunk/{node.Name}", 4) is { } wait)
        {
            return wait;
        }

        var attached = _provider.Service.DescribeNetworkInterfacesAsync(DescribeRequest.Where(new Filter("attachment.instance-id", instanceId))).GetAwaiter().GetResult();
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

        var subnet = _provider.Service.DescribeSubnetsAsync(DescribeRequest.ForIds(trunk.SubnetId)).GetAwaiter().GetResult()[0];
        var state = new TrunkState(node.Name, instanceId, trunk.NetworkInterfaceId, trunk.SubnetId, subnet.CidrBlock, [.. trunk.Groups.Select(g => g.GroupId)], type.BranchInterfaces, _provider.Options.MaxVlanId)
        {
            SubnetV6Cidr = subnet.Ipv6CidrBlockAssociationSet is [var v6, ..] ? v6.Ipv6CidrBlock : string.Empty,
        };
        Rehydrate(state);
        _provider.AddTrunk(state);
        _events.Normal(node, "NodeTrunkInitiated", "The node has trunk interface initialized successfully", Component);
        EnsureAdvertised(node, state);

        // Pods waiting for this node can have their branches now.
        foreach (var pod in PodsOn(node.Name).Where(p => PodEniCount(p) > 0))
        {
            _queuePod(ObjectKey.Of(pod.Object));
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
        var created = _provider.User.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(
            subnetId, groups, TrunkDescription, InterfaceType: NetworkInterfaceTypes.Trunk, Tags: _provider.Tags(instanceId))).GetAwaiter().GetResult();
        string attachmentId;
        try
        {
            attachmentId = _provider.User.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest(created.NetworkInterfaceId, instanceId, deviceIndex)).GetAwaiter().GetResult();
        }
        catch (AwsException)
        {
            CleanUpOrLeave(created.NetworkInterfaceId, () => _provider.DeleteNetworkInterface(created.NetworkInterfaceId));
            throw;
        }

        try
        {
            _provider.User.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest(created.NetworkInterfaceId, AttachmentId: attachmentId, DeleteOnTermination: true)).GetAwaiter().GetResult();
            return WaitForNetworkInterfaceStatusChange(created.NetworkInterfaceId, "attached");
        }
        catch (AwsException)
        {
            CleanUpOrLeave(created.NetworkInterfaceId, () =>
            {
                _provider.User.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest(attachmentId)).GetAwaiter().GetResult();
                WaitForNetworkInterfaceStatusChange(created.NetworkInterfaceId, "detached");
                _provider.DeleteNetworkInterface(created.NetworkInterfaceId);
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
            _provider.LeaveBehind(networkInterfaceId);
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
            var found = _provider.Service.DescribeNetworkInterfacesAsync(DescribeRequest.ForIds(networkInterfaceId)).GetAwaiter().GetResult();
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

    /// <summary>The pods bound to a node, by namespace and name, from the store's node index.</summary>
    private IEnumerable<PodView> PodsOn(string nodeName) => Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, nodeName).Select(p => PodView.Of(p));

    /// <summary>Branches that pods' annotations name are kept (their VLANs reserved); the trunk's others are queued for deletion.</summary>
    private void Rehydrate(TrunkState state)
    {
        var branches = _provider.Service.DescribeNetworkInterfacesAsync(DescribeRequest.Where(new Filter("tag:" + ResourceControllerNames.TrunkEniIdTag, state.TrunkId))).GetAwaiter().GetResult();
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
            state.Enqueue(BranchEni.Of(orphan, vlan, state), Time.GetUtcNow());
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

    /// <summary>
    /// <c>DeleteCooledDownENIs</c> (pkg/provider/branch/trunk/trunk.go): each branch whose cooldown has passed is
    /// deleted (<see cref="DeleteBranch"/>); one that fails stays queued for the next pass, and after
    /// <see cref="MaxDeleteRetries"/> failed passes it is forgotten — its VLAN still marked used, as the real
    /// controller leaves it ("TODO: free vlan id?") — and the garbage collector is due in 30 minutes.
    /// </summary>
    private TimeSpan? ProcessDeleteQueue(TrunkState trunk)
    {
        foreach (var queued in trunk.Due(Time.GetUtcNow(), _provider.Cooldown))
        {
            if (_provider.Throttled($"delete/{queued.Branch.EniId}", 2) is { } wait)
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
                    _provider.LeaveBehind(queued.Branch.EniId);
                    Queue.AddAfter(GarbageCollectionKey, GarbageCollectionInterval);
                }
            }
        }

        // Pods waiting for capacity on this node may fit now.
        foreach (var pod in PodsOn(trunk.NodeName).Where(p => PodEniCount(p) > 0 && !p.Object.Annotations.ContainsKey(PodEniAnnotation)))
        {
            _queuePod(ObjectKey.Of(pod.Object));
        }

        if (trunk.DeleteQueue.Count == 0)
        {
            return null;
        }

        var next = trunk.DeleteQueue.Min(q => q.QueuedAt) + _provider.Cooldown - Time.GetUtcNow();
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
                _provider.Service.DisassociateTrunkInterfaceAsync(branch.AssociationId).GetAwaiter().GetResult();
            }
            catch (AwsException)
            {
                // "failed to disassociate branch ENI from trunk, will try to delete the branch ENI", or already gone.
            }
        }

        try
        {
            _provider.DeleteNetworkInterface(branch.EniId);
        }
        catch (AwsException e) when (e.Code == Ec2Errors.Codes.NetworkInterfaceNotFound)
        {
            // "The branch ENI was not found by EC2. Will not call EC2 for deletion again."
        }
        catch (AwsException e) when (e.Code == Ec2Errors.Codes.InvalidParameterValue)
        {
            foreach (var association in _provider.Service.DescribeTrunkInterfaceAssociationsAsync(DescribeRequest.Where(new Filter("branch-interface-id", branch.EniId))).GetAwaiter().GetResult())
            {
                _provider.Service.DisassociateTrunkInterfaceAsync(association.AssociationId).GetAwaiter().GetResult();
            }

            throw;
        }
    }

    /// <summary>A deleted node's branches go a minute later (its trunk goes with the instance).</summary>
    private TimeSpan? DeleteNodeBranches(string nodeName)
    {
        var trunk = _provider.Trunks[nodeName];
        if (!_announced.Contains(nodeName + "/deleted-at"))
        {
            _announced.Add(nodeName + "/deleted-at");
            return _provider.Options.NodeDeleteDelay;
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
                    _provider.Service.DisassociateTrunkInterfaceAsync(queued.Branch.AssociationId).GetAwaiter().GetResult();
                }
            }
            catch (AwsException)
            {
                // The trunk may be gone with the instance, and its associations with it.
            }

            try
            {
                _provider.DeleteNetworkInterface(queued.Branch.EniId);
            }
            catch (AwsException e) when (e.Code != Ec2Errors.Codes.NetworkInterfaceNotFound)
            {
                // DeleteAllBranchENIs: "Just log, if the ENI still exists it can be removed by the dangling ENI cleaner routine".
                _provider.LeaveBehind(queued.Branch.EniId);
                Queue.AddAfter(GarbageCollectionKey, GarbageCollectionInterval);
            }
            catch (AwsException)
            {
                // Already deleted.
            }

            trunk.Deleted(queued);
        }

        _provider.RemoveTrunk(nodeName);
        return null;
    }

    /// <summary>
    /// One pass of the cluster-wide garbage collector (every 30 minutes on EKS): an <c>available</c> interface with
    /// the controller's owner tag and the cluster's tag is deleted only when the previous pass saw it too. Returns
    /// what this pass deleted.
    /// </summary>
    public IReadOnlyList<string> CollectGarbage()
    {
        var seen = LeakedInterfaces.FindAsync(_provider.Service, _provider.ClusterName).GetAwaiter().GetResult()
            .Where(e => e.TagSet.Any(t => t.Key == "eks:eni:owner" && t.Value == OwnerTagValue))
            .Select(e => e.NetworkInterfaceId)
            .ToHashSet(StringComparer.Ordinal);
        var deleted = new List<string>();
        foreach (var id in seen.Where(_seenLastPass.Contains))
        {
            try
            {
                _provider.Service.DeleteNetworkInterfaceAsync(id).GetAwaiter().GetResult();
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

    private bool Once(string node, string what) => _announced.Add(node + "/" + what);
}
