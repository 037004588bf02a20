using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// kube-controller-manager's garbage collector (k8s.io/kubernetes pkg/controller/garbagecollector): its graph is the
/// store's owner index, and its queue holds the UIDs of objects to look at (the graph's nodes). An object whose owners
/// are all gone is deleted in the background (<c>attemptToDeleteItem</c>); an owner deleted in the foreground keeps
/// its <c>foregroundDeletion</c> finalizer until its dependents are gone, and they are deleted meanwhile
/// (<c>processDeletingDependentsItem</c>); an owner deleted with the orphan policy has its UID taken out of its
/// dependents' ownerReferences, then loses its <c>orphan</c> finalizer (<c>attemptToOrphan</c>, <c>orphanDependents</c>).
/// </summary>
public sealed class GarbageCollector : ReconcilingController
{
    /// <summary>The controller's service account, as its writes are audited.</summary>
    public const string Component = "generic-garbage-collector";

    private static readonly RequestContext Context = RequestContext.ServiceAccount("kube-system", Component);

    /// <param name="store">The store whose owner index is the graph.</param>
    /// <param name="time">The world's clock.</param>
    public GarbageCollector(ObjectStore store, TimeProvider time)
        : base(store, time)
    {
    }

    /// <inheritdoc/>
    public override string Name => Component;

    /// <summary>
    /// The graph builder's event handling (graph_builder.go <c>processGraphChanges</c>): a removed object's dependents
    /// are looked at, and so are its owners (one waiting in the foreground may be done); an object being deleted in
    /// the foreground or with the orphan policy is looked at itself.
    /// </summary>
    public override void OnChange(WatchEvent change)
    {
        var obj = change.Object;
        if (change.Type == WatchEventType.Deleted)
        {
            if (obj.Uid is { } uid)
            {
                foreach (var (_, dependent) in Store.DependentsOf(uid))
                {
                    Enqueue(dependent.Uid);
                }
            }

            foreach (var owner in obj.OwnerReferences)
            {
                Enqueue(owner.Uid);
            }
        }
        else if (obj.IsTerminating && obj.Finalizers.Any(f => f is ObjectStore.ForegroundDeletionFinalizer or ObjectStore.OrphanFinalizer))
        {
            Enqueue(obj.Uid);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key.Name));

    private ReconcileResult Reconcile(string uid)
    {
        if (Store.TryGetByUid(uid) is not { } found)
        {
            return ReconcileResult.Done;
        }

        var (resource, obj) = found;

        if (obj.IsTerminating && obj.Finalizers.Contains(ObjectStore.OrphanFinalizer))
        {
            OrphanDependents(obj);
            RemoveFinalizer(obj, ObjectStore.OrphanFinalizer);
            return ReconcileResult.Done;
        }

        if (obj.IsTerminating && obj.Finalizers.Contains(ObjectStore.ForegroundDeletionFinalizer))
        {
            // processDeletingDependentsItem and attemptToDeleteItem: a dependent another living owner keeps loses its
            // reference to this owner; the others are deleted, and each one's removal brings the owner back here.
            foreach (var (dependentResource, dependent) in Store.DependentsOf(uid).Where(d => !d.Object.IsTerminating))
            {
                if (dependent.OwnerReferences.Any(r => r.Uid != uid && Store.OwnerExists(r, dependent.Namespace)))
                {
                    RemoveOwnerReference(dependent, uid);
                }
                else
                {
                    DeleteDependent(dependentResource, dependent);
                }
            }

            if (Store.DependentsOf(uid).Count == 0 && Store.TryGetByUid(uid) is { } waiting)
            {
                RemoveFinalizer(waiting.Object, ObjectStore.ForegroundDeletionFinalizer);
            }

            return ReconcileResult.Done;
        }

        // attemptToDeleteItem: a dependent none of whose owners exists any more goes, in the background.
        if (!obj.IsTerminating && obj.OwnerReferences.Count > 0 && !obj.OwnerReferences.Any(r => Store.OwnerExists(r, obj.Namespace)))
        {
            DeleteDependent(resource, obj);
        }

        return ReconcileResult.Done;
    }

    private void Enqueue(string? uid)
    {
        if (uid is not null)
        {
            Queue.Add(new ObjectKey(null, uid));
        }
    }

    private void DeleteDependent(KubeResource resource, KubeObject dependent)
    {
        try
        {
            Store.Delete(resource, dependent.Namespace, dependent.Name, new DeleteOptions(PropagationPolicy.Background, PreconditionUid: dependent.Uid), Context);
        }
        catch (KubeException e) when (e.Code == 404)
        {
            // Gone already: nothing to collect.
        }
    }

    /// <summary><c>orphanDependents</c> (operations.go): the owner's UID leaves each dependent's ownerReferences.</summary>
    private void OrphanDependents(KubeObject owner)
    {
        foreach (var (_, dependent) in Store.DependentsOf(owner.Uid!))
        {
            RemoveOwnerReference(dependent, owner.Uid!);
        }
    }

    /// <summary>The owner's UID leaves the dependent's ownerReferences (the field goes when none is left).</summary>
    private void RemoveOwnerReference(KubeObject dependent, string ownerUid)
    {
        Store.Update(dependent.With(json =>
        {
            var references = (JsonArray)json["metadata"]!["ownerReferences"]!;
            foreach (var item in references.Where(r => r?["uid"]?.GetValue<string>() == ownerUid).ToList())
            {
                references.Remove(item);
            }

            if (references.Count == 0)
            {
                ((JsonObject)json["metadata"]!).Remove("ownerReferences");
            }
        }), Context);
    }

    /// <summary><c>removeFinalizer</c> (operations.go); the store removes an object left terminating without finalizers.</summary>
    private void RemoveFinalizer(KubeObject obj, string finalizer)
    {
        var remaining = obj.Finalizers.Where(f => f != finalizer).ToList();
        Store.Update(obj.With(json =>
        {
            var metadata = KubeObject.EnsureMetadata(json);
            if (remaining.Count == 0)
            {
                metadata.Remove("finalizers");
            }
            else
            {
                metadata["finalizers"] = new JsonArray([.. remaining.Select(f => (JsonNode)f)]);
            }
        }), Context);
    }
}
