using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.Tests.World;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11: NetworkPolicy is enforced only where its enforcer runs. The VPC CNI's network policy agent runs in aws-node
/// and calico-node is a Linux DaemonSet, so neither filters a pod on a Fargate node (no DaemonSets there) or a Windows
/// node — the EKS user guide: the policies apply "to Amazon EC2 Linux nodes only. You can't apply the policies to
/// Fargate or Windows nodes". Such a pod's own egress and ingress pass whatever the policies say; a pod on an EC2 Linux
/// node is still filtered, also on connections with it. reach, the matrix and lint agree.
/// </summary>
public class UnenforcedNodesTests
{
    private const string Example = "security-groups-for-pods";

    /// <summary>A Fargate profile for namespace batch, a worker there, a web pod in shop on EC2, and deny-all in both.</summary>
    private const string FargateAndEc2 = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: FargateProfile
        metadata: {name: fp-batch}
        spec:
          Cluster: podnet
          Subnets: [private-us-west-2a, private-us-west-2b]
          Selectors: [{namespace: batch}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: batch}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: worker, namespace: batch}
        spec:
          replicas: 1
          selector: {matchLabels: {app: worker}}
          template:
            metadata: {labels: {app: worker}}
            spec:
              containers: [{name: worker, image: public.ecr.aws/nginx/nginx:1.27, ports: [{containerPort: 80}]}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: public.ecr.aws/nginx/nginx:1.27, ports: [{containerPort: 80}]}]
        """;

    private static string DenyAll(string ns) => $$"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: {{ns}}}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        """;

    private static string WithNetworkPolicy(string text)
        => text.Replace("  ConfigurationValues:\n    env:", "  ConfigurationValues:\n    enableNetworkPolicy: \"true\"\n    env:", StringComparison.Ordinal);

    /// <summary>The first pod, by name, of <paramref name="ns"/> whose name starts with <paramref name="prefix"/>.</summary>
    private static PodView Pod(Podnet.World.World world, string ns, string prefix)
        => PodView.Of(world.ControlPlane.Store.List("v1", "Pod", ns).Items.Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal).First());

    private static Hop NetworkPolicyHop(ReachResult result) => Assert.Single(result.Hops, h => h.Step == "networkpolicy");

    private static string FargateReason(PodView pod)
        => $"its node {pod.NodeName} is a Fargate node, which runs no DaemonSets: the network policy agent runs in aws-node on EC2 Linux nodes only";

    [Fact]
    public void FargatePod_ItsDenyAllIngress_IsNotEnforced_ByTheAgent()
    {
        var world = ExampleWorlds.Load(Example, WithNetworkPolicy, FargateAndEc2, DenyAll("batch"));
        var worker = Pod(world, "batch", "worker-");
        var client = Pod(world, "my-namespace", "my-deployment-");
        Assert.True(new NodeView(world.ControlPlane.Store.Get("v1", "Node", null, worker.NodeName!)).IsFargate);
        var reach = new Reachability(world);

        var hop = NetworkPolicyHop(reach.Evaluate($"my-namespace/{client.Name}", $"batch/{worker.Name}", "80"));

        Assert.True(hop.Allowed);
        Assert.Equal(
            $"my-namespace/{client.Name} -> batch/{worker.Name} TCP/80: allowed; egress from my-namespace/{client.Name}: not isolated (no policy selects it for egress); allowed; "
            + $"ingress to batch/{worker.Name}: selected by batch/deny-all, whose rules would deny it, but not enforced ({FargateReason(worker)}); allowed (enforced by the VPC CNI's network policy agent)",
            hop.Detail);
        Assert.Equal(FargateReason(worker), reach.NetworkPolicyNotEnforced(reach.ResolveEndpoint($"batch/{worker.Name}")!));
        Assert.Null(reach.NetworkPolicyNotEnforced(reach.ResolveEndpoint($"my-namespace/{client.Name}")!));
    }

    [Fact]
    public void FargatePod_ToAnIsolatedEc2Pod_ItsOwnEgressIsNotEnforced_TheDestinationsIngressIs()
    {
        var world = ExampleWorlds.Load(Example, WithNetworkPolicy, FargateAndEc2, DenyAll("batch"), DenyAll("shop"));
        var worker = Pod(world, "batch", "worker-");
        var web = Pod(world, "shop", "web-");
        var reach = new Reachability(world);

        var result = reach.Evaluate($"batch/{worker.Name}", $"shop/{web.Name}", "80");

        Assert.False(result.Allowed);
        var hop = NetworkPolicyHop(result);
        Assert.False(hop.Allowed);
        Assert.Contains($"egress from batch/{worker.Name}: selected by batch/deny-all, whose rules would deny it, but not enforced ({FargateReason(worker)}); allowed;", hop.Detail, StringComparison.Ordinal);
        Assert.Contains($"ingress to shop/{web.Name}: isolated by shop/deny-all; denied: no rule of shop/deny-all allows it", hop.Detail, StringComparison.Ordinal);

        // The other way round: the EC2 pod's own egress policy is enforced on its node.
        var back = NetworkPolicyHop(reach.Evaluate($"shop/{web.Name}", $"batch/{worker.Name}", "80"));
        Assert.False(back.Allowed);
        Assert.Contains($"egress from shop/{web.Name}: isolated by shop/deny-all; denied", back.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void FargatePod_UnderCalico_IsNotFilteredEither()
    {
        var world = ExampleWorlds.Load(Example, null, ExampleWorlds.CalicoDaemonSet, FargateAndEc2, DenyAll("batch"));
        var worker = Pod(world, "batch", "worker-");

        // Not a pod with security groups: Calico leaves those in strict mode to their groups.
        var client = Pod(world, "shop", "web-");
        var reach = new Reachability(world);
        Assert.Equal(NetworkPolicyEnforcer.Calico, reach.Enforcer);

        var hop = NetworkPolicyHop(reach.Evaluate($"shop/{client.Name}", $"batch/{worker.Name}", "80"));

        Assert.True(hop.Allowed);
        Assert.Contains($"but not enforced (its node {worker.NodeName} is a Fargate node, which runs no DaemonSets: calico-node runs on Linux EC2 nodes only); allowed", hop.Detail, StringComparison.Ordinal);
        Assert.EndsWith("(enforced by Calico)", hop.Detail, StringComparison.Ordinal);
    }

    /// <summary>Calico for Windows as the Tigera operator renders it: Felix on the Windows nodes.</summary>
    private const string CalicoNodeWindows = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: calico-node-windows, namespace: kube-system}
        spec:
          selector: {matchLabels: {k8s-app: calico-node-windows}}
          template:
            metadata: {labels: {k8s-app: calico-node-windows}}
            spec:
              nodeSelector: {kubernetes.io/os: windows}
              hostNetwork: true
              containers: [{name: felix, image: docker.io/calico/node-windows:v3.28.0}]
        """;

    private static Podnet.World.World WindowsUnderCalico(bool calicoForWindows)
        => calicoForWindows
            ? ExampleWorlds.Load(Example, WindowsNodeGroupTests.WithWindowsIpam, ExampleWorlds.CalicoDaemonSet, CalicoNodeWindows, WindowsNodeGroupTests.WindowsNodeGroup, WindowsNodeGroupTests.WindowsApp, DenyAll("my-namespace"))
            : ExampleWorlds.Load(Example, WindowsNodeGroupTests.WithWindowsIpam, ExampleWorlds.CalicoDaemonSet, WindowsNodeGroupTests.WindowsNodeGroup, WindowsNodeGroupTests.WindowsApp, DenyAll("my-namespace"));

    private static PodView Iis(Podnet.World.World world)
        => PodView.Of(world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.First(p => p.Labels.GetValueOrDefault("app") == "iis"));

    [Fact]
    public void WindowsPod_UnderCalicoWithoutCalicoForWindows_IsNotFiltered_AndLintNamesCalicoForWindows()
    {
        var world = WindowsUnderCalico(calicoForWindows: false);
        var iis = Iis(world);
        var reach = new Reachability(world);
        Assert.Equal(NetworkPolicyEnforcer.Calico, reach.Enforcer);

        var hop = NetworkPolicyHop(reach.Evaluate($"my-namespace/{iis.Name}", "10.0.0.10", "443"));

        Assert.True(hop.Allowed);
        Assert.Contains($"but not enforced (its node {iis.NodeName} is a Windows node: calico-node runs on Linux EC2 nodes only, and Calico for Windows (a calico-node-windows DaemonSet) is not installed); allowed", hop.Detail, StringComparison.Ordinal);
        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == UnenforcedNetworkPolicies.Id && f.Object == "NetworkPolicy my-namespace/deny-all");
        Assert.EndsWith("or install Calico for Windows (the Tigera operator's Windows dataplane, a calico-node-windows DaemonSet), whose Felix filters Windows pods by NetworkPolicy", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowsPod_UnderCalicoForWindows_IsFilteredByItsDenyAll()
    {
        var world = WindowsUnderCalico(calicoForWindows: true);
        var iis = Iis(world);
        var reach = new Reachability(world);

        var egress = NetworkPolicyHop(reach.Evaluate($"my-namespace/{iis.Name}", "10.0.0.10", "443"));
        var ingress = NetworkPolicyHop(reach.Evaluate("10.0.0.10", $"my-namespace/{iis.Name}", "80"));

        Assert.False(egress.Allowed);
        Assert.Contains($"egress from my-namespace/{iis.Name}: isolated by my-namespace/deny-all; denied", egress.Detail, StringComparison.Ordinal);
        Assert.Contains($"ingress to my-namespace/{iis.Name}: isolated by my-namespace/deny-all; denied", ingress.Detail, StringComparison.Ordinal);
        Assert.Null(reach.NetworkPolicyNotEnforced(reach.ResolveEndpoint($"my-namespace/{iis.Name}")!));
        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == UnenforcedNetworkPolicies.Id && f.Object == "NetworkPolicy my-namespace/deny-all");
    }

    [Fact]
    public void WindowsPod_ItsDenyAll_IsNotEnforced_AnEc2PodOfTheSameNamespaceIs()
    {
        var world = ExampleWorlds.Load(Example, text => WindowsNodeGroupTests.WithWindowsIpam(text).Replace("    enableWindowsIpam: \"true\"\n", "    enableWindowsIpam: \"true\"\n    enableNetworkPolicy: \"true\"\n", StringComparison.Ordinal), WindowsNodeGroupTests.WindowsNodeGroup, WindowsNodeGroupTests.WindowsApp, DenyAll("my-namespace"));
        var iis = PodView.Of(world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.First(p => p.Labels.GetValueOrDefault("app") == "iis"));
        var linux = Pod(world, "my-namespace", "my-deployment-");
        Assert.Equal("Running", iis.Phase);
        var reach = new Reachability(world);

        var toWindows = NetworkPolicyHop(reach.Evaluate($"my-namespace/{linux.Name}", $"my-namespace/{iis.Name}", "80"));
        var toLinux = NetworkPolicyHop(reach.Evaluate($"my-namespace/{iis.Name}", $"my-namespace/{linux.Name}", "80"));

        // The Linux pod's egress is filtered on its node; the Windows pod's ingress and egress are not.
        Assert.False(toWindows.Allowed);
        Assert.Contains($"egress from my-namespace/{linux.Name}: isolated by my-namespace/deny-all; denied", toWindows.Detail, StringComparison.Ordinal);
        Assert.Contains($"ingress to my-namespace/{iis.Name}: selected by my-namespace/deny-all, whose rules would deny it, but not enforced (its node {iis.NodeName} is a Windows node: the network policy agent runs in aws-node on EC2 Linux nodes only); allowed", toWindows.Detail, StringComparison.Ordinal);
        Assert.False(toLinux.Allowed);
        Assert.Contains($"egress from my-namespace/{iis.Name}: selected by my-namespace/deny-all, whose rules would deny it, but not enforced", toLinux.Detail, StringComparison.Ordinal);
        Assert.Contains($"ingress to my-namespace/{linux.Name}: isolated by my-namespace/deny-all; denied", toLinux.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Matrix_WithAFargatePod_AlgebraEqualsPairwiseAndReach()
    {
        var world = ExampleWorlds.Load(Example, WithNetworkPolicy, FargateAndEc2, DenyAll("batch"), DenyAll("shop"));

        var verdicts = AlgebraicMatrixTests.AssertAlgebraEqualsOracles(world, ["80", "53/udp"]);

        Assert.True(verdicts.Allowed > 0 && verdicts.Denied > 0, $"{verdicts.Allowed} allowed, {verdicts.Denied} denied");

        // The Fargate pod and an EC2 pod with the same policies would differ; here the worker's row admits what deny-all would not.
        var matrix = ConnectivityMatrix.Compute(new Reachability(world), AlgebraicMatrixTests.Spec("53/udp"));
        var worker = matrix.Pods.ToList().FindIndex(p => p.StartsWith("batch/worker-", StringComparison.Ordinal));
        var coreDns = matrix.Pods.ToList().FindIndex(p => p.StartsWith("kube-system/coredns-", StringComparison.Ordinal));
        Assert.True(worker >= 0 && coreDns >= 0);
        Assert.True(matrix.Allowed(worker, coreDns));
    }

    [Fact]
    public void Lint_NamesThePolicyThatSelectsAFargatePod_WithTheAgentsReason()
    {
        var world = ExampleWorlds.Load(Example, WithNetworkPolicy, FargateAndEc2, DenyAll("batch"), DenyAll("shop"));
        var worker = Pod(world, "batch", "worker-");

        var findings = WorldLint.Run(world).Where(f => f.Check == UnenforcedNetworkPolicies.Id).ToList();

        var finding = Assert.Single(findings);
        Assert.Equal(LintSeverity.Warning, finding.Severity);
        Assert.Equal("NetworkPolicy batch/deny-all", finding.Object);
        Assert.Equal($"it selects 1 pod that no NetworkPolicy filters (batch/{worker.Name}): {FargateReason(worker)}; what it would deny is allowed", finding.Message);
        Assert.StartsWith("to restrict pods on Fargate, use security groups: a SecurityGroupPolicy selecting them", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_WithoutPodsOnFargateOrWindows_SaysNothing()
    {
        var world = ExampleWorlds.Load(Example, WithNetworkPolicy, FargateAndEc2.Replace("Selectors: [{namespace: batch}]", "Selectors: [{namespace: elsewhere}]", StringComparison.Ordinal), DenyAll("batch"));
        Assert.False(new NodeView(world.ControlPlane.Store.Get("v1", "Node", null, Pod(world, "batch", "worker-").NodeName!)).IsFargate);

        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == UnenforcedNetworkPolicies.Id);
    }
}
