using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Decodes a <c>Content-Type: application/vnd.kubernetes.protobuf</c> request body, which kubectl 1.32+ sends for
/// <c>kubectl create namespace|configmap|secret|serviceaccount|deployment|service|job|cronjob|role|rolebinding|clusterrole|
/// clusterrolebinding|quota|pdb|priorityclass|ingress|token</c>, into the JSON
/// object kubectl 1.31 would have sent for the same command (the recorded fixtures of KubeProtobufTests are the oracle).
/// </summary>
public static class KubeProtobuf
{
    /// <summary>The media type this decodes.</summary>
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    /// <summary>The key in <see cref="Exception.Data"/> of a 415 <see cref="KubeException"/> under which the unsupported kind or field is named, for logs.</summary>
    public const string DetailKey = "podnet.protobuf.detail";

    /// <summary>
    /// The 415 text of the API server (apimachinery runtime/serializer negotiation, errUnsupportedMediaType) for a body
    /// it cannot decode; Podnet accepts JSON and YAML for every kind, protobuf only for the kinds in <see cref="Kinds"/>.
    /// kubectl 1.32 does not retry a 415 as JSON (observed): it prints
    /// <c>Error from server (UnsupportedMediaType): the body of the request was in an unknown format - …</c> and exits 1.
    /// </summary>
    public const string UnsupportedMediaTypeMessage = "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml";

    /// <summary>
    /// The magic "k8s\0" before every protobuf-encoded object (apimachinery runtime/serializer/protobuf protoEncodingPrefix).
    /// </summary>
    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    private static readonly Dictionary<(string ApiVersion, string Kind), ProtoMessage> Tables = new()
    {
        [("v1", "Namespace")] = CoreV1Messages.Namespace,
        [("v1", "ConfigMap")] = CoreV1Messages.ConfigMap,
        [("v1", "Secret")] = CoreV1Messages.Secret,
        [("v1", "ServiceAccount")] = CoreV1Messages.ServiceAccount,
        [("v1", "Service")] = CoreV1Messages.Service,
        [("v1", "ResourceQuota")] = CoreV1Messages.ResourceQuota,
        [("apps/v1", "Deployment")] = AppsV1Messages.Deployment,
        [("batch/v1", "Job")] = BatchV1Messages.Job,
        [("batch/v1", "CronJob")] = BatchV1Messages.CronJob,
        [("rbac.authorization.k8s.io/v1", "Role")] = RbacV1Messages.Role,
        [("rbac.authorization.k8s.io/v1", "ClusterRole")] = RbacV1Messages.ClusterRole,
        [("rbac.authorization.k8s.io/v1", "RoleBinding")] = RbacV1Messages.RoleBinding,
        [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = RbacV1Messages.ClusterRoleBinding,
        [("policy/v1", "PodDisruptionBudget")] = PolicyV1Messages.PodDisruptionBudget,
        [("scheduling.k8s.io/v1", "PriorityClass")] = SchedulingV1Messages.PriorityClass,
        [("networking.k8s.io/v1", "Ingress")] = NetworkingV1Messages.Ingress,
        [("authentication.k8s.io/v1", "TokenRequest")] = AuthenticationV1Messages.TokenRequest,
    };

    /// <summary>The (apiVersion, kind) pairs <see cref="Decode"/> accepts.</summary>
    public static IReadOnlyCollection<(string ApiVersion, string Kind)> Kinds => Tables.Keys;

    /// <summary>
    /// The object in <paramref name="body"/>: <c>{"kind":…,"apiVersion":…,"metadata":{…},…}</c> with its fields in Go
    /// struct order and Go's encoding/json omitempty applied (so <c>"creationTimestamp":null</c>, <c>"spec":{}</c> and
    /// <c>"status":{}</c> appear as kubectl's JSON has them). The body is "k8s\0" + runtime.Unknown
    /// {1: TypeMeta{1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType} with raw the object's own message.
    /// </summary>
    /// <exception cref="KubeException">
    /// 400 BadRequest for a body that is not well-formed protobuf (no magic, truncated, wrong wire type, no kind);
    /// 415 UnsupportedMediaType with <see cref="UnsupportedMediaTypeMessage"/> for a kind not in <see cref="Kinds"/>
    /// or a field with content the tables do not describe (named in <see cref="Exception.Data"/>[<see cref="DetailKey"/>]).
    /// Never any other exception, whatever the bytes.
    /// </exception>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            // runtime/serializer/protobuf: fmt.Errorf("provided data does not appear to be a protobuf message, expected prefix %v", s.prefix)
            throw KubeException.BadRequest("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        }

        string apiVersion = "", kind = "";
        try
        {
            var unknown = ProtoDecoder.Decode(body[Magic.Length..], WellKnownMessages.Unknown, "");
            var typeMeta = unknown.Get<DecodedMessage?>(1, null);
            apiVersion = typeMeta?.Get(1, "") ?? "";
            kind = typeMeta?.Get(2, "") ?? "";
            if (kind.Length == 0 || apiVersion.Length == 0)
            {
                // runtime.NewMissingKindErr / NewMissingVersionErr, with the TypeMeta printed as Go's %#v does.
                var missing = kind.Length == 0 ? "Kind" : "apiVersion";
                throw KubeException.BadRequest($"Object '{missing}' is missing in 'v1.TypeMeta{{Kind:\"{kind}\", APIVersion:\"{apiVersion}\"}}'");
            }

            if (!Tables.TryGetValue((apiVersion, kind), out var table))
            {
                throw Unsupported($"no kind \"{kind}\" is registered for version \"{apiVersion}\" in Podnet's protobuf tables");
            }

            var obj = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
            var fields = (JsonObject)ProtoDecoder.Decode(unknown.Get(2, Array.Empty<byte>()), table, "").ToJson()!;
            foreach (var (name, value) in fields.ToList())
            {
                fields.Remove(name);
                obj[name] = value;
            }

            return obj;
        }
        catch (ProtobufFormatException e)
        {
            // The API server's transformDecodeError: `Namespace in version "v1" cannot be handled as a Namespace: unexpected EOF`.
            var version = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] : apiVersion;
            throw KubeException.BadRequest(kind.Length == 0 ? e.Message : $"{kind} in version \"{version}\" cannot be handled as a {kind}: {e.Message}");
        }
        catch (UnsupportedProtobufFieldException e)
        {
            throw Unsupported($"{kind} {e.Message}");
        }
    }

    private static KubeException Unsupported(string detail)
    {
        var error = KubeException.UnsupportedMediaType(UnsupportedMediaTypeMessage);
        error.Data[DetailKey] = detail;
        return error;
    }
}
