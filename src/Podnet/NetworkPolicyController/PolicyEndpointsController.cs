using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.NetworkPolicyController;

/// <summary>
/// EKS's network policy controller (aws/amazon-network-policy-controller-k8s, which EKS runs in the control plane):
/// while the <c>amazon-vpc-cni</c> ConfigMap's <c>enable-network-policy-controller</c> is <c>"true"</c>, it resolves each
/// NetworkPolicy to the PolicyEndpoints the node agents program their eBPF maps from, in the policy's namespace, named
/// <c>POLICY-xxxxx</c>, owned by the policy; it puts the finalizer <c>networking.k8s.aws/resources</c> on each policy
/// and, when the policy is deleted, deletes its PolicyEndpoints before taking the finalizer off
/// (internal/controllers/policy_controller.go reconcileNetworkPolicy, cleanupNetworkPolicy).
/// </summary>
/// <remarks>
/// A policy is reconciled when it changes and when a pod, namespace or Service it may resolve to changes
/// (internal/eventhandlers): the pods of its namespace it selects or its rules' selectors pick, before or after the
/// change, and for a policy with a namespaceSelector peer the pods and Services of any namespace and the namespaces
/// themselves; those come a <see cref="PodUpdateBatchPeriod"/> later, a policy's own change at once, and a change of a
/// policy that leaves its spec and deletion as they were (its finalizer, its labels) not at all. Podnet's own agent
/// decides connections from the NetworkPolicies, so the PolicyEndpoints are what a user inspects
/// (<c>kubectl get policyendpoints -A</c>), not what enforces.
/// </remarks>
public sealed class PolicyEndpointsController : ReconcilingController
{
    /// <summary>The amazon-vpc-cni ConfigMap's key that turns the controller on (<c>"true"</c>).</summary>
    public const string EnabledKey = "enable-network-policy-controller";

    /// <summary>The finalizer the controller puts on every NetworkPolicy it has resolved (policy_controller.go <c>policyFinalizerName</c>).</summary>
    public const string Finalizer = "networking.k8s.aws/resources";

    /// <summary>When the controller last created or changed a PolicyEndpoint, RFC 3339 with nanoseconds (manager.go <c>LastChangeTriggerTimeAnnotation</c>).</summary>
    public const string LastChangeTriggerTimeAnnotation = "networking.k8s.aws/last-change-trigger-time";

    /// <summary>The most entries of each list (ingress, egress, pods) one PolicyEndpoint holds (pkg/config <c>defaultEndpointsChunkSize</c>).</summary>
    public const int EndpointChunkSize = 200;

    /// <summary>
    /// How long a policy waits after a pod, Service or namespace change concerns it before it is resolved again, so a
    /// burst of changes (a Deployment scaling) is resolved once (pkg/config <c>defaultBatchPeriodDuration</c>, the flag
    /// <c>--pod-update-batch-period-duration</c>; eventhandlers/policy.go Generic enqueues with it).
    /// </summary>
    public static readonly TimeSpan PodUpdateBatchPeriod = TimeSpan.FromSeconds(1);

    /// <summary>The user the EKS-managed controller writes as.</summary>
    public const string ControllerUser = "eks:network-policy-controller";

    private const string ConfigMapNamespace = "kube-system";
    private const string ConfigMapName = "amazon-vpc-cni";

    private static readonly RequestContext Context = new(ControllerUser);

    private readonly EndpointsResolver _resolver;

    /// <summary>The policies with a namespaceSelector peer, which a change in any namespace may concern (resolvers/policy_tracker.go).</summary>
    private readonly HashSet<ObjectKey> _crossNamespace = [];

    public PolicyEndpointsController(ObjectStore store, TimeProvider time)
        : base(store, time)
    {
        _resolver = new EndpointsResolver(store);
    }

    /// <inheritdoc/>
    public override string Name => "network-policy-controller";

    private KubeResource Policies => Store.Resources.For("networking.k8s.io/v1", "NetworkPolicy");

    private KubeResource PolicyEndpoints => Store.Resources.For("networking.k8s.aws/v1alpha1", "PolicyEndpoint");

