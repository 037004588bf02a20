namespace Podnet.Kube.Validation;

/// <summary>
/// The types of k8s.io/api (core/v1, apps/v1, networking/v1) and apimachinery's meta/v1 that Podnet reads, with the
/// fields Podnet reads typed and the rest left to <see cref="GoType.Any"/>. Names and JSON field names are the real
/// ones, because encoding/json's errors print them.
/// </summary>
public static class GoTypes
{
    private static readonly GoType Str = GoType.String();
    private static readonly GoType Strings = GoType.SliceOf(Str);
    private static readonly GoType StringMap = GoType.MapOf(Str);

    /// <summary>metav1.TypeMeta: what every document must name before anything else is read.</summary>
    public static GoType TypeMeta { get; } = GoType.Struct("v1.TypeMeta", new Dictionary<string, GoType> { ["apiVersion"] = Str, ["kind"] = Str });

    /// <summary>metav1.OwnerReference.</summary>
    public static GoType OwnerReference { get; } = GoType.Struct("v1.OwnerReference", new Dictionary<string, GoType>
    {
        ["apiVersion"] = Str, ["kind"] = Str, ["name"] = Str, ["uid"] = GoType.String("types.UID"), ["controller"] = GoType.Bool, ["blockOwnerDeletion"] = GoType.Bool,
    });

    /// <summary>metav1.ObjectMeta (timestamps are metav1.Time, which decodes from a string).</summary>
    public static GoType ObjectMeta { get; } = GoType.Struct("v1.ObjectMeta", new Dictionary<string, GoType>
    {
        ["name"] = Str, ["generateName"] = Str, ["namespace"] = Str, ["uid"] = GoType.String("types.UID"), ["resourceVersion"] = Str,
        ["generation"] = GoType.Int64, ["creationTimestamp"] = Str, ["deletionTimestamp"] = Str, ["deletionGracePeriodSeconds"] = GoType.Int64,
        ["labels"] = StringMap, ["annotations"] = StringMap, ["finalizers"] = Strings, ["ownerReferences"] = GoType.SliceOf(OwnerReference),
        ["managedFields"] = GoType.Any,
    });

    /// <summary>metav1.LabelSelectorRequirement.</summary>
    public static GoType LabelSelectorRequirement { get; } = GoType.Struct("v1.LabelSelectorRequirement", new Dictionary<string, GoType>
    {
        ["key"] = Str, ["operator"] = GoType.String("v1.LabelSelectorOperator"), ["values"] = Strings,
    }, closed: true);

    /// <summary>metav1.LabelSelector.</summary>
    public static GoType LabelSelector { get; } = GoType.Struct("v1.LabelSelector", new Dictionary<string, GoType>
    {
        ["matchLabels"] = StringMap, ["matchExpressions"] = GoType.SliceOf(LabelSelectorRequirement),
    }, closed: true);

    /// <summary>core/v1 ContainerPort.</summary>
    public static GoType ContainerPort { get; } = GoType.Struct("v1.ContainerPort", new Dictionary<string, GoType>
    {
        ["name"] = Str, ["hostPort"] = GoType.Int32, ["containerPort"] = GoType.Int32, ["protocol"] = GoType.String("v1.Protocol"), ["hostIP"] = Str,
    });

    /// <summary>core/v1 EnvVar (valueFrom is kept whole).</summary>
    public static GoType EnvVar { get; } = GoType.Struct("v1.EnvVar", new Dictionary<string, GoType>
    {
        ["name"] = Str, ["value"] = Str, ["valueFrom"] = GoType.Any,
    });

    /// <summary>core/v1 Probe: the handlers lint reads (HTTP GET, TCP socket, gRPC) and the timings.</summary>
    public static GoType Probe { get; } = GoType.Struct("v1.Probe", new Dictionary<string, GoType>
    {
        ["httpGet"] = GoType.Struct("v1.HTTPGetAction", new Dictionary<string, GoType> { ["path"] = Str, ["port"] = GoType.IntOrString, ["host"] = Str, ["scheme"] = GoType.String("v1.URIScheme"), ["httpHeaders"] = GoType.Any }),
        ["tcpSocket"] = GoType.Struct("v1.TCPSocketAction", new Dictionary<string, GoType> { ["port"] = GoType.IntOrString, ["host"] = Str }),
        ["grpc"] = GoType.Struct("v1.GRPCAction", new Dictionary<string, GoType> { ["port"] = GoType.Int32, ["service"] = Str }),
        ["exec"] = GoType.Struct("v1.ExecAction", new Dictionary<string, GoType> { ["command"] = Strings }),
        ["initialDelaySeconds"] = GoType.Int32, ["timeoutSeconds"] = GoType.Int32, ["periodSeconds"] = GoType.Int32,
        ["successThreshold"] = GoType.Int32, ["failureThreshold"] = GoType.Int32, ["terminationGracePeriodSeconds"] = GoType.Int64,
    });

