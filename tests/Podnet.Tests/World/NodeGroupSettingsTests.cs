using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// A managed node group's labels and taints reach its nodes as EKS applies them (the kubelet's --node-labels and
/// --register-with-taints), and a world's Node document changes a registered node as kubectl label/annotate would:
/// seed 003's custom networking chooses ENIConfigs by them.
/// </summary>
public class NodeGroupSettingsTests
{
    private const string PodsA = "subnet-0a1b2c3d4e5f60a01";
    private const string PodsD = "subnet-0a1b2c3d4e5f60d02";

    /// <summary>The custom-networking example without ENI_CONFIG_LABEL_DEF, its node group replaced by <paramref name="nodegroups"/>.</summary>
    private static string CustomNetworking(string nodegroups, string? labelDef = null)
    {
        var text = File.ReadAllText(Path.Combine(PodnetCli.Examples(), "custom-networking", "world.yaml"));
        text = text.Replace("      ENI_CONFIG_LABEL_DEF: topology.kubernetes.io/zone\n", labelDef is null ? string.Empty : $"      ENI_CONFIG_LABEL_DEF: {labelDef}\n", StringComparison.Ordinal);
        var cut = text.IndexOf("# aws eks create-nodegroup", StringComparison.Ordinal);
        Assert.True(cut > 0);
        return text[..cut] + nodegroups;
    }

    private static string Nodegroup(string name, string subnet, string labels, string extra = "") => $"""
        apiVersion: aws.podnet.dev/v1alpha1
        kind: NodeGroup
        metadata:
          name: {name}
        spec:
          Cluster: my-custom-networking-cluster
          InstanceTypes: [t3.medium]
          Subnets: [{subnet}]
          DesiredSize: 1
          MaxPods: 12
          Labels: {labels}
        {extra}
        ---

        """;

