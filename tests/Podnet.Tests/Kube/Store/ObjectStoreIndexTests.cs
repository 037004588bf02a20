using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.World;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Store;

public class ObjectStoreIndexTests
{
    private readonly StoreHarness _h = new(namespaces: ["a", "b"]);

    [Fact]
    public void NodeNameIndex_FollowsBindingAndDeletion()
    {
        _h.CreatePod("x", "b", nodeName: "node-1");
        _h.CreatePod("y", "a", nodeName: "node-1");
        var z = _h.CreatePod("z", "a", nodeName: "node-2");
        _h.CreatePod("w", "a");

        Assert.Equal(["a/y", "b/x"], Names(_h.Store.ListByIndex(_h.Pods, ObjectStore.NodeNameIndex, "node-1")));
        Assert.Equal(["a/z"], Names(_h.Store.ListByIndex(_h.Pods, ObjectStore.NodeNameIndex, "node-2")));

        _h.Store.Delete(z, DeleteOptions.Now);
        Assert.Empty(_h.Store.ListByIndex(_h.Pods, ObjectStore.NodeNameIndex, "node-2"));
        Assert.Empty(_h.Store.ListByIndex(_h.Pods, ObjectStore.NodeNameIndex, "nowhere"));
    }

    [Fact]
    public void AddIndex_IndexesWhatIsStoredAndEveryLaterWrite()
    {
        _h.CreatePod("p1", "a", labels: new Dictionary<string, string> { ["app"] = "web" });
        _h.Store.AddIndex(_h.Pods, "app", p => p.Labels.TryGetValue("app", out var app) ? [app] : []);
        var p2 = _h.CreatePod("p2", "b", labels: new Dictionary<string, string> { ["app"] = "web" });

        Assert.Equal(["a/p1", "b/p2"], Names(_h.Store.ListByIndex(_h.Pods, "app", "web")));

        _h.Store.Update(p2.WithLabel("app", "db"));
        Assert.Equal(["a/p1"], Names(_h.Store.ListByIndex(_h.Pods, "app", "web")));
        Assert.Equal(["b/p2"], Names(_h.Store.ListByIndex(_h.Pods, "app", "db")));
    }

    [Fact]
    public void Update_OfAStoredKey_KeepsListOrderNamespaceListsAndIndexes()
    {
        // A write to a key already stored replaces the object in place (no tree is walked): lists, namespace lists and
        // index lookups must all see the new version, in the same order.
        _h.CreatePod("b", "a", nodeName: "node-1");
        var c = _h.CreatePod("c", "a", nodeName: "node-1");
        _h.CreatePod("a", "b", nodeName: "node-2");

        var moved = _h.Store.Update(c.WithLabel("v", "2").With(json => json["spec"]!["nodeName"] = "node-2"));

        Assert.Equal(["a/b", "a/c", "b/a"], Names(_h.Store.List(_h.Pods).Items));
        Assert.Equal("2", _h.Store.List(_h.Pods, "a").Items[1].Labels["v"]);
        Assert.Equal(["a/b"], Names(_h.Store.ListByIndex(_h.Pods, ObjectStore.NodeNameIndex, "node-1")));
        Assert.Equal(["a/c", "b/a"], Names(_h.Store.ListByIndex(_h.Pods, ObjectStore.NodeNameIndex, "node-2")));
        Assert.Equal(moved.ResourceVersion, _h.Store.ListByIndex(_h.Pods, ObjectStore.NodeNameIndex, "node-2")[0].ResourceVersion);
    }

    [Fact]
    public void ListByIndex_UnknownIndex_IsABug()
        => Assert.Throws<InvalidOperationException>(() => _h.Store.ListByIndex(_h.ConfigMaps, "nope", "x"));

