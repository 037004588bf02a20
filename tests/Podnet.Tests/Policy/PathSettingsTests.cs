using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Policy;

/// <summary>
/// The settings that change the path: POD_SECURITY_GROUP_ENFORCING_MODE (strict/standard), SNAT
/// (AWS_VPC_K8S_CNI_EXTERNALSNAT, AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS), and who enforces NetworkPolicy.
/// </summary>
public class PathSettingsTests
{
    private const string SgExample = "security-groups-for-pods";

    private const string DenyAllIngress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all-ingress, namespace: my-namespace}
        spec: {podSelector: {}, policyTypes: [Ingress]}
        """;

    private static Func<string, string> Settings(params (string Name, string Value)[] env)
        => text => ExampleWorlds.WithCniEnv(text, env);

    private static List<PodView> Pods(Podnet.World.World world, string ns)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>A CoreDNS pod and a replica on the same node: CoreDNS's cluster group is not admitted by the replica's group.</summary>
    private static (PodView CoreDns, PodView Replica) SameNodePair(Podnet.World.World world)
    {
        var pairs = from dns in Pods(world, "kube-system").Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal))
                    from replica in Pods(world, "my-namespace")
                    where dns.NodeName == replica.NodeName
                    select (dns, replica);
        return pairs.First();
    }

    [Fact]
    public void StrictMode_SameNodeTraffic_PassesTheBranchInterfacesGroups()
    {
        var world = ExampleWorlds.Load(SgExample);
        var (dns, replica) = SameNodePair(world);
        var result = new Reachability(world).Evaluate($"kube-system/{dns.Name}", $"my-namespace/{replica.Name}", "80");

        Assert.False(result.Allowed);
        Assert.Equal("ingress", result.Hops[^1].Step);
        Assert.Contains("no ingress rule of sg-05b1d815d1e4a1b2c (my-pod-security-group) allows TCP/80", result.Hops[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void StandardMode_SameNodeTraffic_SkipsSecurityGroups()
    {
        var world = ExampleWorlds.Load(SgExample, Settings(("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")));
        var (dns, replica) = SameNodePair(world);
        var result = new Reachability(world).Evaluate($"kube-system/{dns.Name}", $"my-namespace/{replica.Name}", "80");

        Assert.True(result.Allowed);
        Assert.Contains(result.Hops, h => h.Step == "securitygroups" && h.Detail.StartsWith("same node", StringComparison.Ordinal));
    }

    [Fact]
    public void StrictMode_InternetEgress_IsNotSnated_AndJudgedByTheBranchGroups()
    {
        var world = ExampleWorlds.Load(SgExample);
        var replica = Pods(world, "my-namespace")[0];
        var result = new Reachability(world).Evaluate($"my-namespace/{replica.Name}", "1.1.1.1", "443");

        var egress = Assert.Single(result.Hops, h => h.Step == "egress");
        Assert.Contains("strict mode: not SNATed, leaves by its branch interface", egress.Detail, StringComparison.Ordinal);
        Assert.Contains("its branch interface eni-", egress.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictMode_FromAPublicSubnet_HasNoInternet_ButStandardModeDoes()
    {
        static string Public(string text) => text.Replace("  Subnets: [private-us-west-2a, private-us-west-2b]", "  Subnets: [public-us-west-2a, public-us-west-2b]", StringComparison.Ordinal);

        var strict = ExampleWorlds.Load(SgExample, Public);
        var result = new Reachability(strict).Evaluate($"my-namespace/{Pods(strict, "my-namespace")[0].Name}", "1.1.1.1", "443");
        Assert.False(result.Allowed);
        Assert.Equal(("route", false), (result.Hops[^1].Step, result.Hops[^1].Allowed));
        // The route is looked up in the branch interface's subnet's table (before, "public subnet" was assumed from
        // MapPublicIpOnLaunch): 0.0.0.0/0 goes to the internet gateway, which drops an address without a public IP.
        Assert.Matches(@"^rtb-\w+ 0\.0\.0\.0/0 → igw-\w+ \(subnet-\w+ of eni-\w+\), but 192\.168\.\d+\.\d+ has no public IPv4 address .*: the internet gateway drops it", result.Hops[^1].Detail);

        var standard = ExampleWorlds.Load(SgExample, text => Public(Settings(("POD_SECURITY_GROUP_ENFORCING_MODE", "standard"))(text)));
        var snated = new Reachability(standard).Evaluate($"my-namespace/{Pods(standard, "my-namespace")[0].Name}", "1.1.1.1", "443");
        Assert.True(snated.Allowed);
        Assert.Contains(snated.Hops, h => h.Step == "route" && h.Detail.Contains("'s public IPv4 address 198.18.", StringComparison.Ordinal) && h.Detail.Contains("out through the internet gateway with 192.168.", StringComparison.Ordinal));
    }

    [Fact]
    public void StandardMode_InternetEgress_IsSnatedToThePrimaryInterface()
    {
        var world = ExampleWorlds.Load(SgExample, Settings(("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")));
        var replica = Pods(world, "my-namespace")[0];
        var result = new Reachability(world).Evaluate($"my-namespace/{replica.Name}", "1.1.1.1", "443");

        Assert.True(result.Allowed);
        Assert.Contains(result.Hops, h => h.Step == "egress" && h.Detail.Contains("SNAT to the node's primary address", StringComparison.Ordinal));
    }

    [Fact]
    public void StandardMode_WithExternalSnat_KeepsThePodsAddressAndGroups()
    {
        var world = ExampleWorlds.Load(SgExample, Settings(("POD_SECURITY_GROUP_ENFORCING_MODE", "standard"), ("AWS_VPC_K8S_CNI_EXTERNALSNAT", "true")));
        var replica = Pods(world, "my-namespace")[0];
        var egress = Assert.Single(new Reachability(world).Evaluate($"my-namespace/{replica.Name}", "1.1.1.1", "443").Hops, h => h.Step == "egress");

        Assert.Contains("its branch interface", egress.Detail, StringComparison.Ordinal);
        Assert.Contains("; not SNATed", egress.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ExcludedSnatCidrs_AreReachedWithThePodsAddress_OtherDestinationsAreSnated()
    {
        var world = ExampleWorlds.Load(SgExample, Settings(("AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS", "10.20.0.0/16")));
        var coredns = Pods(world, "kube-system").First(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal));
        var reach = new Reachability(world);

        var excluded = Assert.Single(reach.Evaluate($"kube-system/{coredns.Name}", "10.20.1.1", "443").Hops, h => h.Step == "egress");
        Assert.Contains("; not SNATed", excluded.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("SNAT to the node's primary address", excluded.Detail, StringComparison.Ordinal);

        var snated = Assert.Single(reach.Evaluate($"kube-system/{coredns.Name}", "10.30.1.1", "443").Hops, h => h.Step == "egress");
        Assert.Contains("SNAT to the node's primary address", snated.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkPolicy_WithoutAnEnforcer_DeniesNothing_AndSaysSo()
    {
        var world = ExampleWorlds.Load(SgExample, null, DenyAllIngress);
        var replicas = Pods(world, "my-namespace");
        var result = new Reachability(world).Evaluate($"my-namespace/{replicas[0].Name}", $"my-namespace/{replicas[1].Name}", "80");

        Assert.True(result.Allowed);
        Assert.Contains(result.Hops, h => h.Step == "networkpolicy" && h.Detail.StartsWith("NetworkPolicies exist but nothing enforces them", StringComparison.Ordinal));
    }

    [Fact]
    public void NetworkPolicy_EnforcedByTheVpcCni_Denies()
    {
        var world = ExampleWorlds.Load(SgExample, text => text.Replace("    env:\n      ENABLE_POD_ENI", "    enableNetworkPolicy: \"true\"\n    env:\n      ENABLE_POD_ENI", StringComparison.Ordinal), DenyAllIngress);
        var replicas = Pods(world, "my-namespace");
        var result = new Reachability(world).Evaluate($"my-namespace/{replicas[0].Name}", $"my-namespace/{replicas[1].Name}", "80");

        Assert.False(result.Allowed);
        Assert.Equal(NetworkPolicyEnforcer.VpcCni, new Reachability(world).Enforcer);
        Assert.Equal("networkpolicy", result.Hops[^1].Step);
        Assert.EndsWith($"(enforced by {NetworkPolicyEnforcer.VpcCni})", result.Hops[^1].Detail, StringComparison.Ordinal);
        Assert.Contains($"to allow it, add an ingress rule to a policy selecting my-namespace/{replicas[1].Name} whose `from` matches my-namespace/{replicas[0].Name} on TCP/80", result.Hops[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Calico_DoesNotGovernPodsWithSecurityGroupsInStrictMode_ButDoesInStandardMode()
    {
        var strict = ExampleWorlds.Load(SgExample, null, DenyAllIngress, ExampleWorlds.CalicoDaemonSet);
        var replicas = Pods(strict, "my-namespace");
        var strictResult = new Reachability(strict).Evaluate($"my-namespace/{replicas[0].Name}", $"my-namespace/{replicas[1].Name}", "80");
        Assert.True(strictResult.Allowed);
        Assert.DoesNotContain(strictResult.Hops, h => h.Step == "networkpolicy");

        var standard = ExampleWorlds.Load(SgExample, Settings(("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")), DenyAllIngress, ExampleWorlds.CalicoDaemonSet);
        replicas = Pods(standard, "my-namespace");
        var standardResult = new Reachability(standard).Evaluate($"my-namespace/{replicas[0].Name}", $"my-namespace/{replicas[1].Name}", "80");
        Assert.False(standardResult.Allowed);
        Assert.EndsWith("(enforced by Calico)", standardResult.Hops[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyOnlyWorld_AlwaysEnforcesNetworkPolicy()
    {
        var world = ExampleWorlds.Load("egress-policies");
        Assert.Equal(NetworkPolicyEnforcer.PolicyOnly, new Reachability(world).Enforcer);
    }
}
