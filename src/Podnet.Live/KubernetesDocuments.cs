using System.Text.Json.Nodes;

namespace Podnet.Live;

/// <summary>
/// A live cluster's objects as a world's Kubernetes documents: what the decision needs and the world loader takes,
/// without what the API server writes. Metadata keeps name, namespace, labels, annotations (less kubectl's
/// last-applied-configuration), <c>uid</c> and <c>ownerReferences</c> (the loader keeps a dump's uids, so a pod still
/// belongs to its ReplicaSet or DaemonSet and no controller makes it again); <c>resourceVersion</c>,
/// <c>creationTimestamp</c>, <c>generation</c>, <c>managedFields</c> and <c>finalizers</c> go. A Pod keeps its
/// <c>status</c> (<c>podIP</c>, phase, conditions): the loader takes a pod given with <c>status.podIP</c> as running
/// there. Other kinds lose <c>status</c>, which their controllers write. Nodes are not documents: the world's node
/// groups register them (<see cref="AwsDocuments"/>). Pods being deleted, and pods that have finished, are left out.
/// </summary>
public static class KubernetesDocuments
{
    /// <summary>The metadata fields a world document keeps.</summary>
    private static readonly string[] KeptMetadata = ["name", "namespace", "labels", "annotations", "uid", "ownerReferences"];

    /// <summary>kubectl apply's copy of the object as last applied: the object itself says all it says.</summary>
    private const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The world documents of <paramref name="objects"/> (as <see cref="KubernetesReader.ListAsync"/> gives them).</summary>
    public static IReadOnlyList<JsonObject> From(IEnumerable<JsonObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var documents = new List<JsonObject>();
        foreach (var obj in objects)
        {
            var kind = obj["kind"]?.GetValue<string>();
            if (kind == "Node" || obj["metadata"]?["deletionTimestamp"] is not null)
            {
                continue;
            }

            if (kind == "Pod" && obj["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed")
            {
                continue;
            }

            documents.Add(Document(obj));
        }

        return documents;
    }

    /// <summary>One object as a world document.</summary>
    public static JsonObject Document(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var kind = obj["kind"]!.GetValue<string>();
        var document = new JsonObject { ["apiVersion"] = obj["apiVersion"]!.DeepClone(), ["kind"] = kind };
        var metadata = new JsonObject();
        foreach (var field in KeptMetadata)
        {
            if (obj["metadata"]?[field] is { } value)
            {
                metadata[field] = value.DeepClone();
            }
        }

        if (metadata["annotations"] is JsonObject annotations)
        {
            annotations.Remove(LastApplied);
            if (annotations.Count == 0)
            {
                metadata.Remove("annotations");
            }
        }

        document["metadata"] = metadata;
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind" or "metadata" || (key == "status" && kind != "Pod") || value is null)
            {
                continue;
            }

            document[key] = value.DeepClone();
        }

        return document;
    }
}
