using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;

namespace Podnet.Server.Kube;

/// <summary>
/// The verbs on one resource path (k8s.io/apiserver endpoints/handlers: get, list, watch, create, update, patch,
/// delete, deletecollection, and the status and scale subresources) against the served cluster's store. Writes go
/// through the cluster's gate so the controllers see them in order; reads go to the store directly.
/// </summary>
public sealed class ResourceHandler
{
    private readonly ServedCluster _cluster;

    public ResourceHandler(ServedCluster cluster)
    {
        _cluster = cluster;
    }

    private ObjectStore Store => _cluster.Store;

    /// <summary>The watches and exec sessions open now.</summary>
    public LongRunningRequests LongRunning { get; } = new();

    /// <summary>Answers one request on <paramref name="path"/> for <paramref name="user"/>.</summary>
    public async Task HandleAsync(HttpContext context, ApiPath path, RequestContext user)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(path);
        var request = context.Request;
        var query = request.Query;
        var method = request.Method;
        if (query["dryRun"].Count > 0)
        {
            if (query["dryRun"].Any(v => v != "All"))
            {
                throw KubeException.BadRequest($"Invalid dry run value: {string.Join(",", query["dryRun"].ToArray())}; supported values: All");
            }

            user = user with { DryRun = true };
        }

        // The field manager of the write (kubectl names one for every command; otherwise the API server takes the
        // user agent's first word, as fieldmanager's prefixFromUserAgent does).
        if (method is not "GET" && query["fieldManager"].FirstOrDefault() is var manager)
        {
            user = user with
            {
                FieldManager = string.IsNullOrEmpty(manager) ? (request.Headers.UserAgent.FirstOrDefault() ?? "unknown").Split('/')[0] : manager,
                Force = query["force"].FirstOrDefault() == "true",
            };
        }

        switch (path.Subresource)
        {
            case null:
                break;
            case "status" when path.Resource.HasStatusSubresource:
                break;
            case "scale" when Discovery.Subresources(path.Resource).Any(s => s.Name == "scale"):
                await ScaleAsync(context, path, user).ConfigureAwait(false);
                return;
            case "eviction" when path.Resource is { Group: "", Kind: "Pod" } && method == HttpMethods.Post:
                await EvictAsync(context, path, user).ConfigureAwait(false);
                return;
            case "exec" when path.Resource is { Group: "", Kind: "Pod" } && path.Name is not null && (method == HttpMethods.Get || method == HttpMethods.Post):
                using (LongRunning.Begin("CONNECT"))
                {
                    await ExecStream.ServeAsync(context, _cluster, path).ConfigureAwait(false);
                }

                return;
            case "log" when path.Resource is { Group: "", Kind: "Pod" } && method == HttpMethods.Get:
                await LogAsync(context, path).ConfigureAwait(false);
                return;
            case "finalize" when path.Resource is { Group: "", Kind: "Namespace" } && path.Name is not null:
                // FinalizeREST (pkg/registry/core/namespace/storage/storage.go) serves update only.
                if (method != HttpMethods.Put)
                {
                    throw StatusResponses.MethodNotSupported(method, "namespaces/finalize");
                }

                await FinalizeAsync(context, path, user).ConfigureAwait(false);
                return;
            default:
                throw StatusResponses.PathNotFound();
        }

        var status = path.Subresource == "status";
        if (path.Name is null)
        {
            if (method == HttpMethods.Get && IsWatch(query))
            {
                using (LongRunning.Begin("WATCH"))
                {
                    await WatchStream.ServeAsync(context, Store, path, _cluster.World.Time).ConfigureAwait(false);
                }
            }
            else if (method == HttpMethods.Get)
            {
                await ListAsync(context, path).ConfigureAwait(false);
            }
            else if (method == HttpMethods.Post)
            {
                await CreateAsync(context, path, user).ConfigureAwait(false);
            }
            else if (method == HttpMethods.Delete && Discovery.VerbsOf(path.Resource).Contains("deletecollection"))
            {
                await DeleteCollectionAsync(context, path, user).ConfigureAwait(false);
            }
            else
            {
                throw StatusResponses.MethodNotSupported(method, path.Resource.Plural);
            }

            return;
        }

