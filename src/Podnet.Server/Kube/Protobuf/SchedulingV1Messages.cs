namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for PriorityClass: field numbers from k8s.io/api scheduling/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class SchedulingV1Messages
{
    /// <summary>k8s.io/api scheduling/v1 generated.proto message PriorityClass.</summary>
    internal static readonly ProtoMessage PriorityClass = new("PriorityClass",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "value", ProtoKind.Int32, Presence.Always),
        new(3, "globalDefault", ProtoKind.Bool, Presence.OmitEmpty),
        new(4, "description", ProtoKind.String, Presence.OmitEmpty),
        new(5, "preemptionPolicy", ProtoKind.String, Presence.Optional),
    ]);
}
