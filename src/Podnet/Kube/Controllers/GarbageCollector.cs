using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// kube-controller-manager's garbage collector (k8s.io/kubernetes pkg/controller/garbagecollector): its graph is the
/// store's owner index, and its queue holds the UIDs of objects to look at (the graph's nodes). An object whose owners
/// are all gone — deleted, or never there (an ownerReference to a UID the cluster never had, verified as the live GET
/// verifies it) — is deleted in the background, and one that keeps an owner loses its references to the absent ones
/// (<c>attemptToDeleteItem</c>); an owner deleted in the foreground keeps
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
        else if (!obj.IsTerminating && obj.OwnerReferences.Count > 0 && OwnersChanged(change) && obj.OwnerReferences.Any(r => !Store.OwnerExists(r, obj.Namespace)))
        {
            // graph_builder.go processGraphChanges: an owner the graph has never seen becomes a virtual node, queued
            // for attemptToDeleteItem, whose live lookup finds it absent and so looks at its dependents; here the
            // dependent is looked at itself, which comes to the same (an owner created meanwhile makes it solid).
            Enqueue(obj.Uid);
        }
    }

    /// <summary>A created object with owners, or an update that changed its <c>metadata.ownerReferences</c>.</summary>
    private static bool OwnersChanged(WatchEvent change)
        => change.Object.Peek("metadata.ownerReferences") is { } owners
           && (change.Type == WatchEventType.Added
               || (change.Type == WatchEventType.Modified && !SharedSubtrees.Equal(owners, change.Previous?.Peek("metadata.ownerReferences"))));

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

        // attemptToDeleteItem (garbagecollector.go): each owner is verified (the store answers as the live GET would:
        // absent, or another object by that name with another UID, is absent). A dependent none of whose owners exists
        // goes, in the background; one that keeps a solid owner loses its references to the absent ones
        // (deleteOwnerRefStrategicMergePatch of the dangling UIDs).
        if (!obj.IsTerminating && obj.OwnerReferences.Count > 0)
        {
            var dangling = obj.OwnerReferences.Where(r => !Store.OwnerExists(r, obj.Namespace)).Select(r => r.Uid).ToHashSet(StringComparer.Ordinal);
            if (dangling.Count == obj.OwnerReferences.Count)
            {
                DeleteDependent(resource, obj);
            }
            else if (dangling.Count > 0)
            {
                RemoveOwnerReferences(obj, dangling);
            }
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
        => RemoveOwnerReferences(dependent, new HashSet<string>(StringComparer.Ordinal) { ownerUid });

    /// <summary>The owners' UIDs leave the dependent's ownerReferences (the field goes when none is left).</summary>
    private void RemoveOwnerReferences(KubeObject dependent, HashSet<string> ownerUids)
    {
        Store.Update(dependent.With(json =>
        {
            var references = (JsonArray)json["metadata"]!["ownerReferences"]!;
            foreach (var item in references.Where(r => r?["uid"]?.GetValue<string>() is { } uid && ownerUids.Contains(uid)).ToList())
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
