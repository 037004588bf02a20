namespace Podnet.Cni;

/// <summary>
/// One environment variable of the aws-node container that the VPC CNI reads, with the first release that reads
/// it (<see cref="Since"/>) and, where EKS documents one, the release EKS requires for the feature
/// (<see cref="EksMinimum"/>). An older release does not read the variable at all, so it keeps the default
/// effect: <see cref="CniSettings.FromEnvironment"/> applies that, and <c>podnet lint</c> reports the setting as
/// not read, so the path (<c>reach</c>), the cluster (<c>run</c>) and <c>lint</c> all take the version from here.
/// </summary>
/// <remarks>
/// <see cref="Since"/> is the first upstream tag of aws/amazon-vpc-cni-k8s whose Go sources name the variable
/// (<c>git grep '"NAME"' vX.Y.Z -- '*.go'</c> over every release tag; ipamd's <c>envXxx</c> constants in
/// <c>pkg/ipamd/ipamd.go</c>, <c>pkg/awsutils/awsutils.go</c> and <c>cmd/aws-vpc-cni/main.go</c>).
/// </remarks>
/// <param name="Name">The environment variable.</param>
/// <param name="Since">The first release that reads it.</param>
/// <param name="EffectBefore">The value whose effect older releases have without reading it (ENABLE_IPv4: "true";
/// AWS_MANAGE_ENIS_NON_SCHEDULABLE: "true", as ipamd managed the ENIs of every node before 1.12.6): setting it to this
/// value on an older release changes nothing.</param>
/// <param name="EksMinimum">The release EKS documents as the minimum for the feature, if it names one.</param>
public sealed record CniSetting(string Name, CniRelease Since, string EffectBefore, CniRelease? EksMinimum = null)
{
    public static readonly CniSetting WarmEniTarget = new("WARM_ENI_TARGET", new(1, 0, 0), "1");
    public static readonly CniSetting WarmIpTarget = new("WARM_IP_TARGET", new(1, 1, 0), "0");
    public static readonly CniSetting MinimumIpTarget = new("MINIMUM_IP_TARGET", new(1, 6, 0), "0");
    public static readonly CniSetting WarmPrefixTarget = new("WARM_PREFIX_TARGET", new(1, 9, 0), "0");
    public static readonly CniSetting MaxEni = new("MAX_ENI", new(1, 4, 0), "-1");
    public static readonly CniSetting EnablePrefixDelegation = new("ENABLE_PREFIX_DELEGATION", new(1, 9, 0), "false");
    public static readonly CniSetting IpCooldownPeriod = new("IP_COOLDOWN_PERIOD", new(1, 15, 0), "30");

    /// <summary>Custom networking; EKS requires 1.6.3-eksbuild.2 or later for it (seed 003).</summary>
    public static readonly CniSetting CustomNetworkCfg = new("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", new(1, 2, 0), "false", new(1, 6, 3, 2));
    public static readonly CniSetting EniConfigAnnotationDef = new("ENI_CONFIG_ANNOTATION_DEF", new(1, 4, 0), DefaultEniConfigKey);
    public static readonly CniSetting EniConfigLabelDef = new("ENI_CONFIG_LABEL_DEF", new(1, 4, 0), DefaultEniConfigKey);

    /// <summary>Security groups for pods, the CNI's half; EKS requires 1.7.7 or later for it (seed 000).</summary>
    public static readonly CniSetting EnablePodEni = new("ENABLE_POD_ENI", new(1, 7, 0), "false", new(1, 7, 7));

    /// <summary>strict or standard; before 1.11.0 every pod with security groups is in strict mode (seed 000).</summary>
    public static readonly CniSetting PodSecurityGroupEnforcingMode = new("POD_SECURITY_GROUP_ENFORCING_MODE", new(1, 11, 0), "strict");
    public static readonly CniSetting ExternalSnat = new("AWS_VPC_K8S_CNI_EXTERNALSNAT", new(1, 1, 0), "false");
    public static readonly CniSetting ExcludeSnatCidrs = new("AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS", new(1, 6, 0), "");
    public static readonly CniSetting EnableIPv4 = new("ENABLE_IPv4", new(1, 10, 0), "true");
    public static readonly CniSetting EnableIPv6 = new("ENABLE_IPv6", new(1, 10, 0), "false");

