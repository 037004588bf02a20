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

/// <summary>What <c>aws eks create-cluster</c> sends: name, role, subnets, groups, Kubernetes version, service range, tags.</summary>
/// <param name="Existing">
/// The cluster exists already and is being described, not created now (a world, a dump of a real account): a version
/// EKS no longer offers (<see cref="EksBackend.RetiredVersions"/>) is then accepted, as such clusters were made when
/// it was offered. <c>podnet lint</c> warns about it.
/// </param>
public sealed record CreateClusterRequest(
    string Name,
    string RoleArn,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string>? SecurityGroupIds = null,
    string? Version = null,
    string? ServiceIpv4Cidr = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    bool Existing = false,
    string? ClusterSecurityGroupId = null);
