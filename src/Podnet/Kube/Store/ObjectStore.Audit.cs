using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

/// <summary>
/// One write the API server handled, as its audit log records it (k8s.io/apiserver pkg/apis/audit Event, at the
/// Request level): who, which verb on which object, what was sent, and the answer's code. Controllers' writes are
/// audited like a client's, with their service account as the user.
/// </summary>
/// <param name="Verb">create, update, patch or delete.</param>
/// <param name="Resource">The kind written.</param>
/// <param name="Namespace">The object's namespace, or null.</param>
/// <param name="Name">The object's name (null for a create with generateName that failed).</param>
/// <param name="Subresource">status, or null.</param>
/// <param name="Context">The user and request (user agent, URI) as the request came.</param>
/// <param name="RequestObject">The body: the object, or the patch.</param>
/// <param name="Code">The HTTP status of the answer (200, 201, 404, 409, 422 …).</param>
/// <param name="Message">The failure's message; null on success.</param>
public sealed record AuditRecord(string Verb, KubeResource Resource, string? Namespace, string? Name, string? Subresource, RequestContext Context, JsonNode? RequestObject, int Code, string? Message);

public sealed partial class ObjectStore
{
    /// <summary>Called with every write after it is answered (a dry run included); null keeps no audit.</summary>
    public Action<AuditRecord>? Audited { get; set; }

    /// <summary>
    /// Runs a write (<paramref name="write"/> of this store and <paramref name="state"/>) and records it with
    /// <see cref="Audited"/>, when set, answered or refused. The write is a static delegate over its arguments as a value:
    /// a closure over them was made by every write, audited or not.
    /// </summary>
    private T Audit<TState, T>(string verb, KubeResource resource, string? @namespace, string? name, string? subresource, RequestContext context, JsonNode? request, TState state, Func<ObjectStore, TState, T> write)
    {
        if (Audited is not { } audited)
        {
            return write(this, state);
        }

        var ns = resource.Namespaced ? @namespace ?? "default" : null;
        try
        {
            var result = write(this, state);
            var written = result as KubeObject;
            audited(new AuditRecord(verb, resource, ns, written?.Name ?? name, subresource, context, request, verb == "create" ? 201 : 200, null));
            return result;
        }
        catch (KubeException e)
        {
            audited(new AuditRecord(verb, resource, ns, name, subresource, context, request, e.Code, e.Message));
            throw;
        }
    }
}
