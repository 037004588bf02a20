using Podnet.Aws;
using Podnet.Aws.Eks;
using Podnet.Composition;
using Podnet.Kube;
using Podnet.Kube.Controllers;
using Podnet.World;

namespace Podnet.Tests.Composition;

public class ClusterBuilderTests
{
    [Fact]
    public void Build_WithoutAccount_IsPolicyOnly_WithNeitherSchedulerNorVpcCni()
    {
        var world = new ClusterBuilder(seed: 3).Build();

        Assert.True(world.IsPolicyOnly);
        Assert.Null(world.AwsNode);
        Assert.Null(world.ResourceController);
        Assert.DoesNotContain(world.ControlPlane.Controllers, c => c is Scheduler or Podnet.Kube.Nodes.Kubelet);
        Assert.Contains(world.ControlPlane.Controllers, c => c is NamespaceController);
        Assert.Equal(ControlPlane.DefaultServiceCidr.ToString(), world.ControlPlane.ServiceCidr.ToString());
        Assert.Equal(Podnet.World.World.Epoch, world.Time.GetUtcNow());
    }

    [Fact]
    public void Build_WithAccount_WiresAwsNodeOnTheAccountsClock_AndNoClusterControllers()
    {
        var time = new VirtualTimeProvider(Podnet.World.World.Epoch.AddHours(1));
        var builder = new ClusterBuilder(seed: 5, time);
        var cloud = builder.AddAccount(new AwsOptions { Seed = 5 });

        var world = builder.Build();

        Assert.Same(cloud, world.Cloud);
        Assert.Same(time, cloud.Time);
        Assert.Same(time, world.Time);
        Assert.Contains(world.AwsNode!, world.ControlPlane.Controllers);
        Assert.Contains(world.ControlPlane.Controllers, c => c is Scheduler);
        Assert.Null(world.Cluster);
        Assert.Null(world.ResourceController);
        Assert.Null(world.FargateScheduler);
    }

    [Fact]
    public void Build_WithEksCluster_StartsWhatEksRunsForIt_WithTheClustersServiceCidr()
    {
        var builder = new ClusterBuilder();
        var cloud = builder.AddAccount(new AwsOptions());
        var cluster = CreateCluster(cloud, "10.200.0.0/16");

        var world = builder.UseEksCluster(cluster).Build();

        Assert.Same(cluster, world.Cluster);
        Assert.Equal("10.200.0.0/16", world.ControlPlane.ServiceCidr.ToString());
        var controllers = world.ControlPlane.Controllers;
        Assert.All(world.ResourceController!.Controllers, c => Assert.Contains(c, controllers));
        Assert.Contains(world.WindowsIpam!, controllers);
        Assert.Contains(world.FargateScheduler!, controllers);

        // aws-node is wired with the account, before what EKS runs for the cluster.
        var fargate = controllers.ToList().IndexOf(world.FargateScheduler!);
        Assert.True(controllers.ToList().IndexOf(world.AwsNode!) < fargate);
    }

    [Fact]
    public void Build_Twice_IsInvalidOperation()
    {
        var builder = new ClusterBuilder();
        builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Equal("The cluster is built already: a builder makes one world.", error.Message);
    }

    [Fact]
    public void UseEksCluster_WithoutAccount_IsInvalidOperation()
    {
        var other = new AwsCloud(new AwsOptions(), new VirtualTimeProvider(Podnet.World.World.Epoch));
        var cluster = CreateCluster(other, "10.100.0.0/16");

        var error = Assert.Throws<InvalidOperationException>(() => new ClusterBuilder().UseEksCluster(cluster));
        Assert.Equal("An EKS cluster needs its AWS account: add the account first.", error.Message);
    }

    [Fact]
    public void AddAccount_AfterUseAccount_IsInvalidOperation()
    {
        var builder = new ClusterBuilder();
        builder.UseAccount(new AwsCloud(new AwsOptions(), builder.Time));

        Assert.Throws<InvalidOperationException>(() => builder.AddAccount(new AwsOptions()));
    }

    [Fact]
    public void LoadedWorld_IsTheBuildersWiring_AddonInstallerIncluded()
    {
        // The loader asks the builder: the default world's parts are the ones a builder wires for its cluster.
        var world = WorldLoader.LoadDefault();

        Assert.NotNull(world.Cluster);
        Assert.Contains(world.FargateScheduler!, world.ControlPlane.Controllers);
        Assert.Contains(world.WindowsIpam!, world.ControlPlane.Controllers);

        // EKS's add-on manager reaches the running cluster: deleting the kube-proxy add-on deletes its DaemonSet.
        world.Cloud!.Eks.DeleteAddon(world.Cluster!.Name, "kube-proxy", preserve: false);
        world.Settle();
        Assert.Null(world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("apps/v1", "DaemonSet"), "kube-system", "kube-proxy"));
    }

    private static Cluster CreateCluster(AwsCloud cloud, string serviceCidr)
    {
        var ec2 = cloud.Ec2Backend;
        var vpc = ec2.CreateVpc(new Podnet.Aws.Ec2.CreateVpcRequest("192.168.0.0/16"));
        var a = ec2.CreateSubnet(new Podnet.Aws.Ec2.CreateSubnetRequest(vpc.VpcId, "192.168.0.0/24", "us-west-2a"));
        var b = ec2.CreateSubnet(new Podnet.Aws.Ec2.CreateSubnetRequest(vpc.VpcId, "192.168.1.0/24", "us-west-2b"));
        var role = cloud.Iam.CreateRole("demoClusterRole");
        return cloud.Eks.CreateCluster(new CreateClusterRequest("demo", role.Arn, [a.SubnetId, b.SubnetId], ServiceIpv4Cidr: serviceCidr));
    }
}
