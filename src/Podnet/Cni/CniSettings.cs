using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Net;

namespace Podnet.Cni;

/// <summary>
/// The VPC CNI's configuration as ipamd reads it from the aws-node container's environment, with the real
/// defaults (shared/reference/vpc-cni.md §4), and the CNI release from the image tag. A variable the release does
/// not read yet (<see cref="CniSetting.Since"/>) keeps its default here, as the real release ignores it, and is
/// listed in <see cref="Unread"/>.
/// </summary>
public sealed record CniSettings
{
    public const string DefaultEniConfigKey = CniSetting.DefaultEniConfigKey;

    /// <summary>
    /// The aws-node environment of an <c>ipv6</c> EKS cluster: IPv6 on, IPv4 off, and prefix delegation, without
    /// which ipamd refuses IPv6 (<c>isConfigValid</c> in pkg/ipamd/ipamd.go: "IPv6 is supported only in Prefix
    /// Delegation mode").
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Ipv6ClusterEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [CniSetting.EnableIPv6.Name] = "true",
        [CniSetting.EnableIPv4.Name] = "false",
        [CniSetting.EnablePrefixDelegation.Name] = "true",
    };

    /// <summary>
    /// <c>isConfigValid</c>'s refusal of IPv6 without prefix delegation or with custom networking (pkg/ipamd/ipamd.go):
    /// the one text for both, as ipamd logs it before it exits.
    /// </summary>
    public const string Ipv6ModeError = "IPv6 is supported only in Prefix Delegation mode. Custom Networking is not supported in IPv6 mode. Please set the env variables accordingly.";

    /// <summary>The release when the image has no version tag: the add-on's default.</summary>
    public static readonly CniRelease DefaultRelease = new(1, 19, 2, 1);

    /// <summary>The release in use, from the aws-node image tag (<c>v1.11.2-eksbuild.1</c>).</summary>
    public CniRelease Release { get; init; } = DefaultRelease;

    /// <summary>The release's version without the EKS build (1.11.2).</summary>
    public Version CniVersion => Release.Version;

    /// <summary>
    /// Settings the environment sets that this release does not read (they came later), with their values; only
    /// values that ask for something the release does not do (ENABLE_IPv6=false on 1.9 asks for nothing new).
    /// </summary>
    public IReadOnlyList<(CniSetting Setting, string Value)> Unread { get; init; } = [];

    public bool CustomNetwork { get; init; }

    public string EniConfigAnnotationKey { get; init; } = DefaultEniConfigKey;

    public string EniConfigLabelKey { get; init; } = DefaultEniConfigKey;

    /// <summary>Free interfaces to keep; negative reads as 1. Ignored when WARM_IP_TARGET or MINIMUM_IP_TARGET is set.</summary>
    public int WarmEniTarget { get; init; } = 1;

    public int WarmIpTarget { get; init; }

    public int MinimumIpTarget { get; init; }

    public int WarmPrefixTarget { get; init; }

    /// <summary>MAX_ENI; null when unset or below 1 (then the instance type's limit applies).</summary>
    public int? MaxEni { get; init; }

    public bool PrefixDelegation { get; init; }

    public TimeSpan IpCooldown { get; init; } = TimeSpan.FromSeconds(30);

    public bool EnablePodEni { get; init; }

    /// <summary>
    /// The first release whose ipamd serves security groups for pods in IPv6 mode ("IPv6 Security Groups for Pods
    /// Support", amazon-vpc-cni-k8s#2639, v1.16.0; the EKS user guide: "by using version 1.16.0 or later of the
    /// Amazon VPC CNI plugin"). Before it, nodeInit returns early in IPv6 mode ("we don't support custom networking
    /// &amp; SGPP in IPv6 mode yet", v1.15.5 pkg/ipamd/ipamd.go) before <c>askForTrunkENIIfNeeded</c>, and the
    /// pool manager returns at once, so the node never asks for a trunk; AddNetwork reads a branch only
    /// <c>if !enableIPv6 &amp;&amp; enablePodENI</c> (rpc_handler.go).
    /// </summary>
    public static readonly CniRelease Ipv6PodEniSince = new(1, 16, 0);

    /// <summary>
    /// Whether ipamd asks for a trunk and gives pods with <c>vpc.amazonaws.com/pod-eni</c> their branch interface:
    /// ENABLE_POD_ENI, in IPv4 mode on every release, in IPv6 mode from <see cref="Ipv6PodEniSince"/>. The one
    /// place the CNI, <c>reach</c> and <c>lint</c> read this from.
    /// </summary>
    public bool ServesPodEni => EnablePodEni && (!EnableIPv6 || Release >= Ipv6PodEniSince);

    /// <summary>strict (the default) or standard; always strict before 1.11.0, which has no standard mode.</summary>
    public string PodSecurityGroupEnforcingMode { get; init; } = "strict";

    public bool ExternalSnat { get; init; }

    public IReadOnlyList<CidrBlock> ExcludeSnatCidrs { get; init; } = [];

    public bool EnableIPv4 { get; init; } = true;

    public bool EnableIPv6 { get; init; }

    /// <summary>
    /// ENABLE_V6_EGRESS (from 1.13.0, default false): in an IPv4 cluster (ENABLE_IPv6=false) aws-node enables the
    /// egress-cni plugin for IPv6, which gives each new pod a unique local IPv6 address of <see cref="V6EgressRange"/>
    /// on a second interface (<c>v6if0</c>) and SNATs its IPv6 traffic to the node's primary IPv6 address
    /// (cmd/egress-cni-plugin/egressContext.go <c>cmdAddEgressV6</c>: "IPv6 egress traffic of all containers in a node
    /// shares node primary interface (eth0) through SNAT"). The address is not the pod's IP (<c>podIPs</c> stays IPv4).
    /// </summary>
    public bool EnableV6Egress { get; init; }

    /// <summary>
    /// ENABLE_V4_EGRESS (from 1.15.1, default true; always on before): in an IPv6 cluster the egress-cni plugin gives each
    /// new pod an address of <see cref="V4EgressRange"/> on <c>v4if0</c> and SNATs its IPv4 traffic to the node's primary
    /// IPv4 address (egressContext.go <c>cmdAddEgressV4</c>).
    /// </summary>
    public bool EnableV4Egress { get; init; } = true;

    /// <summary>The egress-cni plugin's host-local range for pods' IPv6 in an IPv4 cluster (cmd/aws-vpc-cni/main.go <c>egressPluginIpamSubnetV6</c>).</summary>
    public const string V6EgressRange = "fd00::ac:00/118";

    /// <summary>The egress-cni plugin's host-local range for pods' IPv4 in an IPv6 cluster (<c>egressPluginIpamSubnetV4</c>).</summary>
    public const string V4EgressRange = "169.254.172.0/22";

    /// <summary>
    /// The first release whose aws-node, with ENABLE_V6_EGRESS=true on a node whose primary interface has no IPv6
    /// address, logs a warning and leaves the egress plugin off ("enable ipv6 egress on cluster with nodes ipv4 and nodes
    /// ipv6", amazon-vpc-cni-k8s#2754, v1.17.1). From 1.13.0 to 1.17.0 <c>generateJSON</c> returned the error, aws-node
    /// exited ("Failed to generate 10-awsconflist") and the node never got its CNI configuration.
    /// </summary>
    public static readonly CniRelease V6EgressWithoutAddressWarnsSince = new(1, 17, 1);

    /// <summary>
    /// The text aws-node logs when ENABLE_V6_EGRESS is set and IMDS has no <c>ipv6</c> for the node
    /// (cmd/aws-vpc-cni/main.go <c>generateJSON</c>; the IMDS error as utils/imds <c>GetMetaData</c> words it, the SDK's
    /// status line left out): an error before <see cref="V6EgressWithoutAddressWarnsSince"/>, a warning from it.
    /// </summary>
    public const string V6EgressWithoutAddressMessage = "To support IPv6 egress, node primary ENI must have a global IPv6 address, error: get instance metadata: failed to retrieve ipv6 - EC2MetadataError: failed to make EC2Metadata request";

    /// <summary>
    /// Whether the egress-cni plugin gives a pod of an IPv4 cluster IPv6 egress on a node whose primary interface has
    /// (<paramref name="nodeHasIpv6"/>) or lacks a global IPv6 address: ENABLE_V6_EGRESS in IPv4 mode, and the address.
    /// </summary>
    public bool ServesV6Egress(bool nodeHasIpv6) => AsksV6Egress && nodeHasIpv6;

    /// <summary>ENABLE_V6_EGRESS in IPv4 mode: aws-node wants the egress-cni plugin for IPv6, if its node has an IPv6 address.</summary>
    public bool AsksV6Egress => EnableV6Egress && !EnableIPv6;

    /// <summary>
    /// Why aws-node stops on a node without an IPv6 address on its primary interface: ENABLE_V6_EGRESS in IPv4 mode on a
    /// release from 1.13.0 before <see cref="V6EgressWithoutAddressWarnsSince"/> (<c>generateJSON</c> returns the error
    /// and <c>_main</c> returns 1, "Failed to generate 10-awsconflist"); null otherwise (a later release warns and goes on
    /// without the plugin).
    /// </summary>
    public string? V6EgressNodeError(bool nodeHasIpv6)
        => AsksV6Egress && !nodeHasIpv6 && Release < V6EgressWithoutAddressWarnsSince ? V6EgressWithoutAddressMessage : null;

    /// <summary>ENABLE_SUBNET_DISCOVERY (from 1.18.0, default true): new ENIs may go to other subnets of the zone tagged kubernetes.io/role/cni.</summary>
    public bool EnableSubnetDiscovery { get; init; } = true;

    /// <summary>ENABLE_MULTI_NIC (from 1.20.0): ENIs on every network card; refused by Podnet (<see cref="Unsupported"/>).</summary>
    public bool EnableMultiNic { get; init; }

    /// <summary>
    /// AWS_MANAGE_ENIS_NON_SCHEDULABLE (from 1.12.6, default false): whether ipamd still attaches and frees ENIs on a
    /// cordoned node; releases before 1.12.6 always did.
    /// </summary>
    public bool ManageEnisOnUnschedulable { get; init; }

    /// <summary>
    /// DISABLE_NETWORK_RESOURCE_PROVISIONING (from 1.7.0), or ENABLE_IMDS_ONLY_MODE (from 1.19.6): ipamd attaches no ENI and
    /// assigns no address, and hands out only the secondary addresses already on the node's interfaces
    /// (pkg/ipamd/ipamd.go <c>disableENIProvisioning</c>, which is true in either case).
    /// </summary>
    public bool DisableNetworkResourceProvisioning { get; init; }

    public string NetworkPolicyEnforcingMode { get; init; } = string.Empty;

    public string ClusterName { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> AdditionalEniTags { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether WARM_IP_TARGET or MINIMUM_IP_TARGET steers the pool (then WARM_ENI/WARM_PREFIX do not).</summary>
    public bool WarmIpDefined => WarmIpTarget > 0 || MinimumIpTarget > 0;

    /// <summary>
    /// Reads the settings from an environment (the aws-node container's env), with the CNI version from the image
    /// (<c>…/amazon-k8s-cni:v1.11.2-eksbuild.1</c>). Values that do not parse read as the real code reads them.
    /// </summary>
    public static CniSettings FromEnvironment(IReadOnlyDictionary<string, string> env, string? image = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        var release = CniRelease.FromImage(image) ?? DefaultRelease;
        string? Get(CniSetting setting) => setting.ReadBy(release) && env.TryGetValue(setting.Name, out var value) ? value.Trim() : null;
        // ipamd reads its booleans with strconv.ParseBool (pkg/ipamd/ipamd.go parseBoolEnvVar, networkutils getBoolEnvVar): "1" and "t" are true, "yes" the default.
        bool Bool(CniSetting setting, bool fallback) => Podnet.Net.GoStrconv.ParseBool(Get(setting)) ?? fallback;
        int Int(CniSetting setting) => Get(setting) is { } v && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i > 0 ? i : 0;

        var warmEni = Get(CniSetting.WarmEniTarget) is { } w && int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out var we) ? (we < 0 ? 1 : we) : 1;
        var cooldown = Get(CniSetting.IpCooldownPeriod) is { } c && int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cs) && cs >= 0 ? cs : 30;
        var maxEni = Get(CniSetting.MaxEni) is { } m && int.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out var me) && me >= 1 ? me : (int?)null;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get(CniSetting.AdditionalEniTags) is { Length: > 2 } json)
        {
            try
            {
                if (System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) is { } parsed)
                {
                    tags = parsed;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // ipamd logs and ignores tags it cannot parse.
            }
        }

        return new CniSettings
        {
            Release = release,
            Unread = [.. CniSetting.All.Where(s => !s.ReadBy(release) && env.TryGetValue(s.Name, out var v) && s.ChangesOlderReleases(v)).Select(s => (s, env[s.Name].Trim()))],
            CustomNetwork = Bool(CniSetting.CustomNetworkCfg, false),
            EniConfigAnnotationKey = Get(CniSetting.EniConfigAnnotationDef) is { Length: > 0 } a ? a : DefaultEniConfigKey,
            EniConfigLabelKey = Get(CniSetting.EniConfigLabelDef) is { Length: > 0 } l ? l : DefaultEniConfigKey,
            WarmEniTarget = warmEni,
            WarmIpTarget = Int(CniSetting.WarmIpTarget),
            MinimumIpTarget = Int(CniSetting.MinimumIpTarget),
            WarmPrefixTarget = Int(CniSetting.WarmPrefixTarget),
            MaxEni = maxEni,
            PrefixDelegation = Bool(CniSetting.EnablePrefixDelegation, false),
            IpCooldown = TimeSpan.FromSeconds(cooldown),
            EnablePodEni = Bool(CniSetting.EnablePodEni, false),
            PodSecurityGroupEnforcingMode = Get(CniSetting.PodSecurityGroupEnforcingMode) is "standard" ? "standard" : "strict",
            ExternalSnat = Bool(CniSetting.ExternalSnat, false),
            ExcludeSnatCidrs = [.. (Get(CniSetting.ExcludeSnatCidrs) ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(text => CidrBlock.TryParseAllowingHostBits(text, out var cidr, out _) ? cidr : (CidrBlock?)null)
                .Where(cidr => cidr is not null)
                .Select(cidr => cidr!.Value)],
            EnableIPv4 = Bool(CniSetting.EnableIPv4, true),
            EnableIPv6 = Bool(CniSetting.EnableIPv6, false),
            EnableV6Egress = Bool(CniSetting.EnableV6Egress, false),
            EnableV4Egress = Bool(CniSetting.EnableV4Egress, true),
            EnableSubnetDiscovery = Bool(CniSetting.EnableSubnetDiscovery, CniSetting.EnableSubnetDiscovery.ReadBy(release)),
            ManageEnisOnUnschedulable = Bool(CniSetting.ManageEnisNonSchedulable, !CniSetting.ManageEnisNonSchedulable.ReadBy(release)),
            EnableMultiNic = Bool(CniSetting.EnableMultiNic, false),
            DisableNetworkResourceProvisioning = Bool(CniSetting.DisableNetworkResourceProvisioning, false) || Bool(CniSetting.EnableImdsOnlyMode, false),
            NetworkPolicyEnforcingMode = Get(CniSetting.NetworkPolicyEnforcingMode) ?? string.Empty,
            ClusterName = Get(CniSetting.ClusterName) ?? string.Empty,
            AdditionalEniTags = tags,
        };
    }

    /// <summary>Reads the settings from the aws-node container of a pod or of the DaemonSet's template.</summary>
    public static CniSettings FromContainer(JsonObject container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var env = (container["env"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => e["name"] is not null && e["value"] is not null)
            .GroupBy(e => e["name"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()["value"]!.GetValue<string>(), StringComparer.Ordinal);
        return FromEnvironment(env, container["image"]?.GetValue<string>());
    }

    /// <summary>
    /// The settings in effect that Podnet does not emulate, with the value and why: ENIs on more than one network card (ENABLE_MULTI_NIC=true), and the
    /// network policy agent's strict mode (NETWORK_POLICY_ENFORCING_MODE=strict). A world
    /// that sets one is refused (exit 2), and an ipamd started with one fails, so neither is ever silently ignored.
    /// Settings the release does not read (<see cref="Unread"/>) are not in effect and not listed.
    /// </summary>
    public IReadOnlyList<(CniSetting Setting, string Value, string Reason)> Unsupported()
    {
        var unsupported = new List<(CniSetting, string, string)>();
        if (EnableMultiNic)
        {
            unsupported.Add((CniSetting.EnableMultiNic, "true", "Podnet manages the interfaces of network card 0 only; use ENABLE_MULTI_NIC=false"));
        }

        if (string.Equals(NetworkPolicyEnforcingMode, "strict", StringComparison.OrdinalIgnoreCase))
        {
            unsupported.Add((CniSetting.NetworkPolicyEnforcingMode, NetworkPolicyEnforcingMode,
                "Podnet's network policy agent enforces standard mode only (strict mode's default deny for pods at start is not emulated); use NETWORK_POLICY_ENFORCING_MODE=standard"));
        }

        return unsupported;
    }

    /// <summary>
    /// Why ipamd would refuse to start with these settings, in its words (<c>isConfigValid</c> in pkg/ipamd/ipamd.go,
    /// then the WARM_PREFIX_TARGET check of cmd/aws-vpc-cni/main.go); null when they are valid.
    /// </summary>
    public string? ConfigError()
    {
        if (EnableIPv4 && EnableIPv6)
        {
            return "IPv4 and IPv6 are both enabled. VPC CNI currently does not support dual stack mode";
        }

        if (!EnableIPv4 && !EnableIPv6)
        {
            return "IPv4 and IPv6 are both disabled. One of them have to be enabled";
        }

        if (EnableIPv6 && (CustomNetwork || !PrefixDelegation))
        {
            return Ipv6ModeError;
        }

        if (PrefixDelegation && !WarmIpDefined && WarmPrefixTarget <= 0)
        {
            return "Setting WARM_PREFIX_TARGET = 0 is not supported while WARM_IP_TARGET/MINIMUM_IP_TARGET is not set. Please configure either one of the WARM_{PREFIX/IP}_TARGET or MINIMUM_IP_TARGET env variables";
        }

        return null;
    }
}
