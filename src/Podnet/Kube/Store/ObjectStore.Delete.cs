using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    public const string ForegroundDeletionFinalizer = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    /// <summary>
    /// Deletes an object. With finalizers (or foreground propagation) it only gets a deletionTimestamp and goes
    /// when the last finalizer is removed; a pod bound to a node terminates gracefully until its kubelet deletes
    /// it with grace period 0. Dependents are garbage collected (background), deleted first (foreground) or
    /// orphaned. Deleting a namespace deletes everything in it. Returns the object as it now is, or null when it
    /// is gone.
    /// </summary>
    public KubeObject? Delete(KubeResource resource, string? @namespace, string name, DeleteOptions? options = null, RequestContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        context ??= RequestContext.Admin;
        return Audit("delete", resource, @namespace, name, null, context, null, () => DeleteUnaudited(resource, @namespace, name, options, context));
    }

    private KubeObject? DeleteUnaudited(KubeResource resource, string? @namespace, string name, DeleteOptions? options, RequestContext? context)
    {
        using var delivery = Delivering();
        options ??= DeleteOptions.Default;
        context ??= RequestContext.Admin;
        lock (_lock)
        {
            var current = Get(resource, @namespace, name);
            if (options.PreconditionUid is { } uid && uid != current.Uid)
            {
                throw new KubeException("Conflict", $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}", 409, name, resource.Plural, resource.Group);
            }

            if (options.PreconditionResourceVersion is { } rv && rv != current.ResourceVersion)
            {
                throw new KubeException("Conflict", $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.ResourceVersion}", 409, name, resource.Plural, resource.Group);
            }

            Admission.Admit(new AdmissionRequest(AdmissionOperation.Delete, resource, current.Namespace, name, null, current, context.UserName));
            if (context.DryRun)
            {
                return current;
            }

            if (resource.Kind == "Namespace" && resource.Group.Length == 0)
            {
                return DeleteNamespaceLocked(resource, current);
            }

            var policy = options.PropagationPolicy ?? PropagationPolicy.Background;
            var graceful = resource.Kind == "Pod" && current.GetString("spec.nodeName") is { Length: > 0 } && options.GracePeriodSeconds is not 0;
            var finalizers = current.Finalizers.ToList();
            if (policy == PropagationPolicy.Foreground && !finalizers.Contains(ForegroundDeletionFinalizer) && Dependents(current).Any())
            {
                finalizers.Add(ForegroundDeletionFinalizer);
            }

            if (policy == PropagationPolicy.Orphan)
            {
                Orphan(current);
            }

            if (finalizers.Count > 0 || graceful)
            {
                var grace = options.GracePeriodSeconds ?? AsLong(current["spec.terminationGracePeriodSeconds"]) ?? 30;
                if (current.IsTerminating && finalizers.SequenceEqual(current.Finalizers)
                    && (AsLong(current["metadata.deletionGracePeriodSeconds"]) ?? 0) <= (graceful ? grace : 0))
                {
                    return current;
                }

                var terminating = StampFresh(current.With(json =>
                {
                    var metadata = KubeObject.EnsureMetadata(json);
                    metadata["deletionTimestamp"] ??= KubeObject.FormatTimestamp(_time.GetUtcNow().AddSeconds(graceful ? grace : 0));
                    metadata["deletionGracePeriodSeconds"] = graceful ? grace : 0;
                    metadata["finalizers"] = finalizers.Count == 0 ? null : new JsonArray([.. finalizers.Select(f => (JsonNode)f)]);
                    if (finalizers.Count == 0)
                    {
                        metadata.Remove("finalizers");
                    }
                }));
                Put(Table(resource), KeyOf(resource, terminating), terminating);
                Record(WatchEventType.Modified, terminating, current);
                if (policy == PropagationPolicy.Foreground)
                {
                    CollectDependents(terminating);
                }

                return Table(resource).Get(KeyOf(resource, terminating));
            }

            RemoveLocked(resource, Stamp(current));
            return null;
        }
    }

    public KubeObject? Delete(KubeObject obj, DeleteOptions? options = null, RequestContext? context = null)
        => Delete(Resources.For(obj), obj.Namespace, obj.Name, options, context);

    /// <summary>Removes the object for good, then collects what it owned and what waited for it.</summary>
    private void RemoveLocked(KubeResource resource, KubeObject stamped)
    {
        Drop(Table(resource), KeyOf(resource, stamped));
        Record(WatchEventType.Deleted, stamped);
        CollectDependents(stamped);
        ReleaseForegroundOwners(stamped);
        if (stamped.Namespace is { } ns)
        {
            FinishNamespaceIfEmpty(ns);
        }
    }

    /// <summary>
    /// Objects whose ownerReferences name <paramref name="owner"/>'s uid, from the owner index (the garbage
    /// collector's graph), in the order a walk over every kind and object would find them.
    /// </summary>
    private IEnumerable<(KubeResource Resource, KubeObject Object)> Dependents(KubeObject owner)
    {
        if (owner.Uid is not { } uid || !_dependents.TryGetValue(uid, out var keys))
        {
            yield break;
        }

        foreach (var (table, key) in keys.ToList())
        {
            if (table.Get(key) is { } dependent)
            {
                yield return (ResourceOf(table), dependent);
            }
        }
    }

    /// <summary>
    /// The garbage collector's work, done at once: a dependent whose owners are all gone (or terminating in the
    /// foreground) is deleted, in the background.
    /// </summary>
    private void CollectDependents(KubeObject owner)
    {
        foreach (var (resource, dependent) in Dependents(owner).ToList())
        {
            var stillOwned = dependent.OwnerReferences.Any(r => r.Uid != owner.Uid && OwnerExists(r, dependent.Namespace));
            var current = Table(resource).Get(KeyOf(resource, dependent));
            if (stillOwned || current is null || current.IsTerminating)
            {
                continue;
            }

            Delete(resource, current.Namespace, current.Name, new DeleteOptions(PropagationPolicy.Background), RequestContext.ServiceAccount("kube-system", "generic-garbage-collector"));
        }
    }

    private bool OwnerExists(OwnerReference reference, string? ns)
        => _byUid.TryGetValue(reference.Uid, out var found) && found.Table.Get(found.Key) is { } o && (o.Namespace == ns || o.Namespace is null);

    /// <summary>An owner waiting in the foreground loses its finalizer once no dependent blocks it.</summary>
    private void ReleaseForegroundOwners(KubeObject removed)
    {
        foreach (var reference in removed.OwnerReferences)
        {
            var owner = _byUid.TryGetValue(reference.Uid, out var found) ? (found.Table, Object: found.Table.Get(found.Key)) : default;
            if (owner.Object is not { IsTerminating: true } waiting || !waiting.Finalizers.Contains(ForegroundDeletionFinalizer))
            {
                continue;
            }

            if (Dependents(waiting).Any())
            {
                continue;
            }

            var resource = ResourceOf(owner.Table!);
            var remaining = waiting.Finalizers.Where(f => f != ForegroundDeletionFinalizer).ToList();
            UpdateLocked(resource, waiting, waiting.With(json =>
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
            }), RequestContext.ServiceAccount("kube-system", "generic-garbage-collector"), status: false);
        }
    }

    private void Orphan(KubeObject owner)
    {
        foreach (var (resource, dependent) in Dependents(owner).ToList())
        {
            var orphaned = dependent.With(json =>
            {
                var references = (JsonArray)json["metadata"]!["ownerReferences"]!;
                foreach (var item in references.Where(r => r?["uid"]?.GetValue<string>() == owner.Uid).ToList())
                {
                    references.Remove(item);
                }

                if (references.Count == 0)
                {
                    ((JsonObject)json["metadata"]!).Remove("ownerReferences");
                }
            });
            UpdateLocked(resource, dependent, orphaned, RequestContext.ServiceAccount("kube-system", "generic-garbage-collector"), status: false);
        }
    }

    /// <summary>
    /// A namespace goes Terminating, everything in it is deleted, and it disappears once it is empty (objects with
    /// finalizers keep it Terminating until they are finalized).
    /// </summary>
    private KubeObject? DeleteNamespaceLocked(KubeResource namespaces, KubeObject current)
    {
        var ns = current.Name;
        var terminating = current.IsTerminating ? current : StampFresh(current.With(json =>
        {
            KubeObject.EnsureMetadata(json)["deletionTimestamp"] = KubeObject.FormatTimestamp(_time.GetUtcNow());
            json["status"] = new JsonObject { ["phase"] = "Terminating" };
        }));
        if (!current.IsTerminating)
        {
            Put(Table(namespaces), KeyOf(namespaces, terminating), terminating);
            Record(WatchEventType.Modified, terminating, current);
        }

        foreach (var table in _objects.Values.ToList())
        {
            var resource = ResourceOf(table);
            if (!resource.Namespaced)
            {
                continue;
            }

            foreach (var obj in table.InNamespace(ns).Where(o => o.Namespace == ns && !o.IsTerminating).ToList())
            {
                // Deleting an owner may already have collected a later object of the same kind.
                if (table.Get(KeyOf(resource, obj)) is not { IsTerminating: false })
                {
                    continue;
                }

                Delete(resource, ns, obj.Name, DeleteOptions.Now, RequestContext.ServiceAccount("kube-system", "namespace-controller"));
            }
        }

        FinishNamespaceIfEmpty(ns);
        return Table(namespaces).Get((string.Empty, ns));
    }

    private void FinishNamespaceIfEmpty(string ns)
    {
        var namespaces = Resources.For("v1", "Namespace");
        if (Table(namespaces).Get((string.Empty, ns)) is not { IsTerminating: true } terminating)
        {
            return;
        }

        if (_inNamespace.GetValueOrDefault(ns) > 0)
        {
            return;
        }

        Drop(Table(namespaces), (string.Empty, ns));
        Record(WatchEventType.Deleted, Stamp(terminating));
    }
}
