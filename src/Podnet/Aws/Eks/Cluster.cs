namespace Podnet.Aws.Eks;

/// <summary>An EKS cluster in the shape <c>aws eks describe-cluster</c> prints.</summary>
public sealed record Cluster(
    string Name,
    string Arn,
    DateTimeOffset CreatedAt,
    string Version,
    string Endpoint,
    string RoleArn,
    VpcConfigResponse ResourcesVpcConfig,
    KubernetesNetworkConfigResponse KubernetesNetworkConfig,
    string Status,
    string PlatformVersion,
    IReadOnlyDictionary<string, string> Tags);

public sealed record VpcConfigResponse(
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> SecurityGroupIds,
    string ClusterSecurityGroupId,
    string VpcId,
    bool EndpointPublicAccess,
    bool EndpointPrivateAccess,
    IReadOnlyList<string> PublicAccessCidrs);

public sealed record KubernetesNetworkConfigResponse(string ServiceIpv4Cidr, string IpFamily);

public sealed record CreateClusterRequest(
    string Name,
    string RoleArn,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string>? SecurityGroupIds = null,
    string? Version = null,
    string? ServiceIpv4Cidr = null,
    IReadOnlyDictionary<string, string>? Tags = null);
