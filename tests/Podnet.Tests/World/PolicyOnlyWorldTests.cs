using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

public class PolicyOnlyWorldTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: y
          labels: {team: n}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: y, labels: {app: web}}
        spec:
          containers:
          - name: main
            ports: [{containerPort: 80, name: http}]
        status:
          podIP: 10.0.0.5
          podIPs: [{ip: 10.0.0.5}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: y}
        spec:
          containers: [{name: main}]
        """;

    [Fact]
    public void PodsKeepTheirAddresses_AndNothingIsScheduled()
    {
        var world = WorldLoader.Load([new WorldSource("policy.yaml", Manifests)]);
        world.Settle();

        Assert.True(world.IsPolicyOnly);
        Assert.Empty(world.ControlPlane.Store.List("v1", "Node").Items);
        var a = PodView.Of(world.ControlPlane.Store.Get("v1", "Pod", "y", "a"));
        Assert.Equal(("Running", "10.0.0.5"), (a.Phase, a.PodIP));
        var b = PodView.Of(world.ControlPlane.Store.Get("v1", "Pod", "y", "b"));
        Assert.Equal("Pending", b.Phase);
        Assert.Null(b.Condition("PodScheduled"));
        Assert.Empty(world.ControlPlane.Events.About(b.Object));
    }

    [Fact]
    public void Yaml11Booleans_AreNamesAndLabelsInWorlds()
    {
        var world = WorldLoader.Load([new WorldSource("policy.yaml", Manifests)]);
        Assert.Equal("n", world.ControlPlane.Store.Get("v1", "Namespace", null, "y").Labels["team"]);
    }

    [Fact]
    public void EveryNetworkPolicyCase_Loads()
    {
        var cases = NetpolCorpus.Root;
        Assert.True(Directory.Exists(cases), $"the NetworkPolicy cases are expected at {cases} (../shared next to the repository); they were not found");
        var loaded = 0;
        foreach (var manifest in Directory.GetDirectories(cases).Select(d => Path.Combine(d, "manifests.yaml")).Where(File.Exists))
        {
            var world = WorldLoader.Load([new WorldSource(manifest, File.ReadAllText(manifest))]);
            Assert.NotEmpty(world.ControlPlane.Store.List("v1", "Pod").Items);
            loaded++;
        }

        Assert.Equal(44, loaded);
    }
}
