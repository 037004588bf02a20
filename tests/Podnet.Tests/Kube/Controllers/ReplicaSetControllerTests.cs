using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Tests.Kube.Controllers;

public class ReplicaSetControllerTests
{
    private static TestCluster ClusterWithNode()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        return cluster;
    }

    /// <summary>A bare ReplicaSet <c>web</c> selecting <c>app=web</c>.</summary>
    private static JsonObject ReplicaSetJson(int replicas)
    {
        var json = TestCluster.DeploymentJson("web", replicas);
        json["kind"] = "ReplicaSet";
        return json;
    }

    [Fact]
    public void RelabeledPod_IsReleased_AndTheReplicaSetMakesAnother()
    {
        var cluster = ClusterWithNode();
        cluster.Create(TestCluster.DeploymentJson("web", 3));
        cluster.Settle();
        var rs = Assert.Single(cluster.ReplicaSets());
        var leaving = cluster.Pods("app=web")[0];

        cluster.Store.Update(leaving.WithLabel("app", "debug"));
        cluster.Settle();

        var released = cluster.Pod(leaving.Name);
        Assert.Empty(released.OwnerReferences);
        Assert.True(TestCluster.View(released).IsReady);
        var web = cluster.Pods("app=web");
        Assert.Equal(3, web.Count);
        Assert.DoesNotContain(leaving.Name, web.Select(p => p.Name));
        Assert.All(web, p => Assert.Equal(rs.Uid, Assert.Single(p.OwnerReferences).Uid));
        Assert.Equal(4, cluster.EventLines(rs).Count(l => l.StartsWith("SuccessfulCreate: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void MatchingOrphan_IsAdopted_InsteadOfCreatingAPod()
    {
        var cluster = ClusterWithNode();
        cluster.Create(TestCluster.PodJson("orphan", labels: new JsonObject { ["app"] = "web" }));
        cluster.Create(TestCluster.PodJson("other", labels: new JsonObject { ["app"] = "other" }));
        cluster.Settle();

        cluster.Create(ReplicaSetJson(2));
        cluster.Settle();

        var rs = Assert.Single(cluster.ReplicaSets());
        var owner = Assert.Single(cluster.Pod("orphan").OwnerReferences);
        Assert.Equal(OwnerReference.ControllerOf(rs), owner);
        Assert.Empty(cluster.Pod("other").OwnerReferences);
        Assert.Equal(2, cluster.Pods("app=web").Count);
        Assert.Single(cluster.EventLines(rs), l => l.StartsWith("SuccessfulCreate: ", StringComparison.Ordinal));
        Assert.Equal(2, rs["status.replicas"]!.GetValue<int>());
    }

    [Fact]
    public void OrphanLabeledToMatch_IsAdopted_AndTheSurplusPodDeleted()
    {
        var cluster = ClusterWithNode();
        cluster.Create(ReplicaSetJson(2));
        cluster.Create(TestCluster.PodJson("stray", labels: new JsonObject { ["app"] = "stray" }));
        cluster.Settle();
        var rs = Assert.Single(cluster.ReplicaSets());

        cluster.Store.Update(cluster.Pod("stray").WithLabel("app", "web"));
        cluster.Settle();

        var web = cluster.Pods("app=web");
        Assert.Equal(2, web.Count);
        Assert.All(web, p => Assert.Equal(OwnerReference.ControllerOf(rs), Assert.Single(p.OwnerReferences)));
        Assert.Single(cluster.EventLines(rs), l => l.StartsWith("SuccessfulDelete: ", StringComparison.Ordinal));
    }
}
