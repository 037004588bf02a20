using System.Text.Json.Nodes;
using Podnet.Kube.Nodes.Probes;

namespace Podnet.Kube.Validation;

/// <summary>
/// core/v1 SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Probe and SetDefaults_ObjectFieldSelector as the API server applies them to pods and pod templates,
/// with the ServiceAccount and DefaultTolerationSeconds admission plugins' additions, and the QoS class it records.
/// </summary>
public static class PodSpecDefaults
{
    /// <summary>A pod's grace period in seconds when nothing set one (core/v1 <c>DefaultTerminationGracePeriodSeconds</c>).</summary>
    public const int DefaultTerminationGracePeriodSeconds = 30;

    /// <summary>PodSpec defaults as the API server fills them, plus the ServiceAccount and DefaultTolerationSeconds plugins.</summary>
    public static void Apply(JsonObject spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= DefaultTerminationGracePeriodSeconds;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["schedulerName"] ??= "default-scheduler";
        spec["securityContext"] ??= new JsonObject();
        spec["enableServiceLinks"] ??= true;
        spec["priority"] ??= 0;
        spec["preemptionPolicy"] ??= "PreemptLowerPriority";
        spec["serviceAccountName"] ??= spec["serviceAccount"]?.DeepClone() ?? "default";
        spec["serviceAccount"] ??= spec["serviceAccountName"]!.DeepClone();
        foreach (var list in new[] { "initContainers", "containers" })
        {
            foreach (var container in (spec[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                DefaultContainer(container);
            }
        }

        var tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (var key in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            var tolerated = tolerations.OfType<JsonObject>().Any(t =>
                (t["key"]?.GetValue<string>() == key || (t["key"] is null && t["operator"]?.GetValue<string>() == "Exists"))
                && (t["effect"] is null || t["effect"]!.GetValue<string>() == "NoExecute"));
            if (!tolerated)
            {
                tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
            }
        }

        spec["tolerations"] = tolerations;
    }

    /// <summary>
    /// core/v1 <c>SetDefaults_Pod</c>'s <c>defaultHostNetworkPorts</c>: in a pod with <c>spec.hostNetwork: true</c>, each
    /// port of its containers and init containers whose <c>hostPort</c> is unset or 0 gets its <c>containerPort</c>.
    /// Since Kubernetes v1.28 this is done to Pods only, not to the pod templates of workloads (it moved from
    /// <c>SetDefaults_PodSpec</c>, kept there only behind the deprecated, default-off feature gate
    /// <c>DefaultHostNetworkHostPortsInPodTemplates</c>), so <see cref="Apply"/> does not do it.
    /// </summary>
    public static void ApplyPodOnly(JsonObject spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec["hostNetwork"] is not JsonValue hostNetwork || !hostNetwork.TryGetValue<bool>(out var on) || !on)
        {
            return;
        }

        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var port in (spec[list] as JsonArray ?? []).OfType<JsonObject>().SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>()))
            {
                if ((JsonText.Integer(port["hostPort"]) ?? 0) == 0 && port["containerPort"] is JsonValue containerPort)
                {
                    port["hostPort"] = containerPort.DeepClone();
                }
            }
        }
    }

    private static void DefaultContainer(JsonObject container)
    {
        var image = container["image"]?.GetValue<string>() ?? string.Empty;
        var tag = image.Contains('@', StringComparison.Ordinal) ? "digest" : image[(image.LastIndexOf('/') + 1)..].Split(':') is [_, var t] ? t : "latest";
        container["imagePullPolicy"] ??= tag == "latest" ? "Always" : "IfNotPresent";
        container["terminationMessagePath"] ??= "/dev/termination-log";
        container["terminationMessagePolicy"] ??= "File";
        container["resources"] ??= new JsonObject();
        foreach (var type in new[] { ProbeType.Startup, ProbeType.Liveness, ProbeType.Readiness })
        {
            if (container[type.Field()] is JsonObject probe)
            {
                ProbeSpec.ApplyDefaults(probe);
            }
        }

        foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
        }

        // SetDefaults_ObjectFieldSelector: a downward-API field's apiVersion is v1 (kubectl describe: "(v1:spec.nodeName)").
        foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (env["valueFrom"]?["fieldRef"] is JsonObject fieldRef)
            {
                fieldRef["apiVersion"] ??= "v1";
            }
        }
    }

    /// <summary>The pod's QoS class (qos.GetPodQOS): BestEffort, Guaranteed or Burstable.</summary>
    public static string QosClass(JsonObject spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var containers = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var requestsOrLimits = containers.Select(c => (Requests: c["resources"]?["requests"] as JsonObject, Limits: c["resources"]?["limits"] as JsonObject)).ToList();
        if (requestsOrLimits.TrueForAll(r => (r.Requests is null || r.Requests.Count == 0) && (r.Limits is null || r.Limits.Count == 0)))
        {
            return "BestEffort";
        }

        var guaranteed = requestsOrLimits.TrueForAll(r =>
            r.Limits?["cpu"] is not null && r.Limits["memory"] is not null
            && (r.Requests is null || ((r.Requests["cpu"] is null || JsonNode.DeepEquals(r.Requests["cpu"], r.Limits["cpu"])) && (r.Requests["memory"] is null || JsonNode.DeepEquals(r.Requests["memory"], r.Limits["memory"])))));
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
