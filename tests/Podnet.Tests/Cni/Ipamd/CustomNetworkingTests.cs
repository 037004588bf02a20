using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.Net;

namespace Podnet.Tests.Cni.Ipamd;

/// <summary>Custom networking (vpc-cni.md §1.3): ENIs in the ENIConfig's subnet, the primary ENI excluded for pods.</summary>
public class CustomNetworkingTests
{
    private static readonly CniSettings Custom = new() { CustomNetwork = true };

    [Fact]
    public async Task NewEnis_InEniConfigSubnet_WithItsGroups_PrimaryExcluded()
    {
        var node = IpamdNode.Create("t3.small", Custom);
        var podSubnet = node.CreateSubnet("10.0.64.0/24");
        var podGroup = node.CreateGroup("pods");
        node.EniConfig = new EniConfigSpec("us-west-2a", podSubnet.SubnetId, [podGroup]);

        await node.Ipamd.InitializeAsync(CancellationToken.None);
        Assert.True(node.Ipamd.Initialized, node.Ipamd.InitError);
        await node.AddPodsAsync(5);
        await node.SettleAsync();

        Assert.Equal([0, 3, 3], node.IpsPerEni());
        Assert.True(node.Ipamd.Enis[0].IsExcludedForPodIps);
        Assert.Equal([false, false], node.Ipamd.Enis.Skip(1).Select(e => e.IsExcludedForPodIps));
        var enis = node.Ec2Enis();
        Assert.Single(enis[0].PrivateIpAddresses);
        Assert.All(enis.Skip(1), e =>
        {
            Assert.Equal(podSubnet.SubnetId, e.SubnetId);
            Assert.Equal([podGroup], e.Groups.Select(g => g.GroupId));
        });
        var cidr = CidrBlock.Parse("10.0.64.0/24");
        Assert.All(node.Pods, p => Assert.True(cidr.Contains(node.Ipamd.Datastore.FindAddress(p)!.Value.Address.Address)));
        Assert.Contains($"ipamd: using custom network config: [{podGroup}], {podSubnet.SubnetId}", node.Ipamd.Log);
    }

    [Fact]
    public async Task EniConfigWithoutGroups_BeforeCni18_UsesTheVpcDefaultGroup()
    {
        var node = IpamdNode.Create("t3.small", Custom with { Release = new CniRelease(1, 7, 10) });
        var nodeGroup = node.CreateGroup("nodes");
        var podSubnet = node.CreateSubnet("10.0.64.0/24");
        var primary = node.Ec2Enis()[0];
        node.Backend.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(primary.NetworkInterfaceId, Groups: [nodeGroup]));
        node.EniConfig = new EniConfigSpec("default", podSubnet.SubnetId, []);

        await node.Ipamd.InitializeAsync(CancellationToken.None);

        var created = node.Ec2Enis()[1];
        Assert.Equal("default", Assert.Single(created.Groups).GroupName);
    }

    [Fact]
    public async Task EniConfigWithoutGroups_UsesPrimaryEniGroups()
    {
        var node = IpamdNode.Create("t3.small", Custom);
        var nodeGroup = node.CreateGroup("nodes");
        var podSubnet = node.CreateSubnet("10.0.64.0/24");
        var primary = node.Ec2Enis()[0];
        node.Backend.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(primary.NetworkInterfaceId, Groups: [nodeGroup]));
        node.EniConfig = new EniConfigSpec("default", podSubnet.SubnetId, []);

        await node.Ipamd.InitializeAsync(CancellationToken.None);

        Assert.True(node.Ipamd.Initialized);
        var created = node.Ec2Enis()[1];
        Assert.Equal([nodeGroup], created.Groups.Select(g => g.GroupId));
        Assert.Equal(podSubnet.SubnetId, created.SubnetId);
        Assert.Contains($"No custom networking security group found, will use the node's primary ENI's SG: [{nodeGroup}]", node.Ipamd.Log);
    }

    [Fact]
    public async Task MissingEniConfig_InitFails_NoEniCreated()
    {
        var node = IpamdNode.Create("t3.small", Custom);

        await node.Ipamd.InitializeAsync(CancellationToken.None);

        Assert.False(node.Ipamd.Initialized);
        Assert.Equal("Failed to attach any ENIs for custom networking", node.Ipamd.InitError);
        Assert.Contains("Failed to get pod ENI config: eniconfig: eniconfig is not available", node.Ipamd.Log);
        Assert.Single(node.Backend.DescribeNetworkInterfaces());
        Assert.False(node.Ipamd.Assign(new Podnet.Cni.Ipamd.PodKey("default", "p", "s")).Success);

        // Once the ENIConfig exists, the restarted ipamd comes up.
        var podSubnet = node.CreateSubnet("10.0.64.0/24");
        node.EniConfig = new EniConfigSpec("default", podSubnet.SubnetId, []);
        await node.Ipamd.InitializeAsync(CancellationToken.None);
        Assert.True(node.Ipamd.Initialized);
        Assert.Null(node.Ipamd.InitError);
        Assert.Equal([0, 3], node.IpsPerEni());
    }

    [Fact]
    public async Task EniConfigSubnetInOtherZone_AttachFails_EniDeleted_PoolDoesNotGrow()
    {
        var node = IpamdNode.Create("t3.small", Custom);
        var otherZone = node.CreateSubnet("10.0.128.0/24", "us-west-2b");
        var freeBefore = node.SubnetFree(otherZone.SubnetId);
        node.EniConfig = new EniConfigSpec("us-west-2b", otherZone.SubnetId, []);

        await node.Ipamd.InitializeAsync(CancellationToken.None);

        Assert.Equal("Failed to attach any ENIs for custom networking", node.Ipamd.InitError);
        Assert.Contains(
            node.Ipamd.Log,
            l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Failed to increase pool size due to not able to allocate ENI AllocENI: error attaching ENI: attachENI: failed to attach ENI: operation error EC2: AttachNetworkInterface, https response error StatusCode: 400, RequestID: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}, api error InvalidParameterCombination: You may not attach a network interface to an instance if they are not in the same availability zone$"));
        Assert.Empty(node.Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("subnet-id", otherZone.SubnetId))));
        Assert.Equal(freeBefore, node.SubnetFree(otherZone.SubnetId));
        Assert.Equal([0], node.IpsPerEni());
    }

    [Fact]
    public async Task EniConfigChange_AppliesToEnisCreatedAfterwards()
    {
        var node = IpamdNode.Create("t3.small", Custom);
        var first = node.CreateSubnet("10.0.64.0/24");
        var second = node.CreateSubnet("10.0.65.0/24");
        node.EniConfig = new EniConfigSpec("a", first.SubnetId, []);
        await node.Ipamd.InitializeAsync(CancellationToken.None);

        node.EniConfig = new EniConfigSpec("b", second.SubnetId, []);
        await node.AddPodsAsync(1);
        await node.SettleAsync();

        Assert.Equal([first.SubnetId, second.SubnetId], node.Ec2Enis().Skip(1).Select(e => e.SubnetId));
        Assert.Equal([first.SubnetId, second.SubnetId], node.Ipamd.Enis.Skip(1).Select(e => e.SubnetId));
    }
}
