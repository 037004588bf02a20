using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>Which interface and groups speak for each kind of endpoint, on the custom-networking example.</summary>
public class EndpointKindsTests
{
    private const string PodNetworkGroup = "sg-0c1d2e3f4a5b6c7d8 (pod-network)";

    private static readonly Podnet.World.World World = ExampleWorlds.Load("custom-networking");

    private static PodView Pod(string prefix, string? notOnNode = null)
        => World.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p))
            .Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal) && p.NodeName != notOnNode).OrderBy(p => p.Name, StringComparer.Ordinal).First();

    private static ReachResult Reach(string from, string to, string port) => new Reachability(World).Evaluate(from, to, port);

    private static Hop Step(ReachResult result, string step) => Assert.Single(result.Hops, h => h.Step == step);

    [Fact]
    public void RegularPod_WithCustomNetworking_SpeaksWithTheEniConfigsGroups()
    {
        var coredns = World.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p))
            .Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var result = Reach($"kube-system/{coredns[0].Name}", $"kube-system/{coredns[1].Name}", "53/udp");

        Assert.True(result.Allowed);
        Assert.Contains("via its interface eni-", Step(result, "egress").Detail, StringComparison.Ordinal);
        Assert.Contains($"{PodNetworkGroup} egress all traffic", Step(result, "egress").Detail, StringComparison.Ordinal);
        Assert.Contains($"{PodNetworkGroup} ingress all traffic from 192.168.1.0/24", Step(result, "ingress").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void HostNetworkPod_SpeaksWithTheNodesPrimaryInterface()
    {
        // On another node: same-node traffic crosses no interface.
        var coredns = Pod("coredns-");
        var aws = Pod("aws-node-", notOnNode: coredns.NodeName);
        var result = Reach($"kube-system/{aws.Name}", $"kube-system/{coredns.Name}", "53/udp");

        Assert.True(result.Allowed);
        Assert.Contains("via the node's primary interface eni-", Step(result, "egress").Detail, StringComparison.Ordinal);
        Assert.Contains("(eks-cluster-sg-my-custom-networking-cluster-", Step(result, "egress").Detail, StringComparison.Ordinal);
        Assert.Contains($"{PodNetworkGroup} ingress all traffic from 192.168.0.0/24", Step(result, "ingress").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_SpeaksWithItsPrimaryInterface()
    {
        var coredns = Pod("coredns-");
        var node = Pod("aws-node-", notOnNode: coredns.NodeName).NodeName;
        var result = Reach($"node/{node}", coredns.PodIP!, "8080");

        Assert.True(result.Allowed);
        Assert.StartsWith($"node/{node} via the node's primary interface eni-", Step(result, "egress").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AddressOutsideTheVpc_HasNoGroups_AndMustBeAdmittedByCidr()
    {
        var result = Reach("1.1.1.1", $"kube-system/{Pod("coredns-").Name}", "53/udp");

        Assert.False(result.Allowed);
        Assert.EndsWith("no security groups apply (not a VPC interface)", Step(result, "egress").Detail, StringComparison.Ordinal);
        Assert.Contains($"no ingress rule of {PodNetworkGroup} allows UDP/53 from 1.1.1.1", Step(result, "ingress").Detail, StringComparison.Ordinal);
    }
}