    /// <summary>Whether the controller runs: the ConfigMap's <see cref="EnabledKey"/> is <c>"true"</c> (pkg/config/configmap_manager.go).</summary>
    public static bool IsEnabled(ObjectStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Enables(store.TryGet(store.Resources.For("v1", "ConfigMap"), ConfigMapNamespace, ConfigMapName));
    }

    private static bool Enables(KubeObject? configMap) => configMap?.GetString($"data.{EnabledKey}") == "true";

    /// <inheritdoc/>
    public override void OnChange(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var obj = change.Object;
        if (Is(change, "networking.k8s.io", "NetworkPolicy"))
        {
            var key = ObjectKey.Of(obj);
            if (change.Type == WatchEventType.Deleted || !Compiled(obj).HasNamespaceSelectorPeer)
            {
                _crossNamespace.Remove(key);
            }
            else
            {
                _crossNamespace.Add(key);
            }

            // eventhandlers/policy.go Update: a new version with the same spec and deletion state is not resolved again.
            if (change.Type != WatchEventType.Deleted && !(change.Type == WatchEventType.Modified && change.Previous is { } previous
                    && JsonNode.DeepEquals(previous.Peek("spec"), obj.Peek("spec")) && previous.IsTerminating == obj.IsTerminating))
            {
                Queue.Add(key);
            }
        }
        else if (Is(change, string.Empty, "ConfigMap") && obj.Namespace == ConfigMapNamespace && obj.Name == ConfigMapName)
        {
            // The controller starts when the switch turns on (its manager restarts on any change of it) and resolves
            // every policy there is.
            if (change.Type != WatchEventType.Deleted && Enables(obj) && !Enables(change.Previous))
            {
                foreach (var policy in Store.List(Policies).Items)
                {
                    Queue.Add(ObjectKey.Of(policy));
                }
            }
        }
        else if (!Is(change, string.Empty, "Pod") && !Is(change, string.Empty, "Service") && !Is(change, string.Empty, "Namespace"))
        {
            // Nothing else concerns the controller: the switch is read only for a change that may (every Event written
            // read the ConfigMap here).
        }
        else if (!IsEnabled(Store))
        {
            // Switched off, the controller is not running: the switch turning on resolves every policy.
        }
        else if (Is(change, string.Empty, "Pod") && obj.Namespace is { } ns && (change.Previous is not { } before || change.Type != WatchEventType.Modified || Resolves(before, obj)))
        {
            // eventhandlers/pod.go: the policies the pod's old or new self may concern.
            var peers = new List<PolicyPeer>(2) { Peer(obj) };
            if (change.Previous is { } previous)
            {
                peers.Add(Peer(previous));
            }

            foreach (var policy in Candidates(ns))
            {
                var compiled = Compiled(policy);
                if (peers.Any(p => compiled.Concerns(p)))
                {
                    Queue.AddAfter(ObjectKey.Of(policy), PodUpdateBatchPeriod);
                }
            }
        }
        else if (Is(change, string.Empty, "Service") && obj.Namespace is { } serviceNamespace)
        {
            // eventhandlers/service.go: egress rules carry the cluster IPs of the Services their peers select.
            foreach (var policy in Candidates(serviceNamespace))
            {
                Queue.AddAfter(ObjectKey.Of(policy), PodUpdateBatchPeriod);
            }
        }
        else if (Is(change, string.Empty, "Namespace"))
        {
            foreach (var key in _crossNamespace)
            {
                Queue.AddAfter(key, PodUpdateBatchPeriod);
            }
        }
    }

    /// <summary>The policies of <paramref name="ns"/> and those with a namespaceSelector peer.</summary>
    private IEnumerable<KubeObject> Candidates(string ns)
    {
        var local = Store.List(Policies, ns).Items;
        var others = _crossNamespace.Where(k => k.Namespace != ns).Select(k => Store.TryGet(Policies, k.Namespace, k.Name)).OfType<KubeObject>();
        return local.Concat(others);
    }

