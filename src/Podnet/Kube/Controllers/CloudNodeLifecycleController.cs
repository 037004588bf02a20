using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// The cloud controller manager's node lifecycle controller (k8s.io/cloud-provider controllers/nodelifecycle
/// node_lifecycle_controller.go <c>MonitorNodes</c>), which EKS runs with cloud-provider-aws: a node whose Ready
/// condition is not True and whose instance no longer exists in the cloud is deleted, with a <c>DeletingNode</c>
/// event ("Deleting node … because it does not exist in the cloud provider"). For AWS an instance exists until it is
/// <c>terminated</c>: a shutting-down one still does (cloud-provider-aws pkg/providers/v1/aws.go
/// <c>InstanceExistsByProviderID</c>). The pods bound to the deleted node are then deleted as the pod garbage
/// collector deletes orphaned pods (pkg/controller/podgc gc_controller.go <c>gcOrphaned</c>).
/// </summary>
/// <remarks>
/// The real controller looks at every node every 5 s (<c>--node-monitor-period</c>), and the pod garbage collector
/// waits 40 s (<c>quarantineTime</c>) before it deletes a pod whose node is gone; Podnet acts at the moment both
/// conditions hold (the node not Ready, the instance terminated), and deletes the pods with the node.
/// </remarks>
public sealed class CloudNodeLifecycleController : ReconcilingController
{
    /// <summary>The component its events name.</summary>
    public const string Component = "cloud-node-lifecycle-controller";

    private readonly EventRecorder _events;
    private readonly Func<string, DateTimeOffset?> _instanceGoneAt;

    /// <param name="store">The API server's store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="events">Where its events go.</param>
    /// <param name="instanceGoneAt">
    /// When the instance behind a node's <c>spec.providerID</c> stops existing for the cloud provider (is terminated),
    /// or null while it is not on its way out.
    /// </param>
    public CloudNodeLifecycleController(ObjectStore store, TimeProvider time, EventRecorder events, Func<string, DateTimeOffset?> instanceGoneAt)
        : base(store, time)
    {
        _events = events;
        _instanceGoneAt = instanceGoneAt;
    }

    public override string Name => Component;

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Node") && change.Type != WatchEventType.Deleted)
        {
            Queue.Add(new ObjectKey(null, change.Object.Name));
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key.Name));

    private ReconcileResult Reconcile(string nodeName)
    {
        var node = Store.TryGet(Nodes, null, nodeName);
        if (node is null || node.GetString("spec.providerID") is not { Length: > 0 } providerId)
        {
            return ReconcileResult.Done;
        }

        // A Ready node is left alone, whatever its instance (MonitorNodes: "if status == v1.ConditionTrue").
        var ready = (node.Peek("status.conditions") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
        if (ready?["status"]?.GetValue<string>() == "True" || _instanceGoneAt(providerId) is not { } goneAt)
        {
            return ReconcileResult.Done;
        }

        var now = Time.GetUtcNow();
        if (now < goneAt)
        {
            return ReconcileResult.After(goneAt - now);
        }

        _events.Normal(node, "DeletingNode", $"Deleting node {nodeName} because it does not exist in the cloud provider", Component);
        Store.Delete(node, DeleteOptions.Default, RequestContext.ServiceAccount("kube-system", Component));
        foreach (var pod in Store.ListByIndex(Pods, ObjectStore.NodeNameIndex, nodeName).ToList())
        {
            if (Store.TryGet(Pods, pod.Namespace, pod.Name) is not null)
            {
                Store.Delete(Pods, pod.Namespace, pod.Name, DeleteOptions.Now, RequestContext.ServiceAccount("kube-system", "pod-garbage-collector"));
            }
        }

        return ReconcileResult.Done;
    }
}
