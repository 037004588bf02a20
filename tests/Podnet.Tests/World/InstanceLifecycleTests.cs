using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Kube.Controllers;
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

    [Fact]
    public void TerminatedNodeInstance_ShutsDown_NodeGoesUnknownAfterTheGrace_ThenIsDeletedAsNotInTheCloud()
    {
        var world = WorldLoader.LoadDefault();
        var cluster = world.Cluster!.Name;
        var store = world.ControlPlane.Store;
        var ec2 = world.Cloud!.Ec2Backend;
        var id = world.Cloud.Eks.NodegroupInstanceIds(cluster, "ng-1")[0];
        var node = store.List("v1", "Node").Items.Single(n => n.GetString("spec.providerID")!.EndsWith("/" + id, StringComparison.Ordinal));
        var pods = store.List("v1", "Pod").Items.Where(p => Podnet.Kube.Views.PodView.Of(p).NodeName == node.Name).ToList();
        Assert.NotEmpty(pods);
        var primaryEni = Describe(world, id).NetworkInterfaces.Single(n => n.Attachment.DeviceIndex == 0).NetworkInterfaceId;

        // kube-controller-manager 1.31 (the default world's version) waits its default 40 s; 1.32 raised it to 50 s.
        var grace = world.ControlPlane.NodeLifecycle.NodeMonitorGracePeriod;
        Assert.Equal((40, 50), (NodeLifecycleController.GracePeriodFor("1.31").TotalSeconds, NodeLifecycleController.GracePeriodFor("1.32").TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(40), grace);

        Podnet.Kube.Api.KubeObject? lastSeen = null;
        store.Subscribe(c =>
        {
            if (c.Object.Kind == "Node" && c.Object.Name == node.Name && c.Type == Podnet.Kube.Store.WatchEventType.Modified)
            {
                lastSeen = c.Object;
            }
        });

        var at = world.Time.GetUtcNow();
        var change = Assert.Single(ec2.TerminateInstances([id]));
        Assert.Equal(("shutting-down", 32, "running", 16), (change.CurrentState.Name, change.CurrentState.Code, change.PreviousState.Name, change.PreviousState.Code));

        // Shutting down: the interfaces stay attached, the kubelet has stopped, the node still shows what it last posted.
        world.RegisterNodes();
        world.ControlPlane.RunReady();
        var shuttingDown = Describe(world, id);
        Assert.Equal(("shutting-down", 32), (shuttingDown.State.Name, shuttingDown.State.Code));
        Assert.Contains(shuttingDown.NetworkInterfaces, n => n.NetworkInterfaceId == primaryEni);
        Assert.Equal(at, world.ControlPlane.Kubelet.StoppedAt(node.Name));
        Assert.True(new Podnet.Kube.Views.NodeView(store.Get("v1", "Node", null, node.Name)).IsReady);

        // Terminated after its shutting-down: its delete-on-termination interfaces go; the node is still Ready, as the
        // node lifecycle controller has not yet missed the kubelet for its grace period.
        var terminatedAt = at + ec2.ShuttingDownDuration(id);
        Assert.True(terminatedAt < at + grace);
        world.Time.AdvanceTo(terminatedAt);
        world.RegisterNodes();
        world.ControlPlane.RunReady();
        Assert.Equal(("terminated", 48), (Describe(world, id).State.Name, Describe(world, id).State.Code));
        Assert.Empty(ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("network-interface-id", primaryEni))));
        Assert.NotNull(store.TryGet(store.Resources.For("v1", "Node"), null, node.Name));

        // At the grace: NotReady (Unknown), its pods not ready; the cloud node lifecycle controller then finds the
        // instance gone and deletes the node, and the pod garbage collector its pods.
        world.Time.AdvanceTo(at + grace);
        world.ControlPlane.RunReady();
        Assert.Null(store.TryGet(store.Resources.For("v1", "Node"), null, node.Name));
        var nodeEvents = world.ControlPlane.Events.About(node).Select(e => (e.GetString("reason"), e.GetString("message"), e.GetString("source.component"), e.GetString("lastTimestamp"))).ToList();
        var stamp = Podnet.Kube.Api.KubeObject.FormatTimestamp(at + grace);
        Assert.Equal(
            [
                ("NodeNotReady", $"Node {node.Name} status is now: NodeNotReady", "node-controller", stamp),
                ("DeletingNode", $"Deleting node {node.Name} because it does not exist in the cloud provider", "cloud-node-lifecycle-controller", stamp),
            ],
            nodeEvents.Where(e => e.Item1 is "NodeNotReady" or "DeletingNode").ToList());
        Assert.All(pods, pod =>
        {
            Assert.Null(store.TryGet(store.Resources.For("v1", "Pod"), pod.Namespace, pod.Name));
            Assert.Contains(world.ControlPlane.Events.About(pod), e => e.GetString("type") == "Warning" && e.GetString("reason") == "NodeNotReady" && e.GetString("message") == "Node is not ready");
        });

        // What the node showed before it went: every condition the kubelet posted Unknown, the unreachable taints.
        Assert.NotNull(lastSeen);
        var conditions = lastSeen!["status.conditions"]!.AsArray().Select(c => (c!["type"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>())).ToList();
        Assert.Equal(
            ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"],
            conditions.Select(c => c.Item1).ToList());
        Assert.All(conditions, c => Assert.Equal(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."), (c.Item2, c.Item3, c.Item4)));
        Assert.Equal(
            ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"],
            lastSeen["spec.taints"]!.AsArray().Select(t => $"{t!["key"]}:{t["effect"]}").ToList());
    }

    [Fact]
    public void TerminatedNodegroupInstance_TheGroupLaunchesAReplacement_WhoseNodeJoinsAfterItsBoot()
    {
        var world = WorldLoader.LoadDefault();
        var cluster = world.Cluster!.Name;
        var eks = world.Cloud!.Eks;
        var ec2 = world.Cloud.Ec2Backend;
        var store = world.ControlPlane.Store;
        var before = eks.NodegroupInstanceIds(cluster, "ng-1");
        Assert.Equal(3, before.Count);
        var lost = before[1];
        var lostSubnet = Describe(world, lost).SubnetId;

        // Terminated through EC2's API, behind EKS's back: the group's Auto Scaling group launches a replacement at
        // once, in the zone that lost one (the others hold one each already).
        var at = world.Time.GetUtcNow();
        ec2.TerminateInstances([lost]);
        var after = eks.NodegroupInstanceIds(cluster, "ng-1");
        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(lost, after);
        var replacement = Assert.Single(after.Except(before));
        var launched = Describe(world, replacement);
        Assert.Equal(("pending", lostSubnet, at), (launched.State.Name, launched.SubnetId, launched.LaunchTime));
        Assert.Contains(launched.Tags, t => t.Key == "eks:nodegroup-name" && t.Value == "ng-1");
        Assert.Contains(launched.Tags, t => t.Key == "aws:autoscaling:groupName" && t.Value == eks.DescribeNodegroup(cluster, "ng-1").Resources.AutoScalingGroups[0].Name);

        // EKS's view does not change: still ACTIVE with its desired size.
        var group = eks.DescribeNodegroup(cluster, "ng-1");
        Assert.Equal(("ACTIVE", 3), (group.Status, group.ScalingConfig.DesiredSize));

        // The lost node goes (NotReady, then not in the cloud), the new one registers after its boot and is Ready.
        world.Settle();
        var nodes = store.List("v1", "Node").Items.Select(n => new Podnet.Kube.Views.NodeView(n)).ToList();
        Assert.DoesNotContain(nodes, n => n.InstanceId == lost);
        var joined = Assert.Single(nodes, n => n.InstanceId == replacement);
        Assert.True(joined.IsReady);
        var boot = world.NodeBootDuration(replacement);
        Assert.InRange(joined.Object.CreationTimestamp!.Value - at, boot - TimeSpan.FromSeconds(1), boot + TimeSpan.FromSeconds(1));
        Assert.Equal(after.Order(StringComparer.Ordinal), nodes.Select(n => n.InstanceId!).Order(StringComparer.Ordinal));

        // An instance EKS itself terminates (the group scaled in) is not replaced.
        eks.UpdateNodegroupDesiredSize(cluster, "ng-1", 2);
        world.Settle();
        Assert.Equal(2, eks.NodegroupInstanceIds(cluster, "ng-1").Count);
        Assert.Equal(2, store.List("v1", "Node").Items.Count);
    }
}
