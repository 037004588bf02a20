using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class NetworkInterfaceTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private string SubnetA => _cloud.SubnetA.SubnetId;

    [Fact]
    public void Create_TakesLowestFreeAddress_MacAndDnsName()
    {
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, Description: "aws-K8S-i-0123", Tags: [new Tag("cluster.k8s.amazonaws.com/name", "demo")]));

        Assert.Matches("^eni-[0-9a-f]{17}$", eni.NetworkInterfaceId);
        Assert.Matches("^02(:[0-9a-f]{2}){5}$", eni.MacAddress);
        Assert.Equal("192.168.0.4", eni.PrivateIpAddress);
        Assert.Equal("ip-192-168-0-4.us-west-2.compute.internal", eni.PrivateDnsName);
        Assert.Equal("available", eni.Status);
        Assert.Equal("interface", eni.InterfaceType);
        Assert.Equal("aws-K8S-i-0123", eni.Description);
        Assert.Equal("us-west-2a", eni.AvailabilityZone);
        Assert.Null(eni.Attachment);
        Assert.True(Assert.Single(eni.PrivateIpAddresses).Primary);
        Assert.Equal("demo", Assert.Single(eni.TagSet).Value);

        // No groups given → the VPC's default group.
        Assert.Equal(("default", _cloud.DefaultGroupId), (Assert.Single(eni.Groups).GroupName, eni.Groups[0].GroupId));
    }

    [Fact]
    public void Create_WithSecondaryCountAndPrefixes()
    {
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, SecondaryPrivateIpAddressCount: 2, Ipv4PrefixCount: 2));

        Assert.Equal(["192.168.0.4", "192.168.0.5", "192.168.0.6"], eni.PrivateIpAddresses.Select(a => a.PrivateIpAddress));
        Assert.Equal([true, false, false], eni.PrivateIpAddresses.Select(a => a.Primary));
        Assert.Equal(["192.168.0.16/28", "192.168.0.32/28"], eni.Ipv4Prefixes.Select(p => p.Ipv4Prefix));
    }

    [Fact]
    public void Create_WithExplicitAddresses()
    {
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, PrivateIpAddress: "192.168.0.100", SecondaryPrivateIpAddresses: ["192.168.0.101"], Ipv4Prefixes: ["192.168.0.208/28"]));
        Assert.Equal("192.168.0.100", eni.PrivateIpAddress);
        Assert.Equal("192.168.0.101", eni.PrivateIpAddresses[1].PrivateIpAddress);
        Assert.Equal("192.168.0.208/28", Assert.Single(eni.Ipv4Prefixes).Ipv4Prefix);
    }

    [Fact]
    public void Create_AddressInUse_IsInvalidIPAddressInUse_AndNothingLeaks()
    {
        Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, PrivateIpAddress: "192.168.0.10"));
        var before = _cloud.Subnet(SubnetA).AvailableIpAddressCount;

        var error = Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, SecondaryPrivateIpAddresses: ["192.168.0.11", "192.168.0.10"])));
        Assert.Equal("InvalidIPAddress.InUse", error.Code);
        Assert.Equal("The specified address is already in use.", error.Message);
        Assert.Equal(before, _cloud.Subnet(SubnetA).AvailableIpAddressCount);
        Assert.Single(Ec2.DescribeNetworkInterfaces());
    }

    [Theory]
    [InlineData("192.168.0.1")]
    [InlineData("192.168.0.255")]
    public void Create_ReservedAddress_IsRejected(string address)
        => Assert.Equal("InvalidParameterValue", Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, PrivateIpAddress: address))).Code);

    [Fact]
    public void Create_AddressOutsideSubnet_IsRejected()
        => Assert.Contains("does not fall within", Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, PrivateIpAddress: "192.168.1.10"))).Message, StringComparison.Ordinal);

    [Fact]
    public void Create_ExhaustedSubnet_IsInsufficientFreeAddresses_AndRollsBack()
    {
        var small = Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.5.0/28", "us-west-2a"));
        var error = Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(small.SubnetId, SecondaryPrivateIpAddressCount: 11)));

        Assert.Equal("InsufficientFreeAddressesInSubnet", error.Code);
        Assert.Equal(11, _cloud.Subnet(small.SubnetId).AvailableIpAddressCount);
        Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(small.SubnetId, SecondaryPrivateIpAddressCount: 10));
        Assert.Equal(0, _cloud.Subnet(small.SubnetId).AvailableIpAddressCount);
    }

    [Fact]
    public void Create_NoRoomForPrefix_IsInsufficientCidrBlocks()
    {
        var small = Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.5.0/28", "us-west-2a"));
        Assert.Equal("InsufficientCidrBlocks", Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(small.SubnetId, Ipv4PrefixCount: 1))).Code);
        Assert.Equal(11, _cloud.Subnet(small.SubnetId).AvailableIpAddressCount);
    }

    [Fact]
    public void Create_SixGroups_ExceedsDefaultQuotaOfFive()
    {
        var groups = Enumerable.Range(1, 6).Select(i => _cloud.NewGroup($"g{i}")).ToList();
        var error = Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, groups)));

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal("user 123456789012 exceeded limit 5 on the number of interface security group memberships", error.Message);
        Assert.Empty(Ec2.DescribeNetworkInterfaces());
        Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, groups[..5]));
    }

    [Fact]
    public void Create_QuotaRaisedTo16_Allows16()
    {
        var cloud = new TestCloud(new AwsOptions { SecurityGroupsPerNetworkInterface = 16, RulesPerSecurityGroup = 62 });
        var groups = Enumerable.Range(1, 17).Select(i => cloud.NewGroup($"g{i}")).ToList();
        Assert.Equal(16, cloud.Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId, groups[..16])).Groups.Count);
        Assert.Contains("exceeded limit 16", Throws(() => cloud.Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId, groups))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(17, 60)]
    [InlineData(16, 63)]
    [InlineData(0, 60)]
    public void Options_QuotaBeyondAwsBounds_AreRejected(int groups, int rules)
        => Assert.Throws<ArgumentException>(() => new AwsOptions { SecurityGroupsPerNetworkInterface = groups, RulesPerSecurityGroup = rules }.Validate());

    [Fact]
    public void Create_UnknownGroup_IsInvalidSecurityGroupIdNotFound()
    {
        var error = Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, ["sg-abc12345"])));
        Assert.Equal("InvalidSecurityGroupID.NotFound", error.Code);
        Assert.Equal("The securityGroup ID 'sg-abc12345' does not exist", error.Message);
    }

    [Fact]
    public void Create_GroupOfOtherVpc_IsRejected()
    {
        var other = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        var group = Ec2.CreateSecurityGroup(new CreateSecurityGroupRequest("x", "x", other.VpcId));
        Assert.Equal("InvalidParameter", Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, [group]))).Code);
    }

    [Theory]
    [InlineData("trunk")]
    [InlineData("branch")]
    public void Create_TrunkAndBranchTypes(string type)
        => Assert.Equal(type, Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, InterfaceType: type)).InterfaceType);

    [Fact]
    public void Create_UnknownType_IsInvalidParameterValue()
        => Assert.Equal("InvalidParameterValue", Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, InterfaceType: "vlan"))).Code);

    [Fact]
    public void Create_UnknownSubnet_IsInvalidSubnetIdNotFound()
    {
        var error = Throws(() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest("subnet-0000000000000000f")));
        Assert.Equal("InvalidSubnetID.NotFound", error.Code);
        Assert.Equal("The subnet ID 'subnet-0000000000000000f' does not exist", error.Message);
    }

    [Fact]
    public void Attach_UpToTheInstanceTypeLimit_ThenAttachmentLimitExceeded()
    {
        var instance = _cloud.Run("t3.medium");
        for (var device = 1; device <= 2; device++)
        {
            var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
            var attachmentId = Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, device));
            Assert.StartsWith("eni-attach-", attachmentId, StringComparison.Ordinal);
            var attached = _cloud.Eni(eni.NetworkInterfaceId);
            Assert.Equal("in-use", attached.Status);
            Assert.Equal((instance.InstanceId, device, "attached", false), (attached.Attachment!.InstanceId, attached.Attachment.DeviceIndex, attached.Attachment.Status, attached.Attachment.DeleteOnTermination));
        }

        var fourth = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        var error = Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(fourth.NetworkInterfaceId, instance.InstanceId, 3)));
        Assert.Equal("AttachmentLimitExceeded", error.Code);
        Assert.Equal("Interface count 4 exceeds the limit for t3.medium", error.Message);
        Assert.Null(_cloud.Eni(fourth.NetworkInterfaceId).Attachment);
    }

    [Fact]
    public void Attach_DeviceIndexInUse_IsRejected()
    {
        var instance = _cloud.Run();
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        var error = Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 0)));
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal($"Instance '{instance.InstanceId}' already has an interface attached at device index '0'.", error.Message);
    }

    [Fact]
    public void Attach_OtherZone_IsInvalidParameterCombination()
    {
        var instance = _cloud.Run();
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetB.SubnetId));
        var error = Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 1)));
        Assert.Equal("InvalidParameterCombination", error.Code);
        Assert.Equal("You may not attach a network interface to an instance if they are not in the same availability zone", error.Message);
    }

    [Fact]
    public void Attach_AlreadyAttached_IsInUse()
    {
        var first = _cloud.Run();
        var second = _cloud.Run();
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, first.InstanceId, 1));
        Assert.Equal("InvalidNetworkInterface.InUse", Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, second.InstanceId, 1))).Code);
    }

    [Fact]
    public void Attach_InterfaceWithMoreAddressesThanTypeAllows_IsPrivateIpAddressLimitExceeded()
    {
        var instance = _cloud.Run("t3.medium");
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, SecondaryPrivateIpAddressCount: 6));
        Assert.Equal("PrivateIpAddressLimitExceeded", Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 1))).Code);
    }

    [Fact]
    public void Attach_UnknownInstance_IsInvalidInstanceIdNotFound()
    {
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        var error = Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, "i-0123456789abcdef0", 1)));
        Assert.Equal("InvalidInstanceID.NotFound", error.Code);
        Assert.Equal("The instance ID 'i-0123456789abcdef0' does not exist", error.Message);
    }

    [Fact]
    public void Attach_Branch_IsRejected()
    {
        var instance = _cloud.Run();
        var branch = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, InterfaceType: "branch"));
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(branch.NetworkInterfaceId, instance.InstanceId, 1))).Code);
    }

    [Fact]
    public void Attach_MultiCardType_CountsPerCard()
    {
        // p4d.24xlarge has four network cards of 15 interfaces each.
        var instance = _cloud.Run("p4d.24xlarge");
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 0, NetworkCardIndex: 1));
        Assert.Equal(1, _cloud.Eni(eni.NetworkInterfaceId).Attachment!.NetworkCardIndex);
        var other = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(other.NetworkInterfaceId, instance.InstanceId, 1, NetworkCardIndex: 9))).Code);
    }

    [Fact]
    public void Delete_WhileAttached_IsInUse_AfterDetachWorks()
    {
        var instance = _cloud.Run();
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        var attachmentId = Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 1));

        var error = Throws(() => Ec2.DeleteNetworkInterface(eni.NetworkInterfaceId));
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal($"Network interface '{eni.NetworkInterfaceId}' is currently in use.", error.Message);

        Ec2.DetachNetworkInterface(new DetachNetworkInterfaceRequest(attachmentId));
        Assert.Equal("available", _cloud.Eni(eni.NetworkInterfaceId).Status);
        Ec2.DeleteNetworkInterface(eni.NetworkInterfaceId);
        var gone = Throws(() => _cloud.Eni(eni.NetworkInterfaceId));
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", gone.Code);
        Assert.Equal($"The networkInterface ID '{eni.NetworkInterfaceId}' does not exist", gone.Message);
    }

    [Fact]
    public void Detach_Primary_IsNotPermitted_UnknownAttachmentIsNotFound()
    {
        var instance = _cloud.Run();
        var primary = instance.NetworkInterfaces[0];
        Assert.Equal("OperationNotPermitted", Throws(() => Ec2.DetachNetworkInterface(new DetachNetworkInterfaceRequest(primary.Attachment.AttachmentId))).Code);
        Assert.Equal("InvalidAttachmentID.NotFound", Throws(() => Ec2.DetachNetworkInterface(new DetachNetworkInterfaceRequest("eni-attach-00000000000000000"))).Code);
    }

    [Fact]
    public void Modify_DeleteOnTermination_NeedsTheAttachmentId()
    {
        var instance = _cloud.Run();
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        var attachmentId = Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 1));

        Assert.Equal("InvalidAttachmentID.NotFound", Throws(() => Ec2.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(eni.NetworkInterfaceId, AttachmentId: "eni-attach-00000000000000000", DeleteOnTermination: true))).Code);
        Ec2.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(eni.NetworkInterfaceId, AttachmentId: attachmentId, DeleteOnTermination: true));
        Assert.True(_cloud.Eni(eni.NetworkInterfaceId).Attachment!.DeleteOnTermination);
    }

    [Fact]
    public void Modify_Groups_ReplacesThem_WithTheSameChecksAsCreate()
    {
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        var group = _cloud.NewGroup("pods");
        Ec2.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(eni.NetworkInterfaceId, Groups: [group]));
        Assert.Equal(group, Assert.Single(_cloud.Eni(eni.NetworkInterfaceId).Groups).GroupId);
        Assert.Equal("InvalidSecurityGroupID.NotFound", Throws(() => Ec2.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(eni.NetworkInterfaceId, Groups: ["sg-00000000000000000"]))).Code);
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(eni.NetworkInterfaceId, Description: "x", SourceDestCheck: false))).Code);
    }

    [Fact]
    public void Assign_OnAttachedInterface_IsLimitedByInstanceType()
    {
        // m5.large: 10 IPv4 addresses per interface, the primary included.
        var instance = _cloud.Run();
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));
        Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 1));

        var result = Ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 9));
        Assert.Equal(9, result.AssignedPrivateIpAddresses.Count);

        var error = Throws(() => Ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1)));
        Assert.Equal("PrivateIpAddressLimitExceeded", error.Code);
        Assert.Equal("Number of private addresses will exceed limit.", error.Message);
        Assert.Equal(10, _cloud.Eni(eni.NetworkInterfaceId).PrivateIpAddresses.Count);
    }

    [Fact]
    public void Assign_PrefixesCountAgainstTheSameLimit()
    {
        var instance = _cloud.Run();
        var primary = instance.NetworkInterfaces[0].NetworkInterfaceId;
        var result = Ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(primary, Ipv4PrefixCount: 9));
        Assert.Equal(9, result.AssignedIpv4Prefixes.Count);
        Assert.All(result.AssignedIpv4Prefixes, p => Assert.EndsWith("/28", p, StringComparison.Ordinal));
        Assert.Equal("PrivateIpAddressLimitExceeded", Throws(() => Ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(primary, SecondaryPrivateIpAddressCount: 1))).Code);
    }

    [Fact]
    public void Assign_ExplicitAddresses_CountAgainstTheLimitToo()
    {
        var instance = _cloud.Run("t3.medium");
        var primary = instance.NetworkInterfaces[0].NetworkInterfaceId;
        Ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(primary, SecondaryPrivateIpAddressCount: 4));
        var explicitTwo = new AssignPrivateIpAddressesRequest(primary, ["192.168.0.200", "192.168.0.201"]);
        Assert.Equal("PrivateIpAddressLimitExceeded", Throws(() => Ec2.AssignPrivateIpAddresses(explicitTwo)).Code);
        Ec2.AssignPrivateIpAddresses(explicitTwo with { PrivateIpAddresses = ["192.168.0.200"] });
        Assert.Equal(6, _cloud.Eni(primary).PrivateIpAddresses.Count);
    }

    [Fact]
    public void Assign_ExplicitAddressInUse_NeedsReassignment()
    {
        var holder = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, SecondaryPrivateIpAddresses: ["192.168.0.50"]));
        var taker = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA));

        Assert.Equal("InvalidIPAddress.InUse", Throws(() => Ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(taker.NetworkInterfaceId, ["192.168.0.50"]))).Code);

        Ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(taker.NetworkInterfaceId, ["192.168.0.50"], AllowReassignment: true));
        Assert.Contains(_cloud.Eni(taker.NetworkInterfaceId).PrivateIpAddresses, a => a.PrivateIpAddress == "192.168.0.50");
        Assert.DoesNotContain(_cloud.Eni(holder.NetworkInterfaceId).PrivateIpAddresses, a => a.PrivateIpAddress == "192.168.0.50");
    }

    [Fact]
    public void Assign_PartialExhaustion_RollsBackEverything()
    {
        var small = Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.5.0/28", "us-west-2a"));
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(small.SubnetId));
        Assert.Equal("InsufficientFreeAddressesInSubnet", Throws(() => Ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 11))).Code);
        Assert.Single(_cloud.Eni(eni.NetworkInterfaceId).PrivateIpAddresses);
        Assert.Equal(10, _cloud.Subnet(small.SubnetId).AvailableIpAddressCount);
    }

    [Fact]
    public void Unassign_ReleasesToSubnet_PrimaryIsProtected()
    {
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, SecondaryPrivateIpAddressCount: 2, Ipv4PrefixCount: 1));
        Ec2.UnassignPrivateIpAddresses(new UnassignPrivateIpAddressesRequest(eni.NetworkInterfaceId, ["192.168.0.5"], ["192.168.0.16/28"]));

        var after = _cloud.Eni(eni.NetworkInterfaceId);
        Assert.Equal(["192.168.0.4", "192.168.0.6"], after.PrivateIpAddresses.Select(a => a.PrivateIpAddress));
        Assert.Empty(after.Ipv4Prefixes);
        Assert.Equal(249, _cloud.Subnet(SubnetA).AvailableIpAddressCount);

        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.UnassignPrivateIpAddresses(new UnassignPrivateIpAddressesRequest(eni.NetworkInterfaceId, ["192.168.0.4"]))).Code);
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.UnassignPrivateIpAddresses(new UnassignPrivateIpAddressesRequest(eni.NetworkInterfaceId, ["192.168.0.99"]))).Code);
    }

    [Fact]
    public void Describe_FiltersByAttachmentAndType()
    {
        var instance = _cloud.Run();
        Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(SubnetA, InterfaceType: "trunk"));

        var onInstance = Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", instance.InstanceId)));
        Assert.Equal(instance.NetworkInterfaces[0].NetworkInterfaceId, Assert.Single(onInstance).NetworkInterfaceId);
        Assert.Single(Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("interface-type", "trunk"))));
        Assert.Single(Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("addresses.private-ip-address", instance.PrivateIpAddress!))));
    }
}
