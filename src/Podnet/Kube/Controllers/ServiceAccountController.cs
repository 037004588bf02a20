using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>Gives every namespace its <c>default</c> ServiceAccount, as kube-controller-manager does.</summary>
public sealed class ServiceAccountController : ReconcilingController
{
    public const string Component = "serviceaccount-controller";

    public ServiceAccountController(ObjectStore store, TimeProvider time)
        : base(store, time)
    {
    }

    public override string Name => Component;

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Namespace") && change.Type != WatchEventType.Deleted)
        {
            Queue.Add(new ObjectKey(null, change.Object.Name));
        }
        else if (Is(change, string.Empty, "ServiceAccount") && change.Type == WatchEventType.Deleted && change.Object.Name == "default")
        {
            Queue.Add(new ObjectKey(null, change.Object.Namespace!));
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        var ns = Store.TryGet(Store.Resources.For("v1", "Namespace"), null, key.Name);
        if (ns is null || ns.IsTerminating)
        {
            return ReconcileResult.Done;
        }

        var accounts = Store.Resources.For("v1", "ServiceAccount");
        if (Store.TryGet(accounts, key.Name, "default") is null)
        {
            Store.Create(KubeObject.Create("v1", "ServiceAccount", "default", key.Name), RequestContext.ServiceAccount("kube-system", Component));
        }

        return ReconcileResult.Done;
    }
}
