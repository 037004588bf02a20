namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for Deployment: field numbers from k8s.io/api apps/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class AppsV1Messages
{
    /// <summary>k8s.io/api apps/v1 generated.proto message RollingUpdateDeployment.</summary>
    internal static readonly ProtoMessage RollingUpdateDeployment = new("RollingUpdateDeployment",
    [
        new(1, "maxUnavailable", WellKnownMessages.IntOrString, Presence.Optional),
        new(2, "maxSurge", WellKnownMessages.IntOrString, Presence.Optional),
    ]);

    /// <summary>k8s.io/api apps/v1 generated.proto message DeploymentStrategy.</summary>
    internal static readonly ProtoMessage DeploymentStrategy = new("DeploymentStrategy",
    [
        new(1, "type", ProtoKind.String, Presence.OmitEmpty),
        new(2, "rollingUpdate", RollingUpdateDeployment, Presence.Optional),
    ]);

    /// <summary>k8s.io/api apps/v1 generated.proto message DeploymentSpec.</summary>
    internal static readonly ProtoMessage DeploymentSpec = new("DeploymentSpec",
    [
        new(1, "replicas", ProtoKind.Int32, Presence.Optional),
        new(2, "selector", MetaV1Messages.LabelSelector, Presence.Nullable),
        new(3, "template", CoreV1Messages.PodTemplateSpec, Presence.Always),
        new(4, "strategy", DeploymentStrategy, Presence.Always),
        new(5, "minReadySeconds", ProtoKind.Int32, Presence.OmitEmpty),
        new(6, "revisionHistoryLimit", ProtoKind.Int32, Presence.Optional),
        new(7, "paused", ProtoKind.Bool, Presence.OmitEmpty),
        new(9, "progressDeadlineSeconds", ProtoKind.Int32, Presence.Optional),
    ]);

    /// <summary>k8s.io/api apps/v1 generated.proto message DeploymentStatus.</summary>
    internal static readonly ProtoMessage DeploymentStatus = new("DeploymentStatus",
    [
        new(1, "observedGeneration", ProtoKind.Int64, Presence.OmitEmpty),
        new(2, "replicas", ProtoKind.Int32, Presence.OmitEmpty),
        new(3, "updatedReplicas", ProtoKind.Int32, Presence.OmitEmpty),
        new(7, "readyReplicas", ProtoKind.Int32, Presence.OmitEmpty),
        new(4, "availableReplicas", ProtoKind.Int32, Presence.OmitEmpty),
        new(5, "unavailableReplicas", ProtoKind.Int32, Presence.OmitEmpty),
        new(9, "terminatingReplicas", ProtoKind.Int32, Presence.Optional),
        new(8, "collisionCount", ProtoKind.Int32, Presence.Optional),
    ]);

    /// <summary>k8s.io/api apps/v1 generated.proto message Deployment.</summary>
    internal static readonly ProtoMessage Deployment = new("Deployment",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", DeploymentSpec, Presence.Always),
        new(3, "status", DeploymentStatus, Presence.Always),
    ]);
}
