using Podnet.Cni;

namespace Podnet.Tests.Cni.Ipamd;

/// <summary>
/// The example tables of docs/eni-and-ip-target.md and docs/prefix-and-ip-target.md (shared/reference/vpc-cni.md §3),
/// on the emulated EC2. How the docs count: "Attached ENIs" includes the primary ENI (device 0), and "IPs per ENI"
/// counts the secondary addresses ipamd added to each ENI (the ENI's own primary address is never a pod's), so a
/// t3.small (3 ENIs × 4 IPv4) tops out at 3 ENIs × 3. The assertions list ENIs by device number, the primary first;
/// the doc lists the same numbers, in the one case "2,3" where ipamd fills the primary first and gives the second ENI
/// the remaining 2 (the doc's order of ENIs is not the device order). Prefix tables count /28 prefixes.
/// </summary>
public class DocExampleTests
{
    [Theory]
    [InlineData(0, new[] { 3 })]
    [InlineData(5, new[] { 3, 3, 3 })]
    [InlineData(9, new[] { 3, 3, 3 })]
    public async Task WarmEniTarget1_T3Small(int pods, int[] ipsPerEni)
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { WarmEniTarget = 1 });

        await node.AddPodsAsync(pods);
        await node.SettleAsync();

        Assert.Equal(ipsPerEni, node.IpsPerEni());
        Assert.Equal(ipsPerEni, node.Ec2CidrsPerEni());
        Assert.Equal(pods, node.Ipamd.Stats.AssignedIPs);
    }

    [Fact]
    public async Task WarmEniTarget1_FivePods_ThreeEnisNineIps()
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings());

        await node.AddPodsAsync(5);
        await node.SettleAsync();

        Assert.Equal(3, node.Ipamd.Enis.Count);
        Assert.Equal(9, node.Ipamd.Stats.TotalIPs);
        Assert.Equal(4, node.Ipamd.Stats.AvailableIPs);
    }

    [Theory]
    [InlineData(0, new[] { 1 })]
    [InlineData(5, new[] { 3, 3 })]
    [InlineData(9, new[] { 3, 3, 3 })]
    public async Task WarmIp1Min1_T3Small(int pods, int[] ipsPerEni)
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { WarmIpTarget = 1, MinimumIpTarget = 1 });

        await node.AddPodsAsync(pods);
        await node.SettleAsync();

        Assert.Equal(ipsPerEni, node.IpsPerEni());
        Assert.Equal(ipsPerEni, node.Ec2CidrsPerEni());
    }

    [Theory]
    [InlineData(0, new[] { 3, 2 })]
    [InlineData(5, new[] { 3, 3, 1 })]
    [InlineData(9, new[] { 3, 3, 3 })]
    public async Task WarmIp2Min5_T3Small(int pods, int[] ipsPerEni)
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { WarmIpTarget = 2, MinimumIpTarget = 5 });

        await node.AddPodsAsync(pods);
        await node.SettleAsync();

        Assert.Equal(ipsPerEni, node.IpsPerEni());
        Assert.Equal(ipsPerEni, node.Ec2CidrsPerEni());
        Assert.Equal(ipsPerEni.Sum(), node.Ipamd.Stats.TotalIPs);
    }

    [Theory]
    [InlineData(0, new[] { 10 })]
    [InlineData(7, new[] { 12 })]
    [InlineData(15, new[] { 20 })]
    [InlineData(45, new[] { 49, 1 })]
    public async Task WarmIp5Min10_P3dn24xlarge(int pods, int[] ipsPerEni)
    {
        var node = await IpamdNode.StartAsync("p3dn.24xlarge", new CniSettings { WarmIpTarget = 5, MinimumIpTarget = 10 });
        Assert.Equal(49, node.Ipamd.MaxIpsPerEni);

        await node.AddPodsAsync(pods);
        await node.SettleAsync();

        Assert.Equal(ipsPerEni, node.IpsPerEni());
        Assert.Equal(ipsPerEni, node.Ec2CidrsPerEni());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 2)]
    [InlineData(16, 2)]
    [InlineData(17, 3)]
    public async Task PrefixDelegation_WarmPrefix1_T3Small(int pods, int prefixes)
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { PrefixDelegation = true, WarmPrefixTarget = 1 }, maxPods: 110);

        await node.AddPodsAsync(pods);
        await node.SettleAsync();

        // One ENI (the primary) holds all the prefixes.
        Assert.Equal([prefixes], node.PrefixesPerEni());
        Assert.Equal([prefixes], node.Ec2CidrsPerEni());
        Assert.Equal(16 * prefixes, node.Ipamd.Stats.TotalIPs);
        Assert.Equal(1, node.Ipamd.Datastore.FreePrefixes);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 1)]
    [InlineData(17, 2)]
    public async Task PrefixDelegation_WarmIp1Min1_T3Small(int pods, int prefixes)
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { PrefixDelegation = true, WarmIpTarget = 1, MinimumIpTarget = 1 }, maxPods: 110);

        await node.AddPodsAsync(pods);
        await node.SettleAsync();

        Assert.Equal([prefixes], node.PrefixesPerEni());
        Assert.Equal([prefixes], node.Ec2CidrsPerEni());
    }
}
