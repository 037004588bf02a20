namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// A container port of a pod (<c>spec.containers[].ports[]</c>), which named ports in policies resolve against.
/// <paramref name="Protocol"/> defaults to TCP as the API server defaults it.
/// </summary>
public sealed record PodContainerPort(string? Name, int Port, string Protocol = "TCP")
{
    public override string ToString() => Name is null ? $"{Protocol}/{Port}" : $"{Name}={Protocol}/{Port}";
}
