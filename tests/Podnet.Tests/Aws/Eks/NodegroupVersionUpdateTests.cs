using Podnet.Aws;
using Podnet.Aws.Eks;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Eks;

/// <summary>
/// <c>aws eks update-nodegroup-version</c> on examples/hello-eks (ng-1: three m5.large in three zones, the shop's web
/// Deployment of three pods) after its cluster went to 1.32: new nodes of 1.32 join, the old ones are cordoned and
/// drained through pods/eviction (PodDisruptionBudgets hold), and go; the update is Successful, or Failed with EKS's
/// PodEvictionFailure when a budget holds a pod past 15 minutes without <c>--force</c>.
/// </summary>
public sealed class NodegroupVersionUpdateTests
{
    private static IReadOnlyList<KubeObject> Nodes(Podnet.World.World world) => world.ControlPlane.Store.List("v1", "Node").Items;

    private static IReadOnlyList<PodView> WebPods(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod").Items.Where(p => p.Namespace == "shop" && p.Label("app") == "web" && !p.IsTerminating).Select(p => PodView.Of(p))];

    /// <summary>hello-eks with its cluster at 1.32 and its node group still at 1.31.</summary>
    private static Podnet.World.World ClusterAt132()
    {
        var world = ExampleWorlds.Load("hello-eks");
        world.Cloud!.Eks.UpdateClusterVersion(world.Cluster!.Name, "1.32");
        world.Settle();
        Assert.Equal("1.32", world.Cloud.Eks.DescribeCluster(world.Cluster.Name).Version);
        return world;
    }

    private static void WebBudget(Podnet.World.World world, int minAvailable)
        => world.ControlPlane.Store.Create(KubeObject.Parse("""
            {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web","namespace":"shop"},
             "spec":{"minAvailable":MIN,"selector":{"matchLabels":{"app":"web"}}}}
            """.Replace("MIN", minAvailable.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));

    [Fact]
    public void UpdateNodegroupVersion_NewNodesJoin_OldOnesAreDrainedAndGo_TheUpdateSucceeds()
    {
        var world = ClusterAt132();
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        var oldNodes = Nodes(world).Select(n => n.Name).ToHashSet();
        Assert.Equal(3, oldNodes.Count);
        Assert.Equal(3, WebPods(world).Count(p => p.Phase == "Running"));

        var update = eks.UpdateNodegroupVersion(cluster, "ng-1", new NodegroupVersionUpdate());

        Assert.Equal(("InProgress", "VersionUpdate"), (update.Status, update.Type));
        Assert.Equal([("Version", "1.32"), ("ReleaseVersion", EksOptimizedAmi.ReleaseVersion("AL2023_x86_64_STANDARD", "1.32"))], update.Params.Select(p => (p.Type, p.Value)));
        Assert.Matches(@"^1\.32\.\d+-20250715$", update.Params[1].Value);
        Assert.Equal((NodegroupStatus.Updating, "1.31"), (eks.DescribeNodegroup(cluster, "ng-1").Status, eks.DescribeNodegroup(cluster, "ng-1").Version));

        // The scale-up phase: twice the three zones, at most the three nodes being replaced.
        Assert.Equal(6, eks.NodegroupInstanceIds(cluster, "ng-1").Count);

        world.Settle(TimeSpan.FromHours(1));

        Assert.Equal("Successful", eks.DescribeUpdate(cluster, update.Id, addonName: null, nodegroupName: "ng-1").Status);
        var group = eks.DescribeNodegroup(cluster, "ng-1");
        Assert.Equal((NodegroupStatus.Active, "1.32", 3), (group.Status, group.Version, eks.NodegroupInstanceIds(cluster, "ng-1").Count));
        var nodes = Nodes(world);
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.DoesNotContain(n.Name, oldNodes));
        Assert.All(nodes, n => Assert.StartsWith("v1.32.", n.GetString("status.nodeInfo.kubeletVersion"), StringComparison.Ordinal));
        Assert.All(nodes, n => Assert.False(new NodeView(n).Unschedulable));
        var web = WebPods(world);
        Assert.Equal(3, web.Count);
        Assert.All(web, p => Assert.Equal("Running", p.Phase));
        Assert.All(web, p => Assert.Contains(p.NodeName, nodes.Select(n => n.Name)));

        // EKS's node manager evicted them, and the Deployment's ReplicaSet made new ones.
        var events = world.ControlPlane.Store.List("v1", "Event").Items;
        Assert.Contains(events, e => e.GetString("reason") == "SuccessfulCreate" && e.GetString("involvedObject.kind") == "ReplicaSet");

        // Each old node's kubelet told of its cordon.
        var cordoned = events.Where(e => e.GetString("reason") == "NodeNotSchedulable").Select(e => e.GetString("involvedObject.name")).OfType<string>().ToHashSet();
        Assert.Subset(oldNodes, cordoned);
        Assert.Contains(events, e => e.GetString("message") == $"Node {oldNodes.Order(StringComparer.Ordinal).First()} status is now: NodeNotSchedulable");
    }

    [Fact]
    public void ABudgetThatHoldsAPod_FailsTheUpdateWithPodEvictionFailure_AfterFifteenMinutes_OldNodesStayCordoned()
    {
        var world = ClusterAt132();
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        WebBudget(world, minAvailable: 3);

        var update = eks.UpdateNodegroupVersion(cluster, "ng-1", new NodegroupVersionUpdate());
        world.Settle(TimeSpan.FromHours(1));

        var failed = eks.DescribeUpdate(cluster, update.Id, addonName: null, nodegroupName: "ng-1");
        Assert.Equal("Failed", failed.Status);
        var error = Assert.Single(failed.Errors);
        Assert.Equal(("PodEvictionFailure", "Reached max retries while trying to evict pods from nodes in node group ng-1"), (error.ErrorCode, error.ErrorMessage));
        var group = eks.DescribeNodegroup(cluster, "ng-1");
        Assert.Equal((NodegroupStatus.Active, "1.31"), (group.Status, group.Version));

        // The budget allowed no disruption throughout, as kubectl get pdb shows.
        var budget = world.ControlPlane.Store.Get(world.ControlPlane.Store.Resources.For("policy/v1", "PodDisruptionBudget"), "shop", "web");
        Assert.Equal(0, budget.Peek("status.disruptionsAllowed")!.GetValue<int>());
        Assert.Equal(("False", "InsufficientPods"), (budget.Peek("status.conditions")![0]!["status"]!.GetValue<string>(), budget.Peek("status.conditions")![0]!["reason"]!.GetValue<string>()));

        // The web pods were never evicted: three Running, on old nodes, which stay cordoned.
        var web = WebPods(world);
        Assert.Equal(3, web.Count(p => p.Phase == "Running"));
        var held = Nodes(world).Single(n => n.Name == Assert.Single(error.ResourceIds));
        Assert.True(new NodeView(held).Unschedulable);
        Assert.Equal("true", held.Label("node.kubernetes.io/exclude-from-external-load-balancers"));
        Assert.StartsWith("v1.31.", held.GetString("status.nodeInfo.kubeletVersion"), StringComparison.Ordinal);
    }

    [Fact]
    public void AForcedUpdate_DeletesWhatTheBudgetHolds_AfterFifteenMinutes_AndSucceeds()
    {
        var world = ClusterAt132();
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        WebBudget(world, minAvailable: 3);

        var update = eks.UpdateNodegroupVersion(cluster, "ng-1", new NodegroupVersionUpdate(Force: true));
        world.Settle(TimeSpan.FromHours(2));

        Assert.Equal("Successful", eks.DescribeUpdate(cluster, update.Id, addonName: null, nodegroupName: "ng-1").Status);
        Assert.All(Nodes(world), n => Assert.StartsWith("v1.32.", n.GetString("status.nodeInfo.kubeletVersion"), StringComparison.Ordinal));
        Assert.Equal(3, WebPods(world).Count(p => p.Phase == "Running"));
    }

    [Fact]
    public void NewNodesThatNeverJoin_FailTheUpdateWithNodeCreationFailure_OldNodesStayUncordoned()
    {
        // examples/restricted-endpoint: the public endpoint admits neither the NAT gateway's address nor a private path,
        // so a new instance's kubelet never reaches the API server.
        var world = ExampleWorlds.Load("restricted-endpoint");
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        var oldNodes = Nodes(world).Select(n => n.Name).ToHashSet();

        var update = eks.UpdateNodegroupVersion(cluster, "ng-1", new NodegroupVersionUpdate());
        world.Settle(TimeSpan.FromHours(1));

        var failed = eks.DescribeUpdate(cluster, update.Id, addonName: null, nodegroupName: "ng-1");
        Assert.Equal("Failed", failed.Status);
        var error = Assert.Single(failed.Errors);
        Assert.Equal(("NodeCreationFailure", "Instances failed to join the kubernetes cluster"), (error.ErrorCode, error.ErrorMessage));
        Assert.NotEmpty(error.ResourceIds);
        Assert.All(error.ResourceIds, id => Assert.StartsWith("i-", id, StringComparison.Ordinal));
        Assert.Equal(oldNodes, Nodes(world).Select(n => n.Name).ToHashSet());
        Assert.All(Nodes(world), n => Assert.False(new NodeView(n).Unschedulable));
    }

    [Fact]
    public void WhileTheClusterUpdates_TheGroupWaits()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        eks.UpdateClusterVersion(cluster, "1.32");

        var busy = Assert.Throws<AwsException>(() => eks.UpdateNodegroupVersion(cluster, "ng-1", new NodegroupVersionUpdate()));

        Assert.Equal(("ResourceInUseException", $"Cluster {cluster} is in UPDATING state and cannot be updated"), (busy.Code, busy.Message));
        Assert.Equal(NodegroupStatus.Active, eks.DescribeNodegroup(cluster, "ng-1").Status);
    }

