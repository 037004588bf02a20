using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

/// <summary>
/// EC2's describe filters, through <c>DescribeNetworkInterfaces</c> (which narrows by tag first): a filter's values
/// are ORed, filters ANDed, <c>*</c> and <c>?</c> are wildcards, and an unknown filter name is InvalidParameterValue.
/// </summary>
public class FilterMatcherTests
{
    private static (TestCloud Cloud, string Trunk, string Branch, string Other) Interfaces()
    {
        var cloud = new TestCloud();
        string Create(params Tag[] tags) => cloud.Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId, Tags: tags)).NetworkInterfaceId;
        var trunk = Create(new Tag("vpcresources.k8s.aws/trunk-eni-id", "eni-1"), new Tag("cluster", "prod"));
        var branch = Create(new Tag("vpcresources.k8s.aws/trunk-eni-id", "eni-2"), new Tag("cluster", "test"));
        var other = Create(new Tag("owner", "someone"));
        return (cloud, trunk, branch, other);
    }

    private static IEnumerable<string> Ids(TestCloud cloud, params Filter[] filters)
        => cloud.Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(filters)).Select(i => i.NetworkInterfaceId).Order(StringComparer.Ordinal);

    [Fact]
    public void TagFilter_ValuesAreOred_AndWildcardsMatch()
    {
        var (cloud, trunk, branch, other) = Interfaces();

        Assert.Equal(new[] { trunk, branch }.Order(StringComparer.Ordinal), Ids(cloud, new Filter("tag:vpcresources.k8s.aws/trunk-eni-id", "eni-1", "eni-2")));
        Assert.Equal([trunk], Ids(cloud, new Filter("tag:cluster", "pr*")));
        Assert.Equal([branch], Ids(cloud, new Filter("tag:cluster", "t?st")));
        Assert.Empty(Ids(cloud, new Filter("tag:cluster", "someone")));
        Assert.Equal([other], Ids(cloud, new Filter("tag-value", "some*")));
        Assert.Equal([other], Ids(cloud, new Filter("tag-key", "own?r")));
    }

    [Fact]
    public void Filters_AreAnded()
    {
        var (cloud, trunk, _, _) = Interfaces();

        Assert.Equal([trunk], Ids(cloud, new Filter("tag-key", "cluster"), new Filter("tag:cluster", "prod"), new Filter("subnet-id", cloud.SubnetA.SubnetId)));
        Assert.Empty(Ids(cloud, new Filter("tag:cluster", "prod"), new Filter("subnet-id", "subnet-00000000000000000")));
    }

    [Fact]
    public void UnknownFilterName_IsInvalidParameterValue()
    {
        var (cloud, _, _, _) = Interfaces();

        var error = Throws(() => cloud.Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("colour", "blue"))));

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal("The filter 'colour' is invalid", error.Message);
    }
}
