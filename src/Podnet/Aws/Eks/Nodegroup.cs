namespace Podnet.Aws.Eks;

/// <summary>A managed node group in the shape <c>aws eks describe-nodegroup</c> prints.</summary>
public sealed record Nodegroup(
    string NodegroupName,
    string NodegroupArn,
    string ClusterName,
    string Version,
    DateTimeOffset CreatedAt,
    string Status,
    string CapacityType,
    NodegroupScalingConfig ScalingConfig,
    IReadOnlyList<string> InstanceTypes,
    IReadOnlyList<string> Subnets,
    string AmiType,
    string NodeRole,
    IReadOnlyDictionary<string, string> Labels,
    NodegroupResources Resources,
    IReadOnlyDictionary<string, string> Tags);

public sealed record NodegroupScalingConfig(int MinSize, int MaxSize, int DesiredSize);

public sealed record NodegroupResources(IReadOnlyList<AutoScalingGroup> AutoScalingGroups);

public sealed record AutoScalingGroup(string Name);

public sealed record CreateNodegroupRequest(
    string ClusterName,
    string NodegroupName,
    string NodeRole,
    IReadOnlyList<string> Subnets,
    IReadOnlyList<string>? InstanceTypes = null,
    NodegroupScalingConfig? ScalingConfig = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    string AmiType = "AL2023_x86_64_STANDARD");
