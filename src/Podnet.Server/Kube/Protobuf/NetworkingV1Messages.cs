namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Field tables for Ingress: field numbers from k8s.io/api networking/v1 generated.proto, JSON names and omitempty from the json tags
/// of its types.go, fields in Go struct order (the order encoding/json writes them). Fields not listed (probes, volumes,
/// security contexts, conditions …) are not decoded: a body carrying one with content is refused with 415 rather
/// than stored without it.
/// </summary>
internal static class NetworkingV1Messages
{
    /// <summary>k8s.io/api networking/v1 generated.proto message ServiceBackendPort.</summary>
    internal static readonly ProtoMessage ServiceBackendPort = new("ServiceBackendPort",
    [
        new(1, "name", ProtoKind.String, Presence.OmitEmpty),
        new(2, "number", ProtoKind.Int32, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressServiceBackend.</summary>
    internal static readonly ProtoMessage IngressServiceBackend = new("IngressServiceBackend",
    [
        new(1, "name", ProtoKind.String, Presence.Always),
        new(2, "port", ServiceBackendPort, Presence.Always),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressBackend.</summary>
    internal static readonly ProtoMessage IngressBackend = new("IngressBackend",
    [
        new(4, "service", IngressServiceBackend, Presence.Optional),
        new(3, "resource", CoreV1Messages.TypedLocalObjectReference, Presence.Optional),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message HTTPIngressPath.</summary>
    internal static readonly ProtoMessage HTTPIngressPath = new("HTTPIngressPath",
    [
        new(1, "path", ProtoKind.String, Presence.OmitEmpty),
        new(3, "pathType", ProtoKind.String, Presence.Nullable),
        new(2, "backend", IngressBackend, Presence.Always),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message HTTPIngressRuleValue.</summary>
    internal static readonly ProtoMessage HTTPIngressRuleValue = new("HTTPIngressRuleValue",
    [
        new(1, "paths", HTTPIngressPath, Presence.Always, Repeated: true),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressRuleValue.</summary>
    internal static readonly ProtoMessage IngressRuleValue = new("IngressRuleValue",
    [
        new(1, "http", HTTPIngressRuleValue, Presence.Optional),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressRule.</summary>
    internal static readonly ProtoMessage IngressRule = new("IngressRule",
    [
        new(1, "host", ProtoKind.String, Presence.OmitEmpty),
        new(2, "ingressRuleValue", IngressRuleValue, Presence.Always) { Inline = true },
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressTLS.</summary>
    internal static readonly ProtoMessage IngressTLS = new("IngressTLS",
    [
        new(1, "hosts", ProtoKind.String, Presence.OmitEmpty, Repeated: true),
        new(2, "secretName", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressPortStatus.</summary>
    internal static readonly ProtoMessage IngressPortStatus = new("IngressPortStatus",
    [
        new(1, "port", ProtoKind.Int32, Presence.Always),
        new(2, "protocol", ProtoKind.String, Presence.Always),
        new(3, "error", ProtoKind.String, Presence.Optional),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressLoadBalancerIngress.</summary>
    internal static readonly ProtoMessage IngressLoadBalancerIngress = new("IngressLoadBalancerIngress",
    [
        new(1, "ip", ProtoKind.String, Presence.OmitEmpty),
        new(2, "hostname", ProtoKind.String, Presence.OmitEmpty),
        new(4, "ports", IngressPortStatus, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressLoadBalancerStatus.</summary>
    internal static readonly ProtoMessage IngressLoadBalancerStatus = new("IngressLoadBalancerStatus",
    [
        new(1, "ingress", IngressLoadBalancerIngress, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressStatus.</summary>
    internal static readonly ProtoMessage IngressStatus = new("IngressStatus",
    [
        new(1, "loadBalancer", IngressLoadBalancerStatus, Presence.Always),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message IngressSpec.</summary>
    internal static readonly ProtoMessage IngressSpec = new("IngressSpec",
    [
        new(4, "ingressClassName", ProtoKind.String, Presence.Optional),
        new(1, "defaultBackend", IngressBackend, Presence.Optional),
        new(2, "tls", IngressTLS, Presence.OmitEmpty, Repeated: true),
        new(3, "rules", IngressRule, Presence.OmitEmpty, Repeated: true),
    ]);

    /// <summary>k8s.io/api networking/v1 generated.proto message Ingress.</summary>
    internal static readonly ProtoMessage Ingress = new("Ingress",
    [
        new(1, "metadata", MetaV1Messages.ObjectMeta, Presence.Always),
        new(2, "spec", IngressSpec, Presence.Always),
        new(3, "status", IngressStatus, Presence.Always),
    ]);
}
