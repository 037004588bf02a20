namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for Namespace, ConfigMap, Secret, ServiceAccount, Service, ResourceQuota and the pod template (containers, ports, env, resources): field numbers from k8s.io/api core/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class CoreV1Messages
{
    /// <summary>k8s.io/api core/v1 generated.proto message ObjectReference.</summary>
    internal static readonly ProtoMessage ObjectReference = new("ObjectReference",
    [
        new(1, "kind", ProtoKind.String, Presence.OmitEmpty),
        new(2, "namespace", ProtoKind.String, Presence.OmitEmpty),
        new(3, "name", ProtoKind.String, Presence.OmitEmpty),
        new(4, "uid", ProtoKind.String, Presence.OmitEmpty),
        new(5, "apiVersion", ProtoKind.String, Presence.OmitEmpty),
        new(6, "resourceVersion", ProtoKind.String, Presence.OmitEmpty),
        new(7, "fieldPath", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message LocalObjectReference.</summary>
    internal static readonly ProtoMessage LocalObjectReference = new("LocalObjectReference",
    [
        new(1, "name", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message NamespaceSpec.</summary>
    internal static readonly ProtoMessage NamespaceSpec = new("NamespaceSpec",
    [
        new(1, "finalizers", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message NamespaceStatus.</summary>
    internal static readonly ProtoMessage NamespaceStatus = new("NamespaceStatus",
    [
        new(1, "phase", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message Namespace.</summary>
    internal static readonly ProtoMessage Namespace = new("Namespace",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", NamespaceSpec, Presence.Always),
        new(3, "status", NamespaceStatus, Presence.Always),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ConfigMap.</summary>
    internal static readonly ProtoMessage ConfigMap = new("ConfigMap",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(4, "immutable", ProtoKind.Bool, Presence.Optional),
        ProtoFields.StringMap(2, "data", Presence.OmitEmpty),
        ProtoFields.BytesMap(3, "binaryData", Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message Secret.</summary>
    internal static readonly ProtoMessage Secret = new("Secret",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(5, "immutable", ProtoKind.Bool, Presence.Optional),
        ProtoFields.BytesMap(2, "data", Presence.OmitEmpty),
        ProtoFields.StringMap(4, "stringData", Presence.OmitEmpty),
        new(3, "type", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ServiceAccount.</summary>
    internal static readonly ProtoMessage ServiceAccount = new("ServiceAccount",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "secrets", ObjectReference, Presence.OmitEmpty, Repeated: true),
        new(3, "imagePullSecrets", LocalObjectReference, Presence.OmitEmpty, Repeated: true),
        new(4, "automountServiceAccountToken", ProtoKind.Bool, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ServicePort.</summary>
    internal static readonly ProtoMessage ServicePort = new("ServicePort",
    [
        new(1, "name", ProtoKind.String, Presence.OmitEmpty),
        new(2, "protocol", ProtoKind.String, Presence.OmitEmpty),
        new(6, "appProtocol", ProtoKind.String, Presence.Optional),
        new(3, "port", ProtoKind.Int32, Presence.Always),
        new(4, "targetPort", WellKnownMessages.IntOrString, Presence.Always),
        new(5, "nodePort", ProtoKind.Int32, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message PortStatus.</summary>
    internal static readonly ProtoMessage PortStatus = new("PortStatus",
    [
        new(1, "port", ProtoKind.Int32, Presence.Always),
        new(2, "protocol", ProtoKind.String, Presence.Always),
        new(3, "error", ProtoKind.String, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message LoadBalancerIngress.</summary>
    internal static readonly ProtoMessage LoadBalancerIngress = new("LoadBalancerIngress",
    [
        new(1, "ip", ProtoKind.String, Presence.OmitEmpty),
        new(2, "hostname", ProtoKind.String, Presence.OmitEmpty),
        new(3, "ipMode", ProtoKind.String, Presence.Optional),
        new(4, "ports", PortStatus, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message LoadBalancerStatus.</summary>
    internal static readonly ProtoMessage LoadBalancerStatus = new("LoadBalancerStatus",
    [
        new(1, "ingress", LoadBalancerIngress, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ClientIPConfig.</summary>
    internal static readonly ProtoMessage ClientIPConfig = new("ClientIPConfig",
    [
        new(1, "timeoutSeconds", ProtoKind.Int32, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message SessionAffinityConfig.</summary>
    internal static readonly ProtoMessage SessionAffinityConfig = new("SessionAffinityConfig",
    [
        new(1, "clientIP", ClientIPConfig, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ServiceSpec.</summary>
    internal static readonly ProtoMessage ServiceSpec = new("ServiceSpec",
    [
        new(1, "ports", ServicePort, Presence.OmitEmpty, Repeated: true),
        ProtoFields.StringMap(2, "selector", Presence.OmitEmpty),
        new(3, "clusterIP", ProtoKind.String, Presence.OmitEmpty),
        new(18, "clusterIPs", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(4, "type", ProtoKind.String, Presence.OmitEmpty),
        new(5, "externalIPs", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(7, "sessionAffinity", ProtoKind.String, Presence.OmitEmpty),
        new(8, "loadBalancerIP", ProtoKind.String, Presence.OmitEmpty),
        new(9, "loadBalancerSourceRanges", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(10, "externalName", ProtoKind.String, Presence.OmitEmpty),
        new(11, "externalTrafficPolicy", ProtoKind.String, Presence.OmitEmpty),
        new(12, "healthCheckNodePort", ProtoKind.Int32, Presence.OmitEmpty),
        new(13, "publishNotReadyAddresses", ProtoKind.Bool, Presence.OmitEmpty),
        new(14, "sessionAffinityConfig", SessionAffinityConfig, Presence.Optional),
        new(19, "ipFamilies", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(17, "ipFamilyPolicy", ProtoKind.String, Presence.Optional),
        new(20, "allocateLoadBalancerNodePorts", ProtoKind.Bool, Presence.Optional),
        new(21, "loadBalancerClass", ProtoKind.String, Presence.Optional),
        new(22, "internalTrafficPolicy", ProtoKind.String, Presence.Optional),
        new(23, "trafficDistribution", ProtoKind.String, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ServiceStatus.</summary>
    internal static readonly ProtoMessage ServiceStatus = new("ServiceStatus",
    [
        new(1, "loadBalancer", LoadBalancerStatus, Presence.Always),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message Service.</summary>
    internal static readonly ProtoMessage Service = new("Service",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", ServiceSpec, Presence.Always),
        new(3, "status", ServiceStatus, Presence.Always),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ScopedResourceSelectorRequirement.</summary>
    internal static readonly ProtoMessage ScopedResourceSelectorRequirement = new("ScopedResourceSelectorRequirement",
    [
        new(1, "scopeName", ProtoKind.String, Presence.Always),
        new(2, "operator", ProtoKind.String, Presence.Always),
        new(3, "values", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ScopeSelector.</summary>
    internal static readonly ProtoMessage ScopeSelector = new("ScopeSelector",
    [
        new(1, "matchExpressions", ScopedResourceSelectorRequirement, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ResourceQuotaSpec.</summary>
    internal static readonly ProtoMessage ResourceQuotaSpec = new("ResourceQuotaSpec",
    [
        ProtoFields.QuantityMap(1, "hard", Presence.OmitEmpty),
        new(2, "scopes", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(3, "scopeSelector", ScopeSelector, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ResourceQuotaStatus.</summary>
    internal static readonly ProtoMessage ResourceQuotaStatus = new("ResourceQuotaStatus",
    [
        ProtoFields.QuantityMap(1, "hard", Presence.OmitEmpty),
        ProtoFields.QuantityMap(2, "used", Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ResourceQuota.</summary>
    internal static readonly ProtoMessage ResourceQuota = new("ResourceQuota",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", ResourceQuotaSpec, Presence.Always),
        new(3, "status", ResourceQuotaStatus, Presence.Always),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ContainerPort.</summary>
    internal static readonly ProtoMessage ContainerPort = new("ContainerPort",
    [
        new(1, "name", ProtoKind.String, Presence.OmitEmpty),
        new(2, "hostPort", ProtoKind.Int32, Presence.OmitEmpty),
        new(3, "containerPort", ProtoKind.Int32, Presence.Always),
        new(4, "protocol", ProtoKind.String, Presence.OmitEmpty),
        new(5, "hostIP", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ConfigMapKeySelector.</summary>
    internal static readonly ProtoMessage ConfigMapKeySelector = new("ConfigMapKeySelector",
    [
        new(1, "", LocalObjectReference, Presence.Always),
        new(2, "key", ProtoKind.String, Presence.Always),
        new(3, "optional", ProtoKind.Bool, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message SecretKeySelector.</summary>
    internal static readonly ProtoMessage SecretKeySelector = new("SecretKeySelector",
    [
        new(1, "", LocalObjectReference, Presence.Always),
        new(2, "key", ProtoKind.String, Presence.Always),
        new(3, "optional", ProtoKind.Bool, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ObjectFieldSelector.</summary>
    internal static readonly ProtoMessage ObjectFieldSelector = new("ObjectFieldSelector",
    [
        new(1, "apiVersion", ProtoKind.String, Presence.OmitEmpty),
        new(2, "fieldPath", ProtoKind.String, Presence.Always),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ResourceFieldSelector.</summary>
    internal static readonly ProtoMessage ResourceFieldSelector = new("ResourceFieldSelector",
    [
        new(1, "containerName", ProtoKind.String, Presence.OmitEmpty),
        new(2, "resource", ProtoKind.String, Presence.Always),
        new(3, "divisor", WellKnownMessages.Quantity, Presence.Always),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message EnvVarSource.</summary>
    internal static readonly ProtoMessage EnvVarSource = new("EnvVarSource",
    [
        new(1, "fieldRef", ObjectFieldSelector, Presence.Optional),
        new(2, "resourceFieldRef", ResourceFieldSelector, Presence.Optional),
        new(3, "configMapKeyRef", ConfigMapKeySelector, Presence.Optional),
        new(4, "secretKeyRef", SecretKeySelector, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message EnvVar.</summary>
    internal static readonly ProtoMessage EnvVar = new("EnvVar",
    [
        new(1, "name", ProtoKind.String, Presence.Always),
        new(2, "value", ProtoKind.String, Presence.OmitEmpty),
        new(3, "valueFrom", EnvVarSource, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ConfigMapEnvSource.</summary>
    internal static readonly ProtoMessage ConfigMapEnvSource = new("ConfigMapEnvSource",
    [
        new(1, "", LocalObjectReference, Presence.Always),
        new(2, "optional", ProtoKind.Bool, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message SecretEnvSource.</summary>
    internal static readonly ProtoMessage SecretEnvSource = new("SecretEnvSource",
    [
        new(1, "", LocalObjectReference, Presence.Always),
        new(2, "optional", ProtoKind.Bool, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message EnvFromSource.</summary>
    internal static readonly ProtoMessage EnvFromSource = new("EnvFromSource",
    [
        new(1, "prefix", ProtoKind.String, Presence.OmitEmpty),
        new(2, "configMapRef", ConfigMapEnvSource, Presence.Optional),
        new(3, "secretRef", SecretEnvSource, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ResourceClaim.</summary>
    internal static readonly ProtoMessage ResourceClaim = new("ResourceClaim",
    [
        new(1, "name", ProtoKind.String, Presence.Always),
        new(2, "request", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message ResourceRequirements.</summary>
    internal static readonly ProtoMessage ResourceRequirements = new("ResourceRequirements",
    [
        ProtoFields.QuantityMap(1, "limits", Presence.OmitEmpty),
        ProtoFields.QuantityMap(2, "requests", Presence.OmitEmpty),
        new(3, "claims", ResourceClaim, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message VolumeMount.</summary>
    internal static readonly ProtoMessage VolumeMount = new("VolumeMount",
    [
        new(1, "name", ProtoKind.String, Presence.Always),
        new(2, "readOnly", ProtoKind.Bool, Presence.OmitEmpty),
        new(7, "recursiveReadOnly", ProtoKind.String, Presence.Optional),
        new(3, "mountPath", ProtoKind.String, Presence.Always),
        new(4, "subPath", ProtoKind.String, Presence.OmitEmpty),
        new(5, "mountPropagation", ProtoKind.String, Presence.Optional),
        new(6, "subPathExpr", ProtoKind.String, Presence.OmitEmpty),
        new(8, "bindMountOptions", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message Toleration.</summary>
    internal static readonly ProtoMessage Toleration = new("Toleration",
    [
        new(1, "key", ProtoKind.String, Presence.OmitEmpty),
        new(2, "operator", ProtoKind.String, Presence.OmitEmpty),
        new(3, "value", ProtoKind.String, Presence.OmitEmpty),
        new(4, "effect", ProtoKind.String, Presence.OmitEmpty),
        new(5, "tolerationSeconds", ProtoKind.Int64, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message Container.</summary>
    internal static readonly ProtoMessage Container = new("Container",
    [
        new(1, "name", ProtoKind.String, Presence.Always),
        new(2, "image", ProtoKind.String, Presence.OmitEmpty),
        new(3, "command", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(4, "args", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(5, "workingDir", ProtoKind.String, Presence.OmitEmpty),
        new(6, "ports", ContainerPort, Presence.OmitEmpty, Repeated: true),
        new(19, "envFrom", EnvFromSource, Presence.OmitEmpty, Repeated: true),
        new(7, "env", EnvVar, Presence.OmitEmpty, Repeated: true),
        new(8, "resources", ResourceRequirements, Presence.Always),
        new(24, "restartPolicy", ProtoKind.String, Presence.Optional),
        new(9, "volumeMounts", VolumeMount, Presence.OmitEmpty, Repeated: true),
        new(13, "terminationMessagePath", ProtoKind.String, Presence.OmitEmpty),
        new(20, "terminationMessagePolicy", ProtoKind.String, Presence.OmitEmpty),
        new(14, "imagePullPolicy", ProtoKind.String, Presence.OmitEmpty),
        new(16, "stdin", ProtoKind.Bool, Presence.OmitEmpty),
        new(17, "stdinOnce", ProtoKind.Bool, Presence.OmitEmpty),
        new(18, "tty", ProtoKind.Bool, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message PodSpec.</summary>
    internal static readonly ProtoMessage PodSpec = new("PodSpec",
    [
        new(20, "initContainers", Container, Presence.OmitEmpty, Repeated: true),
        new(2, "containers", Container, Presence.Always, Repeated: true),
        new(3, "restartPolicy", ProtoKind.String, Presence.OmitEmpty),
        new(4, "terminationGracePeriodSeconds", ProtoKind.Int64, Presence.Optional),
        new(5, "activeDeadlineSeconds", ProtoKind.Int64, Presence.Optional),
        new(6, "dnsPolicy", ProtoKind.String, Presence.OmitEmpty),
        ProtoFields.StringMap(7, "nodeSelector", Presence.OmitEmpty),
        new(8, "serviceAccountName", ProtoKind.String, Presence.OmitEmpty),
        new(9, "serviceAccount", ProtoKind.String, Presence.OmitEmpty),
        new(21, "automountServiceAccountToken", ProtoKind.Bool, Presence.Optional),
        new(10, "nodeName", ProtoKind.String, Presence.OmitEmpty),
        new(11, "hostNetwork", ProtoKind.Bool, Presence.OmitEmpty),
        new(12, "hostPID", ProtoKind.Bool, Presence.OmitEmpty),
        new(13, "hostIPC", ProtoKind.Bool, Presence.OmitEmpty),
        new(27, "shareProcessNamespace", ProtoKind.Bool, Presence.Optional),
        new(15, "imagePullSecrets", LocalObjectReference, Presence.OmitEmpty, Repeated: true),
        new(16, "hostname", ProtoKind.String, Presence.OmitEmpty),
        new(17, "subdomain", ProtoKind.String, Presence.OmitEmpty),
        new(19, "schedulerName", ProtoKind.String, Presence.OmitEmpty),
        new(22, "tolerations", Toleration, Presence.OmitEmpty, Repeated: true),
        new(24, "priorityClassName", ProtoKind.String, Presence.OmitEmpty),
        new(25, "priority", ProtoKind.Int32, Presence.Optional),
        new(29, "runtimeClassName", ProtoKind.String, Presence.Optional),
        new(30, "enableServiceLinks", ProtoKind.Bool, Presence.Optional),
        new(31, "preemptionPolicy", ProtoKind.String, Presence.Optional),
        ProtoFields.QuantityMap(32, "overhead", Presence.OmitEmpty),
        new(35, "setHostnameAsFQDN", ProtoKind.Bool, Presence.Optional),
        new(37, "hostUsers", ProtoKind.Bool, Presence.Optional),
        new(40, "resources", ResourceRequirements, Presence.Optional),
        new(41, "hostnameOverride", ProtoKind.String, Presence.Optional),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message PodTemplateSpec.</summary>
    internal static readonly ProtoMessage PodTemplateSpec = new("PodTemplateSpec",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", PodSpec, Presence.Always),
    ]);

    /// <summary>k8s.io/api core/v1 generated.proto message TypedLocalObjectReference.</summary>
    internal static readonly ProtoMessage TypedLocalObjectReference = new("TypedLocalObjectReference",
    [
        new(1, "apiGroup", ProtoKind.String, Presence.Nullable),
        new(2, "kind", ProtoKind.String, Presence.Always),
        new(3, "name", ProtoKind.String, Presence.Always),
    ]);
}
