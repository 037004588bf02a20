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

/// <summary>
/// A cluster's <c>resourcesVpcConfig</c> as DescribeCluster returns it. The endpoint fields say how the cluster's nodes
/// reach its API server (EKS user guide, "Cluster API server endpoint"): through the public endpoint — out of the VPC,
/// so by a NAT gateway or a public address, from an address <see cref="PublicAccessCidrs"/> admits — or, with
/// <see cref="EndpointPrivateAccess"/>, through the endpoint's interfaces inside the VPC.
/// </summary>
public sealed record VpcConfigResponse(
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> SecurityGroupIds,
    string ClusterSecurityGroupId,
    string VpcId,
    bool EndpointPublicAccess,
    bool EndpointPrivateAccess,
    IReadOnlyList<string> PublicAccessCidrs);

/// <summary>
/// <c>KubernetesNetworkConfigResponse</c>: the service range and the IP family of pods and Services. An
/// <c>ipv4</c> cluster has <c>ServiceIpv4Cidr</c> (10.100.0.0/16 or 172.20.0.0/16 by default); an <c>ipv6</c> cluster
/// has <c>ServiceIpv6Cidr</c> instead, a /108 of the unique local range (fc00::/7) that EKS picks ("You can't specify
/// a custom IPv6 CIDR block", CreateCluster's <c>ipFamily</c> in the EKS API reference).
/// </summary>
public sealed record KubernetesNetworkConfigResponse(string? ServiceIpv4Cidr, string IpFamily, string? ServiceIpv6Cidr = null)
{
    /// <summary>The family EKS uses when none is given.</summary>
    public const string Ipv4 = "ipv4";

    /// <summary>The IPv6 family: pods get IPv6 addresses from their node's /80 prefix, Services from <see cref="ServiceIpv6Cidr"/>.</summary>
    public const string Ipv6 = "ipv6";

    /// <summary>Whether pods and Services of the cluster get IPv6 addresses.</summary>
    public bool IsIpv6 => IpFamily == Ipv6;

    /// <summary>The range Services get their cluster IPs from: the IPv6 one in an IPv6 cluster.</summary>
    public string ServiceCidr => (IsIpv6 ? ServiceIpv6Cidr : ServiceIpv4Cidr)!;
}

/// <summary>What <c>aws eks create-cluster</c> sends: name, role, subnets, groups, Kubernetes version, service range, tags, IP family.</summary>
/// <param name="Existing">
/// The cluster exists already and is being described, not created now (a world, a dump of a real account): a version
/// EKS no longer offers (<see cref="EksBackend.RetiredVersions"/>) is then accepted, as such clusters were made when
/// it was offered. <c>podnet lint</c> warns about it.
/// </param>
/// <param name="IpFamily"><c>kubernetesNetworkConfig.ipFamily</c>: <c>ipv4</c> (the default) or <c>ipv6</c>.</param>
/// <param name="EndpointPublicAccess"><c>resourcesVpcConfig.endpointPublicAccess</c>: null for EKS's default, true.</param>
/// <param name="EndpointPrivateAccess"><c>resourcesVpcConfig.endpointPrivateAccess</c>: null for EKS's default, false.</param>
/// <param name="PublicAccessCidrs"><c>resourcesVpcConfig.publicAccessCidrs</c>: null for EKS's default, <c>0.0.0.0/0</c>.</param>
public sealed record CreateClusterRequest(
    string Name,
    string RoleArn,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string>? SecurityGroupIds = null,
    string? Version = null,
    string? ServiceIpv4Cidr = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    bool Existing = false,
    string? ClusterSecurityGroupId = null,
    string? IpFamily = null,
    bool? EndpointPublicAccess = null,
    bool? EndpointPrivateAccess = null,
    IReadOnlyList<string>? PublicAccessCidrs = null);