    /// <summary>core/v1 ResourceRequirements: requests and limits by resource name (the pod-eni branch request among them).</summary>
    public static GoType ResourceRequirements { get; } = GoType.Struct("v1.ResourceRequirements", new Dictionary<string, GoType>
    {
        ["limits"] = GoType.MapOf(GoType.Quantity), ["requests"] = GoType.MapOf(GoType.Quantity), ["claims"] = GoType.Any,
    });

    /// <summary>core/v1 Container.</summary>
    public static GoType Container { get; } = GoType.Struct("v1.Container", new Dictionary<string, GoType>
    {
        ["name"] = Str, ["image"] = Str, ["command"] = Strings, ["args"] = Strings, ["workingDir"] = Str,
        ["ports"] = GoType.SliceOf(ContainerPort), ["env"] = GoType.SliceOf(EnvVar), ["resources"] = ResourceRequirements,
        ["livenessProbe"] = Probe, ["readinessProbe"] = Probe, ["startupProbe"] = Probe, ["imagePullPolicy"] = GoType.String("v1.PullPolicy"),
    });

    /// <summary>core/v1 Toleration.</summary>
    public static GoType Toleration { get; } = GoType.Struct("v1.Toleration", new Dictionary<string, GoType>
    {
        ["key"] = Str, ["operator"] = GoType.String("v1.TolerationOperator"), ["value"] = Str, ["effect"] = GoType.String("v1.TaintEffect"), ["tolerationSeconds"] = GoType.Int64,
    });

    /// <summary>core/v1 PodSpec.</summary>
    public static GoType PodSpec { get; } = GoType.Struct("v1.PodSpec", new Dictionary<string, GoType>
    {
        ["containers"] = GoType.SliceOf(Container), ["initContainers"] = GoType.SliceOf(Container), ["nodeName"] = Str,
        ["hostNetwork"] = GoType.Bool, ["serviceAccountName"] = Str, ["serviceAccount"] = Str, ["schedulerName"] = Str,
        ["nodeSelector"] = StringMap, ["tolerations"] = GoType.SliceOf(Toleration), ["priority"] = GoType.Int32,
        ["restartPolicy"] = GoType.String("v1.RestartPolicy"), ["dnsPolicy"] = GoType.String("v1.DNSPolicy"),
        ["terminationGracePeriodSeconds"] = GoType.Int64, ["affinity"] = GoType.Any, ["priorityClassName"] = Str,
    });

    /// <summary>core/v1 PodStatus (the part a dump of a running cluster carries and Podnet reads).</summary>
    public static GoType PodStatus { get; } = GoType.Struct("v1.PodStatus", new Dictionary<string, GoType>
    {
        ["phase"] = GoType.String("v1.PodPhase"), ["podIP"] = Str, ["hostIP"] = Str,
        ["podIPs"] = GoType.SliceOf(GoType.Struct("v1.PodIP", new Dictionary<string, GoType> { ["ip"] = Str })),
        ["hostIPs"] = GoType.SliceOf(GoType.Struct("v1.HostIP", new Dictionary<string, GoType> { ["ip"] = Str })),
        ["conditions"] = GoType.SliceOf(GoType.Struct("v1.PodCondition", new Dictionary<string, GoType> { ["type"] = GoType.String("v1.PodConditionType"), ["status"] = GoType.String("v1.ConditionStatus"), ["reason"] = Str, ["message"] = Str })),
        ["qosClass"] = GoType.String("v1.PodQOSClass"), ["startTime"] = Str,
    });

    /// <summary>core/v1 PodTemplateSpec.</summary>
    public static GoType PodTemplateSpec { get; } = GoType.Struct("v1.PodTemplateSpec", new Dictionary<string, GoType>
    {
        ["metadata"] = ObjectMeta, ["spec"] = PodSpec,
    });

