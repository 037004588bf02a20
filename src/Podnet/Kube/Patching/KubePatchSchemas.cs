namespace Podnet.Kube.Patching;

/// <summary>
/// The strategic merge patch metadata of the built-in Kubernetes kinds, transcribed from the <c>patchStrategy</c>
/// and <c>patchMergeKey</c> struct tags of k8s.io/api. Only fields that need more than the default (objects
/// merge, lists are replaced) are listed; add a kind by adding a row to <see cref="Kinds"/>.
/// </summary>
public static class KubePatchSchemas
{
    /// <summary>API groups served by the API server's built-in types; custom resources never get SMP.</summary>
    private static readonly HashSet<string> BuiltInGroups = new(StringComparer.Ordinal)
    {
        "", "apps", "batch", "autoscaling", "policy", "extensions",
        "networking.k8s.io", "discovery.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io",
        "coordination.k8s.io", "events.k8s.io", "scheduling.k8s.io", "node.k8s.io", "certificates.k8s.io",
        "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
        "flowcontrol.apiserver.k8s.io", "resource.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
        "internal.apiserver.k8s.io", "storagemigration.k8s.io",
    };

    public static readonly PatchType ObjectMeta = new("ObjectMeta",
    [
        F("finalizers", PatchField.MergeSet()),
        F("ownerReferences", PatchField.MergeList("uid")),
    ]);

    public static readonly PatchType Container = new("Container",
    [
        F("env", PatchField.MergeList("name")),
        F("ports", PatchField.MergeList("containerPort")),
        F("volumeMounts", PatchField.MergeList("mountPath")),
        F("volumeDevices", PatchField.MergeList("devicePath")),
        F("envFrom", PatchField.Atomic()),
        F("resizePolicy", PatchField.Atomic()),
    ]);

    public static readonly PatchType PodSpec = new("PodSpec",
    [
        F("containers", PatchField.MergeList("name", Container)),
        F("initContainers", PatchField.MergeList("name", Container)),
        F("ephemeralContainers", PatchField.MergeList("name", Container)),
        F("volumes", PatchField.MergeList("name", retainKeys: true)),
        F("imagePullSecrets", PatchField.MergeList("name")),
        F("hostAliases", PatchField.MergeList("ip")),
        F("topologySpreadConstraints", PatchField.MergeList("topologyKey")),
        F("resourceClaims", PatchField.MergeList("name", retainKeys: true)),
        F("schedulingGates", PatchField.MergeList("name")),
        F("tolerations", PatchField.Atomic()),
        F("readinessGates", PatchField.Atomic()),
    ]);

    public static readonly PatchType PodTemplateSpec = new("PodTemplateSpec",
    [
        F("metadata", PatchField.Object(ObjectMeta)),
        F("spec", PatchField.Object(PodSpec)),
    ]);

    public static readonly PatchType PodStatus = new("PodStatus",
    [
        F("conditions", PatchField.MergeList("type")),
        F("podIPs", PatchField.MergeList("ip")),
        F("hostIPs", PatchField.MergeList("ip")),
        F("resourceClaimStatuses", PatchField.MergeList("name", retainKeys: true)),
        F("containerStatuses", PatchField.Atomic()),
        F("initContainerStatuses", PatchField.Atomic()),
        F("ephemeralContainerStatuses", PatchField.Atomic()),
    ]);

    /// <summary>A status whose only special field is <c>conditions</c>, merged by <c>type</c>.</summary>
    public static readonly PatchType ConditionsStatus = new("Status",
    [
        F("conditions", PatchField.MergeList("type")),
    ]);

    private static readonly PatchType JobSpec = new("JobSpec",
    [
        F("template", PatchField.Object(PodTemplateSpec)),
    ]);

