using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Net;
using Podnet.ResourceController;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 point 13, security groups for pods in a cluster of the IPv6 family on EC2 nodes (examples/ipv6-cluster
/// with ENABLE_POD_ENI and a SecurityGroupPolicy for its web pods). Seed 000 says they cannot be used there; that is
/// the VPC CNI before 1.16.0, whose ipamd never asks for a trunk in IPv6 mode (v1.15.5 nodeInit: "we don't support
/// custom networking &amp; SGPP in IPv6 mode yet"). From 1.16.0 (amazon-vpc-cni-k8s#2639) ipamd asks, the resource
/// controller attaches a trunk and creates branches as for IPv4, each branch takes its IPv6 address from a subnet
/// that assigns one on creation, and the CNI gives the pod the branch's <c>ipv6Addr</c>.
/// </summary>
public class Ipv6SecurityGroupsForPodsTests
{
    private const string PodGroupId = "sg-0f6a3c2b1d4e5f607";

    /// <summary>A pod security group that lets its members in and all IPv6 out, and a policy giving it to shop's web pods.</summary>
    private const string WebPolicy = $"""
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroup
        metadata:
          name: web-pods
        spec:
          Vpc: podnet-vpc
          GroupId: {PodGroupId}
          Description: web pods
          IpPermissions:
          - IpProtocol: "-1"
            UserIdGroupPairs: [{"{"}GroupId: web-pods{"}"}]
          # CreateSecurityGroup's default egress rule is IPv4's 0.0.0.0/0 alone: IPv6 pods need ::/0 said too.
          IpPermissionsEgress:
          - IpProtocol: "-1"
            IpRanges: [{"{"}CidrIp: 0.0.0.0/0{"}"}]
            Ipv6Ranges: [{"{"}CidrIpv6: "::/0"{"}"}]
        ---
        apiVersion: vpcresources.k8s.aws/v1beta1
        kind: SecurityGroupPolicy
        metadata:
          name: web
          namespace: shop
        spec:
          podSelector:
            matchLabels:
              app: web
          securityGroups:
            groupIds: [{PodGroupId}]
        """;

    /// <summary>The ipv6-cluster example with ENABLE_POD_ENI (at <paramref name="addonVersion"/> when given), and its private subnets assigning IPv6 addresses on creation or not.</summary>
    private static Podnet.World.World Load(bool assignIpv6OnCreation, string? addonVersion = null)
        => ExampleWorlds.Load(
            "ipv6-cluster",
            text =>
            {
                text = text.Replace(
                    "kind: Addon\nmetadata:\n  name: vpc-cni\n",
                    "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n" + (addonVersion is null ? string.Empty : $"  AddonVersion: {addonVersion}\n") + "  ConfigurationValues: {env: {ENABLE_POD_ENI: \"true\"}}\n",
                    StringComparison.Ordinal);
                return assignIpv6OnCreation
                    ? text.Replace("  AvailabilityZone: us-west-2a\n  Tags:\n    kubernetes.io/role/internal-elb", "  AvailabilityZone: us-west-2a\n  AssignIpv6AddressOnCreation: true\n  Tags:\n    kubernetes.io/role/internal-elb", StringComparison.Ordinal)
                        .Replace("  AvailabilityZone: us-west-2b\n  Tags:\n    kubernetes.io/role/internal-elb", "  AvailabilityZone: us-west-2b\n  AssignIpv6AddressOnCreation: true\n  Tags:\n    kubernetes.io/role/internal-elb", StringComparison.Ordinal)
                    : text;
            },
            WebPolicy);

    private static List<PodView> WebPods(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    [Fact]
    public void Ipv6Cluster_SecurityGroupPolicy_Cni1192_PodsRunOnBranchInterfacesWithTheirIpv6Addresses()
    {
        var world = Load(assignIpv6OnCreation: true);
        var ec2 = world.Cloud!.Ec2Backend;
        Assert.Equal(new CniRelease(1, 19, 2, 1), AwsNode.DaemonSetSettings(world.ControlPlane.Store)!.Release);

        // Each node asked for a trunk (its CNINode's SecurityGroupsForPods feature) and has one.
        Assert.Equal(2, ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("interface-type", "trunk"))).Count);

        var pods = WebPods(world);
        Assert.Equal(3, pods.Count);
        foreach (var pod in pods)
        {
            Assert.Equal("Running", pod.Phase);
            var branch = Assert.Single(BranchEni.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"]));
            Assert.Equal(branch.Ipv6Addr, pod.PodIP);
            Assert.True(IPAddress.Parse(pod.PodIP!).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6, pod.PodIP);

            // The branch is the interface EC2 has with that address, in the node's subnet, with the policy's group.
            var eni = ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(branch.EniId))[0];
            Assert.Equal((NetworkInterfaceTypes.Branch, pod.PodIP), (eni.InterfaceType, Assert.Single(eni.Ipv6Addresses).Ipv6Address));
            Assert.Equal([PodGroupId], eni.Groups.Select(g => g.GroupId));
            var subnet = ec2.DescribeSubnets(DescribeRequest.ForIds(eni.SubnetId))[0];
            Assert.Equal(Assert.Single(subnet.Ipv6CidrBlockAssociationSet).Ipv6CidrBlock, branch.SubnetV6Cidr);
            Assert.True(CidrBlock.Parse(branch.SubnetV6Cidr).Contains(IPAddress.Parse(pod.PodIP!)));
        }

        // reach judges the pods by their branch interfaces and the pod group, which lets its members in.
        var (a, b) = (pods[0], pods.First(p => p.NodeName != pods[0].NodeName));
        var reach = new Podnet.Policy.Reachability(world);
        var result = reach.Evaluate($"shop/{a.Name}", b.PodIP!, "80");
        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        Assert.Equal(NetworkInterfaceTypes.Branch, reach.InterfaceHolding(IPAddress.Parse(b.PodIP!))!.InterfaceType);
        Assert.Contains(result.Hops, h => h.Detail.Contains("branch interface", StringComparison.Ordinal) && h.Detail.Contains(PodGroupId, StringComparison.Ordinal));

        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == Ipv6SecurityGroupPods.Id);
    }

    [Fact]
    public void Ipv6Cluster_SecurityGroupPolicy_Cni1155_NoTrunk_PodsPendingOnPodEni_LintGivesSeed000Advice()
    {
        var world = Load(assignIpv6OnCreation: true, addonVersion: "v1.15.5-eksbuild.1");
        var store = world.ControlPlane.Store;

        // ipamd 1.15 in IPv6 mode never asks for a trunk: no CNINode feature, no trunk, no pod-eni on the nodes.
        Assert.DoesNotContain(store.List("vpcresources.k8s.aws/v1alpha1", "CNINode").Items, c => c["spec.features"] is not null);
        Assert.Empty(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("interface-type", "trunk"))));
        Assert.All(store.List("v1", "Node").Items.Select(n => new NodeView(n)), n => Assert.True(n.IsReady, n.Name));

        foreach (var pod in WebPods(world))
        {
            Assert.Equal("Pending", pod.Phase);
            Assert.Null(pod.NodeName);
            var failed = world.ControlPlane.Events.About(pod.Object).Last(e => e.GetString("reason") == "FailedScheduling");
            Assert.StartsWith("0/2 nodes are available: 2 Insufficient vpc.amazonaws.com/pod-eni.", failed.GetString("message"), StringComparison.Ordinal);
        }

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == Ipv6SecurityGroupPods.Id);
        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Equal("Pod shop/" + WebPods(world)[0].Name + " (and 2 more with the same groups)", finding.Object);
        Assert.Equal($"is selected by a SecurityGroupPolicy ({PodGroupId}) in a cluster of the IPv6 family, on Amazon EC2 nodes whose VPC CNI 1.15.5-eksbuild.1 does not serve security groups for pods in IPv6 mode: ipamd never asks for a trunk interface, so no node has vpc.amazonaws.com/pod-eni and the pod stays Pending", finding.Message);
        Assert.Equal("use the VPC CNI 1.16.0 or later (aws eks update-addon --addon-name vpc-cni --addon-version …), or run these pods on Fargate (seed 000: security groups for pods can be used in a cluster of the IPv6 family with Fargate nodes alone)", finding.Fix);
    }

    [Fact]
    public void Ipv6Cluster_SecurityGroupPolicy_SubnetWithoutIpv6OnCreation_BranchHasNoIpv6Address_PodsContainerCreating()
    {
        var world = Load(assignIpv6OnCreation: false);

        foreach (var pod in WebPods(world))
        {
            // The controller did its part: a branch, with no IPv6 address (EC2 gave it none), which the CNI cannot use.
            var branch = Assert.Single(BranchEni.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"]));
            Assert.Equal(string.Empty, branch.Ipv6Addr);
            Assert.Null(pod.PodIP);
            Assert.Equal("ContainerCreating", pod.Object["status.containerStatuses"]![0]!["state"]!["waiting"]!["reason"]!.GetValue<string>());
            var failed = world.ControlPlane.Events.About(pod.Object).Last(e => e.GetString("reason") == "FailedCreatePodSandBox");
            Assert.EndsWith("\": plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container", failed.GetString("message"), StringComparison.Ordinal);
        }

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == Ipv6SecurityGroupPods.Id);
        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Matches(@"but its node's subnet \(subnet-[0-9a-f]{17}(, subnet-[0-9a-f]{17})?\) does not assign IPv6 addresses on creation: the pod's branch interface gets no IPv6 address", finding.Message);
        Assert.StartsWith("aws ec2 modify-subnet-attribute --subnet-id subnet-", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Cluster_FargateOnly_SecurityGroupPolicy_PodsGetIpv6AddressOnTheirInterface_WithThePolicysGroups()
    {
        // Seed 000: security groups for pods can be used in a cluster of the IPv6 family that has Fargate nodes alone.
        // The ipv6-cluster example without its node group, and a Fargate profile for shop; the pod group must let
        // the micro-VM reach the control plane (seed 000's Fargate note): the cluster group lets it in on TCP/443.
        var world = ExampleWorlds.Load(
            "ipv6-cluster",
            text => text.Replace("apiVersion: aws.podnet.dev/v1alpha1\nkind: NodeGroup\nmetadata:\n  name: ng-1\nspec:\n  Cluster: podnet\n  InstanceTypes: [m5.large]\n  Subnets: [private-us-west-2a, private-us-west-2b]\n  DesiredSize: 2\n  MinSize: 1\n  MaxSize: 5\n---\n", string.Empty, StringComparison.Ordinal),
            WebPolicy,
            """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroupIngress
            metadata: {name: control-plane-from-pods}
            spec:
              ClusterSecurityGroup: podnet
              IpPermissions:
              - {IpProtocol: tcp, FromPort: 443, ToPort: 443, UserIdGroupPairs: [{GroupId: web-pods}]}
            """,
            """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: FargateProfile
            metadata: {name: fp-shop}
            spec:
              Cluster: podnet
              Subnets: [private-us-west-2a, private-us-west-2b]
              Selectors: [{namespace: shop}]
            """);
        var ec2 = world.Cloud!.Ec2Backend;
        Assert.DoesNotContain(world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)), n => !n.IsFargate);

        var pods = WebPods(world);
        Assert.Equal(3, pods.Count);
        foreach (var pod in pods)
        {
            Assert.Equal("Running", pod.Phase);
            Assert.StartsWith("fargate-ip-", pod.NodeName, StringComparison.Ordinal);
            Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, IPAddress.Parse(pod.PodIP!).AddressFamily);

            // Its own interface in the profile's subnet holds the address, with the policy's groups.
            var eni = Assert.Single(ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("ipv6-address", pod.PodIP!))));
            var subnet = ec2.DescribeSubnets(DescribeRequest.ForIds(eni.SubnetId))[0];
            Assert.True(CidrBlock.Parse(Assert.Single(subnet.Ipv6CidrBlockAssociationSet).Ipv6CidrBlock).Contains(IPAddress.Parse(pod.PodIP!)));
            Assert.Equal([PodGroupId], eni.Groups.Select(g => g.GroupId));
            Assert.Equal(PodGroupId, pod.Object.Annotations["fargate.amazonaws.com/pod-sg"]);
        }

        // reach judges a Fargate pod by that interface: the pod group lets its members in, ::/0 out.
        var reach = new Podnet.Policy.Reachability(world);
        var result = reach.Evaluate($"shop/{pods[0].Name}", pods[1].PodIP!, "80");
        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        var target = reach.InterfaceHolding(IPAddress.Parse(pods[1].PodIP!))!;
        Assert.Contains(result.Hops, h => h.Step == "ingress" && h.Allowed && h.Detail.Contains(target.NetworkInterfaceId, StringComparison.Ordinal));
        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check is Ipv6SecurityGroupPods.Id or "fargate-pod-cannot-reach-control-plane");
    }
}