    /// <summary>core/v1 ServicePort.</summary>
    public static GoType ServicePort { get; } = GoType.Struct("v1.ServicePort", new Dictionary<string, GoType>
    {
        ["name"] = Str, ["protocol"] = GoType.String("v1.Protocol"), ["port"] = GoType.Int32, ["targetPort"] = GoType.IntOrString, ["nodePort"] = GoType.Int32, ["appProtocol"] = Str,
    });

    /// <summary>core/v1 ServiceSpec.</summary>
    public static GoType ServiceSpec { get; } = GoType.Struct("v1.ServiceSpec", new Dictionary<string, GoType>
    {
        ["type"] = GoType.String("v1.ServiceType"), ["clusterIP"] = Str, ["clusterIPs"] = Strings, ["selector"] = StringMap,
        ["ports"] = GoType.SliceOf(ServicePort), ["externalName"] = Str, ["ipFamilies"] = GoType.SliceOf(GoType.String("v1.IPFamily")),
        ["sessionAffinity"] = GoType.String("v1.ServiceAffinity"),
    });

    /// <summary>networking/v1 NetworkPolicyPort.</summary>
    public static GoType NetworkPolicyPort { get; } = GoType.Struct("v1.NetworkPolicyPort", new Dictionary<string, GoType>
    {
        ["protocol"] = GoType.String("v1.Protocol"), ["port"] = GoType.IntOrString, ["endPort"] = GoType.Int32,
    }, closed: true);

    /// <summary>networking/v1 NetworkPolicyPeer.</summary>
    public static GoType NetworkPolicyPeer { get; } = GoType.Struct("v1.NetworkPolicyPeer", new Dictionary<string, GoType>
    {
        ["podSelector"] = LabelSelector, ["namespaceSelector"] = LabelSelector,
        ["ipBlock"] = GoType.Struct("v1.IPBlock", new Dictionary<string, GoType> { ["cidr"] = Str, ["except"] = Strings }, closed: true),
    }, closed: true);

    /// <summary>networking/v1 NetworkPolicySpec.</summary>
    public static GoType NetworkPolicySpec { get; } = GoType.Struct("v1.NetworkPolicySpec", new Dictionary<string, GoType>
    {
        ["podSelector"] = LabelSelector,
        ["ingress"] = GoType.SliceOf(GoType.Struct("v1.NetworkPolicyIngressRule", new Dictionary<string, GoType> { ["ports"] = GoType.SliceOf(NetworkPolicyPort), ["from"] = GoType.SliceOf(NetworkPolicyPeer) }, closed: true)),
        ["egress"] = GoType.SliceOf(GoType.Struct("v1.NetworkPolicyEgressRule", new Dictionary<string, GoType> { ["ports"] = GoType.SliceOf(NetworkPolicyPort), ["to"] = GoType.SliceOf(NetworkPolicyPeer) }, closed: true)),
        ["policyTypes"] = GoType.SliceOf(GoType.String("v1.PolicyType")),
    }, closed: true);

    /// <summary>core/v1 EndpointAddress.</summary>
    public static GoType EndpointAddress { get; } = GoType.Struct("v1.EndpointAddress", new Dictionary<string, GoType>
    {
        ["ip"] = Str, ["hostname"] = Str, ["nodeName"] = Str, ["targetRef"] = GoType.Any,
    });

    /// <summary>core/v1 NodeSpec and NodeStatus, as far as Podnet reads them.</summary>
    public static GoType NodeSpec { get; } = GoType.Struct("v1.NodeSpec", new Dictionary<string, GoType>
    {
        ["podCIDR"] = Str, ["providerID"] = Str, ["unschedulable"] = GoType.Bool,
        ["taints"] = GoType.SliceOf(GoType.Struct("v1.Taint", new Dictionary<string, GoType> { ["key"] = Str, ["value"] = Str, ["effect"] = GoType.String("v1.TaintEffect") })),
    });

    /// <summary>core/v1 NodeStatus.</summary>
    public static GoType NodeStatus { get; } = GoType.Struct("v1.NodeStatus", new Dictionary<string, GoType>
    {
        ["addresses"] = GoType.SliceOf(GoType.Struct("v1.NodeAddress", new Dictionary<string, GoType> { ["type"] = GoType.String("v1.NodeAddressType"), ["address"] = Str })),
        // v1.ResourceList: resource.Quantity values, which decode from a string or a bare number (Quantity.UnmarshalJSON).
        ["capacity"] = GoType.MapOf(GoType.Quantity), ["allocatable"] = GoType.MapOf(GoType.Quantity), ["conditions"] = GoType.Any,
    });

