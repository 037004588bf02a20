using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World.Shell;

namespace Podnet.Tests.Policy;

/// <summary>
/// Some CoreDNS pods answer, some refuse: kube-proxy sends each new flow to kube-dns's ClusterIP (and NodeLocal
/// DNSCache's to its upstream Service) to one ready endpoint at random (pkg/proxy/iptables/proxier.go
/// <c>writeServiceToEndpointRules</c>), so when k of n CoreDNS pods refuse, about k/n of the queries get no answer.
/// The name still resolves (<see cref="DnsReply.Answered"/>, <c>podnet test</c>'s rows pass, the shell's
/// <c>nslookup</c> answers) and the <c>dns</c> step says what it costs; <see cref="DnsResolution.Partial"/> carries
/// the refusals for lint.
/// </summary>
public class DnsPartialAnswerTests
{
    private const string SgExample = "security-groups-for-pods";

    private const string Name = "my-app.my-namespace.svc.cluster.local";

    /// <summary>Seed 000's trap in standard mode: the cluster group has no DNS rule for the pods' group, but a pod and a CoreDNS pod on one node cross no interface.</summary>
    private static string StandardWithoutDnsRules(string text)
        => ExampleWorlds.WithoutKind(ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")), "SecurityGroupIngress");

    private static List<PodView> Pods(Podnet.World.World world, string ns)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    private static List<PodView> CoreDns(Podnet.World.World world)
        => [.. Pods(world, "kube-system").Where(p => p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns")];

    [Fact]
    public void KubeDns_OneOfTwoCoreDnsPodsRefusedByItsSecurityGroup_ResolvesWithRetries_AndTheDnsStepGivesTheShare()
    {
        var world = ExampleWorlds.Load(SgExample, StandardWithoutDnsRules);
        var coreDns = CoreDns(world);
        Assert.Equal(2, coreDns.Select(p => p.NodeName).Distinct().Count());
        var pod = Pods(world, "my-namespace").First(p => p.NodeName == coreDns[0].NodeName);
        var refusing = coreDns[1];
        var clusterIp = world.ControlPlane.Store.Get("v1", "Service", "my-namespace", "my-app").GetString("spec.clusterIP");
        var reach = new Reachability(world);

        var result = reach.Evaluate($"my-namespace/{pod.Name}", "svc/my-namespace/my-app", "80");

        Assert.True(result.Allowed);
        var dns = Assert.Single(result.Hops, h => h.Step == "dns");
        Assert.True(dns.Allowed);
        Assert.Equal(
            $"{Name} resolves to {clusterIp} (kube-dns), but 1 of 2 CoreDNS pods kube-proxy may send the query to refuses it (kube-system/{refusing.Name}): about 50% of queries go there and get no answer; glibc asks again after its 5 s timeout (resolv.conf timeout:5, attempts:2) from the same socket, which conntrack keeps on that pod, so a lookup whose query goes there fails after 10 s, and the name resolves only when asked again",
            dns.Detail);
        Assert.Equal(HopKind.Dns, dns.Kind);

        var source = reach.ResolveEndpoint($"my-namespace/{pod.Name}")!;
        var query = reach.Resolve(source, Name, clusterIp);
        Assert.Equal(DnsReply.Answered, query.Reply);
        var partial = Assert.IsType<DnsPartialAnswer>(query.Partial);
        Assert.Equal((2, false, 0.5), (partial.Servers, partial.ByCache, partial.Unanswered));
        var refusal = Assert.Single(partial.Refused);
        Assert.Equal($"kube-system/{refusing.Name}", refusal.Server);
        Assert.Equal(("dns: ingress", HopKind.SecurityGroups, pod.Name, refusing.Name), (refusal.Denied.Step, refusal.Denied.Kind, refusal.Denied.From?.Pod?.Name, refusal.Denied.To?.Pod?.Name));

        // A replica on the node without CoreDNS: both refuse, nothing resolves and there is no partial answer.
        var lonely = Pods(world, "my-namespace").First(p => coreDns.All(c => c.NodeName != p.NodeName));
        var refused = reach.Resolve(reach.ResolveEndpoint($"my-namespace/{lonely.Name}")!, Name, clusterIp);
        Assert.Equal(DnsReply.NoAnswer, refused.Reply);
        Assert.Null(refused.Partial);

        // With the example's DNS rules every CoreDNS pod answers: the step ends at kube-dns, as before.
        var open = new Reachability(ExampleWorlds.Load(SgExample, text => ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard"))));
        var all = open.Resolve(open.ResolveEndpoint($"my-namespace/{pod.Name}")!, Name, clusterIp);
        Assert.Null(all.Partial);
        Assert.EndsWith($"{Name} resolves to {clusterIp} (kube-dns)", all.Query.Hops[^1].Detail, StringComparison.Ordinal);
    }

    /// <summary>podnet test: a row that expects the Service allowed passes when the name resolves only through some CoreDNS pods; the row for the replica beside none fails as before.</summary>
    [Fact]
    public void PodnetTest_ExpectsTheServiceAllowed_WhenItsNameResolvesThroughOneOfTwoCoreDnsPods()
    {
        using var scenario = new ScenarioWorld(SgExample, StandardWithoutDnsRules);
        var world = scenario.Load();
        var coreDns = CoreDns(world);
        var pods = Pods(world, "my-namespace");
        var beside = pods.First(p => p.NodeName == coreDns[0].NodeName);
        var lonely = pods.First(p => coreDns.All(c => c.NodeName != p.NodeName));
        var table = Path.Combine(scenario.Directory, "expected.tsv");
        File.WriteAllText(table, $"my-namespace/{beside.Name}\tsvc/my-namespace/my-app\tTCP/80\tallowed\nmy-namespace/{lonely.Name}\tsvc/my-namespace/my-app\tTCP/80\tdenied\n");

        var (exit, output, _) = PodnetCli.Run("test", scenario.Directory, table);

        Assert.Equal(0, exit);
        Assert.EndsWith("2 passed, 0 failed\n", output, StringComparison.Ordinal);
    }

    /// <summary>The pod shell resolves the name as reach does (nslookup answers), and its explanation carries the dns step's share.</summary>
    [Fact]
    public void Shell_Nslookup_ResolvesThroughOneOfTwoCoreDnsPods_AndItsExplanationSaysHowOftenItWouldNot()
    {
        var world = ExampleWorlds.Load(SgExample, StandardWithoutDnsRules);
        var coreDns = CoreDns(world);
        var pod = Pods(world, "my-namespace").First(p => p.NodeName == coreDns[0].NodeName);
        var clusterIp = world.ControlPlane.Store.Get("v1", "Service", "my-namespace", "my-app").GetString("spec.clusterIP");

        var result = new PodShell(world, pod.Namespace, pod.Name).Exec(["nslookup", "my-app"]);

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith($"Name:\t{Name}\nAddress: {clusterIp}\n\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"+ dns: {Name} resolves to {clusterIp} (kube-dns), but 1 of 2 CoreDNS pods kube-proxy may send the query to refuses it (kube-system/{coreDns[1].Name}): about 50% of queries go there", result.Explanation, StringComparison.Ordinal);
    }

    /// <summary>
    /// NodeLocal DNSCache's upstream: under the network policy agent a kube-system policy admitting every namespace (no
    /// node) lets the cache in only to the CoreDNS pod on its own node; kube-proxy may send the cache's TCP query to
    /// either, so a pod beside a CoreDNS pod resolves through the cache, and the step says how often the cache's
    /// connection is refused. Lint's kube-system-dns-isolated reads the same decision.
    /// </summary>
    [Fact]
    public void NodeLocalDnsUpstream_OneOfTwoCoreDnsPodsRefusedByNetworkPolicy_ResolvesWithRetries_AndLintReadsTheSameDecision()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, DnsFromPods, NodeLocalDnsTests.NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), NodeLocalDnsTests.KubeDnsUpstream(null));
        var coreDns = CoreDns(world);
        var near = Pods(world, "shop").First(p => p.Name.StartsWith("web-", StringComparison.Ordinal) && p.NodeName == coreDns[0].NodeName);
        var cache = Pods(world, "kube-system").Single(p => p.Name.StartsWith("node-local-dns-", StringComparison.Ordinal) && p.NodeName == near.NodeName);
        var clusterIp = world.ControlPlane.Store.Get("v1", "Service", "shop", "web").GetString("spec.clusterIP");
        var reach = new Reachability(world);

        var result = reach.Evaluate($"shop/{near.Name}", "svc/shop/web", "80");

        Assert.True(result.Allowed);
        var dns = Assert.Single(result.Hops, h => h.Step == "dns");
        Assert.Equal(
            $"web.shop.svc.cluster.local resolves to {clusterIp} (NodeLocal DNSCache kube-system/{cache.Name} at 10.100.0.10, then Service kube-system/kube-dns-upstream: CoreDNS kube-system/{coreDns[0].Name}), but 1 of 2 CoreDNS pods kube-proxy may send the cache's query to refuses it (kube-system/{coreDns[1].Name}): about 50% of the cache's TCP connections go there and get no answer to their SYN; its forward plugin dials again, a new flow kube-proxy may send elsewhere, until its 5 s deadline (then SERVFAIL), so names resolve slowly and now and then fail",
            dns.Detail);

        var query = reach.Resolve(reach.ResolveEndpoint($"shop/{near.Name}")!, "web.shop.svc.cluster.local", clusterIp);
        var partial = Assert.IsType<DnsPartialAnswer>(query.Partial);
        Assert.Equal((2, true), (partial.Servers, partial.ByCache));
        var refusal = Assert.Single(partial.Refused);
        Assert.Equal(HopKind.NetworkPolicy, refusal.Denied.Kind);
        Assert.True(refusal.Denied.From!.IsNode);
        Assert.Equal(near.NodeName, refusal.Denied.From.Node!.Name);
        Assert.Equal(coreDns[1].Name, refusal.Denied.To!.Pod!.Name);
        Assert.Equal((DnsBlame.CachePartly, refusal.Denied), KubeSystemDnsIsolated.Blame(query, near));
    }

    /// <summary>
    /// Every client pod beside a CoreDNS pod: every cache resolves, but only through the CoreDNS pod on its node. Lint
    /// reports it from reach's partial answer — names resolve slowly — with the ipBlock fix for those nodes; the fix
    /// as given silences it and reach's answer is whole again.
    /// </summary>
    [Fact]
    public void KubeSystemDnsIsolated_EveryCacheAnsweredOnlyByItsOwnNodesCoreDns_IsReportedAsSlow_FromReachsPartialAnswer()
    {
        var probe = ExampleWorlds.Load("hello-eks");
        var dnsNode = CoreDns(probe)[0].NodeName!;
        string Pinned(string text) => WithNetworkPolicy(text)
            .Replace("    spec:\n      containers:\n      - name: nginx", $"    spec:\n      nodeSelector: {{kubernetes.io/hostname: {dnsNode}}}\n      containers:\n      - name: nginx", StringComparison.Ordinal);
        var world = ExampleWorlds.Load("hello-eks", Pinned, DnsFromPods, NodeLocalDnsTests.NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), NodeLocalDnsTests.KubeDnsUpstream(null));
        var clients = Pods(world, "shop").Where(p => p.PodIP is not null).ToList();
        Assert.NotEmpty(clients);
        Assert.All(clients, p => Assert.Equal(dnsNode, p.NodeName));
        var coreDns = CoreDns(world);
        var other = coreDns.Single(p => p.NodeName != dnsNode);

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == KubeSystemDnsIsolated.Id);

        Assert.Equal("NetworkPolicy kube-system/dns-from-pods", finding.Object);
        Assert.Matches($@"^it isolates CoreDNS in kube-system: NodeLocal DNSCache cannot ask every CoreDNS pod: 192\.168\.\d+\.\d+ -> kube-system/{other.Name} TCP/53: denied; ", finding.Message);
        Assert.EndsWith(
            $"the cache asks from its node's host network, which no podSelector or namespaceSelector matches (the network policy agent lets a node's own address in only to the CoreDNS pods on that node), so kube-proxy sends about 50% of the cache's connections to a CoreDNS pod that refuses them: Service names resolve slowly, and now and then fail, for pods that use it ({string.Join(", ", clients.Take(3).Select(p => $"shop/{p.Name}"))})",
            finding.Message,
            StringComparison.Ordinal);
        Assert.Matches(@"`from: \[\{ipBlock: \{cidr: 192\.168\.64\.0/19\}\}\]` \(subnet-[0-9a-f]{17}'s block\)", finding.Fix);
        Assert.True(new Reachability(world).Evaluate($"shop/{clients[0].Name}", "svc/shop/web", "80").Allowed);

        // The fix as given: every CoreDNS pod admits the caches, so reach's answer is whole and lint is silent.
        var fixedWorld = ExampleWorlds.Load("hello-eks", Pinned, DnsFromPods.Replace("[{namespaceSelector: {}}]", "[{namespaceSelector: {}}, {ipBlock: {cidr: 192.168.64.0/19}}]", StringComparison.Ordinal), NodeLocalDnsTests.NodeLocalDnsDaemonSet("169.254.20.10,10.100.0.10"), NodeLocalDnsTests.KubeDnsUpstream(null));
        Assert.DoesNotContain(WorldLint.Run(fixedWorld), f => f.Check == KubeSystemDnsIsolated.Id);
        var fixedReach = new Reachability(fixedWorld);
        Assert.Null(fixedReach.Resolve(fixedReach.ResolveEndpoint($"shop/{clients[0].Name}")!, "web.shop.svc.cluster.local", null).Partial);
    }

    /// <summary>A kube-system policy that lets CoreDNS be asked on 53 by every namespace (no node).</summary>
    internal const string DnsFromPods = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: dns-from-pods, namespace: kube-system}
        spec:
          podSelector: {matchLabels: {k8s-app: kube-dns}}
          policyTypes: [Ingress]
          ingress:
          - from: [{namespaceSelector: {}}]
            ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
        """;

    /// <summary>hello-eks's vpc-cni add-on with <c>enableNetworkPolicy</c>: the VPC CNI's agent enforces NetworkPolicy.</summary>
    private static string WithNetworkPolicy(string text)
        => text.Replace("kind: Addon\nmetadata:\n  name: vpc-cni\n", "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues: {enableNetworkPolicy: \"true\"}\n", StringComparison.Ordinal);
}
