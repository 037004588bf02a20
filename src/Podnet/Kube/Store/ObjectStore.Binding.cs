using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    /// <summary>
    /// Binds a pod to a node, as a create of the <c>pods/binding</c> subresource does (pkg/registry/core/pod/storage
    /// BindingREST.setPodNodeAndMetadata): one write sets <c>spec.nodeName</c> and the <c>PodScheduled=True</c>
    /// condition (<c>lastTransitionTime</c> now), so a watcher sees the pod bound and scheduled in one change. The pod
    /// itself passes no admission (the API server admits the Binding object, which nothing here intercepts). The
    /// Binding's own annotations are copied onto the pod in the same write, each replacing the pod's annotation of that
    /// key (setPodNodeAndMetadata: <c>for k, v := range annotations { pod.Annotations[k] = v }</c>): what a scheduler
    /// records about its choice — EKS's Fargate scheduler its <c>CapacityProvisioned</c> and <c>Logging</c> — is on
    /// the pod the moment it is bound.
    /// </summary>
    /// <param name="pods">The pods resource.</param>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="name">The pod's name.</param>
    /// <param name="nodeName">The node to bind to.</param>
    /// <param name="context">Who binds (the scheduler).</param>
    /// <param name="annotations">The Binding's <c>metadata.annotations</c>, merged into the pod's; null or empty for none.</param>
    /// <returns>The bound pod as stored.</returns>
    /// <exception cref="KubeException">
    /// 404 when the pod is gone; 409 <c>Operation cannot be fulfilled on pods/binding "NAME": pod NAME is being deleted,
    /// cannot be assigned to a host</c> or <c>… pod NAME is already assigned to node "NODE"</c>, as assignPod wraps
    /// those errors in a Conflict.
    /// </exception>
    public KubeObject Bind(KubeResource pods, string @namespace, string name, string nodeName, RequestContext? context = null, IReadOnlyDictionary<string, string>? annotations = null)
    {
        ArgumentNullException.ThrowIfNull(pods);
        context ??= RequestContext.Admin;
        return Audit("create", pods, @namespace, name, "binding", context, null, (Pods: pods, Namespace: @namespace, Name: name, NodeName: nodeName, Annotations: annotations),
            static (store, s) => store.BindUnaudited(s.Pods, s.Namespace, s.Name, s.NodeName, s.Annotations));
    }

    private KubeObject BindUnaudited(KubeResource pods, string @namespace, string name, string nodeName, IReadOnlyDictionary<string, string>? annotations)
    {
        using var delivery = Delivering();
        lock (_lock)
        {
            var current = Get(pods, @namespace, name);
            static KubeException Conflict(string name, string why)
                => new("Conflict", $"Operation cannot be fulfilled on pods/binding \"{name}\": {why}", 409, name, "pods/binding");
            if (current.IsTerminating)
            {
                throw Conflict(name, $"pod {name} is being deleted, cannot be assigned to a host");
            }

            if (current.GetString("spec.nodeName") is { Length: > 0 } assigned)
            {
                throw Conflict(name, $"pod {name} is already assigned to node \"{assigned}\"");
            }

            var now = KubeObject.FormatTimestamp(_time.GetUtcNow());

            // The bound version holds the stored one's parts but spec.nodeName, the annotations and the conditions
            // (SharedSubtrees), as a status update does, instead of a copy of the whole pod per binding: the scheduler
            // binds every pod once.
            var pod = current.Raw;
            var json = SharedSubtrees.NextVersion(pod, "spec", "status");
            json["spec"] = SharedSubtrees.LendFields((JsonObject)pod["spec"]!, room: 1);
            if (pod["status"] is JsonObject status)
            {
                json["status"] = SharedSubtrees.LendFields(status, copied: "conditions", room: 1);
            }

            ((JsonObject)json["spec"]!)["nodeName"] = nodeName;
            if (annotations is { Count: > 0 })
            {
                var metadata = (JsonObject)json["metadata"]!;
                var podAnnotations = metadata["annotations"]?.DeepClone() as JsonObject ?? [];
                metadata["annotations"] = podAnnotations;
                foreach (var (key, value) in annotations)
                {
                    podAnnotations[key] = value;
                }
            }

            PodConditions.SetScheduled(json, "True", null, null, now);
            var bound = KubeObject.Adopt(json);
            var stored = StampFresh(bound, current);
            Put(Table(pods), KeyOf(pods, stored), stored);
            Record(WatchEventType.Modified, stored, current);
            return stored;
        }
    }
}
