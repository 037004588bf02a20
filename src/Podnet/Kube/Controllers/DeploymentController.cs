using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// Runs a Deployment through ReplicaSets named <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>: a template change
/// makes a new ReplicaSet and scales the old ones to zero (a rollout), a replicas change scales the current one.
/// </summary>
public sealed class DeploymentController : ReconcilingController
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

    // The template hash of each Deployment as of its generation: a Deployment is reconciled on every change of its
    // ReplicaSets' status (each pod that becomes ready), and hashing its template was a twentieth of what a world of
    // pods with security groups allocated. The template is spec, so a new template is a new generation.
    private readonly Dictionary<ObjectKey, (string? Uid, long Generation, string Hash)> _hashes = [];

    private string HashOf(ObjectKey key, KubeObject deployment, JsonObject template)
    {
        if (_hashes.TryGetValue(key, out var known) && known.Uid == deployment.Uid && known.Generation == deployment.Generation)
        {
            return known.Hash;
        }

        var hash = TemplateHash.Of(template);
        _hashes[key] = (deployment.Uid, deployment.Generation, hash);
        return hash;
    }

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

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        var deployment = Store.TryGet(Deployments, key.Namespace, key.Name);
        if (deployment is null || deployment.IsTerminating)
        {
            _hashes.Remove(key);
            return ReconcileResult.Done;
        }

        var context = RequestContext.ServiceAccount("kube-system", Component);
        var template = (JsonObject)deployment.Peek("spec.template")!;
        var hash = HashOf(key, deployment, template);
        var desired = deployment.Peek("spec.replicas")?.GetValue<int>() ?? 1;
        var owned = PodTemplates.Controlled(Store, ReplicaSets, deployment);
        var current = owned.FirstOrDefault(rs => rs.Labels.GetValueOrDefault(PodTemplateHashLabel) == hash);

        var maxRevision = owned.Select(Revision).DefaultIfEmpty(0).Max();
        if (current is null)
        {
            // A new template's ReplicaSet starts as large as maxSurge allows next to the old ones
            // (deploymentutil.NewRSNewReplicas); under Recreate it grows once the old pods are gone.
            var start = IsRecreate(deployment) ? 0 : Math.Max(0, Math.Min(desired + RollingParameters(deployment, desired).MaxSurge - owned.Sum(Replicas), desired));
            current = Store.Create(NewReplicaSet(deployment, template, hash, start, maxRevision + 1), context);
            if (start > 0)
            {
                _events.Normal(deployment, "ScalingReplicaSet", $"Scaled up replica set {current.Name} from 0 to {start}", Component);
            }
        }
        else if (Revision(current) < maxRevision)
        {
            // A rollback (kubectl rollout undo) brings an old template back: its ReplicaSet becomes the newest
            // revision again (deploymentutil.SetNewReplicaSetAnnotations).
            current = Store.Update(current.WithAnnotation(RevisionAnnotation, (maxRevision + 1).ToString(CultureInfo.InvariantCulture)), context);
        }

        var old = owned.Where(rs => rs.Uid != current.Uid).OrderBy(rs => rs.CreationTimestamp).ToList();
        if (IsRecreate(deployment))
        {
            // Recreate: every old pod goes before a new one starts (rolloutRecreate).
            foreach (var rs in old.Where(rs => Replicas(rs) > 0))
            {
                Scale(deployment, rs, 0, context);
            }

            if (old.All(rs => (rs.Peek("status.replicas")?.GetValue<int>() ?? 0) == 0))
            {
                Scale(deployment, current, desired, context);
            }
        }
        else
        {
            RollOut(deployment, current, old, desired, context);
        }

        UpdateStatus(deployment, current, desired, context);
        return ReconcileResult.Done;
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

    private static int Replicas(KubeObject rs) => rs.Peek("spec.replicas")?.GetValue<int>() ?? 0;

    private static int Revision(KubeObject rs)
        => int.TryParse(rs.Annotations.GetValueOrDefault(RevisionAnnotation), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 0;

    private static bool IsRecreate(KubeObject deployment) => deployment.GetString("spec.strategy.type") == "Recreate";

    /// <summary>
    /// One step of a rolling update (pkg/controller/deployment/rolling.go rolloutRolling): the new ReplicaSet grows
    /// while all ReplicaSets together stay within replicas + maxSurge (reconcileNewReplicaSet), and old ones shrink
    /// while the available pods stay at replicas − maxUnavailable or more (reconcileOldReplicaSets). The next step
    /// comes when the ReplicaSets' status changes (pods start, become ready, or go).
    /// </summary>
    private void RollOut(KubeObject deployment, KubeObject current, IReadOnlyList<KubeObject> old, int desired, RequestContext context)
    {
        var (maxSurge, maxUnavailable) = RollingParameters(deployment, desired);
        var newReplicas = Replicas(current);
        var total = newReplicas + old.Sum(Replicas);
        if (newReplicas > desired)
        {
            current = Scale(deployment, current, desired, context);
        }
        else if (newReplicas < desired)
        {
            var room = Math.Min(desired + maxSurge - total, desired - newReplicas);
            if (room > 0)
            {
                current = Scale(deployment, current, newReplicas + room, context);
            }
        }

        // reconcileOldReplicaSets: what may go is counted on the ReplicaSets' sizes, less the new pods not yet
        // available, so a step never waits for an old ReplicaSet's status to catch up.
        int Available(KubeObject rs) => rs.Peek("status.availableReplicas")?.GetValue<int>() ?? 0;
        var minAvailable = desired - maxUnavailable;
        var maxScaledDown = Replicas(current) + old.Sum(Replicas) - minAvailable - Math.Max(0, Replicas(current) - Available(current));
        if (maxScaledDown <= 0)
        {
            return;
        }

        // cleanupUnhealthyReplicas: old pods that are not available cost no availability, so they go first.
        var remaining = new List<KubeObject>();
        foreach (var rs in old)
        {
            var take = Math.Min(maxScaledDown, Math.Max(0, Replicas(rs) - Available(rs)));
            maxScaledDown -= take;
            remaining.Add(take > 0 ? Scale(deployment, rs, Replicas(rs) - take, context) : rs);
        }

        // scaleDownOldReplicaSetsForRollingUpdate: then as many available ones as keep minAvailable, oldest first.
        var toRemove = Math.Min(maxScaledDown, remaining.Append(current).Sum(Available) - minAvailable);
        foreach (var rs in remaining.Where(rs => Replicas(rs) > 0))
        {
            if (toRemove <= 0)
            {
                break;
            }

            var take = Math.Min(Replicas(rs), toRemove);
            Scale(deployment, rs, Replicas(rs) - take, context);
            toRemove -= take;
        }
    }

    /// <summary>maxSurge (rounded up) and maxUnavailable (rounded down) of the RollingUpdate strategy, 25% each by default; never both 0.</summary>
    private static (int MaxSurge, int MaxUnavailable) RollingParameters(KubeObject deployment, int desired)
    {
        static int Resolve(JsonNode? value, int desired, bool roundUp)
        {
            var text = value is JsonValue v && v.TryGetValue<int>(out var n) ? n.ToString(CultureInfo.InvariantCulture) : value?.GetValue<string>() ?? "25%";
            if (!text.EndsWith('%'))
            {
                return int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            }

            var percent = decimal.Parse(text[..^1], NumberStyles.Number, CultureInfo.InvariantCulture);
            var exact = percent * desired / 100m;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        var rolling = deployment.Peek("spec.strategy.rollingUpdate");
        var surge = Resolve(rolling?["maxSurge"], desired, roundUp: true);
        var unavailable = Resolve(rolling?["maxUnavailable"], desired, roundUp: false);
        return (surge, surge == 0 && unavailable == 0 ? 1 : unavailable);
    }

    /// <summary>Sets a ReplicaSet's replicas, with the deployment controller's ScalingReplicaSet event.</summary>
    private KubeObject Scale(KubeObject deployment, KubeObject rs, int replicas, RequestContext context)
    {
        var before = Replicas(rs);
        if (before == replicas)
        {
            return rs;
        }

        var scaled = Store.Update(Store.Get(ReplicaSets, rs.Namespace, rs.Name).With(j => j["spec"]!["replicas"] = replicas), context);
        _events.Normal(deployment, "ScalingReplicaSet", $"Scaled {(replicas > before ? "up" : "down")} replica set {rs.Name} from {before} to {replicas}", Component);
        return scaled;
    }

    private void UpdateStatus(KubeObject deployment, KubeObject current, int desired, RequestContext context)
    {
        var fresh = PodTemplates.Controlled(Store, ReplicaSets, deployment);
        var replicas = fresh.Sum(rs => rs.Peek("status.replicas")?.GetValue<int>() ?? 0);
        var updated = fresh.FirstOrDefault(rs => rs.Uid == current.Uid)?["status.replicas"]?.GetValue<int>() ?? 0;
        var ready = fresh.Sum(rs => rs.Peek("status.readyReplicas")?.GetValue<int>() ?? 0);
        var available = fresh.Sum(rs => rs.Peek("status.availableReplicas")?.GetValue<int>() ?? 0);
        var previous = deployment.Peek("status.conditions") as JsonArray;
        // Made at its size (SizedJsonObject): a Deployment's status is written again whenever one of its pods becomes
        // ready. readyReplicas and availableReplicas are left out while zero (omitempty).
        var status = new SizedJsonObject.Builder(6);
        status.Add("observedGeneration", GenerationOf(deployment));
        status.Add("replicas", replicas);
        status.Add("updatedReplicas", updated);
        if (ready != 0)
        {
            status.Add("readyReplicas", ready);
        }

        if (available != 0)
        {
            status.Add("availableReplicas", available);
        }

        status.Add("conditions", new JsonArray(
            Condition(previous, "Available", available >= desired ? "True" : "False", available >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", available >= desired ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
            Condition(previous, "Progressing", "True", updated == desired && available >= desired ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", updated == desired && available >= desired ? $"ReplicaSet \"{current.Name}\" has successfully progressed." : $"ReplicaSet \"{current.Name}\" is progressing.")));
        var built = status.Build();
        if (!JsonNode.DeepEquals(deployment.Peek("status"), built))
        {
            Store.UpdateStatusHandedOver(Store.Get(Deployments, deployment.Namespace, deployment.Name), built, context);
        }
    }

    private JsonObject Condition(JsonArray? previous, string type, string status, string reason, string message)
    {
        var old = previous?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        var unchanged = old?["status"]?.GetValue<string>() == status;
        var sameReason = unchanged && old?["reason"]?.GetValue<string>() == reason;
        return SizedJsonObject.Of(
            ("type", type),
            ("status", status),
            ("lastUpdateTime", sameReason ? old!["lastUpdateTime"]?.DeepClone() : now),
            ("lastTransitionTime", unchanged ? old!["lastTransitionTime"]?.DeepClone() : now),
            ("reason", reason),
            ("message", message));
    }
}