    [Fact]
    public void ListOwnedBy_FindsDependentsOfOneKind_AndForgetsOrphans()
    {
        var deployment = _h.Store.Create(Deployment("d", "a"));
        var rs = _h.Store.Create(ReplicaSet("d-1", deployment));
        _h.Store.Create(ConfigMap("c", "a", deployment));

        Assert.Equal(["a/d-1"], Names(_h.Store.ListOwnedBy(_h.ReplicaSets, deployment.Uid!)));
        Assert.Equal(["a/c"], Names(_h.Store.ListOwnedBy(_h.ConfigMaps, deployment.Uid!)));

        _h.Store.Delete(deployment, new DeleteOptions(PropagationPolicy.Orphan));
        Assert.Empty(_h.Store.ListOwnedBy(_h.ReplicaSets, deployment.Uid!));
        Assert.NotNull(_h.Store.TryGet(_h.ReplicaSets, "a", rs.Name));
    }

    [Fact]
    public void ListInNamespace_ReadsOnlyThatNamespace_InNameOrder()
    {
        _h.CreatePod("b2", "b");
        _h.CreatePod("a2", "a");
        _h.CreatePod("a1", "a");

        Assert.Equal(["a/a1", "a/a2"], Names(_h.Store.List(_h.Pods, "a").Items));
        Assert.Equal(["a/a1", "a/a2", "b/b2"], Names(_h.Store.List(_h.Pods).Items));
    }

    [Fact]
    public void NamespaceDeletion_FinishesWhenTheIndexSaysItIsEmpty()
    {
        _h.CreatePod("p", "a", finalizers: "example.com/hold");
        _h.Store.Delete(_h.Namespaces, null, "a");
        Assert.True(_h.Store.Get(_h.Namespaces, null, "a").IsTerminating);

        var held = _h.Store.Get(_h.Pods, "a", "p");
        _h.Store.Update(held.With(j => ((System.Text.Json.Nodes.JsonObject)j["metadata"]!).Remove("finalizers")));

        Assert.Null(_h.Store.TryGet(_h.Namespaces, null, "a"));
    }

    /// <summary>
    /// The guard of the cluster-scale issue: settling twice the pods on twice the nodes lists no whole kind of pods
    /// more often, and nodes no more than in proportion to the nodes (a controller that lists a kind per object would
    /// double or quadruple these).
    /// </summary>
    [Fact]
    public void Settling_ListsNoWholeKindPerPod()
    {
        IReadOnlyDictionary<string, long> Lists(int replicas)
        {
            var nodes = replicas / 20;
            var defaultWorld = WorldLoader.DefaultSource();
            var app = $$"""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  replicas: {{replicas}}
                  selector: {matchLabels: {app: web} }
                  template:
                    metadata: {labels: {app: web} }
                    spec:
                      containers: [{name: web, image: nginx, resources: {requests: {cpu: 10m} } }]
                """;
            var world = WorldLoader.Load(
            [
                defaultWorld with { Text = defaultWorld.Text.Replace("DesiredSize: 3", $"DesiredSize: {nodes}", StringComparison.Ordinal).Replace("MaxSize: 5", $"MaxSize: {nodes}", StringComparison.Ordinal) },
                new WorldSource("app.yaml", app),
            ]);
            Assert.Equal(replicas, world.ControlPlane.Store.List("v1", "Pod", "default").Items.Count(p => p.GetString("status.phase") == "Running"));
            return world.ControlPlane.Store.WholeKindLists;
        }

        var small = Lists(100);
        var large = Lists(200);

        Assert.NotEmpty(large);
        Assert.True(large.GetValueOrDefault("Pod") <= small.GetValueOrDefault("Pod"), $"whole-kind pod lists grew with the pods: {small.GetValueOrDefault("Pod")} → {large.GetValueOrDefault("Pod")}");
        Assert.True(large.GetValueOrDefault("Node") <= (2.5 * small.GetValueOrDefault("Node")) + 5, $"whole-kind node lists grew faster than the nodes: {small.GetValueOrDefault("Node")} → {large.GetValueOrDefault("Node")}");
        Assert.True(large.GetValueOrDefault("Event") == 0, "events are read through the involvedObject index");
    }

    private static List<string> Names(IEnumerable<KubeObject> objects) => [.. objects.Select(o => $"{o.Namespace}/{o.Name}")];
}
