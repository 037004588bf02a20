using System.Text.Json.Nodes;

namespace Podnet.Kube.Api;

/// <summary>
/// A pod's <c>status.conditions</c> as the control plane writes them (pkg/api/v1/pod util.go UpdatePodCondition).
/// </summary>
public static class PodConditions
{
    /// <summary>
    /// The reason of a <c>PodScheduled</c> condition that is False because no node fits the pod
    /// (core/v1 <c>PodReasonUnschedulable</c>).
    /// </summary>
    public const string UnschedulableReason = "Unschedulable";

    /// <summary>
    /// Replaces the pod's <c>PodScheduled</c> condition: <c>{type, status, lastProbeTime: null, lastTransitionTime,
    /// reason?, message?}</c>, as the scheduler (Unschedulable) and a binding (True) write it.
    /// </summary>
    /// <param name="pod">The pod's JSON, changed in place.</param>
    /// <param name="status"><c>True</c> or <c>False</c>.</param>
    /// <param name="reason">The reason (e.g. <c>Unschedulable</c>), or null for none.</param>
    /// <param name="message">The message, written with a reason.</param>
    /// <param name="now">The transition time, RFC 3339.</param>
    public static void SetScheduled(JsonObject pod, string status, string? reason, string? message, string now)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod["status"] is not JsonObject statusJson)
        {
            statusJson = [];
            pod["status"] = statusJson;
        }

        if (statusJson["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            statusJson["conditions"] = conditions;
        }

        for (var i = conditions.Count - 1; i >= 0; i--)
        {
            if (conditions[i] is JsonObject { } old && old["type"] is JsonValue type && type.TryGetValue<string>(out var name) && name == "PodScheduled")
            {
                conditions.RemoveAt(i);
            }
        }

        var condition = new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = status,
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = now,
        };
        if (reason is not null)
        {
            condition["reason"] = reason;
            condition["message"] = message;
        }

        conditions.Add(condition);
    }
}
