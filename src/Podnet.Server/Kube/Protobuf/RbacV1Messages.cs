namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for Role, ClusterRole, RoleBinding, ClusterRoleBinding: field numbers from k8s.io/api rbac/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class RbacV1Messages
{
    /// <summary>k8s.io/api rbac/v1 generated.proto message PolicyRule.</summary>
    internal static readonly ProtoMessage PolicyRule = new("PolicyRule",
    [
        new(1, "verbs", ProtoKind.String, Presence.Always, Repeated: true),
        new(2, "apiGroups", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(3, "resources", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(4, "resourceNames", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(5, "nonResourceURLs", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api rbac/v1 generated.proto message AggregationRule.</summary>
    internal static readonly ProtoMessage AggregationRule = new("AggregationRule",
    [
        new(1, "clusterRoleSelectors", MetaV1Messages.LabelSelector, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api rbac/v1 generated.proto message Role.</summary>
    internal static readonly ProtoMessage Role = new("Role",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "rules", PolicyRule, Presence.Always, Repeated: true),
    ]);

    /// <summary>k8s.io/api rbac/v1 generated.proto message ClusterRole.</summary>
    internal static readonly ProtoMessage ClusterRole = new("ClusterRole",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "rules", PolicyRule, Presence.Always, Repeated: true),
        new(3, "aggregationRule", AggregationRule, Presence.Optional),
    ]);

    /// <summary>k8s.io/api rbac/v1 generated.proto message Subject.</summary>
    internal static readonly ProtoMessage Subject = new("Subject",
    [
        new(1, "kind", ProtoKind.String, Presence.Always),
        new(2, "apiGroup", ProtoKind.String, Presence.OmitEmpty),
        new(3, "name", ProtoKind.String, Presence.Always),
        new(4, "namespace", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api rbac/v1 generated.proto message RoleRef.</summary>
    internal static readonly ProtoMessage RoleRef = new("RoleRef",
    [
        new(1, "apiGroup", ProtoKind.String, Presence.Always),
        new(2, "kind", ProtoKind.String, Presence.Always),
        new(3, "name", ProtoKind.String, Presence.Always),
    ]);

    /// <summary>k8s.io/api rbac/v1 generated.proto message RoleBinding.</summary>
    internal static readonly ProtoMessage RoleBinding = new("RoleBinding",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "subjects", Subject, Presence.OmitEmpty, Repeated: true),
        new(3, "roleRef", RoleRef, Presence.Always),
    ]);

    /// <summary>k8s.io/api rbac/v1 generated.proto message ClusterRoleBinding.</summary>
    internal static readonly ProtoMessage ClusterRoleBinding = new("ClusterRoleBinding",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "subjects", Subject, Presence.OmitEmpty, Repeated: true),
        new(3, "roleRef", RoleRef, Presence.Always),
    ]);
}
