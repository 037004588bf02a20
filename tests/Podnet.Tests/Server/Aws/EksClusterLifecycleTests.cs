using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// An account with a VPC, two private subnets, a public one (so the world gets the routes of a fresh EKS VPC: a NAT
/// gateway for the private subnets, without which no node of theirs reaches the cluster's public endpoint) and the roles,
/// but no cluster yet: where seed 003 creates one.
/// </summary>
public sealed class ServedAccountWorld : ServedWorld
{
    public const string Yaml = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Account
        metadata:
          name: account
        spec:
          Region: us-west-2
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Vpc
        metadata:
          name: vpc
        spec:
          CidrBlock: 192.168.0.0/24
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata:
          name: public-a
        spec:
          Vpc: vpc
          CidrBlock: 192.168.0.0/27
          AvailabilityZone: us-west-2a
          MapPublicIpOnLaunch: true
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata:
          name: private-a
        spec:
          Vpc: vpc
          CidrBlock: 192.168.0.64/27
          AvailabilityZone: us-west-2a
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata:
          name: private-b
        spec:
          Vpc: vpc
          CidrBlock: 192.168.0.96/27
          AvailabilityZone: us-west-2b
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Role
        metadata:
          name: myClusterRole
        spec:
          ManagedPolicies: [AmazonEKSClusterPolicy]
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Role
        metadata:
          name: myNodeRole
        spec:
          ManagedPolicies: [AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly, AmazonEKS_CNI_Policy]
        """;

    public ServedAccountWorld()
        : base(time => WorldLoader.Load([new WorldSource("account.yaml", Yaml)], time: time))
    {
    }

    /// <summary>A cluster (10 minutes) and a node group (3 + 3) cost their EKS time: more than the default budget.</summary>
    protected override TimeSpan FastForward => TimeSpan.FromMinutes(40);
}

/// <summary>
/// <c>aws eks create-cluster</c> on a served account makes a cluster with a Kubernetes API of its own: CREATING,
/// then ACTIVE (the served clock jumps while the user polls), <c>update-kubeconfig</c> reaches it, a node group's
/// nodes join it, and deleting it ends in seed 003's <c>ResourceNotFoundException</c> lines — with the real aws CLI
/// and kubectl.
/// </summary>
public class EksClusterLifecycleTests : IClassFixture<ServedAccountWorld>
{
    private readonly ServedAccountWorld _world;

    public EksClusterLifecycleTests(ServedAccountWorld world)
    {
        _world = world;
    }

    [Fact]
    public async Task CreateCluster_ActiveWithItsOwnApi_NodegroupJoins_DeleteEndsNotFound()
    {
        Assert.Throws<InvalidOperationException>(() => _world.Server.Kube);
        var cloud = _world.Server.Account.Cloud!;
        var subnets = _world.Server.Cluster.Read(() => cloud.Ec2Backend.DescribeSubnets(new Podnet.Aws.Ec2.DescribeRequest()).Where(s => !s.MapPublicIpOnLaunch).Select(s => s.SubnetId).Order(StringComparer.Ordinal).ToList());

        // x4 with the seed's forms: the subnets as subnetIds=a,b.
        Assert.Contains("\"status\": \"CREATING\"", _world.AwsOk("eks", "create-cluster", "--region", "region-code", "--name", "my-custom-networking-cluster", "--role-arn", "arn:aws:iam::123456789012:role/myClusterRole", "--resources-vpc-config", $"subnetIds={subnets[0]},{subnets[1]}"), StringComparison.Ordinal);

        // x5: the seed polls until ACTIVE; the clock jumps the 10 minutes while it waits.
        await _world.WaitUntil(_ => cloud.Eks.DescribeCluster("my-custom-networking-cluster").Status == "ACTIVE", "the cluster is ACTIVE");
        Assert.Equal("\"ACTIVE\"", _world.AwsOk("eks", "describe-cluster", "--region", "region-code", "--name", "my-custom-networking-cluster", "--query", "cluster.status"));

        // x6: the kubeconfig reaches the new cluster's own API, where the default add-ons wait for nodes.
        var kubeconfig = Path.Combine(_world.Directory, "created-kubeconfig");
        Assert.Equal($"Added new context arn:aws:eks:us-west-2:123456789012:cluster/my-custom-networking-cluster to {kubeconfig}", _world.AwsOk("eks", "update-kubeconfig", "--region", "region-code", "--name", "my-custom-networking-cluster", "--kubeconfig", kubeconfig));
        var api = _world.Server.KubeOf("my-custom-networking-cluster")!;
        Assert.Contains($"server: {api.Address.ToString().TrimEnd('/')}", File.ReadAllText(kubeconfig), StringComparison.Ordinal);
        var (exit, pods, error) = _world.KubectlWithAws(kubeconfig, "get", "pods", "-n", "kube-system", "--no-headers");
        Assert.True(exit == 0, error);
        Assert.Equal(2, pods.Split('\n').Count(l => l.StartsWith("coredns-", StringComparison.Ordinal) && l.Contains(" Pending ", StringComparison.Ordinal)));

        // x7, x8: the node group's instances join the new cluster as Ready nodes; the group turns ACTIVE.
        var nodeRole = "arn:aws:iam::123456789012:role/myNodeRole";
        _world.AwsOk("eks", "create-nodegroup", "--region", "region-code", "--cluster-name", "my-custom-networking-cluster", "--nodegroup-name", "my-nodegroup", "--subnets", subnets[0], subnets[1], "--instance-types", "t3.medium", "--node-role", nodeRole);
        var created = _world.Server.ClusterNamed("my-custom-networking-cluster")!;
        await _world.WaitUntil(_ => cloud.Eks.DescribeNodegroup("my-custom-networking-cluster", "my-nodegroup").Status == "ACTIVE", "the node group is ACTIVE", seconds: 60);
        Assert.Equal("ACTIVE", _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "my-custom-networking-cluster", "--nodegroup-name", "my-nodegroup", "--query", "nodegroup.status", "--output", "text"));
        (exit, var nodes, error) = _world.KubectlWithAws(kubeconfig, "get", "nodes", "--no-headers");
        Assert.True(exit == 0, error);
        Assert.Equal(2, nodes.Split('\n').Count(l => l.Contains(" Ready ", StringComparison.Ordinal)));
        Assert.Empty(_world.Server.Cluster.Store.List("v1", "Node").Items);

        // x9, x8 after, x10: the seed's two ResourceNotFoundException lines; the cluster's API goes with it.
        _world.AwsOk("eks", "delete-nodegroup", "--cluster-name", "my-custom-networking-cluster", "--nodegroup-name", "my-nodegroup");
        await _world.WaitUntil(_ => !cloud.Eks.ListNodegroups("my-custom-networking-cluster").Contains("my-nodegroup"), "the node group is gone", seconds: 60);
        var (ngExit, _, ngError) = _world.Aws("eks", "describe-nodegroup", "--cluster-name", "my-custom-networking-cluster", "--nodegroup-name", "my-nodegroup", "--query", "nodegroup.status", "--output", "text");
        Assert.Equal((255, "An error occurred (ResourceNotFoundException) when calling the DescribeNodegroup operation: No node group found for name: my-nodegroup."), (ngExit, ngError.Trim()));
        Assert.Empty(created.Read(() => created.Store.List("v1", "Node").Items));

        Assert.Contains("\"status\": \"DELETING\"", _world.AwsOk("eks", "delete-cluster", "--region", "region-code", "--name", "my-custom-networking-cluster"), StringComparison.Ordinal);
        await _world.WaitUntil(_ => !cloud.Eks.ClusterExists("my-custom-networking-cluster") && _world.Server.KubeOf("my-custom-networking-cluster") is null, "the cluster and its API are gone", seconds: 60);
        var (clusterExit, _, clusterError) = _world.Aws("eks", "describe-cluster", "--region", "region-code", "--name", "my-custom-networking-cluster", "--query", "cluster.status", "--output", "text");
        Assert.Equal((255, "An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: my-custom-networking-cluster."), (clusterExit, clusterError.Trim()));
    }
}
