namespace Podnet.Policy.NetworkPolicies;

/// <summary>The two directions a NetworkPolicy can isolate a pod in (its <c>policyTypes</c>).</summary>
public enum PolicyDirection
{
    Ingress,
    Egress,
}
