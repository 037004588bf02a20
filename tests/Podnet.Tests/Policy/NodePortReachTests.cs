using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11: a node's address and a Service's <c>nodePort</c> as <c>reach</c> takes them, as kube-proxy (iptables mode)
/// handles them on THAT node (kubernetes/kubernetes pkg/proxy/iptables/proxier.go <c>syncProxyRules</c>: KUBE-NODEPORTS,
/// KUBE-EXT-*, the masquerade mark; pkg/proxy/topology.go <c>CategorizeEndpoints</c> under
/// <c>externalTrafficPolicy: Local</c>), after the client's way into the node through its security groups, and the
/// forwarded leg to each endpoint. Worlds: examples/hello-eks (three nodes, a web replica on each, two CoreDNS pods on
/// two of them) and examples/security-groups-for-pods (four pods with security groups in strict mode).
/// </summary>
public class NodePortReachTests
{
    private const string Client = "203.0.113.10";

    /// <summary>The cluster security group (every node's) admits the node port range from the clients' network, TCP and UDP.</summary>
    internal const string NodePortsFromClients = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroupIngress
        metadata: {name: nodeports-from-clients}
        spec:
          ClusterSecurityGroup: podnet
          IpPermissions:
          - {IpProtocol: tcp, FromPort: 30000, ToPort: 32767, IpRanges: [{CidrIp: 203.0.113.0/24}]}
          - {IpProtocol: udp, FromPort: 30000, ToPort: 32767, IpRanges: [{CidrIp: 203.0.113.0/24}]}
        """;

    /// <summary>shop/web as a NodePort Service on 30080, with <paramref name="policy"/> as its externalTrafficPolicy (null: the default, Cluster).</summary>
    private static string WebNodePort(string? policy) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: web-public, namespace: shop}
        spec:
          type: NodePort
        {{(policy is null ? string.Empty : $"  externalTrafficPolicy: {policy}\n")}}  selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: http, nodePort: 30080}
        """;

    /// <summary>CoreDNS behind a NodePort Service on UDP 30053 with externalTrafficPolicy Local: two of the three nodes have an endpoint.</summary>
    private const string DnsNodePortLocal = """
        apiVersion: v1
        kind: Service
        metadata: {name: dns-public, namespace: kube-system}
        spec:
          type: NodePort
          externalTrafficPolicy: Local
          selector: {k8s-app: kube-dns}
          ports:
          - {name: dns, port: 53, protocol: UDP, nodePort: 30053}
        """;