    private static readonly Dictionary<(string Group, string Kind), PatchType> Kinds = new()
    {
        [("", "Pod")] = Kind("Pod", F("spec", PatchField.Object(PodSpec)), F("status", PatchField.Object(PodStatus))),
        [("", "PodTemplate")] = Kind("PodTemplate", F("template", PatchField.Object(PodTemplateSpec))),
        [("", "ReplicationController")] = Workload("ReplicationController"),
        [("", "Service")] = Kind("Service",
            F("spec", PatchField.Object(new PatchType("ServiceSpec", [F("ports", PatchField.MergeList("port"))]))),
            F("status", PatchField.Object(ConditionsStatus))),
        [("", "Node")] = Kind("Node",
            F("spec", PatchField.Object(new PatchType("NodeSpec",
            [
                F("podCIDRs", PatchField.MergeSet()),
                F("taints", PatchField.Atomic()),
            ]))),
            F("status", PatchField.Object(new PatchType("NodeStatus",
            [
                F("conditions", PatchField.MergeList("type")),
                F("addresses", PatchField.MergeList("type")),
                F("images", PatchField.Atomic()),
                F("volumesAttached", PatchField.Atomic()),
            ])))),
        [("", "Namespace")] = Kind("Namespace", F("status", PatchField.Object(ConditionsStatus))),
        [("", "PersistentVolumeClaim")] = Kind("PersistentVolumeClaim", F("status", PatchField.Object(ConditionsStatus))),
        [("", "ServiceAccount")] = Kind("ServiceAccount", F("secrets", PatchField.MergeList("name"))),
        [("", "Endpoints")] = Kind("Endpoints", F("subsets", PatchField.Atomic())),
        [("discovery.k8s.io", "EndpointSlice")] = Kind("EndpointSlice",
            F("endpoints", PatchField.Atomic()), F("ports", PatchField.Atomic())),
        [("apps", "Deployment")] = Workload("Deployment", F("strategy", PatchField.RetainKeysObject())),
        [("apps", "ReplicaSet")] = Workload("ReplicaSet"),
        [("apps", "DaemonSet")] = Workload("DaemonSet"),
        [("apps", "StatefulSet")] = Workload("StatefulSet", F("volumeClaimTemplates", PatchField.Atomic())),
        [("batch", "Job")] = Workload("Job"),
        [("batch", "CronJob")] = Kind("CronJob",
            F("spec", PatchField.Object(new PatchType("CronJobSpec",
            [
                F("jobTemplate", PatchField.Object(new PatchType("JobTemplateSpec",
                [
                    F("metadata", PatchField.Object(ObjectMeta)),
                    F("spec", PatchField.Object(JobSpec)),
                ]))),
            ]))),
            F("status", PatchField.Object(new PatchType("CronJobStatus", [F("active", PatchField.Atomic())])))),
    };

    /// <summary>True when the API server accepts a strategic merge patch for this kind (a built-in API group).</summary>
    public static bool IsBuiltIn(string apiVersion, string kind)
        => !string.IsNullOrEmpty(kind) && BuiltInGroups.Contains(GroupOf(apiVersion));

    /// <summary>
    /// The patch type of a built-in kind: its row in the table, or a type with just <c>metadata</c> for a built-in
    /// kind the table does not list. Null for custom resources.
    /// </summary>
    public static PatchType? Find(string apiVersion, string kind)
    {
        if (!IsBuiltIn(apiVersion, kind))
        {
            return null;
        }

        return Kinds.TryGetValue((GroupOf(apiVersion), kind), out var type) ? type : Kind(kind);
    }

    private static string GroupOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : apiVersion[..slash];
    }

    private static PatchType Kind(string name, params KeyValuePair<string, PatchField>[] fields)
        => new(name, [F("metadata", PatchField.Object(ObjectMeta)), .. fields]);

    /// <summary>A kind with <c>spec.template</c> (a pod template) and <c>status.conditions</c>.</summary>
    private static PatchType Workload(string name, params KeyValuePair<string, PatchField>[] specFields)
        => Kind(name,
            F("spec", PatchField.Object(new PatchType(name + "Spec", [F("template", PatchField.Object(PodTemplateSpec)), .. specFields]))),
            F("status", PatchField.Object(ConditionsStatus)));

    private static KeyValuePair<string, PatchField> F(string name, PatchField field) => new(name, field);
}
