using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 point 13, Windows: a NodeGroup with a Windows <c>AmiType</c> makes Windows nodes; aws-node and kube-proxy
/// stay off them; their pods' addresses come from the VPC resource controller's Windows IPAM when the
/// amazon-vpc-cni ConfigMap enables it, else the vpc-bridge plugin finds no address and the pods stay in
/// ContainerCreating; security groups for pods do not apply to them (the webhook gives Windows pods no pod-eni), so
/// a Windows pod has its node's groups, which reach uses and lint warns about.
/// </summary>
public class WindowsNodeGroupTests
{
    private const string Example = "security-groups-for-pods";

    /// <summary>One m5.large Windows Server 2022 node in private-us-west-2a (a /19), tainted as EKS's docs advise so Linux pods stay off.</summary>
    internal const string WindowsNodeGroup = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: NodeGroup
        metadata: {name: ng-windows}
        spec:
          Cluster: podnet
          AmiType: WINDOWS_CORE_2022_x86_64
          InstanceTypes: [m5.large]
          Subnets: [private-us-west-2a]
          DesiredSize: 1
          Taints: [{key: os, value: windows, effect: NO_SCHEDULE}]
        """;

    /// <summary>Two IIS pods for the Windows node, labelled so the example's SecurityGroupPolicy selects them.</summary>
    internal const string WindowsApp = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: iis, namespace: my-namespace}
        spec:
          replicas: 2
          selector: {matchLabels: {app: iis}}
          template:
            metadata: {labels: {app: iis, role: my-role}}
            spec:
              nodeSelector: {kubernetes.io/os: windows}
              tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
              containers:
              - name: iis
                image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
                ports: [{containerPort: 80}]
        """;

    internal static string WithWindowsIpam(string text)
        => text.Replace("  ConfigurationValues:\n    env:", "  ConfigurationValues:\n    enableWindowsIpam: \"true\"\n    env:", StringComparison.Ordinal);

    private static string WithWindowsPrefixDelegation(string text)
        => text.Replace("  ConfigurationValues:\n    env:", "  ConfigurationValues:\n    enableWindowsIpam: \"true\"\n    enableWindowsPrefixDelegation: \"true\"\n    env:", StringComparison.Ordinal);

    private static NodeView WindowsNode(Podnet.World.World world)
        => new(Assert.Single(world.ControlPlane.Store.List("v1", "Node").Items, n => n.Labels.GetValueOrDefault("eks.amazonaws.com/nodegroup") == "ng-windows"));

