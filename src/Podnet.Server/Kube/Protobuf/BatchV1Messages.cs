namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for Job and CronJob: field numbers from k8s.io/api batch/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class BatchV1Messages
{
    /// <summary>k8s.io/api batch/v1 generated.proto message JobSpec.</summary>
    internal static readonly ProtoMessage JobSpec = new("JobSpec",
    [
        new(1, "parallelism", ProtoKind.Int32, Presence.Optional),
        new(2, "completions", ProtoKind.Int32, Presence.Optional),
        new(3, "activeDeadlineSeconds", ProtoKind.Int64, Presence.Optional),
        new(7, "backoffLimit", ProtoKind.Int32, Presence.Optional),
        new(12, "backoffLimitPerIndex", ProtoKind.Int32, Presence.Optional),
        new(13, "maxFailedIndexes", ProtoKind.Int32, Presence.Optional),
        new(4, "selector", MetaV1Messages.LabelSelector, Presence.Optional),
        new(5, "manualSelector", ProtoKind.Bool, Presence.Optional),
        new(6, "template", CoreV1Messages.PodTemplateSpec, Presence.Always),
        new(8, "ttlSecondsAfterFinished", ProtoKind.Int32, Presence.Optional),
        new(9, "completionMode", ProtoKind.String, Presence.Optional),
        new(10, "suspend", ProtoKind.Bool, Presence.Optional),
        new(14, "podReplacementPolicy", ProtoKind.String, Presence.Optional),
        new(15, "managedBy", ProtoKind.String, Presence.Optional),
    ]);

    /// <summary>k8s.io/api batch/v1 generated.proto message JobStatus.</summary>
    internal static readonly ProtoMessage JobStatus = new("JobStatus",
    [
        new(2, "startTime", WellKnownMessages.Time, Presence.Optional),
        new(3, "completionTime", WellKnownMessages.Time, Presence.Optional),
        new(4, "active", ProtoKind.Int32, Presence.OmitEmpty),
        new(5, "succeeded", ProtoKind.Int32, Presence.OmitEmpty),
        new(6, "failed", ProtoKind.Int32, Presence.OmitEmpty),
        new(11, "terminating", ProtoKind.Int32, Presence.Optional),
        new(7, "completedIndexes", ProtoKind.String, Presence.OmitEmpty),
        new(10, "failedIndexes", ProtoKind.String, Presence.Optional),
        new(9, "ready", ProtoKind.Int32, Presence.Optional),
    ]);

    /// <summary>k8s.io/api batch/v1 generated.proto message Job.</summary>
    internal static readonly ProtoMessage Job = new("Job",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", JobSpec, Presence.Always),
        new(3, "status", JobStatus, Presence.Always),
    ]);

    /// <summary>k8s.io/api batch/v1 generated.proto message JobTemplateSpec.</summary>
    internal static readonly ProtoMessage JobTemplateSpec = new("JobTemplateSpec",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", JobSpec, Presence.Always),
    ]);

    /// <summary>k8s.io/api batch/v1 generated.proto message CronJobSpec.</summary>
    internal static readonly ProtoMessage CronJobSpec = new("CronJobSpec",
    [
        new(1, "schedule", ProtoKind.String, Presence.Always),
        new(8, "timeZone", ProtoKind.String, Presence.Optional),
        new(2, "startingDeadlineSeconds", ProtoKind.Int64, Presence.Optional),
        new(3, "concurrencyPolicy", ProtoKind.String, Presence.OmitEmpty),
        new(4, "suspend", ProtoKind.Bool, Presence.Optional),
        new(5, "jobTemplate", JobTemplateSpec, Presence.Always),
        new(6, "successfulJobsHistoryLimit", ProtoKind.Int32, Presence.Optional),
        new(7, "failedJobsHistoryLimit", ProtoKind.Int32, Presence.Optional),
    ]);

    /// <summary>k8s.io/api batch/v1 generated.proto message CronJobStatus.</summary>
    internal static readonly ProtoMessage CronJobStatus = new("CronJobStatus",
    [
        new(1, "active", CoreV1Messages.ObjectReference, Presence.OmitEmpty, Repeated: true),
        new(4, "lastScheduleTime", WellKnownMessages.Time, Presence.Optional),
        new(5, "lastSuccessfulTime", WellKnownMessages.Time, Presence.Optional),
    ]);

    /// <summary>k8s.io/api batch/v1 generated.proto message CronJob.</summary>
    internal static readonly ProtoMessage CronJob = new("CronJob",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", CronJobSpec, Presence.Always),
        new(3, "status", CronJobStatus, Presence.Always),
    ]);
}
