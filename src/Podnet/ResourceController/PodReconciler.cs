using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using static Podnet.ResourceController.VpcResourceController;

namespace Podnet.ResourceController;

/// <summary>
/// The VPC resource controller's pod reconciler (aws/amazon-vpc-resource-controller-k8s
/// controllers/core/pod_controller.go, with the branch half of pkg/provider/branch): a scheduled pod that asks for
/// <c>vpc.amazonaws.com/pod-eni</c> on a node with a trunk gets that many branch interfaces with the groups its
/// SecurityGroupPolicies select (the trunk's when none does), on the lowest free VLANs, written into its
/// <c>vpc.amazonaws.com/pod-eni</c> annotation; a pod that is gone or finished gives its branches to the trunk's delete
/// queue. A failed allocation is retried by the queue and given up after <see cref="ResourceControllerOptions.MaxRetries"/>
/// retries, six tries in all, as the controller's worker pool does (pkg/worker/worker.go). Its handler maps changes of
/// pods that ask for branches to the pod's key.
/// </summary>
public sealed class PodReconciler : ReconcilingController
{
    private readonly BranchProvider _provider;
    private readonly EventRecorder _events;
    private readonly Func<KubeObject, (IReadOnlyList<string> Groups, string? Error)> _matchGroups;
    private readonly Action<string, TimeSpan?> _queueNode;

    /// <summary>
    /// Pods (by UID) whose branch allocation the worker gave up on after <see cref="ResourceControllerOptions.MaxRetries"/>
    /// retries ("exceeded maximum retries", pkg/worker/worker.go): the node's passes do not queue them again.
    /// </summary>
    private readonly HashSet<string> _gaveUp = new(StringComparer.Ordinal);

    /// <param name="store">The store the reconciler reads and writes.</param>
    /// <param name="time">The world's clock.</param>
    /// <param name="events">Where the pod's events go.</param>
    /// <param name="provider">The state the reconcilers share: trunks, EC2 clients, cooldown.</param>
    /// <param name="matchGroups">The security groups the pod's SecurityGroupPolicies select, or why they cannot be read.</param>
    /// <param name="queueNode">Queues a node's key with the node reconciler (after a delay when given): released
    /// branches to delete, a failed allocation's branches to clean up.</param>
    public PodReconciler(
        ObjectStore store,
        TimeProvider time,
        EventRecorder events,
        BranchProvider provider,
        Func<KubeObject, (IReadOnlyList<string> Groups, string? Error)> matchGroups,
        Action<string, TimeSpan?> queueNode)
        : base(store, time)
    {
        _provider = provider;
        _events = events;
        _matchGroups = matchGroups;
        _queueNode = queueNode;
    }

    /// <inheritdoc/>
    public override string Name => Component + "/pod";

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    private static RequestContext Context { get; } = new(ResourceControllerNames.LegacyControllerServiceAccountUser);

    /// <summary>Queues a pod's key: its node's trunk is ready, or the node's delete queue freed capacity.</summary>
    public void Enqueue(ObjectKey pod) => Queue.Add(pod);