    /// <summary>Whether a pod's change can change what a policy resolves it to: its labels, address, node, phase or deletion.</summary>
    private static bool Resolves(KubeObject before, KubeObject after)
        => !SharedSubtrees.Equal(before.Peek("metadata.labels"), after.Peek("metadata.labels"))
           || EndpointsResolver.PodIP(before) != EndpointsResolver.PodIP(after)
           || before.GetString("status.hostIP") != after.GetString("status.hostIP")
           || before.IsTerminating != after.IsTerminating;

    /// <summary>A pod as policy selectors see it, with its namespace's labels.</summary>
    private PolicyPeer Peer(KubeObject pod)
    {
        var ns = Store.TryGet(Store.Resources.For("v1", "Namespace"), null, pod.Namespace ?? "default");
        var labels = new Dictionary<string, string>(ns?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [PolicyPeer.NamespaceNameLabel] = pod.Namespace ?? "default",
        };
        return PolicyPeer.FromPod(pod, labels);
    }

    /// <summary>A policy compiled once per stored version.</summary>
    private static PolicyScope Compiled(KubeObject policy) => policy.Facts(static p => new PolicyScope(NetworkPolicyCompiler.Compile(p, [])));

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        if (!IsEnabled(Store) || Store.TryGet(Policies, key.Namespace, key.Name) is not { } policy)
        {
            // A deleted policy's PolicyEndpoints go with it (their owner reference).
            return ReconcileResult.Done;
        }

        var owned = Store.ListOwnedBy(PolicyEndpoints, policy.Uid ?? string.Empty).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (policy.IsTerminating)
        {
            if (policy.Finalizers.Contains(Finalizer))
            {
                foreach (var endpoint in owned)
                {
                    Store.Delete(endpoint, context: Context);
                }

                policy = Store.Update(policy.With(j => SetFinalizers(j, [.. policy.Finalizers.Where(f => f != Finalizer)])), Context);
            }

            return ReconcileResult.Done;
        }

        if (!policy.Finalizers.Contains(Finalizer))
        {
            policy = Store.Update(policy.With(j => SetFinalizers(j, [.. policy.Finalizers, Finalizer])), Context);
        }

        var plan = PolicyEndpointPacking.Plan(policy, owned, _resolver.Resolve(policy), EndpointChunkSize);
        var now = Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        foreach (var create in plan.Creates)
        {
            Store.Create(KubeObject.From(create).WithAnnotation(LastChangeTriggerTimeAnnotation, now), Context);
        }

        foreach (var (existing, spec) in plan.Updates)
        {
            if (!JsonNode.DeepEquals(existing.Peek("spec"), spec))
            {
                Store.Update(existing.With(j => j["spec"] = spec.DeepClone()).WithAnnotation(LastChangeTriggerTimeAnnotation, now), Context);
            }
        }

        foreach (var delete in plan.Deletes)
        {
            Store.Delete(delete, context: Context);
        }

        return ReconcileResult.Done;
    }

    private static void SetFinalizers(JsonObject json, List<string> finalizers)
    {
        var metadata = (JsonObject)json["metadata"]!;
        if (finalizers.Count == 0)
        {
            metadata.Remove("finalizers");
        }
        else
        {
            metadata["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]);
        }
    }

    /// <summary>A compiled policy and what a pod's change asks of it.</summary>
    private sealed class PolicyScope(CompiledNetworkPolicy policy)
    {
        /// <summary>Whether a rule has a peer with a namespaceSelector, so pods and namespaces anywhere concern it.</summary>
        public bool HasNamespaceSelectorPeer { get; } = policy.IngressRules.Concat(policy.EgressRules).Any(r => r.Peers.Any(p => p.NamespaceSelector is not null));

        /// <summary>Whether the policy applies to <paramref name="pod"/> or one of its rules' selector peers picks it.</summary>
        public bool Concerns(PolicyPeer pod)
            => policy.Selects(pod) || policy.IngressRules.Concat(policy.EgressRules).Any(r => r.Peers.Any(p => p.IpBlock is null && p.Matches(pod)));
    }
}
