using Podnet.Cni;
using Podnet.Kube.Views;

namespace Podnet.Lint;

/// <summary>
/// What the VPC CNI release in use can do, from the one table of settings and releases (<see cref="CniSetting"/>)
/// that ipamd's emulation reads too: EKS's floors for features (security groups for pods: 1.7.7, seed 000; custom
/// networking: 1.6.3-eksbuild.2, seed 003), settings the release does not read yet (they have no effect, e.g.
/// POD_SECURITY_GROUP_ENFORCING_MODE before 1.11.0), and, up to 1.10.2, pods with security groups that set
/// terminationGracePeriodSeconds to 0.
/// </summary>
public sealed class CniVersionRequirements : ILintCheck
{
    public const string PodEniVersionId = "pod-eni-needs-cni-1.7.7";
    public const string CustomNetworkingVersionId = "custom-networking-needs-cni-1.6.3-eksbuild.2";
    public const string UnreadSettingId = "cni-setting-not-read";
    public const string GracePeriodId = "zero-grace-period-with-cni-1.10.2";

    private static readonly Version ZeroGraceUntil = new(1, 10, 2);

    /// <summary>The features EKS documents a minimum release for: the setting, whether it is on, the check's id, and what the feature needs.</summary>
    private static readonly (CniSetting Setting, Func<CniSettings, bool> Enabled, string Id, string Feature)[] Floors =
    [
        (CniSetting.EnablePodEni, s => s.EnablePodEni, PodEniVersionId, "security groups for pods need"),
        (CniSetting.CustomNetworkCfg, s => s.CustomNetwork, CustomNetworkingVersionId, "custom networking needs"),
    ];

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Settings is not { } settings)
        {
            yield break;
        }

        var release = settings.Release;
        var floorsMissed = new HashSet<CniSetting>();
        foreach (var (setting, enabled, id, feature) in Floors)
        {
            // On, or asked for on a release too old to read it.
            var requested = enabled(settings) || settings.Unread.Any(u => u.Setting == setting && string.Equals(u.Value, "true", StringComparison.OrdinalIgnoreCase));
            if (requested && setting.EksMinimum is { } minimum && release < minimum)
            {
                floorsMissed.Add(setting);
                yield return new LintFinding(LintSeverity.Error, id, "DaemonSet kube-system/aws-node",
                    $"{setting.Name} is true, but the VPC CNI is {release}: {feature} {minimum} or later",
                    $"update the vpc-cni add-on to {minimum} or later (`aws eks update-addon --addon-name vpc-cni --addon-version …`)");
            }
        }

        foreach (var (setting, value) in settings.Unread.Where(u => !floorsMissed.Contains(u.Setting)))
        {
            var effect = setting == CniSetting.PodSecurityGroupEnforcingMode
                ? "every pod with security groups is in strict mode (no SNAT, its groups apply to traffic on its own node too)"
                : "ipamd keeps the default";
            yield return new LintFinding(LintSeverity.Warning, UnreadSettingId, "DaemonSet kube-system/aws-node",
                $"{setting.Name} is \"{value}\", but the VPC CNI {release} does not read it (it is read from {setting.Since} on): {effect}",
                $"update the vpc-cni add-on to {setting.Since} or later, or remove {setting.Name}");
        }

        if (settings.CniVersion > ZeroGraceUntil)
        {
            yield break;
        }

        var version = settings.CniVersion.ToString(3);
        foreach (var set in context.SecurityGroupPods)
        {
            var zero = set.Pods.Where(ZeroGracePeriod).ToList();
            if (zero.Count > 0)
            {
                yield return new LintFinding(LintSeverity.Error, GracePeriodId, set.Display,
                    $"sets terminationGracePeriodSeconds: 0 and gets security groups, which the VPC CNI {version} (1.10.2 or older) does not allow",
                    "set terminationGracePeriodSeconds above 0 (or leave it out: 30), or update the VPC CNI to a later version");
            }
        }
    }

    private static bool ZeroGracePeriod(PodView pod)
        => pod.Object.ToJson()["spec"]?["terminationGracePeriodSeconds"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<long>(out var seconds) && seconds == 0;
}
