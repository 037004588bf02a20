namespace Podnet.Aws.Eks;

/// <summary>EKS's error answers (EKS speaks JSON; its codes are exception names).</summary>
public static class EksErrors
{
    public static AwsException InvalidParameter(string message) => new("InvalidParameterException", message);

    public static AwsException ResourceInUse(string message) => new("ResourceInUseException", message, 409);

    public static AwsException ClusterNotFound(string name) => new("ResourceNotFoundException", $"No cluster found for name: {name}.", 404);

    public static AwsException NodegroupNotFound(string name) => new("ResourceNotFoundException", $"No node group found for name: {name}.", 404);
}
