using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// Keeps a Service's Endpoints and its EndpointSlice in step with the pods its selector picks: ready pods as
/// addresses, others as not ready, target ports resolved against each pod's container ports (named ports too).
/// </summary>
public sealed class EndpointsController : ReconcilingController
{
    public const string Component = "endpoint-controller";
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public EndpointsController(ObjectStore store, TimeProvider time)
        : base(store, time)
    {
    }

    public override string Name => Component;

    private KubeResource Services => Store.Resources.For("v1", "Service");

    private KubeResource Endpoints => Store.Resources.For("v1", "Endpoints");

    private KubeResource Slices => Store.Resources.For("discovery.k8s.io/v1", "EndpointSlice");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "Service"))
        {
            Queue.Add(ObjectKey.Of(change.Object));
        }
        else if (Is(change, string.Empty, "Pod") && (change.Previous is not { } before || change.Type != WatchEventType.Modified || EndpointsChanged(before, change.Object)))
        {
            // The services that select the pod, now or before (endpoints_controller.go getPodServiceMemberships, for
            // the pod's old and new labels).
            foreach (var service in Store.List(Services, change.Object.Namespace).Items)
            {
                if (service.Peek("spec.selector") is JsonObject selector && (Selects(selector, change.Object) || (change.Previous is { } previous && Selects(selector, previous))))
                {
                    Queue.Add(ObjectKey.Of(service));
                }
            }
        }
    }

    /// <summary>
    /// Whether a pod's update can change an endpoint (endpoints_controller.go podEndpointsChanged): its labels,
    /// hostname or subdomain, deletion, readiness, addresses, or (Podnet's endpoints leave finished pods out) its
    /// phase. Most pod updates — a container's state, a kubelet's conditions' times — change none of them.
    /// </summary>
    private static bool EndpointsChanged(KubeObject before, KubeObject after)
    {
        var (old, now) = (PodView.Of(before), PodView.Of(after));
        // Compared reference first (SharedSubtrees.Equal): a status write's new version holds the very same labels.
        return !SharedSubtrees.Equal(before.Peek("metadata.labels"), after.Peek("metadata.labels"))
               || before.GetString("spec.hostname") != after.GetString("spec.hostname")
               || before.GetString("spec.subdomain") != after.GetString("spec.subdomain")
               || before.GetString("metadata.deletionTimestamp") != after.GetString("metadata.deletionTimestamp")
               || old.IsReady != now.IsReady
               || old.Phase != now.Phase
               || !SharedSubtrees.Equal(before.Peek("status.podIPs"), after.Peek("status.podIPs"))
               || old.PodIP != now.PodIP;
    }

    /// <summary>A Service's selector (a map, every pair required) against a pod's labels.</summary>
    private static bool Selects(JsonObject selector, KubeObject pod)
        => selector.All(p => pod.Label(p.Key) == (p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null));

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        var service = Store.TryGet(Services, key.Namespace, key.Name);
        if (service is null || service.IsTerminating || service["spec.selector"] is not JsonObject selectorJson)
        {
            return ReconcileResult.Done;
        }

        var selector = LabelSelector.FromSet(selectorJson.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal));
        var pods = Store.List(Store.Resources.For("v1", "Pod"), key.Namespace, selector).Items
            .Select(p => PodView.Of(p))
            .Where(p => p.PodIP is not null && !p.IsFinished)
            .OrderBy(p => p.PodIP, StringComparer.Ordinal)
            .ToList();
        var ports = service["spec.ports"] as JsonArray ?? [];
        var context = RequestContext.ServiceAccount("kube-system", Component);

        ApplyEndpoints(service, pods, ports, context);
        ApplySlice(service, pods, ports, context);
        return ReconcileResult.Done;
    }

    private void ApplyEndpoints(KubeObject service, List<PodView> pods, JsonArray ports, RequestContext context)
    {
        // Pods that resolve the ports to the same numbers share a subset.
        var subsets = new JsonArray();
        // Terminating pods leave Endpoints at once (EndpointSlices keep them, marked terminating).
        foreach (var group in pods.Where(p => !p.IsTerminating).GroupBy(p => string.Join(",", ResolvePorts(p, ports).Select(r => r.ToJsonString()))))
        {
            var ready = group.Where(p => p.IsReady).Select(Address).ToArray();
            var notReady = group.Where(p => !p.IsReady).Select(Address).ToArray();
            var subset = new JsonObject();
            if (ready.Length > 0)
            {
                subset["addresses"] = new JsonArray(ready);
            }

            if (notReady.Length > 0)
            {
                subset["notReadyAddresses"] = new JsonArray(notReady);
            }

            subset["ports"] = new JsonArray([.. ResolvePorts(group.First(), ports)]);
            subsets.Add(subset);
        }

        var desired = KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject
            {
                ["name"] = service.Name,
                ["namespace"] = service.Namespace,
                ["labels"] = service["metadata.labels"]?.DeepClone() ?? new JsonObject(),
            },
            ["subsets"] = subsets,
        });
        if (subsets.Count == 0)
        {
            desired = desired.With(j => j.Remove("subsets"));
        }

        var existing = Store.TryGet(Endpoints, service.Namespace, service.Name);
        if (existing is null)
        {
            Store.Create(desired, context);
        }
        else if (!JsonNode.DeepEquals(existing["subsets"], desired["subsets"]))
        {
            Store.Update(existing.With(j =>
            {
                j["subsets"] = desired["subsets"];
                if (j["subsets"] is null)
                {
                    j.Remove("subsets");
                }
            }), context);
        }
    }

    private void ApplySlice(KubeObject service, List<PodView> pods, JsonArray ports, RequestContext context)
    {
        var endpoints = new JsonArray([.. pods.Select(p => (JsonNode)new JsonObject
        {
            ["addresses"] = new JsonArray(p.PodIP),
            ["conditions"] = new JsonObject { ["ready"] = p.IsReady && !p.IsTerminating, ["serving"] = p.IsReady, ["terminating"] = p.IsTerminating },
            ["nodeName"] = p.NodeName,
            ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = p.Namespace, ["name"] = p.Name, ["uid"] = p.Object.Uid },
        })]);
        var slicePorts = new JsonArray([.. (pods.Count == 0 ? [] : ResolvePorts(pods[0], ports))]);
        var slices = Store.List(Slices, service.Namespace, LabelSelector.FromSet(new Dictionary<string, string> { [ServiceNameLabel] = service.Name })).Items;
        var existing = slices.Count == 0 ? null : slices[0];
        if (existing is null)
        {
            Store.Create(KubeObject.From(new JsonObject
            {
                ["apiVersion"] = "discovery.k8s.io/v1",
                ["kind"] = "EndpointSlice",
                ["metadata"] = new JsonObject
                {
                    ["generateName"] = service.Name + "-",
                    ["namespace"] = service.Namespace,
                    ["labels"] = new JsonObject
                    {
                        [ServiceNameLabel] = service.Name,
                        ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
                    },
                    ["ownerReferences"] = new JsonArray(OwnerReference.ControllerOf(service).ToJson()),
                },
                ["addressType"] = "IPv4",
                ["endpoints"] = endpoints,
                ["ports"] = slicePorts,
            }), RequestContext.ServiceAccount("kube-system", "endpointslice-controller"));
        }
        else if (!JsonNode.DeepEquals(existing["endpoints"], endpoints) || !JsonNode.DeepEquals(existing["ports"], slicePorts))
        {
            Store.Update(existing.With(j =>
            {
                j["endpoints"] = endpoints.DeepClone();
                j["ports"] = slicePorts.DeepClone();
            }), RequestContext.ServiceAccount("kube-system", "endpointslice-controller"));
        }
    }

    private static JsonNode Address(PodView pod) => new JsonObject
    {
        ["ip"] = pod.PodIP,
        ["nodeName"] = pod.NodeName,
        ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = pod.Namespace, ["name"] = pod.Name, ["uid"] = pod.Object.Uid },
    };

    /// <summary>The service's ports with the target port as this pod serves it (a named port looked up in its containers).</summary>
    private static IEnumerable<JsonNode> ResolvePorts(PodView pod, JsonArray servicePorts)
    {
        foreach (var port in servicePorts.OfType<JsonObject>())
        {
            var protocol = port["protocol"]?.GetValue<string>() ?? "TCP";
            var target = port["targetPort"] ?? port["port"];
            int? number = target is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;
            if (number is null && target?.GetValue<string>() is { } name)
            {
                number = pod.Containers
                    .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
                    .FirstOrDefault(p => p["name"]?.GetValue<string>() == name && (p["protocol"]?.GetValue<string>() ?? "TCP") == protocol)?["containerPort"]?.GetValue<int>();
            }

            if (number is null)
            {
                continue;
            }

            var resolved = new JsonObject { ["port"] = number, ["protocol"] = protocol };
            if (port["name"]?.GetValue<string>() is { } portName)
            {
                resolved["name"] = portName;
            }

            yield return resolved;
        }
    }
}