    private static List<NodeView> Nodes(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).OrderBy(n => n.Name, StringComparer.Ordinal)];

    private static List<PodView> Pods(Podnet.World.World world, string ns)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))];

    /// <summary>Each node Ready, and every pod interface of it in <paramref name="subnetOf"/>'s subnet for the node's zone.</summary>
    private static void AssertPodsInTheirEniConfigSubnets(Podnet.World.World world, Func<string, string> subnetOf)
    {
        var ec2 = world.Cloud!.Ec2Backend;
        Assert.All(Nodes(world), node =>
        {
            Assert.True(node.IsReady, $"{node.Name} is not Ready");
            var zone = node.Object.Labels["topology.kubernetes.io/zone"];
            var enis = ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", node.InstanceId!)));
            Assert.All(enis.Where(e => e.Attachment!.DeviceIndex > 0), e => Assert.Equal(subnetOf(zone), e.SubnetId));
        });
        var coredns = Pods(world, "kube-system").Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, coredns.Count);
        Assert.All(coredns, p => Assert.True(CidrBlock.Parse("192.168.1.0/24").Contains(IPAddress.Parse(p.PodIP!)), $"{p.Name} has {p.PodIP}"));
    }

    [Fact]
    public void NodeGroupLabels_ReachTheNodes_AndTheDefaultLabelPicksTheEniConfig()
    {
        // kubectl label nodes … k8s.amazonaws.com/eniConfig=us-west-2a, done by the node group: ipamd reads the label
        // named by ENI_CONFIG_LABEL_DEF, whose default is k8s.amazonaws.com/eniConfig (eniconfig.go, getEniConfigLabelDef).
        var world = WorldLoader.Load([new WorldSource("world.yaml", CustomNetworking(
            Nodegroup("ng-a", "my-eks-custom-networking-vpc-PrivateSubnet01", "{k8s.amazonaws.com/eniConfig: us-west-2a, team: payments}")
            + Nodegroup("ng-d", "my-eks-custom-networking-vpc-PrivateSubnet02", "{k8s.amazonaws.com/eniConfig: us-west-2d, team: payments}")))]);

        var nodes = Nodes(world);
        Assert.Equal(2, nodes.Count);
        Assert.All(nodes, n =>
        {
            Assert.Equal("payments", n.Object.Labels["team"]);
            Assert.Equal(n.Object.Labels["topology.kubernetes.io/zone"], n.Object.Labels["k8s.amazonaws.com/eniConfig"]);
            Assert.Equal("t3.medium", n.Object.Labels["node.kubernetes.io/instance-type"]);
            Assert.Equal(n.Object.Labels["topology.kubernetes.io/zone"] == "us-west-2a" ? "ng-a" : "ng-d", n.Object.Labels["eks.amazonaws.com/nodegroup"]);
        });
        AssertPodsInTheirEniConfigSubnets(world, zone => zone == "us-west-2a" ? PodsA : PodsD);
    }

    [Fact]
    public void NodeGroupLabels_WithEniConfigLabelDef_PickTheEniConfigByThatLabel_AndLintAgrees()
    {
        var dir = Directory.CreateTempSubdirectory("podnet-ng-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "world.yaml"), CustomNetworking(
                Nodegroup("ng-a", "my-eks-custom-networking-vpc-PrivateSubnet01", "{example.com/pod-network: us-west-2a}")
                + Nodegroup("ng-d", "my-eks-custom-networking-vpc-PrivateSubnet02", "{example.com/pod-network: us-west-2d}"),
                labelDef: "example.com/pod-network"));
            var world = WorldLoader.Load([new WorldSource("world.yaml", File.ReadAllText(Path.Combine(dir, "world.yaml")))]);
            AssertPodsInTheirEniConfigSubnets(world, zone => zone == "us-west-2a" ? PodsA : PodsD);

            // lint chooses each node's ENIConfig by the same label: no zone mismatch, nothing stuck.
            var (exit, output, error) = PodnetCli.Run("lint", dir);
            Assert.Equal((0, string.Empty), (exit, error));
            Assert.DoesNotContain("eniconfig-subnet", output, StringComparison.Ordinal);
            var run = PodnetCli.Run("run", dir).Out;
            Assert.DoesNotContain("Not settled", run, StringComparison.Ordinal);
            Assert.DoesNotContain("NotReady", run, StringComparison.Ordinal);

            // Crossed over, each node's ENIConfig names a subnet in the other zone: lint says so, and ipamd cannot attach.
            File.WriteAllText(Path.Combine(dir, "world.yaml"), CustomNetworking(
                Nodegroup("ng-a", "my-eks-custom-networking-vpc-PrivateSubnet01", "{example.com/pod-network: us-west-2d}")
                + Nodegroup("ng-d", "my-eks-custom-networking-vpc-PrivateSubnet02", "{example.com/pod-network: us-west-2a}"),
                labelDef: "example.com/pod-network"));
            var (crossedExit, crossed, _) = PodnetCli.Run("lint", dir);
            Assert.Equal(1, crossedExit);
            Assert.Contains("error  ENIConfig us-west-2a  [eniconfig-subnet]\n  spec.subnet: subnet-0a1b2c3d4e5f60a01 is in us-west-2a, but node ip-192-168-0-", crossed, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void NodeDocument_IsAnOverlay_ItsEniConfigAnnotationPicksTheEniConfig_AndTheNodeKeepsItsZone()
    {
        // Without a label, an annotation or a "default" ENIConfig, ipamd finds no ENIConfig and the nodes stay NotReady.
        var plain = CustomNetworking(
            Nodegroup("ng-a", "my-eks-custom-networking-vpc-PrivateSubnet01", "{}")
            + Nodegroup("ng-d", "my-eks-custom-networking-vpc-PrivateSubnet02", "{}"));
        var notReady = WorldLoader.Load([new WorldSource("world.yaml", plain)]);
        var names = Nodes(notReady).Select(n => (n.Name, Zone: n.Object.Labels["topology.kubernetes.io/zone"])).ToList();
        Assert.All(Nodes(notReady), n => Assert.False(n.IsReady));

        // kubectl annotate node NAME k8s.amazonaws.com/eniConfig=us-west-2a, as the world writes it.
        var overlays = string.Concat(names.Select(n => $"""
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: {n.Name}
              annotations: {"{"}k8s.amazonaws.com/eniConfig: {n.Zone}{"}"}
              labels: {"{"}team: payments{"}"}

            """));
        var world = WorldLoader.Load([new WorldSource("world.yaml", plain + overlays)]);
        AssertPodsInTheirEniConfigSubnets(world, zone => zone == "us-west-2a" ? PodsA : PodsD);
        Assert.All(Nodes(world), n =>
        {
            var zone = names.Single(x => x.Name == n.Name).Zone;
            Assert.Equal(zone, n.Object.Annotations["k8s.amazonaws.com/eniConfig"]);
            Assert.Equal((zone, "t3.medium", "payments"), (n.Object.Labels["topology.kubernetes.io/zone"], n.Object.Labels["node.kubernetes.io/instance-type"], n.Object.Labels["team"]));
            Assert.Equal("192.168.0.", n.InternalIP![..10]);
            Assert.Equal(12, (int)n.Capacity["pods"]);
        });

        // A Node document for a node no node group registered is an error naming the nodes there are.
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("world.yaml", plain + "---\napiVersion: v1\nkind: Node\nmetadata: {name: ip-10-0-0-1.ec2.internal}\n")]));
        Assert.Equal($"world.yaml: document 16 (line 158, Node ip-10-0-0-1.ec2.internal): metadata.name: Not found: \"ip-10-0-0-1.ec2.internal\": a Node document changes a node the world's node groups registered; they are {string.Join(", ", names.Select(n => n.Name).Order(StringComparer.Ordinal))}", error.Message);
    }

    [Fact]
    public void NodeGroupTaints_ReachTheNodes_AndKeepUntoleratingPodsOff()
    {
        var world = ExampleWorlds.Load("hello-eks", text => text.Replace("  MaxSize: 5\n", """
              MaxSize: 5
              Taints:
              - {key: dedicated, value: shop, effect: NO_SCHEDULE}
              - {key: spot, effect: PREFER_NO_SCHEDULE}

            """, StringComparison.Ordinal), """
            apiVersion: v1
            kind: Pod
            metadata: {name: tolerant, namespace: default}
            spec:
              tolerations: [{key: dedicated, operator: Equal, value: shop, effect: NoSchedule}]
              containers: [{name: c, image: nginx}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: intolerant, namespace: default}
            spec:
              containers: [{name: c, image: nginx}]
            """);
        Assert.All(Nodes(world), n =>
        {
            Assert.True(n.IsReady);
            Assert.Equal([new Taint("dedicated", "shop", "NoSchedule"), new Taint("spot", null, "PreferNoSchedule")], n.Taints);
        });

        var pods = Pods(world, "default").ToDictionary(p => p.Name);
        Assert.Equal("Running", pods["tolerant"].Phase);
        Assert.Null(pods["intolerant"].NodeName);
        var scheduling = world.ControlPlane.Events.About(pods["intolerant"].Object).Last(e => e.GetString("reason") == "FailedScheduling");
        Assert.StartsWith("0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: shop}.", scheduling.GetString("message"), StringComparison.Ordinal);

        // aws-node and kube-proxy tolerate every taint, as EKS's add-ons do; CoreDNS does not tolerate this one.
        Assert.All(Pods(world, "kube-system").Where(p => !p.Name.StartsWith("coredns-", StringComparison.Ordinal)), p => Assert.Equal("Running", p.Phase));
        Assert.All(Pods(world, "kube-system").Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)), p => Assert.Null(p.NodeName));
    }

    [Theory]
    [InlineData("- {key: dedicated, effect: NoSchedule}", "spec.Taints[0].effect: Unsupported value: \"NoSchedule\": supported values: \"NO_SCHEDULE\", \"NO_EXECUTE\", \"PREFER_NO_SCHEDULE\"")]
    [InlineData("- {key: dedicated, effect: NO_SCHEDULE}\n  - {key: dedicated, value: x, effect: NO_SCHEDULE}", "spec.Taints[1]: Duplicate value: \"dedicated:NoSchedule\": taints must be unique by key and effect pair")]
    [InlineData("- {key: -bad, effect: NO_SCHEDULE}", "spec.Taints[0].key: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    [InlineData("- {key: dedicated, Effect: NO_SCHEDULE}", "spec.Taints[0].Effect: unknown field: a taint has key, value and effect")]
    public void NodeGroupTaint_ThatNoNodeCouldCarry_IsAnError(string taints, string message)
    {
        var text = File.ReadAllText(Path.Combine(PodnetCli.Examples(), "hello-eks", "cluster.yaml")).Replace("  MaxSize: 5\n", $"  MaxSize: 5\n  Taints:\n  {taints}\n", StringComparison.Ordinal);
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", text)]));
        Assert.EndsWith($"NodeGroup ng-1): {message}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{team: \"\"}", "ValidationException: 1 validation error detected: Value '' at 'labels' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 63, Member must have length greater than or equal to 1]")]
    [InlineData("{example.com/a-label-key-that-is-long-enough-to-pass-kubernetes-1: x}", "ValidationException: 1 validation error detected: Value 'example.com/a-label-key-that-is-long-enough-to-pass-kubernetes-1' at 'labels' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 63, Member must have length greater than or equal to 1]")]
    public void NodeGroupLabel_TheEksApiRefuses_IsAnError(string labels, string message)
    {
        // Kubernetes takes both (an empty value; a 64-character key); EKS's API does not.
        var text = ExampleWorlds.Text("hello-eks", "cluster.yaml").Replace("  MaxSize: 5\n", $"  MaxSize: 5\n  Labels: {labels}\n", StringComparison.Ordinal);
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", text)]));
        Assert.EndsWith($"NodeGroup ng-1): {message}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeGroupWithMoreThan50Taints_IsAnError()
    {
        var taints = string.Concat(Enumerable.Range(0, 51).Select(i => $"  - {{key: t{i}, effect: NO_SCHEDULE}}\n"));
        var text = ExampleWorlds.Text("hello-eks", "cluster.yaml").Replace("  MaxSize: 5\n", $"  MaxSize: 5\n  Taints:\n{taints}", StringComparison.Ordinal);
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", text)]));
        Assert.EndsWith("NodeGroup ng-1): ValidationException: 1 validation error detected: Value '51 taints' at 'taints' failed to satisfy constraint: Member must have length less than or equal to 50", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeGroupLabel_TheKubeletRefuses_IsAnError_InTheKubeletsWords()
    {
        // node-role.kubernetes.io/worker: a favourite that kubelets since 1.16 refuse in --node-labels.
        var text = ExampleWorlds.Text("hello-eks", "cluster.yaml").Replace("  MaxSize: 5\n", "  MaxSize: 5\n  Labels: {node-role.kubernetes.io/worker: \"true\", node.kubernetes.io/lifecycle: spot, team: shop}\n", StringComparison.Ordinal);
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", text)]));
        Assert.EndsWith("NodeGroup ng-1): spec.Labels: the nodes would never join the cluster (NodeCreationFailure: Instances failed to join the kubernetes cluster): their kubelet exits: failed to validate kubelet flags: unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [node-role.kubernetes.io/worker] --node-labels in the 'kubernetes.io' namespace must begin with an allowed prefix (kubelet.kubernetes.io, node.kubernetes.io) or be in the specifically allowed set (beta.kubernetes.io/arch, beta.kubernetes.io/instance-type, beta.kubernetes.io/os, failure-domain.beta.kubernetes.io/region, failure-domain.beta.kubernetes.io/zone, kubernetes.io/arch, kubernetes.io/hostname, kubernetes.io/os, node.kubernetes.io/instance-type, topology.kubernetes.io/region, topology.kubernetes.io/zone)", error.Message, StringComparison.Ordinal);

        // Under node.kubernetes.io the kubelet takes it.
        var allowed = WorldLoader.Load([new WorldSource("cluster.yaml", text.Replace("node-role.kubernetes.io/worker: \"true\", ", string.Empty, StringComparison.Ordinal))]);
        Assert.All(allowed.ControlPlane.Store.List("v1", "Node").Items, n => Assert.Equal("spot", n.Labels["node.kubernetes.io/lifecycle"]));
    }
}
