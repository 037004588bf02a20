using Podnet.Lint;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Lint;

/// <summary>Each check of <c>podnet lint</c> on a world that has the problem, and on one that does not.</summary>
public class WorldLintTests
{
    private const string SgExample = "security-groups-for-pods";

    private static List<LintFinding> Lint(Podnet.World.World world, string check)
        => [.. WorldLint.Run(world).Where(f => f.Check == check)];

    [Fact]
    public void EgressPolicies_Port53ToAnyAddress_IsTheExfiltrationWarning()
    {
        var findings = WorldLint.Run(ExampleWorlds.Load("egress-policies"));

        var finding = Assert.Single(findings);
        Assert.Equal((LintSeverity.Warning, DnsEgressToAnyAddress.Id, "NetworkPolicy team-a/default-deny-all-egress"), (finding.Severity, finding.Check, finding.Object));
        Assert.StartsWith("spec.egress[0] allows UDP/53 and TCP/53 to any address", finding.Message, StringComparison.Ordinal);
        Assert.Contains("k8s-app: kube-dns", finding.Fix, StringComparison.Ordinal);
    }

    /// <summary>
    /// Seed 004: "best not to apply it to the kube-system namespace". A default-deny egress policy there is decided
    /// like any other — CoreDNS can no longer ask its upstream — and lint says so, with the seed's advice.
    /// </summary>
    [Fact]
    public void KubeSystem_DefaultDenyEgress_CoreDnsLosesItsUpstream()
    {
        const string policy = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-all-egress, namespace: kube-system}
            spec: {podSelector: {}, policyTypes: [Egress]}
            """;
        var world = ExampleWorlds.Load("egress-policies", null, policy);

        var finding = Assert.Single(Lint(world, KubeSystemDnsIsolated.Id));
        Assert.Equal((LintSeverity.Warning, "NetworkPolicy kube-system/default-deny-all-egress"), (finding.Severity, finding.Object));
        Assert.StartsWith("it isolates CoreDNS in kube-system: CoreDNS cannot ask its upstream resolver: kube-system/coredns -> 203.0.113.53 UDP/53: denied;", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("seed 004 advises not to apply default-deny policies to kube-system", finding.Fix, StringComparison.Ordinal);
        Assert.False(new Podnet.Policy.Reachability(world).Evaluate("kube-system/coredns", "203.0.113.53", "53/udp").Allowed);
        Assert.Empty(Lint(ExampleWorlds.Load("egress-policies"), KubeSystemDnsIsolated.Id));
    }

    /// <summary>reach names the VPC's resolver as such: no interface, no security groups, inside the VPC.</summary>
    [Fact]
    public void Reach_ToTheVpcResolver_NamesItTheAmazonProvidedDnsServer()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var coreDns = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.First(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal));

        var result = new Podnet.Policy.Reachability(world).Evaluate($"kube-system/{coreDns.Name}", "192.168.0.2", "53/udp");

        Assert.True(result.Allowed);
        Assert.Contains(result.Hops, h => h.Detail == "192.168.0.2 is the VPC's Amazon-provided DNS server, an AWS-reserved address: security groups do not filter traffic to it");
        var other = new Podnet.Policy.Reachability(world).Evaluate($"kube-system/{coreDns.Name}", "192.168.0.3", "53/udp");
        Assert.Contains(other.Hops, h => h.Detail.StartsWith("192.168.0.3 via an address of the VPC that no network interface holds", StringComparison.Ordinal));
    }

    /// <summary>A default-deny ingress policy in kube-system: pods' DNS queries to CoreDNS are denied, and lint says so.</summary>
    [Fact]
    public void KubeSystem_DefaultDenyIngress_PodsCannotAskCoreDns()
    {
        const string policy = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-ingress, namespace: kube-system}
            spec: {podSelector: {}}
            """;
        var world = ExampleWorlds.Load("egress-policies", null, policy);

        var finding = Assert.Single(Lint(world, KubeSystemDnsIsolated.Id));
        Assert.Equal("NetworkPolicy kube-system/default-deny-ingress", finding.Object);
        Assert.Contains("pods cannot ask CoreDNS: ", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Service names do not resolve", finding.Message, StringComparison.Ordinal);
        Assert.Contains("namespaceSelector: {}", finding.Fix, StringComparison.Ordinal);
        Assert.False(new Podnet.Policy.Reachability(world).Evaluate("team-a/web", "kube-system/coredns", "53/udp").Allowed);
    }

