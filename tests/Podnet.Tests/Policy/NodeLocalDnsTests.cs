using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// NodeLocal DNSCache (seed 000): the <c>node-local-dns</c> DaemonSet on the host network of every node, bound to
/// 169.254.20.10 (and kube-dns's ClusterIP in kube-proxy's iptables mode), is on the DNS path of pods whose resolver
/// is one of its addresses. In strict mode a pod with security groups never reaches it (its packets leave by its
/// branch interface), in standard mode it does; link-local addresses are never routed out through a NAT gateway.
/// <c>reach</c>, <c>run</c> and <c>lint</c> say the same.
/// </summary>
public class NodeLocalDnsTests
{
    private const string SgExample = "security-groups-for-pods";

    /// <summary>nodelocaldns.yaml's DaemonSet, trimmed, with <paramref name="localIp"/> as its <c>-localip</c>.</summary>
    private static string NodeLocalDnsDaemonSet(string localIp) => $$"""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: node-local-dns
          namespace: kube-system
          labels: {k8s-app: node-local-dns}
        spec:
          selector:
            matchLabels: {k8s-app: node-local-dns}
          template:
            metadata:
              labels: {k8s-app: node-local-dns}
            spec:
              priorityClassName: system-node-critical
              hostNetwork: true
              dnsPolicy: Default
              containers:
              - name: node-cache
                image: registry.k8s.io/dns/k8s-dns-node-cache:1.23.1
                args: ["-localip", "{{localIp}}", "-conf", "/etc/Corefile", "-upstreamsvc", "kube-dns-upstream"]
                ports:
                - {containerPort: 53, name: dns, protocol: UDP}
                - {containerPort: 53, name: dns-tcp, protocol: TCP}
        """;

