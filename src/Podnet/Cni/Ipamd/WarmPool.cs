using Podnet.Aws.InstanceTypes;

namespace Podnet.Cni.Ipamd;

/// <summary>
/// ipamd's warm pool rules (<c>pkg/ipamd/ipamd.go</c>, <c>datastore/data_store.go</c>; shared/reference/vpc-cni.md
/// §3) as pure functions of the datastore's counts, the settings and the instance type's limits.
/// </summary>
public static class WarmPool
{
    public const int AddressesPerPrefix = Datastore.AddressesPerPrefix;

    /// <summary>WARM_IP_TARGET or MINIMUM_IP_TARGET set: they steer the pool and WARM_ENI/WARM_PREFIX do not.</summary>
    public static bool WarmIpDefined(CniSettings settings) => settings.WarmIpTarget > 0 || settings.MinimumIpTarget > 0;

    /// <summary>
    /// <c>datastoreTargetState</c>. In secondary-IP mode short/over count addresses; with prefix delegation they count
    /// prefixes: short rounded up to whole prefixes, over limited to free prefixes beyond what the assigned
    /// addresses plus WARM_IP_TARGET, and MINIMUM_IP_TARGET, need.
    /// </summary>
    public static PoolTarget TargetState(CniSettings settings, DatastoreStats stats, int freePrefixes, bool prefixDelegation)
    {
        if (!WarmIpDefined(settings))
        {
            return PoolTarget.Disabled;
        }

        var warm = settings.WarmIpTarget;
        var minimum = settings.MinimumIpTarget;
        // The warm pool is IPv4's (IPv6 mode has none), whose counts fit an int.
        var available = checked((int)stats.AvailableIPs);
        var total = checked((int)stats.TotalIPs);
        var shortBy = Math.Max(warm - available, 0);
        shortBy = Math.Max(shortBy, minimum - total);
        if (prefixDelegation)
        {
            var shortPrefixes = DivCeil(shortBy, AddressesPerPrefix);
            var overPrefixes = Math.Max(Math.Min(freePrefixes, stats.TotalPrefixes - DivCeil(stats.AssignedIPs + warm, AddressesPerPrefix)), 0);
            overPrefixes = Math.Max(Math.Min(overPrefixes, stats.TotalPrefixes - DivCeil(minimum, AddressesPerPrefix)), 0);
            return new PoolTarget(shortPrefixes, overPrefixes, true);
        }

        var over = Math.Max(available - warm, 0);
        over = Math.Max(Math.Min(over, total - minimum), 0);
        return new PoolTarget(shortBy, over, true);
    }

    /// <summary>
    /// <c>isDatastorePoolTooLow</c>: never once the pool holds max-pods addresses; with WARM_IP/MIN_IP when short;
    /// else when fewer than WARM_ENI_TARGET ENIs' (WARM_PREFIX_TARGET prefixes') worth of addresses are available,
    /// or none at all with a target of 0.
    /// </summary>
    public static bool PoolTooLow(CniSettings settings, DatastoreStats stats, int freePrefixes, bool prefixDelegation, int maxIpsPerEni, int maxPods)
    {
        if (stats.TotalIPs >= maxPods)
        {
            return false;
        }

        if (WarmIpDefined(settings))
        {
            return TargetState(settings, stats, freePrefixes, prefixDelegation).Short > 0;
        }

        var warmTarget = prefixDelegation ? settings.WarmPrefixTarget : settings.WarmEniTarget;
        var perUnit = prefixDelegation ? AddressesPerPrefix : maxIpsPerEni;
        var available = stats.AvailableIPs;
        return available < perUnit * warmTarget || (warmTarget == 0 && available == 0);
    }

    /// <summary>
    /// <c>isDatastorePoolTooHigh</c>: with WARM_IP/MIN_IP when over; with prefix delegation when more prefixes are free
    /// than WARM_PREFIX_TARGET; never under WARM_ENI_TARGET alone (whole ENIs are freed instead).
    /// </summary>
    public static bool PoolTooHigh(CniSettings settings, DatastoreStats stats, int freePrefixes, bool prefixDelegation)
    {
        if (WarmIpDefined(settings))
        {
            return TargetState(settings, stats, freePrefixes, prefixDelegation).Over > 0;
        }

        return prefixDelegation && freePrefixes > settings.WarmPrefixTarget;
    }

