using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Patching;
using Podnet.Kube.Selectors;

namespace Podnet.Kube.Store;

/// <summary>
/// The emulated API server's storage and request handling: create, get, list, update, patch, delete and watch,
/// with one cluster-wide resourceVersion counter, optimistic concurrency, admission, finalizers, garbage
/// collection through ownerReferences and namespace deletion. Objects are kept whole, whatever their kind.
/// </summary>
public sealed partial class ObjectStore
{
    /// <summary>Metadata a client cannot change by update.</summary>
    private static readonly string[] ServerOwnedMetadata = ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"];

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Group, string Kind), KindTable> _objects = new();

    // Equal parts of different objects, held once (KubeResource.SharedParts).
    private readonly SubtreeInterner _sharedParts = new();
    private readonly Dictionary<string, long> _wholeKindLists = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _resourceVersion;

    public ObjectStore(TimeProvider time, NameGenerator names, AdmissionChain? admission = null, KubeResources? resources = null, int watchHistory = 10_000)
    {
        _time = time;
        Names = names;
        Admission = admission ?? new AdmissionChain();
        Resources = resources ?? new KubeResources();
        _watchHistory = watchHistory;
    }

    public KubeResources Resources { get; }

    public AdmissionChain Admission { get; }

    public NameGenerator Names { get; }

    /// <summary>The newest resourceVersion handed out.</summary>
    public long CurrentResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Creates <paramref name="obj"/> as the API server's create does (name, uid, timestamps, admission).</summary>
    /// <param name="keepStatus">Keep the given <c>status</c> (a kubelet registering its Node, a world's dump).</param>
    /// <param name="keepUid">
    /// Keep the given <c>metadata.uid</c> instead of drawing one: a world made from a live cluster's objects keeps the
    /// ownerReferences between them (a pod's ReplicaSet, a ReplicaSet's Deployment), which name their owner by uid.
    /// </param>
    public KubeObject Create(KubeObject obj, RequestContext? context = null, bool keepStatus = false, bool keepUid = false)
    {
        ArgumentNullException.ThrowIfNull(obj);
        context ??= RequestContext.Admin;
        return Audit("create", Resources.For(obj), obj.Namespace, obj.Name.Length > 0 ? obj.Name : null, null, context, obj.Raw, (Object: obj, Context: context, KeepStatus: keepStatus, KeepUid: keepUid),
            static (store, s) => store.CreateUnaudited(s.Object, s.Context, s.KeepStatus, keepUid: s.KeepUid));
    }

    /// <summary>
    /// <see cref="Create"/> for JSON the caller hands over: a world's document (<see cref="World.WorldLoader"/>), which
    /// the loader reads no more once it is written. The store makes the object of <paramref name="json"/> itself,
    /// changed in place (name, uid, timestamps, then admission's defaults), instead of copying it on the way in and
    /// again to default it: a world of 50,000 pods is 50,000 creates in one batch, and each copy of a pod costs as
    /// much as its admission. The audit record, when one is kept, gets a copy of the body as it was sent.
    /// </summary>
    /// <param name="json">The object; the store owns it from now on.</param>
    /// <param name="decoded">
    /// The caller has already decoded <paramref name="json"/> into its kind's type with
    /// <see cref="Validation.KindStrategies.Decode"/> (the loader checks every document before writing any), so the
    /// store does not decode it a second time. Only for kinds whose decoding no write can change (not custom
    /// resources, whose schema comes from a CustomResourceDefinition the same batch may create).
    /// </param>
    internal KubeObject CreateHandedOver(JsonObject json, RequestContext context, bool keepStatus, bool keepUid, bool decoded)
        => CreateHandedOver(KubeObject.Adopt(json ?? throw new ArgumentNullException(nameof(json))), context, keepStatus, keepUid, decoded);

    /// <summary>
    /// <see cref="CreateHandedOver(JsonObject, RequestContext, bool, bool, bool)"/> of an object the caller made and hands
    /// over: one made as text (<see cref="KubeObject.Written{TState}"/>, the event recorder's) is stamped and stored as
    /// text, never built as a tree unless admission reads it.
    /// </summary>
    internal KubeObject CreateHandedOver(KubeObject obj, RequestContext context, bool keepStatus, bool keepUid, bool decoded)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(context);
        var body = Audited is null ? null : obj.ToJson();
        return Audit("create", Resources.For(obj), obj.Namespace, obj.Name.Length > 0 ? obj.Name : null, null, context, body, (Object: obj, Context: context, KeepStatus: keepStatus, KeepUid: keepUid, Decoded: decoded),
            static (store, s) => store.CreateUnaudited(s.Object, s.Context, s.KeepStatus, keepUid: s.KeepUid, handedOver: true, decoded: s.Decoded));
    }

    /// <param name="applied">The applied configuration when a server-side apply creates the object.</param>
    /// <param name="handedOver">Nobody but this write holds <paramref name="obj"/>: it is prepared in place, not copied.</param>
    /// <param name="decoded">The caller decoded <paramref name="obj"/> already (<see cref="CreateHandedOver"/>).</param>
    private KubeObject CreateUnaudited(KubeObject obj, RequestContext? context, bool keepStatus, JsonObject? applied = null, bool keepUid = false, bool handedOver = false, bool decoded = false)
    {
        using var delivery = Delivering();
        context ??= RequestContext.Admin;
        lock (_lock)
        {
            var resource = Resources.For(obj);
            // The body is decoded into its kind's type before anything reads it (the API server's decoder, 400 on a
            // field of the wrong type), once per write.
            if (!decoded && Validation.KindStrategies.Decode(resource, obj.Raw, obj.Name) is { } undecodable)
            {
                throw undecodable;
            }

            var ns = resource.Namespaced ? obj.Namespace ?? "default" : null;
            var name = obj.Name;
            if (name.Length == 0)
            {
                name = obj.GenerateName is { Length: > 0 } prefix
                    ? prefix + Names.Suffix(ns, prefix)
                    : throw KubeException.Invalid(resource, string.Empty, [new StatusCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]);
            }

            // A generated name that is taken is drawn again, up to 8 times in all, as the API server does since
            // RetryGenerateName (maxNameGenerationCreateAttempts, apiserver's registry/generic/registry/store.go).
            for (var attempt = 1; obj.Name.Length == 0 && attempt < 8 && Table(resource).Get((ns ?? string.Empty, name)) is not null; attempt++)
            {
                name = obj.GenerateName + Names.Suffix(ns, obj.GenerateName!);
            }

            CheckNamespaceAcceptsContent(resource, ns, name);

            var fresh = new Fresh(resource, ns, name, KubeObject.FormatTimestamp(_time.GetUtcNow()), keepUid, keepStatus);
            KubeObject prepared;
            if (handedOver && PreparedInText(obj, fresh))
            {
                prepared = obj;
            }
            else if (handedOver)
            {
                Prepare(obj.Raw, fresh);
                prepared = KubeObject.Adopt(obj.Raw);
            }
            else
            {
                prepared = PreparedCopy(obj, fresh);
            }

            // The prepared object is this write's own (a copy, or JSON handed over): admission defaults it in place.
            var admitted = Admission.Admit(new AdmissionRequest(AdmissionOperation.Create, resource, ns, name, prepared, null, context.UserName) { Owned = true })!;
            if (context.FieldManager is { } manager)
            {
                // Record returns a new object of its own: no copy of it is needed.
                admitted = KubeObject.Adopt(ManagedFields.Record(null, admitted.Raw, manager, applied, KubePatchSchemas.Find(resource.ApiVersion, resource.Kind), _time.GetUtcNow(), resource.ApiVersion));
            }

            var key = (ns ?? string.Empty, name);
            var table = Table(resource);
            if (table.Get(key) is not null)
            {
                throw KubeException.AlreadyExists(resource, name);
            }

            if (context.DryRun)
            {
                return admitted;
            }

            var stored = StampFresh(admitted);
            Put(table, key, stored);
            Record(WatchEventType.Added, stored);
            return stored;
        }
    }

    /// <summary>What a create stamps on the object it stores (<see cref="Prepare"/>).</summary>
    /// <param name="Now">The creationTimestamp, formatted.</param>
    /// <param name="KeepUid">A uid the object brings is kept (a world's objects that name each other by uid).</param>
    /// <param name="KeepStatus">The status given is kept, even for a kind with a status subresource.</param>
    private readonly record struct Fresh(KubeResource Resource, string? Namespace, string Name, string Now, bool KeepUid, bool KeepStatus);

    /// <summary>
    /// Stamps a created object in place (BeforeCreate, apiserver's rest/create.go: name, namespace, uid,
    /// creationTimestamp, generation 1 where tracked; no resourceVersion or deletion yet; the status dropped where it is a
    /// subresource). A method with its stamps as a value, not a local function over the create's variables, whose
    /// closure every create made.
    /// </summary>
    private void Prepare(JsonObject json, in Fresh fresh)
    {
        var resource = fresh.Resource;
        var metadata = KubeObject.EnsureMetadata(json);
        metadata["name"] = fresh.Name;
        if (fresh.Namespace is null)
        {
            metadata.Remove("namespace");
        }
        else
        {
            metadata["namespace"] = fresh.Namespace;
        }

        metadata["uid"] = FreshUid(fresh, metadata["uid"] is JsonValue given && given.TryGetValue<string>(out var uid) ? uid : null);
        metadata["creationTimestamp"] = fresh.Now;
        metadata.Remove("resourceVersion");
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        if (resource.TracksGeneration)
        {
            metadata["generation"] = 1L;
        }
        else
        {
            metadata.Remove("generation");
        }

        if (!fresh.KeepStatus && resource.HasStatusSubresource && !resource.KeepsStatusOnCreate)
        {
            json.Remove("status");
        }
    }

    /// <summary>
    /// <see cref="Prepare"/> of an object made as text (<see cref="KubeObject.Written{TState}"/>), stamped in its text: its
    /// metadata holds its name and namespace and nothing to remove, so what a create adds is the uid and the
    /// creationTimestamp. False, with nothing done, for any other object, or a kind whose create changes more (a
    /// generation, a status dropped, a namespace removed): the caller prepares the tree.
    /// </summary>
    private bool PreparedInText(KubeObject obj, in Fresh fresh)
    {
        var resource = fresh.Resource;
        if (!obj.IsWrittenUnread || resource.TracksGeneration || resource.HasStatusSubresource || fresh.Namespace != obj.Namespace || fresh.Name != obj.Name)
        {
            return false;
        }

        return obj.TryStampInText("uid", FreshUid(fresh, given: null)) && obj.TryStampInText("creationTimestamp", fresh.Now);
    }

    /// <summary>The uid a create gives: the one the object brings when it is kept (<see cref="Fresh.KeepUid"/>), a new one otherwise.</summary>
    private string FreshUid(in Fresh fresh, string? given)
        => fresh.KeepUid && given is { Length: > 0 } ? given
            : Names.Uid(fresh.Resource.Group.Length == 0 ? fresh.Resource.Kind : $"{fresh.Resource.Group}/{fresh.Resource.Kind}", fresh.Namespace, fresh.Name);

    /// <summary>A prepared copy of an object the caller keeps (<see cref="Prepare"/>).</summary>
    private KubeObject PreparedCopy(KubeObject obj, Fresh fresh) => obj.With(json => Prepare(json, fresh));

    public KubeObject Get(KubeResource resource, string? @namespace, string name)
        => TryGet(resource, @namespace, name) ?? throw KubeException.NotFound(resource, name);

    public KubeObject Get(string apiVersion, string kind, string? @namespace, string name)
        => Get(Resources.For(apiVersion, kind), @namespace, name);

    public KubeObject? TryGet(KubeResource resource, string? @namespace, string name)
    {
        lock (_lock)
        {
            return Table(resource).Get((resource.Namespaced ? @namespace ?? "default" : string.Empty, name));
        }
    }

    /// <summary>
    /// How many lists of a whole kind (every namespace) have been made, by kind: what a controller that scans a kind
    /// per object would drive up, counted so tests can hold the control plane to its indexes.
    /// </summary>
    public IReadOnlyDictionary<string, long> WholeKindLists
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_wholeKindLists, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Lists a kind, in one namespace or all (null), filtered by label and field selectors.</summary>
    public ObjectList List(KubeResource resource, string? @namespace = null, LabelSelector? labels = null, FieldSelector? fields = null)
    {
        if (fields is not null)
        {
            FieldLabels.Check(resource, fields.Requirements.Select(r => r.Field));
        }

        lock (_lock)
        {
            var table = Table(resource);
            if (@namespace is null)
            {
                _wholeKindLists[resource.Kind] = _wholeKindLists.GetValueOrDefault(resource.Kind) + 1;
            }

            var source = @namespace is null || !resource.Namespaced ? table.Values : table.InNamespace(@namespace);
            // Without selectors, a copy of what the table holds: controllers list a namespace's budgets or services on
            // every pod change, and the filters' closures were made for each list.
            var items = labels is null && fields is null ? [.. source]
                : source.Where(o => labels is null || labels.Matches(o.Labels))
                    .Where(o => fields is null || fields.Matches(f => FieldLabels.Value(o, f)))
                    .ToList();
            return new ObjectList(items, _resourceVersion);
        }
    }

    public ObjectList List(string apiVersion, string kind, string? @namespace = null, LabelSelector? labels = null, FieldSelector? fields = null)
        => List(Resources.For(apiVersion, kind), @namespace, labels, fields);

    /// <summary>Every object of every kind, as <c>kubectl get all</c> never quite shows it.</summary>
    public IReadOnlyList<KubeObject> All()
    {
        lock (_lock)
        {
            return [.. _objects.Values.SelectMany(t => t.Values)];
        }
    }

    /// <summary>
    /// Replaces an object (PUT). A resourceVersion in the object must be the current one (409 Conflict otherwise).
    /// The main resource ignores status changes and the status subresource ignores everything else, for kinds that
    /// have one.
    /// </summary>
    public KubeObject Update(KubeObject obj, RequestContext? context = null, bool status = false)
    {
        ArgumentNullException.ThrowIfNull(obj);
        context ??= RequestContext.Admin;
        return Audit("update", Resources.For(obj), obj.Namespace, obj.Name, status ? "status" : null, context, obj.Raw, (Object: obj, Context: context, Status: status),
            static (store, s) => store.UpdateUnaudited(s.Object, s.Context, s.Status));
    }

    /// <summary>
    /// <see cref="Update"/> of an object the caller has just made from the stored one and hands over (the event
    /// recorder's count-up of an Event): the store neither copies it again nor decodes it again, since what the caller
    /// changed are fields of the kind's own types. Conflicts, admission and the no-op check are an update's.
    /// </summary>
    /// <param name="obj">The next version; the store owns it from now on.</param>
    /// <param name="context">Who writes.</param>
    internal KubeObject UpdateHandedOver(KubeObject obj, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(context);
        var body = Audited is null ? null : obj.Raw.DeepClone();
        return Audit("update", Resources.For(obj), obj.Namespace, obj.Name, null, context, body, (Object: obj, Context: context),
            static (store, s) => store.UpdateUnaudited(s.Object, s.Context, status: false, handedOver: true));
    }

    /// <param name="handedOver">Nobody but this write holds <paramref name="obj"/>, and it is decoded (<see cref="UpdateHandedOver"/>).</param>
    private KubeObject UpdateUnaudited(KubeObject obj, RequestContext? context, bool status, bool handedOver = false)
    {
        using var delivery = Delivering();
        context ??= RequestContext.Admin;
        lock (_lock)
        {
            var resource = Resources.For(obj);
            var current = Get(resource, obj.Namespace, obj.Name);

            // An update's body is decoded before anything reads it. A status update carries the stored, already decoded
            // object with a new status (a client's status was decoded where it arrived), so the whole object is not
            // decoded again for every status update a kubelet makes.
            if (!status && !handedOver && Validation.KindStrategies.Decode(resource, obj.Raw, current.Name) is { } undecodable)
            {
                throw undecodable;
            }

            return UpdateLocked(resource, current, obj, context, status, requestedIsOwn: handedOver);
        }
    }

    public KubeObject UpdateStatus(KubeObject obj, RequestContext? context = null) => Update(obj, context, status: true);

    /// <summary>
    /// <see cref="UpdateStatus(KubeObject, RequestContext?)"/> of <paramref name="stored"/> with a new status the caller
    /// hands over (a kubelet's pod status, a workload controller's, built apart from the object): the store makes the
    /// next version of the stored one's parts and takes <paramref name="status"/> as it is, instead of the caller
    /// copying the whole object to set it. Conflicts, admission and the no-op check are an update's.
    /// </summary>
    /// <param name="stored">The object as the caller read it (its resourceVersion must still be current).</param>
    /// <param name="status">The new status; the store owns it from now on.</param>
    /// <param name="context">Who writes.</param>
    internal KubeObject UpdateStatusHandedOver(KubeObject stored, JsonObject status, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = new JsonObject { ["name"] = stored.Name, ["resourceVersion"] = stored.ResourceVersion };
        if (stored.Namespace is { } ns)
        {
            metadata["namespace"] = ns;
        }

        var request = KubeObject.Adopt(new JsonObject { ["apiVersion"] = stored.ApiVersion, ["kind"] = stored.Kind, ["metadata"] = metadata, ["status"] = status });
        var body = Audited is null ? null : request.Raw.DeepClone();
        return Audit("update", Resources.For(stored), stored.Namespace, stored.Name, "status", context, body, (Request: request, Context: context), static (store, s) =>
        {
            using var delivery = store.Delivering();
            lock (store._lock)
            {
                var resource = store.Resources.For(s.Request);
                return store.UpdateLocked(resource, store.Get(resource, s.Request.Namespace, s.Request.Name), s.Request, s.Context, status: true, requestedIsOwn: true);
            }
        });
    }

    /// <summary>Applies a patch to the current object and stores the result as an update.</summary>
    public KubeObject Patch(KubeResource resource, string? @namespace, string name, PatchType type, JsonNode patch, RequestContext? context = null, bool status = false)
    {
        ArgumentNullException.ThrowIfNull(resource);
        context ??= RequestContext.Admin;
        return Audit("patch", resource, @namespace, name, status ? "status" : null, context, patch, (Resource: resource, Namespace: @namespace, Name: name, Type: type, Patch: patch, Context: context, Status: status),
            static (store, s) => store.PatchUnaudited(s.Resource, s.Namespace, s.Name, s.Type, s.Patch, s.Context, s.Status));
    }

    private KubeObject PatchUnaudited(KubeResource resource, string? @namespace, string name, PatchType type, JsonNode patch, RequestContext? context, bool status)
    {
        using var delivery = Delivering();
        context ??= RequestContext.Admin;
        lock (_lock)
        {
            var schema = KubePatchSchemas.Find(resource.ApiVersion, resource.Kind);
            var applied = type == PatchType.Apply ? patch as JsonObject ?? throw KubeException.BadRequest("an apply patch must be an object") : null;
            if (applied is not null && TryGet(resource, @namespace, name) is null)
            {
                return CreateUnaudited(KubeObject.From(applied), context with { FieldManager = context.FieldManager ?? "unknown" }, keepStatus: false, applied);
            }

            var current = Get(resource, @namespace, name);
            if (applied is not null && !context.Force
                && ManagedFields.Conflicts(current.Raw, applied, context.FieldManager ?? "unknown", schema) is { Count: > 0 } conflicts)
            {
                throw ManagedFields.ConflictError(resource, name, conflicts);
            }

            // Each patcher copies its target before changing it, so the stored object is handed over as it is.
            JsonNode? patched;
            try
            {
                patched = type switch
                {
                    PatchType.Apply when schema is null => JsonMergePatch.Apply(current.Raw, patch),
                    PatchType.Apply => StrategicMergePatch.Apply(current.Raw, patch, resource.ApiVersion, resource.Kind),
                    PatchType.Merge => JsonMergePatch.Apply(current.Raw, patch),
                    PatchType.Json => JsonPatch.Apply(current.Raw, patch as JsonArray ?? throw new PatchException("a JSON patch must be an array of operations")),
                    _ when !StrategicMergePatch.Supports(resource.ApiVersion, resource.Kind) => throw KubeException.UnsupportedMediaType(
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
                    _ => StrategicMergePatch.Apply(current.Raw, patch, resource.ApiVersion, resource.Kind),
                };
            }
            catch (PatchException e)
            {
                throw KubeException.BadRequest(e.Message);
            }

            if (patched is not JsonObject patchedObject)
            {
                throw KubeException.BadRequest("the patch must leave a JSON object");
            }

            // The patched object is decoded before anything reads it, as the API server decodes a patch's result: a
            // patch that makes metadata a list or a name a number is refused here.
            if (Validation.KindStrategies.Decode(resource, patchedObject, name) is { } undecodable)
            {
                throw undecodable;
            }


            // A patch without a resourceVersion applies to whatever is current. The patched object is the patcher's
            // own copy (patch values are copied into it), so the store takes it over and changes it in place.
            var next = KubeObject.Adopt(patchedObject);
            if (patch is JsonObject p && p["metadata"]?["resourceVersion"] is null)
            {
                next = next.SetMetadataInPlace("resourceVersion", current.ResourceVersion);
            }

            return UpdateLocked(resource, current, next, context, status, applied, requestedIsOwn: true);
        }
    }

    public KubeObject Patch(KubeObject target, PatchType type, JsonNode patch, RequestContext? context = null, bool status = false)
        => Patch(Resources.For(target), target.Namespace, target.Name, type, patch, context, status);

    /// <param name="applied">The applied configuration of a server-side apply (the manager owns exactly its fields).</param>
    /// <param name="requestedIsOwn">
    /// <paramref name="requested"/> was made by this write (a patch's result) and nobody else holds it: it is changed in
    /// place instead of copied.
    /// </param>
    private KubeObject UpdateLocked(KubeResource resource, KubeObject current, KubeObject requested, RequestContext context, bool status, JsonObject? applied = null, bool requestedIsOwn = false)
    {
        try
        {
            return UpdateLockedUnreclaimed(resource, current, requested, context, status, applied, requestedIsOwn);
        }
        finally
        {
            // A status update lends the stored version's nodes to the next one; where that one was not stored (a no-op,
            // a dry run, a refusal), they are the stored version's alone again, not kept on record by a dropped object.
            if (status && resource.HasStatusSubresource && ReferenceEquals(Table(resource).Get(KeyOf(resource, current)), current))
            {
                SharedSubtrees.Reclaim(current.Raw);
            }
        }
    }

    private KubeObject UpdateLockedUnreclaimed(KubeResource resource, KubeObject current, KubeObject requested, RequestContext context, bool status, JsonObject? applied, bool requestedIsOwn)
    {

        if (requested.ResourceVersion is { } rv && rv != current.ResourceVersion)
        {
            throw KubeException.Conflict(resource, current.Name);
        }

        if (requested.Uid is { } uid && uid != current.Uid)
        {
            throw KubeException.Conflict(resource, current.Name);
        }

        var hasStatusSubresource = resource.HasStatusSubresource;

        // The stored object is only read here: what the new version keeps of it is copied field by field.
        var currentJson = current.Raw;
        KubeObject next;
        if (hasStatusSubresource && status)
        {
            // The status subresource changes status only: the stored object with the requested status (a copy of the
            // stored one but its status, which is not copied only to be replaced, and of the request's status, unless
            // this write owns the request; the rest of the request is dropped). The fields keep their order.
            var requestedStatus = requested.Raw["status"];
            if (requestedIsOwn && requestedStatus is not null)
            {
                requested.Raw.Remove("status");
            }
            else
            {
                requestedStatus = requestedStatus?.DeepClone();
            }

            // The rest is the stored version's own nodes, shared rather than copied (SharedSubtrees): admission changes
            // nothing but status in place on a status update, and metadata is a new object, which the write stamps.
            var json = SharedSubtrees.NextVersion(currentJson, "status");
            json["status"] = requestedStatus;
            next = KubeObject.Adopt(json);
        }
        else
        {
            // The server's fields (and, with a status subresource, status) are the stored object's. Most requests carry
            // them as they were read (a patch's result, a client's read-modify-write), so a field already equal is
            // left as it is rather than copied again: a pod's status is most of a pod.
            void Change(JsonObject json)
            {
                var metadata = KubeObject.EnsureMetadata(json);
                var kept = (JsonObject)currentJson["metadata"]!;
                foreach (var field in ServerOwnedMetadata)
                {
                    KeepStored(metadata, kept, field);
                }

                metadata.Remove("resourceVersion");
                if (hasStatusSubresource)
                {
                    KeepStored(json, currentJson, "status");
                }
            }

            static void KeepStored(JsonObject json, JsonObject stored, string field)
            {
                var value = stored[field];
                if (value is null)
                {
                    json.Remove(field);
                }
                else if (!json.TryGetPropertyValue(field, out var sent) || !SharedSubtrees.Equal(sent, value))
                {
                    json[field] = value.DeepClone();
                }
            }

            if (requestedIsOwn)
            {
                Change(requested.Raw);
                next = requested;
            }
            else
            {
                next = requested.With(Change);
            }
        }

        // A status update goes through admission like any write, as the status subresource (webhooks and plugins
        // that match only the main resource let it pass).
        // Whichever way it was made, the next version is this write's own (a copy, or a patch's result): admission
        // defaults it in place.
        var admitted = Admission.Admit(new AdmissionRequest(AdmissionOperation.Update, resource, current.Namespace, current.Name, next, current, context.UserName, status ? "status" : null) { Owned = true })!;

        // The spec compared is the one admission defaulted, as the API server compares decoded objects.
        if (resource.TracksGeneration && !SharedSubtrees.Equal(admitted.Peek("spec"), currentJson["spec"]))
        {
            // What admission returns is this write's own object (StampFresh below relies on it too), unless it is the
            // stored one.
            admitted = ReferenceEquals(admitted, current)
                ? admitted.WithMetadata("generation", current.Generation + 1)
                : admitted.SetMetadataInPlace("generation", current.Generation + 1);
        }

        // Field ownership: the manager's fields are recorded unless the write changes nothing (a no-op keeps the
        // object and its resourceVersion, managedFields' times included).
        if (context.FieldManager is { } manager && !status)
        {
            var recorded = ManagedFields.Record(current.Raw, admitted.Raw, manager, applied, KubePatchSchemas.Find(resource.ApiVersion, resource.Kind), _time.GetUtcNow(), resource.ApiVersion);
            var unchanged = KubeObject.EqualExcept(admitted.Raw, current.Raw, null, KubeObject.VersionAndOwnership)
                            && ManagedFields.SameOwnership(current.Raw, recorded);
            admitted = unchanged ? current : KubeObject.Adopt(recorded);
        }

        if (EqualButResourceVersion(admitted.Raw, current.Raw))
        {
            return current;
        }

        if (context.DryRun)
        {
            return admitted.WithMetadata("resourceVersion", current.ResourceVersion);
        }

        // A terminating object whose last finalizer went is now deleted, unless it is still in its grace period (a
        // pod on a node, which its kubelet deletes).
        if (admitted.IsTerminating && IsFinalized(resource, admitted) && (AsLong(current["metadata.deletionGracePeriodSeconds"]) ?? 0) == 0)
        {
            RemoveLocked(resource, StampFresh(admitted, current));
            return Table(resource).Get(KeyOf(resource, admitted)) ?? admitted;
        }

        var stored = StampFresh(admitted, current);
        Put(Table(resource), KeyOf(resource, stored), stored);
        Record(WatchEventType.Modified, stored, current);
        return stored;
    }

    private void CheckNamespaceAcceptsContent(KubeResource resource, string? ns, string name)
    {
        if (ns is null)
        {
            return;
        }

        var namespaces = Resources.For("v1", "Namespace");
        var found = Table(namespaces).Get((string.Empty, ns)) ?? throw KubeException.NotFound(namespaces, ns);
        if (found.IsTerminating)
        {
            // The NamespaceLifecycle admission plugin (k8s.io/apiserver pkg/admission/plugin/namespace/lifecycle
            // admission.go Admit): a 403 whose details carry the NamespaceTerminating cause, which clients test for
            // (errors.HasStatusCause) to drop the write instead of retrying it.
            throw new KubeException(
                "Forbidden",
                $"{resource.QualifiedResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                403,
                name,
                resource.Plural,
                resource.Group,
                [new StatusCause(NamespaceTerminatingCause, $"namespace {ns} is being terminated", "metadata.namespace")]);
        }
    }

    private KubeObject Stamp(KubeObject obj)
    {
        _resourceVersion++;
        var resourceVersion = _resourceVersion.ToString(CultureInfo.InvariantCulture);

        // A compact object (an Event being deleted) is stamped in its text, not parsed to a tree and copied.
        return obj.WithResourceVersionInText(resourceVersion) ?? obj.WithMetadata("resourceVersion", resourceVersion);
    }

    /// <summary>
    /// <see cref="Stamp"/> for an object this write made (a copy the store and admission hold alone): stamped in
    /// place. <paramref name="stored"/>, the object it replaces, is copied if admission handed it back.
    /// </summary>
    private KubeObject StampFresh(KubeObject made, KubeObject? stored = null)
    {
        if (ReferenceEquals(made, stored))
        {
            return Stamp(made);
        }

        _resourceVersion++;
        return made.StampResourceVersion(_resourceVersion.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Whether two objects are equal but for metadata.resourceVersion (a no-op write), without copying either.</summary>
    private static bool EqualButResourceVersion(JsonObject a, JsonObject b) => KubeObject.EqualExcept(a, b, null, ResourceVersionOnly);

    private static readonly string[] ResourceVersionOnly = ["resourceVersion"];

    private KindTable Table(KubeResource resource)
        => _objects.TryGetValue((resource.Group, resource.Kind), out var table) ? table : NewTable(resource);

    /// <summary>
    /// The table of a kind not stored before, with its built-in indexes. Apart from <see cref="Table"/>, whose every call
    /// (every read and write) would otherwise make the closure below before looking the table up.
    /// </summary>
    private KindTable NewTable(KubeResource resource)
    {
        var table = new KindTable(resource, _objects.Count);
        foreach (var (name, values) in BuiltInIndexes.Where(i => i.Group == resource.Group && i.Kind == resource.Kind).Select(i => (i.Name, i.Values)))
        {
            table.AddIndex(name, values);
        }

        _objects[(resource.Group, resource.Kind)] = table;
        return table;
    }

    /// <summary>A whole number however the JSON holds it (int, long or parsed text); null when absent.</summary>
    private static long? AsLong(JsonNode? node)
        => node is JsonValue value && long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static (string, string) KeyOf(KubeResource resource, KubeObject obj)
        => (resource.Namespaced ? obj.Namespace ?? "default" : string.Empty, obj.Name);
}

/// <summary>A list answer: the items and the resourceVersion to watch from.</summary>
public sealed record ObjectList(IReadOnlyList<KubeObject> Items, long ResourceVersion);
