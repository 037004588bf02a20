using Podnet.Aws;
using Podnet.Aws.Ec2;

namespace Podnet.Tests.TestSupport;

/// <summary>A small emulated AWS for tests: one VPC 192.168.0.0/16 with two subnets in two zones.</summary>
public sealed class TestCloud
{
    public TestCloud(AwsOptions? options = null)
    {
        Time = new ManualTimeProvider();
        Cloud = new AwsCloud(options ?? new AwsOptions(), Time);
        Vpc = Ec2.CreateVpc(new CreateVpcRequest("192.168.0.0/16"));
        SubnetA = Ec2.CreateSubnet(new CreateSubnetRequest(Vpc.VpcId, "192.168.0.0/24", "us-west-2a"));
        SubnetB = Ec2.CreateSubnet(new CreateSubnetRequest(Vpc.VpcId, "192.168.1.0/24", "us-west-2b"));
    }

    public ManualTimeProvider Time { get; }

    public AwsCloud Cloud { get; }

    public Ec2Backend Ec2 => Cloud.Ec2Backend;

    public Vpc Vpc { get; }

    public Subnet SubnetA { get; }

    public Subnet SubnetB { get; }

    public string DefaultGroupId => Ec2.DescribeSecurityGroups(DescribeRequest.Where(new Filter("vpc-id", Vpc.VpcId), new Filter("group-name", "default")))[0].GroupId;

    public string NewGroup(string name) => Ec2.CreateSecurityGroup(new CreateSecurityGroupRequest(name, name + " group", Vpc.VpcId));

    public Instance Run(string instanceType = "m5.large", Subnet? subnet = null)
        => Ec2.RunInstances(new RunInstancesRequest(instanceType, (subnet ?? SubnetA).SubnetId)).Instances[0];

    public NetworkInterface Eni(string id) => Ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(id))[0];

    public Subnet Subnet(string id) => Ec2.DescribeSubnets(DescribeRequest.ForIds(id))[0];

    public static AwsException Throws(Action action) => Assert.Throws<AwsException>(action);
}
