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

    /// <summary>The API's limit on taints per managed node group (CreateNodegroup: "Maximum of 50 taints per node group").</summary>
    public const int MaxTaintsPerNodegroup = 50;

    /// <summary>The API's length limit on label keys and values and taint keys and values (1 to 63 characters).</summary>
    public const int MaxLabelOrTaintLength = 63;

    /// <summary>
    /// A label or taint the CreateNodegroup API's constraints refuse (key and value 1 to 63 characters, at most 50
    /// taints). The wording is AWS's model-validation form; EKS's exact text is not in the reference.
    /// </summary>
    public static AwsException NodegroupConstraint(string value, string member, string constraint)
        => new("ValidationException", $"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}");

    /// <summary>
    /// CreateAddon/UpdateAddon refusing <c>--configuration-values</c> that the add-on version's configuration schema
    /// (<c>aws eks describe-addon-configuration</c>) does not validate: EKS wraps the JSON-schema validator's
    /// (networknt) messages, e.g. <c>[$.env.FOO: is not defined in the schema and the schema does not allow additional properties]</c>.
    /// </summary>
    public static AwsException ConfigurationValueNotSupported(IEnumerable<string> schemaErrors)
        => InvalidParameter($"ConfigurationValue provided in request is not supported: Json schema validation failed with error: [{string.Join(", ", schemaErrors)}]");

    /// <summary>CreateAddon with an <c>--addon-version</c> that DescribeAddonVersions does not list for the add-on.</summary>
    public static AwsException AddonVersionNotSupported() => InvalidParameter("Addon version specified is not supported");

    /// <summary>DescribeAddon, UpdateAddon or DeleteAddon of an add-on the cluster does not have (the CLI prints it as seen in awsdocs/amazon-eks-user-guide#323).</summary>
    public static AwsException AddonNotFound(string addonName, string clusterName) => new("ResourceNotFoundException", $"No addon: {addonName} found in cluster: {clusterName}.", 404);

    /// <summary>CreateAddon of an add-on the cluster has already.</summary>
    public static AwsException AddonExists() => ResourceInUse("Addon already exists.");

    /// <summary>CreateAddon of an add-on DescribeAddonVersions does not list for the cluster's Kubernetes version.</summary>
    public static AwsException AddonNotSupported(string addonName, string kubernetesVersion)
        => InvalidParameter($"Addon {addonName} specified is not supported in {kubernetesVersion} kubernetes version");

    /// <summary>
    /// The health issue and update error EKS reports when its server-side apply met fields another manager changed
    /// and the resolve-conflicts mode forbids taking them over (AWS re:Post "How do I prevent configuration conflicts
    /// when I create or update my Amazon EKS managed add-ons?"; a line per conflicting field, e.g.
    /// <c>Deployment.apps coredns - .spec.template.spec.containers[name="coredns"].image</c>).
    /// </summary>
    public static string ConfigurationConflictMessage(IEnumerable<string> conflicts)
        => "Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts:\n" + string.Join("\n", conflicts);

    public static AwsException ResourceInUse(string message) => new("ResourceInUseException", message, 409);

    /// <summary>
    /// CreateCluster with a subnet in a zone EKS cannot place a control plane in; the message lists the zones that can
    /// (seed 003's warning; the text as EKS answers it).
    /// </summary>
    public static AwsException UnsupportedAvailabilityZone(string cluster, string zone, IEnumerable<string> validZones)
        => new("UnsupportedAvailabilityZoneException", $"Cannot create cluster '{cluster}' because {zone}, the targeted availability zone, does not currently have sufficient capacity to support the cluster. Retry and choose from these availability zones: {string.Join(", ", validZones)}");

    public static AwsException ClusterNotFound(string name) => new("ResourceNotFoundException", $"No cluster found for name: {name}.", 404);

    /// <summary>DescribeFargateProfile/DeleteFargateProfile of a profile the cluster has not.</summary>
    public static AwsException FargateProfileNotFound(string name) => new("ResourceNotFoundException", $"No Fargate Profile found with name: {name}.", 404);

    public static AwsException NodegroupNotFound(string name) => new("ResourceNotFoundException", $"No node group found for name: {name}.", 404);
}
