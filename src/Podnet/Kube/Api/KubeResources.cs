using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Podnet.Kube.Api;

/// <summary>
/// The kinds the emulated API server knows. Built-in and AWS kinds are listed; a kind nobody registered (a CRD in a
/// world) is served as a namespaced resource with the usual plural.
/// </summary>
public sealed class KubeResources
{
    private readonly ConcurrentDictionary<(string ApiVersion, string Kind), KubeResource> _byKind = new(KindKeyComparer.Instance);

    public KubeResources()
    {
        foreach (var resource in BuiltIn)
        {
            Register(resource);
        }
    }

    /// <summary>An Event's field labels (pkg/registry/core/event/strategy.go ToSelectableFields), served by both Event APIs.</summary>
    private static readonly FrozenSet<string> EventFields = Fields("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type");

    /// <summary>
    /// How long an Event lives after its last write: kube-apiserver's <c>--event-ttl</c> (cmd/kube-apiserver/app/options:
    /// <c>EventTTL: 1 * time.Hour</c>), which EKS keeps at that default and does not let a user change (AWS Containers
    /// blog, "Managing Kubernetes control plane events in Amazon EKS").
    /// </summary>
    public static readonly TimeSpan EventTimeToLive = TimeSpan.FromHours(1);

    public static IReadOnlyList<KubeResource> BuiltIn { get; } =
    [
        // No deletecollection: pkg/registry/core/namespace/storage's REST implements no rest.CollectionDeleter, so the
        // API server registers no DELETE route on /api/v1/namespaces and answers it 405.
        new(string.Empty, "v1", "Namespace", "namespaces", false, ["ns"]) { HasStatusSubresource = true, FieldSelectors = Fields("status.phase"), Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"] },
        new(string.Empty, "v1", "Node", "nodes", false, ["no"]) { HasStatusSubresource = true, KeepsStatusOnCreate = true, FieldSelectors = Fields("spec.unschedulable") },
        new(string.Empty, "v1", "Pod", "pods", true, ["po"]) { HasStatusSubresource = true, FieldSelectors = Fields("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"), SharedParts = ["metadata", "spec", "status"] },
        new(string.Empty, "v1", "Service", "services", true, ["svc"]) { HasStatusSubresource = true },
        new(string.Empty, "v1", "Endpoints", "endpoints", true, ["ep"]),
        new(string.Empty, "v1", "ServiceAccount", "serviceaccounts", true, ["sa"]),
        new(string.Empty, "v1", "ConfigMap", "configmaps", true, ["cm"]),
        new(string.Empty, "v1", "Secret", "secrets", true, []) { FieldSelectors = Fields("type") },
        new(string.Empty, "v1", "Event", "events", true, ["ev"]) { FieldSelectors = EventFields, KeptCompact = true, TimeToLive = EventTimeToLive },
        new("apps", "v1", "Deployment", "deployments", true, ["deploy"]) { HasStatusSubresource = true, TracksGeneration = true },
        new("apps", "v1", "ReplicaSet", "replicasets", true, ["rs"]) { HasStatusSubresource = true, TracksGeneration = true, FieldSelectors = Fields("status.replicas") },
        new("apps", "v1", "DaemonSet", "daemonsets", true, ["ds"]) { HasStatusSubresource = true, TracksGeneration = true },
        new("apps", "v1", "StatefulSet", "statefulsets", true, ["sts"]) { HasStatusSubresource = true, TracksGeneration = true },
        new("batch", "v1", "Job", "jobs", true, []) { HasStatusSubresource = true, TracksGeneration = true },
        new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, []),
        new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, ["netpol"]) { TracksGeneration = true },
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, []),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, []),
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true, []),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, []),
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["crd", "crds"]) { HasStatusSubresource = true, TracksGeneration = true },
        // The AWS kinds are custom resources; their printer columns are those of their CRDs
        // (aws/amazon-vpc-resource-controller-k8s config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml and
        // _cninodes.yaml; aws/amazon-vpc-cni-k8s charts/aws-vpc-cni/crds/customresourcedefinition.yaml has none).
        new("vpcresources.k8s.aws", "v1beta1", "SecurityGroupPolicy", "securitygrouppolicies", true, ["sgp"])
        {
            TracksGeneration = true,
            IsCustomResource = true,
            AdditionalPrinterColumns = [new("Security-Group-Ids", "string", ".spec.securityGroups.groupIds", "The security group IDs to apply to the elastic network interface of pods that match this policy")],
        },
        new("vpcresources.k8s.aws", "v1alpha1", "CNINode", "cninodes", false, ["cnd"])
        {
            HasStatusSubresource = true,
            TracksGeneration = true,
            IsCustomResource = true,
            AdditionalPrinterColumns = [new("Features", "string", ".spec.features", "The features delegated to VPC resource controller")],
        },
        new("crd.k8s.amazonaws.com", "v1alpha1", "ENIConfig", "eniconfigs", false, []) { TracksGeneration = true, IsCustomResource = true },
        // The network policy controller's (aws/amazon-network-policy-controller-k8s api/v1alpha1/policyendpoint_types.go);
        // the VPC CNI's chart installs its definition beside ENIConfig's, without printer columns or short names.
        new("networking.k8s.aws", "v1alpha1", "PolicyEndpoint", "policyendpoints", true, []) { HasStatusSubresource = true, TracksGeneration = true, IsCustomResource = true },

        // Served, kept whole, not modelled: kinds a dump of a real cluster holds, so that they load rather than
        // being taken for a mistyped kind ("no matches for kind").
        new(string.Empty, "v1", "ResourceQuota", "resourcequotas", true, ["quota"]),
        new(string.Empty, "v1", "LimitRange", "limitranges", true, ["limits"]),
        new(string.Empty, "v1", "PersistentVolume", "persistentvolumes", false, ["pv"]),
        new(string.Empty, "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, ["pvc"]),
        new(string.Empty, "v1", "ReplicationController", "replicationcontrollers", true, ["rc"]),
        new(string.Empty, "v1", "PodTemplate", "podtemplates", true, []),
        new("batch", "v1", "CronJob", "cronjobs", true, ["cj"]),
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, ["pdb"]) { HasStatusSubresource = true, TracksGeneration = true },
        new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, ["sc"]),
        new("networking.k8s.io", "v1", "Ingress", "ingresses", true, ["ing"]),
        new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, []),
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"]),
        new("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"]),
        new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, ["pc"]),
        new("coordination.k8s.io", "v1", "Lease", "leases", true, []),
        new("events.k8s.io", "v1", "Event", "events", true, ["ev"]) { FieldSelectors = EventFields, KeptCompact = true, TimeToLive = EventTimeToLive },
        new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false, []),
        new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, []),
        new("apiregistration.k8s.io", "v1", "APIService", "apiservices", false, []),
        new("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false, []),
    ];

    private static FrozenSet<string> Fields(params string[] fields) => fields.ToFrozenSet(StringComparer.Ordinal);

    public void Register(KubeResource resource) => _byKind[(resource.ApiVersion, resource.Kind)] = resource;

    public KubeResource? Find(string apiVersion, string kind) => _byKind.GetValueOrDefault((apiVersion, kind));

    /// <summary>The registered resource, or for an unknown kind a namespaced custom resource with the conventional plural.</summary>
    public KubeResource For(string apiVersion, string kind) => Find(apiVersion, kind) ?? Unknown(apiVersion, kind);

    /// <summary>
    /// A kind no definition names, as a custom resource of its own. Apart from <see cref="For(string, string)"/>, whose
    /// every call (every write asks it) would otherwise make the closure below before looking the kind up.
    /// </summary>
    private KubeResource Unknown(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? string.Empty : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        return _byKind.GetOrAdd((apiVersion, kind), _ => new KubeResource(group, version, kind, Pluralize(kind.ToLowerInvariant()), true, []) { IsCustomResource = true });
    }

    public KubeResource For(KubeObject obj) => For(obj.ApiVersion, obj.Kind);

    public IEnumerable<KubeResource> All => _byKind.Values.OrderBy(r => r.ApiVersion, StringComparer.Ordinal).ThenBy(r => r.Kind, StringComparer.Ordinal);

    private static string Pluralize(string singular) => singular switch
    {
        _ when singular.EndsWith('y') && !singular.EndsWith("ey", StringComparison.Ordinal) => singular[..^1] + "ies",
        _ when singular.EndsWith('s') || singular.EndsWith('x') || singular.EndsWith("ch", StringComparison.Ordinal) => singular + "es",
        _ => singular + "s",
    };

    /// <summary>
    /// Compares (apiVersion, kind) keys by their strings, hashing their lengths and end characters instead of running
    /// the randomized string hash over both: every controller, read and write looks a kind up here, the same few dozen
    /// keys, and the hash was a percent of a settle.
    /// </summary>
    private sealed class KindKeyComparer : IEqualityComparer<(string ApiVersion, string Kind)>
    {
        public static readonly KindKeyComparer Instance = new();

        public bool Equals((string ApiVersion, string Kind) x, (string ApiVersion, string Kind) y)
            => string.Equals(x.Kind, y.Kind, StringComparison.Ordinal) && string.Equals(x.ApiVersion, y.ApiVersion, StringComparison.Ordinal);

        public int GetHashCode((string ApiVersion, string Kind) key)
            => HashCode.Combine(Ends(key.Kind), Ends(key.ApiVersion));

        private static int Ends(string? text)
            => text is not { Length: > 0 } ? 0 : (text.Length << 16) ^ (text[0] << 8) ^ text[^1] ^ (text[text.Length / 2] << 4);
    }
}
