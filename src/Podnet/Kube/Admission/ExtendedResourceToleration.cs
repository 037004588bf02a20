using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Admission;

/// <summary>
/// The ExtendedResourceToleration admission plugin, which EKS enables: a pod that requests an extended resource
/// (a resource name with a domain other than kubernetes.io, such as <c>vpc.amazonaws.com/pod-eni</c>) tolerates the
/// taint of that name with effect NoSchedule (<c>{key: vpc.amazonaws.com/pod-eni, operator: Exists, effect:
/// NoSchedule}</c>), so nodes kept for such pods can be tainted with it. Mirrors
/// plugin/pkg/admission/extendedresourcetoleration/admission.go (Admit): containers and init containers, resources
/// in sorted order, an equal toleration replaced rather than added twice (helper.AddOrUpdateTolerationInPod).
/// </summary>
public sealed class ExtendedResourceToleration : IAdmissionPlugin
{
    public KubeObject? Mutate(AdmissionRequest request)
    {
        if (request is not { Operation: AdmissionOperation.Create or AdmissionOperation.Update, Resource: { Group: "", Kind: "Pod" }, Object: { } pod })
        {
            return request.Object;
        }

        var resources = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var container in (pod.Peek($"spec.{list}") as JsonArray ?? []).OfType<JsonObject>())
            {
                if (container["resources"]?["requests"] is JsonObject requests)
                {
                    resources.UnionWith(requests.Select(r => r.Key).Where(IsExtendedResourceName));
                }
            }
        }

        if (resources.Count == 0)
        {
            return pod;
        }

        return pod.With(json =>
        {
            var spec = (JsonObject)json["spec"]!;
            var tolerations = spec["tolerations"] as JsonArray ?? [];
            spec["tolerations"] = tolerations;
            foreach (var resource in resources)
            {
                var existing = tolerations.OfType<JsonObject>().FirstOrDefault(t =>
                    t["key"]?.GetValue<string>() == resource && t["operator"]?.GetValue<string>() == "Exists"
                    && (t["value"]?.GetValue<string>() ?? string.Empty) == string.Empty && t["effect"]?.GetValue<string>() == "NoSchedule");
                if (existing is null)
                {
                    tolerations.Add(new JsonObject { ["key"] = resource, ["operator"] = "Exists", ["effect"] = "NoSchedule" });
                }
            }
        });
    }

    /// <summary>
    /// helper.IsExtendedResourceName: a name with a domain (not a native resource: no <c>kubernetes.io/</c> in it)
    /// that is not a quota's <c>requests.</c> form.
    /// </summary>
    public static bool IsExtendedResourceName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Contains('/', StringComparison.Ordinal)
               && !name.Contains("kubernetes.io/", StringComparison.Ordinal)
               && !name.StartsWith("requests.", StringComparison.Ordinal);
    }
}
