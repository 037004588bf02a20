using Podnet.Kube.Controllers;
using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Controllers;

/// <summary>The garbage collector as a controller of the control plane (pkg/controller/garbagecollector).</summary>
public class GarbageCollectorTests
{
    [Fact]
    public void DeleteDeployment_Background_DependentsGoWhenTheCollectorRuns()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.DeploymentJson("web", 2));
        cluster.Run();
        var deployment = cluster.Get("apps/v1", "Deployment", "web");
        Assert.Single(cluster.ReplicaSets());
        Assert.Equal(2, cluster.Pods().Count);

        Assert.Null(cluster.Store.Delete(deployment));

        // The API's delete only removes the owner; its ReplicaSet and pods wait for the collector, as on a real cluster.
        Assert.Single(cluster.ReplicaSets());
        cluster.Run();
        Assert.Empty(cluster.ReplicaSets());
        Assert.All(cluster.Pods(), p => Assert.True(p.IsTerminating));
        var collector = Assert.Single(cluster.Plane.Controllers.OfType<GarbageCollector>());
        Assert.Null(collector.NextDue);
    }

    [Fact]
    public void DeleteDeployment_Orphan_OwnerGoesOnceTheCollectorOrphanedItsReplicaSet()
    {
        var cluster = new TestCluster();
        cluster.Create(TestCluster.DeploymentJson("web", 1));
        cluster.Run();
        var deployment = cluster.Get("apps/v1", "Deployment", "web");
        var replicaSet = Assert.Single(cluster.ReplicaSets());

        var orphaning = cluster.Store.Delete(deployment, new DeleteOptions(PropagationPolicy.Orphan));

        Assert.Equal([ObjectStore.OrphanFinalizer], orphaning!.Finalizers);
        cluster.Run();
        Assert.Null(cluster.Store.TryGet(cluster.Store.Resources.For("apps/v1", "Deployment"), "default", "web"));
        var orphan = Assert.Single(cluster.ReplicaSets());
        Assert.Equal(replicaSet.Uid, orphan.Uid);
        Assert.Empty(orphan.OwnerReferences);
    }
}
