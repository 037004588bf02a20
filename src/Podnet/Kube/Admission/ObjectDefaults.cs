using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Admission;

/// <summary>
/// The API server's defaulting and the built-in mutating plugins that matter for networking: namespace name
/// label, pod and container defaults, the ServiceAccount plugin, default tolerations, workload defaults and
/// NetworkPolicy policyTypes.
/// </summary>
public sealed class ObjectDefaults : IAdmissionPlugin
{
    public KubeObject? Mutate(AdmissionRequest request)
    {
        if (request.Object is not { } obj || request.Operation == AdmissionOperation.Delete)
        {
            return request.Object;
        }

        return (request.Resource.Group, request.Resource.Kind) switch
        {
            ("", "Namespace") => obj.WithLabel("kubernetes.io/metadata.name", obj.Name).With(json =>
            {
                json.GetOrAddObject("spec")["finalizers"] ??= new JsonArray("kubernetes");
                if (request.Operation == AdmissionOperation.Create)
                {
                    json.GetOrAddObject("status")["phase"] ??= "Active";
                }
            }),
            ("", "Pod") => obj.With(json => DefaultPod(json, request.Operation == AdmissionOperation.Create)),
            ("", "Service") => obj.With(DefaultService),
            ("apps", "Deployment") => obj.With(json =>
            {
                var spec = json.GetOrAddObject("spec");
                spec["replicas"] ??= 1;
                spec["revisionHistoryLimit"] ??= 10;
                spec["progressDeadlineSeconds"] ??= 600;
                spec["strategy"] ??= new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
                };
                DefaultPodSpec(spec.GetOrAddObject("template").GetOrAddObject("spec"));
            }),
            ("apps", "ReplicaSet") => obj.With(json =>
            {
                var spec = json.GetOrAddObject("spec");
                spec["replicas"] ??= 1;
                DefaultPodSpec(spec.GetOrAddObject("template").GetOrAddObject("spec"));
            }),
            ("apps", "DaemonSet") => obj.With(json =>
            {
                var spec = json.GetOrAddObject("spec");
                spec["revisionHistoryLimit"] ??= 10;
                spec["updateStrategy"] ??= new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 },
                };
                DefaultPodSpec(spec.GetOrAddObject("template").GetOrAddObject("spec"));
            }),
            ("networking.k8s.io", "NetworkPolicy") => obj.With(DefaultNetworkPolicy),
            _ => obj,
        };
    }

    private static void DefaultPod(JsonObject json, bool create)
    {
        var spec = json.GetOrAddObject("spec");
        DefaultPodSpec(spec);
        if (!create)
        {
            return;
        }

        // A pod restored with its status (a dump of a running cluster) keeps it; one with an address is running.
        var status = json["status"] as JsonObject ?? [];
        status["phase"] ??= status["podIP"] is null ? "Pending" : "Running";
        status["qosClass"] ??= QosClass(spec);
        json["status"] = status;
    }

    /// <summary>PodSpec defaults as the API server fills them, plus the ServiceAccount and DefaultTolerationSeconds plugins.</summary>
    public static void DefaultPodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
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

    private static void DefaultContainer(JsonObject container)
    {
        var image = container["image"]?.GetValue<string>() ?? string.Empty;
        var tag = image.Contains('@', StringComparison.Ordinal) ? "digest" : image[(image.LastIndexOf('/') + 1)..].Split(':') is [_, var t] ? t : "latest";
        container["imagePullPolicy"] ??= tag == "latest" ? "Always" : "IfNotPresent";
        container["terminationMessagePath"] ??= "/dev/termination-log";
        container["terminationMessagePolicy"] ??= "File";
        container["resources"] ??= new JsonObject();
        foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
        }
    }

    private static string QosClass(JsonObject spec)
    {
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

    private static void DefaultService(JsonObject json)
    {
        var spec = json.GetOrAddObject("spec");
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        spec["internalTrafficPolicy"] ??= "Cluster";
        spec["ipFamilyPolicy"] ??= "SingleStack";
        spec["ipFamilies"] ??= new JsonArray("IPv4");
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
            port["targetPort"] ??= port["port"]?.DeepClone();
        }
    }

    private static void DefaultNetworkPolicy(JsonObject json)
    {
        var spec = json.GetOrAddObject("spec");
        if (spec["policyTypes"] is not JsonArray { Count: > 0 })
        {
            var types = new JsonArray("Ingress");
            if (spec["egress"] is JsonArray { Count: > 0 })
            {
                types.Add("Egress");
            }

            spec["policyTypes"] = types;
        }

        foreach (var direction in new[] { "ingress", "egress" })
        {
            foreach (var rule in (spec[direction] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var port in (rule["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }
    }
}
