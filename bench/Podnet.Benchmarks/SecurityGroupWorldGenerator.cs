using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.World;

namespace Podnet.Benchmarks;

/// <summary>
/// A settled-looking EKS world with security groups, built directly rather than settled (a 10,000-pod cluster world
/// takes far too long to settle today; see issue 9): what <see cref="Podnet.Policy.Reachability"/> reads is written
/// straight into the emulated EC2 account and the store, and no controller ever runs. N pods, 50 to a namespace
/// (labels <c>app: web|api|db|cache</c>, named container ports) and 50 to a node (Node objects by name), each with
/// <c>status.podIP</c>; five NetworkPolicies per namespace enforced by the VPC CNI's agent (the
/// <c>amazon-vpc-cni</c> ConfigMap); G security groups, each with five ingress rules (groups it references, the VPC
/// CIDR on UDP/53, a /24 on a port range, itself on all traffic) and, for every tenth, egress narrowed to TCP/80 and
/// UDP/53. Half the pods (<c>db</c> and <c>cache</c>) have a branch interface of their own with one to three of the
/// groups — security groups for pods — the others share their node's interface, which has group 0. The CNI's own
/// record of the pods (branch, enforcing mode) is not made, so no pod is in strict mode: same-node traffic skips the
/// groups. Deterministic: the same N and G give the same world.
/// </summary>
public static class SecurityGroupWorldGenerator
{
    private const int PodsPerNamespace = 50;
    private const int PodsPerNode = 50;
    private static readonly string[] Apps = ["web", "api", "db", "cache"];

    /// <summary>Five a namespace: default-deny ingress in even namespaces, an ipBlock policy in odd ones.</summary>
    private static readonly (string Name, string Spec, Func<int, bool> Include)[] PolicySpecs =
    [
        ("default-deny", """{"podSelector": {}, "policyTypes": ["Ingress"]}""", k => k % 2 == 0),
        ("api-from-web", """{"podSelector": {"matchLabels": {"app": "api"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": 80}]}]}""", _ => true),
        ("db-from-api", """{"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "api"}}}], "ports": [{"port": "pg"}]}]}""", _ => true),
        ("web-from-team", """{"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "t$TEAM"}}}]}]}""", _ => true),
        ("web-egress", """{"podSelector": {"matchLabels": {"tier": "front"}}, "policyTypes": ["Egress"], "egress": [{"to": [{"namespaceSelector": {"matchExpressions": [{"key": "team", "operator": "In", "values": ["t$MINE", "t$OTHER"]}]}}]}, {"ports": [{"port": 53, "protocol": "UDP"}]}]}""", _ => true),
        ("cache-from-block", """{"podSelector": {"matchLabels": {"app": "cache"}}, "ingress": [{"from": [{"ipBlock": {"cidr": "$BLOCK"}}, {"podSelector": {}}]}]}""", k => k % 2 == 1),
    ];

