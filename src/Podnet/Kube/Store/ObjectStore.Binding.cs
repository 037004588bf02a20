using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    /// <summary>
    /// Binds a pod to a node, as a create of the <c>pods/binding</c> subresource does (pkg/registry/core/pod/storage
    /// BindingREST.setPodNodeAndMetadata): one write sets <c>spec.nodeName</c> and the <c>PodScheduled=True</c>
    /// condition (<c>lastTransitionTime</c> now), so a watcher sees the pod bound and scheduled in one change. The pod
    /// itself passes no admission (the API server admits the Binding object, which nothing here intercepts).
    /// </summary>
    /// <param name="pods">The pods resource.</param>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="name">The pod's name.</param>
    /// <param name="nodeName">The node to bind to.</param>
    /// <param name="context">Who binds (the scheduler).</param>
    /// <returns>The bound pod as stored.</returns>
    /// <exception cref="KubeException">
    /// 404 when the pod is gone; 409 <c>Operation cannot be fulfilled on pods/binding "NAME": pod NAME is being deleted,
    /// cannot be assigned to a host</c> or <c>… pod NAME is already assigned to node "NODE"</c>, as assignPod wraps
    /// those errors in a Conflict.
    /// </exception>
    public KubeObject Bind(KubeResource pods, string @namespace, string name, string nodeName, RequestContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(pods);
        context ??= RequestContext.Admin;
        return Audit("create", pods, @namespace, name, "binding", context, null, () => BindUnaudited(pods, @namespace, name, nodeName));
    }

    private KubeObject BindUnaudited(KubeResource pods, string @namespace, string name, string nodeName)
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
            var bound = current.With(json =>
            {
                json["spec"]!["nodeName"] = nodeName;
                ((System.Text.Json.Nodes.JsonObject)json["metadata"]!).Remove("resourceVersion");
                PodConditions.SetScheduled(json, "True", null, null, now);
            });
            var stored = StampFresh(bound, current);
            Put(Table(pods), KeyOf(pods, stored), stored);
            Record(WatchEventType.Modified, stored, current);
            return stored;
        }
    }
}
