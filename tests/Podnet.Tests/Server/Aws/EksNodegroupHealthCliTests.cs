using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// DescribeNodegroup's <c>health</c> through the real aws CLI against <c>podnet up</c>: the default world's group
/// healthy with no issues, and a group created in a /28 too small for it CREATE_FAILED with EKS's
/// <c>InsufficientFreeAddresses</c> on the subnet.
/// </summary>
public sealed class EksNodegroupHealthCliTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _world;

    public EksNodegroupHealthCliTests(ServedWorld world)
    {
        _world = world;
    }

    [Fact]
    public async Task DescribeNodegroup_HealthyGroupHasNoIssues_GroupInAFullSubnetIsCreateFailedWithInsufficientFreeAddresses()
    {
        Assert.Equal("ACTIVE\t0", _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--query", "nodegroup.[status,length(health.issues)]", "--output", "text").Trim());
        Assert.Contains("\"issues\": []", _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--query", "nodegroup.health"), StringComparison.Ordinal);

        var vpc = _world.AwsOk("ec2", "describe-vpcs", "--query", "Vpcs[0].VpcId", "--output", "text").Trim();
        var subnet = _world.AwsOk("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "192.168.128.0/28", "--availability-zone", "us-west-2a", "--query", "Subnet.SubnetId", "--output", "text").Trim();
        var nodeRole = _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--query", "nodegroup.nodeRole", "--output", "text").Trim();
        Assert.Contains("\"status\": \"CREATING\"", _world.AwsOk("eks", "create-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "full", "--subnets", subnet, "--node-role", nodeRole, "--instance-types", "t3.medium", "--scaling-config", "minSize=1,maxSize=12,desiredSize=12"), StringComparison.Ordinal);

        var cloud = _world.Server.Account.Cloud!;
        await _world.WaitUntil(_ => cloud.Eks.DescribeNodegroup("podnet", "full").Status != "CREATING", "the node group is done creating", seconds: 60);
        Assert.Equal(
            $"CREATE_FAILED\tInsufficientFreeAddresses\tOne or more of the subnets associated with your managed node group does not have enough available IP addresses for new nodes.\t{subnet}",
            _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "full", "--query", "nodegroup.[status,health.issues[0].code,health.issues[0].message,health.issues[0].resourceIds[0]]", "--output", "text").Trim());
    }
}
