using System.Text.Json.Nodes;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Tests.World;

public class DefaultWorldTests
{
    private static readonly Lazy<Podnet.World.World> Settled = new(() =>
    {
        var world = WorldLoader.LoadDefault();
        world.Settle();
        return world;
    });

    private static Podnet.World.World World => Settled.Value;

    private static IReadOnlyList<PodView> Pods(string ns)
        => [.. World.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))];

    [Fact]
    public void ThreeM5LargeNodes_AreReady()
    {
        var nodes = World.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n =>
        {
            Assert.True(n.IsReady);
            Assert.Matches(@"^ip-192-168-(6[4-9]|[7-9]\d|1[01]\d|12[0-7])-\d+\.us-west-2\.compute\.internal$", n.Name);
            Assert.Equal("m5.large", n.Object.Labels["node.kubernetes.io/instance-type"]);
            Assert.Equal(29, (int)n.Capacity["pods"]);
            Assert.DoesNotContain(n.Taints, t => t.Key == "node.kubernetes.io/not-ready");
        });
        Assert.Equal(["us-west-2a", "us-west-2a", "us-west-2b"], nodes.Select(n => n.Object.Labels["topology.kubernetes.io/zone"]).Order());
    }

    [Fact]
    public void EverySystemPod_IsRunning()
    {
        var pods = Pods("kube-system");
        Assert.Equal(3 + 3 + 2, pods.Count);
        Assert.All(pods, p => Assert.Equal("Running", p.Phase));
        Assert.Equal(3, pods.Count(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)));
        Assert.Equal(3, pods.Count(p => p.Name.StartsWith("kube-proxy-", StringComparison.Ordinal)));
        Assert.Equal(3, pods.Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)).Select(p => p.NodeName).Distinct().Count());
    }

    [Fact]
    public void HostNetworkPods_HaveTheirNodesAddress()
    {
        var nodes = World.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToDictionary(n => n.Name);
        Assert.All(Pods("kube-system").Where(p => p.HostNetwork), p => Assert.Equal(nodes[p.NodeName!].InternalIP, p.PodIP));
    }

    [Fact]
    public void CoreDns_RunsTwoPodsWithAddresses_BehindKubeDns()
    {
        var coredns = Pods("kube-system").Where(p => p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns").ToList();
        Assert.Equal(2, coredns.Count);
        Assert.All(coredns, p =>
        {
            Assert.Matches(@"^coredns-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$", p.Name);
            Assert.True(p.IsReady);
            Assert.NotNull(p.PodIP);
        });

        var service = World.ControlPlane.Store.Get("v1", "Service", "kube-system", "kube-dns");
        Assert.Equal("10.100.0.10", service.GetString("spec.clusterIP"));
        var endpoints = World.ControlPlane.Store.Get("v1", "Endpoints", "kube-system", "kube-dns");
        var addresses = ((JsonArray)endpoints["subsets"]![0]!["addresses"]!).Select(a => a!["ip"]!.GetValue<string>()).Order();
        Assert.Equal(coredns.Select(p => p.PodIP!).Order(), addresses);
    }

    [Fact]
    public void KubernetesService_HasTheFirstAddress()
        => Assert.Equal("10.100.0.1", World.ControlPlane.Store.Get("v1", "Service", "default", "kubernetes").GetString("spec.clusterIP"));

    [Fact]
    public void Settles()
        => Assert.True(World.Settle().Settled);
}
