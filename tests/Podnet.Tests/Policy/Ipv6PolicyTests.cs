using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11 point 13, IPv6 clusters: NetworkPolicy <c>ipBlock</c>s with IPv6 CIDRs (and <c>except</c>) and
/// security-group rules with <c>Ipv6Ranges</c>, decided between IPv6 pods by <c>reach</c> and <c>matrix</c>
/// (examples/ipv6-cluster: one node in private-us-west-2a, 2600:1f14:a11:5e02::/64, one in private-us-west-2b,
/// 2600:1f14:a11:5e03::/64; each node's pods take addresses of a /80 of its subnet's /64).
/// </summary>
public class Ipv6PolicyTests
{
    private const string SubnetA = "2600:1f14:a11:5e02::/64";
    private const string SubnetB = "2600:1f14:a11:5e03::/64";

    /// <summary>Four client pods in namespace tools, spread over the two nodes.</summary>
    private const string Clients = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: tools}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: client, namespace: tools}
        spec:
          replicas: 4
          selector: {matchLabels: {app: client}}
          template:
            metadata: {labels: {app: client}}
            spec:
              containers:
              - name: curl
                image: public.ecr.aws/docker/library/busybox:1.36
        """;

    /// <summary>web admits the VPC's IPv6 /56 on TCP/80, except the 2a subnet's /64.</summary>
    private const string WebFromVpcExceptSubnetA = $$$"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-from-vpc, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
          ingress:
          - from:
            - ipBlock: {cidr: "2600:1f14:a11:5e00::/56", except: ["{{{SubnetA}}}"]}
            ports: [{protocol: TCP, port: 80}]
        """;

    private static string WithNetworkPolicy(string text)
        => text.Replace("kind: Addon\nmetadata:\n  name: vpc-cni\n", "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues: {enableNetworkPolicy: \"true\"}\n", StringComparison.Ordinal);

    private static List<PodView> Pods(Podnet.World.World world, string ns)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p)).Where(p => p.PodIP is not null).OrderBy(p => p.Name, StringComparer.Ordinal)];

    private static bool In(string cidr, PodView pod) => CidrBlock.Parse(cidr).Contains(IPAddress.Parse(pod.PodIP!));

    [Fact]
    public void Ipv6Cluster_NetworkPolicyIpBlockWithExcept_ReachAndMatrixDecideByTheSendersIpv6Address()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", WithNetworkPolicy, Clients, WebFromVpcExceptSubnetA);
        var clients = Pods(world, "tools");
        var web = Pods(world, "shop")[0];
        var (fromA, fromB) = (clients.First(c => In(SubnetA, c)), clients.First(c => In(SubnetB, c)));

        var reach = new Reachability(world);
        var denied = reach.Evaluate($"tools/{fromA.Name}", $"shop/{web.Name}", "80");
        Assert.False(denied.Allowed, string.Join("\n", denied.Hops));
        Assert.Contains(denied.Hops, h => !h.Allowed && h.Detail.Contains("web-from-vpc", StringComparison.Ordinal));
        var allowed = reach.Evaluate($"tools/{fromB.Name}", $"shop/{web.Name}", "80");
        Assert.True(allowed.Allowed, string.Join("\n", allowed.Hops));

        // The ipBlock admits only TCP/80; another port of a sender it covers is denied too.
        Assert.False(reach.Evaluate($"tools/{fromB.Name}", $"shop/{web.Name}", "8080").Allowed);

        // matrix agrees, pair by pair, for every client and every web pod.
        var matrix = ConnectivityMatrix.Compute(world);
        foreach (var client in clients)
        {
            foreach (var target in Pods(world, "shop"))
            {
                var (from, to) = (matrix.Pods.ToList().IndexOf($"tools/{client.Name}"), matrix.Pods.ToList().IndexOf($"shop/{target.Name}"));
                Assert.Equal(!In(SubnetA, client), matrix.Allowed(from, to));
            }
        }
    }

    [Fact]
    public void Ipv6Cluster_SecurityGroupIpv6Ranges_IngressAndEgress_DecidedForIpv6Pods()
    {
        // web's pods get a group by a SecurityGroupPolicy (VPC CNI 1.19, subnets assigning IPv6 on creation) that
        // admits TCP/80 from the 2b subnet's /64 alone and lets out only to the 2a subnet's; the cluster group admits
        // web's group, so the client's side never decides.
        const string groups = $$$"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroup
            metadata: {name: web-pods}
            spec:
              Vpc: podnet-vpc
              Description: web pods
              IpPermissions:
              - {IpProtocol: tcp, FromPort: 80, ToPort: 80, Ipv6Ranges: [{CidrIpv6: "{{{SubnetB}}}"}]}
              IpPermissionsEgress:
              - {IpProtocol: "-1", Ipv6Ranges: [{CidrIpv6: "{{{SubnetA}}}"}]}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroupIngress
            metadata: {name: cluster-from-web}
            spec:
              ClusterSecurityGroup: podnet
              IpPermissions:
              - {IpProtocol: "-1", UserIdGroupPairs: [{GroupId: web-pods}]}
            ---
            apiVersion: vpcresources.k8s.aws/v1beta1
            kind: SecurityGroupPolicy
            metadata: {name: web, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: web}}
              securityGroups: {groupIds: [web-pods]}
            """;
        var world = ExampleWorlds.Load(
            "ipv6-cluster",
            text => text
                .Replace("kind: Addon\nmetadata:\n  name: vpc-cni\n", "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues: {env: {ENABLE_POD_ENI: \"true\"}}\n", StringComparison.Ordinal)
                .Replace("  Tags:\n    kubernetes.io/role/internal-elb", "  AssignIpv6AddressOnCreation: true\n  Tags:\n    kubernetes.io/role/internal-elb", StringComparison.Ordinal),
            Clients,
            groups);
        var clients = Pods(world, "tools");
        var web = Pods(world, "shop")[0];
        var (inA, inB) = (clients.First(c => In(SubnetA, c)), clients.First(c => In(SubnetB, c)));
        var reach = new Reachability(world);
        Assert.Equal(NetworkInterfaceTypes.Branch, reach.InterfaceHolding(IPAddress.Parse(web.PodIP!))!.InterfaceType);

        // Ingress: Ipv6Ranges admit the 2b client, not the 2a one.
        Assert.True(reach.Evaluate($"tools/{inB.Name}", $"shop/{web.Name}", "80").Allowed);
        var deniedIn = reach.Evaluate($"tools/{inA.Name}", $"shop/{web.Name}", "80");
        Assert.False(deniedIn.Allowed);
        Assert.Contains(deniedIn.Hops, h => h.Step == "ingress" && !h.Allowed && h.Detail.Contains("web-pods", StringComparison.Ordinal));

        // Egress: web may send to the 2a client only.
        Assert.True(reach.Evaluate($"shop/{web.Name}", $"tools/{inA.Name}", "80").Allowed);
        var deniedOut = reach.Evaluate($"shop/{web.Name}", $"tools/{inB.Name}", "80");
        Assert.False(deniedOut.Allowed);
        Assert.Contains(deniedOut.Hops, h => h.Step == "egress" && !h.Allowed && h.Detail.Contains("web-pods", StringComparison.Ordinal));
    }
}
