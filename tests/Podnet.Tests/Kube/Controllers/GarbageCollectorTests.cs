using System.Text.Json.Nodes;
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

    [Fact]
    public void CreatedWithAnOwnerThatNeverExisted_IsDeletedWhenTheCollectorRuns()
    {
        // attemptToDeleteItem verifies an owner it has not seen with a live GET; absent, its dependent goes.
        var cluster = new TestCluster();
        cluster.Create(ConfigMapJson("orphan", Owner("ReplicaSet", "gone", "00000000-0000-0000-0000-00000000dead")));
        Assert.NotNull(TryConfigMap(cluster, "orphan"));

        cluster.Run();

        Assert.Null(TryConfigMap(cluster, "orphan"));
    }

    [Fact]
    public void OneOwnerNeverExisted_TheOtherDoes_OnlyTheDanglingReferenceGoes()
    {
        var cluster = new TestCluster();
        var owner = cluster.Create(ConfigMapJson("owner"));
        cluster.Create(ConfigMapJson("dependent", Owner("ConfigMap", "owner", owner.Uid!), Owner("ReplicaSet", "gone", "00000000-0000-0000-0000-00000000dead")));

        cluster.Run();

        var dependent = TryConfigMap(cluster, "dependent");
        Assert.NotNull(dependent);
        Assert.Equal([owner.Uid], dependent.OwnerReferences.Select(r => r.Uid));
    }

    [Fact]
    public void UpdateAddsAnOwnerThatNeverExisted_IsDeletedWhenTheCollectorRuns()
    {
        var cluster = new TestCluster();
        var configMap = cluster.Create(ConfigMapJson("later"));
        cluster.Run();

        cluster.Store.Update(configMap.With(json => json["metadata"]!["ownerReferences"] = new JsonArray(Owner("ReplicaSet", "gone", "00000000-0000-0000-0000-00000000dead"))));
        cluster.Run();

        Assert.Null(TryConfigMap(cluster, "later"));
    }

    private static Podnet.Kube.Api.KubeObject? TryConfigMap(TestCluster cluster, string name)
        => cluster.Store.TryGet(cluster.Store.Resources.For("v1", "ConfigMap"), "default", name);

    private static JsonObject Owner(string kind, string name, string uid)
        => new() { ["apiVersion"] = kind == "ConfigMap" ? "v1" : "apps/v1", ["kind"] = kind, ["name"] = name, ["uid"] = uid };

    private static JsonObject ConfigMapJson(string name, params JsonObject[] owners)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = "default" };
        if (owners.Length > 0)
        {
            metadata["ownerReferences"] = new JsonArray([.. owners]);
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata, ["data"] = new JsonObject { ["k"] = "v" } };
    }
}