    /// <summary>The world of <paramref name="pods"/> pods and <paramref name="groups"/> security groups.</summary>
    public static Podnet.World.World Build(int pods, int groups)
    {
        var composition = new Podnet.Composition.ClusterBuilder(seed: 1);
        var cloud = composition.AddAccount(new AwsOptions { Seed = 1 });
        var world = composition.Build();
        world.ControlPlane.Bootstrap();
        var ec2 = cloud.Ec2Backend;
        var vpc = ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        var subnet = ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/17", "us-west-2a"));

        var groupIds = Enumerable.Range(0, groups)
            .Select(g => ec2.CreateSecurityGroup(new CreateSecurityGroupRequest($"group-{g}", "generated", vpc.VpcId)))
            .ToArray();
        for (var g = 0; g < groups; g++)
        {
            ec2.AuthorizeSecurityGroupIngress(groupIds[g],
            [
                IpPermission.FromGroup("tcp", 80, 80, groupIds[(g + 1) % groups], groupIds[(g + 3) % groups]),
                IpPermission.FromGroup("tcp", 5432, 5432, groupIds[(g + 7) % groups]),
                IpPermission.FromGroup("-1", null, null, groupIds[g]),
                IpPermission.Udp(53, "10.0.0.0/16"),
                IpPermission.Tcp(8000, 8100, string.Create(CultureInfo.InvariantCulture, $"10.0.{g % 40}.0/24")),
            ]);
            if (g % 10 == 0)
            {
                ec2.RevokeSecurityGroupEgress(new RevokeSecurityGroupRequest(groupIds[g], [IpPermission.AllTraffic("0.0.0.0/0")]));
                ec2.AuthorizeSecurityGroupEgress(groupIds[g], [IpPermission.Tcp(80, "10.0.0.0/16"), IpPermission.Udp(53, "10.0.0.0/16")]);
            }
        }

        var store = world.ControlPlane.Store;
        var context = new RequestContext(ObjectValidation.WorldLoaderUser);

        // JSON templates with $NAME placeholders (JSON's closing braces do not mix with interpolation).
        void Create(string template, params (string Name, object Value)[] values)
        {
            var json = values.Aggregate(template, (text, v) => text.Replace("$" + v.Name, Convert.ToString(v.Value, CultureInfo.InvariantCulture), StringComparison.Ordinal));
            store.Create(KubeObject.From(JsonNode.Parse(json)!.AsObject()), context, keepStatus: true);
        }

        Create("""{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "amazon-vpc-cni", "namespace": "kube-system"}, "data": {"enable-network-policy-controller": "true"}}""");

        var nodes = (pods + PodsPerNode - 1) / PodsPerNode;
        var namespaces = Math.Max(1, pods / PodsPerNamespace);

        // Addresses: nodes' primary addresses first, then the pods', from 10.0.0.16 up.
        var nodeInterfaces = new List<string>[nodes];
        for (var n = 0; n < nodes; n++)
        {
            nodeInterfaces[n] = [];
            Create("""{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-$N"}, "status": {"addresses": [{"type": "InternalIP", "address": "$IP"}]}}""", ("N", n), ("IP", Ip(n)));
        }

        for (var k = 0; k < namespaces; k++)
        {
            Create("""{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns-$K", "labels": {"team": "t$TEAM", "env": "$ENV"}}}""", ("K", k), ("TEAM", k % 5), ("ENV", k % 2 == 0 ? "prod" : "dev"));

            // What the service account controller would make, were it run: admission wants it for every pod.
            Create("""{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "ns-$K"}}""", ("K", k));
        }

        for (var p = 0; p < pods; p++)
        {
            var k = p / PodsPerNamespace % namespaces;
            var i = p % PodsPerNamespace;
            var app = Apps[i % Apps.Length];
            var port = app == "db" ? 5432 : 80;
            var node = (p * 7) % nodes;
            var ip = Ip(nodes + p);
            Create(
                """
                {"apiVersion": "v1", "kind": "Pod",
                 "metadata": {"name": "$APP-$INDEX", "namespace": "ns-$K", "labels": {"app": "$APP", "tier": "$TIER"}},
                 "spec": {"nodeName": "node-$NODE", "containers": [{"name": "main", "ports": [{"containerPort": $PORT, "name": "$PORTNAME"}]}]},
                 "status": {"phase": "Running", "podIP": "$IP"}}
                """,
                ("APP", app), ("INDEX", i / Apps.Length), ("K", k), ("TIER", app == "web" ? "front" : "back"), ("NODE", node), ("PORTNAME", app == "db" ? "pg" : "http"), ("PORT", port), ("IP", ip));
            if (app is "db" or "cache")
            {
                // Security groups for pods: a branch interface per pod, with the groups its SecurityGroupPolicy names.
                var first = (k * 3) + (app == "db" ? 0 : 1);
                var count = 1 + (p % 3);
                ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(
                    subnet.SubnetId,
                    [.. Enumerable.Range(0, count).Select(j => groupIds[(first + (j * 11)) % groups])],
                    PrivateIpAddress: ip,
                    InterfaceType: NetworkInterfaceTypes.Branch));
            }
            else
            {
                nodeInterfaces[node].Add(ip);
            }
        }

        for (var n = 0; n < nodes; n++)
        {
            ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId, [groupIds[0]], PrivateIpAddress: Ip(n), SecondaryPrivateIpAddresses: nodeInterfaces[n]));
        }

        for (var k = 0; k < namespaces; k++)
        {
            (string Name, object Value)[] values = [("NS", $"ns-{k}"), ("TEAM", (k + 1) % 5), ("MINE", k % 5), ("OTHER", (k + 2) % 5), ("BLOCK", Block28(nodes + ((k + 3) % namespaces * PodsPerNamespace)))];
            foreach (var (name, spec, include) in PolicySpecs)
            {
                if (include(k))
                {
                    Create("""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "$NAME", "namespace": "$NS"}, "spec": $SPEC}""", [("SPEC", spec), ("NAME", name), .. values]);
                }
            }
        }

        return world;
    }

    /// <summary>How many NetworkPolicies <see cref="Build"/> makes for <paramref name="pods"/> pods: five a namespace.</summary>
    public static int Policies(int pods) => Math.Max(1, pods / PodsPerNamespace) * 5;

    /// <summary>The /28 that holds the <paramref name="index"/>th address: part of one namespace's pods.</summary>
    private static string Block28(int index)
    {
        var n = (index + 16) & ~15;
        return string.Create(CultureInfo.InvariantCulture, $"10.0.{n / 256}.{n % 256}/28");
    }

    /// <summary>The <paramref name="index"/>th address of the subnet from 10.0.0.16 on.</summary>
    private static string Ip(int index)
    {
        var n = index + 16;
        return string.Create(CultureInfo.InvariantCulture, $"10.0.{n / 256}.{n % 256}");
    }
}
