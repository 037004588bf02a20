using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11: the VPC CNI's network policy agent writes its node's primary address, allow-all, into every pod's eBPF
/// ingress and egress maps (aws-network-policy-agent fw_rule_processor.go ComputeMapEntriesFromEndpointRules), so a
/// pod's own node gets in and out whatever the NetworkPolicies say; another node's address is judged by the policies
/// alone. Calico lets the pod's own node's host network in (felix/rules/static.go filterOutputChain) and judges the
/// pod's egress to it by the policies (filterWorkloadToHostChain).
/// </summary>
public class AgentOwnNodeTests
{
    private const string DenyAll = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: shop}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        """;

    private static string WithNetworkPolicy(string text)
        => text.Replace("kind: Addon\nmetadata:\n  name: vpc-cni\n", "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues: {enableNetworkPolicy: \"true\"}\n", StringComparison.Ordinal);

    private static string WithReadinessProbe(string text)
        => text.Replace("          containerPort: 80\n", "          containerPort: 80\n        readinessProbe:\n          httpGet: {path: /, port: http}\n", StringComparison.Ordinal);

    private static List<PodView> Web(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).Where(p => p.Name.StartsWith("web-", StringComparison.Ordinal))];

    private static NodeView Node(Podnet.World.World world, string name)
        => new(world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Node"), null, name)!);

    private static Hop NetworkPolicyHop(ReachResult result) => Assert.Single(result.Hops, h => h.Step == "networkpolicy");

    [Fact]
    public void DenyAllIngress_FromThePodsOwnNode_IsAllowedByTheAgent_FromAnotherNodeDenied()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, DenyAll);
        var web = Web(world)[0];
        var own = Node(world, web.NodeName!);
        var other = Web(world).Select(p => p.NodeName!).First(n => n != web.NodeName);
        var reach = new Reachability(world);

        var fromOwn = reach.Evaluate($"node/{own.Name}", $"shop/{web.Name}", "8080/udp");
        Assert.True(fromOwn.Allowed);
        var hop = NetworkPolicyHop(fromOwn);
        Assert.True(hop.Allowed);
        Assert.Equal(
            $"{own.InternalIP} is the primary address of {own.Name}, the node shop/{web.Name} runs on: the network policy agent allows the pod's own node in, whatever the NetworkPolicies say, on every protocol and port (its eBPF ingress map always holds the node's address, so the kubelet's probes and the node's host network are never blocked); "
            + $"the NetworkPolicies alone would deny it: {own.InternalIP} -> shop/{web.Name} UDP/8080: denied; egress from {own.InternalIP}: external endpoint, no policy applies; ingress to shop/{web.Name}: isolated by shop/deny-all; denied: no rule of shop/deny-all allows it (enforced by the VPC CNI's network policy agent)",
            hop.Detail);

        var fromOther = reach.Evaluate($"node/{other}", $"shop/{web.Name}", "80");
        Assert.False(fromOther.Allowed);
        var denied = NetworkPolicyHop(fromOther);
        Assert.False(denied.Allowed);
        Assert.StartsWith($"{Node(world, other).InternalIP} -> shop/{web.Name} TCP/80: denied;", denied.Detail, StringComparison.Ordinal);
        Assert.Contains("isolated by shop/deny-all; denied", denied.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DenyAllEgress_ToThePodsOwnNode_IsAllowedByTheAgent_ToAnotherNodeDenied()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, DenyAll);
        var web = Web(world)[0];
        var own = Node(world, web.NodeName!);
        var other = Web(world).Select(p => p.NodeName!).First(n => n != web.NodeName);
        var reach = new Reachability(world);

        var hop = NetworkPolicyHop(reach.Evaluate($"shop/{web.Name}", $"node/{own.Name}", "10250"));
        Assert.True(hop.Allowed);
        Assert.StartsWith($"{own.InternalIP} is the primary address of {own.Name}, the node shop/{web.Name} runs on: the network policy agent allows the pod's own node out, whatever the NetworkPolicies say", hop.Detail, StringComparison.Ordinal);
        Assert.Contains($"the NetworkPolicies alone would deny it: shop/{web.Name} -> {own.InternalIP} TCP/10250: denied; egress from shop/{web.Name}: isolated by shop/deny-all", hop.Detail, StringComparison.Ordinal);

        var denied = NetworkPolicyHop(reach.Evaluate($"shop/{web.Name}", $"node/{other}", "10250"));
        Assert.False(denied.Allowed);
        Assert.StartsWith($"shop/{web.Name} -> {Node(world, other).InternalIP} TCP/10250: denied;", denied.Detail, StringComparison.Ordinal);
    }

    /// <summary>In an IPv6 cluster the agent's address is the node's IPv6 address (IMDS <c>ipv6</c>), the node's InternalIP.</summary>
    [Fact]
    public void Ipv6Cluster_TheNodesIpv6Address_IsLetIn_AnotherNodesIsNot()
    {
        var world = ExampleWorlds.Load("ipv6-cluster", WithNetworkPolicy, DenyAll);
        var web = Web(world)[0];
        var own = Node(world, web.NodeName!);
        var other = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).First(n => n.Name != own.Name);
        Assert.Contains(':', own.InternalIP!);
        var reach = new Reachability(world);

        var hop = NetworkPolicyHop(reach.Evaluate($"node/{own.Name}", $"shop/{web.Name}", "80"));
        Assert.True(hop.Allowed);
        Assert.StartsWith($"{own.InternalIP} is the primary address of {own.Name}, the node shop/{web.Name} runs on: the network policy agent allows the pod's own node in", hop.Detail, StringComparison.Ordinal);

        var denied = NetworkPolicyHop(reach.Evaluate($"node/{other.Name}", $"shop/{web.Name}", "80"));
        Assert.False(denied.Allowed);
        Assert.StartsWith($"{other.InternalIP} -> shop/{web.Name} TCP/80: denied;", denied.Detail, StringComparison.Ordinal);
    }

    /// <summary>Only the node's primary address is in the agent's map: a pod of the same node is judged by the policies.</summary>
    [Fact]
    public void APodOfTheSameNode_IsNotTheNode_TheAgentJudgesItByThePolicies()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, DenyAll);
        var coreDns = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)).ToList();
        var web = Web(world).First(w => coreDns.Exists(d => d.NodeName == w.NodeName));
        var neighbour = coreDns.First(d => d.NodeName == web.NodeName);

        var result = new Reachability(world).Evaluate($"kube-system/{neighbour.Name}", $"shop/{web.Name}", "80");

        Assert.False(result.Allowed);
        Assert.Contains("isolated by shop/deny-all; denied", NetworkPolicyHop(result).Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// Calico (Felix's filter OUTPUT chain returns the host's packets to a workload interface before any policy) lets
    /// the node's own host network in to its pods; another node, and the pod's egress to its own node (cali-wl-to-host
    /// applies the pod's egress policy), are judged by the policies.
    /// </summary>
    [Fact]
    public void Calico_LetsThePodsOwnNodeIn_JudgesAnotherNodeAndThePodsEgressToItsNodeByThePolicies()
    {
        var world = ExampleWorlds.Load("hello-eks", null, ExampleWorlds.CalicoDaemonSet, DenyAll);
        var web = Web(world)[0];
        var own = Node(world, web.NodeName!);
        var other = Web(world).Select(p => p.NodeName!).First(n => n != web.NodeName);
        var reach = new Reachability(world);

        var fromOwn = reach.Evaluate($"node/{own.Name}", $"shop/{web.Name}", "8080/udp");
        Assert.True(fromOwn.Allowed);
        var hop = NetworkPolicyHop(fromOwn);
        Assert.True(hop.Allowed);
        Assert.Equal(
            $"{own.InternalIP} is {own.Name}, the node shop/{web.Name} runs on: Calico does not apply a pod's ingress policy to connections its own node's host network opens, on any protocol or port (Felix's filter OUTPUT chain returns a packet from the host to a workload interface before any policy, so the kubelet's probes and the node's host-network pods are never blocked); "
            + $"the NetworkPolicies alone would deny it: {own.InternalIP} -> shop/{web.Name} UDP/8080: denied; egress from {own.InternalIP}: external endpoint, no policy applies; ingress to shop/{web.Name}: isolated by shop/deny-all; denied: no rule of shop/deny-all allows it (enforced by Calico)",
            hop.Detail);

        var fromOther = NetworkPolicyHop(reach.Evaluate($"node/{other}", $"shop/{web.Name}", "80"));
        Assert.False(fromOther.Allowed);
        Assert.StartsWith($"{Node(world, other).InternalIP} -> shop/{web.Name} TCP/80: denied;", fromOther.Detail, StringComparison.Ordinal);
        Assert.EndsWith("(enforced by Calico)", fromOther.Detail, StringComparison.Ordinal);

        var toOwn = NetworkPolicyHop(reach.Evaluate($"shop/{web.Name}", $"node/{own.Name}", "10250"));
        Assert.False(toOwn.Allowed);
        Assert.StartsWith($"shop/{web.Name} -> {own.InternalIP} TCP/10250: denied; egress from shop/{web.Name}: isolated by shop/deny-all", toOwn.Detail, StringComparison.Ordinal);
        Assert.EndsWith("(enforced by Calico)", toOwn.Detail, StringComparison.Ordinal);
    }

    /// <summary>A host-network pod (calico-node itself) opens its connections from its node's host: Calico lets it in to a pod of that node only.</summary>
    [Fact]
    public void Calico_AHostNetworkPodOfThePodsNode_IsLetIn_OneOfAnotherNodeIsNot()
    {
        var world = ExampleWorlds.Load("hello-eks", null, ExampleWorlds.CalicoDaemonSet, DenyAll);
        var web = Web(world)[0];
        var calicoNodes = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).Where(p => p.Name.StartsWith("calico-node-", StringComparison.Ordinal) && p.HostNetwork).ToList();
        var same = calicoNodes.First(p => p.NodeName == web.NodeName);
        var elsewhere = calicoNodes.First(p => p.NodeName != web.NodeName);
        var reach = new Reachability(world);

        var hop = NetworkPolicyHop(reach.Evaluate($"kube-system/{same.Name}", $"shop/{web.Name}", "80"));
        Assert.True(hop.Allowed);
        Assert.StartsWith($"kube-system/{same.Name} ({same.PodIP}) is on the host network of {web.NodeName}, the node shop/{web.Name} runs on: Calico does not apply a pod's ingress policy", hop.Detail, StringComparison.Ordinal);

        var denied = NetworkPolicyHop(reach.Evaluate($"kube-system/{elsewhere.Name}", $"shop/{web.Name}", "80"));
        Assert.False(denied.Allowed);
        Assert.Contains("isolated by shop/deny-all; denied", denied.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// The kubelet probes from its node's host: a readiness probe a deny-all policy would block passes under the
    /// agent (its map holds the node's address) and under Calico (Felix does not police host to local workload) —
    /// the pods are Ready, no Unhealthy event, lint's probe checks silent.
    /// </summary>
    [Fact]
    public void ReadinessProbe_BlockedOnlyByNetworkPolicy_PassesUnderTheAgentAndUnderCalico()
    {
        var agent = ExampleWorlds.Load("hello-eks", t => WithReadinessProbe(WithNetworkPolicy(t)), DenyAll);
        var calico = ExampleWorlds.Load("hello-eks", WithReadinessProbe, ExampleWorlds.CalicoDaemonSet, DenyAll);
        foreach (var world in new[] { agent, calico })
        {
            var pods = Web(world);
            Assert.Equal(3, pods.Count);
            Assert.All(pods, p => Assert.True(p.IsReady, p.Name));
            Assert.DoesNotContain(world.ControlPlane.Store.List("v1", "Event", "shop").Items, e => e["reason"]?.GetValue<string>() == "Unhealthy");
            Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == SecurityGroupPodProbes.Id);
        }
    }
}
