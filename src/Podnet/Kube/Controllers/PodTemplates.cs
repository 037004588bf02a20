using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>Pods from a workload's template, owned by the workload, as the workload controllers make them.</summary>
internal static class PodTemplates
{
    public static KubeObject NewPod(KubeObject owner, JsonObject template, string generateName, Action<JsonObject>? adjust = null)
    {
        // The template's metadata but its name, then the pod's generateName, namespace and controller reference (each in
        // place where the template has it, else after the rest), made at its size with room for what the store stamps on
        // create (name, uid, creationTimestamp, resourceVersion).
        var templateMetadata = template["metadata"] as JsonObject;
        var copied = new SizedJsonObject.Builder((templateMetadata?.Count ?? 0) + 7);
        if (templateMetadata is not null)
        {
            foreach (var (field, value) in templateMetadata.Fields())
            {
                if (field != "name")
                {
                    copied.Add(field, value?.DeepClone());
                }
            }
        }

        var metadata = copied.Build();
        metadata["generateName"] = generateName;
        metadata["namespace"] = owner.Namespace;
        metadata["ownerReferences"] = new JsonArray(OwnerReference.ControllerOf(owner).ToJson());
        var pod = SizedJsonObject.Of(
            ("apiVersion", "v1"),
            ("kind", "Pod"),
            ("metadata", metadata),
            ("spec", template["spec"]?.DeepClone() ?? new JsonObject()));
        adjust?.Invoke(pod);

        // Made here from copies, so wrapped without another copy (the controllers hand it to the store as it is).
        return KubeObject.Adopt(pod);
    }

    public static bool IsControlledBy(KubeObject obj, KubeObject owner)
    {
        // A loop by index, not a query or an enumerator: controllers ask it for every pod they own on every sync.
        var uid = owner.Uid;
        var references = obj.OwnerReferences;
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            if (reference.Controller && reference.Uid == uid)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The objects of <paramref name="resource"/> in <paramref name="owner"/>'s namespace that it controls, by name,
    /// from the store's owner index (what a list of the namespace filtered by controller reference gives).
    /// </summary>
    /// <remarks>
    /// A list at its size, by a loop: a ReplicaSet syncs on every change of one of its pods, and the list its sync grew
    /// from empty took 31 MB of arrays in a 10,000-pod world with security groups.
    /// </remarks>
    public static IReadOnlyList<KubeObject> Controlled(ObjectStore store, KubeResource resource, KubeObject owner)
    {
        if (owner.Uid is not { } uid)
        {
            return [];
        }

        var owned = store.ListOwnedBy(resource, uid);
        var controlled = new List<KubeObject>(owned.Count);
        for (var i = 0; i < owned.Count; i++)
        {
            if (owned[i].Namespace == owner.Namespace && IsControlledBy(owned[i], owner))
            {
                controlled.Add(owned[i]);
            }
        }

        return controlled;
    }

    /// <summary>The object's controller: its owner reference with <c>controller: true</c>, or null (metav1.GetControllerOf).</summary>
    public static OwnerReference? ControllerOf(KubeObject obj)
    {
        // By index: an enumerator of the list is an allocation, and every pod change asks this.
        var references = obj.OwnerReferences;
        for (var i = 0; i < references.Count; i++)
        {
            if (references[i].Controller)
            {
                return references[i];
            }
        }

        return null;
    }
}
