using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class TrunkInterfaceTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private (Instance Instance, string TrunkId) NodeWithTrunk(string instanceType = "m5.large")
    {
        var instance = _cloud.Run(instanceType);
        var trunk = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId, Description: "aws-k8s-trunk-eni", InterfaceType: "trunk"));
        Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(trunk.NetworkInterfaceId, instance.InstanceId, 2));
        return (instance, trunk.NetworkInterfaceId);
    }

    private string NewBranch() => Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId, Description: "aws-k8s-branch-eni", InterfaceType: "branch")).NetworkInterfaceId;

    [Fact]
    public void Associate_GivesTrunkAssocId_AndBranchIsInUse()
    {
        var (_, trunk) = NodeWithTrunk();
        var branch = NewBranch();
        var association = Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(branch, trunk, 1));

        Assert.Matches("^trunk-assoc-[0-9a-f]{17}$", association.AssociationId);
        Assert.Equal(("VLAN", 1, branch, trunk), (association.InterfaceProtocol, association.VlanId, association.BranchInterfaceId, association.TrunkInterfaceId));
        Assert.Equal("in-use", _cloud.Eni(branch).Status);
        Assert.Equal(association, Assert.Single(Ec2.DescribeTrunkInterfaceAssociations(DescribeRequest.Where(new Filter("trunk-interface-id", trunk)))));
    }

    [Fact]
    public void Associate_SameVlanTwiceOnOneTrunk_IsRejected_OtherTrunkIsFine()
    {
        var (_, trunk) = NodeWithTrunk();
        var (_, otherTrunk) = NodeWithTrunk();
        Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), trunk, 1));

        var error = Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), trunk, 1)));
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Contains("VLAN ID 1 is already in use", error.Message, StringComparison.Ordinal);

        Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), otherTrunk, 1));
    }

    [Fact]
    public void Associate_BeyondTheTypesBranchCount_IsRejected()
    {
        // m5.large supports 9 branch interfaces.
        var (_, trunk) = NodeWithTrunk();
        for (var vlan = 1; vlan <= 9; vlan++)
        {
            Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), trunk, vlan));
        }

        var error = Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), trunk, 10)));
        Assert.Equal("BranchInterfaceLimitExceeded", error.Code);
        Assert.Contains("maximum of 9 branch interfaces for m5.large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Associate_OnTypeWithoutTrunking_IsRejected()
    {
        var (_, trunk) = NodeWithTrunk("t3.medium");
        Assert.Equal("BranchInterfaceLimitExceeded", Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), trunk, 1))).Code);
    }

    [Fact]
    public void Associate_WrongTypes_AreRejected()
    {
        var (instance, trunk) = NodeWithTrunk();
        var plain = instance.NetworkInterfaces[0].NetworkInterfaceId;
        Assert.Contains("a trunk interface is required", Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), plain, 1))).Message, StringComparison.Ordinal);
        Assert.Contains("a branch interface is required", Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(plain, trunk, 1))).Message, StringComparison.Ordinal);
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest("eni-00000000000000000", trunk, 1))).Code);
    }

    [Fact]
    public void Associate_BranchTwice_IsRejected()
    {
        var (_, trunk) = NodeWithTrunk();
        var branch = NewBranch();
        Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(branch, trunk, 1));
        Assert.Contains("already associated", Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(branch, trunk, 2))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4095)]
    public void Associate_VlanOutOfRange_IsRejected(int vlan)
    {
        var (_, trunk) = NodeWithTrunk();
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), trunk, vlan))).Code);
    }

    [Fact]
    public void Associate_UnattachedTrunk_IsRejected()
    {
        var trunk = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId, InterfaceType: "trunk"));
        Assert.Equal("IncorrectState", Throws(() => Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), trunk.NetworkInterfaceId, 1))).Code);
    }

    [Fact]
    public void Disassociate_FreesTheVlan_AndLetsTheBranchBeDeleted()
    {
        var (_, trunk) = NodeWithTrunk();
        var branch = NewBranch();
        var association = Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(branch, trunk, 3));

        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.DeleteNetworkInterface(branch)).Code);

        Ec2.DisassociateTrunkInterface(association.AssociationId);
        Assert.Equal("available", _cloud.Eni(branch).Status);
        Ec2.DeleteNetworkInterface(branch);
        Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(NewBranch(), trunk, 3));
        Assert.Equal("InvalidAssociationID.NotFound", Throws(() => Ec2.DisassociateTrunkInterface(association.AssociationId)).Code);
    }
}
