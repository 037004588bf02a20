using System.Text.Json.Nodes;
using Podnet.Kube.Views;

namespace Podnet.Fargate;

/// <summary>
/// What of a pod's spec Fargate cannot run, as the fargate-scheduler says it in its <c>FailedScheduling</c> event
/// (Warning, from <c>fargate-scheduler</c>) before it provisions anything; the pod then stays Pending (the scheduler
/// looks once: aws/containers-roadmap#2654). The texts and their order are those users report, e.g.
/// "Pod not supported on Fargate: fields not supported: HostNetwork, invalid SecurityContext fields: Privileged, port
/// contains HostIP or HostPort" (aws/containers-roadmap#1517, kubernetes-sigs/aws-efs-csi-driver#589) and
/// "Pod not supported on Fargate: invalid SecurityContext fields: Privileged" (freegroup/kube-s3#14). The EKS user
/// guide's Fargate considerations: "Privileged containers aren't supported on Fargate", "Pods running on Fargate can't
/// specify HostPort or HostNetwork in the Pod manifest". DaemonSet pods never reach the scheduler
/// (<see cref="FargateProfileWebhook"/>); pods too large for Fargate are <see cref="FargateCapacity"/>'s concern.
/// </summary>
public static class FargatePodSupport
{
    /// <summary>The event's reason.</summary>
    public const string Reason = "FailedScheduling";

    /// <summary>What every refusal's message begins with.</summary>
    public const string Prefix = "Pod not supported on Fargate: ";

    /// <summary>The event message for <paramref name="pod"/> (<see cref="Prefix"/> and each refused part, comma-separated), or null when Fargate can run it.</summary>
    public static string? Refusal(PodView pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var containers = pod.InitContainers.Concat(pod.Containers).ToList();
        var parts = new List<string>();
        if (pod.HostNetwork)
        {
            parts.Add("fields not supported: HostNetwork");
        }

        if (containers.Any(c => c["securityContext"]?["privileged"] is JsonValue v && v.TryGetValue<bool>(out var privileged) && privileged))
        {
            parts.Add("invalid SecurityContext fields: Privileged");
        }

        if (containers.SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>()).Any(HasHostPortOrIp))
        {
            parts.Add("port contains HostIP or HostPort");
        }

        return parts.Count == 0 ? null : Prefix + string.Join(", ", parts);
    }

    private static bool HasHostPortOrIp(JsonObject port)
        => (port["hostPort"] is JsonValue hostPort && hostPort.TryGetValue<int>(out var p) && p != 0)
           || (port["hostIP"] is JsonValue hostIp && hostIp.TryGetValue<string>(out var ip) && ip.Length > 0);
}