    /// <inheritdoc/>
    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Pod") && PodView.Of(change.Object) is var pod && PodEniCount(pod) > 0)
        {
            var key = ObjectKey.Of(change.Object);
            if (change.Type == WatchEventType.Deleted && change.Object.Uid is { } uid)
            {
                // The delete event carries the pod (pod_controller.go's isDeleteEvent): which pod went, and from which
                // node, is known without looking through every trunk.
                _deleted[key] = (uid, pod.NodeName);
            }

            Queue.Add(key);
        }
    }

    // Pods with branches whose delete event came and whose key has not been reconciled since: their uid and node.
    private readonly Dictionary<ObjectKey, (string Uid, string? NodeName)> _deleted = [];

    /// <summary>A pod's branch allocation is retried <see cref="ResourceControllerOptions.MaxRetries"/> times (pkg/worker/worker.go).</summary>
    protected override int? MaxRetriesOf(ObjectKey key) => _provider.Options.MaxRetries;

    /// <summary>The worker pool keeps a job's failures across its requeue-afters (worker.go forgets only a job that succeeded).</summary>
    protected override bool ForgetsOnRequeueAfter => false;

    /// <summary>The worker's "exceeded maximum retries": the pod is left without a branch until it goes.</summary>
    protected override void GaveUp(ObjectKey key)
    {
        if (Store.TryGet(Pods, key.Namespace, key.Name)?.Uid is { } uid)
        {
            _gaveUp.Add(uid);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(ReconcilePod(key));

    private ReconcileResult ReconcilePod(ObjectKey key)
    {
        // pod_controller.go Reconcile hands a pod's branches back (HandleDelete) on its delete event, once it has
        // completed, or once its node is gone from the cluster (isDeleteEvent || hasPodCompleted ||
        // nodeDeletedInCluster): a pod that is only terminating keeps its branch interface through its grace period.
        var found = Store.TryGet(Pods, key.Namespace, key.Name);
        var pod = found is null ? null : PodView.Of(found);
        if (_deleted.Remove(key, out var deleted) && deleted.Uid != found?.Uid)
        {
            // The deleted pod's branches, even when a pod of the same name has been created since.
            Release(deleted.Uid, deleted.NodeName);
            if (found is null)
            {
                return ReconcileResult.Done;
            }
        }

        if (found is null || pod is { IsFinished: true } || (pod?.NodeName is { } boundTo && Store.TryGet(Nodes, null, boundTo) is null))
        {
            ReleaseGone(found);
            return ReconcileResult.Done;
        }

        if (pod!.IsTerminating)
        {
            return ReconcileResult.Done;
        }

        var count = PodEniCount(pod);
        if (count == 0 || pod.NodeName is not { } nodeName || !_provider.Trunks.TryGetValue(nodeName, out var trunk))
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
            return ReconcileResult.After(_provider.Cooldown);
        }

        if (_provider.Throttled($"pod/{found.Uid}", (3 * count) + 1) is { } wait)
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
            _queueNode(nodeName, null);

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
            var tags = _provider.Tags(trunk.InstanceId).Concat([
                new Tag(ResourceControllerNames.VlanIdTag, vlan.ToString(CultureInfo.InvariantCulture)),
                new Tag(ResourceControllerNames.TrunkEniIdTag, trunk.TrunkId)]).ToList();
            eni = _provider.User.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(trunk.SubnetId, groups, BranchDescription, InterfaceType: NetworkInterfaceTypes.Branch, Tags: tags)).GetAwaiter().GetResult();
        }
        catch (AwsException)
        {
            trunk.FreeVlan(vlan);
            throw;
        }

        var branch = BranchEni.Of(eni, vlan, trunk);
        created.Add(branch);
        var association = _provider.Service.AssociateTrunkInterfaceAsync(new AssociateTrunkInterfaceRequest(eni.NetworkInterfaceId, trunk.TrunkId, vlan)).GetAwaiter().GetResult();
        created[^1] = branch with { AssociationId = association.AssociationId };
    }

    /// <summary>
    /// A pod that is gone, finished, or on a deleted node gives its branches to the delete queue; they go after the
    /// cooldown. Without the pod (its delete event was not heard: a key queued otherwise), every trunk's pods are
    /// checked against the pods still bound to its node.
    /// </summary>
    private void ReleaseGone(KubeObject? pod)
    {
        if (pod?.Uid is { } podUid)
        {
            Release(podUid, PodView.Of(pod).NodeName);
            return;
        }

        foreach (var trunk in _provider.Trunks.Values)
        {
            var live = PodsOn(trunk.NodeName).Where(p => !p.IsFinished).Select(p => p.Object.Uid).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var uid in trunk.ByPod.Keys.Where(uid => !live.Contains(uid)).ToList())
            {
                Release(trunk, uid);
            }
        }
    }

    /// <summary>Releases one pod's branches: from its node's trunk, else from whichever trunk holds them (a pod's node may have been replaced).</summary>
    private void Release(string podUid, string? nodeName)
    {
        if (nodeName is not null && _provider.Trunks.TryGetValue(nodeName, out var onNode) && onNode.ByPod.ContainsKey(podUid))
        {
            Release(onNode, podUid);
            return;
        }

        foreach (var trunk in _provider.Trunks.Values.Where(t => t.ByPod.ContainsKey(podUid)).ToList())
        {
            Release(trunk, podUid);
        }
    }

    private void Release(TrunkState trunk, string podUid)
    {
        trunk.Release(podUid, Time.GetUtcNow());
        _gaveUp.Remove(podUid);
        _queueNode(trunk.NodeName, _provider.Cooldown);
    }

    /// <summary>The pods bound to a node, by namespace and name, from the store's node index.</summary>
    private IEnumerable<PodView> PodsOn(string nodeName) => Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, nodeName).Select(p => PodView.Of(p));
}