    /// <summary>A pod with the policy's groups (role: my-role) whose resolv.conf names the cache, and a plain pod.</summary>
    private const string Clients = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: client
          namespace: my-namespace
          labels: {role: my-role}
        spec:
          dnsPolicy: None
          dnsConfig:
            nameservers: [169.254.20.10]
            searches: [my-namespace.svc.cluster.local, svc.cluster.local, cluster.local]
            options: [{name: ndots, value: "5"}]
          containers:
          - {name: curl, image: public.ecr.aws/docker/library/busybox:1.36}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: plain
          namespace: my-namespace
        spec:
          containers:
          - {name: curl, image: public.ecr.aws/docker/library/busybox:1.36}
        """;

    [Fact]
    public void KubeDnsClusterIpAsAnAddress_IsTheCachesWhenItBindsIt_ElseKubeProxyTranslatesIt()
    {
        // iptables mode: the cache binds kube-dns's ClusterIP on the node, so a packet to it stays there.
        using (var bound = new ScenarioWorld(SgExample, null, NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), Clients))
        {
            var (exit, output, _) = PodnetCli.Run("reach", bound.Directory, "my-namespace/plain", "10.100.0.10", "53/udp");
            Assert.Equal(0, exit);
            Assert.Contains("10.100.0.10 is NodeLocal DNSCache's (kube-system/node-local-dns-", output, StringComparison.Ordinal);
            Assert.DoesNotContain("is the ClusterIP of Service", output, StringComparison.Ordinal);
        }

        // -localip 169.254.20.10 alone: the ClusterIP is kube-proxy's, translated to the CoreDNS pods.
        using var unbound = new ScenarioWorld(SgExample, null, NodeLocalDnsDaemonSet("169.254.20.10"), Clients);
        var (unboundExit, unboundOutput, _) = PodnetCli.Run("reach", unbound.Directory, "my-namespace/plain", "10.100.0.10", "53/udp");
        Assert.Equal(0, unboundExit);
        Assert.StartsWith("ALLOWED\n  ok    service: 10.100.0.10 is the ClusterIP of Service kube-system/kube-dns: kube-proxy on ip-", unboundOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictMode_PodWithSecurityGroups_CannotReachTheCache_OthersResolveThroughIt()
    {
        using var scenario = new ScenarioWorld(SgExample, null, NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), Clients);

        // run: a cache on every node, on the host network.
        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(run, @"\nkube-system +node-local-dns-\S+ +1/1 +Running +0 +\S+ +192\.168\.\d+\.\d+ +ip-192-168-"));
        Assert.Matches(@"\nkube-system +node-local-dns-\S+ +1/1 +Running +0 +\S+ +192\.168\.64\.4 +ip-192-168-64-4\.", run);
        Assert.Matches(@"\nmy-namespace +client +1/1 +Running ", run);

        // reach: the pod with security groups asks 169.254.20.10, which its branch interface never delivers.
        var (reachExit, reach, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/client", "svc/my-namespace/my-app", "80");
        Assert.Equal(1, reachExit);
        Assert.Matches(@"^DENIED\n  ok    dns: resolver: dnsPolicy None: nameserver 169\.254\.20\.10 \(NodeLocal DNSCache's\)\n  FAIL  dns: node: 169\.254\.20\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on ip-192-168-\d+-\d+\.us-west-2\.compute\.internal\): in strict mode my-namespace/client sends every packet by its branch interface eni-[0-9a-f]{17}, so it never reaches the node's listener \(POD_SECURITY_GROUP_ENFORCING_MODE=standard lets it\)\n", reach);
        Assert.Contains("  FAIL  dns: the DNS query (UDP/53) to NodeLocal DNSCache at 169.254.20.10 fails: my-app.my-namespace.svc.cluster.local does not resolve\n", reach, StringComparison.Ordinal);
        Assert.DoesNotContain("NAT gateway", reach, StringComparison.Ordinal);

        // The same address asked directly: the same step.
        var (_, direct, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/client", "169.254.20.10", "53/udp");
        Assert.Matches(@"^DENIED\n  FAIL  node: 169\.254\.20\.10 is NodeLocal DNSCache's .*in strict mode my-namespace/client sends every packet by its branch interface", direct);

        // A pod without security groups and the default resolver (kube-dns's ClusterIP, which the cache binds in
        // iptables mode) is answered on its node; the cache asks CoreDNS from the node over TCP.
        var (_, plain, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "svc/my-namespace/my-app", "80");
        Assert.Matches(@"\n  ok    dns: node: 10\.100\.0\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on ip-192-168-\d+-\d+\.us-west-2\.compute\.internal\): the packet stays on the node, crosses no VPC interface and is never routed out of the VPC: security groups do not apply\n", plain);
        Assert.Matches(@"\n  ok    dns: node-local-dns-\S+ to coredns-\S+: ingress: kube-system/coredns-\S+ via its primary interface eni-[0-9a-f]{17}: sg-", plain);
        Assert.Matches(@"\n  ok    dns: my-app\.my-namespace\.svc\.cluster\.local resolves to 10\.100\.\d+\.\d+ \(NodeLocal DNSCache kube-system/node-local-dns-\S+ at 10\.100\.0\.10, then kube-dns\)\n", plain);

        // lint: the finding names the pods whose DNS fails, with reach's reason.
        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.Matches(
            @"warning  DaemonSet kube-system/node-local-dns  \[strict-mode-nodelocal-dnscache\]\n  the cluster uses NodeLocal DNSCache and security groups for pods, but POD_SECURITY_GROUP_ENFORCING_MODE is strict: pods with security groups are supported with NodeLocal DNSCache only in standard mode; DNS fails for Pod my-namespace/client and 4 more: 169\.254\.20\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on \S+\): in strict mode my-namespace/client sends every packet by its branch interface eni-[0-9a-f]{17}, so it never reaches the node's listener",
            lint);
    }

    [Fact]
    public void StandardMode_PodWithSecurityGroups_ResolvesThroughTheCache()
    {
        using var scenario = new ScenarioWorld(
            SgExample,
            t => ExampleWorlds.WithCniEnv(t, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")),
            NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"),
            Clients);
        var (_, reach, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/client", "svc/my-namespace/my-app", "80");
        Assert.Matches(@"^(ALLOWED|DENIED)\n  ok    dns: resolver: dnsPolicy None: nameserver 169\.254\.20\.10 \(NodeLocal DNSCache's\)\n  ok    dns: node: 169\.254\.20\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on \S+\): the packet stays on the node, crosses no VPC interface and is never routed out of the VPC: security groups do not apply\n", reach);
        Assert.Matches(@"\n  ok    dns: my-app\.my-namespace\.svc\.cluster\.local resolves to 10\.100\.\d+\.\d+ \(NodeLocal DNSCache kube-system/node-local-dns-\S+ at 169\.254\.20\.10, then kube-dns\)\n", reach);

        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.DoesNotContain("strict-mode-nodelocal-dnscache", lint, StringComparison.Ordinal);
    }

    [Fact]
    public void LinkLocal_IsNeverOutThroughTheNatGateway_AndACacheOnlyOnTheLinkLocalAddressLeavesClusterFirstPodsOnCoreDns()
    {
        // kube-proxy in IPVS mode: the cache binds 169.254.20.10 only, so ClusterFirst pods still ask CoreDNS.
        using var scenario = new ScenarioWorld(SgExample, null, NodeLocalDnsDaemonSet("169.254.20.10"), Clients);

        var (exit, metadata, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "169.254.169.254", "80");
        Assert.Equal(0, exit);
        Assert.Matches(@"^ALLOWED\n  ok    node: 169\.254\.169\.254 is link-local, on the node ip-192-168-\d+-\d+\.us-west-2\.compute\.internal: the packet stays on the node, crosses no VPC interface and is never routed out of the VPC: security groups do not apply\n$", metadata);

        var (_, plain, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "svc/my-namespace/my-app", "80");
        Assert.Matches(@"\n  ok    dns: my-app\.my-namespace\.svc\.cluster\.local resolves to 10\.100\.\d+\.\d+ \(kube-dns\)\n", plain);
        Assert.DoesNotContain("NodeLocal DNSCache", plain, StringComparison.Ordinal);

        var (_, cache, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "169.254.20.10", "53/udp");
        Assert.Matches(@"^ALLOWED\n  ok    node: 169\.254\.20\.10 is NodeLocal DNSCache's \(kube-system/node-local-dns-\S+, host network on \S+\): the packet stays on the node", cache);
        var (_, wrongPort, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/plain", "169.254.20.10", "80");
        Assert.Matches(@"^DENIED\n  FAIL  node: 169\.254\.20\.10 is NodeLocal DNSCache's .*: it listens on port 53 only, not TCP/80\n", wrongPort);
    }
}
