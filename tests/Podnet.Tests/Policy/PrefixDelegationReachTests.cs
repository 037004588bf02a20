using System.Net;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// IPv4 prefix delegation (<c>ENABLE_PREFIX_DELEGATION=true</c>): ipamd gives pods addresses from /28 prefixes
/// assigned to the node's interfaces (<c>Ipv4Prefixes</c>), which no interface holds as a private address. Reach judges
/// such a pod by the interface whose prefix holds its address, as EC2 delivers to it.
/// </summary>
public class PrefixDelegationReachTests
{
    [Fact]
    public void PodWithAnAddressFromA28Prefix_IsJudgedByTheInterfaceThatHoldsThePrefix()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", text => ExampleWorlds.WithCniEnv(text, ("ENABLE_PREFIX_DELEGATION", "true")));
        var coredns = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).First(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal));
        var address = IPAddress.Parse(coredns.PodIP!);
        var holder = world.Cloud!.Ec2View.DescribeNetworkInterfaces().Single(e => e.Ipv4Prefixes.Any(p => CidrBlock.Parse(p.Ipv4Prefix).Contains(address)));
        Assert.DoesNotContain(holder.PrivateIpAddresses, a => a.PrivateIpAddress == coredns.PodIP);
        var replica = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).First();
        var reach = new Reachability(world);

        var result = reach.Evaluate($"my-namespace/{replica.Name}", coredns.PodIP!, "53/udp");

        Assert.Equal(holder.NetworkInterfaceId, reach.InterfaceHolding(address)?.NetworkInterfaceId);
        Assert.True(result.Allowed, string.Join("\n", result.Hops.Select(h => $"{h.Step}: {h.Detail}")));
        Assert.DoesNotContain(result.Hops, h => h.Detail.Contains("no network interface holds", StringComparison.Ordinal));
        Assert.Contains(result.Hops, h => h.Detail.Contains(holder.NetworkInterfaceId, StringComparison.Ordinal));
    }
}
