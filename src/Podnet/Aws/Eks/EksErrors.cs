namespace Podnet.Aws.Eks;

/// <summary>EKS's error answers (EKS speaks JSON; its codes are exception names).</summary>
public static class EksErrors
{
    /// <summary>EKS's service quota "Nodes per managed node group" (Amazon EKS service quotas).</summary>
    public const int MaxNodesPerNodegroup = 450;

    public static AwsException InvalidParameter(string message) => new("InvalidParameterException", message);

    /// <summary>
    /// A node group larger than the quota. EKS's exact wording is not in the reference; this names the quota as the
    /// service-quotas page does, so the user can find it.
    /// </summary>
    public static AwsException NodegroupTooLarge(int maxSize)
        => InvalidParameter($"scalingConfig.maxSize {maxSize} exceeds the quota of {MaxNodesPerNodegroup} nodes per managed node group (service quota \"Nodes per managed node group\")");

    public static AwsException ResourceInUse(string message) => new("ResourceInUseException", message, 409);

    public static AwsException ClusterNotFound(string name) => new("ResourceNotFoundException", $"No cluster found for name: {name}.", 404);

    public static AwsException NodegroupNotFound(string name) => new("ResourceNotFoundException", $"No node group found for name: {name}.", 404);
}
