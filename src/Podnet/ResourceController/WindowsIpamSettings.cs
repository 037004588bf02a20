using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.ResourceController;

/// <summary>
/// Windows IPAM's switch and warm-pool targets as the VPC resource controller reads them from the
/// <c>kube-system/amazon-vpc-cni</c> ConfigMap. Enabled when <c>enable-windows-ipam</c> parses as true (Go's
/// <c>strconv.ParseBool</c>) and the old, self-managed <c>kube-system/vpc-resource-controller</c> Deployment is absent
/// (<c>IsWindowsIPAMEnabled</c>, pkg/condition/conditions.go). The targets are <c>ParseWinIPTargetConfigs</c>'s in
/// secondary-IP mode (pkg/config/loader.go): <c>warm-ip-target</c> else <c>windows-warm-ip-target</c>,
/// <c>minimum-ip-target</c> else <c>windows-minimum-ip-target</c>; a missing or unparsable one is 0, an explicit warm
/// 0 is 1, and both 0 fall back to the defaults (3 and 3). With Windows IPAM on, <c>enable-windows-prefix-delegation</c>
/// true turns prefix mode on (<c>IsWindowsPrefixDelegationEnabled</c>, EKS runs the controller with its Windows PD
/// feature flag on): <see cref="PrefixDelegation"/> then has its targets.
/// </summary>
/// <param name="Enabled">Whether the controller manages Windows nodes' IPv4 addresses.</param>
/// <param name="WarmIpTarget">Free addresses kept on each Windows node beyond those in use (secondary-IP mode).</param>
/// <param name="MinimumIpTarget">Addresses (used and free) each Windows node has at least (secondary-IP mode).</param>
public sealed record WindowsIpamSettings(bool Enabled, int WarmIpTarget, int MinimumIpTarget)
{
    /// <summary>The ConfigMap key that turns Windows IPAM on.</summary>
    public const string EnableKey = "enable-windows-ipam";

    /// <summary>The ConfigMap key that turns Windows prefix delegation on (<c>EnableWindowsPrefixDelegationKey</c>).</summary>
    public const string EnablePrefixDelegationKey = "enable-windows-prefix-delegation";

    /// <summary>The prefix-mode targets while Windows prefix delegation is on; null in secondary-IP mode.</summary>
    public WindowsPrefixTargets? PrefixDelegation { get; init; }

    /// <summary><c>IPv4DefaultWinWarmIPTarget</c> and <c>IPv4DefaultWinMinIPTarget</c> (pkg/config/loader.go).</summary>
    public const int DefaultTarget = 3;

    /// <summary>The settings in <paramref name="store"/> now.</summary>
    public static WindowsIpamSettings Read(ObjectStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var configMap = store.TryGet(store.Resources.For("v1", "ConfigMap"), "kube-system", ConfigMapReconciler.ConfigMapName);
        var oldController = store.TryGet(store.Resources.For("apps/v1", "Deployment"), "kube-system", "vpc-resource-controller") is not null;
        return From(configMap, oldController);
    }

    /// <summary>The settings a ConfigMap gives (null: none), with or without the old controller's Deployment.</summary>
    public static WindowsIpamSettings From(KubeObject? configMap, bool oldControllerDeployed = false)
    {
        string? Data(string key) => configMap?.Peek("data")?[key] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

        var enabled = !oldControllerDeployed && Podnet.Net.GoStrconv.ParseBool(Data(EnableKey)) == true;
        if (configMap?.Peek("data") is null)
        {
            return new WindowsIpamSettings(enabled, DefaultTarget, DefaultTarget);
        }

        var prefix = enabled && Podnet.Net.GoStrconv.ParseBool(Data(EnablePrefixDelegationKey)) == true
            ? WindowsPrefixTargets.Parse(Parse(Data("warm-ip-target")), Parse(Data("minimum-ip-target")), Parse(Data("warm-prefix-target")))
            : null;
        return Secondary(enabled, Data) with { PrefixDelegation = prefix };
    }

    /// <summary>The secondary-IP mode's targets (<c>ParseWinIPTargetConfigs</c>).</summary>
    private static WindowsIpamSettings Secondary(bool enabled, Func<string, string?> data)
    {
        var warmText = data("warm-ip-target") ?? data("windows-warm-ip-target");
        var minimumText = data("minimum-ip-target") ?? data("windows-minimum-ip-target");
        // "Explicitly setting WarmIPTarget zero value not supported in secondary IP mode, will override with 1".
        var warm = Parse(warmText) is { } w ? (w == 0 ? 1 : w) : 0;
        var minimum = Parse(minimumText) ?? 0;
        if (warm == 0 && minimum == 0)
        {
            // On-demand allocation is not supported: both zero falls back to the defaults.
            return new WindowsIpamSettings(enabled, DefaultTarget, DefaultTarget);
        }

        // A negative target means its default (docs/windows/secondary_ip_mode_config_options.md).
        return new WindowsIpamSettings(enabled, warm < 0 ? DefaultTarget : warm, minimum < 0 ? DefaultTarget : minimum);
    }

    /// <summary>Go's <c>strconv.Atoi</c>: an optionally signed decimal; null when the text is none.</summary>
    internal static int? Parse(string? text)
        => int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
