using System.Collections.Frozen;

namespace Podnet.Aws.Iam;

/// <summary>
/// An AWS managed policy, reduced to the EC2 actions it allows (the emulator authorizes EC2 calls only).
/// Action lists are those of the live policies (shared/reference; zoph-io/MAMIP snapshots).
/// </summary>
public sealed record ManagedPolicy(string PolicyName, FrozenSet<string> Actions)
{
    public string Arn => $"arn:aws:iam::aws:policy/{PolicyName}";

    public bool Allows(string action) => Actions.Contains(action);

    public static ManagedPolicy AmazonEKSVPCResourceController { get; } = Of(
        "AmazonEKSVPCResourceController",
        "ec2:CreateNetworkInterfacePermission", "ec2:CreateNetworkInterface", "ec2:DetachNetworkInterface",
        "ec2:ModifyNetworkInterfaceAttribute", "ec2:DeleteNetworkInterface", "ec2:AttachNetworkInterface",
        "ec2:UnassignPrivateIpAddresses", "ec2:AssignPrivateIpAddresses");

    public static ManagedPolicy AmazonEKS_CNI_Policy { get; } = Of(
        "AmazonEKS_CNI_Policy",
        "ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface", "ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeInstanceTypes", "ec2:DescribeSubnets", "ec2:DetachNetworkInterface",
        "ec2:ModifyNetworkInterfaceAttribute", "ec2:UnassignPrivateIpAddresses", "ec2:CreateTags", "ec2:AssignIpv6Addresses");

    public static ManagedPolicy AmazonEKSClusterPolicy { get; } = Of(
        "AmazonEKSClusterPolicy",
        "ec2:AttachVolume", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateRoute", "ec2:CreateSecurityGroup",
        "ec2:CreateTags", "ec2:CreateVolume", "ec2:DeleteRoute", "ec2:DeleteSecurityGroup", "ec2:DeleteVolume",
        "ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
        "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces", "ec2:DescribeAvailabilityZones", "ec2:DetachVolume",
        "ec2:ModifyInstanceAttribute", "ec2:ModifyVolume", "ec2:RevokeSecurityGroupIngress",
        "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeInternetGateways",
        "ec2:DescribeInstanceTopology", "ec2:DeleteNetworkInterface");

    public static ManagedPolicy AmazonEKSWorkerNodePolicy { get; } = Of(
        "AmazonEKSWorkerNodePolicy",
        "ec2:DescribeInstances", "ec2:DescribeInstanceTypes", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets", "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs");

    public static ManagedPolicy AmazonEC2ContainerRegistryReadOnly { get; } = Of("AmazonEC2ContainerRegistryReadOnly");

    /// <summary>The Fargate pod execution role's policy: ECR image pulls only, no EC2 action.</summary>
    public static ManagedPolicy AmazonEKSFargatePodExecutionRolePolicy { get; } = Of("AmazonEKSFargatePodExecutionRolePolicy");

    public static IReadOnlyList<ManagedPolicy> All { get; } =
        [AmazonEKSVPCResourceController, AmazonEKS_CNI_Policy, AmazonEKSClusterPolicy, AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly, AmazonEKSFargatePodExecutionRolePolicy];

    private static ManagedPolicy Of(string name, params string[] actions) => new(name, actions.ToFrozenSet(StringComparer.Ordinal));
}
