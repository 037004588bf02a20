using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Aws.Iam;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Eks;

public class EksBackendTests
{
    private readonly TestCloud _cloud = new();

    private EksBackend Eks => _cloud.Cloud.Eks;

    private Cluster CreateCluster(string name = "demo")
    {
        var role = _cloud.Cloud.Iam.CreateRole(name + "ClusterRole");
        _cloud.Cloud.Iam.AttachRolePolicy(role.RoleName, ManagedPolicy.AmazonEKSClusterPolicy.Arn);
        return Eks.CreateCluster(new CreateClusterRequest(name, role.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId]));
    }

    [Fact]
    public void CreateCluster_IsCreating_ThenActive_WithClusterSecurityGroup()
    {
        var cluster = CreateCluster();

        Assert.Equal(("CREATING", EksBackend.DefaultVersion, "10.100.0.0/16"), (cluster.Status, cluster.Version, cluster.KubernetesNetworkConfig.ServiceIpv4Cidr));
        Assert.Equal(cluster.CreatedAt + EksLifecycle.ClusterCreating, Eks.NextTransition);
        _cloud.Time.Advance(EksLifecycle.ClusterCreating - TimeSpan.FromSeconds(1));
        Assert.Equal("CREATING", Eks.DescribeCluster("demo").Status);
        _cloud.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ACTIVE", Eks.DescribeCluster("demo").Status);
        Assert.Null(Eks.NextTransition);
        Assert.Equal(_cloud.Vpc.VpcId, cluster.ResourcesVpcConfig.VpcId);
        Assert.Equal("arn:aws:eks:us-west-2:123456789012:cluster/demo", cluster.Arn);

        var group = _cloud.Ec2.DescribeSecurityGroups(DescribeRequest.ForIds(cluster.ResourcesVpcConfig.ClusterSecurityGroupId))[0];
        Assert.Matches("^eks-cluster-sg-demo-[0-9]+$", group.GroupName);
        Assert.Equal("EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.", group.Description);
        Assert.Contains(new Tag("aws:eks:cluster-name", "demo"), group.Tags);
        Assert.Contains(new Tag("kubernetes.io/cluster/demo", "owned"), group.Tags);
        var inbound = Assert.Single(group.IpPermissions);
        Assert.Equal(("-1", group.GroupId), (inbound.IpProtocol, Assert.Single(inbound.UserIdGroupPairs!).GroupId));
        Assert.Equal("0.0.0.0/0", Assert.Single(Assert.Single(group.IpPermissionsEgress).IpRanges!).CidrIp);
    }

    [Fact]
    public void CreateCluster_InTenSlashEightVpc_DefaultsServiceCidrTo172_20()
    {
        var cloud = new TestCloud();
        var vpc = cloud.Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        var a = cloud.Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/24", "us-west-2a"));
        var b = cloud.Ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.1.0/24", "us-west-2b"));
        var role = cloud.Cloud.Iam.CreateRole("r");
        var cluster = cloud.Cloud.Eks.CreateCluster(new CreateClusterRequest("c", role.Arn, [a.SubnetId, b.SubnetId]));
        Assert.Equal("172.20.0.0/16", cluster.KubernetesNetworkConfig.ServiceIpv4Cidr);
    }

    [Fact]
    public void CreateCluster_Validation()
    {
        var role = _cloud.Cloud.Iam.CreateRole("r");
        Assert.Equal("InvalidParameterException", Assert.Throws<AwsException>(() => Eks.CreateCluster(new CreateClusterRequest("c", role.Arn, [_cloud.SubnetA.SubnetId]))).Code);
        Assert.Equal("InvalidParameterException", Assert.Throws<AwsException>(() => Eks.CreateCluster(new CreateClusterRequest("c", "arn:aws:iam::123456789012:role/missing", [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId]))).Code);
        Assert.Equal("InvalidParameterException", Assert.Throws<AwsException>(() => Eks.CreateCluster(new CreateClusterRequest("c", role.Arn, [_cloud.SubnetA.SubnetId, "subnet-00000000000000000"]))).Code);
        Assert.Equal("InvalidParameterException", Assert.Throws<AwsException>(() => Eks.CreateCluster(new CreateClusterRequest("c", role.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId], ServiceIpv4Cidr: "192.168.0.0/16"))).Code);
        Eks.CreateCluster(new CreateClusterRequest("c", role.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId]));
        Assert.Equal("ResourceInUseException", Assert.Throws<AwsException>(() => Eks.CreateCluster(new CreateClusterRequest("c", role.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId]))).Code);
        Assert.Equal("ResourceNotFoundException", Assert.Throws<AwsException>(() => Eks.DescribeCluster("nope")).Code);
    }

    [Fact]
    public void Nodegroup_SpreadsInstancesOverZones_WithClusterGroupAndTags()
    {
        var cluster = CreateCluster();
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");
        var nodegroup = Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "ng-1", nodeRole.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId], ["m5.large"], new NodegroupScalingConfig(1, 5, 3)));

        Assert.Equal("CREATING", nodegroup.Status);
        _cloud.Time.Advance(EksLifecycle.NodegroupCreating);
        Assert.Equal("ACTIVE", Eks.DescribeNodegroup("demo", "ng-1").Status);
        var instances = _cloud.Ec2.DescribeInstances(DescribeRequest.Where(new Filter("tag:eks:nodegroup-name", "ng-1"))).SelectMany(r => r.Instances).ToList();
        Assert.Equal(3, instances.Count);
        Assert.Equal(["us-west-2a", "us-west-2a", "us-west-2b"], instances.Select(i => i.Placement.AvailabilityZone).Order());
        Assert.All(instances, i =>
        {
            Assert.Equal("m5.large", i.InstanceType);
            Assert.Equal(cluster.ResourcesVpcConfig.ClusterSecurityGroupId, Assert.Single(i.SecurityGroups).GroupId);
            Assert.Contains(new Tag("kubernetes.io/cluster/demo", "owned"), i.Tags);
            Assert.Equal(nodeRole.Arn, i.IamInstanceProfile!.RoleArn);
        });
    }

    [Fact]
    public void Nodegroup_ScaleDown_TerminatesNewest_ScaleUpLaunches()
    {
        CreateCluster();
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");
        Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "ng", nodeRole.Arn, [_cloud.SubnetA.SubnetId], ["m5.large"], new NodegroupScalingConfig(0, 4, 3)));
        var before = Eks.NodegroupInstanceIds("demo", "ng");

        Eks.UpdateNodegroupDesiredSize("demo", "ng", 1);
        Assert.Equal([before[0]], Eks.NodegroupInstanceIds("demo", "ng"));

        // The scaled-in instances wait for their nodes' drain (a world's part; none here), for EKS's 5 minutes at most,
        // then shut down, then are terminated (EC2's shutting-down).
        Assert.Equal([before[2], before[1]], Eks.NodegroupTerminations("demo").Select(t => t.InstanceId));
        Assert.Equal("pending", _cloud.Ec2.DescribeInstances(DescribeRequest.ForIds(before[2]))[0].Instances[0].State.Name);
        Eks.NodegroupNodeDrained("demo", "ng", before[1]);
        Assert.Equal("shutting-down", _cloud.Ec2.DescribeInstances(DescribeRequest.ForIds(before[1]))[0].Instances[0].State.Name);
        Assert.Equal("pending", _cloud.Ec2.DescribeInstances(DescribeRequest.ForIds(before[2]))[0].Instances[0].State.Name);
        Assert.True(Eks.NextTransition <= _cloud.Time.GetUtcNow() + EksLifecycle.NodeDrainTimeout, "EKS's wait is a transition due");
        _cloud.Time.Advance(EksLifecycle.NodeDrainTimeout);
        Assert.Empty(Eks.NodegroupTerminations("demo"));
        Assert.Equal("shutting-down", _cloud.Ec2.DescribeInstances(DescribeRequest.ForIds(before[2]))[0].Instances[0].State.Name);
        _cloud.Time.Advance(_cloud.Ec2.ShuttingDownDuration(before[2]));
        Assert.Equal("terminated", _cloud.Ec2.DescribeInstances(DescribeRequest.ForIds(before[2]))[0].Instances[0].State.Name);

        Eks.UpdateNodegroupDesiredSize("demo", "ng", 4);
        Assert.Equal(4, Eks.NodegroupInstanceIds("demo", "ng").Count);
        Assert.Equal("InvalidParameterException", Assert.Throws<AwsException>(() => Eks.UpdateNodegroupDesiredSize("demo", "ng", 5)).Code);
    }

    [Fact]
    public void Nodegroup_SubnetTooSmall_IsCreateFailed_InsufficientFreeAddressesOnTheSubnet()
    {
        // A /28 has 11 addresses for instances: EKS takes the group, its Auto Scaling group launches 11 of the 12,
        // and the group fails with the subnet in its health.
        CreateCluster();
        var small = _cloud.Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.7.0/28", "us-west-2a"));
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");

        var created = Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "big", nodeRole.Arn, [small.SubnetId], ["m5.large"], new NodegroupScalingConfig(1, 20, 12)));

        Assert.Equal(("CREATING", 0), (created.Status, created.Health.Issues.Count));
        Assert.Equal(["big"], Eks.ListNodegroups("demo"));
        Assert.Equal(11, Eks.NodegroupInstanceIds("demo", "big").Count);
        _cloud.Time.Advance(EksLifecycle.NodegroupCreating);
        var failed = Eks.DescribeNodegroup("demo", "big");
        Assert.Equal("CREATE_FAILED", failed.Status);
        var issue = Assert.Single(failed.Health.Issues);
        Assert.Equal(("InsufficientFreeAddresses", "One or more of the subnets associated with your managed node group does not have enough available IP addresses for new nodes."), (issue.Code, issue.Message));
        Assert.Equal([small.SubnetId], issue.ResourceIds);
        Assert.Equal("InsufficientFreeAddressesInSubnet", Eks.NodegroupLaunchError("demo", "big")!.Code);
    }

    [Fact]
    public void Nodegroup_Healthy_HasNoIssues()
    {
        CreateCluster();
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");
        Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "ng", nodeRole.Arn, [_cloud.SubnetA.SubnetId], ["m5.large"], new NodegroupScalingConfig(1, 3, 2)));
        _cloud.Time.Advance(EksLifecycle.NodegroupCreating);

        var nodegroup = Eks.DescribeNodegroup("demo", "ng");

        Assert.Equal("ACTIVE", nodegroup.Status);
        Assert.Empty(nodegroup.Health.Issues);
        Assert.Null(Eks.NodegroupLaunchError("demo", "ng"));
    }

    [Fact]
    public void Nodegroup_ScaledBeyondItsSubnet_IsDegraded_ThenActiveOnceTheAddressIsFree()
    {
        CreateCluster();
        var small = _cloud.Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.7.0/28", "us-west-2a"));
        var squatter = _cloud.Run("t3.micro", small);
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");
        Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "ng", nodeRole.Arn, [small.SubnetId], ["m5.large"], new NodegroupScalingConfig(1, 20, 2)));
        _cloud.Time.Advance(EksLifecycle.NodegroupCreating);

        // UpdateNodegroupConfig is taken; the Auto Scaling group launches the 8 more that fit and not the 9th.
        var updated = Eks.UpdateNodegroupDesiredSize("demo", "ng", 11);

        Assert.Equal("DEGRADED", updated.Status);
        Assert.Equal(("InsufficientFreeAddresses", small.SubnetId), (Assert.Single(updated.Health.Issues).Code, Assert.Single(updated.Health.Issues[0].ResourceIds)));
        Assert.Equal(10, Eks.NodegroupInstanceIds("demo", "ng").Count);

        // The other instance goes: the next look launches the 11th, and the group is ACTIVE with no issue.
        _cloud.Ec2.TerminateInstances([squatter.InstanceId]);
        _cloud.Time.Advance(_cloud.Ec2.ShuttingDownDuration(squatter.InstanceId));
        var recovered = Eks.DescribeNodegroup("demo", "ng");
        Assert.Equal(("ACTIVE", 0), (recovered.Status, recovered.Health.Issues.Count));
        Assert.Equal(11, Eks.NodegroupInstanceIds("demo", "ng").Count);
    }

    [Fact]
    public void Nodegroup_ClusterSecurityGroupGone_IsCreateFailed_Ec2SecurityGroupNotFound()
    {
        var cluster = CreateCluster();
        var group = cluster.ResourcesVpcConfig.ClusterSecurityGroupId;
        _cloud.Ec2.DeleteSecurityGroup(group);
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");

        Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "ng", nodeRole.Arn, [_cloud.SubnetA.SubnetId], ["m5.large"], new NodegroupScalingConfig(1, 3, 2)));
        _cloud.Time.Advance(EksLifecycle.NodegroupCreating);

        var failed = Eks.DescribeNodegroup("demo", "ng");
        Assert.Equal("CREATE_FAILED", failed.Status);
        var issue = Assert.Single(failed.Health.Issues);
        Assert.Equal(("Ec2SecurityGroupNotFound", "We couldn't find the cluster security group for the cluster. You must recreate your cluster."), (issue.Code, issue.Message));
        Assert.Equal([group], issue.ResourceIds);
        Assert.Empty(Eks.NodegroupInstanceIds("demo", "ng"));
    }

    /// <summary>A cluster of <paramref name="version"/> (a retired one as a world describes it) with a node role.</summary>
    private string ClusterOfVersion(string version)
    {
        var role = _cloud.Cloud.Iam.CreateRole("role-" + version);
        var name = "v" + version.Replace('.', '-');
        Eks.CreateCluster(new CreateClusterRequest(name, role.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId], Version: version, Existing: !EksBackend.OfferedVersions.Contains(version)));
        return name;
    }

    [Theory]
    [InlineData("1.22", "AL2_x86_64")]
    [InlineData("1.29", "AL2_x86_64")]
    [InlineData("1.30", "AL2023_x86_64_STANDARD")]
    [InlineData("1.33", "AL2023_x86_64_STANDARD")]
    public void CreateNodegroup_WithoutAmiType_GetsTheVersionsDefault_Al2Before130(string version, string amiType)
    {
        var cluster = ClusterOfVersion(version);
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");

        var nodegroup = Eks.CreateNodegroup(new CreateNodegroupRequest(cluster, "ng", nodeRole.Arn, [_cloud.SubnetA.SubnetId], ["m5.large"], new NodegroupScalingConfig(1, 1, 1)));

        Assert.Equal(amiType, nodegroup.AmiType);
        Assert.Equal(amiType, Eks.DescribeNodegroup(cluster, "ng").AmiType);
    }

    [Theory]
    [InlineData("1.33", "AL2_x86_64", "AMI Type AL2_x86_64 is only supported for kubernetes versions 1.32 or earlier")]
    [InlineData("1.35", "AL2_ARM_64", "AMI Type AL2_ARM_64 is only supported for kubernetes versions 1.32 or earlier")]
    [InlineData("1.22", "AL2023_x86_64_STANDARD", "AMI Type AL2023_x86_64_STANDARD is only supported for kubernetes versions 1.23 or later")]
    public void CreateNodegroup_AmiTypeWithoutAnAmiForTheVersion_IsInvalidParameter_AndLaunchesNothing(string version, string amiType, string message)
    {
        var cluster = ClusterOfVersion(version);
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");

        var refused = Assert.Throws<AwsException>(() => Eks.CreateNodegroup(new CreateNodegroupRequest(cluster, "ng", nodeRole.Arn, [_cloud.SubnetA.SubnetId], ["m5.large"], AmiType: amiType)));

        Assert.Equal(("InvalidParameterException", message), (refused.Code, refused.Message));
        Assert.Empty(Eks.ListNodegroups(cluster));
        Assert.Empty(_cloud.Ec2.DescribeInstances());
    }

    [Theory]
    [InlineData("1.32", "AL2_x86_64_GPU")]
    [InlineData("1.23", "AL2023_ARM_64_STANDARD")]
    [InlineData("1.22", "BOTTLEROCKET_x86_64")]
    [InlineData("1.35", "WINDOWS_CORE_2022_x86_64")]
    public void CreateNodegroup_AmiTypeWithAnAmiForTheVersion_IsTaken(string version, string amiType)
    {
        var cluster = ClusterOfVersion(version);
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");

        Assert.Equal(amiType, Eks.CreateNodegroup(new CreateNodegroupRequest(cluster, "ng", nodeRole.Arn, [_cloud.SubnetA.SubnetId], ["m5.large"], new NodegroupScalingConfig(1, 1, 1), AmiType: amiType)).AmiType);
    }

    [Fact]
    public void DeleteCluster_WithNodegroups_IsResourceInUse_ThenDeletingThenGone_WithItsSecurityGroup()
    {
        var cluster = CreateCluster();
        var nodeRole = _cloud.Cloud.Iam.CreateRole("nodeRole");
        Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "ng-1", nodeRole.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId]));

        var inUse = Assert.Throws<AwsException>(() => Eks.DeleteCluster("demo"));
        Assert.Equal(("ResourceInUseException", "Cluster has nodegroups attached"), (inUse.Code, inUse.Message));

        Assert.Equal("DELETING", Eks.DeleteNodegroup("demo", "ng-1").Status);

        // Each instance waits for its node's drain (a world's part; none here) before it is terminated.
        var leaving = Eks.NodegroupTerminations("demo");
        Assert.Equal(2, leaving.Count);
        Assert.Equal(2, _cloud.Ec2.DescribeInstances(DescribeRequest.Where(new Filter("tag:eks:nodegroup-name", "ng-1"), new Filter("instance-state-name", ["pending", "running"]))).Sum(r => r.Instances.Count));
        foreach (var instance in leaving)
        {
            Eks.NodegroupNodeDrained("demo", "ng-1", instance.InstanceId);
        }

        Assert.Empty(_cloud.Ec2.DescribeInstances(DescribeRequest.Where(new Filter("tag:eks:nodegroup-name", "ng-1"), new Filter("instance-state-name", ["pending", "running"]))));
        Assert.Equal("ResourceInUseException", Assert.Throws<AwsException>(() => Eks.DeleteCluster("demo")).Code);
        _cloud.Time.Advance(EksLifecycle.NodegroupDeleting);
        var gone = Assert.Throws<AwsException>(() => Eks.DescribeNodegroup("demo", "ng-1"));
        Assert.Equal(("ResourceNotFoundException", "No node group found for name: ng-1."), (gone.Code, gone.Message));

        Assert.Equal("DELETING", Eks.DeleteCluster("demo").Status);
        Assert.Equal("DELETING", Eks.DescribeCluster("demo").Status);
        _cloud.Time.Advance(EksLifecycle.ClusterDeleting);
        var notFound = Assert.Throws<AwsException>(() => Eks.DescribeCluster("demo"));
        Assert.Equal(("ResourceNotFoundException", "No cluster found for name: demo."), (notFound.Code, notFound.Message));
        Assert.Empty(Eks.ListClusters());
        Assert.Empty(_cloud.Ec2.DescribeSecurityGroups(DescribeRequest.Where(new Filter("group-id", cluster.ResourcesVpcConfig.ClusterSecurityGroupId))));
    }

    [Fact]
    public void CreateCluster_InAZoneWithoutControlPlanes_IsUnsupportedAvailabilityZone()
    {
        var cloud = new AwsCloud(new AwsOptions { Region = "us-east-1" }, new Podnet.World.VirtualTimeProvider(Podnet.World.World.Epoch));
        var vpc = cloud.Ec2Backend.CreateVpc(new CreateVpcRequest("10.1.0.0/16"));
        var zones = cloud.Options.Zones;
        var unsupported = zones.Single(z => cloud.Options.ZoneIdOf(z) == "use1-az3");
        var a = cloud.Ec2Backend.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.1.0.0/24", zones.First(z => z != unsupported)));
        var b = cloud.Ec2Backend.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.1.1.0/24", unsupported));
        var role = cloud.Iam.CreateRole("r");

        var error = Assert.Throws<AwsException>(() => cloud.Eks.CreateCluster(new CreateClusterRequest("my-cluster", role.Arn, [a.SubnetId, b.SubnetId])));

        Assert.Equal("UnsupportedAvailabilityZoneException", error.Code);
        Assert.Equal($"Cannot create cluster 'my-cluster' because {unsupported}, the targeted availability zone, does not currently have sufficient capacity to support the cluster. Retry and choose from these availability zones: {string.Join(", ", zones.Where(z => z != unsupported))}", error.Message);
    }

    [Fact]
    public void CreateCluster_InAZoneTheWorldMarksWithoutCapacity_IsUnsupportedAvailabilityZone_ListingTheOthers()
    {
        var world = Podnet.World.WorldLoader.Load([new Podnet.World.WorldSource("account.yaml", """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Account
            metadata:
              name: account
            spec:
              Region: us-west-2
              ZonesWithoutEksCapacity: [us-west-2b]
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Vpc
            metadata:
              name: vpc
            spec:
              CidrBlock: 10.0.0.0/16
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Subnet
            metadata:
              name: a
            spec:
              Vpc: vpc
              CidrBlock: 10.0.0.0/24
              AvailabilityZone: us-west-2a
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Subnet
            metadata:
              name: b
            spec:
              Vpc: vpc
              CidrBlock: 10.0.1.0/24
              AvailabilityZone: us-west-2b
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Role
            metadata:
              name: r
            """)]);
        var cloud = world.Cloud!;
        var subnets = cloud.Ec2Backend.DescribeSubnets(new DescribeRequest()).Select(s => s.SubnetId).ToList();

        var error = Assert.Throws<AwsException>(() => cloud.Eks.CreateCluster(new CreateClusterRequest("my-cluster", cloud.Iam.GetRole("r").Arn, subnets)));

        Assert.Equal("UnsupportedAvailabilityZoneException", error.Code);
        Assert.EndsWith("us-west-2b, the targeted availability zone, does not currently have sufficient capacity to support the cluster. Retry and choose from these availability zones: us-west-2a, us-west-2c, us-west-2d", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UpdateClusterVersion_NextMinorOnly_UpdatingThenTheVersion_NewNodegroupsTakeIt()
    {
        CreateCluster();
        _cloud.Time.Advance(EksLifecycle.ClusterCreating);
        (string Code, string Message) Refusal(string version)
        {
            var error = Assert.Throws<AwsException>(() => Eks.UpdateClusterVersion("demo", version));
            return (error.Code, error.Message);
        }

        Assert.Equal(("InvalidParameterException", "Unsupported Kubernetes minor version update from 1.31 to 1.31"), Refusal("1.31"));
        Assert.Equal(("InvalidParameterException", "Unsupported Kubernetes minor version update from 1.31 to 1.30"), Refusal("1.30"));
        Assert.Equal(("InvalidParameterException", "Unsupported Kubernetes minor version update from 1.31 to 1.33"), Refusal("1.33"));
        Assert.Equal(("InvalidParameterException", "unsupported Kubernetes version"), Refusal("1.40"));

        var update = Eks.UpdateClusterVersion("demo", "1.32");

        Assert.Equal(("VersionUpdate", "InProgress"), (update.Type, update.Status));
        Assert.Equal([("Version", "1.32"), ("PlatformVersion", "eks.1")], update.Params.Select(p => (p.Type, p.Value)));
        Assert.Equal((ClusterStatus.Updating, "1.31"), (Eks.DescribeCluster("demo").Status, Eks.DescribeCluster("demo").Version));
        Assert.Equal("ResourceInUseException", Assert.Throws<AwsException>(() => Eks.UpdateClusterVersion("demo", "1.32")).Code);
        Assert.Equal(update.CreatedAt + EksLifecycle.ClusterVersionUpdating, Eks.NextTransition);
        _cloud.Time.Advance(EksLifecycle.ClusterVersionUpdating);
        Assert.Equal((ClusterStatus.Active, "1.32"), (Eks.DescribeCluster("demo").Status, Eks.DescribeCluster("demo").Version));
        Assert.Equal([update.Id], Eks.ListUpdates("demo", nodegroupName: null, addonName: null));

        var nodeRole = _cloud.Cloud.Iam.CreateRole("demoNodeRole");
        Assert.Equal("1.32", Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "ng", nodeRole.Arn, [_cloud.SubnetA.SubnetId], ["m5.large"])).Version);
    }

    [Fact]
    public void UpdateClusterVersion_WhileANodegroupIsBehind_IsRefused()
    {
        CreateCluster();
        _cloud.Time.Advance(EksLifecycle.ClusterCreating);
        var nodeRole = _cloud.Cloud.Iam.CreateRole("demoNodeRole");
        Eks.CreateNodegroup(new CreateNodegroupRequest("demo", "ng-1", nodeRole.Arn, [_cloud.SubnetA.SubnetId], ["m5.large"]));
        _cloud.Time.Advance(EksLifecycle.NodegroupCreating);
        Eks.UpdateClusterVersion("demo", "1.32");
        _cloud.Time.Advance(EksLifecycle.ClusterVersionUpdating);

        var error = Assert.Throws<AwsException>(() => Eks.UpdateClusterVersion("demo", "1.33"));

        Assert.Equal(("InvalidParameterException", "Nodegroups ng-1 must be updated to match cluster version 1.32 before updating cluster version"), (error.Code, error.Message));
        Assert.Equal("1.32", Eks.DescribeCluster("demo").Version);
    }
}
