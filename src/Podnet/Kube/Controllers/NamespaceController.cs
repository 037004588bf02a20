using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// kube-controller-manager's namespace controller (k8s.io/kubernetes pkg/controller/namespace, its deleter in
/// deletion/namespaced_resources_deleter.go): a namespace that is being deleted has all its content deleted, its
/// status conditions say what remains (deletion/status_condition_utils.go), and once nothing remains the
/// <c>kubernetes</c> finalizer leaves its <c>spec.finalizers</c> (<c>finalizeNamespace</c>) and the namespace is
/// deleted for good.
/// </summary>
/// <remarks>
/// The real controller watches only namespaces and looks again after its estimate of how long the content takes
/// (<c>ResourcesRemainingError</c>: half the estimate plus a second); this one also hears its content go (from the
/// store's namespace index), so a namespace goes as soon as its last object does, as it did when the store did
/// this work itself.
/// </remarks>
public sealed class NamespaceController : ReconcilingController
{
    /// <summary>The controller's service account, as its writes are audited.</summary>
    public const string Component = "namespace-controller";

    /// <summary>The condition types the deleter maintains, in its order (status_condition_utils.go <c>conditionTypes</c>).</summary>
    public static readonly IReadOnlyList<string> ConditionTypes =
    [
        "NamespaceDeletionDiscoveryFailure",
        "NamespaceDeletionGroupVersionParsingFailure",
        "NamespaceDeletionContentFailure",
        "NamespaceContentRemaining",
        "NamespaceFinalizersRemaining",
    ];

    private static readonly RequestContext Context = RequestContext.ServiceAccount("kube-system", Component);

    /// <summary>The deleter's options for content: background propagation, each object's own grace period.</summary>
    private static readonly DeleteOptions Background = new(PropagationPolicy.Background);

