using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class SubnetTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    [Fact]
    public void CreateSubnet_ReportsAvailableAddressesLessFiveReserved()
    {
        var subnet = Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.2.0/27", "us-west-2c", Tags: [new Tag("kubernetes.io/role/internal-elb", "1")]));

        Assert.Matches("^subnet-[0-9a-f]{17}$", subnet.SubnetId);
        Assert.Equal(27, subnet.AvailableIpAddressCount);
        Assert.Equal("us-west-2c", subnet.AvailabilityZone);
        Assert.Equal("usw2-az3", subnet.AvailabilityZoneId);
        Assert.Equal($"arn:aws:ec2:us-west-2:123456789012:subnet/{subnet.SubnetId}", subnet.SubnetArn);
        Assert.Equal(251, _cloud.SubnetA.AvailableIpAddressCount);
    }

    [Fact]
    public void CreateSubnet_OutsideVpc_IsInvalidSubnetRange()
    {
        var error = Throws(() => Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "10.0.0.0/24")));
        Assert.Equal("InvalidSubnet.Range", error.Code);
        Assert.Equal("The CIDR '10.0.0.0/24' is invalid.", error.Message);
    }

    [Fact]
    public void CreateSubnet_Overlapping_IsInvalidSubnetConflict()
    {
        var error = Throws(() => Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.0.128/25", "us-west-2a")));
        Assert.Equal("InvalidSubnet.Conflict", error.Code);
        Assert.Equal("The CIDR '192.168.0.128/25' conflicts with another subnet", error.Message);
    }

    [Fact]
    public void CreateSubnet_InSecondaryBlock_Works()
    {
        Ec2.AssociateVpcCidrBlock(_cloud.Vpc.VpcId, "100.64.0.0/16");
        var subnet = Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "100.64.0.0/19", "us-west-2a"));
        Assert.Equal(8187, subnet.AvailableIpAddressCount);
    }

    [Fact]
    public void CreateSubnet_SpanningTwoBlocks_IsInvalidRange()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/24"));
        Ec2.AssociateVpcCidrBlock(vpc.VpcId, "10.0.1.0/24");
        Assert.Equal("InvalidSubnet.Range", Throws(() => Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/23"))).Code);
    }

    [Fact]
    public void CreateSubnet_UnknownZone_ListsTheValidOnes()
    {
        var error = Throws(() => Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.9.0/24", "us-west-2z")));
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal("Value (us-west-2z) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: us-west-2a, us-west-2b, us-west-2c, us-west-2d.", error.Message);
    }

    [Fact]
    public void CreateSubnet_ByZoneId_ResolvesZone()
        => Assert.Equal("us-west-2b", Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.9.0/24", AvailabilityZoneId: "usw2-az2")).AvailabilityZone);

    [Fact]
    public void CreateSubnet_UnknownVpc_IsNotFound()
        => Assert.Equal("InvalidVpcID.NotFound", Throws(() => Ec2.CreateSubnet(new CreateSubnetRequest("vpc-00000000000000000", "10.0.0.0/24"))).Code);

    [Fact]
    public void AvailableIpAddressCount_TracksInterfacesExactly()
    {
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId, SecondaryPrivateIpAddressCount: 4, Ipv4PrefixCount: 1));
        Assert.Equal(251 - 5 - 16, _cloud.Subnet(_cloud.SubnetA.SubnetId).AvailableIpAddressCount);

        Ec2.DeleteNetworkInterface(eni.NetworkInterfaceId);
        Assert.Equal(251, _cloud.Subnet(_cloud.SubnetA.SubnetId).AvailableIpAddressCount);
    }

    [Fact]
    public void DeleteSubnet_WithInterface_IsDependencyViolation()
    {
        Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId));
        var error = Throws(() => Ec2.DeleteSubnet(_cloud.SubnetA.SubnetId));
        Assert.Equal("DependencyViolation", error.Code);
        Assert.Equal($"The subnet '{_cloud.SubnetA.SubnetId}' has dependencies and cannot be deleted.", error.Message);
    }

    [Fact]
    public void DescribeSubnets_FiltersByZoneAndVpc()
    {
        var inB = Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("availability-zone", "us-west-2b"), new Filter("vpc-id", _cloud.Vpc.VpcId)));
        Assert.Equal(_cloud.SubnetB.SubnetId, Assert.Single(inB).SubnetId);
        Assert.Equal(2, Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("availability-zone", "us-west-2a", "us-west-2b"))).Count);
        Assert.Equal("InvalidSubnetID.NotFound", Throws(() => Ec2.DescribeSubnets(DescribeRequest.ForIds("subnet-00000000000000000"))).Code);
    }

    [Fact]
    public void ModifySubnetAttribute_SetsMapPublicIpOnLaunch_AndAssignIpv6_EachWhenGiven()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));
        var block = Podnet.Net.CidrBlock.Parse(Assert.Single(vpc.Ipv6CidrBlockAssociationSet).Ipv6CidrBlock);
        var subnet = Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24", "us-west-2a", Ipv6CidrBlock: new Podnet.Net.CidrBlock(block.BaseAddress, 64).ToString())).SubnetId;

        Ec2.ModifySubnetAttribute(subnet, mapPublicIpOnLaunch: true, assignIpv6AddressOnCreation: null);
        Ec2.ModifySubnetAttribute(subnet, mapPublicIpOnLaunch: null, assignIpv6AddressOnCreation: true);

        var modified = _cloud.Subnet(subnet);
        Assert.Equal((true, true), (modified.MapPublicIpOnLaunch, modified.AssignIpv6AddressOnCreation));
        Assert.Single(Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("map-public-ip-on-launch", "true"))));
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet));
        Assert.Single(eni.Ipv6Addresses);
    }

    [Fact]
    public void ModifySubnetAttribute_EnableDns64_IsShownAndFiltered_AndLeftWhenNotGiven()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));
        var block = Podnet.Net.CidrBlock.Parse(Assert.Single(vpc.Ipv6CidrBlockAssociationSet).Ipv6CidrBlock);
        var subnet = Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24", "us-west-2a", Ipv6CidrBlock: new Podnet.Net.CidrBlock(block.BaseAddress, 64).ToString())).SubnetId;
        Assert.False(_cloud.Subnet(subnet).EnableDns64);

        Ec2.ModifySubnetAttribute(subnet, mapPublicIpOnLaunch: null, assignIpv6AddressOnCreation: null, enableDns64: true);
        Ec2.ModifySubnetAttribute(subnet, mapPublicIpOnLaunch: true, assignIpv6AddressOnCreation: null);

        Assert.True(_cloud.Subnet(subnet).EnableDns64);
        Assert.Equal(subnet, Assert.Single(Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("enable-dns64", "true")))).SubnetId);
        Ec2.ModifySubnetAttribute(subnet, null, null, enableDns64: false);
        Assert.Empty(Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("enable-dns64", "true"))));
    }

    [Fact]
    public void ModifySubnetAttribute_AssignIpv6WithoutAnIpv6Block_IsInvalidParameterValue()
    {
        var error = Throws(() => Ec2.ModifySubnetAttribute(_cloud.SubnetA.SubnetId, null, true));

        Assert.Equal(("InvalidParameterValue", $"Cannot set assign-ipv6-address-on-creation to true unless the subnet ({_cloud.SubnetA.SubnetId}) has an IPv6 CIDR block associated with it."), (error.Code, error.Message));
        Assert.False(_cloud.Subnet(_cloud.SubnetA.SubnetId).AssignIpv6AddressOnCreation);
        Assert.Equal("InvalidSubnetID.NotFound", Throws(() => Ec2.ModifySubnetAttribute("subnet-0123456789abcdef0", true, null)).Code);
    }
}
