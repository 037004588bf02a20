using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Aws.Eks;

/// <summary>
/// A managed node group created while the vpc-cni add-on enables prefix delegation gets the max pods EKS computes
/// (the calculator's recommended value), not the AMI table's; the pods it lets on get addresses from /28 prefixes.
/// </summary>
public class NodegroupMaxPodsTests
{
    private const string PrefixDelegation = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Addon
        metadata: {name: vpc-cni}
        spec:
          ConfigurationValues:
            env: {ENABLE_PREFIX_DELEGATION: "true"}
        ---

        """;

    private const string Pods = """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: many, namespace: default}
        spec:
          replicas: 20
          selector: {matchLabels: {app: many}}
          template:
            metadata: {labels: {app: many}}
            spec: {containers: [{name: c, image: nginx}]}
        """;

    /// <summary>The default world with one node group of <paramref name="types"/>, one node, and 20 pods to place.</summary>
    private static string World(string addon, string types = "[t3.small]", string maxPods = "")
    {
        var cluster = ExampleWorlds.Text("hello-eks", "cluster.yaml")
            .Replace("  InstanceTypes: [m5.large]\n", $"  InstanceTypes: {types}\n{maxPods}", StringComparison.Ordinal)
            .Replace("  DesiredSize: 3\n", "  DesiredSize: 1\n", StringComparison.Ordinal);
        return addon + cluster + Pods;
    }

    private static NodeView Node(Podnet.World.World world) => new(Assert.Single(world.ControlPlane.Store.List("v1", "Node").Items));

    [Fact]
    public void NodegroupCreatedWithPrefixDelegation_GetsTheMaxPodsEksComputes()
    {
        // ./podnet maxpods --instance-type t3.small --cni-version 1.19.2 --cni-prefix-delegation-enabled
        var (_, calculated, _) = PodnetCli.Run("maxpods", "--instance-type", "t3.small", "--cni-version", "1.19.2", "--cni-prefix-delegation-enabled");
        Assert.Equal("110\n", calculated);

        var world = WorldLoader.Load([new WorldSource("world.yaml", World(PrefixDelegation))]);
        var node = Node(world);
        Assert.Equal(110, (int)node.Capacity["pods"]);
        Assert.Equal(110, (int)node.Allocatable["pods"]);
        var many = world.ControlPlane.Store.List("v1", "Pod", "default").Items.Select(p => PodView.Of(p)).ToList();
        Assert.Equal(20, many.Count);
        Assert.All(many, p => Assert.Equal("Running", p.Phase));

        // The addresses come from /28 prefixes on the node's interfaces, as ipamd hands them out with prefix delegation.
        var enis = world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", node.InstanceId!)));
        Assert.Contains(enis, e => e.Ipv4Prefixes.Count > 0);

        // podnet run shows the node's max pods as kubectl would (capacity.pods).
        var dir = Directory.CreateTempSubdirectory("podnet-pd-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "world.yaml"), World(PrefixDelegation));
            var run = PodnetCli.Run("run", dir).Out;
            Assert.Matches(@"\n" + System.Text.RegularExpressions.Regex.Escape(node.Name) + @" +Ready .* t3\.small +<none> +110\n", run);
            Assert.DoesNotContain("Pending", run, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void NodegroupWithoutPrefixDelegation_KeepsTheTable_AndSurplusPodsWait()
    {
        // eni-max-pods.txt: t3.small 11 — aws-node, kube-proxy and the two CoreDNS pods take four of them.
        var world = WorldLoader.Load([new WorldSource("world.yaml", World(string.Empty))]);
        Assert.Equal(11, (int)Node(world).Capacity["pods"]);
        var many = world.ControlPlane.Store.List("v1", "Pod", "default").Items.Select(p => PodView.Of(p)).ToList();
        Assert.Equal(7, many.Count(p => p.Phase == "Running"));
        var pending = many.First(p => p.NodeName is null);
        Assert.Contains(world.ControlPlane.Events.About(pending.Object), e => e.GetString("message") == "0/1 nodes are available: 1 Too many pods.");
    }

    [Fact]
    public void NodegroupOfSeveralTypes_GetsTheSmallestValue_AndAGivenMaxPodsWins()
    {
        // m5.24xlarge (96 vCPUs) alone would get 250; with t3.small in the group every node gets 110.
        var mixed = WorldLoader.Load([new WorldSource("world.yaml", World(PrefixDelegation, "[m5.24xlarge, t3.small]"))]);
        Assert.Equal(110, (int)Node(mixed).Capacity["pods"]);
        var large = WorldLoader.Load([new WorldSource("world.yaml", World(PrefixDelegation, "[m5.24xlarge]"))]);
        Assert.Equal(250, (int)Node(large).Capacity["pods"]);

        // A node group given MaxPods (a launch template's --max-pods) keeps it.
        var given = WorldLoader.Load([new WorldSource("world.yaml", World(PrefixDelegation, maxPods: "  MaxPods: 30\n"))]);
        Assert.Equal(30, (int)Node(given).Capacity["pods"]);
    }
}
