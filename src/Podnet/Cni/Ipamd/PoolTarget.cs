namespace Podnet.Cni.Ipamd;

/// <summary>
/// <c>datastoreTargetState</c>'s answer: how many addresses (prefixes, with prefix delegation) the pool is short of
/// and over WARM_IP_TARGET/MINIMUM_IP_TARGET; <see cref="Enabled"/> is false when neither target is set.
/// </summary>
public readonly record struct PoolTarget(int Short, int Over, bool Enabled)
{
    public static PoolTarget Disabled { get; } = new(0, 0, false);
}
