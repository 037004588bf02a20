namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for ObjectMeta and the label selectors every object and workload carries: field numbers from k8s.io/apimachinery pkg/apis/meta/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class MetaV1Messages
{
    /// <summary>k8s.io/apimachinery pkg/apis/meta/v1 generated.proto message LabelSelectorRequirement.</summary>
    internal static readonly ProtoMessage LabelSelectorRequirement = new("LabelSelectorRequirement",
    [
        new(1, "key", ProtoKind.String, Presence.Always),
        new(2, "operator", ProtoKind.String, Presence.Always),
        new(3, "values", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/apimachinery pkg/apis/meta/v1 generated.proto message LabelSelector.</summary>
    internal static readonly ProtoMessage LabelSelector = new("LabelSelector",
    [
        ProtoFields.StringMap(1, "matchLabels", Presence.OmitEmpty),
        new(2, "matchExpressions", LabelSelectorRequirement, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/apimachinery pkg/apis/meta/v1 generated.proto message OwnerReference.</summary>
    internal static readonly ProtoMessage OwnerReference = new("OwnerReference",
    [
        new(5, "apiVersion", ProtoKind.String, Presence.Always),
        new(1, "kind", ProtoKind.String, Presence.Always),
        new(3, "name", ProtoKind.String, Presence.Always),
        new(4, "uid", ProtoKind.String, Presence.Always),
        new(6, "controller", ProtoKind.Bool, Presence.Optional),
        new(7, "blockOwnerDeletion", ProtoKind.Bool, Presence.Optional),
    ]);

    /// <summary>k8s.io/apimachinery pkg/apis/meta/v1 generated.proto message ObjectMeta.</summary>
    internal static readonly ProtoMessage ObjectMeta = new("ObjectMeta",
    [
        new(1, "name", ProtoKind.String, Presence.OmitEmpty),
        new(2, "generateName", ProtoKind.String, Presence.OmitEmpty),
        new(3, "namespace", ProtoKind.String, Presence.OmitEmpty),
        new(4, "selfLink", ProtoKind.String, Presence.OmitEmpty),
        new(5, "uid", ProtoKind.String, Presence.OmitEmpty),
        new(6, "resourceVersion", ProtoKind.String, Presence.OmitEmpty),
        new(7, "generation", ProtoKind.Int64, Presence.OmitEmpty),
        new(8, "creationTimestamp", WellKnownMessages.Time, Presence.Always),
        new(9, "deletionTimestamp", WellKnownMessages.Time, Presence.Optional),
        new(10, "deletionGracePeriodSeconds", ProtoKind.Int64, Presence.Optional),
        ProtoFields.StringMap(11, "labels", Presence.OmitEmpty),
        ProtoFields.StringMap(12, "annotations", Presence.OmitEmpty),
        new(13, "ownerReferences", OwnerReference, Presence.OmitEmpty, Repeated: true),
        new(14, "finalizers", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
    ]);
}
