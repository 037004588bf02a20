using System.Net;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Lint;

/// <summary>
/// kube-system-dns-isolated reads reach's DNS step by the hops' structure (<see cref="Hop.Kind"/>, <see cref="Hop.From"/>,
/// <see cref="Hop.To"/>) and <see cref="DnsResolution.Partial"/>, never by their words: hops whose words mean nothing
/// are judged the same, and the words of a NetworkPolicy step on a hop of another kind do not count.
/// </summary>
public class KubeSystemDnsIsolatedTests
{
    private static readonly Podnet.World.World World = ExampleWorlds.Load("hello-eks");

    private static PodView PodNamed(string ns, string prefix)
        => World.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p)).First(p => p.Name.StartsWith(prefix, StringComparison.Ordinal));

    private static Endpoint Of(PodView pod) => new("a", IPAddress.Parse(pod.PodIP!), pod.Object, World.ControlPlane.Store.Get("v1", "Node", null, pod.NodeName!));

    private static DnsResolution Query(DnsReply reply, params Hop[] hops) => new(reply, new ReachResult(reply == DnsReply.Answered, hops, null));

    [Fact]
    public void Blame_ReadsTheHopsStructure_NotTheirWords()
    {
        var web = PodNamed("shop", "web-");
        var coreDns = PodNamed("kube-system", "coredns-");
        var node = World.ControlPlane.Store.Get("v1", "Node", null, web.NodeName!);
        var nodeEndpoint = new Endpoint("b", IPAddress.Parse(new NodeView(node).InternalIP!), null, node);

        // The pod's own query refused at a kube-system pod.
        var own = new Hop("x", false, "y") { Kind = HopKind.NetworkPolicy, From = Of(web), To = Of(coreDns) };
        var (blame, denied) = KubeSystemDnsIsolated.Blame(Query(DnsReply.NoAnswer, new Hop("x", true, "y") { Kind = HopKind.NetworkPolicy, From = Of(web), To = Of(coreDns) }, own), web);
        Assert.Equal(DnsBlame.PodToCoreDns, blame);
        Assert.Same(own, denied);

        // The cache's query from its node refused.
        var cache = new Hop("x", false, "y") { Kind = HopKind.NetworkPolicy, From = nodeEndpoint, To = Of(coreDns) };
        (blame, denied) = KubeSystemDnsIsolated.Blame(Query(DnsReply.NoAnswer, cache), web);
        Assert.Equal(DnsBlame.Cache, blame);
        Assert.Same(cache, denied);

        // Answered, with a CoreDNS pod that refuses the cache by a NetworkPolicy: partly; by a security group: nothing for this check.
        var partly = Query(DnsReply.Answered, cache) with { Partial = new DnsPartialAnswer(2, [new DnsRefusal("kube-system/x", cache)], ByCache: true) };
        (blame, denied) = KubeSystemDnsIsolated.Blame(partly, web);
        Assert.Equal(DnsBlame.CachePartly, blame);
        Assert.Same(cache, denied);
        var byGroup = cache with { Kind = HopKind.SecurityGroups };
        Assert.Equal((DnsBlame.None, (Hop?)null), KubeSystemDnsIsolated.Blame(Query(DnsReply.Answered, byGroup) with { Partial = new DnsPartialAnswer(2, [new DnsRefusal("kube-system/x", byGroup)], ByCache: true) }, web));

        // The old words on hops of other kinds, or of another pod's flow, count for nothing.
        var words = new Hop("dns: node-local-dns-abc to coredns-def: networkpolicy", false, $"shop/{web.Name} -> kube-system/{coreDns.Name} UDP/53: denied");
        Assert.Equal((DnsBlame.None, (Hop?)null), KubeSystemDnsIsolated.Blame(Query(DnsReply.NoAnswer, words), web));
        Assert.Equal((DnsBlame.None, (Hop?)null), KubeSystemDnsIsolated.Blame(Query(DnsReply.Answered, words), web));
        Assert.Equal((DnsBlame.None, (Hop?)null), KubeSystemDnsIsolated.Blame(Query(DnsReply.NoAnswer, own with { To = Of(web) }), web));
        var otherPod = World.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).Last(p => p.Name.StartsWith("web-", StringComparison.Ordinal));
        Assert.NotEqual(web.Name, otherPod.Name);
        Assert.Equal((DnsBlame.None, (Hop?)null), KubeSystemDnsIsolated.Blame(Query(DnsReply.NoAnswer, own), otherPod));
    }
}
