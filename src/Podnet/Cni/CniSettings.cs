using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podnet.Net;

namespace Podnet.Cni;

/// <summary>
/// The VPC CNI's configuration as ipamd reads it from the aws-node container's environment, with the real
/// defaults (shared/reference/vpc-cni.md §4), and the CNI version from the image tag.
/// </summary>
public sealed partial record CniSettings
{
    public const string DefaultEniConfigKey = "k8s.amazonaws.com/eniConfig";

    public Version CniVersion { get; init; } = new(1, 19, 2);

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

    /// <summary>strict (the default) or standard.</summary>
    public string PodSecurityGroupEnforcingMode { get; init; } = "strict";

    public bool ExternalSnat { get; init; }

    public IReadOnlyList<CidrBlock> ExcludeSnatCidrs { get; init; } = [];

    public bool EnableIPv4 { get; init; } = true;

    public bool EnableIPv6 { get; init; }

    public bool EnableSubnetDiscovery { get; init; } = true;

    public bool ManageEnisOnUnschedulable { get; init; }

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
        string? Get(string name) => env.TryGetValue(name, out var value) ? value.Trim() : null;
        bool Bool(string name, bool fallback) => Get(name) is { } v && bool.TryParse(v, out var b) ? b : fallback;
        int Int(string name) => Get(name) is { } v && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i > 0 ? i : 0;

        var warmEni = Get("WARM_ENI_TARGET") is { } w && int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out var we) ? (we < 0 ? 1 : we) : 1;
        var cooldown = Get("IP_COOLDOWN_PERIOD") is { } c && int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cs) && cs >= 0 ? cs : 30;
        var maxEni = Get("MAX_ENI") is { } m && int.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out var me) && me >= 1 ? me : (int?)null;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get("ADDITIONAL_ENI_TAGS") is { Length: > 2 } json)
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
            CniVersion = VersionFromImage(image) ?? new Version(1, 19, 2),
            CustomNetwork = Bool("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", false),
            EniConfigAnnotationKey = Get("ENI_CONFIG_ANNOTATION_DEF") is { Length: > 0 } a ? a : DefaultEniConfigKey,
            EniConfigLabelKey = Get("ENI_CONFIG_LABEL_DEF") is { Length: > 0 } l ? l : DefaultEniConfigKey,
            WarmEniTarget = warmEni,
            WarmIpTarget = Int("WARM_IP_TARGET"),
            MinimumIpTarget = Int("MINIMUM_IP_TARGET"),
            WarmPrefixTarget = Int("WARM_PREFIX_TARGET"),
            MaxEni = maxEni,
            PrefixDelegation = Bool("ENABLE_PREFIX_DELEGATION", false),
            IpCooldown = TimeSpan.FromSeconds(cooldown),
            EnablePodEni = Bool("ENABLE_POD_ENI", false),
            PodSecurityGroupEnforcingMode = Get("POD_SECURITY_GROUP_ENFORCING_MODE") is "standard" ? "standard" : "strict",
            ExternalSnat = Bool("AWS_VPC_K8S_CNI_EXTERNALSNAT", false),
            ExcludeSnatCidrs = [.. (Get("AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS") ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(text => CidrBlock.TryParseAllowingHostBits(text, out var cidr, out _) ? cidr : (CidrBlock?)null)
                .Where(cidr => cidr is not null)
                .Select(cidr => cidr!.Value)],
            EnableIPv4 = Bool("ENABLE_IPv4", true),
            EnableIPv6 = Bool("ENABLE_IPv6", false),
            EnableSubnetDiscovery = Bool("ENABLE_SUBNET_DISCOVERY", true),
            ManageEnisOnUnschedulable = Bool("AWS_MANAGE_ENIS_NON_SCHEDULABLE", false),
            DisableNetworkResourceProvisioning = Bool("DISABLE_NETWORK_RESOURCE_PROVISIONING", false) || Bool("ENABLE_IMDS_ONLY_MODE", false),
            NetworkPolicyEnforcingMode = Get("NETWORK_POLICY_ENFORCING_MODE") ?? string.Empty,
            ClusterName = Get("CLUSTER_NAME") ?? string.Empty,
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

    /// <summary>Why ipamd would refuse to start with these settings, in its words; null when they are valid.</summary>
    public string? ConfigError()
    {
        if (EnableIPv4 == EnableIPv6)
        {
            return "IPv4 and IPv6 are both enabled or both disabled; exactly one of ENABLE_IPv4 and ENABLE_IPv6 must be true";
        }

        if (EnableIPv6 && CustomNetwork)
        {
            return "Custom Networking is not supported in IPv6 mode";
        }

        if (PrefixDelegation && !WarmIpDefined && WarmPrefixTarget <= 0)
        {
            return "Setting WARM_PREFIX_TARGET = 0 is not supported while WARM_IP_TARGET/MINIMUM_IP_TARGET is not set. Please configure either one of the WARM_{PREFIX/IP}_TARGET or MINIMUM_IP_TARGET env variables";
        }

        return null;
    }

    /// <summary>The version in an amazon-k8s-cni image tag: <c>v1.11.2-eksbuild.1</c> → 1.11.2.</summary>
    public static Version? VersionFromImage(string? image)
    {
        if (image is null || image.LastIndexOf(':') is var colon && colon < 0)
        {
            return null;
        }

        var match = VersionPattern().Match(image[(colon + 1)..]);
        return match.Success ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0) : null;
    }

    [GeneratedRegex(@"^v?(\d+)\.(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionPattern();
}
