using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// How a workload controller claims its pods by its selector (controller_ref_manager.go PodControllerRefManager,
/// ClaimObject): a pod it controls whose labels its selector no longer matches is released — its controller reference
/// removed, the pod left running — and a pod no controller owns that its selector matches may be adopted. Neither
/// while the controller is being deleted (the callers check).
/// </summary>
internal static class PodClaims
{
    /// <summary>Removes <paramref name="owner"/>'s reference from the pod (ClaimObject's release); the stored pod.</summary>
    public static KubeObject Release(ObjectStore store, KubeObject pod, KubeObject owner, RequestContext context)
        => store.Update(pod.With(j => SetOwnerReferences(j, pod.OwnerReferences.Where(r => r.Uid != owner.Uid))), context);

    /// <summary>Makes <paramref name="owner"/> the pod's controller (ClaimObject's adoption); the stored pod.</summary>
    public static KubeObject Adopt(ObjectStore store, KubeObject pod, KubeObject owner, RequestContext context)
        => store.Update(pod.With(j => SetOwnerReferences(j, [.. pod.OwnerReferences, OwnerReference.ControllerOf(owner)])), context);

    private static void SetOwnerReferences(JsonObject pod, IEnumerable<OwnerReference> references)
    {
        var metadata = (JsonObject)pod["metadata"]!;
        var list = new JsonArray([.. references.Select(r => (JsonNode)r.ToJson())]);
        if (list.Count == 0)
        {
            metadata.Remove("ownerReferences");
        }
        else
        {
            metadata["ownerReferences"] = list;
        }
    }
}