    /// <summary>
    /// NodeLocal DNSCache asks CoreDNS from its node's host network (TCP/53 through kube-dns-upstream's ClusterIP), which
    /// a <c>namespaceSelector: {}</c> rule does not match: reach says names do not resolve for the pods that use the
    /// cache, and lint says so with an ipBlock of the nodes' subnets; with that ipBlock added both say they resolve.
    /// </summary>
    [Fact]
    public void KubeSystem_IngressFromAllNamespaces_RefusesNodeLocalDnsCache_TheFixIsAnIpBlockOfTheNodesSubnets()
    {
        static string Policy(string extraPeers) => """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: dns-from-pods, namespace: kube-system}
            spec:
              podSelector: {matchLabels: {k8s-app: kube-dns}}
              policyTypes: [Ingress]
              ingress:
              - from: [{namespaceSelector: {}}
            """ + extraPeers + """
            ]
                ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
            """;
        static Podnet.World.World World(string policy, bool cache) => cache
            ? ExampleWorlds.Load("hello-eks", WithNetworkPolicy, policy, Podnet.Tests.Policy.NodeLocalDnsTests.NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), Podnet.Tests.Policy.NodeLocalDnsTests.KubeDnsUpstream(null))
            : ExampleWorlds.Load("hello-eks", WithNetworkPolicy, policy);

        // Without the cache every pod asks CoreDNS itself, from its own address: all namespaces are allowed.
        Assert.Empty(Lint(World(Policy(string.Empty), cache: false), KubeSystemDnsIsolated.Id));