    /// <summary>The "ok" reason and message of each condition type (<c>okReasons</c>, <c>okMessages</c>).</summary>
    private static readonly Dictionary<string, (string Reason, string Message)> Ok = new(StringComparer.Ordinal)
    {
        ["NamespaceDeletionDiscoveryFailure"] = ("ResourcesDiscovered", "All resources successfully discovered"),
        ["NamespaceDeletionGroupVersionParsingFailure"] = ("ParsedGroupVersions", "All legacy kube types successfully parsed"),
        ["NamespaceDeletionContentFailure"] = ("ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
        ["NamespaceContentRemaining"] = ("ContentRemoved", "All content successfully removed"),
        ["NamespaceFinalizersRemaining"] = ("ContentRemoved", "All content successfully removed"),
    };

    /// <param name="store">The store whose namespaces the controller finalizes.</param>
    /// <param name="time">The world's clock.</param>
    public NamespaceController(ObjectStore store, TimeProvider time)
        : base(store, time)
    {
    }

    /// <inheritdoc/>
    public override string Name => Component;

    private KubeResource Namespaces => Store.Resources.For("v1", "Namespace");

    /// <summary>A namespace being deleted is queued; so is the namespace of content that goes or is finalizing while it is.</summary>
    public override void OnChange(WatchEvent change)
    {
        var obj = change.Object;
        if (obj is { Kind: "Namespace", ApiVersion: "v1" })
        {
            if (change.Type != WatchEventType.Deleted && obj.IsTerminating)
            {
                Queue.Add(new ObjectKey(null, obj.Name));
            }
        }
        else if (obj.Namespace is { } ns && (change.Type == WatchEventType.Deleted || obj.IsTerminating)
                 && Store.TryGet(Namespaces, null, ns) is { IsTerminating: true })
        {
            Queue.Add(new ObjectKey(null, ns));
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key.Name));

    /// <summary>namespaced_resources_deleter.go <c>Delete</c>: content, conditions, <c>finalize</c>, then the namespace.</summary>
    private ReconcileResult Reconcile(string name)
    {
        var ns = Store.TryGet(Namespaces, null, name);
        if (ns is not { IsTerminating: true })
        {
            return ReconcileResult.Done;
        }

        if (Finalized(ns))
        {
            Store.Delete(Namespaces, null, name, new DeleteOptions(PreconditionUid: ns.Uid), Context);
            return ReconcileResult.Done;
        }

        // deleteAllContent: everything in the namespace is deleted, then what is left is counted by resource and by
        // finalizer. deleteCollection and deleteEachItem delete with background propagation and no grace period
        // (metav1.DeleteOptions{PropagationPolicy: &background}), so each object takes its own default: a pod on a node
        // is Terminating for its terminationGracePeriodSeconds while its kubelet stops it, and the namespace waits.
        foreach (var (resource, obj) in Store.ContentOf(name).Where(c => !c.Object.IsTerminating))
        {
            try
            {
                Store.Delete(resource, name, obj.Name, Background, Context);
            }
            catch (KubeException e) when (e.Code == 404)
            {
                // Collected with its owner meanwhile.
            }
        }

        var remaining = Store.ContentOf(name);
        ns = Store.TryGet(Namespaces, null, name);
        if (ns is null)
        {
            return ReconcileResult.Done;
        }

        ns = UpdateConditions(ns, remaining);
        if (remaining.Count > 0)
        {
            // ResourcesRemainingError: the content's own removal brings the namespace back here.
            return ReconcileResult.Done;
        }

        var finalized = Store.FinalizeNamespace(name, Context);
        if (finalized is not null && Finalized(finalized))
        {
            Store.Delete(Namespaces, null, name, new DeleteOptions(PreconditionUid: finalized.Uid), Context);
        }

        return ReconcileResult.Done;
    }

    private static bool Finalized(KubeObject ns) => ns["spec.finalizers"] is not JsonArray { Count: > 0 };

    /// <summary>
    /// <c>ProcessContentTotals</c> and <c>updateConditions</c> (status_condition_utils.go): the five conditions, each
    /// its "ok" variant unless content or finalizers remain; a condition's lastTransitionTime moves only when its
    /// status does; the status is written only when something changed.
    /// </summary>
    private KubeObject UpdateConditions(KubeObject ns, IReadOnlyList<(KubeResource Resource, KubeObject Object)> remaining)
    {
        var now = KubeObject.FormatTimestamp(Time.GetUtcNow());
        var failing = new Dictionary<string, (string Reason, string Message)>(StringComparer.Ordinal);
        if (remaining.Count > 0)
        {
            var byResource = remaining.GroupBy(c => $"{c.Resource.Plural}.{c.Resource.Group}")
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} has {g.Count()} resource instances"))
                .Order(StringComparer.Ordinal);
            failing["NamespaceContentRemaining"] = ("SomeResourcesRemain", $"Some resources are remaining: {string.Join(", ", byResource)}");
            var byFinalizer = remaining.SelectMany(c => c.Object.Finalizers).GroupBy(f => f)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} in {g.Count()} resource instances"))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (byFinalizer.Count > 0)
            {
                failing["NamespaceFinalizersRemaining"] = ("SomeFinalizerRemain", $"Some finalizers are remaining: {string.Join(", ", byFinalizer)}");
            }
        }

        var old = (ns["status.conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var conditions = new JsonArray();
        var changed = false;
        foreach (var type in ConditionTypes)
        {
            var (status, (reason, message)) = failing.TryGetValue(type, out var fail) ? ("True", fail) : ("False", Ok[type]);
            var previous = old.FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
            var since = previous?["status"]?.GetValue<string>() == status ? previous["lastTransitionTime"]?.GetValue<string>() ?? now : now;
            changed |= previous is null
                       || previous["status"]?.GetValue<string>() != status
                       || previous["reason"]?.GetValue<string>() != reason
                       || previous["message"]?.GetValue<string>() != message;
            conditions.Add(new JsonObject
            {
                ["type"] = type,
                ["status"] = status,
                ["lastTransitionTime"] = since,
                ["reason"] = reason,
                ["message"] = message,
            });
        }

        if (!changed)
        {
            return ns;
        }

        return Store.UpdateStatus(ns.With(json =>
        {
            var status = json["status"] as JsonObject ?? [];
            status["conditions"] = conditions;
            json["status"] = status;
        }), Context);
    }
}