    [Fact]
    public void ReleaseVersion_LaunchTemplate_AnotherVersion_AndABusyGroup_AreRefused()
    {
        var world = ClusterAt132();
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;

        (string Code, string Message) Refusal(NodegroupVersionUpdate request)
        {
            var error = Assert.Throws<AwsException>(() => eks.UpdateNodegroupVersion(cluster, "ng-1", request));
            return (error.Code, error.Message);
        }

        Assert.Equal("InvalidParameterException", Refusal(new NodegroupVersionUpdate(ReleaseVersion: "1.32.3-20250103")).Code);
        Assert.Equal("InvalidParameterException", Refusal(new NodegroupVersionUpdate(LaunchTemplate: true)).Code);
        Assert.Equal(("InvalidParameterException", "version 1.33 is not the cluster's (1.32): a node group is updated to the cluster's Kubernetes version"), Refusal(new NodegroupVersionUpdate("1.33")));
        eks.UpdateNodegroupVersion(cluster, "ng-1", new NodegroupVersionUpdate("1.32"));
        Assert.Equal(("ResourceInUseException", "Nodegroup cannot be updated as it is currently not in Active State"), Refusal(new NodegroupVersionUpdate()));
    }

    [Fact]
    public void Eviction_HonoursTheBudgetsStatus_InTheApiServersWords()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var store = world.ControlPlane.Store;
        var pods = store.Resources.For("v1", "Pod");
        var budgets = store.Resources.For("policy/v1", "PodDisruptionBudget");
        WebBudget(world, minAvailable: 2);
        var web = WebPods(world);
        Assert.Equal(3, web.Count(p => p.IsReady));

