namespace Podnet.ResourceController;

/// <summary>
/// The names the VPC resource controller (aws/amazon-vpc-resource-controller-k8s) uses: its webhooks, the pod-eni
/// resource and annotation, node labels, the Fargate label and annotation, and the users it and aws-node act as.
/// </summary>
public static class ResourceControllerNames
{
    /// <summary>The mutating pod webhook that requests a branch ENI for pods matching a SecurityGroupPolicy.</summary>
    public const string MutatingPodWebhook = "mpod.vpc.k8s.aws";

    /// <summary>The validating pod webhook that guards the pod-eni and Fargate pod-sg annotations.</summary>
    public const string ValidatingPodWebhook = "vpod.vpc.k8s.aws";

    /// <summary>The validating node webhook that limits what aws-node may change on its Node.</summary>
    public const string ValidatingNodeWebhook = "vnode.vpc.k8s.aws";

    /// <summary>The extended resource a branch-ENI pod requests, and the pod annotation carrying its ENI details.</summary>
    public const string PodEni = "vpc.amazonaws.com/pod-eni";

    /// <summary>
    /// Windows IPAM's extended resource (a Windows node's capacity, a Windows pod's request) and the pod annotation that
    /// carries the pod's address with its subnet's prefix length (<c>10.0.1.57/19</c>): <c>ResourceNameIPAddress</c>,
    /// pkg/config/type.go.
    /// </summary>
    public const string PrivateIPv4Address = "vpc.amazonaws.com/PrivateIPv4Address";

    /// <summary>Tag the controller puts on a branch interface: the trunk it is associated with.</summary>
    public const string TrunkEniIdTag = "vpcresources.k8s.aws/trunk-eni-id";

    /// <summary>Tag the controller puts on a branch interface: its VLAN on the trunk.</summary>
    public const string VlanIdTag = "vpcresources.k8s.aws/vlan-id";

    /// <summary>Node label aws-node sets once the node has a trunk interface.</summary>
    public const string HasTrunkAttachedLabel = "vpc.amazonaws.com/has-trunk-attached";

    /// <summary>Node label naming the ENIConfig of custom networking.</summary>
    public const string EniConfigLabel = "vpc.amazonaws.com/eniConfig";

    /// <summary>The node event's reason when a subnet has no free /28 for a prefix (pkg/utils <c>InsufficientCidrBlocksReason</c>).</summary>
    public const string InsufficientCidrBlocksReason = "InsufficientCidrBlocks";

    /// <summary>Its message (pkg/utils <c>ErrInsufficientCidrBlocks</c>), the text the EKS best-practices guide quotes.</summary>
    public const string InsufficientCidrBlocksMessage = "InsufficientCidrBlocks: The specified subnet does not have enough free cidr blocks to satisfy the request";

    /// <summary>Label Fargate puts on pods of a Fargate profile.</summary>
    public const string FargateProfileLabel = "eks.amazonaws.com/fargate-profile";

    /// <summary>Annotation the mutating webhook writes on Fargate pods: the matching security groups, comma-separated.</summary>
    public const string FargatePodSecurityGroupsAnnotation = "fargate.amazonaws.com/pod-sg";

    /// <summary>The controller's first service account.</summary>
    public const string LegacyControllerServiceAccountUser = "system:serviceaccount:kube-system:vpc-resource-controller";

    /// <summary>The controller's service account after its first release.</summary>
    public const string ControllerServiceAccountUser = "system:serviceaccount:kube-system:eks-vpc-resource-controller";

    /// <summary>The user the EKS-managed controller authenticates as.</summary>
    public const string ControllerUser = "eks:vpc-resource-controller";

    /// <summary>The VPC CNI's service account.</summary>
    public const string AwsNodeUser = "system:serviceaccount:kube-system:aws-node";

    /// <summary>The API version of SecurityGroupPolicy.</summary>
    public const string SecurityGroupPolicyApiVersion = "vpcresources.k8s.aws/v1beta1";

    /// <summary>The kind of SecurityGroupPolicy.</summary>
    public const string SecurityGroupPolicyKind = "SecurityGroupPolicy";

    /// <summary>The users allowed to set or change the pod-eni annotation.</summary>
    public static IReadOnlyList<string> ControllerUsers { get; } = [LegacyControllerServiceAccountUser, ControllerServiceAccountUser, ControllerUser];

    /// <summary>Whether <paramref name="userName"/> is one of the controller's users.</summary>
    public static bool IsController(string? userName) => userName is not null && ControllerUsers.Contains(userName, StringComparer.Ordinal);
}
