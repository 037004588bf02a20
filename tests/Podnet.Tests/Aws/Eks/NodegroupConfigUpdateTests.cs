using Podnet.Aws;
using Podnet.Aws.Eks;
using Podnet.Kube.Api;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Eks;

/// <summary>
/// <c>aws eks update-nodegroup-config</c> on the default world's node group (examples/hello-eks: ng-1, three m5.large,
/// sizes 1/3/5): a <c>ConfigUpdate</c> with the parameters given, the group UPDATING until it is done, labels and taints
/// on the group's running nodes and on those it launches, sizes at once, and EKS's refusals in its words.
/// </summary>
public sealed class NodegroupConfigUpdateTests
{
    private static IReadOnlyList<KubeObject> Nodes(Podnet.World.World world)
        => world.ControlPlane.Store.List("v1", "Node").Items;

    private static IEnumerable<(string Key, string? Value, string Effect)> GroupTaints(KubeObject node)
        => node.Peek("spec.taints")!.AsArray().Select(t => (t!["key"]!.GetValue<string>(), t["value"]?.GetValue<string>(), t["effect"]!.GetValue<string>()))
            .Where(t => t.Item1 != "node.kubernetes.io/not-ready");

    [Fact]
    public void LabelsTaintsAndDesiredSize_ConfigUpdate_GroupUpdating_RunningAndNewNodesTakeThem()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;
        Assert.Equal(3, Nodes(world).Count);
        var node = Nodes(world)[0];
        world.ControlPlane.Store.Update(node.WithLabel("owner", "kubectl"), Podnet.Kube.Store.RequestContext.Admin);

        var update = eks.UpdateNodegroupConfig(cluster, "ng-1", new NodegroupConfigUpdate(
            AddOrUpdateLabels: new Dictionary<string, string> { ["team"] = "payments" },
            AddOrUpdateTaints: [new NodegroupTaint("dedicated", "payments", "NO_SCHEDULE")],
            DesiredSize: 4));

        Assert.Equal(("InProgress", "ConfigUpdate"), (update.Status, update.Type));
        Assert.Equal(
            [("LabelsToAdd", "{\"team\":\"payments\"}"), ("TaintsToAdd", "[{\"key\":\"dedicated\",\"value\":\"payments\",\"effect\":\"NO_SCHEDULE\"}]"), ("DesiredSize", "4")],
            update.Params.Select(p => (p.Type, p.Value)));
        var updating = eks.DescribeNodegroup(cluster, "ng-1");
        Assert.Equal((NodegroupStatus.Updating, 4, "payments"), (updating.Status, updating.ScalingConfig.DesiredSize, updating.Labels["team"]));
        Assert.Equal("InProgress", eks.DescribeUpdate(cluster, update.Id, addonName: null, nodegroupName: "ng-1").Status);
        var busy = Assert.Throws<AwsException>(() => eks.UpdateNodegroupConfig(cluster, "ng-1", new NodegroupConfigUpdate(DesiredSize: 3)));
        Assert.Equal(("ResourceInUseException", "Nodegroup cannot be updated as it is currently not in Active State"), (busy.Code, busy.Message));

        world.Settle();

        Assert.Equal(NodegroupStatus.Active, eks.DescribeNodegroup(cluster, "ng-1").Status);
        Assert.Equal("Successful", eks.DescribeUpdate(cluster, update.Id, addonName: null, nodegroupName: "ng-1").Status);
        var nodes = Nodes(world);
        Assert.Equal(4, nodes.Count);
        Assert.All(nodes, n => Assert.Equal("payments", n.Label("team")));
        Assert.All(nodes, n => Assert.Equal([("dedicated", (string?)"payments", "NoSchedule")], GroupTaints(n)));
        Assert.Equal("kubectl", Nodes(world).Single(n => n.Name == node.Name).Label("owner"));

        // Taken off again: the group's label and taint go, the label kubectl put on stays.
        var removal = eks.UpdateNodegroupConfig(cluster, "ng-1", new NodegroupConfigUpdate(RemoveLabels: ["team"], RemoveTaints: [new NodegroupTaint("dedicated", null, "NO_SCHEDULE")]));
        Assert.Equal([("LabelsToRemove", "[\"team\"]"), ("TaintsToRemove", "[{\"key\":\"dedicated\",\"value\":null,\"effect\":\"NO_SCHEDULE\"}]")], removal.Params.Select(p => (p.Type, p.Value)));
        world.Settle();
        Assert.All(Nodes(world), n => Assert.Null(n.Label("team")));
        Assert.All(Nodes(world), n => Assert.Empty(GroupTaints(n)));
        Assert.Equal("kubectl", Nodes(world).Single(n => n.Name == node.Name).Label("owner"));
    }

    [Fact]
    public void SizesThatDoNotFit_AndAnEmptyUpdate_AreRefusedInEksWords()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var eks = world.Cloud!.Eks;
        var cluster = world.Cluster!.Name;

        (string Code, string Message) Refusal(NodegroupConfigUpdate update)
        {
            var error = Assert.Throws<AwsException>(() => eks.UpdateNodegroupConfig(cluster, "ng-1", update));
            return (error.Code, error.Message);
        }

        Assert.Equal(("InvalidParameterException", "Minimum capacity 4 can't be greater than desired size 3"), Refusal(new NodegroupConfigUpdate(MinSize: 4)));
        Assert.Equal(("InvalidParameterException", "desiredSize can't be greater than maxSize"), Refusal(new NodegroupConfigUpdate(DesiredSize: 6)));
        Assert.Equal(("InvalidParameterException", "max-unavailable must be within the range 1 and max size of the node group"), Refusal(new NodegroupConfigUpdate(MaxUnavailable: 6)));
        Assert.Equal("InvalidParameterException", Refusal(new NodegroupConfigUpdate()).Code);

        // Nothing was changed by a refused update.
        var group = eks.DescribeNodegroup(cluster, "ng-1");
        Assert.Equal((NodegroupStatus.Active, 1, 3, 5, 1), (group.Status, group.ScalingConfig.MinSize, group.ScalingConfig.DesiredSize, group.ScalingConfig.MaxSize, group.UpdateConfig.MaxUnavailable));

        var update = eks.UpdateNodegroupConfig(cluster, "ng-1", new NodegroupConfigUpdate(MaxUnavailablePercentage: 50));
        Assert.Equal([("MaxUnavailablePercentage", "50")], update.Params.Select(p => (p.Type, p.Value)));
        Assert.Equal(new NodegroupUpdateConfig(null, 50), eks.DescribeNodegroup(cluster, "ng-1").UpdateConfig);
        Assert.Equal(update.CreatedAt + EksLifecycle.NodegroupConfigUpdating, eks.NextTransition);
    }
}