    /// <summary>
    /// The egress-cni plugin in an IPv4 cluster: pods get a unique local IPv6 address (<c>fd00::ac:00/118</c>) and their
    /// IPv6 traffic is SNATed to the node's primary IPv6 address (amazon-vpc-cni-k8s README, "ENABLE_V6_EGRESS
    /// (v1.13.0+)"; cmd/aws-vpc-cni/main.go <c>generateJSON</c>, cmd/egress-cni-plugin <c>cmdAddEgressV6</c>).
    /// </summary>
    public static readonly CniSetting EnableV6Egress = new("ENABLE_V6_EGRESS", new(1, 13, 0), "false");

    /// <summary>
    /// The egress-cni plugin in an IPv6 cluster, on by default: pods get an address of <c>169.254.172.0/22</c> and their
    /// IPv4 traffic is SNATed to the node's primary IPv4 address (README "ENABLE_V4_EGRESS (v1.15.1+)"); before 1.15.1
    /// the plugin is always on in IPv6 mode.
    /// </summary>
    public static readonly CniSetting EnableV4Egress = new("ENABLE_V4_EGRESS", new(1, 15, 1), "true");
    public static readonly CniSetting EnableSubnetDiscovery = new("ENABLE_SUBNET_DISCOVERY", new(1, 18, 0), "false");
    public static readonly CniSetting ManageEnisNonSchedulable = new("AWS_MANAGE_ENIS_NON_SCHEDULABLE", new(1, 12, 6), "true");
    public static readonly CniSetting EnableMultiNic = new("ENABLE_MULTI_NIC", new(1, 20, 0), "false");
    public static readonly CniSetting DisableNetworkResourceProvisioning = new("DISABLE_NETWORK_RESOURCE_PROVISIONING", new(1, 7, 0), "false");
    public static readonly CniSetting EnableImdsOnlyMode = new("ENABLE_IMDS_ONLY_MODE", new(1, 19, 6), "false");
    public static readonly CniSetting NetworkPolicyEnforcingMode = new("NETWORK_POLICY_ENFORCING_MODE", new(1, 17, 1), "standard");
    public static readonly CniSetting ClusterName = new("CLUSTER_NAME", new(1, 1, 0), "");
    public static readonly CniSetting AdditionalEniTags = new("ADDITIONAL_ENI_TAGS", new(1, 6, 0), "{}");

    /// <summary>Every setting Podnet reads, in the order of the VPC CNI's README.</summary>
    public static IReadOnlyList<CniSetting> All { get; } =
    [
        CustomNetworkCfg, EniConfigAnnotationDef, EniConfigLabelDef, ExternalSnat, ExcludeSnatCidrs, WarmEniTarget, WarmIpTarget,
        MinimumIpTarget, WarmPrefixTarget, MaxEni, EnablePrefixDelegation, IpCooldownPeriod, EnablePodEni, PodSecurityGroupEnforcingMode,
        EnableIPv4, EnableIPv6, EnableV6Egress, EnableV4Egress, EnableSubnetDiscovery, ManageEnisNonSchedulable, EnableMultiNic, DisableNetworkResourceProvisioning,
        EnableImdsOnlyMode, NetworkPolicyEnforcingMode, ClusterName, AdditionalEniTags,
    ];

    public const string DefaultEniConfigKey = "k8s.amazonaws.com/eniConfig";

    /// <summary>Whether <paramref name="release"/> reads the variable.</summary>
    public bool ReadBy(CniRelease release) => release >= Since;

    /// <summary>Whether <paramref name="value"/> asks for something releases before <see cref="Since"/> do not do (an empty value never does).</summary>
    public bool ChangesOlderReleases(string value)
        => value.Trim() is { Length: > 0 } trimmed && !string.Equals(trimmed, EffectBefore, StringComparison.OrdinalIgnoreCase);
}
