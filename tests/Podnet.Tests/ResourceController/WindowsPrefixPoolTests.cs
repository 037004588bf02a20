using Podnet.Kube.Api;
using Podnet.ResourceController;

namespace Podnet.Tests.ResourceController;

/// <summary>
/// Windows prefix delegation's pool and targets (the resource controller's pkg/pool/pool.go getPDDeviation and
/// assignResourceFromMinGroup, pkg/config/loader.go ParseWinPDTargets).
/// </summary>
public class WindowsPrefixPoolTests
{
    private static WindowsPrefixPool Pool(int capacity = 144, params string[] prefixes)
    {
        var pool = new WindowsPrefixPool("node", "eni-1", capacity);
        foreach (var prefix in prefixes)
        {
            pool.AddPrefix(prefix);
        }

        return pool;
    }

    [Fact]
    public void WindowsPrefixPool_Prefix_DeconstructsIntoItsSixteenAddresses()
    {
        Assert.Equal(["192.168.64.240", "192.168.64.241", "192.168.64.255"], WindowsPrefixPool.Deconstruct("192.168.64.240/28").Where((_, i) => i is 0 or 1 or 15));
        Assert.Equal(16, WindowsPrefixPool.Deconstruct("192.168.64.240/28").Count);
    }

    [Fact]
    public void WindowsPrefixPool_Assign_PacksIntoThePrefixWithFewestFree()
    {
        var pool = Pool(144, "10.0.0.16/28", "10.0.0.32/28");
        pool.Assign("a");
        pool.Assign("b");

        // Both from the lower prefix first (a tie), then the one with fewer free addresses keeps taking them.
        Assert.Equal(("10.0.0.16", "10.0.0.16/28"), pool.Used["a"]);
        Assert.Equal(("10.0.0.17", "10.0.0.16/28"), pool.Used["b"]);
        Assert.Equal(["10.0.0.32/28"], pool.FreePrefixes);
    }

    [Fact]
    public void WindowsPrefixPool_ReleasedAddress_CoolsDownBeforeItIsFree()
    {
        var pool = Pool(144, "10.0.0.16/28");
        pool.Assign("a");
        var at = DateTimeOffset.UnixEpoch;
        pool.Release("a", at);

        Assert.Equal(at + WindowsIpPool.CoolDown, pool.Cool(at));
        Assert.Empty(pool.FreePrefixes);
        Assert.Null(pool.Cool(at + WindowsIpPool.CoolDown));
        Assert.Equal(["10.0.0.16/28"], pool.FreePrefixes);
    }

    [Theory]
    [InlineData(0, 0, 1)]    // the defaults (warm 1, minimum 3): one prefix
    [InlineData(1, 0, 0)]    // one prefix of 16 covers min 3 and 0 used + warm 1
    [InlineData(1, 16, 1)]   // 16 used + warm 1 needs a second prefix
    [InlineData(3, 1, -2)]   // 1 used + warm 1 needs one: the two free prefixes go
    public void WindowsPrefixPool_DefaultTargets_PrefixDeviation(int prefixes, int used, int expected)
    {
        var pool = Pool(144, [.. Enumerable.Range(1, prefixes).Select(i => $"10.0.{i}.0/28")]);
        for (var i = 0; i < used; i++)
        {
            Assert.NotNull(pool.Assign($"pod-{i}"));
        }

        Assert.Equal(expected, pool.PrefixDeviation(WindowsPrefixTargets.Default));
    }

    [Fact]
    public void WindowsPrefixPool_WarmPrefixTargetAlone_KeepsThatManyFreePrefixes()
    {
        var pool = Pool(144, "10.0.1.0/28", "10.0.2.0/28");
        pool.Assign("a");

        // One prefix is free: a target of two wants one more.
        Assert.Equal(1, pool.PrefixDeviation(WindowsPrefixTargets.Parse(null, null, 2)));

        // With an IP target set the warm prefix target is not used: 1 used + warm 1 fit the first prefix, the free one goes.
        Assert.Equal(-1, pool.PrefixDeviation(WindowsPrefixTargets.Parse(1, null, 2)));
    }

    [Fact]
    public void WindowsPrefixPool_AtCapacity_AddsNoPrefix()
    {
        var pool = Pool(16, "10.0.1.0/28");
        for (var i = 0; i < 16; i++)
        {
            pool.Assign($"pod-{i}");
        }

        Assert.Equal(0, pool.PrefixDeviation(WindowsPrefixTargets.Default));
    }

    [Fact]
    public void WindowsPrefixTargets_NoneSet_AreTheDefaults_AndAWarmPrefixTargetAloneIsKeptAlone()
    {
        Assert.Equal(new WindowsPrefixTargets(1, 3, 0), WindowsPrefixTargets.Parse(null, null, null));
        Assert.Equal(new WindowsPrefixTargets(1, 3, 0), WindowsPrefixTargets.Parse(0, 0, 0));
        var prefixOnly = WindowsPrefixTargets.Parse(null, null, 1);
        Assert.True(prefixOnly.WarmPrefixOnly);
        var withMinimum = WindowsPrefixTargets.Parse(null, 20, 1);
        Assert.False(withMinimum.WarmPrefixOnly);
        Assert.Equal((1, 20), (withMinimum.EffectiveWarmIpTarget, withMinimum.EffectiveMinimumIpTarget));
    }

    [Fact]
    public void WindowsIpamSettings_PrefixDelegation_OnlyWithWindowsIpam()
    {
        static KubeObject ConfigMap(string data) => KubeObject.Parse($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"amazon-vpc-cni","namespace":"kube-system"},"data":{{{data}}}}""");

        Assert.Equal(new WindowsPrefixTargets(2, 0, 0), WindowsIpamSettings.From(ConfigMap("""{"enable-windows-ipam":"true","enable-windows-prefix-delegation":"true","warm-ip-target":"2"}""")).PrefixDelegation);
        Assert.Null(WindowsIpamSettings.From(ConfigMap("""{"enable-windows-ipam":"false","enable-windows-prefix-delegation":"true"}""")).PrefixDelegation);
        Assert.Null(WindowsIpamSettings.From(ConfigMap("""{"enable-windows-ipam":"true","enable-windows-prefix-delegation":"yes"}""")).PrefixDelegation);
        Assert.Null(WindowsIpamSettings.From(ConfigMap("""{"enable-windows-ipam":"true","enable-windows-prefix-delegation":"true"}"""), oldControllerDeployed: true).PrefixDelegation);
    }
}
