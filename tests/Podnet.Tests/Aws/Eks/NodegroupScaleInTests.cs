using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Eks;

/// <summary>
/// A managed node group scaled in or deleted on examples/hello-eks (ng-1: three m5.large, the shop's web Deployment of
/// three pods): EKS drains each node before its instance is terminated, and terminates it anyway after 5 minutes.
/// </summary>
public sealed class NodegroupScaleInTests
{
    private static IReadOnlyList<PodView> WebPods(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod").Items.Where(p => p.Namespace == "shop" && p.Label("app") == "web" && !p.IsTerminating).Select(p => PodView.Of(p))];

    private static string InstanceState(Podnet.World.World world, string id)
        => world.Cloud!.Ec2Backend.DescribeInstances(DescribeRequest.ForIds(id))[0].Instances[0].State.Name;

    private static KubeObject NodeOf(Podnet.World.World world, string instanceId)
        => world.ControlPlane.Store.List("v1", "Node").Items.Single(n => n.GetString("spec.providerID")!.EndsWith("/" + instanceId, StringComparison.Ordinal));

    /// <summary>hello-eks with a web pod on every node of ng-1, and the instance a scale-in to 2 lets go (the newest).</summary>
    private static (Podnet.World.World World, string Leaving) HelloEks(int? budgetMinAvailable = null)
    {
        var world = ExampleWorlds.Load("hello-eks");
        if (budgetMinAvailable is { } min)
        {
            world.ControlPlane.Store.Create(KubeObject.Parse("""
                {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web","namespace":"shop"},
                 "spec":{"minAvailable":MIN,"selector":{"matchLabels":{"app":"web"}}}}
                """.Replace("MIN", min.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
            world.Settle();
        }

        var leaving = world.Cloud!.Eks.NodegroupInstanceIds(world.Cluster!.Name, "ng-1")[^1];
        Assert.Contains(WebPods(world), p => p.NodeName == NodeOf(world, leaving).Name);
        return (world, leaving);
    }

    [Fact]
    public void ScaledIn_TheNodeIsCordonedAndDrained_ThenItsInstanceTerminated()
    {
        var (world, leaving) = HelloEks();
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        var node = NodeOf(world, leaving).Name;

        eks.UpdateNodegroupDesiredSize(cluster, "ng-1", 2);

        // The group counts two at once; the instance waits for its node's drain.
        Assert.Equal(2, eks.NodegroupInstanceIds(cluster, "ng-1").Count);
        Assert.Equal([leaving], eks.NodegroupTerminations(cluster).Select(t => t.InstanceId));
        Assert.Equal("running", InstanceState(world, leaving));

        world.Settle();

        Assert.Empty(eks.NodegroupTerminations(cluster));
        Assert.Equal("terminated", InstanceState(world, leaving));
        Assert.DoesNotContain(world.ControlPlane.Store.List("v1", "Node").Items, n => n.Name == node);
        var web = WebPods(world);
        Assert.Equal(3, web.Count);
        Assert.All(web, p => Assert.Equal("Running", p.Phase));
        Assert.All(web, p => Assert.NotEqual(node, p.NodeName));

        // The drain went before the termination: the node was cordoned (its kubelet's event), and its web pod evicted
        // and replaced before EC2 was asked to terminate the instance ("User initiated (… GMT)").
        var events = world.ControlPlane.Store.List("v1", "Event").Items;
        Assert.Contains(events, e => e.GetString("message") == $"Node {node} status is now: NodeNotSchedulable");
        var reason = world.Cloud.Ec2Backend.DescribeInstances(DescribeRequest.ForIds(leaving))[0].Instances[0].StateTransitionReason;
        var terminatedAt = DateTimeOffset.ParseExact(reason, "'User initiated ('yyyy-MM-dd HH:mm:ss' GMT)'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.All(web, p => Assert.True(p.Object.CreationTimestamp <= terminatedAt, $"{p.Name} made at {p.Object.CreationTimestamp:O}, the instance terminated at {terminatedAt:O}"));
    }

    [Fact]
    public void ScaledIn_ABudgetThatHoldsItsPod_TheInstanceIsTerminatedAnyway_AfterFiveMinutes()
    {
        var (world, leaving) = HelloEks(budgetMinAvailable: 3);
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        var start = world.Time.GetUtcNow();

        eks.UpdateNodegroupDesiredSize(cluster, "ng-1", 2);
        world.Settle(EksLifecycle.NodeDrainTimeout - TimeSpan.FromSeconds(10));

        // The budget refuses the eviction: the node stays cordoned with its pod, its instance running.
        Assert.Equal("running", InstanceState(world, leaving));
        Assert.True(new NodeView(NodeOf(world, leaving)).Unschedulable);
        Assert.Contains(WebPods(world), p => p.NodeName == NodeOf(world, leaving).Name && p.Phase == "Running");

        world.Settle(TimeSpan.FromMinutes(30));

        Assert.Equal("terminated", InstanceState(world, leaving));
        Assert.Empty(eks.NodegroupTerminations(cluster));
        Assert.True(world.Time.GetUtcNow() - start >= EksLifecycle.NodeDrainTimeout);
        Assert.Equal(3, WebPods(world).Count(p => p.Phase == "Running"));
    }

    [Fact]
    public void DeletedNodegroup_IsGoneOnlyOnceItsNodesAreDrainedAndItsInstancesTerminated()
    {
        var (world, _) = HelloEks(budgetMinAvailable: 3);
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        var ids = eks.NodegroupInstanceIds(cluster, "ng-1");

        eks.DeleteNodegroup(cluster, "ng-1");
        Assert.Equal(3, eks.NodegroupTerminations(cluster).Count);
        world.Settle(EksLifecycle.NodegroupDeleting + TimeSpan.FromSeconds(30));

        // EKS's own deletion time is up, but the budget holds a pod on each node: the group is still DELETING.
        Assert.Equal(NodegroupStatus.Deleting, eks.DescribeNodegroup(cluster, "ng-1").Status);
        Assert.All(ids, id => Assert.Equal("running", InstanceState(world, id)));

        world.Settle(TimeSpan.FromMinutes(30));

        Assert.DoesNotContain("ng-1", eks.ListNodegroups(cluster));
        Assert.All(ids, id => Assert.Equal("terminated", InstanceState(world, id)));
    }
}
