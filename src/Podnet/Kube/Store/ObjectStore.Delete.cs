using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Validation;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    public const string ForegroundDeletionFinalizer = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    /// <summary>The namespace finalizer the namespace controller removes once the namespace's content is gone.</summary>
    public const string KubernetesFinalizer = "kubernetes";

    /// <summary>
    /// The cause type of a create refused because its namespace is terminating (k8s.io/api core/v1
    /// <c>NamespaceTerminatingCause</c>), in the 403's <c>details.causes</c> with field <c>metadata.namespace</c>.
    /// </summary>
    public const string NamespaceTerminatingCause = "NamespaceTerminating";

    /// <summary>
    /// The namespaces no delete may remove: <c>default</c>, <c>kube-system</c> and <c>kube-public</c>, the
    /// NamespaceLifecycle plugin's <c>immortalNamespaces</c> (metav1.NamespaceDefault, NamespaceSystem,
    /// NamespacePublic); a delete is 403 <c>namespaces "default" is forbidden: this namespace may not be deleted</c>.
    /// </summary>
    public static readonly IReadOnlySet<string> ImmortalNamespaces = new HashSet<string>(StringComparer.Ordinal) { "default", "kube-system", "kube-public" };

    /// <summary>
    /// Deletes an object. With finalizers (or foreground or orphan propagation, which add <c>foregroundDeletion</c>
    /// or <c>orphan</c> when the object has dependents) it only gets a deletionTimestamp and goes when the last
    /// finalizer is removed; a pod bound to a node terminates gracefully until its kubelet deletes it with grace
    /// period 0. A namespace goes Terminating, and goes once its <c>spec.finalizers</c> are empty. Dependents and a
    /// namespace's content are the <see cref="Controllers.GarbageCollector"/>'s and the
    /// <see cref="Controllers.NamespaceController"/>'s work, not the store's (as in kube-apiserver, whose registry only
    /// marks objects). Returns the object as it now is, or null when it is gone.
    /// </summary>
    public KubeObject? Delete(KubeResource resource, string? @namespace, string name, DeleteOptions? options = null, RequestContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        context ??= RequestContext.Admin;
        return Audit("delete", resource, @namespace, name, null, context, null, (Resource: resource, Namespace: @namespace, Name: name, Options: options, Context: context),
            static (store, s) => store.DeleteUnaudited(s.Resource, s.Namespace, s.Name, s.Options, s.Context));
    }

    private KubeObject? DeleteUnaudited(KubeResource resource, string? @namespace, string name, DeleteOptions? options, RequestContext? context)
    {
        using var delivery = Delivering();
        options ??= DeleteOptions.Default;
        context ??= RequestContext.Admin;
        lock (_lock)
        {
            // The NamespaceLifecycle admission plugin refuses before the object is even read (k8s.io/apiserver
            // pkg/admission/plugin/namespace/lifecycle admission.go Admit: "prevent deletion of immortal namespaces").
            if (resource is { Group: "", Kind: "Namespace" } && ImmortalNamespaces.Contains(name))
            {
                throw KubeException.Forbidden(resource, name, "this namespace may not be deleted");
            }

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

            if (policy == PropagationPolicy.Orphan && !finalizers.Contains(OrphanFinalizer) && Dependents(current).Any())
            {
                finalizers.Add(OrphanFinalizer);
            }

            if (finalizers.Count > 0 || graceful)
            {
                var grace = options.GracePeriodSeconds ?? AsLong(current["spec.terminationGracePeriodSeconds"]) ?? PodSpecDefaults.DefaultTerminationGracePeriodSeconds;
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
                return Table(resource).Get(KeyOf(resource, terminating));
            }

            RemoveLocked(resource, Stamp(current));
            return null;
        }
    }

    public KubeObject? Delete(KubeObject obj, DeleteOptions? options = null, RequestContext? context = null)
        => Delete(Resources.For(obj), obj.Namespace, obj.Name, options, context);

    /// <summary>Removes the object for good; the garbage collector and the namespace controller hear of it.</summary>
    private void RemoveLocked(KubeResource resource, KubeObject stamped)
    {
        Drop(Table(resource), KeyOf(resource, stamped));
        Record(WatchEventType.Deleted, stamped);
    }

    /// <summary>
    /// Whether a terminating object may go now: no <c>metadata.finalizers</c>, and for a namespace no
    /// <c>spec.finalizers</c> either (the namespace registry deletes a namespace only once it is finalized).
    /// </summary>
    private static bool IsFinalized(KubeResource resource, KubeObject obj)
        => obj.Finalizers.Count == 0 && !(IsNamespace(resource) && obj["spec.finalizers"] is JsonArray { Count: > 0 });

    private static bool IsNamespace(KubeResource resource) => resource.Kind == "Namespace" && resource.Group.Length == 0;

    /// <summary>
    /// The object with this UID and its resource, from the UID index, or null (the garbage collector's graph looks
    /// nodes up by UID).
    /// </summary>
    public (KubeResource Resource, KubeObject Object)? TryGetByUid(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        lock (_lock)
        {
            return _byUid.TryGetValue(uid, out var found) && found.Table.Get(found.Key) is { } obj ? (ResourceOf(found.Table), obj) : null;
        }
    }

    /// <summary>
    /// Objects whose ownerReferences name this UID, from the owner index (the garbage collector's graph), in the
    /// order a walk over every kind and object would find them.
    /// </summary>
    public IReadOnlyList<(KubeResource Resource, KubeObject Object)> DependentsOf(string ownerUid)
    {
        ArgumentNullException.ThrowIfNull(ownerUid);
        lock (_lock)
        {
            return [.. DependentsOfLocked(ownerUid)];
        }
    }

    /// <summary>Whether the owner a reference names exists, by UID, in the dependent's namespace or cluster-scoped.</summary>
    public bool OwnerExists(OwnerReference reference, string? ns)
    {
        ArgumentNullException.ThrowIfNull(reference);
        lock (_lock)
        {
            return _byUid.TryGetValue(reference.Uid, out var found) && found.Table.Get(found.Key) is { } o && (o.Namespace == ns || o.Namespace is null);
        }
    }

    /// <summary>
    /// Everything in a namespace, kind by kind in the store's order and by name within a kind, from the namespace
    /// index (what the namespace controller's deleter lists per resource).
    /// </summary>
    public IReadOnlyList<(KubeResource Resource, KubeObject Object)> ContentOf(string ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        lock (_lock)
        {
            if (_inNamespace.GetValueOrDefault(ns) == 0)
            {
                return [];
            }

            var content = new List<(KubeResource, KubeObject)>();
            foreach (var table in _objects.Values)
            {
                var resource = ResourceOf(table);
                if (resource.Namespaced)
                {
                    content.AddRange(table.InNamespace(ns).Where(o => o.Namespace == ns).Select(o => (resource, o)));
                }
            }

            return content;
        }
    }

    /// <summary>
    /// The namespace's <c>finalize</c> subresource as the namespace controller calls it
    /// (namespaced_resources_deleter.go <c>finalizeNamespace</c>): <c>kubernetes</c> is taken out of
    /// <c>spec.finalizers</c>; a terminating namespace left without finalizers goes. Returns the namespace as it now
    /// is, or null when it is gone.
    /// </summary>
    public KubeObject? FinalizeNamespace(string name, RequestContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var namespaces = Resources.For("v1", "Namespace");
        var current = Get(namespaces, null, name);
        if (current["spec.finalizers"] is not JsonArray finalizers || !finalizers.Any(f => f?.GetValue<string>() == KubernetesFinalizer))
        {
            return current;
        }

        var finalized = Update(current.With(json =>
        {
            var spec = (JsonObject)json["spec"]!;
            var remaining = ((JsonArray)spec["finalizers"]!).Select(f => f?.GetValue<string>()).Where(f => f != KubernetesFinalizer).ToList();
            spec["finalizers"] = new JsonArray([.. remaining.Select(f => (JsonNode?)f)]);
        }), context);
        return TryGet(namespaces, null, name) is null ? null : finalized;
    }

    /// <summary>
    /// The namespace's <c>finalize</c> subresource as a client calls it (<c>PUT /api/v1/namespaces/{name}/finalize</c>,
    /// what <c>kubectl replace --raw</c> sends; pkg/registry/core/namespace/storage/storage.go <c>FinalizeREST</c> with
    /// strategy.go <c>namespaceFinalizeStrategy</c>): only <c>spec.finalizers</c> is taken from
    /// <paramref name="requested"/> (status and metadata stay the stored ones); each finalizer must be a standard name
    /// (<c>kubernetes</c>, <c>orphan</c>, <c>foregroundDeletion</c>) or a qualified one (validation.go <c>ValidateNamespaceFinalizeUpdate</c>, 422 otherwise); a
    /// resourceVersion in the request must be the current one (409 otherwise). A terminating namespace left without
    /// finalizers goes with the update (<c>ShouldDeleteNamespaceDuringUpdate</c>). Returns the namespace as written.
    /// </summary>
    public KubeObject FinalizeNamespace(KubeObject requested, RequestContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var namespaces = Resources.For("v1", "Namespace");
        var current = Get(namespaces, null, requested.Name);
        var finalizers = (requested["spec.finalizers"] as JsonArray ?? []).Select(f => f?.GetValue<string>() ?? string.Empty).ToList();
        var causes = new List<StatusCause>();
        for (var i = 0; i < finalizers.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"spec.finalizers[{i}]");
            causes.AddRange(Podnet.Kube.Selectors.LabelValidation.KeyErrors(finalizers[i]).Select(e => StatusCause.Invalid(field, finalizers[i], e)));
            if (!finalizers[i].Contains('/', StringComparison.Ordinal) && finalizers[i] is not (KubernetesFinalizer or OrphanFinalizer or ForegroundDeletionFinalizer))
            {
                // validation.go validateFinalizerName: a name without a prefix must be one of the standard finalizers
                // (helper.IsStandardFinalizerName: kubernetes, orphan, foregroundDeletion).
                causes.Add(StatusCause.Invalid(field, finalizers[i], "name is neither a standard finalizer name nor is it fully qualified"));
            }
        }

        if (causes.Count > 0)
        {
            throw KubeException.Invalid(namespaces, requested.Name, causes);
        }

        return Update(current.With(json =>
        {
            var spec = json["spec"] as JsonObject ?? [];
            spec["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode?)f)]);
            json["spec"] = spec;
            if (requested.ResourceVersion is { Length: > 0 } version)
            {
                KubeObject.EnsureMetadata(json)["resourceVersion"] = version;
            }
        }), context);
    }

    private IEnumerable<(KubeResource Resource, KubeObject Object)> Dependents(KubeObject owner)
        => owner.Uid is { } uid ? DependentsOfLocked(uid) : [];

    private IEnumerable<(KubeResource Resource, KubeObject Object)> DependentsOfLocked(string uid)
    {
        if (!_dependents.TryGetValue(uid, out var keys))
        {
            yield break;
        }

        foreach (var (table, key) in keys.InOrder())
        {
            if (table.Get(key) is { } dependent)
            {
                yield return (ResourceOf(table), dependent);
            }
        }
    }

    /// <summary>
    /// The namespace registry's delete (pkg/registry/core/namespace/storage/storage.go): the first delete sets the
    /// deletionTimestamp and the phase <c>Terminating</c>; a namespace that is terminating goes once it is finalized
    /// (the namespace controller deletes it again after its <c>finalize</c>).
    /// </summary>
    private KubeObject? DeleteNamespaceLocked(KubeResource namespaces, KubeObject current)
    {
        if (current.IsTerminating)
        {
            if (!IsFinalized(namespaces, current))
            {
                return current;
            }

            RemoveLocked(namespaces, Stamp(current));
            return null;
        }

        var terminating = StampFresh(current.With(json =>
        {
            KubeObject.EnsureMetadata(json)["deletionTimestamp"] = KubeObject.FormatTimestamp(_time.GetUtcNow());
            var status = json["status"] as JsonObject ?? [];
            status["phase"] = "Terminating";
            json["status"] = status;
        }));
        Put(Table(namespaces), KeyOf(namespaces, terminating), terminating);
        Record(WatchEventType.Modified, terminating, current);
        return terminating;
    }
}
