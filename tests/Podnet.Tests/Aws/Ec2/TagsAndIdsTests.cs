using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class TagsAndIdsTests
{
    [Fact]
    public void CreateTags_AddsAndReplaces_DeleteTagsRemoves()
    {
        var cloud = new TestCloud();
        var eni = cloud.Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId, Tags: [new Tag("a", "1")]));

        cloud.Ec2.CreateTags([eni.NetworkInterfaceId, cloud.Vpc.VpcId], [new Tag("a", "2"), new Tag("b", "3")]);
        Assert.Equal([new Tag("a", "2"), new Tag("b", "3")], cloud.Eni(eni.NetworkInterfaceId).TagSet.OrderBy(t => t.Key));
        Assert.Single(cloud.Ec2.DescribeVpcs(DescribeRequest.Where(new Filter("tag:b", "3"))));

        cloud.Ec2.DeleteTags([eni.NetworkInterfaceId], ["a"]);
        Assert.Equal("b", Assert.Single(cloud.Eni(eni.NetworkInterfaceId).TagSet).Key);
        Assert.Single(cloud.Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("tag-key", "b"))));
    }

    [Fact]
    public void CreateTags_UnknownResource_IsNotFound_AndNothingTagged()
    {
        var cloud = new TestCloud();
        Assert.Equal("InvalidSubnetID.NotFound", Throws(() => cloud.Ec2.CreateTags([cloud.Vpc.VpcId, "subnet-00000000000000000"], [new Tag("x", "y")])).Code);
        Assert.Empty(cloud.Ec2.DescribeVpcs(DescribeRequest.ForIds(cloud.Vpc.VpcId))[0].Tags);
        Assert.Equal("InvalidID", Throws(() => cloud.Ec2.CreateTags(["banana"], [new Tag("x", "y")])).Code);
    }

    [Fact]
    public void Tags_TooLongKey_IsRejected()
    {
        var cloud = new TestCloud();
        Assert.Equal("InvalidParameterValue", Throws(() => cloud.Ec2.CreateTags([cloud.Vpc.VpcId], [new Tag(new string('k', 129), "v")])).Code);
    }

    [Fact]
    public void SameSeed_SameCalls_SameIds()
    {
        static string[] Ids()
        {
            var cloud = new TestCloud(new AwsOptions { Seed = 42 });
            var instance = cloud.Run();
            return [cloud.Vpc.VpcId, cloud.SubnetA.SubnetId, instance.InstanceId, instance.NetworkInterfaces[0].MacAddress];
        }

        Assert.Equal(Ids(), Ids());
        Assert.NotEqual(Ids()[0], new TestCloud(new AwsOptions { Seed = 43 }).Vpc.VpcId);
    }

    [Fact]
    public void IdGenerator_NeverRepeatsAReservedId()
    {
        var ids = new ResourceIdGenerator(7);
        var first = ids.Next("eni", "subnet-1|interface");
        var again = new ResourceIdGenerator(7);
        Assert.True(again.Reserve(first));
        Assert.NotEqual(first, again.Next("eni", "subnet-1|interface"));
        Assert.False(again.Reserve(first));
    }

    [Theory]
    [InlineData("sg-079157a483bcb371f", true)]
    [InlineData("sg-1a2b3c4d", true)]
    [InlineData("sg-079157A483bcb371f", false)]
    [InlineData("sg-079157a483bcb371", false)]
    [InlineData("vpc-079157a483bcb371f", false)]
    public void IsWellFormedId_FollowsAwsShape(string id, bool ok)
        => Assert.Equal(ok, Ec2Backend.IsWellFormedId(id, "sg"));

    [Fact]
    public void GivenIdFromASeed_WorksVerbatim()
    {
        var cloud = new TestCloud();
        var id = cloud.Ec2.CreateSecurityGroup(new CreateSecurityGroupRequest("my-sg", "from seed 000", cloud.Vpc.VpcId, GroupId: "sg-079157a483bcb371f"));
        Assert.Equal("sg-079157a483bcb371f", id);
        Assert.Equal("InvalidParameterValue", Throws(() => cloud.Ec2.CreateSecurityGroup(new CreateSecurityGroupRequest("again", "dup id", cloud.Vpc.VpcId, GroupId: "sg-079157a483bcb371f"))).Code);
    }
}
