using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Eks;

/// <summary>
/// Issue 11: a managed node group in a public subnet (its route table sends 0.0.0.0/0 to an internet gateway) that does
/// not assign public IPv4 addresses on launch: EKS launches nothing and fails the group with
/// <c>Ec2SubnetInvalidConfiguration</c>, in the words aws/amazon-vpc-cni-k8s#878 quotes. World: examples/hello-eks.
/// </summary>
public sealed class NodegroupSubnetIssueTests
{
    [Fact]
    public void PublicSubnetWithoutPublicIps_LaunchesNothing_CreateFailedWithEc2SubnetInvalidConfiguration()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var ec2 = world.Cloud!.Ec2Backend;
        var eks = world.Cloud.Eks;
        var vpc = ec2.DescribeVpcs()[0].VpcId;
        var subnet = ec2.CreateSubnet(new CreateSubnetRequest(vpc, "192.168.128.0/24", "us-west-2a")).SubnetId;
        var publicTable = ec2.DescribeRouteTables().Single(t => t.Routes.Any(r => r.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) == true) && t.Associations.Any(a => a.SubnetId is not null));
        ec2.AssociateRouteTable(publicTable.RouteTableId, subnet);
        var existing = eks.DescribeNodegroup(world.Cluster!.Name, "ng-1");

        var created = eks.CreateNodegroup(new CreateNodegroupRequest(world.Cluster.Name, "public", existing.NodeRole, [subnet], existing.InstanceTypes));

        Assert.Equal(NodegroupStatus.Creating, created.Status);
        Assert.Empty(eks.NodegroupInstanceIds(world.Cluster.Name, "public"));
        world.Time.Advance(EksLifecycle.NodegroupCreating);
        var failed = eks.DescribeNodegroup(world.Cluster.Name, "public");
        Assert.Equal(NodegroupStatus.CreateFailed, failed.Status);
        var issue = Assert.Single(failed.Health.Issues);
        Assert.Equal(
            ("Ec2SubnetInvalidConfiguration", $"One or more Amazon EC2 Subnets of [{subnet}] for node group public does not automatically assign public IP addresses to instances launched into it. If you want your instances to be assigned a public IP address, then you need to enable auto-assign public IP address for the subnet. See IP addressing in VPC guide: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html#subnet-public-ip"),
            (issue.Code, issue.Message));
        Assert.Equal([subnet], issue.ResourceIds);

        // The same subnet mapping public IPs on launch is a public subnet EKS takes.
        ec2.ModifySubnetAttribute(subnet, mapPublicIpOnLaunch: true, assignIpv6AddressOnCreation: null);
        Assert.NotEqual(NodegroupStatus.CreateFailed, eks.CreateNodegroup(new CreateNodegroupRequest(world.Cluster.Name, "public-mapped", existing.NodeRole, [subnet], existing.InstanceTypes)).Status);
        Assert.NotEmpty(eks.NodegroupInstanceIds(world.Cluster.Name, "public-mapped"));
    }

    [Fact]
    public void WorldNodeGroupInAPublicSubnetWithoutPublicIps_IsBadInputOnItsSubnets()
    {
        const string group = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NodeGroup
            metadata: {name: edge}
            spec: {Cluster: podnet, InstanceTypes: [m5.large], Subnets: [public-us-west-2a], DesiredSize: 1, MinSize: 1, MaxSize: 1}
            """;

        var error = Assert.Throws<Podnet.World.WorldException>(() => ExampleWorlds.Load(
            "hello-eks",
            t => t.Replace("  AvailabilityZone: us-west-2a\n  MapPublicIpOnLaunch: true\n", "  AvailabilityZone: us-west-2a\n  MapPublicIpOnLaunch: false\n", StringComparison.Ordinal),
            group));

        Assert.Matches(@"^extra-0\.yaml: document 1 \(line 1, NodeGroup edge\): spec\.Subnets: Ec2SubnetInvalidConfiguration: One or more Amazon EC2 Subnets of \[subnet-[0-9a-f]+\] for node group edge does not automatically assign public IP addresses to instances launched into it\.", error.Message);
    }
}
