using System.Net;
using Podnet.Aws.InstanceTypes;
using Podnet.Cni;
using Podnet.Cni.Ipamd;
using Podnet.Net;

namespace Podnet.Tests.Cni.Ipamd;

/// <summary>The pool rules as pure functions (vpc-cni.md §3; §8 cases 11, 12, 15).</summary>
public class WarmPoolRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static DatastoreStats Stats(int total, int assigned, int prefixes = 0) => new(total, assigned, 0, prefixes);

    private static InstanceTypeInfo Type(string name) => InstanceTypeCatalog.Default.Find(name)!;

    // §8 case 11 (TestIPAMContext_nodeIPPoolTooLow).
    [Fact]
    public void PoolTooLow_EmptyDatastore_WarmEni1_MaxIps14_IsLow()
        => Assert.True(WarmPool.PoolTooLow(new CniSettings { WarmEniTarget = 1 }, Stats(0, 0), 0, false, 14, 110));

    [Fact]
    public void PoolTooLow_ThreeFree_PerEniThree_WarmEni1_IsNotLow()
        => Assert.False(WarmPool.PoolTooLow(new CniSettings { WarmEniTarget = 1 }, Stats(3, 0), 0, false, 3, 110));

    [Fact]
    public void PoolTooLow_TwoFree_PerEniThree_WarmEni1_IsLow()
        => Assert.True(WarmPool.PoolTooLow(new CniSettings { WarmEniTarget = 1 }, Stats(3, 1), 0, false, 3, 110));

    [Fact]
    public void PoolTooLow_OnePod_WarmEni0_IsNotLow()
        => Assert.False(WarmPool.PoolTooLow(new CniSettings { WarmEniTarget = 0 }, Stats(3, 1), 0, false, 3, 110));

    [Fact]
    public void PoolTooLow_ThreePods_NoneAvailable_WarmEni0_IsLow()
        => Assert.True(WarmPool.PoolTooLow(new CniSettings { WarmEniTarget = 0 }, Stats(3, 3), 0, false, 3, 110));

    [Fact]
    public void PoolTooLow_TotalAtMaxPods_IsNotLow()
    {
        Assert.False(WarmPool.PoolTooLow(new CniSettings { WarmEniTarget = 0 }, Stats(3, 3), 0, false, 3, 3));
        Assert.False(WarmPool.PoolTooLow(new CniSettings { WarmIpTarget = 5 }, Stats(11, 11), 0, false, 3, 11));
    }

    [Fact]
    public void PoolTooLow_PrefixDelegation_CountsWarmPrefixTimesSixteen()
    {
        var settings = new CniSettings { PrefixDelegation = true, WarmPrefixTarget = 1 };
        Assert.False(WarmPool.PoolTooLow(settings, Stats(16, 0, 1), 1, true, 48, 110));
        Assert.True(WarmPool.PoolTooLow(settings, Stats(16, 1, 1), 0, true, 48, 110));
    }

    // §8 case 12 (TestGetWarmIPTargetState).
    [Fact]
    public void TargetState_WarmIp5_Empty_ShortFive()
        => Assert.Equal(new PoolTarget(5, 0, true), WarmPool.TargetState(new CniSettings { WarmIpTarget = 5 }, Stats(0, 0), 0, false));

    [Fact]
    public void TargetState_WarmIp5_TwoIps_ShortThree()
        => Assert.Equal(new PoolTarget(3, 0, true), WarmPool.TargetState(new CniSettings { WarmIpTarget = 5 }, Stats(2, 0), 0, false));

    [Fact]
    public void TargetState_WarmIp5_FiveIps_NeitherShortNorOver()
        => Assert.Equal(new PoolTarget(0, 0, true), WarmPool.TargetState(new CniSettings { WarmIpTarget = 5 }, Stats(5, 0), 0, false));

    [Fact]
    public void TargetState_WarmIp5_SevenIps_OverTwo()
        => Assert.Equal(new PoolTarget(0, 2, true), WarmPool.TargetState(new CniSettings { WarmIpTarget = 5 }, Stats(7, 0), 0, false));

    [Fact]
    public void TargetState_MinimumFloorsOver_AndRaisesShort()
    {
        var settings = new CniSettings { WarmIpTarget = 2, MinimumIpTarget = 5 };
        Assert.Equal(new PoolTarget(0, 0, true), WarmPool.TargetState(settings, Stats(5, 0), 0, false));
        Assert.Equal(new PoolTarget(2, 0, true), WarmPool.TargetState(settings, Stats(3, 0), 0, false));
        Assert.Equal(new PoolTarget(0, 1, true), WarmPool.TargetState(settings, Stats(6, 0), 0, false));
    }

    [Fact]
    public void TargetState_NoWarmIpOrMinimum_IsDisabled()
        => Assert.Equal(PoolTarget.Disabled, WarmPool.TargetState(new CniSettings { WarmEniTarget = 1 }, Stats(0, 0), 0, false));

    [Fact]
    public void TargetState_PrefixDelegation_CountsPrefixes()
    {
        var settings = new CniSettings { PrefixDelegation = true, WarmIpTarget = 1, MinimumIpTarget = 1 };
        Assert.Equal(new PoolTarget(1, 0, true), WarmPool.TargetState(settings, Stats(0, 0), 0, true));
        Assert.Equal(new PoolTarget(0, 0, true), WarmPool.TargetState(settings, Stats(16, 5, 1), 0, true));

        // Two free prefixes, nothing assigned: one is needed for WARM_IP 1 (and MIN 1), the other is over.
        Assert.Equal(new PoolTarget(0, 1, true), WarmPool.TargetState(settings, Stats(32, 0, 2), 2, true));

        // 20 short addresses round up to 2 prefixes.
        Assert.Equal(new PoolTarget(2, 0, true), WarmPool.TargetState(new CniSettings { PrefixDelegation = true, MinimumIpTarget = 20 }, Stats(0, 0), 0, true));
    }

    [Fact]
    public void PoolTooHigh_OnlyWithWarmIpOrFreePrefixesBeyondTarget()
    {
        Assert.False(WarmPool.PoolTooHigh(new CniSettings { WarmEniTarget = 1 }, Stats(27, 0), 0, false));
        Assert.True(WarmPool.PoolTooHigh(new CniSettings { WarmIpTarget = 1 }, Stats(3, 1), 0, false));
        Assert.False(WarmPool.PoolTooHigh(new CniSettings { WarmIpTarget = 2 }, Stats(3, 1), 0, false));
        Assert.True(WarmPool.PoolTooHigh(new CniSettings { PrefixDelegation = true, WarmPrefixTarget = 1 }, Stats(48, 1, 3), 2, true));
        Assert.False(WarmPool.PoolTooHigh(new CniSettings { PrefixDelegation = true, WarmPrefixTarget = 1 }, Stats(32, 1, 2), 1, true));
    }

    [Fact]
    public void ShouldRemoveExtraEnis_WarmEni_NeedsTargetPlusOneEnisAvailable()
    {
        var settings = new CniSettings { WarmEniTarget = 1 };
        Assert.False(WarmPool.ShouldRemoveExtraEnis(settings, Stats(9, 4), false, 3, () => []));
        Assert.True(WarmPool.ShouldRemoveExtraEnis(settings, Stats(9, 3), false, 3, () => []));
        Assert.True(WarmPool.ShouldRemoveExtraEnis(new CniSettings { WarmIpTarget = 1 }, Stats(9, 9), false, 3, () => []));
    }

    [Fact]
    public void Limits_T3Small_M5Large_P3dn()
    {
        Assert.Equal(3, WarmPool.MaxIpsPerEni(Type("t3.small"), false));
        Assert.Equal(48, WarmPool.MaxIpsPerEni(Type("t3.small"), true));
        Assert.Equal(3, WarmPool.MaxPrefixesPerEni(Type("t3.small")));
        Assert.Equal(9, WarmPool.MaxIpsPerEni(Type("m5.large"), false));
        Assert.Equal(49, WarmPool.MaxIpsPerEni(Type("p3dn.24xlarge"), false));
        Assert.Equal(3, WarmPool.MaxEni(new CniSettings(), Type("t3.small")));
        Assert.Equal(2, WarmPool.MaxEni(new CniSettings { MaxEni = 2 }, Type("t3.small")));
        Assert.Equal(3, WarmPool.MaxEni(new CniSettings { MaxEni = 5 }, Type("t3.small")));
    }

    // §8 case 15: the trunk slot.
    [Fact]
    public void TrunkReserve_PodEniOn_NoTrunkYet_OnNonTrunkingTypesOnlyBefore1_20_4()
    {
        var podEni = new CniSettings { EnablePodEni = true, Release = new CniRelease(1, 20, 4, 1) };
        Assert.Equal(1, WarmPool.TrunkReserve(podEni, Type("m5.large"), hasTrunk: false));
        Assert.Equal(0, WarmPool.TrunkReserve(podEni, Type("m5.large"), hasTrunk: true));
        Assert.Equal(0, WarmPool.TrunkReserve(new CniSettings(), Type("m5.large"), hasTrunk: false));
        Assert.Equal(0, WarmPool.TrunkReserve(podEni, Type("t3.small"), hasTrunk: false));

        // Fidelity fix: until v1.20.4 (aws/amazon-vpc-cni-k8s#3250) hasRoomForEni kept the slot on any type, so a t3
        // with ENABLE_POD_ENI on the default 1.19.2 loses an interface to a trunk it never gets (#3094).
        Assert.Equal(1, WarmPool.TrunkReserve(new CniSettings { EnablePodEni = true }, Type("t3.small"), hasTrunk: false));
        Assert.Equal(1, WarmPool.TrunkReserve(podEni with { Release = new CniRelease(1, 20, 3, 1) }, Type("t3.small"), hasTrunk: false));

        Assert.True(WarmPool.HasRoomForEni(enis: 2, excluded: 0, maxEni: 3, unmanaged: 0, trunkReserve: 0));
        Assert.False(WarmPool.HasRoomForEni(enis: 2, excluded: 0, maxEni: 3, unmanaged: 0, trunkReserve: 1));
        Assert.False(WarmPool.HasRoomForEni(enis: 2, excluded: 0, maxEni: 3, unmanaged: 1, trunkReserve: 0));
        Assert.True(WarmPool.HasRoomForEni(enis: 2, excluded: 1, maxEni: 3, unmanaged: 0, trunkReserve: 0));
        Assert.False(WarmPool.HasRoomForEni(enis: 3, excluded: 1, maxEni: 3, unmanaged: 0, trunkReserve: 0));
    }

    [Fact]
    public void ResourcesForNewEni_FullEniOrShortfall_PrefixesNeeded()
    {
        Assert.Equal(3, WarmPool.ResourcesForNewEni(new CniSettings(), Stats(3, 3), 0, false, 3, 3));
        Assert.Equal(2, WarmPool.ResourcesForNewEni(new CniSettings { WarmIpTarget = 2, MinimumIpTarget = 5 }, Stats(3, 0), 0, false, 3, 3));
        Assert.Equal(3, WarmPool.ResourcesForNewEni(new CniSettings { MinimumIpTarget = 20 }, Stats(0, 0), 0, false, 3, 3));
        Assert.Equal(1, WarmPool.ResourcesForNewEni(new CniSettings { PrefixDelegation = true, WarmPrefixTarget = 1 }, Stats(48, 40, 3), 0, true, 48, 3));
        Assert.Equal(2, WarmPool.ResourcesForNewEni(new CniSettings { PrefixDelegation = true, MinimumIpTarget = 20 }, Stats(0, 0), 0, true, 48, 3));
    }

    private static EniInfo Eni(string id, int device, DateTimeOffset created, params CidrInfo[] cidrs)
        => new(id, device, device == 0, false, false, created, "subnet-1", cidrs);

    private static CidrInfo Ip(string address, PodKey? pod = null, DateTimeOffset? released = null)
        => new(CidrBlock.Single(IPAddress.Parse(address)), false, pod is null && released is null ? [] : [new AddressInfo(IPAddress.Parse(address), pod, null, released)]);

    [Fact]
    public void GetDeletableEni_SkipsPrimaryYoungCooldownPodsAndNeededForTargets()
    {
        var old = Now.AddMinutes(-5);
        var pod = new PodKey("default", "p", "c");
        var primary = Eni("eni-0", 0, old, Ip("10.0.0.10"), Ip("10.0.0.11"), Ip("10.0.0.12"));
        var cooldown = Eni("eni-1", 1, old, Ip("10.0.0.20", released: Now.AddSeconds(-10)));
        var young = Eni("eni-2", 2, Now.AddSeconds(-59), Ip("10.0.0.30"));
        var withPod = Eni("eni-3", 3, old, Ip("10.0.0.40", pod));
        var free = Eni("eni-4", 4, old, Ip("10.0.0.50"));
        var settings = new CniSettings { WarmEniTarget = 1 };
        var minute = TimeSpan.FromMinutes(1);
        var cooldownPeriod = TimeSpan.FromSeconds(30);

        Assert.Equal("eni-4", WarmPool.GetDeletableEni(settings, [primary, cooldown, young, withPod, free], false, Now, cooldownPeriod, minute)?.Id);
        Assert.Null(WarmPool.GetDeletableEni(settings, [primary, cooldown, young, withPod], false, Now, cooldownPeriod, minute));

        // Out of cooldown (the address was released 10 s ago; 5 s cooldown), eni-1 goes first.
        Assert.Equal("eni-1", WarmPool.GetDeletableEni(settings, [primary, cooldown, free], false, Now, TimeSpan.FromSeconds(5), minute)?.Id);

        // Needed for WARM_IP 4: the others have only 3 free addresses.
        Assert.Null(WarmPool.GetDeletableEni(new CniSettings { WarmIpTarget = 4 }, [primary, free], false, Now, cooldownPeriod, minute));
        Assert.Equal("eni-4", WarmPool.GetDeletableEni(new CniSettings { WarmIpTarget = 3 }, [primary, free], false, Now, cooldownPeriod, minute)?.Id);

        // Needed for MINIMUM_IP 4: the others have only 3 addresses.
        Assert.Null(WarmPool.GetDeletableEni(new CniSettings { MinimumIpTarget = 4 }, [primary, free], false, Now, cooldownPeriod, minute));

        // A trunk is never freed.
        Assert.Null(WarmPool.GetDeletableEni(settings, [primary, free with { IsTrunk = true }], false, Now, cooldownPeriod, minute));
    }
}
