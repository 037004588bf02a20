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
        // Admit: "Ignore all calls to subresources or resources other than pods" — a status update is left as it is.
        if (request is not { Operation: AdmissionOperation.Create or AdmissionOperation.Update, Resource: { Group: "", Kind: "Pod" }, SubResource: null, Object: { } pod })
        {
            return request.Object;
        }

        SortedSet<string>? resources = null;
        foreach (var list in ContainerLists)
        {
            if (pod.Peek(list) is not JsonArray containers)
            {
                continue;
            }

            foreach (var container in containers)
            {
                if (container?["resources"]?["requests"] is JsonObject requests)
                {
                    foreach (var (name, _) in requests)
                    {
                        if (IsExtendedResourceName(name))
                        {
                            (resources ??= new SortedSet<string>(StringComparer.Ordinal)).Add(name);
                        }
                    }
                }
            }
        }

        // A pod that tolerates every such taint already (any update of a pod admitted before) is not copied to be
        // left as it was.
        var tolerations = pod.Peek("spec.tolerations") as JsonArray;
        var missing = resources?.Where(resource => !Tolerates(tolerations, resource)).ToList();
        if (missing is not { Count: > 0 })
        {
            return pod;
        }

        void Add(JsonObject json)
        {
            var spec = (JsonObject)json["spec"]!;
            var tolerations = spec["tolerations"] as JsonArray ?? [];
            spec["tolerations"] = tolerations;
            foreach (var resource in missing)
            {
                tolerations.Add(new JsonObject { ["key"] = resource, ["operator"] = "Exists", ["effect"] = "NoSchedule" });
            }
        }

        if (request.Owned)
        {
            // The write's own object, changed in place (as ObjectDefaults does).
            Add(pod.Raw);
            return KubeObject.Adopt(pod.Raw);
        }

        return pod.With(Add);
    }

    private static readonly string[] ContainerLists = ["spec.containers", "spec.initContainers"];

    /// <summary>Whether <paramref name="tolerations"/> holds <c>{key: resource, operator: Exists, effect: NoSchedule}</c> (no value).</summary>
    private static bool Tolerates(JsonArray? tolerations, string resource)
        => tolerations is not null && tolerations.OfType<JsonObject>().Any(t =>
            t["key"]?.GetValue<string>() == resource && t["operator"]?.GetValue<string>() == "Exists"
            && (t["value"]?.GetValue<string>() ?? string.Empty) == string.Empty && t["effect"]?.GetValue<string>() == "NoSchedule");

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
