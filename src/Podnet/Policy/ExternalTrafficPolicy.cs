using Podnet.Kube.Api;

namespace Podnet.Policy;

/// <summary>
/// A Service's external traffic as kube-proxy reads it, the facts <c>reach</c> (a node's address and a nodePort) and
/// <c>lint</c> (<c>strict-mode-external-traffic-policy-local</c>) both decide from.
/// </summary>
public static class ExternalTrafficPolicy
{
    /// <summary>The annotation with which the AWS Load Balancer Controller registers the pods' own addresses (<c>ip</c>) instead of the nodes (<c>instance</c>).</summary>
    public const string NlbTargetTypeAnnotation = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";

    /// <summary>Whether the Service has node ports: type NodePort or LoadBalancer (kube-proxy's KUBE-NODEPORTS rules serve both).</summary>
    public static bool HasNodePorts(KubeObject service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.GetString("spec.type") is "NodePort" or "LoadBalancer";
    }

    /// <summary>
    /// kube-proxy's <c>svcInfo.ExternalPolicyLocal()</c>, set from kubernetes/kubernetes pkg/api/v1/service/util.go
    /// <c>ExternalPolicyLocal</c>: a Service with node ports (externalIPs, which Podnet does not route, aside) whose
    /// <c>spec.externalTrafficPolicy</c> is <c>Local</c>: external traffic goes only to endpoints on the node it arrived
    /// at, with the client's address kept. <c>Cluster</c> (the API server's default) is any endpoint, masqueraded.
    /// </summary>
    public static bool IsLocal(KubeObject service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return HasNodePorts(service) && service.GetString("spec.externalTrafficPolicy") == "Local";
    }

    /// <summary>
    /// Whether a load balancer in front of the Service would send its traffic to the nodes' node ports (instance
    /// targets, the default) rather than to the pods' own addresses (<c>aws-load-balancer-nlb-target-type: ip</c>).
    /// Podnet models no load balancer: a client asking a node's address and node port is what an instance target sees.
    /// </summary>
    public static bool InstanceTargets(KubeObject service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Annotations.GetValueOrDefault(NlbTargetTypeAnnotation) != "ip";
    }
}
