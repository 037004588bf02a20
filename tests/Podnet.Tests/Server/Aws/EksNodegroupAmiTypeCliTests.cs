namespace Podnet.Tests.Server.Aws;

/// <summary>
/// <c>aws eks create-nodegroup</c>'s AMI type against the cluster's Kubernetes version, with the real aws CLI: without
/// <c>--ami-type</c> EKS picks the version's default, and an Amazon Linux 2 type on 1.33 is refused in the words users
/// quote from EKS (scylladb/scylla-cluster-tests#12524).
/// </summary>
public class EksNodegroupAmiTypeCliTests : IClassFixture<ServedAccountWorld>
{
    private const string NodeRole = "arn:aws:iam::123456789012:role/myNodeRole";

    private readonly ServedAccountWorld _world;

    public EksNodegroupAmiTypeCliTests(ServedAccountWorld world)
    {
        _world = world;
    }

    private List<string> Subnets()
    {
        var cloud = _world.Server.Account.Cloud!;
        return _world.Server.Cluster.Read(() => cloud.Ec2Backend.DescribeSubnets(new Podnet.Aws.Ec2.DescribeRequest()).Where(s => !s.MapPublicIpOnLaunch).Select(s => s.SubnetId).Order(StringComparer.Ordinal).ToList());
    }

    private void CreateCluster(string name, string version, IReadOnlyList<string> subnets)
        => _world.AwsOk("eks", "create-cluster", "--name", name, "--kubernetes-version", version, "--role-arn", "arn:aws:iam::123456789012:role/myClusterRole", "--resources-vpc-config", $"subnetIds={subnets[0]},{subnets[1]}");

    [Fact]
    public void CreateNodegroup_Al2OnKubernetes133_IsInvalidParameter_AndWithoutAmiTypeOn129_IsAl2()
    {
        var subnets = Subnets();
        CreateCluster("new", "1.33", subnets);
        CreateCluster("old", "1.29", subnets);

        var (exit, _, error) = _world.Aws("eks", "create-nodegroup", "--cluster-name", "new", "--nodegroup-name", "al2", "--subnets", subnets[0], "--node-role", NodeRole, "--ami-type", "AL2_x86_64", "--scaling-config", "minSize=1,maxSize=1,desiredSize=1");
        Assert.Equal((255, "An error occurred (InvalidParameterException) when calling the CreateNodegroup operation: AMI Type AL2_x86_64 is only supported for kubernetes versions 1.32 or earlier"), (exit, error.Trim()));

        _world.AwsOk("eks", "create-nodegroup", "--cluster-name", "old", "--nodegroup-name", "default", "--subnets", subnets[0], "--node-role", NodeRole, "--scaling-config", "minSize=1,maxSize=1,desiredSize=1");
        Assert.Equal("AL2_x86_64", _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "old", "--nodegroup-name", "default", "--query", "nodegroup.amiType", "--output", "text"));
        _world.AwsOk("eks", "create-nodegroup", "--cluster-name", "new", "--nodegroup-name", "default", "--subnets", subnets[1], "--node-role", NodeRole, "--scaling-config", "minSize=1,maxSize=1,desiredSize=1");
        Assert.Equal("AL2023_x86_64_STANDARD", _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "new", "--nodegroup-name", "default", "--query", "nodegroup.amiType", "--output", "text"));
    }
}
