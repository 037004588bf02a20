using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class VpcTests
{
    private readonly Ec2Backend _ec2 = new TestCloud().Ec2;

    [Fact]
    public void CreateVpc_HasPrimaryAssociation_AndDefaultGroup()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", [new Tag("Name", "main")]));

        Assert.Matches("^vpc-[0-9a-f]{17}$", vpc.VpcId);
        Assert.Equal("10.0.0.0/16", vpc.CidrBlock);
        Assert.Equal("available", vpc.State);
        var association = Assert.Single(vpc.CidrBlockAssociationSet);
        Assert.StartsWith("vpc-cidr-assoc-", association.AssociationId, StringComparison.Ordinal);
        Assert.Equal("associated", association.CidrBlockState.State);
        Assert.Equal(new Tag("Name", "main"), Assert.Single(vpc.Tags));

        var group = Assert.Single(_ec2.DescribeSecurityGroups(DescribeRequest.Where(new Filter("vpc-id", vpc.VpcId))));
        Assert.Equal("default", group.GroupName);
        Assert.Equal("default VPC security group", group.Description);
        var inbound = Assert.Single(group.IpPermissions);
        Assert.Equal("-1", inbound.IpProtocol);
        Assert.Equal(group.GroupId, Assert.Single(inbound.UserIdGroupPairs!).GroupId);
        var outbound = Assert.Single(group.IpPermissionsEgress);
        Assert.Equal("0.0.0.0/0", Assert.Single(outbound.IpRanges!).CidrIp);
    }

    [Theory]
    [InlineData("10.0.0.0/15")]
    [InlineData("10.0.0.0/29")]
    public void CreateVpc_OutsideSlash16ToSlash28_IsInvalidVpcRange(string cidr)
    {
        var error = Throws(() => _ec2.CreateVpc(new CreateVpcRequest(cidr)));
        Assert.Equal("InvalidVpc.Range", error.Code);
        Assert.Equal($"The CIDR '{cidr}' is invalid.", error.Message);
    }

    [Theory]
    [InlineData("10.0.0.1/16")]
    [InlineData("not-a-cidr")]
    [InlineData("2600::/56")]
    public void CreateVpc_MalformedCidr_IsInvalidParameterValue(string cidr)
    {
        var error = Throws(() => _ec2.CreateVpc(new CreateVpcRequest(cidr)));
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal($"Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.", error.Message);
    }

    [Fact]
    public void AssociateVpcCidrBlock_AddsSecondaryBlock()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("192.168.0.0/24"));
        var association = _ec2.AssociateVpcCidrBlock(vpc.VpcId, "192.168.1.0/24");

        Assert.Equal("associating", association.CidrBlockState.State);
        var described = _ec2.DescribeVpcs(DescribeRequest.ForIds(vpc.VpcId))[0];
        Assert.Equal("192.168.0.0/24", described.CidrBlock);
        Assert.Equal(["192.168.0.0/24", "192.168.1.0/24"], described.CidrBlockAssociationSet.Select(a => a.CidrBlock));
        Assert.All(described.CidrBlockAssociationSet, a => Assert.Equal("associated", a.CidrBlockState.State));
    }

    [Fact]
    public void AssociateVpcCidrBlock_Overlapping_IsRejected()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("192.168.0.0/24"));
        var error = Throws(() => _ec2.AssociateVpcCidrBlock(vpc.VpcId, "192.168.0.128/25"));
        Assert.Equal("InvalidVpc.Range", error.Code);
        Assert.Contains("conflicts", error.Message, StringComparison.Ordinal);
        Assert.Single(_ec2.DescribeVpcs(DescribeRequest.ForIds(vpc.VpcId))[0].CidrBlockAssociationSet);
    }

    [Fact]
    public void AssociateVpcCidrBlock_FromOtherPrivateRange_IsRestricted()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        var error = Throws(() => _ec2.AssociateVpcCidrBlock(vpc.VpcId, "192.168.0.0/16"));
        Assert.Equal("InvalidVpc.Range", error.Code);
        Assert.StartsWith("The CIDR '192.168.0.0/16' is restricted.", error.Message, StringComparison.Ordinal);

        // Publicly routable space may be added to a private VPC.
        _ec2.AssociateVpcCidrBlock(vpc.VpcId, "100.64.0.0/16");
    }

    [Fact]
    public void AssociateVpcCidrBlock_WrongSize_IsInvalidRange()
        => Assert.Equal("InvalidVpc.Range", Throws(() => _ec2.AssociateVpcCidrBlock(_ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16")).VpcId, "10.1.0.0/30")).Code);

    [Fact]
    public void AssociateVpcCidrBlock_BeyondQuota_IsCidrLimitExceeded()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        for (var i = 1; i < 5; i++)
        {
            _ec2.AssociateVpcCidrBlock(vpc.VpcId, $"10.{i}.0.0/16");
        }

        var error = Throws(() => _ec2.AssociateVpcCidrBlock(vpc.VpcId, "10.9.0.0/16"));
        Assert.Equal("CidrLimitExceeded", error.Code);
        Assert.Equal($"This network '{vpc.VpcId}' has met its maximum number of allowed CIDRs: 5", error.Message);
    }

    [Fact]
    public void DisassociateVpcCidrBlock_Primary_IsNotPermitted()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        var error = Throws(() => _ec2.DisassociateVpcCidrBlock(vpc.CidrBlockAssociationSet[0].AssociationId));
        Assert.Equal("OperationNotPermitted", error.Code);
    }

    [Fact]
    public void DisassociateVpcCidrBlock_WithSubnets_IsInUse_ThenWorksWhenEmpty()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        var secondary = _ec2.AssociateVpcCidrBlock(vpc.VpcId, "10.1.0.0/16");
        var subnet = _ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.1.0.0/24", "us-west-2a"));

        Assert.Equal("InvalidCidrBlock.InUse", Throws(() => _ec2.DisassociateVpcCidrBlock(secondary.AssociationId)).Code);

        _ec2.DeleteSubnet(subnet.SubnetId);
        _ec2.DisassociateVpcCidrBlock(secondary.AssociationId);
        Assert.Single(_ec2.DescribeVpcs(DescribeRequest.ForIds(vpc.VpcId))[0].CidrBlockAssociationSet);
        Assert.Equal("InvalidVpcCidrBlockAssociationID.NotFound", Throws(() => _ec2.DisassociateVpcCidrBlock(secondary.AssociationId)).Code);
    }

    [Fact]
    public void DescribeVpcs_UnknownId_IsNotFound()
    {
        var error = Throws(() => _ec2.DescribeVpcs(DescribeRequest.ForIds("vpc-0123456789abcdef0")));
        Assert.Equal("InvalidVpcID.NotFound", error.Code);
        Assert.Equal("The vpc ID 'vpc-0123456789abcdef0' does not exist", error.Message);
    }

    [Fact]
    public void DescribeVpcs_FiltersByCidrAndTag()
    {
        _ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", [new Tag("team", "a")]));
        _ec2.CreateVpc(new CreateVpcRequest("10.1.0.0/16", [new Tag("team", "b")]));

        Assert.Equal("10.1.0.0/16", Assert.Single(_ec2.DescribeVpcs(DescribeRequest.Where(new Filter("tag:team", "b")))).CidrBlock);
        Assert.Equal(2, _ec2.DescribeVpcs(DescribeRequest.Where(new Filter("cidr-block-association.cidr-block", "10.*"))).Count);
        Assert.Equal("InvalidParameterValue", Throws(() => _ec2.DescribeVpcs(DescribeRequest.Where(new Filter("colour", "red")))).Code);
    }

    [Fact]
    public void CreateVpc_WithGivenId_UsesIt_AndRejectsMalformed()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16", VpcId: "vpc-0a1b2c3d4e5f60718"));
        Assert.Equal("vpc-0a1b2c3d4e5f60718", vpc.VpcId);
        Assert.Equal("InvalidVpcID.Malformed", Throws(() => _ec2.CreateVpc(new CreateVpcRequest("10.1.0.0/16", VpcId: "vpc-xyz"))).Code);
    }

    [Fact]
    public void DeleteVpc_WithSubnets_IsDependencyViolation()
    {
        var vpc = _ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        var subnet = _ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24"));
        Assert.Equal("DependencyViolation", Throws(() => _ec2.DeleteVpc(vpc.VpcId)).Code);
        _ec2.DeleteSubnet(subnet.SubnetId);
        _ec2.DeleteVpc(vpc.VpcId);
        Assert.Equal("InvalidVpcID.NotFound", Throws(() => _ec2.DeleteVpc(vpc.VpcId)).Code);
    }
}
