using System.Net;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Tests.Kube.Patching;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 point 13, IPv6 clusters (examples/ipv6-cluster): EKS accepts <c>ipFamily: ipv6</c> for a dual-stack VPC
/// and gives Services a /108 of the unique local range; the VPC CNI runs with ENABLE_IPv6 and prefix delegation,
/// puts one /80 prefix on each node's primary interface, and pods get their addresses from it; nodes have an IPv6
/// InternalIP beside the IPv4 one. Custom networking is refused as ipamd refuses it (seed 003); security groups for
/// pods on EC2 nodes are in <see cref="Ipv6SecurityGroupsForPodsTests"/>.
/// </summary>
public class Ipv6ClusterTests
{
    private static string Ipv6(string text) => text.Replace("  Version: \"1.31\"\n", "  Version: \"1.31\"\n  KubernetesNetworkConfig: {IpFamily: ipv6}\n", StringComparison.Ordinal);

    private static List<PodView> Pods(Podnet.World.World world, string? ns = null)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))];

    private static List<NodeView> Nodes(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n))];

    [Fact]
    public void Ipv6Cluster_Example_ServiceRangeIsAUniqueLocalSlash108_KubeDnsIsItsTenth()
    {
        var world = ExampleWorlds.Load("ipv6-cluster");
        var config = world.Cluster!.KubernetesNetworkConfig;
        Assert.Equal(("ipv6", null), (config.IpFamily, config.ServiceIpv4Cidr));
        var range = CidrBlock.Parse(config.ServiceIpv6Cidr!);
        Assert.Equal(108, range.PrefixLength);
        Assert.True(CidrBlock.Parse("fd00::/8").Contains(range), range.ToString());

        var store = world.ControlPlane.Store;
        var dns = store.TryGet(store.Resources.For("v1", "Service"), "kube-system", "kube-dns")!;
        Assert.Equal(range.AddressAt(10).ToString(), dns.GetString("spec.clusterIP"));
        Assert.EndsWith("::a", dns.GetString("spec.clusterIP"), StringComparison.Ordinal);
        foreach (var service in store.List("v1", "Service").Items)
        {
            Assert.True(range.Contains(IPAddress.Parse(service.GetString("spec.clusterIP")!)), service.Name);
            JsonAssert.Equal("""["IPv6"]""", service["spec.ipFamilies"]);
            Assert.Equal("SingleStack", service.GetString("spec.ipFamilyPolicy"));
        }
    }

    [Fact]
    public void Ipv6Cluster_Example_PodsGetAddressesOfTheirNodesSlash80Prefix_NoSecondaryInterfaces()
    {
        var world = ExampleWorlds.Load("ipv6-cluster");
        var ec2 = world.Cloud!.Ec2Backend;
        var nodes = Nodes(world);
        Assert.Equal(2, nodes.Count);
        foreach (var node in nodes)
        {
            Assert.True(node.IsReady, node.Name);
            var enis = ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", node.InstanceId!)));
            var primary = Assert.Single(enis);
            var prefix = CidrBlock.Parse(Assert.Single(primary.Ipv6Prefixes).Ipv6Prefix);
            Assert.Equal(80, prefix.PrefixLength);

            // The node's first InternalIP is the instance's IPv6 address, the IPv4 one follows (kubectl get nodes -o wide shows the first).
            var addresses = node.Object.Peek("status.addresses")!.AsArray().Where(a => a!["type"]!.GetValue<string>() == "InternalIP").Select(a => a!["address"]!.GetValue<string>()).ToList();
            Assert.Equal([Assert.Single(primary.Ipv6Addresses).Ipv6Address, primary.PrivateIpAddress], addresses);
            Assert.Equal(addresses[0], node.InternalIP);

            var pods = Pods(world).Where(p => p.NodeName == node.Name && !p.HostNetwork).ToList();
            Assert.NotEmpty(pods);
            Assert.All(pods, p => Assert.True(prefix.Contains(IPAddress.Parse(p.PodIP!)), $"{p.Name} {p.PodIP} not in {prefix}"));
            Assert.All(pods, p => Assert.Equal(p.PodIP, p.Object.Peek("status.podIPs")![0]!["ip"]!.GetValue<string>()));

            // Host-network pods (aws-node, kube-proxy) have the node's IPv6 address, as the kubelet's --node-ip is it.
            Assert.All(Pods(world).Where(p => p.NodeName == node.Name && p.HostNetwork), p => Assert.Equal(addresses[0], p.PodIP));
        }

        // One prefix holds every pod's address: ipamd keeps no warm pool and never grows it.
        var ipamd = world.AwsNode!.IpamdOf(nodes[0].Name)!;
        Assert.Equal((1, 281474976710656L), (ipamd.Stats.TotalPrefixes, ipamd.Stats.TotalIPs));
        Assert.Contains(ipamd.Log, l => l.StartsWith("Found IPv6 ENI eni-", StringComparison.Ordinal) && l.EndsWith(" having 1 secondary IPs and 0 Prefixes and isTrunk: false", StringComparison.Ordinal));
    }

    [Fact]
    public void Ipv6Cluster_Example_AwsNodeRunsWithIpv6AndPrefixDelegation_MaxPodsAsEksComputes()
    {
        var world = ExampleWorlds.Load("ipv6-cluster");
        var store = world.ControlPlane.Store;
        var daemonSet = store.TryGet(store.Resources.For("apps/v1", "DaemonSet"), "kube-system", AwsNode.Component)!;
        var container = daemonSet["spec.template.spec.containers"]!.AsArray().OfType<JsonObject>().First(c => c["name"]!.GetValue<string>() == AwsNode.Component);
        var settings = CniSettings.FromContainer(container);
        Assert.Equal((true, false, true), (settings.EnableIPv6, settings.EnableIPv4, settings.PrefixDelegation));

        // EKS's managed node groups with prefix delegation: max-pods-calculator.sh --cni-prefix-delegation-enabled,
        // capped at 110 for m5.large's 2 vCPUs (shared/reference/vpc-cni.md's table).
        Assert.All(Nodes(world), n => Assert.Equal("110", n.Object.GetString("status.capacity.pods")));
    }

    [Fact]
    public void Ipv6Cluster_Ipv4OnlySubnets_IsInvalidParameterException()
    {
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load("hello-eks", Ipv6));
        Assert.Contains("InvalidParameterException", error.Message, StringComparison.Ordinal);
        Assert.Contains("has no IPv6 CIDR block: for ipFamily ipv6 the VPC and subnets that you specify must have both IPv4 and IPv6 CIDR blocks assigned to them", error.Message, StringComparison.Ordinal);

        var world = ExampleWorlds.Load("hello-eks", text => text.Replace("  Version: \"1.31\"\n", "  Version: \"1.31\"\n  KubernetesNetworkConfig: {IpFamily: ipv4}\n", StringComparison.Ordinal));
        Assert.Equal(("ipv4", "10.100.0.0/16", null), (world.Cluster!.KubernetesNetworkConfig.IpFamily, world.Cluster.KubernetesNetworkConfig.ServiceIpv4Cidr, world.Cluster.KubernetesNetworkConfig.ServiceIpv6Cidr));
    }

    [Fact]
    public void Ipv6Cluster_CustomNetworking_IpamdFailsAsIsConfigValidDoes_PodsGetNoAddress()
    {
        // Seed 003: "If your cluster uses the IPv6 family, you can't use custom networking". ipamd's isConfigValid
        // logs its one text for it and exits: aws-node never becomes ready, nor does the node.
        var world = ExampleWorlds.Load("ipv6-cluster", text => text.Replace(
            "kind: Addon\nmetadata:\n  name: vpc-cni\n",
            "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues: {env: {AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: \"true\"}}\n",
            StringComparison.Ordinal));
        Assert.All(Nodes(world), n =>
        {
            Assert.False(n.IsReady, n.Name);
            Assert.Equal(CniSettings.Ipv6ModeError, world.AwsNode!.IpamdOf(n.Name)!.InitError);
        });
        Assert.All(Pods(world, "shop"), p => Assert.Null(p.PodIP));

        // lint says why before anyone reads ipamd's log, with seed 003's advice.
        var finding = Assert.Single(Podnet.Lint.WorldLint.Run(world), f => f.Check == Podnet.Lint.CniConfigInvalid.Id);
        Assert.Equal((Podnet.Lint.LintSeverity.Error, "DaemonSet kube-system/aws-node"), (finding.Severity, finding.Object));
        Assert.Equal($"ipamd refuses these settings and exits (\"{CniSettings.Ipv6ModeError}\"): aws-node never becomes ready, its nodes stay NotReady and no pod gets an address", finding.Message);
        Assert.StartsWith("remove AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG (and the ENIConfigs): custom networking cannot be used in a cluster of the IPv6 family (seed 003)", finding.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(Podnet.Lint.WorldLint.Run(ExampleWorlds.Load("ipv6-cluster")), f => f.Check == Podnet.Lint.CniConfigInvalid.Id);
    }

    [Fact]
    public void Ipv6Cluster_Reach_PodToPodAcrossNodes_JudgedByThePrimaryInterfacesHoldingThePrefixes()
    {
        var world = ExampleWorlds.Load("ipv6-cluster");
        var web = Pods(world, "shop").OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var (a, b) = (web.First(), web.First(p => p.NodeName != web[0].NodeName));
        var reach = new Podnet.Policy.Reachability(world);
        var result = reach.Evaluate($"shop/{a.Name}", b.PodIP!, "80");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        var primaryA = reach.InterfaceHolding(IPAddress.Parse(a.PodIP!))!;
        var primaryB = reach.InterfaceHolding(IPAddress.Parse(b.PodIP!))!;
        Assert.Equal((0, 0), (primaryA.Attachment!.DeviceIndex, primaryB.Attachment!.DeviceIndex));
        Assert.Contains(result.Hops, h => h.Detail.Contains($"its primary interface {primaryA.NetworkInterfaceId}", StringComparison.Ordinal));
        Assert.Contains(result.Hops, h => h.Detail.Contains($"its primary interface {primaryB.NetworkInterfaceId}", StringComparison.Ordinal));

        // The cluster security group lets IPv6 out as EKS gives it to an IPv6 cluster (0.0.0.0/0 and ::/0).
        var group = world.Cloud!.Ec2Backend.DescribeSecurityGroups(new DescribeRequest([world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId]))[0];
        Assert.Contains(group.IpPermissionsEgress, p => p.IpProtocol == "-1" && (p.Ipv6Ranges ?? []).Any(r => r.CidrIpv6 == "::/0"));
    }

    [Fact]
    public void Ipv6Cluster_SecurityGroupsForPodsOnIpv4OnlySubnets_IsTheSubnetsInvalidParameterException()
    {
        // Fidelity fix: the world loader no longer refuses ENABLE_POD_ENI with EC2 nodes in an IPv6 cluster (EKS
        // accepts it; the CNI release decides, Ipv6SecurityGroupsForPodsTests). What stops this world is EKS's own
        // check of its IPv4-only subnets.
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load("security-groups-for-pods", Ipv6));
        Assert.Contains("has no IPv6 CIDR block: for ipFamily ipv6 the VPC and subnets that you specify must have both IPv4 and IPv6 CIDR blocks assigned to them", error.Message, StringComparison.Ordinal);
    }
}