        var refused = World(Policy(string.Empty), cache: true);
        var finding = Assert.Single(Lint(refused, KubeSystemDnsIsolated.Id));
        Assert.Equal((LintSeverity.Warning, "NetworkPolicy kube-system/dns-from-pods"), (finding.Severity, finding.Object));
        Assert.Matches(@"^it isolates CoreDNS in kube-system: NodeLocal DNSCache cannot ask CoreDNS: 192\.168\.\d+\.\d+ -> kube-system/coredns-\S+ TCP/53: denied; egress from 192\.168\.\d+\.\d+: external endpoint, no policy applies; ingress to kube-system/coredns-\S+: isolated by kube-system/dns-from-pods; denied: no rule of kube-system/dns-from-pods allows it;", finding.Message);
        // The network policy agent lets each node's own address in to the CoreDNS pod on that node: only the web pod on
        // the node without CoreDNS gets no answer.
        var dnsNodes = refused.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)).Select(p => p.NodeName).ToHashSet();
        var web = refused.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).Where(p => p.Name.StartsWith("web-", StringComparison.Ordinal)).ToList();
        var lonely = Assert.Single(web, p => !dnsNodes.Contains(p.NodeName));
        Assert.EndsWith($"the cache asks from its node's host network, which no podSelector or namespaceSelector matches (the network policy agent lets a node's own address in only to the CoreDNS pods on that node), so Service names do not resolve for pods that use it (shop/{lonely.Name}; pod IPs still work)", finding.Message, StringComparison.Ordinal);
        // The fix still covers every node's subnet: a cache beside a CoreDNS pod resolves, but the queries kube-proxy sends
        // to the other CoreDNS pod are refused.
        Assert.Matches(@"^seed 004 advises not to apply default-deny policies to kube-system; if you keep it, allow ingress to `k8s-app: kube-dns` on UDP and TCP 53 from the nodes' addresses in a policy of kube-system — NetworkPolicy matches the host network only by ipBlock: `from: \[\{ipBlock: \{cidr: 192\.168\.64\.0/19\}\}, \{ipBlock: \{cidr: 192\.168\.96\.0/19\}\}\]` \(subnet-[0-9a-f]{17}'s block, subnet-[0-9a-f]{17}'s block\) with `ports: \[\{protocol: UDP, port: 53\}, \{protocol: TCP, port: 53\}\]`$", finding.Fix);
        var denied = new Podnet.Policy.Reachability(refused).Evaluate($"shop/{lonely.Name}", "svc/shop/web", "80");
        Assert.False(denied.Allowed);
        Assert.Contains(denied.Hops, h => !h.Allowed && h.Detail.Contains("gets no answer from CoreDNS through Service kube-system/kube-dns-upstream (TCP/53 from the node): web.shop.svc.cluster.local does not resolve", StringComparison.Ordinal));

        // A web pod beside a CoreDNS pod resolves through it: kube-proxy may send the cache's query to either CoreDNS
        // pod, reach judges each, and the one on the cache's own node answers (the other refuses the node's address).
        var near = web.First(p => dnsNodes.Contains(p.NodeName));
        var resolved = new Podnet.Policy.Reachability(refused).Evaluate($"shop/{near.Name}", "svc/shop/web", "80");
        Assert.True(resolved.Allowed);
        Assert.Single(resolved.Hops, h => h.Allowed && h.Step.StartsWith("dns: node-local-dns-", StringComparison.Ordinal) && h.Step.EndsWith(": networkpolicy", StringComparison.Ordinal)
                                          && h.Detail.Contains("the network policy agent allows the pod's own node in", StringComparison.Ordinal));
        Assert.Single(resolved.Hops, h => !h.Allowed && h.Step.StartsWith("dns: node-local-dns-", StringComparison.Ordinal) && h.Detail.Contains("isolated by kube-system/dns-from-pods; denied", StringComparison.Ordinal));
        Assert.Contains(resolved.Hops, h => h.Allowed && h.Step == "dns" && h.Detail.Contains("then Service kube-system/kube-dns-upstream: CoreDNS kube-system/coredns-", StringComparison.Ordinal));

        // The advice as given: lint is silent and reach resolves through the cache.
        var fixedWorld = World(Policy(", {ipBlock: {cidr: 192.168.64.0/19}}, {ipBlock: {cidr: 192.168.96.0/19}}"), cache: true);
        Assert.Empty(Lint(fixedWorld, KubeSystemDnsIsolated.Id));
        var allowed = new Podnet.Policy.Reachability(fixedWorld).Evaluate("deploy/shop/web", "svc/shop/web", "80");
        Assert.True(allowed.Allowed);
        Assert.Contains(allowed.Hops, h => h.Allowed && h.Detail.Contains("web.shop.svc.cluster.local resolves to", StringComparison.Ordinal) && h.Detail.Contains("then Service kube-system/kube-dns-upstream", StringComparison.Ordinal));
    }

    /// <summary>
    /// Under Calico the cache's query to the CoreDNS pod on its own node is the node's host network to a local workload,
    /// which Felix does not police (felix/rules/static.go filterOutputChain): as under the agent, only the pod on the node
    /// without CoreDNS is named, with Calico's reason.
    /// </summary>
    [Fact]
    public void KubeSystem_IngressFromAllNamespaces_UnderCalico_NamesOnlyThePodsWhoseNodeRunsNoCoreDns()
    {
        const string policy = Podnet.Tests.Policy.DnsPartialAnswerTests.DnsFromPods;
        var world = ExampleWorlds.Load("hello-eks", null, ExampleWorlds.CalicoDaemonSet, policy, Podnet.Tests.Policy.NodeLocalDnsTests.NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), Podnet.Tests.Policy.NodeLocalDnsTests.KubeDnsUpstream(null));
        var finding = Assert.Single(Lint(world, KubeSystemDnsIsolated.Id));
        var dnsNodes = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)).Select(p => p.NodeName).ToHashSet();
        var web = world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).Where(p => p.Name.StartsWith("web-", StringComparison.Ordinal)).ToList();
        var lonely = Assert.Single(web, p => !dnsNodes.Contains(p.NodeName));
        Assert.Contains("(enforced by Calico)", finding.Message, StringComparison.Ordinal);
        Assert.EndsWith($"the cache asks from its node's host network, which no podSelector or namespaceSelector matches (Calico lets a node's host network in only to the CoreDNS pods on that node), so Service names do not resolve for pods that use it (shop/{lonely.Name}; pod IPs still work)", finding.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// CoreDNS admits every namespace, but shop's own default-deny egress stops its pods' queries: reach says names do not
    /// resolve, and the NetworkPolicy step names shop's policy, not kube-system's, so this check (whose fix is already in
    /// place) says nothing.
    /// </summary>
    [Fact]
    public void KubeSystem_PodsRefusedByTheirOwnEgressPolicy_AreNotLaidAtKubeSystemsDoor()
    {
        const string kubeSystem = Podnet.Tests.Policy.DnsPartialAnswerTests.DnsFromPods;
        const string shop = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-egress, namespace: shop}
            spec: {podSelector: {}, policyTypes: [Egress]}
            """;
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, kubeSystem, shop);

        Assert.Empty(Lint(world, KubeSystemDnsIsolated.Id));
        var reach = new Podnet.Policy.Reachability(world).Evaluate("deploy/shop/web", "svc/shop/web", "80");
        Assert.False(reach.Allowed);
        Assert.Contains(reach.Hops, h => !h.Allowed && h.Step.EndsWith("dns: networkpolicy", StringComparison.Ordinal) && h.Detail.Contains("egress from shop/web-", StringComparison.Ordinal) && h.Detail.Contains("isolated by shop/default-deny-egress; denied", StringComparison.Ordinal));

        // Without shop's policy, a default deny in kube-system is reported as before, with the namespaceSelector fix.
        const string denyAll = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-ingress, namespace: kube-system}
            spec: {podSelector: {}}
            """;
        var finding = Assert.Single(Lint(ExampleWorlds.Load("hello-eks", WithNetworkPolicy, denyAll), KubeSystemDnsIsolated.Id));
        Assert.Matches(@"^it isolates CoreDNS in kube-system: pods cannot ask CoreDNS: shop/web-\S+ -> kube-system/coredns-\S+ UDP/53: denied; egress from shop/web-\S+: not isolated", finding.Message);
        Assert.EndsWith("(`from: [{namespaceSelector: {}}]`) in a policy of kube-system", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkPolicies_WithoutAnEnforcer_AreReported_AndNotOnceTheAddonEnablesIt()
    {
        const string policy = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: default}
            spec: {podSelector: {}}
            """;
        var unenforced = Assert.Single(Lint(WorldLoader.Load([WorldLoader.DefaultSource(), new WorldSource("p.yaml", policy)]), UnenforcedNetworkPolicies.Id));
        Assert.Equal("ConfigMap kube-system/amazon-vpc-cni", unenforced.Object);
        Assert.StartsWith("1 NetworkPolicies (default/deny-all) are not enforced", unenforced.Message, StringComparison.Ordinal);

        const string addon = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Addon
            metadata: {name: vpc-cni}
            spec: {ConfigurationValues: {enableNetworkPolicy: "true"}}
            """;
        Assert.Empty(Lint(WorldLoader.Load([WorldLoader.DefaultSource(), new WorldSource("p.yaml", policy), new WorldSource("a.yaml", addon)]), UnenforcedNetworkPolicies.Id));
    }

    [Fact]
    public void SecurityGroupPolicy_WithAGroupThatDoesNotExist_IsAnError()
    {
        var finding = Assert.Single(Lint(ExampleWorlds.Load("sgp-missing-group"), SecurityGroupReferences.NotFoundId));
        Assert.Equal((LintSeverity.Error, "SecurityGroupPolicy default/my-security-group-policy"), (finding.Severity, finding.Object));
        Assert.StartsWith("spec.securityGroups.groupIds[0]: the security group 'sg-abc123' does not exist", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SixGroupsForAPod_ExceedTheInterfaceLimitOfFive()
    {
        var groups = string.Concat(Enumerable.Range(1, 6).Select(i => $"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroup
            metadata: {"{"}name: extra-{i}{"}"}
            spec: {"{"}Vpc: podnet-vpc, GroupId: sg-0000000000000000{i}, Description: extra{"}"}
            ---

            """));
        var world = ExampleWorlds.Load(SgExample, text => text.Replace(
            "    - sg-05b1d815d1e4a1b2c\n",
            "    - sg-05b1d815d1e4a1b2c\n" + string.Concat(Enumerable.Range(1, 5).Select(i => $"    - sg-0000000000000000{i}\n")),
            StringComparison.Ordinal), groups.TrimEnd('-', '\n'));

        var finding = Assert.Single(Lint(world, SecurityGroupReferences.TooManyId));
        Assert.StartsWith("Pod my-namespace/my-deployment-", finding.Object, StringComparison.Ordinal);
        Assert.EndsWith("(and 3 more with the same groups)", finding.Object, StringComparison.Ordinal);
        Assert.Contains("6 security groups", finding.Message, StringComparison.Ordinal);
        Assert.Contains("exceeded limit 5 on the number of interface security group memberships", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecurityGroupPods_WithoutTheDnsRules_HaveNoDnsPath()
    {
        Assert.Empty(Lint(ExampleWorlds.Load(SgExample), SecurityGroupPodDns.Id));

        var world = ExampleWorlds.Load(SgExample, text => ExampleWorlds.WithoutKind(text, "SecurityGroupIngress"));
        var finding = Assert.Single(Lint(world, SecurityGroupPodDns.Id));
        Assert.Contains("allow no DNS path to CoreDNS", finding.Message, StringComparison.Ordinal);
        Assert.Contains("--protocol udp --port 53 --source-group sg-05b1d815d1e4a1b2c", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void SecurityGroupPods_ResolvingThroughNodeLocalDnsCacheInStandardMode_HaveADnsPath_AsReachSays()
    {
        // Standard mode, no DNS rules for the pods' group, every replica on the node without CoreDNS: asked directly,
        // CoreDNS's group refuses them. With NodeLocal DNSCache their query stays on the node and the cache asks
        // CoreDNS from the node (through kube-dns-upstream), so names resolve and lint does not say otherwise.
        static string Edit(string text) => ExampleWorlds.WithoutKind(ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")), "SecurityGroupIngress")
            .Replace("    spec:\n      containers:\n      - name: nginx", "    spec:\n      nodeSelector: {kubernetes.io/hostname: ip-192-168-96-4.us-west-2.compute.internal}\n      containers:\n      - name: nginx", StringComparison.Ordinal);

        var direct = ExampleWorlds.Load(SgExample, Edit);
        Assert.Contains("allow no DNS path to CoreDNS", Assert.Single(Lint(direct, SecurityGroupPodDns.Id)).Message, StringComparison.Ordinal);
        Assert.False(new Podnet.Policy.Reachability(direct).Evaluate("deploy/my-namespace/my-deployment", "svc/my-namespace/my-app", "80").Allowed);

        var cached = ExampleWorlds.Load(SgExample, Edit, Podnet.Tests.Policy.NodeLocalDnsTests.NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), Podnet.Tests.Policy.NodeLocalDnsTests.KubeDnsUpstream(null));
        Assert.Empty(Lint(cached, SecurityGroupPodDns.Id));
        var reach = new Podnet.Policy.Reachability(cached).Evaluate("deploy/my-namespace/my-deployment", "svc/my-namespace/my-app", "80");
        Assert.Contains(reach.Hops, h => h.Step.EndsWith("dns", StringComparison.Ordinal) && h.Allowed && h.Detail.Contains("resolves to", StringComparison.Ordinal) && h.Detail.Contains("NodeLocal DNSCache", StringComparison.Ordinal));
        Assert.DoesNotContain(reach.Hops, h => h.Step.EndsWith("dns", StringComparison.Ordinal) && !h.Allowed);
    }

    /// <summary>
    /// Standard mode, no DNS rules for the pods' group: a replica on a node with a CoreDNS pod resolves (the query to
    /// it stays on the node, no group applies), a replica on the node without one is refused by CoreDNS's group. The
    /// set is reported for the replicas whose query fails, as reach says, though its first replica resolves.
    /// </summary>
    [Fact]
    public void SecurityGroupPods_SplitOverNodes_AreReportedForThePodsWhoseDnsFails()
    {
        static string Standard(string text) => ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard"));
        var world = ExampleWorlds.Load(SgExample, text => ExampleWorlds.WithoutKind(Standard(text), "SecurityGroupIngress"));
        var pods = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var coreDnsNodes = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => Podnet.Kube.Views.PodView.Of(p))
            .Where(p => p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns").Select(p => p.NodeName).ToHashSet();
        var failing = pods.Where(p => !coreDnsNodes.Contains(p.NodeName)).ToList();
        Assert.InRange(failing.Count, 1, pods.Count - 1);
        Assert.Contains(pods[0].NodeName, coreDnsNodes);

        var finding = Assert.Single(Lint(world, SecurityGroupPodDns.Id));
        Assert.Equal($"Pod my-namespace/{pods[0].Name} (and {pods.Count - 1} more with the same groups)", finding.Object);
        Assert.StartsWith(
            $"its security groups (sg-05b1d815d1e4a1b2c (my-pod-security-group)) allow no DNS path to CoreDNS for {string.Join(", ", failing.Select(p => $"my-namespace/{p.Name}"))} ({failing.Count} of the {pods.Count} pods with these groups; the others resolve): Service names do not resolve (pod IPs still work); kube-system/coredns-",
            finding.Message,
            StringComparison.Ordinal);
        Assert.Contains($"allows UDP/53 from {failing[0].PodIP};", finding.Message, StringComparison.Ordinal);
        var reach = new Podnet.Policy.Reachability(world);
        Assert.All(failing, p => Assert.False(reach.Evaluate($"my-namespace/{p.Name}", "svc/my-namespace/my-app", "80").Allowed));
        Assert.All(pods.Except(failing), p => Assert.True(reach.Evaluate($"my-namespace/{p.Name}", "svc/my-namespace/my-app", "80").Allowed));

        // With the example's DNS rules every replica resolves, and the set is not reported.
        Assert.Empty(Lint(ExampleWorlds.Load(SgExample, Standard), SecurityGroupPodDns.Id));
    }

    /// <summary>
    /// The same split: the replicas beside a CoreDNS pod resolve only through it (reach's partial answer: the other
    /// CoreDNS pod's group refuses them), and the finding names them after the failing ones, as resolving slowly.
    /// </summary>
    [Fact]
    public void SecurityGroupPods_SplitOverNodes_TheReplicasBesideACoreDnsPodAreNamedAsResolvingSlowly()
    {
        static string Standard(string text) => ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard"));
        var world = ExampleWorlds.Load(SgExample, text => ExampleWorlds.WithoutKind(Standard(text), "SecurityGroupIngress"));
        var pods = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var coreDnsNodes = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => Podnet.Kube.Views.PodView.Of(p))
            .Where(p => p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns").Select(p => p.NodeName).ToHashSet();
        var slow = pods.Where(p => coreDnsNodes.Contains(p.NodeName)).ToList();
        Assert.InRange(slow.Count, 1, 3);

        var finding = Assert.Single(Lint(world, SecurityGroupPodDns.Id));

        Assert.EndsWith(
            $"; {string.Join(", ", slow.Select(p => $"my-namespace/{p.Name}"))} resolve only through the CoreDNS pods their groups do not cross (on their own node), and about 50% of their queries go to another CoreDNS pod, whose groups refuse them, and get no answer",
            finding.Message,
            StringComparison.Ordinal);
        var reach = new Podnet.Policy.Reachability(world);
        Assert.All(slow, p => Assert.NotNull(reach.Resolve(reach.ResolveEndpoint($"my-namespace/{p.Name}")!, "kubernetes.default.svc.cluster.local", null).Partial));
    }

    /// <summary>
    /// Every replica beside a CoreDNS pod (pinned to its node): each resolves, but only through that pod, so no replica
    /// fails and the set is still reported, as resolving slowly, with reach's reason for the first and the same fix;
    /// with the example's DNS rules it is not.
    /// </summary>
    [Fact]
    public void SecurityGroupPods_AllBesideOneCoreDnsPod_AreReportedAsResolvingSlowly()
    {
        static string Standard(string text) => ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard"));
        var probe = ExampleWorlds.Load(SgExample, Standard);
        var coreDns = probe.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => Podnet.Kube.Views.PodView.Of(p))
            .Where(p => p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns").OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var dnsNode = coreDns[0].NodeName!;
        string Pinned(string text) => Standard(text)
            .Replace("    spec:\n      containers:\n      - name: nginx", $"    spec:\n      nodeSelector: {{kubernetes.io/hostname: {dnsNode}}}\n      containers:\n      - name: nginx", StringComparison.Ordinal);
        var world = ExampleWorlds.Load(SgExample, text => ExampleWorlds.WithoutKind(Pinned(text), "SecurityGroupIngress"));
        var pods = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        Assert.All(pods, p => Assert.Equal(dnsNode, p.NodeName));
        var other = coreDns.Single(p => p.NodeName != dnsNode);

        var finding = Assert.Single(Lint(world, SecurityGroupPodDns.Id));

        Assert.StartsWith(
            $"its security groups (sg-05b1d815d1e4a1b2c (my-pod-security-group)) let {string.Join(", ", pods.Take(3).Select(p => $"my-namespace/{p.Name}"))}{(pods.Count > 3 ? $" and {pods.Count - 3} more" : string.Empty)} ask only the CoreDNS pods their groups do not cross (on their own node), and about 50% of their queries go to another CoreDNS pod, whose groups refuse them, and get no answer: Service names resolve slowly and now and then fail (pod IPs still work); kube-system/{other.Name} via its primary interface eni-",
            finding.Message,
            StringComparison.Ordinal);
        Assert.Contains($"allows UDP/53 from {pods[0].PodIP}", finding.Message, StringComparison.Ordinal);
        Assert.Contains("--protocol udp --port 53 --source-group sg-05b1d815d1e4a1b2c", finding.Fix, StringComparison.Ordinal);
        Assert.True(new Podnet.Policy.Reachability(world).Evaluate($"my-namespace/{pods[0].Name}", "svc/my-namespace/my-app", "80").Allowed);

        Assert.Empty(Lint(ExampleWorlds.Load(SgExample, Pinned), SecurityGroupPodDns.Id));
    }

    /// <summary>
    /// Two namespaces' pods with the same groups on the same nodes share their DNS situations (no NetworkPolicy), so one
    /// query may speak for both sets; each finding still gives the reason reach gives for the first pod it names.
    /// </summary>
    [Fact]
    public void SecurityGroupPods_OfTwoNamespaces_EachFindingGivesTheReasonForItsOwnPod()
    {
        const string other = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: other}
            ---
            apiVersion: vpcresources.k8s.aws/v1beta1
            kind: SecurityGroupPolicy
            metadata: {name: my-security-group-policy, namespace: other}
            spec:
              podSelector: {matchLabels: {role: my-role}}
              securityGroups: {groupIds: [sg-05b1d815d1e4a1b2c]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: other, namespace: other}
            spec:
              replicas: 3
              selector: {matchLabels: {app: other}}
              template:
                metadata: {labels: {app: other, role: my-role}}
                spec:
                  containers:
                  - {name: nginx, image: public.ecr.aws/nginx/nginx:1.23}
            """;
        var world = ExampleWorlds.Load(SgExample, text => ExampleWorlds.WithoutKind(text, "SecurityGroupIngress"), other);

        var findings = Lint(world, SecurityGroupPodDns.Id);
        Assert.Equal(2, findings.Count);
        foreach (var ns in new[] { "my-namespace", "other" })
        {
            var first = world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).First();
            var finding = Assert.Single(findings, f => f.Object.StartsWith($"Pod {ns}/{first.Name} ", StringComparison.Ordinal));
            Assert.Contains($"allow no DNS path to CoreDNS for {ns}/{first.Name}, ", finding.Message, StringComparison.Ordinal);
            Assert.Contains($"allows UDP/53 from {first.PodIP}; ", finding.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SecurityGroupPods_WithAProbeTheirGroupsRefuse_AreReported_WithTheEarlyDemuxSetting()
    {
        var world = ExampleWorlds.Load(SgExample, text => text.Replace(
            "        - containerPort: 80\n",
            "        - containerPort: 80\n          name: http\n        readinessProbe:\n          httpGet: {path: /, port: http}\n",
            StringComparison.Ordinal));
        var findings = WorldLint.Run(world);

        var probe = Assert.Single(findings, f => f.Check == SecurityGroupPodProbes.Id);
        Assert.Contains("the kubelet probes TCP/80 from node", probe.Message, StringComparison.Ordinal);
        Assert.StartsWith("`aws ec2 authorize-security-group-ingress --group-id sg-05b1d815d1e4a1b2c --protocol tcp --port 80 --source-group sg-", probe.Fix, StringComparison.Ordinal);
        Assert.Single(findings, f => f.Check == SecurityGroupPodProbes.EarlyDemuxId);
    }

    [Fact]
    public void SecurityGroupPods_SelectedForT3Nodes_AreAnError()
    {
        var world = ExampleWorlds.Load(SgExample, text => text.Replace(
            "      containers:\n      - name: nginx",
            "      nodeSelector: {node.kubernetes.io/instance-type: t3.medium}\n      containers:\n      - name: nginx",
            StringComparison.Ordinal));

        var finding = Assert.Single(Lint(world, TrunkIncompatibleNodes.Id));
        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Contains("can only run on t3.medium, which is not trunking-compatible", finding.Message, StringComparison.Ordinal);
        Assert.Empty(Lint(ExampleWorlds.Load(SgExample), TrunkIncompatibleNodes.Id));
    }

    [Fact]
    public void StrictMode_WithNodeLocalDnsCacheCalicoAndLocalTrafficPolicy_IsReported_AndStandardModeIsNot()
    {
        const string extra = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: node-local-dns, namespace: kube-system}
            spec:
              selector: {matchLabels: {k8s-app: node-local-dns}}
              template:
                metadata: {labels: {k8s-app: node-local-dns}}
                spec: {hostNetwork: true, containers: [{name: node-cache, image: registry.k8s.io/dns/k8s-dns-node-cache:1.23.1}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: my-app-public, namespace: my-namespace}
            spec: {type: NodePort, externalTrafficPolicy: Local, selector: {app: my-app}, ports: [{port: 80}]}
            """;
        var strict = WorldLint.Run(ExampleWorlds.Load(SgExample, null, extra, ExampleWorlds.CalicoDaemonSet));
        Assert.Contains(strict, f => f.Check == StrictModeConflicts.NodeLocalDnsId && f.Object == "DaemonSet kube-system/node-local-dns");
        Assert.Contains(strict, f => f.Check == StrictModeConflicts.CalicoId && f.Message.Contains("4 pods with security groups is not governed by Calico", StringComparison.Ordinal));
        var local = Assert.Single(strict, f => f.Check == StrictModeConflicts.LocalTrafficId);
        Assert.Equal("Service my-namespace/my-app-public", local.Object);
        Assert.Contains("POD_SECURITY_GROUP_ENFORCING_MODE=standard", local.Fix, StringComparison.Ordinal);

        var standard = WorldLint.Run(ExampleWorlds.Load(SgExample, text => ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")), extra, ExampleWorlds.CalicoDaemonSet));
        Assert.DoesNotContain(standard, f => f.Check.StartsWith("strict-mode-", StringComparison.Ordinal));
    }

    [Fact]
    public void OldCni_WithPodEni_AndZeroGracePeriod_AreErrors()
    {
        var addons = EksAddons()
            .Replace(":v1.19.2-eksbuild.1", ":v1.7.5-eksbuild.1", StringComparison.Ordinal)
            .Replace("- name: ENABLE_POD_ENI\n          value: \"false\"", "- name: ENABLE_POD_ENI\n          value: \"true\"", StringComparison.Ordinal);
        var world = ExampleWorlds.Load(SgExample, text => text.Replace("      containers:\n      - name: nginx", "      terminationGracePeriodSeconds: 0\n      containers:\n      - name: nginx", StringComparison.Ordinal), addons);
        var findings = WorldLint.Run(world);

        var version = Assert.Single(findings, f => f.Check == CniVersionRequirements.PodEniVersionId);
        Assert.Equal(("DaemonSet kube-system/aws-node", "ENABLE_POD_ENI is true, but the VPC CNI is 1.7.5-eksbuild.1: security groups for pods need 1.7.7 or later"), (version.Object, version.Message));
        var grace = Assert.Single(findings, f => f.Check == CniVersionRequirements.GracePeriodId);
        Assert.Contains("terminationGracePeriodSeconds: 0", grace.Message, StringComparison.Ordinal);

        Assert.DoesNotContain(WorldLint.Run(ExampleWorlds.Load(SgExample)), f => f.Check.StartsWith("pod-eni", StringComparison.Ordinal) || f.Check.StartsWith("zero-grace", StringComparison.Ordinal));
    }

    [Fact]
    public void EniConfig_WithASubnetInAnotherZone_IsAnError()
    {
        Assert.Empty(Lint(ExampleWorlds.Load("custom-networking"), EniConfigSubnets.Id));

        var world = ExampleWorlds.Load("custom-networking", text => text.Replace("subnet: subnet-0a1b2c3d4e5f60a01", "subnet: subnet-0a1b2c3d4e5f60d02", StringComparison.Ordinal));
        var finding = Assert.Single(Lint(world, EniConfigSubnets.Id));
        Assert.Equal("ENIConfig us-west-2a", finding.Object);
        Assert.Contains("subnet-0a1b2c3d4e5f60d02 is in us-west-2d, but node", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomNetworking_WithTheTableMaxPods_IsReported_WithTheCalculatorsValue()
    {
        Assert.Empty(Lint(ExampleWorlds.Load("custom-networking"), CustomNetworkingMaxPods.Id));

        var world = ExampleWorlds.Load("custom-networking", text => text.Replace("  MaxPods: 12\n", string.Empty, StringComparison.Ordinal));
        var finding = Assert.Single(Lint(world, CustomNetworkingMaxPods.Id));
        Assert.Equal("Nodegroup my-nodegroup", finding.Object);
        Assert.Contains("allow 17 pods, but with custom networking the primary interface takes none: 12 fit", finding.Message, StringComparison.Ordinal);
        Assert.Contains("spec.MaxPods: 12", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultWorld_HasNoFindings()
        => Assert.Empty(WorldLint.Run(WorldLoader.LoadDefault()));

    /// <summary>hello-eks's vpc-cni add-on with <c>enableNetworkPolicy</c>: the VPC CNI's agent enforces NetworkPolicy.</summary>
    private static string WithNetworkPolicy(string text)
        => text.Replace("kind: Addon\nmetadata:\n  name: vpc-cni\n", "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues: {enableNetworkPolicy: \"true\"}\n", StringComparison.Ordinal);

    private static string EksAddons()
    {
        using var stream = typeof(WorldLoader).Assembly.GetManifestResourceStream("Podnet.World.EksAddons.yaml")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
