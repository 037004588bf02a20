using Podnet.Aws.Eks;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Tests.World;

public sealed class NodeGroupReplacementTests
{
    [Fact]
    public void DeletedNodegroup_ItsNodesGo_AndTheirPodsRunOnTheNewNodes()
    {
        // Seed 003 replaces the node group: a new one joins, the old one is deleted. The old nodes' Node objects go
        // (the cloud node lifecycle controller) with the pods bound to them (pod GC), and CoreDNS runs on the new ones.
        var world = WorldLoader.LoadDefault();
        var cluster = world.Cluster!.Name;
        var old = world.Cloud!.Eks.DescribeNodegroup(cluster, "ng-1");
        world.Cloud.Eks.CreateNodegroup(new CreateNodegroupRequest(cluster, "ng-2", old.NodeRole, old.Subnets, old.InstanceTypes));
        world.Settle();
        var store = world.ControlPlane.Store;
        var before = store.List("v1", "Node").Items.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(3 + world.Cloud.Eks.DescribeNodegroup(cluster, "ng-2").ScalingConfig.DesiredSize, before.Count);

        world.Cloud.Eks.DeleteNodegroup(cluster, "ng-1");
        world.Settle();

        var nodes = store.List("v1", "Node").Items;
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n => Assert.Equal("ng-2", n.Labels["eks.amazonaws.com/nodegroup"]));
        var names = nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var pods = store.List("v1", "Pod").Items.Select(p => new PodView(p)).ToList();
        Assert.All(pods, p => Assert.Contains(p.NodeName!, names));
        Assert.Equal(2, pods.Count(p => p.Object.Name.StartsWith("coredns-", StringComparison.Ordinal) && p.Phase == "Running"));
    }
}
