using System.Text.Json.Nodes;

namespace Podnet.Tests.Kube.Controllers;

public class ServiceAccountControllerTests
{
    [Fact]
    public void ServiceAccounts_Bootstrap_EveryNamespaceHasDefault()
    {
        var cluster = new TestCluster();

        var accounts = cluster.Store.List("v1", "ServiceAccount").Items.Select(a => $"{a.Namespace}/{a.Name}").Order(StringComparer.Ordinal);
        Assert.Equal(["default/default", "kube-node-lease/default", "kube-public/default", "kube-system/default"], accounts);
    }

    [Fact]
    public void ServiceAccounts_NewNamespace_GetsDefault()
    {
        var cluster = new TestCluster();
        cluster.Create(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "shop" } });
        cluster.Run();

        var account = cluster.Get("v1", "ServiceAccount", "default", "shop");
        Assert.Equal("shop", account.Namespace);

        // A pod in the namespace is admitted with that account.
        var pod = cluster.Create(TestCluster.PodJson("web", ns: "shop"));
        Assert.Equal("default", pod.GetString("spec.serviceAccountName"));
    }

    [Fact]
    public void ServiceAccounts_DefaultDeleted_IsRecreated()
    {
        var cluster = new TestCluster();
        var before = cluster.Get("v1", "ServiceAccount", "default");
        cluster.Store.Delete(before);
        cluster.Run();

        var after = cluster.Get("v1", "ServiceAccount", "default");
        Assert.NotEqual(before.Uid, after.Uid);
    }
}
