using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Server.Kube;

/// <summary>
/// The API server's audit log: one JSON line per write, an <c>audit.k8s.io/v1</c> Event at the Request level
/// (user, verb, object, the body or patch sent, the answer's code), for clients' writes and the controllers' alike,
/// as EKS's control plane logs them (<c>kube-apiserver-audit</c>). It answers questions such as seed 001's: who
/// patched the pod and the node — the webhook (inside the pod's create) or the resource controller (a patch of its
/// own). Reads are not logged. Timestamps are the cluster's clock.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TextWriter _writer;
    private readonly TimeProvider _clock;

    /// <param name="writer">Where the lines go (a file opened for append by <c>podnet up</c>).</param>
    /// <param name="clock">The cluster's clock.</param>
    public AuditLog(TextWriter writer, TimeProvider clock)
    {
        _writer = writer;
        _clock = clock;
    }

    /// <summary>Writes one record (thread-safe; each line is flushed).</summary>
    public void Write(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var line = Event(record, _clock.GetUtcNow(), Guid.NewGuid()).ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions);
        lock (_lock)
        {
            _writer.Write(line + "\n");
            _writer.Flush();
        }
    }

    /// <summary>The audit Event of <paramref name="record"/>.</summary>
    public static JsonObject Event(AuditRecord record, DateTimeOffset now, Guid id)
    {
        ArgumentNullException.ThrowIfNull(record);
        var resource = record.Resource;
        var user = record.Context.UserName;
        var groups = user.StartsWith("system:serviceaccount:", StringComparison.Ordinal)
            ? new JsonArray("system:serviceaccounts", "system:serviceaccounts:" + user.Split(':')[2], "system:authenticated")
            : user.StartsWith(RequestContext.NodeUserPrefix, StringComparison.Ordinal) ? new JsonArray("system:nodes", "system:authenticated")
            : new JsonArray("system:masters", "system:authenticated");
        var objectRef = new JsonObject { ["resource"] = resource.Plural };
        if (record.Namespace is not null)
        {
            objectRef["namespace"] = record.Namespace;
        }

        if (record.Name is not null)
        {
            objectRef["name"] = record.Name;
        }

        objectRef["apiGroup"] = resource.Group;
        objectRef["apiVersion"] = resource.Version;
        if (record.Subresource is not null)
        {
            objectRef["subresource"] = record.Subresource;
        }

        var status = new JsonObject { ["metadata"] = new JsonObject(), ["code"] = record.Code };
        if (record.Message is not null)
        {
            status["status"] = "Failure";
            status["message"] = record.Message;
        }

        var micro = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        var audit = new JsonObject
        {
            ["kind"] = "Event",
            ["apiVersion"] = "audit.k8s.io/v1",
            ["level"] = "Request",
            ["auditID"] = id.ToString(),
            ["stage"] = "ResponseComplete",
            ["requestURI"] = record.Context.RequestUri ?? RequestUri(record),
            ["verb"] = record.Verb,
            ["user"] = new JsonObject { ["username"] = user, ["groups"] = groups },
            ["sourceIPs"] = new JsonArray("127.0.0.1"),
            ["userAgent"] = record.Context.UserAgent ?? "podnet/" + ComponentOf(user),
            ["objectRef"] = objectRef,
            ["responseStatus"] = status,
            ["requestObject"] = record.RequestObject?.DeepClone(),
            ["requestReceivedTimestamp"] = micro,
            ["stageTimestamp"] = micro,
        };
        if (record.Context.DryRun)
        {
            audit["annotations"] = new JsonObject { ["podnet.dev/dry-run"] = "true" };
        }

        return audit;
    }

    /// <summary>The REST path a write made in process would have used (a controller is a client of the API server).</summary>
    private static string RequestUri(AuditRecord record)
    {
        var r = record.Resource;
        var path = (r.Group.Length == 0 ? "/api/" + r.Version : $"/apis/{r.Group}/{r.Version}")
                   + (record.Namespace is null ? string.Empty : "/namespaces/" + record.Namespace)
                   + "/" + r.Plural;
        if (record.Verb != "create" && record.Name is not null)
        {
            path += "/" + record.Name + (record.Subresource is null ? string.Empty : "/" + record.Subresource);
        }

        return path;
    }

    /// <summary>The component a user of the control plane is: a service account's name, or the kubelet for a node's user.</summary>
    private static string ComponentOf(string user)
        => user.StartsWith(RequestContext.NodeUserPrefix, StringComparison.Ordinal) ? "kubelet" : user[(user.LastIndexOf(':') + 1)..];

    public void Dispose() => _writer.Dispose();
}
