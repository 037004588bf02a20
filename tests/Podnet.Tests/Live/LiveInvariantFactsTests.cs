using Podnet.Aws.Ec2;
using Podnet.Check;
using Podnet.Cli;
using Podnet.Cli.Commands;
using Podnet.Live;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Live;

/// <summary>The security-groups-for-pods example served whole, as <c>podnet up examples/security-groups-for-pods</c> serves it.</summary>
public sealed class ServedSecurityGroupsForPodsExample : ServedWorld
{
    public ServedSecurityGroupsForPodsExample()
        : base(time => WorldLoader.Load(WorldFiles.Read(ExampleWorlds.Folder("security-groups-for-pods")), time: time))
    {
    }
}

/// <summary>
/// <c>podnet check --kubeconfig</c> on a served cluster: the invariants read through its Kubernetes API and EC2
/// (trunks, branches and their VLANs included) give the same lines as on the served world itself.
/// </summary>
public sealed class LiveInvariantFactsTests : IClassFixture<ServedSecurityGroupsForPodsExample>
{
    private readonly ServedSecurityGroupsForPodsExample _world;

    public LiveInvariantFactsTests(ServedSecurityGroupsForPodsExample world)
    {
        _world = world;
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", _world.Server.Aws.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", _world.Server.Aws.SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    private WorldInput.Live Cluster => new(new LiveClusterSource(_world.KubeconfigPath, Region: "us-west-2"), _world.Server.Aws.Address.ToString().TrimEnd('/'));

    [Fact]
    public async Task Facts_OfServedCluster_AreTheServedWorlds()
    {
        var served = _world.Server.Cluster.Read(() => Invariants.FactsOf(_world.Server.Cluster.World));

        var live = await LiveInvariantFacts.ReadAsync(Cluster.Source, Cluster.EndpointUrl);

        Assert.Equal(served.ClusterName, live.ClusterName);
        Assert.Equal(served.Trunks!.OrderBy(t => t.NodeName, StringComparer.Ordinal), live.Trunks!.OrderBy(t => t.NodeName, StringComparer.Ordinal));
        Assert.NotEmpty(live.Trunks!);
        Assert.Equal(
            served.Associations.Select(a => $"{a.TrunkInterfaceId} {a.VlanId} {a.BranchInterfaceId}").Order(StringComparer.Ordinal),
            live.Associations.Select(a => $"{a.TrunkInterfaceId} {a.VlanId} {a.BranchInterfaceId}").Order(StringComparer.Ordinal));
        Assert.Equal(
            served.Interfaces!.Select(e => $"{e.NetworkInterfaceId} {e.InterfaceType} {e.Status} {string.Join(',', e.PrivateIpAddresses.Select(a => a.PrivateIpAddress))}").Order(StringComparer.Ordinal),
            live.Interfaces!.Select(e => $"{e.NetworkInterfaceId} {e.InterfaceType} {e.Status} {string.Join(',', e.PrivateIpAddresses.Select(a => a.PrivateIpAddress))}").Order(StringComparer.Ordinal));
        Assert.Equal(served.Pods.Count, live.Pods.Count);
    }

    [Fact]
    public void CheckKubeconfig_WithALeakedInterface_PrintsWhatTheWorldsCheckPrints()
    {
        // An available interface of the cluster's VPC CNI that nothing attached: leaked, on the served world as live.
        _world.Server.Cluster.Write(() =>
        {
            var cloud = _world.Server.Cluster.World.Cloud!;
            var subnet = cloud.Ec2Backend.DescribeSubnets().First(s => s.CidrBlock == "192.168.96.0/19");
            return cloud.Ec2Backend.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId, Description: "aws-K8S-i-0123456789abcdef0",
                Tags: [new Tag("eks:eni:owner", "amazon-vpc-cni"), new Tag("cluster.k8s.amazonaws.com/name", _world.Server.Cluster.World.Cluster!.Name)]));
        });
        var expected = _world.Server.Cluster.Read(() => Invariants.Check(_world.Server.Cluster.World)).Select(v => v.ToString()).ToList();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = CheckCommand.ExecuteLive(Cluster, output, error);

        Assert.Equal(string.Empty, error.ToString());
        Assert.Equal(ExitCodes.Verdict, exit);
        Assert.Contains(expected, l => l.StartsWith("leaked-interface: eni-", StringComparison.Ordinal) && l.EndsWith("(interface, aws-K8S-i-0123456789abcdef0): available, attached to no instance", StringComparison.Ordinal));
        Assert.Equal(expected, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