    /// <summary>
    /// How many CIDRs a decrease gives back (<c>tryUnassignCidrsFromAll</c>): <c>over</c> with WARM_IP/MIN_IP, else
    /// with prefix delegation the free prefixes beyond WARM_PREFIX_TARGET.
    /// </summary>
    public static int CidrsToRelease(CniSettings settings, DatastoreStats stats, int freePrefixes, bool prefixDelegation)
    {
        if (WarmIpDefined(settings))
        {
            return TargetState(settings, stats, freePrefixes, prefixDelegation).Over;
        }

        return prefixDelegation && settings.WarmPrefixTarget > 0 ? Math.Max(freePrefixes - settings.WarmPrefixTarget, 0) : 0;
    }

    /// <summary>
    /// <c>shouldRemoveExtraENIs</c>: always with WARM_IP/MIN_IP (<see cref="GetDeletableEni"/> decides); else when a
    /// target-plus-one ENIs' worth of addresses is available, or with prefix delegation when an ENI other than the
    /// primary or trunk has no pods. <paramref name="enis"/> is asked only then: the datastore makes its list anew after
    /// every change, and ipamd asks this on every turn of its pool loop.
    /// </summary>
    public static bool ShouldRemoveExtraEnis(CniSettings settings, DatastoreStats stats, bool prefixDelegation, int maxIpsPerEni, Func<IReadOnlyList<EniInfo>> enis)
    {
        if (WarmIpDefined(settings))
        {
            return true;
        }

        var warmTarget = (prefixDelegation ? settings.WarmPrefixTarget : settings.WarmEniTarget) + 1;
        var remove = stats.AvailableIPs >= warmTarget * maxIpsPerEni;
        if (prefixDelegation)
        {
            remove = remove || enis().Any(e => !e.IsPrimary && !e.IsTrunk && !e.IsExcludedForPodIps && !e.HasPods);
        }

        return remove;
    }

    /// <summary>
    /// <c>getDeletableENI</c>: the first ENI (device number ascending) that is not the primary, is at least
    /// <paramref name="minimumAge"/> old, has no address in cooldown and no pods, is not needed for WARM_IP_TARGET,
    /// MINIMUM_IP_TARGET or WARM_PREFIX_TARGET as counted on the <em>other</em> ENIs (prefix delegation rounds the
    /// address targets up to whole prefixes), and is not a trunk. Null when there is none.
    /// </summary>
    public static EniInfo? GetDeletableEni(
        CniSettings settings, IReadOnlyList<EniInfo> enis, bool prefixDelegation, DateTimeOffset now, TimeSpan ipCooldown, TimeSpan minimumAge)
    {
        var warmIp = settings.WarmIpTarget;
        var minimumIp = settings.MinimumIpTarget;

        // WARM_PREFIX_TARGET means nothing without prefix delegation (the chart sets it to 1 regardless).
        var warmPrefix = prefixDelegation ? settings.WarmPrefixTarget : 0;
        foreach (var eni in enis.OrderBy(e => e.DeviceNumber))
        {
            if (eni.IsPrimary || now - eni.CreatedAt < minimumAge)
            {
                continue;
            }

            if (eni.Cidrs.Any(c => c.CooldownCount(now, ipCooldown) > 0) || eni.HasPods)
            {
                continue;
            }

            var others = enis.Where(o => o.Id != eni.Id && !o.IsExcludedForPodIps).SelectMany(o => o.CidrsOfMode(prefixDelegation)).ToList();
            if (warmIp != 0 && IsRequired(warmIp, others.Sum(c => c.Size - c.AssignedCount), prefixDelegation))
            {
                continue;
            }

            if (minimumIp != 0 && IsRequired(minimumIp, others.Sum(c => c.Size), prefixDelegation))
            {
                continue;
            }

            if (warmPrefix != 0 && others.Count(c => c.AssignedCount == 0) < warmPrefix)
            {
                continue;
            }

            if (eni.IsTrunk)
            {
                continue;
            }

            return eni;
        }

        return null;
    }

    /// <summary>Addresses a pod can get per ENI: <c>IPv4Limit − 1</c> (the ENI's primary address is never a pod's), ×16 with prefix delegation.</summary>
    public static int MaxIpsPerEni(InstanceTypeInfo instanceType, bool prefixDelegation)
        => prefixDelegation ? AddressesPerPrefix * MaxPrefixesPerEni(instanceType) : Ipv4Limit(instanceType) - 1;

    /// <summary>Prefixes per ENI with prefix delegation: <c>IPv4Limit − 1</c>.</summary>
    public static int MaxPrefixesPerEni(InstanceTypeInfo instanceType) => Ipv4Limit(instanceType) - 1;

