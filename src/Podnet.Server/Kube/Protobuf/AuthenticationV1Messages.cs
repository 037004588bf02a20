namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for TokenRequest (the serviceaccounts/token subresource body of kubectl create token): field numbers from k8s.io/api authentication/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class AuthenticationV1Messages
{
    /// <summary>k8s.io/api authentication/v1 generated.proto message BoundObjectReference.</summary>
    internal static readonly ProtoMessage BoundObjectReference = new("BoundObjectReference",
    [
        new(1, "kind", ProtoKind.String, Presence.OmitEmpty),
        new(2, "apiVersion", ProtoKind.String, Presence.OmitEmpty),
        new(3, "name", ProtoKind.String, Presence.OmitEmpty),
        new(4, "uid", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api authentication/v1 generated.proto message TokenRequestSpec.</summary>
    internal static readonly ProtoMessage TokenRequestSpec = new("TokenRequestSpec",
    [
        new(1, "audiences", ProtoKind.String, Presence.Always, Repeated: true),
        new(4, "expirationSeconds", ProtoKind.Int64, Presence.Nullable),
        new(3, "boundObjectRef", BoundObjectReference, Presence.Nullable),
    ]);

    /// <summary>k8s.io/api authentication/v1 generated.proto message TokenRequestStatus.</summary>
    internal static readonly ProtoMessage TokenRequestStatus = new("TokenRequestStatus",
    [
        new(1, "token", ProtoKind.String, Presence.Always),
        new(2, "expirationTimestamp", WellKnownMessages.Time, Presence.Always),
    ]);

    /// <summary>k8s.io/api authentication/v1 generated.proto message TokenRequest.</summary>
    internal static readonly ProtoMessage TokenRequest = new("TokenRequest",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", TokenRequestSpec, Presence.Always),
        new(3, "status", TokenRequestStatus, Presence.Always),
    ]);
}