    private static List<PodView> IisPods(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).Where(p => p.Object.Labels.GetValueOrDefault("app") == "iis").OrderBy(p => p.Name, StringComparer.Ordinal)];

    private static List<(string? Type, string? Reason, string? Message)> Events(Podnet.World.World world, KubeObject about)
        => [.. world.ControlPlane.Events.About(about).Select(e => (e.GetString("type"), e.GetString("reason"), e.GetString("message")))];

    [Fact]
    public void WindowsAmiType_RegistersWindowsNodes_WithoutAwsNodeOrKubeProxy()
    {
        var world = ExampleWorlds.Load(Example, WithWindowsIpam, WindowsNodeGroup);
        var store = world.ControlPlane.Store;
        var node = WindowsNode(world);
        Assert.True(node.IsReady, "the Windows node is not Ready: its vpc-bridge plugin needs no aws-node");
        Assert.Equal("windows", node.Object.Labels["kubernetes.io/os"]);
        Assert.Equal("windows", node.Object.Labels["beta.kubernetes.io/os"]);
        Assert.Equal("10.0.20348", node.Object.Labels["node.kubernetes.io/windows-build"]);
        Assert.Equal("windows", node.Object["status.nodeInfo.operatingSystem"]!.GetValue<string>());
        Assert.Equal("Windows Server 2022 Datacenter", node.Object["status.nodeInfo.osImage"]!.GetValue<string>());
        Assert.Equal("WINDOWS_CORE_2022_x86_64", world.Cloud!.Eks.DescribeNodegroup("podnet", "ng-windows").AmiType);

        // m5.large: 10 IPv4 addresses per interface; a Windows node uses one interface, less its primary address.
        Assert.Equal(9m, node.Capacity["pods"]);
        Assert.Equal(29m, new NodeView(store.List("v1", "Node").Items.First(n => n.Labels["kubernetes.io/os"] == "linux")).Capacity["pods"]);

        // Only the node group's own taint (the not-ready taint is gone once the node is Ready).
        var taint = Assert.Single(node.Taints);
        Assert.Equal(("os", "windows", "NoSchedule"), (taint.Key, taint.Value, taint.Effect));

        // aws-node and kube-proxy: nodeAffinity kubernetes.io/os In [linux] keeps them on the three Linux nodes.
        foreach (var daemonSet in new[] { "aws-node", "kube-proxy" })
        {
            var pods = store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).Where(p => p.Name.StartsWith(daemonSet + "-", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, pods.Count);
            Assert.DoesNotContain(pods, p => p.NodeName == node.Name);
        }

        // No trunk: the branch provider takes Linux nodes only.
        Assert.False(node.Object.Labels.ContainsKey("vpc.amazonaws.com/has-trunk-attached"));
        Assert.False(node.Capacity.ContainsKey("vpc.amazonaws.com/pod-eni"));
    }

    [Fact]
    public void WindowsIpamEnabled_PodsGetSecondaryAddressOfPrimaryInterface_AndNoSecurityGroups()
    {
        var world = ExampleWorlds.Load(Example, WithWindowsIpam, WindowsNodeGroup, WindowsApp);
        var node = WindowsNode(world);
        Assert.Equal(9m, node.Capacity["vpc.amazonaws.com/PrivateIPv4Address"]);
        Assert.Equal(9m, node.Allocatable["vpc.amazonaws.com/PrivateIPv4Address"]);
        var nodeEvents = Events(world, node.Object);
        Assert.Contains(nodeEvents, e => e.Reason == "ControllerVersionNotice" && e.Message!.StartsWith("The node is managed by VPC resource controller version ", StringComparison.Ordinal));
        Assert.DoesNotContain(nodeEvents, e => e.Reason == "Unsupported");

        var primary = Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", node.InstanceId!))));
        var pods = IisPods(world);
        Assert.Equal(2, pods.Count);
        foreach (var pod in pods)
        {
            Assert.Equal("Running", pod.Phase);
            Assert.Equal(node.Name, pod.NodeName);

            // The webhook's HandleWindowsPod: the IPv4 resource, never pod-eni, although the policy selects the pod.
            var resources = pod.Containers[0]["resources"]!;
            Assert.Equal("1", resources["requests"]!["vpc.amazonaws.com/PrivateIPv4Address"]!.GetValue<string>());
            Assert.Equal("1", resources["limits"]!["vpc.amazonaws.com/PrivateIPv4Address"]!.GetValue<string>());
            Assert.Null(resources["requests"]!["vpc.amazonaws.com/pod-eni"]);
            Assert.False(pod.Object.Annotations.ContainsKey("vpc.amazonaws.com/pod-eni"));

            // The annotation carries the address with the subnet's prefix length; the pod runs with that address.
            Assert.Equal($"{pod.PodIP}/19", pod.Object.Annotations["vpc.amazonaws.com/PrivateIPv4Address"]);
            Assert.Contains(primary.PrivateIpAddresses, a => !a.Primary && a.PrivateIpAddress == pod.PodIP);
            var events = Events(world, pod.Object);
            Assert.Contains(("Normal", "ResourceAllocated", $"Allocated Resource vpc.amazonaws.com/PrivateIPv4Address: {pod.PodIP}/19 to the pod"), events);
            Assert.DoesNotContain(events, e => e.Reason == "FailedCreatePodSandBox");
        }

        // The warm pool on the primary interface: the EKS ConfigMap's warm-ip-target 1 and minimum-ip-target 3 with
        // two pods: max(3, 2 + 1) = 3 secondary addresses.
        Assert.Equal(3, primary.PrivateIpAddresses.Count(a => !a.Primary));

        // reach judges a Windows pod by the interface that holds its address: the node's primary one, with its groups.
        var clusterGroup = world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId;
        var result = new Reachability(world).Evaluate($"my-namespace/{pods[0].Name}", $"my-namespace/{pods[1].Name}", "80");
        Assert.Null(result.ErrorMessage);
        Assert.Contains(result.Hops, h => h.Step == "securitygroups" && h.Detail.StartsWith("same node", StringComparison.Ordinal));
        var linux = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).First(p => p.Object.Labels.GetValueOrDefault("app") == "my-app");
        var toWindows = new Reachability(world).Evaluate($"my-namespace/{linux.Name}", $"my-namespace/{pods[0].Name}", "80");
        Assert.Contains(toWindows.Hops, h => h.Step == "ingress" && h.Detail.Contains($"its primary interface {primary.NetworkInterfaceId}", StringComparison.Ordinal) && h.Detail.Contains(clusterGroup, StringComparison.Ordinal));
        var outbound = new Reachability(world).Evaluate($"my-namespace/{pods[0].Name}", "1.1.1.1", "443");
        Assert.Contains(outbound.Hops, h => h.Step == "egress" && h.Detail.Contains($"SNAT to the node's primary address {primary.PrivateIpAddress} (the Windows vpc-bridge plugin's outbound NAT", StringComparison.Ordinal));

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == WindowsSecurityGroupPods.Id);
        Assert.Equal($"Pod my-namespace/{pods[0].Name} (and 1 more with the same groups)", finding.Object);
    }

    [Fact]
    public void WindowsNode_CachedServercoreImage_StartsAlreadyPresent_IisImagePulls()
    {
        // The EKS user guide: the Windows AMIs cache pause-windows, nanoserver and servercore for containerd.
        const string ServerCore = """
            apiVersion: v1
            kind: Pod
            metadata: {name: servercore, namespace: my-namespace}
            spec:
              nodeSelector: {kubernetes.io/os: windows}
              tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
              containers:
              - name: shell
                image: mcr.microsoft.com/windows/servercore:ltsc2022
            """;
        var world = ExampleWorlds.Load(Example, WithWindowsIpam, WindowsNodeGroup, WindowsApp, ServerCore);
        var store = world.ControlPlane.Store;
        var servercore = store.TryGet(store.Resources.For("v1", "Pod"), "my-namespace", "servercore")!;

        Assert.Equal("Running", PodView.Of(servercore).Phase);
        var images = Events(world, servercore).Where(e => e.Reason is "Pulling" or "Pulled").ToList();
        Assert.Equal([("Normal", "Pulled", "Container image \"mcr.microsoft.com/windows/servercore:ltsc2022\" already present on machine")], images);
        Assert.All(IisPods(world), pod => Assert.Contains(Events(world, pod.Object), e => e == ("Normal", "Pulling", "Pulling image \"mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\"")));
    }

    [Fact]
    public void WindowsPrefixDelegation_NodeAdvertisesSixteenPerAddress_PodsGetSlash32sOfOnePrefix()
    {
        var world = ExampleWorlds.Load(Example, WithWindowsPrefixDelegation, WindowsNodeGroup, WindowsApp);
        var node = WindowsNode(world);

        // getCapacity × NumIPv4AddrPerPrefix: an m5.large interface holds 10 addresses, 9 besides its primary one.
        Assert.Equal(144m, node.Capacity["vpc.amazonaws.com/PrivateIPv4Address"]);
        Assert.Equal(144m, node.Allocatable["vpc.amazonaws.com/PrivateIPv4Address"]);

        // Two pods + warm-ip-target 1, minimum-ip-target 3: one /28, and no secondary addresses.
        var primary = Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", node.InstanceId!))));
        var prefix = Assert.Single(primary.Ipv4Prefixes).Ipv4Prefix;
        Assert.DoesNotContain(primary.PrivateIpAddresses, a => !a.Primary);
        var addresses = Podnet.ResourceController.WindowsPrefixPool.Deconstruct(prefix);
        var pods = IisPods(world);
        Assert.Equal(2, pods.Count);
        Assert.Equal([addresses[0], addresses[1]], pods.Select(p => p.PodIP).Order(StringComparer.Ordinal));
        foreach (var pod in pods)
        {
            Assert.Equal("Running", pod.Phase);
            Assert.Equal($"{pod.PodIP}/32", pod.Object.Annotations["vpc.amazonaws.com/PrivateIPv4Address"]);
            Assert.Contains(("Normal", "ResourceAllocated", $"Allocated Resource vpc.amazonaws.com/PrivateIPv4Address: {pod.PodIP}/32 to the pod"), Events(world, pod.Object));
        }
    }

    [Fact]
    public void WindowsPrefixDelegation_SubnetWithoutAFreeSlash28_NodeGetsTheControllersInsufficientCidrBlocksEvent()
    {
        // A /28 subnet: AWS keeps five of its addresses and the node takes one, so no aligned /28 is free. The resource
        // controller tells it on the node (pkg/provider/prefix/provider.go, utils.ErrInsufficientCidrBlocks) and the
        // pods wait for an address.
        const string TinySubnet = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Subnet
            metadata: {name: tiny-us-west-2a}
            spec: {Vpc: podnet-vpc, CidrBlock: 192.168.200.0/28, AvailabilityZone: us-west-2a}
            """;
        var world = ExampleWorlds.Load(Example, WithWindowsPrefixDelegation, TinySubnet, WindowsNodeGroup.Replace("[private-us-west-2a]", "[tiny-us-west-2a]", StringComparison.Ordinal), WindowsApp);
        var node = WindowsNode(world);

        Assert.Contains(("Warning", "InsufficientCidrBlocks", "InsufficientCidrBlocks: The specified subnet does not have enough free cidr blocks to satisfy the request"), Events(world, node.Object));
        var pods = IisPods(world);
        Assert.Equal(2, pods.Count);
        Assert.All(pods, pod =>
        {
            Assert.Null(pod.PodIP);
            Assert.Contains(("Warning", "ResourceAllocationFailed", "Warm pool for resource vpc.amazonaws.com/PrivateIPv4Address is currently empty because the specified subnet does not have enough free cidr blocks, will retry in 2m0s"), Events(world, pod.Object));
        });
    }

    [Fact]
    public void WindowsPrefixDelegation_TurnedOnLater_SecondaryPoolDrains_NewPodsComeFromAPrefix()
    {
        var world = ExampleWorlds.Load(Example, WithWindowsIpam, WindowsNodeGroup, WindowsApp);
        var node = WindowsNode(world);
        var store = world.ControlPlane.Store;
        var before = IisPods(world).Select(p => p.PodIP).ToHashSet(StringComparer.Ordinal);
        store.Patch(store.Resources.For("v1", "ConfigMap"), "kube-system", "amazon-vpc-cni", PatchType.Merge,
            System.Text.Json.Nodes.JsonNode.Parse("""{"data":{"enable-windows-prefix-delegation":"true"}}""")!.AsObject(), RequestContext.Admin);
        store.Patch(store.Resources.For("apps/v1", "Deployment"), "my-namespace", "iis", PatchType.Merge,
            System.Text.Json.Nodes.JsonNode.Parse("""{"spec":{"replicas":3}}""")!.AsObject(), RequestContext.Admin);
        world.Settle();

        var primary = Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", node.InstanceId!))));
        var prefix = Assert.Single(primary.Ipv4Prefixes).Ipv4Prefix;

        // The two pods keep their secondary addresses; the free ones went back; the third pod has a /32 of the prefix.
        Assert.Equal(before.Order(StringComparer.Ordinal), primary.PrivateIpAddresses.Where(a => !a.Primary).Select(a => a.PrivateIpAddress).Order(StringComparer.Ordinal));
        Assert.Equal(144m, WindowsNode(world).Capacity["vpc.amazonaws.com/PrivateIPv4Address"]);
        var added = Assert.Single(IisPods(world), p => !before.Contains(p.PodIP!));
        Assert.Equal("Running", added.Phase);
        Assert.Contains(added.PodIP, Podnet.ResourceController.WindowsPrefixPool.Deconstruct(prefix));
        Assert.Equal($"{added.PodIP}/32", added.Object.Annotations["vpc.amazonaws.com/PrivateIPv4Address"]);
    }

    [Fact]
    public void WindowsIpamDisabled_PodsStayContainerCreating_WithTheConnectorsError()
    {
        var world = ExampleWorlds.Load(Example, null, WindowsNodeGroup, WindowsApp);
        var node = WindowsNode(world);
        Assert.True(node.IsReady);
        Assert.False(node.Capacity.ContainsKey("vpc.amazonaws.com/PrivateIPv4Address"));
        Assert.DoesNotContain(Events(world, node.Object), e => e.Reason == "ControllerVersionNotice");

        foreach (var pod in IisPods(world))
        {
            Assert.Equal("Pending", pod.Phase);
            Assert.Equal(node.Name, pod.NodeName);
            Assert.Null(pod.PodIP);
            Assert.Null(pod.Containers[0]["resources"]?["requests"]?["vpc.amazonaws.com/PrivateIPv4Address"]);
            Assert.Equal("ContainerCreating", pod.Object["status.containerStatuses"]![0]!["state"]!["waiting"]!["reason"]!.GetValue<string>());
            var failed = world.ControlPlane.Events.About(pod.Object).Last(e => e.GetString("reason") == "FailedCreatePodSandBox");
            Assert.EndsWith(
                $"\": plugin type=\"vpc-bridge\" name=\"vpc\" failed (add): failed to parse Kubernetes args: failed to get pod IP address {pod.Name}: error executing k8s connector: error executing connector binary: exit status 1 with execution error: pod {pod.Name} does not have label vpc.amazonaws.com/PrivateIPv4Address",
                failed.GetString("message"),
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WindowsIpam_PodDeleted_AddressCoolsDownThenServesTheNextPod()
    {
        var world = ExampleWorlds.Load(Example, WithWindowsIpam, WindowsNodeGroup, WindowsApp);
        var store = world.ControlPlane.Store;
        var pool = world.WindowsIpam!.Pools[WindowsNode(world).Name];
        var first = IisPods(world)[0];
        Assert.Equal(2, pool.Used.Count);
        store.Delete(first.Object, DeleteOptions.Now);
        world.Settle();

        // The ReplicaSet's replacement took a warm address at once; the old one cooled down 30 s and is warm again.
        var pods = IisPods(world);
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("Running", p.Phase));
        Assert.DoesNotContain(pods, p => p.PodIP == first.PodIP);
        Assert.Empty(pool.Cooling);
        Assert.Contains(first.PodIP!, pool.Warm);
        Assert.Equal(2, pool.Used.Count);
    }

    [Fact]
    public void WindowsIpamAnnotation_ChangedByAUser_IsDeniedOnlyWhileWindowsIpamIsEnabled()
    {
        // vpod.vpc.k8s.aws guards vpc.amazonaws.com/PrivateIPv4Address only with Windows IPAM on (an old self-managed
        // controller's annotations must pass otherwise).
        var enabled = ExampleWorlds.Load(Example, WithWindowsIpam, WindowsNodeGroup, WindowsApp);
        var pod = IisPods(enabled)[0];
        var denied = Assert.Throws<KubeException>(() => enabled.ControlPlane.Store.Update(pod.Object.WithAnnotation("vpc.amazonaws.com/PrivateIPv4Address", "192.168.64.200/19"), RequestContext.Admin));
        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: annotation is not set by vpc-resource-controller", denied.Message);
        var created = Assert.Throws<KubeException>(() => enabled.ControlPlane.Store.Create(KubeObject.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"preset","namespace":"my-namespace","annotations":{"vpc.amazonaws.com/PrivateIPv4Address":"192.168.64.200/19"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"""), RequestContext.Admin));
        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: pod cannot be created with vpc.amazonaws.com/PrivateIPv4Address annotation", created.Message);

        var disabled = ExampleWorlds.Load(Example, null, WindowsNodeGroup, WindowsApp);
        var other = IisPods(disabled)[0];
        var annotated = disabled.ControlPlane.Store.Update(other.Object.WithAnnotation("vpc.amazonaws.com/PrivateIPv4Address", "192.168.64.200/19"), RequestContext.Admin);
        Assert.Equal("192.168.64.200/19", annotated.Annotations["vpc.amazonaws.com/PrivateIPv4Address"]);
    }

    [Fact]
    public void NodeGroup_UnknownAmiType_IsEksValidationError()
    {
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load(Example, null, WindowsNodeGroup.Replace("WINDOWS_CORE_2022_x86_64", "WINDOWS_2022", StringComparison.Ordinal)));
        Assert.Contains("ValidationException: 1 validation error detected: Value 'WINDOWS_2022' at 'amiType' failed to satisfy constraint: Member must satisfy enum value set: [AL2_x86_64, AL2_x86_64_GPU, AL2_ARM_64, CUSTOM, ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowsIpam_Ec2Calls_WaitTheirTurnInTheControllersTokenBucket()
    {
        // Twenty Windows nodes at once: each pool's start takes two calls (its interfaces, its subnet) and its first fill
        // one, 60 calls of the user client, whose bucket holds 18 and refills 12 a second (the branch calls of the
        // example's pods share it). The last pool fills at least (60 - 18) / 12 = 3.5 s after the start, so the
        // allocations spread over seconds; a single node's pool fills in the first second.
        const string Agent = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: win-agent, namespace: my-namespace}
            spec:
              selector: {matchLabels: {app: win-agent}}
              template:
                metadata: {labels: {app: win-agent}}
                spec:
                  nodeSelector: {kubernetes.io/os: windows}
                  tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
                  containers:
                  - name: agent
                    image: mcr.microsoft.com/windows/servercore:ltsc2022
            """;
        TimeSpan LastAllocation(int nodes)
        {
            var world = ExampleWorlds.Load(Example, WithWindowsIpam, WindowsNodeGroup.Replace("DesiredSize: 1", $"DesiredSize: {nodes}\n  MaxSize: {nodes}", StringComparison.Ordinal), Agent);
            var agents = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Where(p => p.Labels.GetValueOrDefault("app") == "win-agent").ToList();
            Assert.Equal(nodes, agents.Count);
            Assert.All(agents, p => Assert.Equal("Running", PodView.Of(p).Phase));
            // From the first agent's creation (the nodes registered together, the DaemonSet made their pods at once).
            var start = agents.Min(p => p.CreationTimestamp!.Value);
            return agents.Select(p => DateTimeOffset.Parse(world.ControlPlane.Events.About(p).Single(e => e.GetString("reason") == "ResourceAllocated").GetString("firstTimestamp")!, System.Globalization.CultureInfo.InvariantCulture) - start).Max();
        }

        Assert.True(LastAllocation(20) >= TimeSpan.FromSeconds(3), $"the last of 20 pools filled {LastAllocation(20)} after the start");
        Assert.Equal(TimeSpan.Zero, LastAllocation(1));
    }
}