    /// <summary>core/v1 EndpointSubset: the addresses and ports behind a Service (a dump may carry its own).</summary>
    public static GoType EndpointSubset { get; } = GoType.Struct("v1.EndpointSubset", new Dictionary<string, GoType>
    {
        ["addresses"] = GoType.SliceOf(EndpointAddress),
        ["notReadyAddresses"] = GoType.SliceOf(EndpointAddress),
        ["ports"] = GoType.SliceOf(GoType.Struct("v1.EndpointPort", new Dictionary<string, GoType> { ["name"] = Str, ["port"] = GoType.Int32, ["protocol"] = GoType.String("v1.Protocol"), ["appProtocol"] = Str })),
    });

    /// <summary>
    /// metav1.DeleteOptions, the body of a delete or deletecollection (and an Eviction's <c>deleteOptions</c>): the
    /// API server decodes it leniently (unknown fields ignored), so only a value of the wrong type is an error.
    /// </summary>
    public static GoType DeleteOptions { get; } = GoType.Struct("v1.DeleteOptions", new Dictionary<string, GoType>
    {
        ["apiVersion"] = Str, ["kind"] = Str, ["gracePeriodSeconds"] = GoType.Int64,
        ["preconditions"] = GoType.Struct("v1.Preconditions", new Dictionary<string, GoType> { ["uid"] = GoType.String("types.UID"), ["resourceVersion"] = Str }),
        ["orphanDependents"] = GoType.Bool, ["propagationPolicy"] = GoType.String("v1.DeletionPropagation"), ["dryRun"] = Strings,
    });

    /// <summary>policy/v1 Eviction, the body of <c>pods/eviction</c> (unknown fields ignored here).</summary>
    public static GoType Eviction { get; } = GoType.Struct("v1.Eviction", new Dictionary<string, GoType>
    {
        ["apiVersion"] = Str, ["kind"] = Str, ["metadata"] = ObjectMeta, ["deleteOptions"] = DeleteOptions,
    });

    /// <summary>autoscaling/v1 Scale, the body of the <c>scale</c> subresource (unknown fields ignored here).</summary>
    public static GoType Scale { get; } = GoType.Struct("v1.Scale", new Dictionary<string, GoType>
    {
        ["apiVersion"] = Str, ["kind"] = Str, ["metadata"] = ObjectMeta,
        ["spec"] = GoType.Struct("v1.ScaleSpec", new Dictionary<string, GoType> { ["replicas"] = GoType.Int32 }),
        ["status"] = GoType.Struct("v1.ScaleStatus", new Dictionary<string, GoType> { ["replicas"] = GoType.Int32, ["selector"] = Str }),
    });

    /// <summary>
    /// A top-level kind: apiVersion, kind, metadata and the given fields — all of its fields, so a field it does not
    /// have is refused under strict field validation (<c>strict decoding error: unknown field "dta"</c>).
    /// </summary>
    public static GoType Kind(string name, params (string Field, GoType Type)[] fields) => Kind(name, closed: true, fields);

    /// <summary>
    /// A top-level kind whose other top-level fields are kept (a CRD whose root preserves unknown fields): apiVersion,
    /// kind, metadata and the given fields, nothing refused beside them.
    /// </summary>
    public static GoType KindPreservingUnknownFields(string name, params (string Field, GoType Type)[] fields) => Kind(name, closed: false, fields);

    private static GoType Kind(string name, bool closed, (string Field, GoType Type)[] fields)
    {
        var all = new Dictionary<string, GoType> { ["apiVersion"] = Str, ["kind"] = Str, ["metadata"] = ObjectMeta };
        foreach (var (field, type) in fields)
        {
            all[field] = type;
        }

        return GoType.Struct(name, all, closed);
    }

    /// <summary>An apps/v1 workload spec (Deployment, ReplicaSet, DaemonSet, StatefulSet): replicas, selector, template.</summary>
    public static GoType WorkloadSpec(string name, bool replicas, params (string Field, GoType Type)[] more)
    {
        var fields = new Dictionary<string, GoType> { ["selector"] = LabelSelector, ["template"] = PodTemplateSpec, ["minReadySeconds"] = GoType.Int32, ["revisionHistoryLimit"] = GoType.Int32 };
        if (replicas)
        {
            fields["replicas"] = GoType.Int32;
        }

        foreach (var (field, type) in more)
        {
            fields[field] = type;
        }

        return GoType.Struct(name, fields);
    }
}