    /// <summary><c>maxENI = min(MAX_ENI if set, the default network card's interface limit)</c>.</summary>
    public static int MaxEni(CniSettings settings, InstanceTypeInfo instanceType)
    {
        var limit = instanceType.DefaultCardMaximumNetworkInterfaces ?? throw new ArgumentException($"{instanceType.InstanceType} has no known network interface limit", nameof(instanceType));
        return settings.MaxEni is { } maxEni and >= 1 ? Math.Min(maxEni, limit) : limit;
    }

    /// <summary>
    /// The first release whose ipamd keeps no slot for a trunk on a type that cannot trunk: <c>hasRoomForEni</c>
    /// asks <c>IsTrunkingCompatible</c> since "Optimize ENI slot reservation for non-supported instance type"
    /// (aws/amazon-vpc-cni-k8s#3250, released in v1.20.4); before, ENABLE_POD_ENI kept one slot on any type
    /// (aws/amazon-vpc-cni-k8s#3094).
    /// </summary>
    public static readonly CniRelease TrunkReserveOnlyOnTrunkingTypes = new(1, 20, 4);

    /// <summary>
    /// One ENI slot is kept for the trunk iff ENABLE_POD_ENI is on, no trunk is attached yet, and the type can trunk
    /// (from <see cref="TrunkReserveOnlyOnTrunkingTypes"/>; any type before: a t3 loses an interface for a trunk it never gets).
    /// </summary>
    public static int TrunkReserve(CniSettings settings, InstanceTypeInfo instanceType, bool hasTrunk)
        => settings.EnablePodEni && !hasTrunk && (instanceType.IsTrunkingCompatible == true || settings.Release < TrunkReserveOnlyOnTrunkingTypes) ? 1 : 0;

    /// <summary>
    /// <c>hasRoomForEni</c> as written: <c>(ENIs − excluded) &lt; maxENI − unmanaged − trunkReserve − excluded</c>
    /// (the excluded primary is on both sides, so it takes a slot like any ENI).
    /// </summary>
    public static bool HasRoomForEni(int enis, int excluded, int maxEni, int unmanaged, int trunkReserve)
        => enis - excluded < maxEni - unmanaged - trunkReserve - excluded;

    /// <summary>
    /// Addresses (prefixes) a new ENI is created with (<c>GetENIResourcesToAllocate</c>): secondary-IP mode a full ENI,
    /// or with WARM_IP/MIN_IP <c>min(short, maxIPsPerENI)</c>; prefix delegation <see cref="PrefixesNeeded"/>.
    /// </summary>
    public static int ResourcesForNewEni(CniSettings settings, DatastoreStats stats, int freePrefixes, bool prefixDelegation, int maxIpsPerEni, int maxPrefixesPerEni)
    {
        if (prefixDelegation)
        {
            return PrefixesNeeded(settings, stats, freePrefixes, maxPrefixesPerEni);
        }

        var target = TargetState(settings, stats, freePrefixes, prefixDelegation: false);
        return target.Enabled ? Math.Min(target.Short, maxIpsPerEni) : maxIpsPerEni;
    }

    /// <summary>
    /// <c>getPrefixesNeeded</c>: at least one; with WARM_IP/MIN_IP the short prefixes, else the free prefixes missing
    /// to WARM_PREFIX_TARGET; at most a full ENI.
    /// </summary>
    public static int PrefixesNeeded(CniSettings settings, DatastoreStats stats, int freePrefixes, int maxPrefixesPerEni)
    {
        var needed = 1;
        var target = TargetState(settings, stats, freePrefixes, prefixDelegation: true);
        if (target.Enabled)
        {
            needed = Math.Max(needed, target.Short);
        }
        else if (settings.WarmPrefixTarget > 0)
        {
            needed = Math.Max(needed, settings.WarmPrefixTarget - freePrefixes);
        }

        return Math.Min(needed, maxPrefixesPerEni);
    }

    private static bool IsRequired(int target, long otherAddresses, bool prefixDelegation)
        => prefixDelegation ? DivCeil(target, AddressesPerPrefix) * AddressesPerPrefix > otherAddresses : otherAddresses < target;

    private static int Ipv4Limit(InstanceTypeInfo instanceType)
        => instanceType.Ipv4AddressesPerInterface ?? throw new ArgumentException($"{instanceType.InstanceType} has no known IPv4 address limit", nameof(instanceType));

    private static int DivCeil(int x, int y) => (x + y - 1) / y;
}