    /// <summary>my-app of examples/security-groups-for-pods as a NodePort Service on 30080 with externalTrafficPolicy <paramref name="policy"/>.</summary>
    private static string MyAppNodePort(string policy) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: my-app-public, namespace: my-namespace}
        spec:
          type: NodePort
          externalTrafficPolicy: {{policy}}
          selector: {app: my-app}
          ports:
          - {name: http, port: 80, targetPort: 80, nodePort: 30080}
        """;

    /// <summary>The pods' security group admits port 80 from the clients' network only (not from the nodes).</summary>
    private const string PodsAdmitClients = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroupIngress
        metadata: {name: web-from-clients}
        spec:
          GroupId: my-pod-security-group
          IpPermissions:
          - {IpProtocol: tcp, FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: 203.0.113.0/24}]}
        """;

    private static string Text(ReachResult result) => string.Join("\n", result.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"));

    private static List<PodView> Pods(Podnet.World.World world, string ns, string prefix)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))
            .Where(p => p.PodIP is not null && p.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    private static NodeView Node(Podnet.World.World world, string name)
        => new(world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Node"), null, name)!);

    /// <summary>The pods kube-proxy's DNAT reaches: the hops <c>ADDRESS:PORT → NS/POD …</c>.</summary>
    private static List<string> Translations(ReachResult result)
        => [.. result.Hops.Where(h => h.Step == "service" && h.Detail.Contains(" → ", StringComparison.Ordinal)).Select(h => h.Detail[(h.Detail.IndexOf(" → ", StringComparison.Ordinal) + 3)..].Split(' ')[0])];

    /// <summary>shop/web takes port 80 from the clients' network only.</summary>
    private const string WebFromClientsOnly = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-from-clients, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
          ingress:
          - from: [{ipBlock: {cidr: 203.0.113.0/24}}]
            ports: [{port: 80}]
        """;

    /// <summary>
    /// Under the network policy agent both legs see the node's address
    /// (<see cref="NetworkPolicy_SeesTheNodesAddressUnderCluster_AndTheClientsUnderLocal"/>); Calico judges the leg to the
    /// pod of the translating node in its FORWARD chain, before the masquerade.
    /// </summary>
    [Fact]
    public void Cluster_UnderCalico_ThePodOfTheNodeIsJudgedWithTheClientsAddress_ThePodOfAnotherNodeWithTheNodes()
    {
        var world = ExampleWorlds.Load("hello-eks", null, ExampleWorlds.CalicoDaemonSet, WebNodePort(null), NodePortsFromClients, WebFromClientsOnly);
        var web = Pods(world, "shop", "web-");
        var node = Node(world, web[0].NodeName!);
        var local = web.Single(p => p.NodeName == node.Name);
        var other = web.First(p => p.NodeName != node.Name);
        var reach = new Reachability(world);
        Assert.Equal(NetworkPolicyEnforcer.Calico, reach.Enforcer);

        var result = reach.Evaluate(Client, $"node/{node.Name}", "30080");

        Assert.False(result.Allowed, Text(result));
        Assert.Contains(new Hop("service", true, $"{node.InternalIP}:30080 → shop/{local.Name} {local.PodIP}:80 (kube-proxy on {node.Name}, source {node.InternalIP}; Calico judges the pod's ingress policy in the FORWARD chain, after the DNAT and before KUBE-POSTROUTING's MASQUERADE, so with the client's address {Client})"), result.Hops);
        var toLocal = Assert.Single(result.Hops, h => h.Step == $"to {local.Name}: networkpolicy");
        Assert.True(toLocal.Allowed, toLocal.Detail);
        Assert.StartsWith($"{Client} -> shop/{local.Name} TCP/80: allowed", toLocal.Detail, StringComparison.Ordinal);
        var toOther = Assert.Single(result.Hops, h => h.Step == $"to {other.Name}: networkpolicy");
        Assert.False(toOther.Allowed);
        Assert.StartsWith($"{node.InternalIP} -> shop/{other.Name} TCP/80: denied", toOther.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_FromAnOutsideAddress_IsAllowed_ToEveryEndpoint_MasqueradedToTheNodesAddress()
    {
        var world = ExampleWorlds.Load("hello-eks", null, WebNodePort(null), NodePortsFromClients);
        var web = Pods(world, "shop", "web-");
        var node = Node(world, web[0].NodeName!);
        var address = node.InternalIP!;

        var result = new Reachability(world).Evaluate(Client, $"node/{node.Name}", "30080");

        Assert.True(result.Allowed, Text(result));
        Assert.Equal(("ingress", true), (result.Hops[1].Step, result.Hops[1].Allowed));
        Assert.StartsWith($"node/{node.Name} via the node's primary interface eni-", result.Hops[1].Detail, StringComparison.Ordinal);
        Assert.EndsWith("ingress TCP/30000-32767 from 203.0.113.0/24", result.Hops[1].Detail, StringComparison.Ordinal);
        Assert.Equal(new Hop("service", true, $"{address}:30080 is NodePort 30080 of Service shop/web-public (port 80/TCP): kube-proxy on {node.Name} translates it (KUBE-NODEPORTS rule \"shop/web-public:http\", then KUBE-EXT-{KubeProxyChains.Hash("shop/web-public:http", "tcp")}); externalTrafficPolicy Cluster: the rule \"masquerade traffic for shop/web-public:http external destinations\" marks it for masquerade (KUBE-MARK-MASQ), then KUBE-SVC-{KubeProxyChains.Hash("shop/web-public:http", "tcp")} sends it to any ready endpoint; KUBE-POSTROUTING's MASQUERADE gives it {node.Name}'s address {address}: the endpoint sees {address}, not {Client}"), result.Hops[2]);
        Assert.Equal([.. web.Select(p => $"shop/{p.Name}")], Translations(result).Order(StringComparer.Ordinal));
        Assert.Contains(new Hop("service", true, $"{address}:30080 → shop/{web[0].Name} {web[0].PodIP}:80 (kube-proxy on {node.Name}, source {address})"), result.Hops);

        // The leg to a replica on another node leaves the node's interface with the node's address, not the client's.
        var other = web.First(p => p.NodeName != node.Name);
        var egress = Assert.Single(result.Hops, h => h.Step == $"to {other.Name}: egress");
        Assert.StartsWith($"node/{node.Name} via the node's primary interface", egress.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Hops, h => h.Step.StartsWith("to ", StringComparison.Ordinal) && h.Detail.Contains(Client, StringComparison.Ordinal));
    }

    [Fact]
    public void Cluster_PodWithSecurityGroups_SeesTheNodesAddress_SoGroupsAdmittingOnlyTheClientsDenyIt()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", null, MyAppNodePort("Cluster"), NodePortsFromClients, PodsAdmitClients);
        var pod = Pods(world, "my-namespace", "my-deployment-")[0];
        var node = Node(world, pod.NodeName!);

        var result = new Reachability(world).Evaluate(Client, node.InternalIP!, "30080");

        Assert.False(result.Allowed);
        var ingress = Assert.Single(result.Hops, h => h.Step == $"to {pod.Name}: ingress");
        Assert.False(ingress.Allowed);
        Assert.StartsWith($"my-namespace/{pod.Name} via its branch interface eni-", ingress.Detail, StringComparison.Ordinal);
        Assert.Contains($"allows TCP/80 from {node.InternalIP};", ingress.Detail, StringComparison.Ordinal);

        // The same pod's own address from the client is admitted: the denial is the masquerade's.
        Assert.True(new Reachability(world).Evaluate(Client, pod.PodIP!, "80").Allowed);
    }

    [Fact]
    public void NetworkPolicy_SeesTheNodesAddressUnderCluster_AndTheClientsUnderLocal()
    {
        // The VPC CNI's network policy agent enforces a policy that admits shop/web only from the clients' network.
        const string policy = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Addon
            metadata: {name: vpc-cni}
            spec: {ConfigurationValues: {enableNetworkPolicy: "true"}}
            ---

            """ + WebFromClientsOnly;
        var cluster = ExampleWorlds.Load("hello-eks", null, WebNodePort("Cluster"), NodePortsFromClients, policy);
        var web = Pods(cluster, "shop", "web-")[0];
        var node = Node(cluster, web.NodeName!);
        var elsewhere = Pods(cluster, "shop", "web-").First(p => p.NodeName != web.NodeName);

        var masqueraded = new Reachability(cluster).Evaluate(Client, node.InternalIP!, "30080");

        // Masqueraded to the node's address: a web pod on another node sees an address its policy does not admit; the
        // one on this node sees its own node's, which the network policy agent always lets in.
        Assert.False(masqueraded.Allowed);
        var denied = Assert.Single(masqueraded.Hops, h => h.Step == $"to {elsewhere.Name}: networkpolicy");
        Assert.False(denied.Allowed);
        Assert.StartsWith($"{node.InternalIP} -> shop/{elsewhere.Name} TCP/80: denied;", denied.Detail, StringComparison.Ordinal);
        var ownNode = Assert.Single(masqueraded.Hops, h => h.Step == $"to {web.Name}: networkpolicy");
        Assert.True(ownNode.Allowed);
        Assert.StartsWith($"{node.InternalIP} is the primary address of {node.Name}, the node shop/{web.Name} runs on: the network policy agent allows the pod's own node in, whatever the NetworkPolicies say", ownNode.Detail, StringComparison.Ordinal);

        var local = ExampleWorlds.Load("hello-eks", null, WebNodePort("Local"), NodePortsFromClients, policy);
        var kept = new Reachability(local).Evaluate(Client, node.InternalIP!, "30080");

        Assert.True(kept.Allowed, Text(kept));
        Assert.True(Assert.Single(kept.Hops, h => h.Step == $"to {web.Name}: networkpolicy").Allowed);
    }

    [Fact]
    public void Local_OnANodeWithAnEndpoint_ReachesOnlyIt_WithTheClientsAddressKept()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsNodePortLocal, NodePortsFromClients);
        var dns = Pods(world, "kube-system", "coredns-");
        var local = dns[0];
        var other = dns[1];
        var node = Node(world, local.NodeName!);
        Assert.NotEqual(local.NodeName, other.NodeName);

        var result = new Reachability(world).Evaluate(Client, node.InternalIP!, "30053/udp");

        Assert.True(result.Allowed, Text(result));
        var hash = KubeProxyChains.Hash("kube-system/dns-public:dns", "udp");
        Assert.Equal(new Hop("service", true, $"{node.InternalIP}:30053 is NodePort 30053 of Service kube-system/dns-public (port 53/UDP): kube-proxy on {node.Name} translates it (KUBE-NODEPORTS rule \"kube-system/dns-public:dns\", then KUBE-EXT-{hash}); externalTrafficPolicy Local: only its ready endpoints on {node.Name} (KUBE-SVL-{hash}): kube-system/{local.Name}; not kube-system/{other.Name} on {other.NodeName}; no masquerade: the endpoint sees the client's address {Client}"), result.Hops[2]);
        Assert.Equal([$"kube-system/{local.Name}"], Translations(result));
        Assert.Equal(new Hop($"to {local.Name}: securitygroups", true, $"kube-proxy on {node.Name} delivers it to kube-system/{local.Name} on the node itself, from {Client}: it crosses no other VPC interface, so no other security group is involved"), result.Hops[^1]);
    }

    [Fact]
    public void Local_OnANodeWithoutAnEndpoint_IsDroppedByKubeProxysNoLocalEndpointsRule_TheClientTimesOut()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsNodePortLocal, NodePortsFromClients);
        var dns = Pods(world, "kube-system", "coredns-");
        var lonely = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).Single(n => dns.All(p => p.NodeName != n.Name));

        var result = new Reachability(world).Evaluate(Client, $"node/{lonely.Name}", "30053/udp");

        Assert.False(result.Allowed);
        var elsewhere = string.Join(", ", dns.Select(p => $"kube-system/{p.Name} on {p.NodeName}"));
        Assert.Equal(new Hop("service", false, $"{lonely.InternalIP}:30053 is NodePort 30053 of Service kube-system/dns-public (port 53/UDP), whose externalTrafficPolicy is Local, and none of its ready endpoints is on {lonely.Name} ({elsewhere}): kube-proxy's filter rule \"kube-system/dns-public:dns has no local endpoints\" (KUBE-EXTERNAL-SERVICES) drops it (DROP, not REJECT): nothing answers, the connection times out"), result.Hops[^1]);
        Assert.True(result.Hops[1].Allowed, Text(result));
        Assert.Empty(Translations(result));
    }

    [Fact]
    public void Local_FromTheNodeItself_GoesToAnyEndpoint_Masqueraded_AsKubeProxysRouteLocalTrafficRule()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsNodePortLocal);
        var dns = Pods(world, "kube-system", "coredns-");
        var lonely = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).Single(n => dns.All(p => p.NodeName != n.Name));

        var result = new Reachability(world).Evaluate($"node/{lonely.Name}", $"node/{lonely.Name}", "30053/udp");

        Assert.True(result.Allowed, Text(result));
        Assert.Contains($"externalTrafficPolicy Local, but the connection comes from {lonely.Name} itself (src-type LOCAL): the rule \"masquerade LOCAL traffic for kube-system/dns-public:dns external destinations\"", result.Hops.Single(h => h.Step == "service" && h.Detail.Contains("NodePort", StringComparison.Ordinal)).Detail, StringComparison.Ordinal);
        Assert.Equal([.. dns.Select(p => $"kube-system/{p.Name}")], Translations(result).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NodeSecurityGroupWithoutTheNodePortRange_DeniesTheClientAtTheNode_BeforeKubeProxy()
    {
        var world = ExampleWorlds.Load("hello-eks", null, WebNodePort(null));
        var node = Node(world, Pods(world, "shop", "web-")[0].NodeName!);

        var result = new Reachability(world).Evaluate(Client, node.InternalIP!, "30080");

        Assert.False(result.Allowed);
        var ingress = result.Hops[^1];
        Assert.Equal("ingress", ingress.Step);
        Assert.False(ingress.Allowed);
        Assert.StartsWith($"node/{node.Name} via the node's primary interface eni-", ingress.Detail, StringComparison.Ordinal);
        Assert.Contains($"allows TCP/30080 from {Client}; to allow it, add an ingress rule to sg-", ingress.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Hops, h => h.Step == "service");
    }

    [Fact]
    public void NoReadyEndpoints_IsRejectedByKubeProxysNoEndpointsRule()
    {
        var world = ExampleWorlds.Load("hello-eks", null, NodePortsFromClients, """
            apiVersion: v1
            kind: Service
            metadata: {name: idle, namespace: shop}
            spec:
              type: NodePort
              selector: {app: nothing}
              ports: [{name: api, port: 8080, nodePort: 31000}]
            """);
        var node = Node(world, Pods(world, "shop", "web-")[0].NodeName!);

        var result = new Reachability(world).Evaluate(Client, node.InternalIP!, "31000");

        Assert.False(result.Allowed);
        Assert.Equal(new Hop("service", false, $"{node.InternalIP}:31000 is NodePort 31000 of Service shop/idle (port 8080/TCP), which has no ready endpoints: kube-proxy's filter rule \"shop/idle:api has no endpoints\" (KUBE-EXTERNAL-SERVICES) on {node.Name} rejects it (REJECT, icmp-port-unreachable): the connection is refused"), result.Hops[^1]);
    }

    [Fact]
    public void APortNoServiceHasAsNodePort_IsAConnectionToTheNode_AsBefore()
    {
        var world = ExampleWorlds.Load("hello-eks", null, WebNodePort(null), NodePortsFromClients);
        var node = Node(world, Pods(world, "shop", "web-")[0].NodeName!);

        var result = new Reachability(world).Evaluate(Client, node.InternalIP!, "30081");

        Assert.True(result.Allowed, Text(result));
        Assert.DoesNotContain(result.Hops, h => h.Step == "service");
        Assert.Equal(2, result.Hops.Count);
    }

    [Fact]
    public void Local_PodWithSecurityGroupsInStrictMode_IsReachedThroughItsBranchInterface_ButGetsNoAnswer()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", null, MyAppNodePort("Local"), NodePortsFromClients, PodsAdmitClients);
        var pod = Pods(world, "my-namespace", "my-deployment-")[0];
        var node = Node(world, pod.NodeName!);
        var reach = new Reachability(world);

        var result = reach.Evaluate(Client, $"node/{node.Name}", "30080");

        Assert.False(result.Allowed);
        var ingress = Assert.Single(result.Hops, h => h.Step == $"to {pod.Name}: ingress");
        Assert.True(ingress.Allowed, Text(result));
        Assert.Matches($"^my-namespace/{pod.Name} via its branch interface eni-[0-9a-f]+ \\(strict mode: {node.Name} forwards the packet to it through the VPC, from {Client}\\): sg-", ingress.Detail);
        var reply = Assert.Single(result.Hops, h => h.Step == $"to {pod.Name}: reply");
        Assert.False(reply.Allowed);
        Assert.Equal(reach.ExternalTrafficLocalFailure(pod), reply.Detail);
        Assert.StartsWith($"my-namespace/{pod.Name} has security groups in strict mode (POD_SECURITY_GROUP_ENFORCING_MODE=strict at its creation): its answer leaves by its branch interface eni-", reply.Detail, StringComparison.Ordinal);
        Assert.EndsWith("EKS supports NodePort and LoadBalancer Services with instance targets and externalTrafficPolicy Local for pods with security groups only in standard mode (CNI 1.11 or later)", reply.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_PodWithSecurityGroupsInStandardMode_IsReachedOnTheNode_WithoutItsGroups()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", text => ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")), MyAppNodePort("Local"), NodePortsFromClients);
        var pod = Pods(world, "my-namespace", "my-deployment-")[0];
        var node = Node(world, pod.NodeName!);

        var result = new Reachability(world).Evaluate(Client, node.InternalIP!, "30080");

        Assert.True(result.Allowed, Text(result));
        var leg = Assert.Single(result.Hops, h => h.Step == $"to {pod.Name}: securitygroups");
        Assert.Matches($"^kube-proxy on {node.Name} delivers it to my-namespace/{pod.Name} on the node itself, from {Client}: it crosses no other VPC interface, so no other security group is involved \\(its security groups are on its branch interface eni-[0-9a-f]+, which standard mode does not route traffic from the node through\\)$", leg.Detail);
        Assert.DoesNotContain(result.Hops, h => h.Step.EndsWith(": reply", StringComparison.Ordinal));
    }

    [Fact]
    public void LintAndReach_Agree_OnExternalTrafficPolicyLocalInFrontOfPodsWithSecurityGroups()
    {
        var strict = ExampleWorlds.Load("security-groups-for-pods", null, MyAppNodePort("Local"), NodePortsFromClients, PodsAdmitClients);
        var finding = Assert.Single(WorldLint.Run(strict), f => f.Check == StrictModeConflicts.LocalTrafficId);
        var named = finding.Message.Split('(', ')')[1].Split(' ')[0];
        var pod = Pods(strict, "my-namespace", "my-deployment-").Single(p => $"my-namespace/{p.Name}" == named);
        var result = new Reachability(strict).Evaluate(Client, $"node/{pod.NodeName}", "30080");
        Assert.False(result.Allowed);
        Assert.EndsWith($"which POD_SECURITY_GROUP_ENFORCING_MODE is strict does not support: {result.Hops.Single(h => h.Step == $"to {pod.Name}: reply").Detail}", finding.Message, StringComparison.Ordinal);

        var standard = ExampleWorlds.Load("security-groups-for-pods", text => ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")), MyAppNodePort("Local"), NodePortsFromClients, PodsAdmitClients);
        Assert.DoesNotContain(WorldLint.Run(standard), f => f.Check == StrictModeConflicts.LocalTrafficId);
        Assert.True(new Reachability(standard).Evaluate(Client, $"node/{pod.NodeName}", "30080").Allowed);
    }

    [Fact]
    public void ThePrimaryAddressOfANodesSecondaryInterface_IsANodePortAddressToo_JudgedByThatInterfacesGroups()
    {
        // --nodeport-addresses unset: kube-proxy answers on every address of the host, and ipamd puts each attached
        // interface's primary address on it (WARM_ENI_TARGET=1 keeps a second interface on every node).
        var world = ExampleWorlds.Load("hello-eks", null, WebNodePort(null), NodePortsFromClients);
        var node = Node(world, Pods(world, "shop", "web-")[0].NodeName!);
        var secondary = world.Cloud!.Ec2View.DescribeNetworkInterfaces()
            .First(e => e.Attachment is { DeviceIndex: > 0 } a && a.InstanceId == node.InstanceId && e.InterfaceType == "interface");
        var reach = new Reachability(world);

        var result = reach.Evaluate(Client, secondary.PrivateIpAddress, "30080");

        Assert.True(result.Allowed, Text(result));
        Assert.StartsWith($"node/{node.Name} via the node's interface {secondary.NetworkInterfaceId}: ", result.Hops[1].Detail, StringComparison.Ordinal);
        Assert.StartsWith($"{secondary.PrivateIpAddress}:30080 is NodePort 30080 of Service shop/web-public (port 80/TCP): kube-proxy on {node.Name} translates it", result.Hops[2].Detail, StringComparison.Ordinal);

        // A pod's secondary address on the same interface is the pod's, not the host's: no NodePort there.
        var podAddress = secondary.PrivateIpAddresses.First(a => !a.Primary).PrivateIpAddress;
        Assert.DoesNotContain(reach.Evaluate(Client, podAddress, "30080").Hops, h => h.Step == "service");
    }

    [Fact]
    public void LoadBalancerService_IsReachedOnItsNodePorts_AsAnInstanceTargetWouldBe()
    {
        // Podnet models no load balancer: the Service gets node ports (allocated here) and stays <pending>.
        var world = ExampleWorlds.Load("hello-eks", null, NodePortsFromClients, """
            apiVersion: v1
            kind: Service
            metadata: {name: web-lb, namespace: shop}
            spec:
              type: LoadBalancer
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: http}]
            """);
        var service = world.ControlPlane.Store.Get("v1", "Service", "shop", "web-lb");
        var nodePort = service["spec.ports"]![0]!["nodePort"]!.GetValue<int>();
        Assert.InRange(nodePort, 30086, 32767);
        Assert.Equal("Cluster", service.GetString("spec.externalTrafficPolicy"));
        var node = Node(world, Pods(world, "shop", "web-")[0].NodeName!);

        var result = new Reachability(world).Evaluate(Client, $"node/{node.Name}", nodePort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.Allowed, Text(result));
        Assert.StartsWith($"{node.InternalIP}:{nodePort} is NodePort {nodePort} of Service shop/web-lb (port 80/TCP)", result.Hops[2].Detail, StringComparison.Ordinal);
        Assert.Equal(3, Translations(result).Count);
    }

    [Fact]
    public void IpV6Cluster_MasqueradesToTheNodesIpv6Address_AndWritesAddressesWithPortsInBrackets()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", null, WebNodePort(null));
        var web = Pods(world, "shop", "web-");
        var source = web[0];
        var node = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).First(n => n.Name != source.NodeName);
        var address = node.InternalIP!;
        Assert.Contains(":", address, StringComparison.Ordinal);

        var result = new Reachability(world).Evaluate($"shop/{source.Name}", $"node/{node.Name}", "30080");

        Assert.True(result.Allowed, Text(result));
        var kubeProxy = result.Hops.Single(h => h.Step == "service" && h.Detail.Contains("is NodePort", StringComparison.Ordinal)).Detail;
        Assert.StartsWith($"[{address}]:30080 is NodePort 30080 of Service shop/web-public (port 80/TCP): kube-proxy on {node.Name} translates it", kubeProxy, StringComparison.Ordinal);
        Assert.EndsWith($"KUBE-POSTROUTING's MASQUERADE gives it {node.Name}'s address {address}: the endpoint sees {address}, not {source.PodIP}", kubeProxy, StringComparison.Ordinal);
        var local = web.First(p => p.NodeName == node.Name);
        Assert.Contains(new Hop("service", true, $"[{address}]:30080 → shop/{local.Name} [{local.PodIP}]:80 (kube-proxy on {node.Name}, source {address})"), result.Hops);
    }

    [Fact]
    public void FromAPod_ToAnotherNodesAddress_IsTranslatedByThatNodesKubeProxy()
    {
        var world = ExampleWorlds.Load("hello-eks", null, DnsNodePortLocal);
        var dns = Pods(world, "kube-system", "coredns-");
        var web = Pods(world, "shop", "web-");
        var source = web.First(p => p.NodeName != dns[0].NodeName);
        var node = Node(world, dns[0].NodeName!);

        var result = new Reachability(world).Evaluate($"shop/{source.Name}", node.InternalIP!, "30053/udp");

        Assert.True(result.Allowed, Text(result));
        Assert.Contains($"kube-proxy on {node.Name} translates it", result.Hops.Single(h => h.Step == "service" && h.Detail.Contains("NodePort", StringComparison.Ordinal)).Detail, StringComparison.Ordinal);
        Assert.Equal([$"kube-system/{dns[0].Name}"], Translations(result));
        Assert.EndsWith($"no masquerade: the endpoint sees the client's address {source.PodIP}", result.Hops.Single(h => h.Step == "service" && h.Detail.Contains("NodePort", StringComparison.Ordinal)).Detail, StringComparison.Ordinal);
    }

    /// <summary>The network policy agent in aws-node, as the add-on's configuration enables it.</summary>
    private const string NetworkPolicyAgent = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Addon
        metadata: {name: vpc-cni}
        spec: {ConfigurationValues: {enableNetworkPolicy: "true"}}
        """;

    /// <summary>shop/web may send only to <paramref name="to"/> on UDP <paramref name="port"/>.</summary>
    private static string WebEgressOnly(string to, int port) => $$$"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-egress, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress:
          - to: [{{{to}}}]
            ports: [{protocol: UDP, port: {{{port}}}}]
        """;

    /// <summary>
    /// A pod of another node connects to a node port: its egress policy is judged on the way to the node's address and
    /// node port (by the network policy agent on the pod's veth, by Calico on the pod's node, where kube-proxy leaves a
    /// foreign address alone), and the forwarded leg judges only the endpoint's ingress — a policy that lets the pod
    /// send to the node port, not to the endpoint's own port, lets the connection through.
    /// </summary>
    [Theory]
    [InlineData("agent")]
    [InlineData("calico")]
    public void FromAPodOfAnotherNode_ItsEgressIsJudgedAgainstTheNodePort_TheForwardedLegOnlyByTheEndpointsIngress(string enforcer)
    {
        var world = ExampleWorlds.Load("hello-eks", null, enforcer == "agent" ? NetworkPolicyAgent : ExampleWorlds.CalicoDaemonSet, DnsNodePortLocal, WebEgressOnly("{ipBlock: {cidr: 192.168.0.0/16}}", 30053));
        var dns = Pods(world, "kube-system", "coredns-");
        var source = Pods(world, "shop", "web-").First(p => p.NodeName != dns[0].NodeName && p.NodeName != dns[1].NodeName);
        var node = Node(world, dns[0].NodeName!);

        var result = new Reachability(world).Evaluate($"shop/{source.Name}", node.InternalIP!, "30053/udp");

        Assert.True(result.Allowed, Text(result));
        var entry = Assert.Single(result.Hops, h => h.Step == "networkpolicy");
        Assert.Contains($"egress from shop/{source.Name}: isolated by shop/web-egress; allowed by shop/web-egress rule 0", entry.Detail, StringComparison.Ordinal);
        var leg = Assert.Single(result.Hops, h => h.Step == $"to {dns[0].Name}: networkpolicy");
        Assert.True(leg.Allowed, leg.Detail);
        Assert.Contains($"egress from shop/{source.Name}: not judged here (judged on an earlier leg of the connection)", leg.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// A pod connecting to a node port of its own node: kube-proxy's DNAT in PREROUTING comes first, so Calico judges the
    /// pod's egress policy in the FORWARD chain against the endpoint and its port; the network policy agent judges it on
    /// the pod's veth before netfilter, against the node's address, which it always lets out — so under the agent the
    /// pod reaches the endpoint whatever its egress policy says of either.
    /// </summary>
    [Fact]
    public void FromAPodOfTheSameNode_CalicoJudgesItsEgressAgainstTheEndpointAfterTheDnat_TheAgentAgainstTheNodePort()
    {
        const string toDns = "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}";
        foreach (var (enforcer, policy, allowed) in new[]
        {
            (ExampleWorlds.CalicoDaemonSet, WebEgressOnly(toDns, 53), true),
            (ExampleWorlds.CalicoDaemonSet, WebEgressOnly("{ipBlock: {cidr: 192.168.0.0/16}}", 30053), false),
            (NetworkPolicyAgent, WebEgressOnly(toDns, 53), true),
            (NetworkPolicyAgent, WebEgressOnly("{ipBlock: {cidr: 192.168.0.0/16}}", 30053), true),
        })
        {
            var world = ExampleWorlds.Load("hello-eks", null, enforcer, DnsNodePortLocal, policy);
            var dns = Pods(world, "kube-system", "coredns-")[0];
            var source = Pods(world, "shop", "web-").Single(p => p.NodeName == dns.NodeName);
            var node = Node(world, dns.NodeName!);
            var calico = enforcer == ExampleWorlds.CalicoDaemonSet;

            var result = new Reachability(world).Evaluate($"shop/{source.Name}", node.InternalIP!, "30053/udp");

            Assert.True(allowed == result.Allowed, $"{(calico ? "Calico" : "agent")}, {policy}:\n{Text(result)}");
            var entry = Assert.Single(result.Hops, h => h.Step == "networkpolicy");
            if (calico)
            {
                Assert.Equal($"shop/{source.Name} connects to its own node's address {node.InternalIP}:30053: kube-proxy's DNAT in PREROUTING comes before Calico's filter FORWARD chain, so Felix judges shop/{source.Name}'s egress policy against the endpoint the connection is translated to, not against the node port (enforced by Calico)", entry.Detail);
                var leg = Assert.Single(result.Hops, h => h.Step == $"to {dns.Name}: networkpolicy");
                Assert.Equal(allowed, leg.Allowed);
                Assert.StartsWith($"shop/{source.Name} -> kube-system/{dns.Name} UDP/53: {(allowed ? "allowed" : "denied")}", leg.Detail, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(entry.Allowed);
                Assert.StartsWith($"{node.InternalIP} is the primary address of {node.Name}, the node shop/{source.Name} runs on: the network policy agent allows the pod's own node out", entry.Detail, StringComparison.Ordinal);
                Assert.Contains($"egress from shop/{source.Name}: not judged here", Assert.Single(result.Hops, h => h.Step == $"to {dns.Name}: networkpolicy").Detail, StringComparison.Ordinal);
            }
        }
    }
}
