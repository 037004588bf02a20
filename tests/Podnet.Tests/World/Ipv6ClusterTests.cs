using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 point 13, IPv6: a Cluster of the IPv6 family is refused as ENABLE_IPv6=true is (Podnet's pods and nodes
/// are IPv4 only; since VPCs and subnets may have IPv6 blocks, the message says so rather than "no IPv6 CIDR blocks,
/// subnets"), and the refusal names first what EKS itself would not do there with the world's settings: security
/// groups for pods with EC2 nodes (seed 000) and custom networking (seed 003).
/// </summary>
public class Ipv6ClusterTests
{
    private static string Ipv6(string text) => text.Replace("  Version: \"1.31\"\n", "  Version: \"1.31\"\n  KubernetesNetworkConfig: {IpFamily: ipv6}\n", StringComparison.Ordinal);

    [Fact]
    public void Ipv6Cluster_SecurityGroupPolicy_RefusedForEc2Nodes()
    {
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load("security-groups-for-pods", Ipv6));
        Assert.Contains("spec.KubernetesNetworkConfig.IpFamily: Unsupported value: \"ipv6\": security groups for pods cannot be used in a cluster of the IPv6 family that has Amazon EC2 nodes, only in one with Fargate nodes alone (seed 000); and Podnet emulates IPv4 clusters only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Cluster_CustomNetworking_IsNotAvailable()
    {
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load("custom-networking", Ipv6));
        Assert.Contains("Unsupported value: \"ipv6\": custom networking is not available in a cluster of the IPv6 family (seed 003; ipamd: \"Custom Networking is not supported in IPv6 mode\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Cluster_Plain_IsRefusedAsEnableIpv6Is_AndIpv4Loads()
    {
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load("hello-eks", Ipv6));
        Assert.Contains("Unsupported value: \"ipv6\": Podnet emulates IPv4 clusters only (VPCs and subnets may have IPv6 blocks, but pods and nodes get no IPv6 addresses), as it refuses ENABLE_IPv6=true: use ipv4", error.Message, StringComparison.Ordinal);

        var world = ExampleWorlds.Load("hello-eks", text => text.Replace("  Version: \"1.31\"\n", "  Version: \"1.31\"\n  KubernetesNetworkConfig: {IpFamily: ipv4}\n", StringComparison.Ordinal));
        Assert.Equal("ipv4", world.Cluster!.KubernetesNetworkConfig.IpFamily);
    }
}
