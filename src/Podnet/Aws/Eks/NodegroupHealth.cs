using Podnet.Aws.Ec2;

namespace Podnet.Aws.Eks;

/// <summary>
/// A managed node group's <c>health</c> as DescribeNodegroup returns it (botocore's eks model, <c>NodegroupHealth</c>):
/// the issues EKS sees with the group, none for a healthy one (<c>"health": {"issues": []}</c>).
/// </summary>
/// <param name="Issues">The issues, in the order EKS found them.</param>
public sealed record NodegroupHealth(IReadOnlyList<NodegroupIssue> Issues)
{
    /// <summary>A group with no issue.</summary>
    public static NodegroupHealth Healthy { get; } = new([]);
}

/// <summary>One issue of a node group's health (botocore's eks model, <c>Issue</c>).</summary>
/// <param name="Code">One of botocore's <c>NodegroupIssueCode</c> values, e.g. <c>InsufficientFreeAddresses</c>.</param>
/// <param name="Message">EKS's text for it.</param>
/// <param name="ResourceIds">The AWS resources it concerns: a subnet, a security group, the Auto Scaling group.</param>
public sealed record NodegroupIssue(string Code, string Message, IReadOnlyList<string> ResourceIds)
{
    /// <summary>
    /// The issue EKS reports when the group's Auto Scaling group could not launch an instance because EC2 refused
    /// <paramref name="error"/>: a subnet out of addresses is <c>InsufficientFreeAddresses</c> (on the subnet), the
    /// cluster security group gone is <c>Ec2SecurityGroupNotFound</c> (on the group), anything else
    /// <c>AsgInstanceLaunchFailures</c> (on the Auto Scaling group). The first two messages are the EKS API
    /// reference's (botocore's eks model, <c>Issue.code</c>); the last is the form EKS quotes the Auto Scaling
    /// activity in ("Could not launch On-Demand Instances. InsufficientInstanceCapacity - We currently do not have
    /// sufficient … capacity …", aws/containers-roadmap#2204).
    /// </summary>
    /// <param name="error">What EC2's RunInstances refused.</param>
    /// <param name="subnetId">The subnet the launch went to.</param>
    /// <param name="securityGroupId">The cluster security group the instance was launched with.</param>
    /// <param name="autoScalingGroup">The node group's Auto Scaling group's name.</param>
    public static NodegroupIssue ForLaunchFailure(AwsException error, string subnetId, string securityGroupId, string autoScalingGroup)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            Ec2Errors.Codes.InsufficientFreeAddressesInSubnet => new(
                Codes.InsufficientFreeAddresses,
                "One or more of the subnets associated with your managed node group does not have enough available IP addresses for new nodes.",
                [subnetId]),
            Ec2Errors.Codes.GroupNotFound => new(
                Codes.Ec2SecurityGroupNotFound,
                "We couldn't find the cluster security group for the cluster. You must recreate your cluster.",
                [securityGroupId]),
            _ => new(
                Codes.AsgInstanceLaunchFailures,
                $"Could not launch On-Demand Instances. {error.Code} - {error.Message} Launching EC2 instance failed.",
                [autoScalingGroup]),
        };
    }

    /// <summary>
    /// The issue of instances that launched and booted but whose nodes never joined the cluster, as EKS reports it
    /// (terraform-provider-aws#15675: "NodeCreationFailure: Instances failed to join the kubernetes cluster. Resource
    /// IDs: [i-0b06c566c8c8f87d7]"; aws-cdk#8520, eksctl#3477 the same): the instances are its <c>resourceIds</c>. EKS
    /// says no more; the EKS API reference gives the causes, "insufficient node IAM role permissions or lack of outbound
    /// internet access for the nodes".
    /// </summary>
    /// <param name="instanceIds">The instances whose nodes have not joined.</param>
    public static NodegroupIssue ForNodesNotJoined(IReadOnlyList<string> instanceIds)
        => new(Codes.NodeCreationFailure, "Instances failed to join the kubernetes cluster", instanceIds);

    /// <summary>
    /// The issue of a group created in public subnets (routed to an internet gateway) that do not assign public IPv4
    /// addresses on launch, in EKS's words as aws/amazon-vpc-cni-k8s#878 quotes them: "One or more Amazon EC2 Subnets of
    /// [subnet-0cd62ce8f19b1817c, subnet-0b0dce45d938751fd, subnet-0310bcff99bfdf415] for node group
    /// leegyuho-test-eks-mng-al2-cpu does not automatically assign public IP addresses to instances launched into it. …"
    /// </summary>
    /// <param name="subnetIds">The subnets at fault, the issue's <c>resourceIds</c>.</param>
    /// <param name="nodegroupName">The node group's name.</param>
    public static NodegroupIssue ForSubnetsWithoutPublicIps(IReadOnlyList<string> subnetIds, string nodegroupName)
        => new(
            Codes.Ec2SubnetInvalidConfiguration,
            $"One or more Amazon EC2 Subnets of [{string.Join(", ", subnetIds)}] for node group {nodegroupName} does not automatically assign public IP addresses to instances launched into it. If you want your instances to be assigned a public IP address, then you need to enable auto-assign public IP address for the subnet. See IP addressing in VPC guide: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html#subnet-public-ip",
            subnetIds);

    /// <summary>The <c>NodegroupIssueCode</c> values Podnet reports.</summary>
    public static class Codes
    {
        /// <summary>A public subnet of the group does not map public IPs on launch (<see cref="ForSubnetsWithoutPublicIps"/>).</summary>
        public const string Ec2SubnetInvalidConfiguration = "Ec2SubnetInvalidConfiguration";

        /// <summary>"Instances failed to join the kubernetes cluster" (<see cref="ForNodesNotJoined"/>).</summary>
        public const string NodeCreationFailure = "NodeCreationFailure";

        /// <summary>"One or more of the subnets associated with your managed node group does not have enough available IP addresses for new nodes."</summary>
        public const string InsufficientFreeAddresses = "InsufficientFreeAddresses";

        /// <summary>"We couldn't find the cluster security group for the cluster. You must recreate your cluster."</summary>
        public const string Ec2SecurityGroupNotFound = "Ec2SecurityGroupNotFound";

        /// <summary>"Your Auto Scaling group is experiencing failures while attempting to launch instances."</summary>
        public const string AsgInstanceLaunchFailures = "AsgInstanceLaunchFailures";
    }
}
