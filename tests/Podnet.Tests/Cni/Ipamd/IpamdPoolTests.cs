using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.Cni.Ipamd;

namespace Podnet.Tests.Cni.Ipamd;

/// <summary>ipamd against the emulated EC2: new ENIs, cooldown, ENI freeing, MAX_ENI, the trunk slot, subnet exhaustion (§8 cases 13–15).</summary>
public class IpamdPoolTests
{
    [Fact]
    public async Task NewEni_DescriptionTags_LowestFreeDevice_DeleteOnTermination_PrimarySubnetAndGroups()
    {
        var settings = new CniSettings { ClusterName = "demo", AdditionalEniTags = new Dictionary<string, string> { ["team"] = "net" } };
        var node = await IpamdNode.StartAsync("t3.small", settings);
        Assert.Equal("Successfully increased IP pool, total: 3, used: 0", node.Ipamd.Log.Single(l => l.StartsWith("Successfully increased", StringComparison.Ordinal)));

        await node.AddPodsAsync(1);

        var enis = node.Ec2Enis();
        Assert.Equal(2, enis.Count);
        var created = enis[1];
        Assert.Equal(1, created.Attachment!.DeviceIndex);
        Assert.True(created.Attachment.DeleteOnTermination);
        Assert.Equal("aws-K8S-" + node.Instance.InstanceId, created.Description);
        Assert.Equal(node.NodeSubnet.SubnetId, created.SubnetId);
        Assert.Equal(enis[0].Groups, created.Groups);
        var createdAt = node.Ipamd.Enis[1].CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["node.k8s.amazonaws.com/instance_id"] = node.Instance.InstanceId,
                ["node.k8s.amazonaws.com/createdAt"] = createdAt,
                ["cluster.k8s.amazonaws.com/name"] = "demo",
                ["eks:eni:owner"] = "amazon-vpc-cni",
                ["team"] = "net",
            },
            created.TagSet.ToDictionary(t => t.Key, t => t.Value));
        Assert.Equal(3, created.PrivateIpAddresses.Count(a => !a.Primary));
        Assert.Equal([3, 3], node.IpsPerEni());
        Assert.Equal("Successfully increased IP pool, total: 6, used: 1", node.Ipamd.Log[^1]);
    }

    // §8 case 14: a freed address is not handed out again within IP_COOLDOWN_PERIOD.
    [Fact]
    public async Task ReleasedAddress_NotReusedBeforeCooldown()
    {
        var node = await IpamdNode.StartAsync("m5.large", new CniSettings());
        var first = node.Ipamd.Assign(new PodKey("default", "a", "1"));
        Assert.Equal(first.Address, node.Ipamd.Release(new PodKey("default", "a", "1"))!.Address);
        Assert.Equal(1, node.Ipamd.Stats.CooldownIPs);
        Assert.Equal(9, node.Ipamd.Stats.AvailableIPs);

        var second = node.Ipamd.Assign(new PodKey("default", "b", "2"));
        Assert.NotEqual(first.Address, second.Address);

        node.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(first.Address, node.Ipamd.Assign(new PodKey("default", "c", "3")).Address);
    }

    // §8 case 14: an ENI with an address in cooldown is not freed; it goes once the cooldown ends.
    [Fact]
    public async Task EniWithAddressInCooldown_NotFreedUntilCooldownEnds()
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { WarmEniTarget = 0 });
        await node.AddPodsAsync(4);
        await node.SettleAsync();
        Assert.Equal([3, 3], node.IpsPerEni());
        var second = node.Ipamd.Enis[1].Id;
        Assert.Equal(second, node.Ipamd.Datastore.FindAddress(node.Pods[3])!.Value.Eni.Id);

        node.Ipamd.Release(node.Pods[3]);

        // Cycles at 0, 5, … 30 s after the release: still in cooldown (ipamd's test is "since ≤ period").
        await node.CyclesAsync(7);
        Assert.Contains(node.Ipamd.Enis, e => e.Id == second);
        Assert.Equal(2, node.Ec2Enis().Count);

        await node.CyclesAsync(1);
        Assert.DoesNotContain(node.Ipamd.Enis, e => e.Id == second);
        Assert.Single(node.Ec2Enis());
        Assert.DoesNotContain(node.Backend.DescribeNetworkInterfaces(), e => e.NetworkInterfaceId == second);
        Assert.Contains($"Successfully freed ENI: {second}, total: 3, used: 3", node.Ipamd.Log);
    }

    // §8 case 14: an ENI younger than a minute is not freed.
    [Fact]
    public async Task EniYoungerThanOneMinute_NotFreed()
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { WarmEniTarget = 0, IpCooldown = TimeSpan.Zero });
        await node.AddPodsAsync(4);
        var second = node.Ipamd.Enis[1];
        node.Ipamd.Release(node.Pods[3]);

        while (node.Time.GetUtcNow() - second.CreatedAt < TimeSpan.FromSeconds(55))
        {
            await node.CycleAsync();
            Assert.Contains(node.Ipamd.Enis, e => e.Id == second.Id);
        }

        await node.CyclesAsync(2);
        Assert.DoesNotContain(node.Ipamd.Enis, e => e.Id == second.Id);
        Assert.Single(node.Ec2Enis());
    }

    // §8 case 13 (integration): WARM_ENI=3 with MAX_ENI=2 → 2 ENIs.
    [Fact]
    public async Task WarmEni3_MaxEni2_TwoEnis()
    {
        var node = await IpamdNode.StartAsync("m5.large", new CniSettings { WarmEniTarget = 3, MaxEni = 2 });
        await node.SettleAsync();

        Assert.Equal([9, 9], node.IpsPerEni());
        Assert.Equal(2, node.Ec2Enis().Count);
        Assert.Equal(Podnet.Cni.Ipamd.Ipamd.MaxEniReached, node.Ipamd.Log[^1]);
    }

    [Fact]
    public async Task WarmEni2_TwoEnis()
    {
        var node = await IpamdNode.StartAsync("m5.large", new CniSettings { WarmEniTarget = 2 });
        await node.SettleAsync();
        Assert.Equal([9, 9], node.IpsPerEni());
    }

    [Fact]
    public async Task WarmIp2_TwoSecondaryIps()
    {
        var node = await IpamdNode.StartAsync("m5.large", new CniSettings { WarmIpTarget = 2 });
        await node.SettleAsync();
        Assert.Equal([2], node.IpsPerEni());
        Assert.Equal([2], node.Ec2CidrsPerEni());
    }

    [Fact]
    public async Task Minimum6_WarmIp10_TenIps()
    {
        var node = await IpamdNode.StartAsync("m5.large", new CniSettings { WarmIpTarget = 10, MinimumIpTarget = 6 });
        await node.SettleAsync();
        Assert.Equal([9, 1], node.IpsPerEni());
        Assert.Equal([9, 1], node.Ec2CidrsPerEni());
    }

    [Fact]
    public async Task WarmIp_PodsGone_PoolShrinksBackToTarget_InEc2Too()
    {
        var node = await IpamdNode.StartAsync("m5.large", new CniSettings { WarmIpTarget = 2 });
        await node.AddPodsAsync(5);
        await node.SettleAsync();
        Assert.Equal([7], node.IpsPerEni());

        foreach (var pod in node.Pods)
        {
            node.Ipamd.Release(pod);
        }

        await node.SettleAsync();
        Assert.Equal([2], node.IpsPerEni());
        Assert.Equal([2], node.Ec2CidrsPerEni());
        Assert.Contains("Successfully decreased IP pool, total: 2, used: 0", node.Ipamd.Log);
    }

    // §8 case 15: ENABLE_POD_ENI on a trunking-compatible type keeps one slot for the trunk.
    [Fact]
    public async Task PodEni_TrunkingCompatible_ReservesSlot_UntilTrunkAttached()
    {
        var node = await IpamdNode.StartAsync("m5.large", new CniSettings { EnablePodEni = true, WarmEniTarget = 3 });
        await node.SettleAsync();
        Assert.Equal([9, 9], node.IpsPerEni());
        Assert.Equal(Podnet.Cni.Ipamd.Ipamd.MaxEniReached, node.Ipamd.Log[^1]);

        // The resource controller attaches the trunk in the kept slot; ipamd learns of it on its minute reconcile.
        var trunk = node.Backend.CreateNetworkInterface(new CreateNetworkInterfaceRequest(node.NodeSubnet.SubnetId, InterfaceType: NetworkInterfaceTypes.Trunk));
        node.Backend.AttachNetworkInterface(new AttachNetworkInterfaceRequest(trunk.NetworkInterfaceId, node.Instance.InstanceId, 2));
        await node.SettleAsync();

        Assert.Equal([9, 9, 0], node.IpsPerEni());
        Assert.True(node.Ipamd.Enis[2].IsTrunk);
        Assert.Equal(3, node.Ec2Enis().Count);
    }

    [Fact]
    public async Task PodEni_TrunkAlreadyAttached_NoReserve_TrunkGetsNoAddresses()
    {
        var node = IpamdNode.Create("m5.large", new CniSettings { EnablePodEni = true, WarmEniTarget = 3 });
        var trunk = node.Backend.CreateNetworkInterface(new CreateNetworkInterfaceRequest(node.NodeSubnet.SubnetId, InterfaceType: NetworkInterfaceTypes.Trunk));
        node.Backend.AttachNetworkInterface(new AttachNetworkInterfaceRequest(trunk.NetworkInterfaceId, node.Instance.InstanceId, 1));
        await node.Ipamd.InitializeAsync(CancellationToken.None);
        await node.SettleAsync();

        Assert.Equal([9, 0, 9], node.IpsPerEni());
        Assert.Equal([0, 1, 2], node.Ipamd.Enis.Select(e => e.DeviceNumber));
        Assert.True(node.Ipamd.Enis[1].IsTrunk);
    }

    [Fact]
    public async Task PodEni_NotTrunkingCompatible_NoReserveFrom1_20_4()
    {
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { EnablePodEni = true, WarmEniTarget = 3, Release = new CniRelease(1, 20, 4, 1) });
        await node.SettleAsync();
        Assert.Equal([3, 3, 3], node.IpsPerEni());
    }

    [Fact]
    public async Task PodEni_NotTrunkingCompatible_SlotKeptBefore1_20_4()
    {
        // Fidelity fix: before aws/amazon-vpc-cni-k8s#3250 (v1.20.4) hasRoomForEni kept the trunk's slot on any type,
        // so the default 1.19.2 leaves a t3.small one interface short (#3094); this test expected the newer rule.
        var node = await IpamdNode.StartAsync("t3.small", new CniSettings { EnablePodEni = true, WarmEniTarget = 3 });
        await node.SettleAsync();
        Assert.Equal([3, 3], node.IpsPerEni());
    }

    [Fact]
    public async Task SubnetExhausted_InsufficientFreeAddressesInSubnet_Recorded_NoAllocationFor120s()
    {
        // A /28 has 11 usable addresses: the primary ENI's own, 9 secondaries, 1 left — too few for a new ENI.
        var node = await IpamdNode.StartAsync("m5.large", new CniSettings(), nodeSubnetCidr: "10.0.0.0/28");
        Assert.Equal([9], node.IpsPerEni());
        Assert.Equal(1, node.SubnetFree(node.NodeSubnet.SubnetId));
        for (var i = 0; i < 9; i++)
        {
            Assert.True(node.Ipamd.Assign(new PodKey("default", $"p{i}", $"s{i}")).Success);
        }

        int Failures() => node.Ipamd.Log.Count(l => l.Contains("api error InsufficientFreeAddressesInSubnet", StringComparison.Ordinal));

        await node.CycleAsync();
        Assert.Equal(1, Failures());
        Assert.Matches(
            @"^Failed to increase pool size due to not able to allocate ENI AllocENI: failed to create ENI: failed to create network interface: operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}, api error InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request\.$",
            node.Ipamd.Log[^2]);
        Assert.Equal(Podnet.Cni.Ipamd.Ipamd.InsufficientAddressesAdvice, node.Ipamd.Log[^1]);

        // 24 cycles = 120 s: no new attempt.
        await node.CyclesAsync(24);
        Assert.Equal(1, Failures());
        Assert.Single(node.Ec2Enis());
        Assert.Equal(1, node.SubnetFree(node.NodeSubnet.SubnetId));

        await node.CycleAsync();
        Assert.Equal(2, Failures());
        Assert.Single(node.Ec2Enis());
    }
}
