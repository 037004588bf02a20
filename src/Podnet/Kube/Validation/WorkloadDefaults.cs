using System.Text.Json.Nodes;

namespace Podnet.Kube.Validation;

/// <summary>The apps/v1 spec defaults (SetDefaults_Deployment, SetDefaults_ReplicaSet, SetDefaults_DaemonSet).</summary>
public static class WorkloadDefaults
{
    /// <summary>One replica, ten revisions kept, a 600 s progress deadline, a 25 %/25 % rolling update.</summary>
    public static void Deployment(JsonObject spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        spec["strategy"] ??= new JsonObject
        {
            ["type"] = "RollingUpdate",
            ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
        };
    }

    /// <summary>One replica.</summary>
    public static void ReplicaSet(JsonObject spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec["replicas"] ??= 1;
    }

    /// <summary>Ten revisions kept, a rolling update of one node at a time.</summary>
    public static void DaemonSet(JsonObject spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec["revisionHistoryLimit"] ??= 10;
        spec["updateStrategy"] ??= new JsonObject
        {
            ["type"] = "RollingUpdate",
            ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 },
        };
    }
}
