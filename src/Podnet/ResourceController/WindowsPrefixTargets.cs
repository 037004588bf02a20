namespace Podnet.ResourceController;

/// <summary>
/// Windows prefix delegation's warm-pool targets as the VPC resource controller reads them from the
/// <c>amazon-vpc-cni</c> ConfigMap (<c>ParseWinPDTargets</c> and <c>LoadResourceConfigFromConfigMap</c>,
/// pkg/config/loader.go): <c>warm-ip-target</c>, <c>minimum-ip-target</c> and <c>warm-prefix-target</c>, a missing or
/// unparsable one 0; all three 0 give the defaults (<c>IPv4PDDefaultWarmIPTargetSize</c> 1,
/// <c>IPv4PDDefaultMinIPTargetSize</c> 3, <c>IPv4PDDefaultWarmPrefixTargetSize</c> 0). A target is "defined" when above
/// 0; <c>getPDDeviation</c> (pkg/pool/pool.go) gives an undefined IP target its default unless only the warm prefix
/// target is defined (see <see cref="WarmPrefixOnly"/>).
/// </summary>
/// <param name="WarmIpTarget">Free addresses kept beyond those in use, in whole /28 prefixes.</param>
/// <param name="MinimumIpTarget">Addresses the node has at least, in whole /28 prefixes.</param>
/// <param name="WarmPrefixTarget">Entirely free /28 prefixes kept (alone, when neither IP target is set).</param>
public sealed record WindowsPrefixTargets(int WarmIpTarget, int MinimumIpTarget, int WarmPrefixTarget)
{
    /// <summary>The defaults, when the ConfigMap sets none of the three.</summary>
    public static WindowsPrefixTargets Default { get; } = new(1, 3, 0);

    /// <summary>True when only the warm prefix target is defined: the pool then keeps that many free prefixes and no IP targets.</summary>
    public bool WarmPrefixOnly => WarmIpTarget <= 0 && MinimumIpTarget <= 0 && WarmPrefixTarget > 0;

    /// <summary>The warm IP target <c>getPDDeviation</c> works with: the default when it is not defined.</summary>
    public int EffectiveWarmIpTarget => WarmIpTarget > 0 ? WarmIpTarget : Default.WarmIpTarget;

    /// <summary>The minimum IP target <c>getPDDeviation</c> works with: the default when it is not defined.</summary>
    public int EffectiveMinimumIpTarget => MinimumIpTarget > 0 ? MinimumIpTarget : Default.MinimumIpTarget;

    /// <summary>The targets of the three ConfigMap values (null: missing or not a number).</summary>
    public static WindowsPrefixTargets Parse(int? warmIpTarget, int? minimumIpTarget, int? warmPrefixTarget)
    {
        var parsed = new WindowsPrefixTargets(warmIpTarget ?? 0, minimumIpTarget ?? 0, warmPrefixTarget ?? 0);
        return parsed is { WarmIpTarget: 0, MinimumIpTarget: 0, WarmPrefixTarget: 0 } ? Default : parsed;
    }
}
