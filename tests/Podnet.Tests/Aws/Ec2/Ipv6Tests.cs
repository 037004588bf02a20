using System.Net;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Net;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Ec2;

/// <summary>
/// Issue 11 point 13, the VPC side of IPv6: an Amazon-provided /56 on the VPC, a /64 on a subnet, IPv6 addresses and
/// /80 prefixes on an interface (AssignIpv6Addresses, as the VPC CNI asks in IPv6 mode), with EC2's errors.
/// </summary>
public class Ipv6Tests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private static string SubnetBlock(Vpc vpc, int index)
    {
        var block = CidrBlock.Parse(Assert.Single(vpc.Ipv6CidrBlockAssociationSet).Ipv6CidrBlock);
        return new CidrBlock(block.AddressAt((UInt128)index << 64), 64).ToString();
    }

    private (Vpc Vpc, Subnet Subnet) DualStack()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));
        var subnet = Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24", "us-west-2a", Ipv6CidrBlock: SubnetBlock(vpc, 1)));
        return (vpc, subnet);
    }

    [Fact]
    public void CreateVpc_AmazonProvidedIpv6_IsA56OfTheRegionsPool_SameForTheSameSeed()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));

        var association = Assert.Single(vpc.Ipv6CidrBlockAssociationSet);
        var block = CidrBlock.Parse(association.Ipv6CidrBlock);
        Assert.Equal(56, block.PrefixLength);
        Assert.True(CidrBlock.Parse("2600:1f14::/35").Contains(block), $"{block} is not in us-west-2's EC2 pool 2600:1f14::/35");
        Assert.StartsWith("vpc-cidr-assoc-", association.AssociationId, StringComparison.Ordinal);
        Assert.Equal(("associated", "us-west-2", "Amazon"), (association.Ipv6CidrBlockState.State, association.NetworkBorderGroup, association.Ipv6Pool));
        Assert.Empty(_cloud.Vpc.Ipv6CidrBlockAssociationSet);

        var again = new TestCloud().Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));
        Assert.Equal(association.Ipv6CidrBlock, again.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock);
        var otherSeed = new TestCloud(new AwsOptions { Seed = 2 }).Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));
        Assert.NotEqual(association.Ipv6CidrBlock, otherSeed.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock);

        var found = Ec2.DescribeVpcs(DescribeRequest.Where(new Filter("ipv6-cidr-block-association.ipv6-cidr-block", association.Ipv6CidrBlock)));
        Assert.Equal(vpc.VpcId, Assert.Single(found).VpcId);
    }

    [Fact]
    public void CreateVpc_EuWest1_DrawsFromItsPool()
    {
        var ec2 = new AwsCloud(new AwsOptions { Region = "eu-west-1" }, new ManualTimeProvider()).Ec2Backend;
        var vpc = ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));

        Assert.True(CidrBlock.Parse("2a05:d018::/35").Contains(CidrBlock.Parse(vpc.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock)));
        Assert.Equal("eu-west-1", vpc.Ipv6CidrBlockAssociationSet[0].NetworkBorderGroup);
    }

    [Fact]
    public void CreateSubnet_Ipv6Block_IsAssociated_AndFilterable()
    {
        var (vpc, subnet) = DualStack();

        var association = Assert.Single(subnet.Ipv6CidrBlockAssociationSet);
        Assert.Equal(SubnetBlock(vpc, 1), association.Ipv6CidrBlock);
        Assert.StartsWith("subnet-cidr-assoc-", association.AssociationId, StringComparison.Ordinal);
        Assert.Equal("associated", association.Ipv6CidrBlockState.State);
        Assert.Empty(_cloud.SubnetA.Ipv6CidrBlockAssociationSet);
        var found = Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("ipv6-cidr-block-association.ipv6-cidr-block", association.Ipv6CidrBlock)));
        Assert.Equal(subnet.SubnetId, Assert.Single(found).SubnetId);
    }

    [Fact]
    public void CreateSubnet_Ipv6Not64_IsEc2sInvalidParameterValue()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));
        var block = CidrBlock.Parse(vpc.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock);
        var sixty = new CidrBlock(block.BaseAddress, 60).ToString();

        var error = Assert.Throws<AwsException>(() => Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24", Ipv6CidrBlock: sixty)));

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal($"invalid value for parameter ipv6-cidr-block: {sixty}", error.Message);
    }

    [Fact]
    public void CreateSubnet_Ipv6OutsideTheVpcsBlock_OrInAnIpv4Vpc_IsInvalidSubnetRange()
    {
        var (vpc, _) = DualStack();
        var outside = "2600:1f18:7cb4:2e01::/64";

        var error = Assert.Throws<AwsException>(() => Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.1.0/24", Ipv6CidrBlock: outside)));
        Assert.Equal(("InvalidSubnet.Range", $"The IPv6 CIDR '{outside}' is invalid."), (error.Code, error.Message));

        var ipv4Only = Assert.Throws<AwsException>(() => Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.9.0/24", Ipv6CidrBlock: SubnetBlock(vpc, 2))));
        Assert.Equal("InvalidSubnet.Range", ipv4Only.Code);

        var taken = Assert.Throws<AwsException>(() => Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.1.0/24", Ipv6CidrBlock: SubnetBlock(vpc, 1))));
        Assert.Equal(("InvalidSubnet.Conflict", $"The CIDR '{SubnetBlock(vpc, 1)}' conflicts with another subnet"), (taken.Code, taken.Message));
    }

    [Fact]
    public void AssignIpv6Addresses_PrefixAndAddress_FromTheSubnets64_ShownByDescribe()
    {
        var (_, subnet) = DualStack();
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId, Description: "aws-K8S-i-0"));

        var result = Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(eni.NetworkInterfaceId, Ipv6AddressCount: 1, Ipv6PrefixCount: 1));

        var block = CidrBlock.Parse(subnet.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock);
        var prefix = CidrBlock.Parse(Assert.Single(result.AssignedIpv6Prefixes));
        var address = IPAddress.Parse(Assert.Single(result.AssignedIpv6Addresses));
        Assert.Equal(80, prefix.PrefixLength);
        Assert.True(block.Contains(prefix) && block.Contains(address));
        Assert.False(prefix.Contains(address));
        var described = _cloud.Eni(eni.NetworkInterfaceId);
        Assert.Equal(prefix.ToString(), Assert.Single(described.Ipv6Prefixes).Ipv6Prefix);
        Assert.Equal(address.ToString(), Assert.Single(described.Ipv6Addresses).Ipv6Address);
        Assert.Equal(eni.NetworkInterfaceId, Assert.Single(Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("ipv6-prefix", prefix.ToString())))).NetworkInterfaceId);

        // The same world, the same addresses.
        var twin = new Ipv6Tests();
        var (_, twinSubnet) = twin.DualStack();
        var twinEni = twin.Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(twinSubnet.SubnetId, Description: "aws-K8S-i-0"));
        Assert.Equal(result.AssignedIpv6Prefixes, twin.Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(twinEni.NetworkInterfaceId, Ipv6AddressCount: 1, Ipv6PrefixCount: 1)).AssignedIpv6Prefixes);
    }

    [Fact]
    public void AssignIpv6Addresses_SubnetWithoutIpv6_IsInvalidParameterValue()
    {
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId));

        var error = Assert.Throws<AwsException>(() => Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(eni.NetworkInterfaceId, Ipv6PrefixCount: 1)));

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal($"Cannot assign IPv6 addresses or prefixes unless the subnet ({_cloud.SubnetA.SubnetId}) has an IPv6 CIDR block associated with it.", error.Message);
    }

    [Fact]
    public void AssignIpv6Addresses_TakenOrReservedOrOutside_IsRefused_AndTakesNothing()
    {
        var (_, subnet) = DualStack();
        var block = CidrBlock.Parse(subnet.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock);
        var one = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId)).NetworkInterfaceId;
        var two = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId)).NetworkInterfaceId;
        var prefix = new CidrBlock(block.AddressAt((UInt128)7 << 48), 80).ToString();
        Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(one, Ipv6Prefixes: [prefix]));

        var inPrefix = block.AddressAt(((UInt128)7 << 48) + 5).ToString();
        var fresh = block.AddressAt(1000).ToString();
        Assert.Equal("InvalidIPAddress.InUse", Assert.Throws<AwsException>(() => Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(two, [fresh, inPrefix]))).Code);
        Assert.Equal("InvalidIPAddress.InUse", Assert.Throws<AwsException>(() => Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(two, Ipv6Prefixes: [prefix]))).Code);
        var reserved = Assert.Throws<AwsException>(() => Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(two, [block.AddressAt(2).ToString()])));
        Assert.Equal($"Address {block.AddressAt(2)} is in subnet's reserved address range", reserved.Message);
        var outside = Assert.Throws<AwsException>(() => Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(two, ["2600:1f18::10"])));
        Assert.Equal($"Address 2600:1f18::10 does not fall within the subnet's address range ({subnet.SubnetId})", outside.Message);
        Assert.Equal("InvalidParameterCombination", Assert.Throws<AwsException>(() => Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(two, [fresh], Ipv6AddressCount: 1))).Code);
        Assert.Equal("MissingParameter", Assert.Throws<AwsException>(() => Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(two))).Code);

        // The refused call gave back the address it had claimed first.
        Assert.Equal([fresh], Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(two, [fresh])).AssignedIpv6Addresses);
    }

    [Fact]
    public void UnassignIpv6Addresses_AndDeleteNetworkInterface_GiveTheAddressesBack()
    {
        var (_, subnet) = DualStack();
        var block = CidrBlock.Parse(subnet.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock);
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId)).NetworkInterfaceId;
        var prefix = new CidrBlock(block.AddressAt((UInt128)9 << 48), 80).ToString();
        var address = block.AddressAt(77).ToString();
        Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(eni, [address], Ipv6Prefixes: [prefix]));

        var unassigned = Ec2.UnassignIpv6Addresses(new UnassignIpv6AddressesRequest(eni, [address]));
        Assert.Equal([address], unassigned.UnassignedIpv6Addresses);
        Assert.Empty(_cloud.Eni(eni).Ipv6Addresses);
        Assert.Equal($"Address {address} is not assigned to interface {eni}", Assert.Throws<AwsException>(() => Ec2.UnassignIpv6Addresses(new UnassignIpv6AddressesRequest(eni, [address]))).Message);

        Ec2.DeleteNetworkInterface(eni);
        var other = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId)).NetworkInterfaceId;
        Assert.Equal([prefix], Ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(other, [address], Ipv6Prefixes: [prefix])).AssignedIpv6Prefixes);
    }

    [Fact]
    public void CreateSubnet_AssignIpv6AddressOnCreation_NewInterfacesGetOneAddressOfTheSlash64()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));
        var subnet = Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24", "us-west-2a", Ipv6CidrBlock: SubnetBlock(vpc, 1), AssignIpv6AddressOnCreation: true));
        Assert.True(subnet.AssignIpv6AddressOnCreation);
        Assert.Equal([subnet.SubnetId], Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("assign-ipv6-address-on-creation", "true"))).Select(s => s.SubnetId));

        // The resource controller's branch interfaces ask for no IPv6 address (CreateNetworkInterface without a count):
        // the subnet attribute gives them one, as it gives every new interface.
        var branch = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId, InterfaceType: NetworkInterfaceTypes.Branch));
        var address = IPAddress.Parse(Assert.Single(branch.Ipv6Addresses).Ipv6Address);
        Assert.True(CidrBlock.Parse(SubnetBlock(vpc, 1)).Contains(address), address.ToString());

        // Without the attribute an interface has no IPv6 address until one is assigned.
        var (_, plain) = DualStack();
        Assert.False(plain.AssignIpv6AddressOnCreation);
        Assert.Empty(Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(plain.SubnetId)).Ipv6Addresses);
    }

    [Fact]
    public void CreateSubnet_AssignIpv6AddressOnCreationWithoutIpv6Block_IsInvalidParameterValue()
    {
        var vpc = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true));
        var error = Assert.Throws<AwsException>(() => Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24", "us-west-2a", AssignIpv6AddressOnCreation: true)));

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Matches(@"^Cannot set assign-ipv6-address-on-creation to true unless the subnet \(subnet-[0-9a-f]{17}\) has an IPv6 CIDR block associated with it\.$", error.Message);
        Assert.Empty(Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("vpc-id", vpc.VpcId))));
    }
}
