using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 point 8 on EC2's side: an instance launched while the world runs is <c>pending</c> (0) until it has
/// booted, then <c>running</c> (16), and its node registers after that; the world's own instances run from the start.
/// </summary>
public sealed class InstanceLifecycleTests
{
    private static Instance Describe(Podnet.World.World world, string id)
        => world.Cloud!.Ec2Backend.DescribeInstances(DescribeRequest.ForIds(id))[0].Instances[0];

    [Fact]
    public void NodegroupCreatedLater_InstancesPending_ThenRunning_ThenTheirNodesRegister()
    {
        var world = WorldLoader.LoadDefault();
        var cluster = world.Cluster!.Name;
        var eks = world.Cloud!.Eks;
        var store = world.ControlPlane.Store;

        // The world's own node group was up when it began: running from its launch, at the world's start.
        Assert.All(eks.NodegroupInstanceIds(cluster, "ng-1"), id =>
        {
            var own = Describe(world, id);
            Assert.Equal(("running", 16, string.Empty, Podnet.World.World.Epoch), (own.State.Name, own.State.Code, own.StateTransitionReason, own.LaunchTime));
        });

        var old = eks.DescribeNodegroup(cluster, "ng-1");
        eks.CreateNodegroup(new CreateNodegroupRequest(cluster, "ng-2", old.NodeRole, old.Subnets, old.InstanceTypes));
        var launched = world.Time.GetUtcNow();
        var ids = eks.NodegroupInstanceIds(cluster, "ng-2");
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Equal(("pending", 0, string.Empty, launched), (Describe(world, id).State.Name, Describe(world, id).State.Code, Describe(world, id).StateTransitionReason, Describe(world, id).LaunchTime)));

        // Running after its boot; its kubelet has not registered yet (that takes the node's 40-60 s).
        var first = ids.MinBy(id => world.Cloud.Ec2Backend.PendingDuration(id))!;
        world.Time.AdvanceTo(launched + world.Cloud.Ec2Backend.PendingDuration(first));
        world.RegisterNodes();
        Assert.Equal(("running", 16), (Describe(world, first).State.Name, Describe(world, first).State.Code));
        Assert.DoesNotContain(store.List("v1", "Node").Items, n => n.GetString("spec.providerID")!.EndsWith("/" + first, StringComparison.Ordinal));

        world.Settle();
        Assert.All(ids, id =>
        {
            Assert.Equal("running", Describe(world, id).State.Name);
            var node = store.List("v1", "Node").Items.Single(n => n.GetString("spec.providerID")!.EndsWith("/" + id, StringComparison.Ordinal));
            Assert.True(node.CreationTimestamp >= launched + world.Cloud.Ec2Backend.PendingDuration(id), node.Name);
        });
    }
}
