using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Check;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Check;

public class InvariantsTests
{
    [Fact]
    public void DefaultWorld_HoldsEveryInvariant()
        => Assert.Empty(Invariants.Check(WorldLoader.LoadDefault()));

    [Fact]
    public void SecurityGroupsForPods_HoldsEveryInvariant()
    {
        using var scenario = new ScenarioWorld("security-groups-for-pods");
        Assert.Empty(Invariants.Check(scenario.Load()));
    }

    [Fact]
    public void AvailableInterfaceOfTheCluster_IsLeaked()
    {
        var world = WorldLoader.LoadDefault();
        var subnet = world.Cloud!.Ec2Backend.DescribeSubnets().First(s => s.CidrBlock == "192.168.96.0/19");
        var eni = world.Cloud.Ec2Backend.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId, Description: "aws-K8S-i-0123456789abcdef0",
            Tags: [new Tag("eks:eni:owner", "amazon-vpc-cni"), new Tag("cluster.k8s.amazonaws.com/name", world.Cluster!.Name)]));

        var violation = Assert.Single(Invariants.Check(world));

        Assert.Equal($"leaked-interface: {eni.NetworkInterfaceId} (interface, aws-K8S-i-0123456789abcdef0): available, attached to no instance", violation.ToString());
    }

    [Fact]
    public void TwoPodsWithOneAddress_AreADuplicate()
    {
        var world = WorldLoader.LoadDefault();
        var store = world.ControlPlane.Store;
        var pods = store.List("v1", "Pod").Items.Select(p => PodView.Of(p)).Where(p => !p.HostNetwork && p.PodIP is not null).OrderBy(p => p.Name, StringComparer.Ordinal).Take(2).ToList();
        store.UpdateStatus(pods[1].Object.With(json => json["status"]!["podIP"] = pods[0].PodIP));

        var violation = Assert.Single(Invariants.Check(world));

        Assert.Equal($"duplicate-address: {pods[0].PodIP}: pods {pods[0].Namespace}/{pods[0].Name}, {pods[1].Namespace}/{pods[1].Name}", violation.ToString());
    }

    [Fact]
    public void NodeCapacityOtherThanTheTrunksLimit_IsACapacityViolation()
    {
        using var scenario = new ScenarioWorld("security-groups-for-pods");
        var world = scenario.Load();
        var (nodeName, trunk) = world.ResourceController!.Trunks.OrderBy(t => t.Key, StringComparer.Ordinal).First();
        var store = world.ControlPlane.Store;
        var node = store.Get(store.Resources.For("v1", "Node"), null, nodeName);
        store.UpdateStatus(node.With(json => json["status"]!["capacity"]![Podnet.ResourceController.VpcResourceController.PodEniResource] = "3"));

        var violation = Assert.Single(Invariants.Check(world));

        Assert.Equal($"pod-eni-capacity: node {nodeName}: vpc.amazonaws.com/pod-eni capacity 3, its trunk {trunk.TrunkId} takes {trunk.BranchLimit} branches", violation.ToString());
    }

    [Fact]
    public void PodBoundToANode_NotRunning_IsReported()
    {
        var world = WorldLoader.LoadDefault();
        var store = world.ControlPlane.Store;
        var node = store.List("v1", "Node").Items.Select(n => n.Name).Order(StringComparer.Ordinal).First();
        store.Create(KubeObjectOf($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"starting","namespace":"default"},"spec":{"nodeName":"{{{node}}}","containers":[{"name":"app","image":"nginx"}]}}"""));

        var violation = Assert.Single(Invariants.Check(world));

        Assert.Equal($"pod-not-running: default/starting: Pending, on node {node}", violation.ToString());
    }

    [Fact]
    public void UnschedulablePod_CannotRun_IsNoViolation()
    {
        var world = WorldLoader.LoadDefault();
        world.ControlPlane.Store.Create(KubeObjectOf("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"too-big","namespace":"default"},"spec":{"containers":[{"name":"app","image":"nginx","resources":{"requests":{"cpu":"1000"}}}]}}"""));
        world.Settle(TimeSpan.FromMinutes(1));

        Assert.Empty(Invariants.Check(world));
        Assert.Equal("Pending", PodView.Of(world.ControlPlane.Store.Get(world.ControlPlane.Store.Resources.For("v1", "Pod"), "default", "too-big")).Phase);
    }

    [Fact]
    public void ClusterDeleted_TheBranchesEksLeavesAreNoViolation()
    {
        using var scenario = new ScenarioWorld("security-groups-for-pods");
        var world = scenario.Load();
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        foreach (var nodegroup in eks.ListNodegroups(cluster))
        {
            eks.DeleteNodegroup(cluster, nodegroup);
        }

        AwaitEks(world);
        eks.DeleteCluster(cluster);
        AwaitEks(world);
        var leftBehind = world.Cloud.Ec2Backend.DescribeNetworkInterfaces().Count(e => e.InterfaceType == NetworkInterfaceTypes.Branch);

        Assert.Empty(Invariants.Check(world));
        Assert.Equal(4, leftBehind);
    }

    private static void AwaitEks(Podnet.World.World world)
    {
        while (world.Cloud!.NextTransition is { } next)
        {
            world.Time.AdvanceTo(next);
        }
    }

    private static Podnet.Kube.Api.KubeObject KubeObjectOf(string json) => Podnet.Kube.Api.KubeObject.From(JsonNode.Parse(json)!.AsObject());
}
