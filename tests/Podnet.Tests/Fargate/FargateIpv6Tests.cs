using System.Net;
using System.Net.Sockets;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Fargate;

/// <summary>
/// Fargate in a cluster of the IPv6 family (examples/ipv6-cluster without its node group, a Fargate profile for shop):
/// the node's InternalIP is its interface's IPv6 address (the AWS cloud provider's Fargate variant), the pod leaves
/// the VPC with it through the egress-only internet gateway, and the micro-VM's registration with the control plane is
/// judged over IPv4 (control plane and node traffic stays IPv4 in an IPv6 cluster).
/// </summary>
public class FargateIpv6Tests
{
    private const string WithoutNodeGroup = "apiVersion: aws.podnet.dev/v1alpha1\nkind: NodeGroup\nmetadata:\n  name: ng-1\nspec:\n  Cluster: podnet\n  InstanceTypes: [m5.large]\n  Subnets: [private-us-west-2a, private-us-west-2b]\n  DesiredSize: 2\n  MinSize: 1\n  MaxSize: 5\n---\n";

    private const string ShopOnFargate = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: FargateProfile
        metadata: {name: fp-shop}
        spec:
          Cluster: podnet
          Subnets: [private-us-west-2a, private-us-west-2b]
          Selectors: [{namespace: shop}]
        """;

    /// <summary>A pod group that lets out IPv6 alone (no 0.0.0.0/0), given to shop's web pods; the cluster group admits it.</summary>
    private const string Ipv6OnlyPodGroup = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroup
        metadata: {name: web-pods}
        spec:
          Vpc: podnet-vpc
          Description: web pods
          IpPermissions:
          - {IpProtocol: "-1", UserIdGroupPairs: [{GroupId: web-pods}]}
          IpPermissionsEgress:
          - {IpProtocol: "-1", Ipv6Ranges: [{CidrIpv6: "::/0"}]}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroupIngress
        metadata: {name: control-plane-from-pods}
        spec:
          ClusterSecurityGroup: podnet
          IpPermissions:
          - {IpProtocol: tcp, FromPort: 443, ToPort: 443, UserIdGroupPairs: [{GroupId: web-pods}]}
        ---
        apiVersion: vpcresources.k8s.aws/v1beta1
        kind: SecurityGroupPolicy
        metadata: {name: web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          securityGroups: {groupIds: [web-pods]}
        """;

    private static Podnet.World.World Load(params string[] extra)
        => ExampleWorlds.Load("ipv6-cluster", text => text.Replace(WithoutNodeGroup, string.Empty, StringComparison.Ordinal), [ShopOnFargate, .. extra]);

    private static List<PodView> Web(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    [Fact]
    public void Ipv6Cluster_FargateNode_InternalIpIsItsInterfacesIpv6Address_ItsNameTheIpv4DnsName()
    {
        var world = Load();
        var ec2 = world.Cloud!.Ec2Backend;

        foreach (var pod in Web(world))
        {
            Assert.Equal("Running", pod.Phase);
            var node = new NodeView(world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Node"), null, pod.NodeName!)!);
            var eni = Assert.Single(ec2.DescribeNetworkInterfaces(Podnet.Aws.Ec2.DescribeRequest.Where(new Podnet.Aws.Ec2.Filter("ipv6-address", pod.PodIP!))));

            Assert.Equal(AddressFamily.InterNetworkV6, IPAddress.Parse(node.InternalIP!).AddressFamily);
            Assert.Equal(eni.Ipv6Addresses[0].Ipv6Address, node.InternalIP);
            Assert.Equal(pod.PodIP, node.InternalIP);
            Assert.Equal(node.InternalIP, pod.Object.GetString("status.hostIP"));
            Assert.Equal($"fargate-ip-{eni.PrivateIpAddress.Replace('.', '-')}.us-west-2.compute.internal", node.Name);
        }
    }

    [Fact]
    public void Ipv6Cluster_FargatePod_LeavesTheVpcWithItsOwnIpv6Address_ThroughTheEgressOnlyGateway()
    {
        var world = Load();
        var pod = Web(world)[0];
        var eigw = Assert.Single(world.Cloud!.Ec2Backend.DescribeEgressOnlyInternetGateways()).EgressOnlyInternetGatewayId;

        var result = new Reachability(world).Evaluate($"shop/{pod.Name}", "2600:1f18::1", "443");

        Assert.True(result.Allowed, string.Join("\n", result.Hops));
        var route = Assert.Single(result.Hops, h => h.Step == "route");
        Assert.Contains($"::/0 → {eigw}", route.Detail, StringComparison.Ordinal);
        Assert.Contains($"out through the egress-only internet gateway with {pod.PodIP}'s own IPv6 address", route.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Cluster_FargatePodGroupLettingOutIpv6Only_CannotRegisterItsNode_TheControlPlaneIsReachedOverIpv4()
    {
        var world = Load(Ipv6OnlyPodGroup);

        Assert.All(Web(world), p => Assert.Equal(("Pending", null), (p.Phase, p.NodeName)));
        var findings = WorldLint.Run(world).Where(f => f.Check == "fargate-pod-cannot-reach-control-plane").ToList();
        Assert.Equal(Web(world).Select(p => $"shop/{p.Name}"), findings.Select(f => f.Object).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Contains("which do not let it reach the Kubernetes control plane on TCP/443", f.Message, StringComparison.Ordinal));
    }
}
