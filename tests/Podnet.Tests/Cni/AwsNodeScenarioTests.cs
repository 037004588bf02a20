using System.Net;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Cni;

/// <summary>The VPC CNI at work in whole worlds, as a user of EKS would check it.</summary>
public class AwsNodeScenarioTests
{
    private static List<PodView> Pods(Podnet.World.World world, string? ns = null)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))];

    private static List<NodeView> Nodes(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n))];

    [Fact]
    public void DefaultWorld_PodsGetVpcAddresses_FromTheirNodesInterfaces()
    {
        var world = WorldLoader.LoadDefault();
        var ec2 = world.Cloud!.Ec2Backend;
        foreach (var pod in Pods(world, "kube-system").Where(p => !p.HostNetwork))
        {
            var node = Nodes(world).Single(n => n.Name == pod.NodeName);
            var eni = Assert.Single(ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("addresses.private-ip-address", pod.PodIP!))));
            Assert.Equal(node.InstanceId, eni.Attachment!.InstanceId);
            Assert.NotEqual(eni.PrivateIpAddress, pod.PodIP);
        }

        Assert.All(Nodes(world), n => Assert.True(n.IsReady));
        Assert.All(Pods(world, "kube-system").Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)), p => Assert.True(p.IsReady));
    }

    [Fact]
    public void DefaultWorld_WarmEniTarget1_KeepsAWarmInterfaceOnNodesWithPods()
    {
        var world = WorldLoader.LoadDefault();
        var ec2 = world.Cloud!.Ec2Backend;
        foreach (var node in Nodes(world))
        {
            var enis = ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", node.InstanceId!)));
            var secondary = enis.Sum(e => e.PrivateIpAddresses.Count - 1);
            var podsOnNode = Pods(world).Count(p => p.NodeName == node.Name && !p.HostNetwork);

            // m5.large: 9 addresses per interface; one interface's worth stays free beyond what pods use.
            Assert.True(secondary - podsOnNode >= 9, $"{node.Name}: {secondary} addresses for {podsOnNode} pods");
            Assert.All(enis.Where(e => e.Attachment!.DeviceIndex > 0), e => Assert.Equal($"aws-K8S-{node.InstanceId}", e.Description));
        }
    }

    [Fact]
    public void CustomNetworking_PodsInTheSecondBlock_NodesAndHostNetworkPodsInTheFirst()
    {
        var world = ExampleWorlds.Load("custom-networking");
        var secondBlock = CidrBlock.Parse("192.168.1.0/24");
        var firstBlock = CidrBlock.Parse("192.168.0.0/24");

        var coredns = Pods(world, "kube-system").Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, coredns.Count);
        Assert.All(coredns, p => Assert.True(secondBlock.Contains(IPAddress.Parse(p.PodIP!)), $"{p.Name} has {p.PodIP}"));
        Assert.All(Pods(world, "kube-system").Where(p => p.HostNetwork), p => Assert.True(firstBlock.Contains(IPAddress.Parse(p.PodIP!))));
        Assert.All(Nodes(world), n => Assert.True(firstBlock.Contains(IPAddress.Parse(n.InternalIP!))));

        // The primary interfaces hold no addresses for pods; the others sit in the zone's ENIConfig subnet with its group.
        var ec2 = world.Cloud!.Ec2Backend;

        // The VPC's NAT gateways have their own requester-managed interfaces (attached to no instance): the world now
        // has the routes a fresh EKS VPC has, NAT gateways included, as the account would list them.
        foreach (var eni in ec2.DescribeNetworkInterfaces().Where(e => e.InterfaceType != "nat_gateway"))
        {
            if (eni.Attachment!.DeviceIndex == 0)
            {
                Assert.Single(eni.PrivateIpAddresses);
            }
            else
            {
                Assert.Contains(eni.SubnetId, new[] { "subnet-0a1b2c3d4e5f60a01", "subnet-0a1b2c3d4e5f60d02" });
                Assert.Equal("sg-0c1d2e3f4a5b6c7d8", Assert.Single(eni.Groups).GroupId);
                Assert.Equal(ec2.DescribeSubnets(DescribeRequest.ForIds(eni.SubnetId))[0].AvailabilityZone, eni.AvailabilityZone);
            }
        }

        Assert.All(Nodes(world), n => Assert.Equal(12, (int)n.Capacity["pods"]));
    }

    [Fact]
    public void CustomNetworking_WithoutEniConfig_LeavesNodesNotReady_AndCoreDnsPending()
    {
        var folder = Path.Combine(PodnetCli.Examples(), "custom-networking");
        var text = File.ReadAllText(Path.Combine(folder, "world.yaml"));
        var withoutEniConfigs = string.Join("---\n", text.Split("---\n").Where(d => !d.Contains("kind: ENIConfig", StringComparison.Ordinal)));
        var world = WorldLoader.Load([new WorldSource("world.yaml", withoutEniConfigs)]);

        Assert.All(Nodes(world), n =>
        {
            Assert.False(n.IsReady);
            Assert.Equal("Failed to attach any ENIs for custom networking", world.AwsNode!.IpamdOf(n.Name)!.InitError);
        });
        Assert.All(Pods(world, "kube-system").Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)), p => Assert.False(p.IsReady));
        Assert.All(Pods(world, "kube-system").Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)), p => Assert.Null(p.NodeName));
    }

    [Fact]
    public void SubnetExhaustion_SurplusPodsWaitInContainerCreating_WithTheKubeletsEvent()
    {
        var world = ExampleWorlds.Load("subnet-exhaustion");
        var pods = Pods(world).Where(p => !p.HostNetwork).ToList();
        var waiting = pods.Where(p => p.PodIP is null).ToList();

        Assert.Equal(9, pods.Count(p => p.PodIP is not null));
        Assert.Equal(3, waiting.Count);
        foreach (var pod in waiting)
        {
            // The newest: each retry is a new sandbox, and from the 10th the events are combined from similar ones.
            var failed = world.ControlPlane.Events.About(pod.Object).Last(e => e.GetString("reason") == "FailedCreatePodSandBox");
            Assert.EndsWith("\": plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container", failed.GetString("message"), StringComparison.Ordinal);
            Assert.Equal("ContainerCreating", ((JsonArray)pod.Object["status.containerStatuses"]!)[0]!["state"]!["waiting"]!["reason"]!.GetValue<string>());
        }

        Assert.Equal(1, world.Cloud!.Ec2Backend.DescribeSubnets(DescribeRequest.Where(new Filter("tag:Name", "tight-us-west-2a")))[0].AvailableIpAddressCount);
        var node = Nodes(world).Single();
        Assert.Contains(world.AwsNode!.IpamdOf(node.Name)!.Log, l => l.Contains("InsufficientFreeAddressesInSubnet", StringComparison.Ordinal));
    }

    [Fact]
    public void SetEnv_RecreatesAwsNode_PodsKeepTheirAddresses_NewSettingsApply()
    {
        var world = WorldLoader.LoadDefault();
        var store = world.ControlPlane.Store;
        var before = Pods(world, "kube-system").Where(p => !p.HostNetwork).ToDictionary(p => p.Name, p => p.PodIP);
        var oldAwsNode = Pods(world, "kube-system").Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)).Select(p => p.Name).ToHashSet();

        // kubectl set env daemonset aws-node -n kube-system WARM_ENI_TARGET=0 WARM_IP_TARGET=2
        var patch = JsonNode.Parse("""
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"aws-node"}],
              "containers":[{"name":"aws-node","env":[{"name":"WARM_ENI_TARGET","value":"0"},{"name":"WARM_IP_TARGET","value":"2"}]}]}}}}
            """)!;
        store.Patch(store.Resources.For("apps/v1", "DaemonSet"), "kube-system", "aws-node", PatchType.StrategicMerge, patch);
        world.Settle(TimeSpan.FromMinutes(20));

        var awsNodes = Pods(world, "kube-system").Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, awsNodes.Count);
        Assert.All(awsNodes, p =>
        {
            Assert.DoesNotContain(p.Name, oldAwsNode);
            Assert.True(p.IsReady);
        });
        Assert.All(Pods(world, "kube-system").Where(p => !p.HostNetwork), p => Assert.Equal(before[p.Name], p.PodIP));

        // WARM_IP_TARGET=2: each node keeps two free addresses, the warm interface goes.
        foreach (var node in Nodes(world))
        {
            var stats = world.AwsNode!.IpamdOf(node.Name)!.Stats;
            Assert.Equal(2, stats.TotalIPs - stats.AssignedIPs);
        }
    }

    /// <summary>
    /// The VPC CNI documentation's warm-pool table: one t3.small, WARM_IP_TARGET=1 and MINIMUM_IP_TARGET=1, 9 pods run
    /// on 3 interfaces of 3 pod addresses each. Pods that asked before ipamd grew the pool get their address at the
    /// kubelet's next retry, 10 s later (pod_workers.go), not after a back-off doubling to minutes.
    /// </summary>
    [Fact]
    public void WarmIpTargetOne_OnT3Small_NinePodsRunOnThreeInterfaces()
    {
        var cluster = WorldLoader.DefaultSource().Text
            .Replace("InstanceTypes: [m5.large]", "InstanceTypes: [t3.small]", StringComparison.Ordinal)
            .Replace("Subnets: [private-us-west-2a, private-us-west-2b]\n  DesiredSize: 3", "Subnets: [private-us-west-2a]\n  DesiredSize: 1", StringComparison.Ordinal);
        Assert.Contains("DesiredSize: 1", cluster, StringComparison.Ordinal);
        var app = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Addon
            metadata: {name: vpc-cni}
            spec:
              ConfigurationValues:
                env: {WARM_IP_TARGET: "1", MINIMUM_IP_TARGET: "1"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              replicas: 7
              selector: {matchLabels: {app: web} }
              template:
                metadata: {labels: {app: web} }
                spec:
                  containers: [{name: web, image: nginx, resources: {requests: {cpu: 10m} } }]
            """;

        var world = WorldLoader.Load([new WorldSource("cluster.yaml", cluster), new WorldSource("app.yaml", app)]);

        var pods = Pods(world).Where(p => !p.HostNetwork).ToList();
        Assert.Equal(9, pods.Count);
        Assert.All(pods, p => Assert.Equal("Running", p.Phase));
        var ipamd = world.AwsNode!.IpamdOf(Assert.Single(Nodes(world)).Name)!;
        Assert.Equal([3, 3, 3], ipamd.Enis.Select(e => e.Cidrs.Sum(c => c.AssignedCount)).Order());
    }
}
