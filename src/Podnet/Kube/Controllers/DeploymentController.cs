using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// Runs a Deployment through ReplicaSets named <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>: a template change
/// makes a new ReplicaSet and scales the old ones to zero (a rollout), a replicas change scales the current one.
/// </summary>
public sealed class DeploymentController : QueueController
{
    public const string Component = "deployment-controller";
    public const string PodTemplateHashLabel = "pod-template-hash";
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    private readonly EventRecorder _events;

    public DeploymentController(ObjectStore store, TimeProvider time, EventRecorder events)
        : base(store, time)
    {
        _events = events;
    }

    public override string Name => Component;

    private KubeResource Deployments => Store.Resources.For("apps/v1", "Deployment");

    private KubeResource ReplicaSets => Store.Resources.For("apps/v1", "ReplicaSet");

    public override void OnChange(WatchEvent change)
    {
        if (Is(change, "apps", "Deployment"))
        {
            Queue.Add(ObjectKey.Of(change.Object));
        }
        else if (Is(change, "apps", "ReplicaSet") && PodTemplates.ControllerOf(change.Object) is { Kind: "Deployment" } owner)
        {
            Queue.Add(new ObjectKey(change.Object.Namespace, owner.Name));
        }
    }

    protected override TimeSpan? Reconcile(ObjectKey key)
    {
        var deployment = Store.TryGet(Deployments, key.Namespace, key.Name);
        if (deployment is null || deployment.IsTerminating)
        {
            return null;
        }

        var context = RequestContext.ServiceAccount("kube-system", Component);
        var template = (JsonObject)deployment["spec.template"]!;
        var hash = TemplateHash.Of(template);
        var desired = deployment["spec.replicas"]?.GetValue<int>() ?? 1;
        var owned = PodTemplates.Controlled(Store, ReplicaSets, deployment).ToList();
        var current = owned.FirstOrDefault(rs => rs.Labels.GetValueOrDefault(PodTemplateHashLabel) == hash);

        if (current is null)
        {
            var revision = owned.Select(rs => int.TryParse(rs.Annotations.GetValueOrDefault(RevisionAnnotation), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 0).DefaultIfEmpty(0).Max() + 1;
            current = Store.Create(NewReplicaSet(deployment, template, hash, desired, revision), context);
            _events.Normal(deployment, "ScalingReplicaSet", $"Scaled up replica set {current.Name} from 0 to {desired}", Component);
        }
        else if ((current["spec.replicas"]?.GetValue<int>() ?? 0) != desired)
        {
            var before = current["spec.replicas"]?.GetValue<int>() ?? 0;
            Store.Update(current.With(j => j["spec"]!["replicas"] = desired), context);
            _events.Normal(deployment, "ScalingReplicaSet", $"Scaled {(desired > before ? "up" : "down")} replica set {current.Name} from {before} to {desired}", Component);
        }

        foreach (var old in owned.Where(rs => rs.Uid != current.Uid && (rs["spec.replicas"]?.GetValue<int>() ?? 0) > 0))
        {
            var before = old["spec.replicas"]!.GetValue<int>();
            Store.Update(old.With(j => j["spec"]!["replicas"] = 0), context);
            _events.Normal(deployment, "ScalingReplicaSet", $"Scaled down replica set {old.Name} from {before} to 0", Component);
        }

        UpdateStatus(deployment, current, desired, context);
        return null;
    }

    private static KubeObject NewReplicaSet(KubeObject deployment, JsonObject template, string hash, int replicas, int revision)
    {
        var podTemplate = (JsonObject)template.DeepClone();
        var labels = (JsonObject)podTemplate.GetOrAddObject("metadata").GetOrAddObject("labels");
        labels[PodTemplateHashLabel] = hash;
        var selector = (JsonObject)(deployment["spec.selector"] ?? new JsonObject());
        selector.GetOrAddObject("matchLabels")[PodTemplateHashLabel] = hash;
        var rsLabels = labels.DeepClone();
        return KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{deployment.Name}-{hash}",
                ["namespace"] = deployment.Namespace,
                ["labels"] = rsLabels,
                ["annotations"] = new JsonObject
                {
                    [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/max-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                },
                ["ownerReferences"] = new JsonArray(OwnerReference.ControllerOf(deployment).ToJson()),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = selector,
                ["template"] = podTemplate,
            },
        });
    }

    private void UpdateStatus(KubeObject deployment, KubeObject current, int desired, RequestContext context)
    {
        var fresh = PodTemplates.Controlled(Store, ReplicaSets, deployment).ToList();
        var replicas = fresh.Sum(rs => rs["status.replicas"]?.GetValue<int>() ?? 0);
        var updated = fresh.FirstOrDefault(rs => rs.Uid == current.Uid)?["status.replicas"]?.GetValue<int>() ?? 0;
        var ready = fresh.Sum(rs => rs["status.readyReplicas"]?.GetValue<int>() ?? 0);
        var available = fresh.Sum(rs => rs["status.availableReplicas"]?.GetValue<int>() ?? 0);
        var previous = deployment["status.conditions"] as JsonArray;
        var status = new JsonObject
        {
            ["observedGeneration"] = GenerationOf(deployment),
            ["replicas"] = replicas,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = available,
            ["conditions"] = new JsonArray(
                Condition(previous, "Available", available >= desired ? "True" : "False", available >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", available >= desired ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
                Condition(previous, "Progressing", "True", updated == desired && available >= desired ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", updated == desired && available >= desired ? $"ReplicaSet \"{current.Name}\" has successfully progressed." : $"ReplicaSet \"{current.Name}\" is progressing.")),
        };
        if (ready == 0)
        {
            status.Remove("readyReplicas");
        }

        if (available == 0)
        {
            status.Remove("availableReplicas");
        }

        if (!JsonNode.DeepEquals(deployment["status"], status))
        {
            Store.UpdateStatus(Store.Get(Deployments, deployment.Namespace, deployment.Name).With(j => j["status"] = status), context);
        }
    }

    private JsonObject Condition(JsonArray? previous, string type, string status, string reason, string message)
    {
        var old = previous?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        var unchanged = old?["status"]?.GetValue<string>() == status;
        var sameReason = unchanged && old?["reason"]?.GetValue<string>() == reason;
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastUpdateTime"] = sameReason ? old!["lastUpdateTime"]?.DeepClone() : now,
            ["lastTransitionTime"] = unchanged ? old!["lastTransitionTime"]?.DeepClone() : now,
            ["reason"] = reason,
            ["message"] = message,
        };
    }
}
