namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for PodDisruptionBudget: field numbers from k8s.io/api policy/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class PolicyV1Messages
{
    /// <summary>k8s.io/api policy/v1 generated.proto message PodDisruptionBudgetSpec.</summary>
    internal static readonly ProtoMessage PodDisruptionBudgetSpec = new("PodDisruptionBudgetSpec",
    [
        new(1, "minAvailable", WellKnownMessages.IntOrString, Presence.Optional),
        new(2, "selector", MetaV1Messages.LabelSelector, Presence.Optional),
        new(3, "maxUnavailable", WellKnownMessages.IntOrString, Presence.Optional),
        new(4, "unhealthyPodEvictionPolicy", ProtoKind.String, Presence.Optional),
    ]);

    /// <summary>k8s.io/api policy/v1 generated.proto message PodDisruptionBudgetStatus.</summary>
    internal static readonly ProtoMessage PodDisruptionBudgetStatus = new("PodDisruptionBudgetStatus",
    [
        new(1, "observedGeneration", ProtoKind.Int64, Presence.OmitEmpty),
        ProtoFields.TimeMap(2, "disruptedPods", Presence.OmitEmpty),
        new(3, "disruptionsAllowed", ProtoKind.Int32, Presence.Always),
        new(4, "currentHealthy", ProtoKind.Int32, Presence.Always),
        new(5, "desiredHealthy", ProtoKind.Int32, Presence.Always),
        new(6, "expectedPods", ProtoKind.Int32, Presence.Always),
    ]);

    /// <summary>k8s.io/api policy/v1 generated.proto message PodDisruptionBudget.</summary>
    internal static readonly ProtoMessage PodDisruptionBudget = new("PodDisruptionBudget",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", PodDisruptionBudgetSpec, Presence.Always),
        new(3, "status", PodDisruptionBudgetStatus, Presence.Always),
    ]);
}