        // Before the disruption controller has seen the budget, nothing it selects may go.
        var early = Assert.Throws<KubeException>(() => store.Evict(pods, "shop", web[0].Name));
        Assert.Equal((429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget."), (early.Code, early.Reason, early.Message));
        Assert.Equal(("DisruptionBudget", "The disruption budget web is still being processed by the server."), (early.Causes[0].Reason, early.Causes[0].Message));

        world.ControlPlane.RunReady();
        var status = store.Get(budgets, "shop", "web").Peek("status")!;
        Assert.Equal((1, 3, 2, 3), (status["disruptionsAllowed"]!.GetValue<int>(), status["currentHealthy"]!.GetValue<int>(), status["desiredHealthy"]!.GetValue<int>(), status["expectedPods"]!.GetValue<int>()));
        Assert.Equal(("True", "SufficientPods"), (status["conditions"]![0]!["status"]!.GetValue<string>(), status["conditions"]![0]!["reason"]!.GetValue<string>()));

        store.Evict(pods, "shop", web[0].Name);
        Assert.True(store.Get(pods, "shop", web[0].Name).IsTerminating);
        Assert.Equal(0, store.Get(budgets, "shop", "web").Peek("status.disruptionsAllowed")!.GetValue<int>());

        // The eviction took the one disruption: the next is refused before the controller has counted again.
        var refused = Assert.Throws<KubeException>(() => store.Evict(pods, "shop", web[1].Name));
        Assert.Equal(429, refused.Code);
        Assert.Equal(("DisruptionBudget", "The disruption budget web needs 2 healthy pods and has 3 currently"), (refused.Causes[0].Reason, refused.Causes[0].Message));
        Assert.False(store.Get(pods, "shop", web[1].Name).IsTerminating);
        Assert.Equal(web[0].Name, Assert.Single(store.Get(budgets, "shop", "web").Peek("status.disruptedPods")!.AsObject()).Key);

        // kubectl get pdb's row: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE (the controller has counted again).
        world.ControlPlane.RunReady();
        var row = Podnet.Kube.Printing.TablePrinters.For(budgets).Cells(store.Get(budgets, "shop", "web"), world.Time.GetUtcNow());
        Assert.Equal(["web", "2", "N/A", store.Get(budgets, "shop", "web").Peek("status.disruptionsAllowed")!.ToString()], row.Take(4).Select(c => c!.ToString()));

        // A pod no budget selects goes as a delete would.
        store.Evict(pods, "shop", "batch-giant");
        Assert.Null(store.TryGet(pods, "shop", "batch-giant"));
    }
}