        if (method == HttpMethods.Get)
        {
            var found = Store.Get(path.Resource, path.Namespace, path.Name);
            await WriteObjectAsync(context, 200, path.Resource, found).ConfigureAwait(false);
        }
        else if (method == HttpMethods.Put)
        {
            await UpdateAsync(context, path, user, status).ConfigureAwait(false);
        }
        else if (method == HttpMethods.Patch)
        {
            await PatchAsync(context, path, user, status).ConfigureAwait(false);
        }
        else if (method == HttpMethods.Delete && !status)
        {
            await DeleteAsync(context, path, user).ConfigureAwait(false);
        }
        else
        {
            throw StatusResponses.MethodNotSupported(method, path.Resource.Plural);
        }
    }

    private static bool IsWatch(IQueryCollection query) => query["watch"].FirstOrDefault() is "true" or "1";

    private static LabelSelector? Labels(IQueryCollection query)
    {
        var text = query["labelSelector"].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return LabelSelector.TryParse(text, out var selector, out var error) ? selector : throw KubeException.BadRequest($"unable to parse requirement: {error}");
    }

    private static FieldSelector? Fields(IQueryCollection query)
    {
        var text = query["fieldSelector"].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return FieldSelector.TryParse(text, out var selector, out var error) ? selector : throw KubeException.BadRequest(error);
    }

    /// <summary>The selectors of a list or watch request.</summary>
    public static (LabelSelector? Labels, FieldSelector? Fields) Selectors(IQueryCollection query) => (Labels(query), Fields(query));

    private async Task ListAsync(HttpContext context, ApiPath path)
    {
        var (labels, fields) = Selectors(context.Request.Query);
        var list = Store.List(path.Resource, path.Namespace, labels, fields);
        var rv = list.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        if (KubeMediaTypes.WantsTable(context.Request))
        {
            await HttpAnswers.TableAsync(context, path.Resource, list.Items, _cluster.World.Time.GetUtcNow(), rv, KubeMediaTypes.IncludeObject(context.Request)).ConfigureAwait(false);
            return;
        }

        // Written item by item: a list of many objects is never one string.
        await HttpAnswers.ListAsync(context, path.Resource.Kind + "List", path.Resource.ApiVersion, rv, list.Items).ConfigureAwait(false);
    }

    private async Task WriteObjectAsync(HttpContext context, int code, KubeResource resource, KubeObject obj)
    {
        if (KubeMediaTypes.WantsTable(context.Request))
        {
            await HttpAnswers.JsonAsync(context, code, TableConvertor.Build(resource, [obj], _cluster.World.Time.GetUtcNow(), obj.ResourceVersion ?? string.Empty, KubeMediaTypes.IncludeObject(context.Request))).ConfigureAwait(false);
            return;
        }

        await HttpAnswers.RawJsonAsync(context, code, obj.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>
    /// The body's object with the path's kind and namespace filled in, or 400 when they disagree with the path.
    /// Fields the kind does not have are refused under <c>fieldValidation=Strict</c> (kubectl's default), dropped
    /// with a warning under <c>Warn</c> (the API server's default) and dropped silently under <c>Ignore</c>
    /// (kubectl's <c>--validate=false</c>).
    /// </summary>
    private static JsonObject ObjectFor(ApiPath path, JsonObject body, HttpContext context, byte[] raw)
    {
        // The serializer reads apiVersion and kind before the rest (SimpleMetaFactory.Interpret, into an anonymous
        // struct); either of another type than a string leaves the object unrecognized (handlers/create.go
        // transformDecodeError, without a kind to name, summarizes the body's first 30 bytes).
        foreach (var field in (string[])["apiVersion", "kind"])
        {
            if (body[field] is JsonNode value && value.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                var type = value.GetValueKind() switch
                {
                    System.Text.Json.JsonValueKind.Object => "object",
                    System.Text.Json.JsonValueKind.Array => "array",
                    System.Text.Json.JsonValueKind.Number => "number",
                    _ => "bool",
                };
                throw KubeException.BadRequest($"the object provided is unrecognized (must be of type {path.Resource.Kind}): couldn't get version/kind; json parse error: json: cannot unmarshal {type} into Go struct field .{field} of type string ({Summary(raw)})");
            }
        }

        var validation = context.Request.Query["fieldValidation"].FirstOrDefault() ?? "Warn";
        if (validation is not ("Strict" or "Warn" or "Ignore"))
        {
            throw KubeException.BadRequest($"fieldValidation parameter unsupported: {validation}. Supported values are: Ignore, Warn, Strict");
        }

        if (validation != "Strict")
        {
            foreach (var field in Podnet.Kube.Validation.KindStrategies.PruneUnknownFields(path.Resource, body))
            {
                if (validation == "Warn")
                {
                    // The API server's warning header (RFC 7234 code 299), which kubectl prints as "Warning: …".
                    context.Response.Headers.Append("Warning", WarningHeaders.UnknownField(field));
                }
            }
        }

        var resource = path.Resource;

        // The body is decoded into its kind's type before anything reads it: a field of the wrong type (a kind that
        // is a number, metadata that is a list) is the decoder's 400, even where it would otherwise be a missing name.
        if (Podnet.Kube.Validation.KindStrategies.Decode(resource, body, (body["metadata"] as JsonObject)?["name"] is JsonValue named && named.TryGetValue<string>(out var decodedName) ? decodedName : path.Name ?? string.Empty) is { } undecodable)
        {
            throw undecodable;
        }

        var apiVersion = body["apiVersion"]?.GetValue<string>();
        var kind = body["kind"]?.GetValue<string>();
        if (apiVersion is { Length: > 0 } && apiVersion != resource.ApiVersion)
        {
            throw StatusResponses.ApiVersionMismatch(apiVersion, resource);
        }

        if (kind is { Length: > 0 } && kind != resource.Kind)
        {
            throw KubeException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({resource.Kind})");
        }

        body["apiVersion"] = resource.ApiVersion;
        body["kind"] = resource.Kind;
        var metadata = body["metadata"] as JsonObject ?? new JsonObject();
        body["metadata"] = metadata;
        if (resource.Namespaced)
        {
            var ns = metadata["namespace"] is JsonValue v && v.TryGetValue<string>(out var given) && given.Length > 0 ? given : null;
            if (ns is not null && ns != path.Namespace)
            {
                throw KubeException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            metadata["namespace"] = path.Namespace ?? throw KubeException.BadRequest("a namespaced object needs a namespace in the path");
        }

        if (path.Name is not null && metadata["name"] is JsonValue n && n.TryGetValue<string>(out var name) && name.Length > 0 && name != path.Name)
        {
            throw KubeException.BadRequest($"the name of the object ({name}) does not match the name on the URL ({path.Name})");
        }

        if (path.Name is not null)
        {
            metadata["name"] = path.Name;
        }

        return body;
    }

    /// <summary>
    /// The start of a body for an error message (handlers/create.go summarizeData with 30 bytes): JSON as text,
    /// anything else in hex, <c> ...</c> when cut.
    /// </summary>
    private static string Summary(byte[] raw)
    {
        const int max = 30;
        if (raw.Length == 0)
        {
            return "<empty>";
        }

        var head = raw.AsSpan(0, Math.Min(raw.Length, max));
        var text = raw[0] == (byte)'{' ? System.Text.Encoding.UTF8.GetString(head) : Convert.ToHexStringLower(head);
        return raw.Length > max ? text + " ..." : text;
    }

    private async Task CreateAsync(HttpContext context, ApiPath path, RequestContext user)
    {
        var raw = await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var body = RequestBodies.ParseObject(context.Request, raw);
        var obj = KubeObject.From(ObjectFor(path, body, context, raw));
        var created = _cluster.Write(() => Store.Create(obj, user));
        await WriteObjectAsync(context, 201, path.Resource, created).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, ApiPath path, RequestContext user, bool status)
    {
        var raw = await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var body = RequestBodies.ParseObject(context.Request, raw);
        var obj = KubeObject.From(ObjectFor(path, body, context, raw));
        var updated = _cluster.Write(() => Store.Update(obj, user, status));
        await WriteObjectAsync(context, 200, path.Resource, updated).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>PUT /api/v1/namespaces/{name}/finalize</c>: the body's <c>spec.finalizers</c> become the namespace's
    /// (<see cref="Podnet.Kube.Store.ObjectStore.FinalizeNamespace(KubeObject, RequestContext?)"/>); 200 with the
    /// namespace as written, also when that removed it.
    /// </summary>
    private async Task FinalizeAsync(HttpContext context, ApiPath path, RequestContext user)
    {
        var raw = await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var body = RequestBodies.ParseObject(context.Request, raw);
        var obj = KubeObject.From(ObjectFor(path, body, context, raw));
        var finalized = _cluster.Write(() => Store.FinalizeNamespace(obj, user));
        await WriteObjectAsync(context, 200, path.Resource, finalized).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext context, ApiPath path, RequestContext user, bool status)
    {
        var bodyType = KubeMediaTypes.BodyType(context.Request);
        var bytes = await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var resource = path.Resource;
        var custom = Podnet.Kube.Patching.StrategicMergePatch.Supports(resource.ApiVersion, resource.Kind) is false;
        switch (bodyType)
        {
            case KubeMediaTypes.ApplyPatch:
            {
                // Server-side apply: the store creates the object when absent, merges the applied configuration
                // otherwise, and keeps the field ownership (409 on another manager's field unless force=true).
                if (string.IsNullOrEmpty(context.Request.Query["fieldManager"].FirstOrDefault()))
                {
                    throw KubeException.BadRequest("fieldManager is required for apply requests");
                }

                var applied = RequestBodies.ParseJson(bytes, yaml: true) as JsonObject ?? throw KubeException.BadRequest("an apply patch must be an object");
                var obj = ObjectFor(path, applied, context, bytes);
                var (code, result) = _cluster.Write(() => (Store.TryGet(resource, path.Namespace, path.Name!) is null ? 201 : 200,
                    Store.Patch(resource, path.Namespace, path.Name!, PatchType.Apply, obj, user, status)));
                await WriteObjectAsync(context, code, resource, result).ConfigureAwait(false);
                return;
            }

            case KubeMediaTypes.MergePatch or KubeMediaTypes.StrategicMergePatch or KubeMediaTypes.JsonPatch:
            {
                var patch = RequestBodies.ParseJson(bytes);
                var type = bodyType switch
                {
                    KubeMediaTypes.MergePatch => PatchType.Merge,
                    KubeMediaTypes.JsonPatch => PatchType.Json,
                    _ => PatchType.StrategicMerge,
                };
                var patched = _cluster.Write(() => Store.Patch(resource, path.Namespace, path.Name!, type, patch, user, status));
                await WriteObjectAsync(context, 200, resource, patched).ConfigureAwait(false);
                return;
            }

            default:
                throw KubeException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: {KubeMediaTypes.JsonPatch}, {KubeMediaTypes.MergePatch}, {KubeMediaTypes.ApplyPatch}" + (custom ? string.Empty : $", {KubeMediaTypes.StrategicMergePatch}"));
        }
    }

    /// <summary>DeleteOptions from the body (kubectl sends <c>{"propagationPolicy":"Background"}</c>) and the query.</summary>
    private static async Task<DeleteOptions> DeleteOptionsOf(HttpContext context)
    {
        var bytes = await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var body = bytes.Length == 0 ? new JsonObject() : RequestBodies.ParseJson(bytes) as JsonObject ?? new JsonObject();

        // Decoded into metav1.DeleteOptions before anything reads it: a value of the wrong type is the decoder's
        // error, 400 as the API server answers it since its delete handler wraps it in NewBadRequest (handlers/delete.go
        // DeleteResource; before that change it reached scope.err unwrapped, a 500 with the same text).
        if (Podnet.Kube.Validation.GoJsonDecoder.FirstError(body, Podnet.Kube.Validation.GoTypes.DeleteOptions) is { } undecodable)
        {
            throw KubeException.BadRequest(undecodable);
        }

        var query = context.Request.Query;
        var policyText = body["propagationPolicy"]?.GetValue<string>() ?? query["propagationPolicy"].FirstOrDefault();
        PropagationPolicy? policy = policyText switch
        {
            null or "" => null,
            "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            _ => throw KubeException.BadRequest($"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{policyText}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""),
        };
        if (policy is null && (body["orphanDependents"]?.GetValue<bool>() ?? query["orphanDependents"].FirstOrDefault() == "true"))
        {
            policy = PropagationPolicy.Orphan;
        }

        long? grace = body["gracePeriodSeconds"] is JsonValue g ? g.GetValue<long>()
            : long.TryParse(query["gracePeriodSeconds"].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var q) ? q : null;
        var preconditions = body["preconditions"] as JsonObject;
        return new DeleteOptions(policy, grace, preconditions?["uid"]?.GetValue<string>(), preconditions?["resourceVersion"]?.GetValue<string>());
    }

    private async Task DeleteAsync(HttpContext context, ApiPath path, RequestContext user)
    {
        var options = await DeleteOptionsOf(context).ConfigureAwait(false);
        var before = Store.Get(path.Resource, path.Namespace, path.Name!);
        var after = _cluster.Write(() => Store.Delete(path.Resource, path.Namespace, path.Name!, options, user));
        if (after is null || user.DryRun)
        {
            await (after is null
                ? HttpAnswers.JsonAsync(context, 200, StatusResponses.Deleted(path.Resource, path.Name!, before.Uid))
                : HttpAnswers.RawJsonAsync(context, 200, after.ToJsonString())).ConfigureAwait(false);
            return;
        }

        // Still there: terminating (finalizers, a pod's grace period). The API server answers 202 for an object whose
        // deletion is still going on and 200 otherwise; kubectl treats both alike.
        await WriteObjectAsync(context, 200, path.Resource, after).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ApiPath path, RequestContext user)
    {
        var options = await DeleteOptionsOf(context).ConfigureAwait(false);
        var (labels, fields) = Selectors(context.Request.Query);
        var list = Store.List(path.Resource, path.Namespace, labels, fields);
        var gone = _cluster.Write(() =>
        {
            var deleted = new List<KubeObject>();
            foreach (var obj in list.Items)
            {
                try
                {
                    Store.Delete(path.Resource, obj.Namespace, obj.Name, options, user);
                    deleted.Add(obj);
                }
                catch (KubeException e) when (e.Code == 404)
                {
                    // Deleted meanwhile (by garbage collection of an earlier item).
                }
            }

            return deleted;
        });
        await HttpAnswers.ListAsync(context, path.Resource.Kind + "List", path.Resource.ApiVersion, Store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture), gone).ConfigureAwait(false);
    }

    /// <summary>The scale subresource (autoscaling/v1 Scale) of a Deployment, ReplicaSet or StatefulSet.</summary>
    private async Task ScaleAsync(HttpContext context, ApiPath path, RequestContext user)
    {
        if (path.Name is null)
        {
            throw StatusResponses.PathNotFound();
        }

        JsonObject ScaleOf(KubeObject parent) => new()
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = parent.Name,
                ["namespace"] = parent.Namespace,
                ["uid"] = parent.Uid,
                ["resourceVersion"] = parent.ResourceVersion,
                ["creationTimestamp"] = parent.GetString("metadata.creationTimestamp"),
            },
            ["spec"] = new JsonObject { ["replicas"] = parent["spec.replicas"] ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = parent["status.replicas"] ?? 0,
                ["selector"] = LabelSelector.FromLabelSelector(parent["spec.selector"]).ToString(),
            },
        };

        var method = context.Request.Method;
        if (method == HttpMethods.Get)
        {
            await HttpAnswers.JsonAsync(context, 200, ScaleOf(Store.Get(path.Resource, path.Namespace, path.Name))).ConfigureAwait(false);
            return;
        }

        if (method != HttpMethods.Put && method != HttpMethods.Patch)
        {
            throw StatusResponses.MethodNotSupported(method, path.Resource.Plural + "/scale");
        }

        var bodyType = KubeMediaTypes.BodyType(context.Request);
        var bytes = await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var patch = RequestBodies.ParseJson(bytes);
        if (method == HttpMethods.Put && Podnet.Kube.Validation.GoJsonDecoder.FirstError(patch, Podnet.Kube.Validation.GoTypes.Scale) is { } undecodable)
        {
            // The update handler's transformDecodeError (handlers/update.go → create.go).
            throw KubeException.BadRequest($"Scale in version \"v1\" cannot be handled as a Scale: {undecodable}");
        }

        var scaled = _cluster.Write(() =>
        {
            var parent = Store.Get(path.Resource, path.Namespace, path.Name);
            var scale = ScaleOf(parent);
            JsonNode? next = method == HttpMethods.Put ? patch : bodyType switch
            {
                KubeMediaTypes.JsonPatch => Podnet.Kube.Patching.JsonPatch.Apply(scale, patch as JsonArray ?? throw KubeException.BadRequest("a JSON patch must be an array of operations")),
                _ => Podnet.Kube.Patching.JsonMergePatch.Apply(scale, patch),
            };
            // An int32, as the Scale type's field is (a long JsonValue would not read back as one).
            // What a patch made may be anything (a merge patch of a string replaces the whole document): only an
            // object's spec.replicas is read.
            var replicas = next is JsonObject { } made && made["spec"] is JsonObject spec && spec["replicas"] is JsonValue r && r.TryGetValue<long>(out var n) && n is >= 0 and <= int.MaxValue
                ? (int)n
                : throw KubeException.BadRequest("spec.replicas: a whole number between 0 and 2147483647 is required");
            if (next is JsonObject { } put && put["metadata"] is JsonObject metadata && metadata["resourceVersion"] is JsonValue rv && rv.ToString() != parent.ResourceVersion && method == HttpMethods.Put)
            {
                throw KubeException.Conflict(path.Resource, path.Name);
            }

            return ScaleOf(Store.Patch(path.Resource, path.Namespace, path.Name, PatchType.Merge, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, user));
        });
        await HttpAnswers.JsonAsync(context, 200, scaled).ConfigureAwait(false);
    }

    /// <summary>
    /// pods/eviction: the pod is deleted as the Eviction's DeleteOptions say, unless its PodDisruptionBudget allows no
    /// disruption (429, which <c>kubectl drain</c> retries every 5 seconds: <see cref="ObjectStore.Evict"/>).
    /// </summary>
    private async Task EvictAsync(HttpContext context, ApiPath path, RequestContext user)
    {
        var body = RequestBodies.ParseJson(await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false)) as JsonObject ?? new JsonObject();
        if (Podnet.Kube.Validation.GoJsonDecoder.FirstError(body, Podnet.Kube.Validation.GoTypes.Eviction) is { } undecodable)
        {
            // The create handler's transformDecodeError (handlers/create.go).
            throw KubeException.BadRequest($"Eviction in version \"v1\" cannot be handled as a Eviction: {undecodable}");
        }

        var grace = body["deleteOptions"]?["gracePeriodSeconds"] is JsonValue g ? g.GetValue<long>() : (long?)null;
        _cluster.Write(() => Store.Evict(path.Resource, path.Namespace ?? "default", path.Name!, new DeleteOptions(GracePeriodSeconds: grace), user));
        await HttpAnswers.JsonAsync(context, 201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 }).ConfigureAwait(false);
    }

    /// <summary>
    /// pods/log: the container's log — aws-node's entrypoint lines (<see cref="Podnet.Cni.AwsNodeContainerLog"/>); the
    /// other emulated containers write nothing. The errors for a container that is not there or not started are the
    /// kubelet's.
    /// </summary>
    private async Task LogAsync(HttpContext context, ApiPath path)
    {
        var pod = Store.Get(path.Resource, path.Namespace, path.Name!);
        var containers = (pod["spec.containers"] as JsonArray ?? []).Concat(pod["spec.initContainers"] as JsonArray ?? [])
            .Select(c => c?["name"]?.GetValue<string>()).OfType<string>().ToList();
        var container = context.Request.Query["container"].FirstOrDefault();
        if (string.IsNullOrEmpty(container))
        {
            if ((pod["spec.containers"] as JsonArray)?.Count > 1)
            {
                throw KubeException.BadRequest($"a container name must be specified for pod {pod.Name}, choose one of: [{string.Join(" ", (pod["spec.containers"] as JsonArray)!.Select(c => c?["name"]?.GetValue<string>()))}]");
            }

            container = containers.FirstOrDefault();
        }

        if (container is null || !containers.Contains(container))
        {
            throw KubeException.BadRequest($"container {container} is not valid for pod {pod.Name}");
        }

        var state = (pod["status.containerStatuses"] as JsonArray ?? []).Concat(pod["status.initContainerStatuses"] as JsonArray ?? [])
            .FirstOrDefault(s => s?["name"]?.GetValue<string>() == container)?["state"];
        if (state is null || state["waiting"] is JsonObject)
        {
            var reason = state?["waiting"]?["reason"]?.GetValue<string>() ?? "ContainerCreating";
            throw KubeException.BadRequest($"container \"{container}\" in pod \"{pod.Name}\" is waiting to start: {reason}");
        }

        // aws-node's entrypoint writes its lines; the other emulated containers write nothing.
        var log = container == Podnet.Cni.AwsNodeContainerLog.Container ? Podnet.Cni.AwsNodeContainerLog.For(pod) ?? string.Empty : string.Empty;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(log, context.RequestAborted).ConfigureAwait(false);
    }
}
