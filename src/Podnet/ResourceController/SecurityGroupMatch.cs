namespace Podnet.ResourceController;

/// <summary>
/// The security groups a pod gets from the SecurityGroupPolicies of its namespace, in first-seen order without
/// duplicates, or the error that stopped the lookup (the pod's ServiceAccount missing).
/// </summary>
public sealed record SecurityGroupMatch(IReadOnlyList<string> GroupIds, string? Error = null)
{
    public static SecurityGroupMatch None { get; } = new([]);

    public bool Failed => Error is not null;

    public static SecurityGroupMatch Failure(string error) => new([], error);
}
