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
        var pods = store.List("v1", "Pod").Items.Select(p => PodView.Of(p)).ToList();
        Assert.All(pods, p => Assert.Contains(p.NodeName!, names));
        Assert.Equal(2, pods.Count(p => p.Object.Name.StartsWith("coredns-", StringComparison.Ordinal) && p.Phase == "Running"));
    }

    [Fact]
    public void NodegroupCreatedLater_InstancesBoot_NodesRegisterTensOfSecondsAfterLaunch_ReadyOnceAwsNodeRuns()
    {
        var world = WorldLoader.LoadDefault();
        var cluster = world.Cluster!.Name;
        var store = world.ControlPlane.Store;

        // The world's own nodes were up when it began: their kubelets registered them at its start.
        Assert.All(store.List("v1", "Node").Items, n => Assert.Equal(Podnet.World.World.Epoch, n.CreationTimestamp));

        var old = world.Cloud!.Eks.DescribeNodegroup(cluster, "ng-1");
        world.Cloud.Eks.CreateNodegroup(new CreateNodegroupRequest(cluster, "ng-2", old.NodeRole, old.Subnets, old.InstanceTypes));
        world.Settle();

        var ids = world.Cloud.Eks.NodegroupInstanceIds(cluster, "ng-2");
        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            var instance = world.Cloud.Ec2Backend.DescribeInstances(Podnet.Aws.Ec2.DescribeRequest.ForIds(id))[0].Instances[0];
            var node = store.List("v1", "Node").Items.Single(n => n.GetString("spec.providerID")!.EndsWith("/" + id, StringComparison.Ordinal));
            var joined = node.CreationTimestamp!.Value - instance.LaunchTime;
            Assert.InRange(joined.TotalSeconds, 39, 60);
            Assert.Equal(world.NodeBootDuration(id).TotalSeconds, joined.TotalSeconds, 0.999);

            // Ready only once aws-node runs there (its image pulled) and ipamd has initialised.
            var ready = DateTimeOffset.Parse(node["status.conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!["lastTransitionTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(new NodeView(node).IsReady);
            Assert.True(ready > node.CreationTimestamp, $"{node.Name} Ready at {ready:O}, registered at {node.CreationTimestamp:O}");
        }
    }
}
