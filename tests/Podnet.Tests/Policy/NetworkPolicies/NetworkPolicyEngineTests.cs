using Podnet.Kube.Api;
using Podnet.Policy.NetworkPolicies;
using static Podnet.Tests.Policy.NetworkPolicies.NetworkPolicyTestData;

namespace Podnet.Tests.Policy.NetworkPolicies;

public class NetworkPolicyEngineTests
{
    private static readonly PolicyPeer XA = Pod("x", "a", "10.0.1.1", "pod=a", "team=red");
    private static readonly PolicyPeer XB = Pod("x", "b", "10.0.1.2", "pod=b", "team=red");
    private static readonly PolicyPeer YA = Pod("y", "a", "10.0.2.1", "pod=a", "team=blue");
    private static readonly PolicyPeer YB = Pod("y", "b", "10.0.2.2", "pod=b", "team=blue");
    private static readonly PolicyPeer Internet = External("203.0.113.10");

    [Fact]
    public void NoPolicy_AllowsEverything()
    {
        var engine = Engine();
        var verdict = engine.Evaluate(XA, YB, "TCP", 80);
        Assert.True(verdict.Allowed);
        Assert.False(verdict.Egress!.IsIsolated);
        Assert.False(verdict.Ingress!.IsIsolated);
        Assert.True(engine.Evaluate(Internet, XA, "UDP", 53).Allowed);
        Assert.True(engine.Evaluate(XA, Internet, "SCTP", 9).Allowed);
    }

    [Fact]
    public void DefaultDenyIngress_IsolatesOnlySelectedPodsOfItsNamespace()
    {
        var engine = Engine(NetPol("x", "deny-a", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]"));
        Assert.False(engine.Evaluate(XB, XA, "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(XA, XB, "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(XA, YA, "TCP", 80).Allowed); // y/a has the label but another namespace
        Assert.False(engine.Evaluate(Internet, XA, "TCP", 80).Allowed);
    }

    [Fact]
    public void PolicyTypes_Omitted_IngressOnly_PlusEgressWhenEgressRules()
    {
        var ingressOnly = Engine(NetPol("x", "p", "podSelector: {}"));
        Assert.False(ingressOnly.Evaluate(YA, XA, "TCP", 80).Allowed);
        Assert.True(ingressOnly.Evaluate(XA, YA, "TCP", 80).Allowed);

        var emptyEgress = Engine(NetPol("x", "p", "podSelector: {}\negress: []"));
        Assert.True(emptyEgress.Evaluate(XA, YA, "TCP", 80).Allowed);
        Assert.False(emptyEgress.Evaluate(YA, XA, "TCP", 80).Allowed);

        var withEgress = Engine(NetPol("x", "p", "podSelector: {}\negress:\n- ports: [{port: 53, protocol: UDP}]"));
        Assert.False(withEgress.Evaluate(XA, YA, "TCP", 80).Allowed);
        Assert.True(withEgress.Evaluate(XA, YA, "UDP", 53).Allowed);
        Assert.False(withEgress.Evaluate(YA, XA, "UDP", 53).Allowed); // ingress isolated too, with no rule
    }

    [Fact]
    public void PolicyTypes_EgressOnly_LeavesIngressOpen()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\npolicyTypes: [Egress]\ningress: [{}]"));
        Assert.True(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(XA, YA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(XA, Internet, "TCP", 443).Allowed);
    }

    [Theory]
    [InlineData("podSelector: {}\npolicyTypes: [Ingress]\ningress: []")]
    [InlineData("podSelector: {}\npolicyTypes: [Ingress]")]
    public void EmptyOrMissingIngress_IsolatesWithNothingAllowed(string spec)
    {
        var engine = Engine(NetPol("x", "p", spec));
        var verdict = engine.Evaluate(YA, XA, "TCP", 80);
        Assert.False(verdict.Allowed);
        Assert.Equal(["x/p"], verdict.Ingress!.IsolatingPolicies);
        Assert.Null(verdict.Ingress.AllowedBy);
    }

    [Fact]
    public void EmptyRule_AllowsEverything()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress: [{}]"));
        var verdict = engine.Evaluate(Internet, XA, "SCTP", 7);
        Assert.True(verdict.Allowed);
        Assert.Equal(new RuleMatch("x/p", PolicyDirection.Ingress, 0, null, null), verdict.Ingress!.AllowedBy);
    }

    [Theory]
    [InlineData("podSelector: {}\ningress:\n- from: []\n  ports: [{port: 80}]")]
    [InlineData("podSelector: {}\ningress:\n- ports: [{port: 80}]")]
    public void EmptyOrMissingFrom_AllowsAllSources(string spec)
    {
        var engine = Engine(NetPol("x", "p", spec));
        Assert.True(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(Internet, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(YA, XA, "TCP", 81).Allowed);
    }

    [Fact]
    public void PodSelectorAlone_IsNamespaceLocal()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- from: [{podSelector: {matchLabels: {pod: b}}}]"));
        Assert.True(engine.Evaluate(XB, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(YB, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(External("10.0.1.2"), XA, "TCP", 80).Allowed);
    }

    [Fact]
    public void NamespaceSelectorAlone_AllowsAllPodsOfSelectedNamespaces()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: blue}}}]"));
        Assert.True(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(YB, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(XB, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(Internet, XA, "TCP", 80).Allowed);

        var everything = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- from: [{namespaceSelector: {}}]"));
        Assert.True(everything.Evaluate(YB, XA, "TCP", 80).Allowed);
        Assert.True(everything.Evaluate(XB, XA, "TCP", 80).Allowed);
        Assert.False(everything.Evaluate(Internet, XA, "TCP", 80).Allowed);
    }

    [Fact]
    public void NamespaceAndPodSelector_BothMustMatch()
    {
        var engine = Engine(NetPol("x", "p", """
            podSelector: {}
            ingress:
            - from:
              - namespaceSelector: {matchLabels: {team: blue}}
                podSelector: {matchExpressions: [{key: pod, operator: In, values: [b]}]}
            """));
        Assert.True(engine.Evaluate(YB, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(XB, XA, "TCP", 80).Allowed);
    }

    [Fact]
    public void IpBlock_MatchesExternalAndPodIps_LessExcept()
    {
        var engine = Engine(NetPol("x", "p", """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress:
            - to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.0/31]}}]
            """));
        Assert.True(engine.Evaluate(XA, External("10.0.200.1"), "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(XA, External("10.1.0.1"), "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(XA, XB, "TCP", 80).Allowed); // pod IP 10.0.1.2
        Assert.False(engine.Evaluate(XA, YA, "TCP", 80).Allowed); // pod IP 10.0.2.1 is excepted
        Assert.False(engine.Evaluate(XA, External("10.0.2.0"), "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(XA, External("10.0.2.2"), "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(XA, External("2001:db8::1"), "TCP", 80).Allowed);
    }

    [Fact]
    public void IpBlock_NeverMatchesPodWithoutIp()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- from: [{ipBlock: {cidr: 0.0.0.0/0}}]"));
        Assert.False(engine.Evaluate(Pod("y", "noip"), XA, "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
    }

    [Fact]
    public void IpBlock_CidrWithHostBits_DenotesItsNetwork()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- from: [{ipBlock: {cidr: 192.168.242.213/24}}]"));
        Assert.True(engine.Evaluate(External("192.168.242.1"), XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(External("192.168.243.1"), XA, "TCP", 80).Allowed);
        Assert.Empty(engine.Problems);
    }

    [Fact]
    public void IpBlock_Ipv6()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- from: [{ipBlock: {cidr: '2001:db8::/32', except: ['2001:db8:1::/48']}}]"));
        Assert.True(engine.Evaluate(External("2001:db8:2::1"), XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(External("2001:db8:1::1"), XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(External("10.0.0.1"), XA, "TCP", 80).Allowed);
    }

    [Fact]
    public void Port_WithoutProtocol_IsTcp()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- ports: [{port: 53}]"));
        Assert.True(engine.Evaluate(YA, XA, "TCP", 53).Allowed);
        Assert.False(engine.Evaluate(YA, XA, "UDP", 53).Allowed);
        Assert.False(engine.Evaluate(YA, XA, "SCTP", 53).Allowed);
    }

    [Fact]
    public void Port_WithoutNumber_IsEveryPortOfItsProtocol()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- ports: [{protocol: SCTP}]"));
        Assert.True(engine.Evaluate(YA, XA, "SCTP", 1).Allowed);
        Assert.True(engine.Evaluate(YA, XA, "SCTP", 65535).Allowed);
        Assert.False(engine.Evaluate(YA, XA, "TCP", 103).Allowed);
    }

    [Theory]
    [InlineData(29999, false)]
    [InlineData(30000, true)]
    [InlineData(30080, true)]
    [InlineData(32767, true)]
    [InlineData(32768, false)]
    public void EndPort_IsInclusiveRange(int port, bool allowed)
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\ningress:\n- ports: [{protocol: UDP, port: 30000, endPort: 32767}]"));
        Assert.Equal(allowed, engine.Evaluate(YA, XA, "UDP", port).Allowed);
    }

    [Fact]
    public void EndPort_65537_KeptVerbatim_CoversTheTopOfTheRange()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: 30000, endPort: 65537}]"));
        Assert.True(engine.Evaluate(XA, YA, "TCP", 65535).Allowed);
        Assert.True(engine.Evaluate(XA, YA, "TCP", 30080).Allowed);
        Assert.False(engine.Evaluate(XA, YA, "TCP", 80).Allowed);
    }

    [Fact]
    public void NamedPort_ResolvedOnDestinationPod_NameAndProtocol()
    {
        var web = Pod("x", "web", "10.0.1.9", "app=web", "", new PodContainerPort("http", 8080), new PodContainerPort("dns", 53, "UDP"));
        var other = Pod("x", "other", "10.0.1.10", "app=web", "", new PodContainerPort("http", 9090));
        var engine = Engine(NetPol("x", "p", """
            podSelector: {matchLabels: {app: web}}
            ingress:
            - ports: [{port: http}, {port: dns, protocol: TCP}]
            """));
        Assert.True(engine.Evaluate(YA, web, "TCP", 8080).Allowed);
        Assert.False(engine.Evaluate(YA, web, "TCP", 9090).Allowed);
        Assert.True(engine.Evaluate(YA, other, "TCP", 9090).Allowed); // resolved per selected pod
        Assert.False(engine.Evaluate(YA, other, "TCP", 8080).Allowed);
        Assert.False(engine.Evaluate(YA, web, "UDP", 8080).Allowed);
        Assert.False(engine.Evaluate(YA, web, "TCP", 53).Allowed); // dns is a UDP container port
        Assert.False(engine.Evaluate(YA, web, "UDP", 53).Allowed); // the rule asks for TCP
    }

    [Fact]
    public void NamedPort_Egress_ResolvedOnThePeerPod()
    {
        var dest = Pod("y", "dest", "10.0.2.9", "", "", new PodContainerPort("http", 80));
        var engine = Engine(NetPol("x", "p", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress:\n- ports: [{protocol: TCP, port: http}]"));
        Assert.True(engine.Evaluate(XA, dest, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(XA, dest, "TCP", 81).Allowed);
        Assert.False(engine.Evaluate(XA, YA, "TCP", 80).Allowed); // y/a has no port named http
    }

    [Fact]
    public void NamedPort_NeverMatchesAnExternalDestination()
    {
        var engine = Engine(NetPol("x", "p", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: http}]"));
        Assert.False(engine.Evaluate(XA, External("198.51.100.1"), "TCP", 80).Allowed);
    }

    [Fact]
    public void BothDirectionsMustAllow()
    {
        var engine = Engine(
            NetPol("x", "egress", "podSelector: {}\npolicyTypes: [Egress]\negress: [{to: [{namespaceSelector: {}}]}]"),
            NetPol("y", "ingress", "podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}]}]"));
        var verdict = engine.Evaluate(XA, YA, "TCP", 80);
        Assert.False(verdict.Allowed);
        Assert.True(verdict.Egress!.Allowed);
        Assert.False(verdict.Ingress!.Allowed);
        Assert.True(engine.Evaluate(XA, YB, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(XA, Internet, "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(YB, YA, "TCP", 80).Allowed);
    }

    [Fact]
    public void Policies_AreAdditive()
    {
        var engine = Engine(
            NetPol("x", "web", "podSelector: {}\ningress: [{ports: [{port: 80}]}]"),
            NetPol("x", "dns", "podSelector: {}\ningress: [{ports: [{port: 53, protocol: UDP}]}]"));
        Assert.True(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
        var dns = engine.Evaluate(YA, XA, "UDP", 53);
        Assert.True(dns.Allowed);
        Assert.Equal("x/dns", dns.Ingress!.AllowedBy!.Policy);
        Assert.Equal(["x/dns", "x/web"], dns.Ingress.IsolatingPolicies);
        Assert.False(engine.Evaluate(YA, XA, "TCP", 443).Allowed);
    }

    [Fact]
    public void MissingPodSelector_SelectsEveryPodOfTheNamespace()
    {
        var engine = Engine(NetPol("x", "p", "policyTypes: [Ingress]"));
        Assert.False(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
        Assert.False(engine.Evaluate(YA, XB, "TCP", 80).Allowed);
    }

    [Fact]
    public void InvalidPodSelector_SelectsNothing_AndIsReported()
    {
        var engine = Engine(NetPol("x", "bad", "podSelector: {matchExpressions: [{key: pod, operator: In}]}\npolicyTypes: [Ingress]"));
        Assert.True(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
        var problem = Assert.Single(engine.Problems);
        Assert.Equal("x/bad", problem.Policy);
        Assert.Equal("spec.podSelector", problem.Field);
        Assert.Contains("selects no pod", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidPeerSelector_MatchesNothing_AndIsReported()
    {
        var engine = Engine(NetPol("x", "bad", """
            podSelector: {}
            ingress:
            - from:
              - namespaceSelector: {matchExpressions: [{key: team, operator: Bogus}]}
              - podSelector: {matchLabels: {pod: b}}
            """));
        Assert.False(engine.Evaluate(YA, XA, "TCP", 80).Allowed);
        Assert.True(engine.Evaluate(XB, XA, "TCP", 80).Allowed);
        var problem = Assert.Single(engine.Problems);
        Assert.Equal("x/bad", problem.Policy);
        Assert.Equal("spec.ingress[0].from[0].namespaceSelector", problem.Field);
    }

    [Fact]
    public void InvalidCidr_MatchesNothing_AndIsReported()
    {
        var engine = Engine(NetPol("x", "bad", "podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.0/40}}]}]"));
        Assert.False(engine.Evaluate(External("10.0.0.1"), XA, "TCP", 80).Allowed);
        Assert.Equal("spec.ingress[0].from[0].ipBlock.cidr", Assert.Single(engine.Problems).Field);
    }

    [Fact]
    public void Verdict_ExplainsIsolationAndTheAllowingRule()
    {
        var engine = Engine(
            NetPol("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]"),
            NetPol("x", "allow-dns", """
                podSelector: {}
                policyTypes: [Egress]
                egress:
                - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
                  ports: [{protocol: UDP, port: 53}]
                """));
        var dns = Pod("kube-system", "coredns", "10.0.9.9");
        var verdict = engine.Evaluate(XA, dns, "UDP", 53);
        Assert.True(verdict.Allowed);
        Assert.Equal(["x/allow-dns", "x/deny-all"], verdict.Egress!.IsolatingPolicies);
        Assert.Equal(0, verdict.Egress.AllowedBy!.RuleIndex);
        Assert.Equal("UDP/53", verdict.Egress.AllowedBy.Port!.ToString());
        Assert.Equal(
            "egress from x/a: isolated by x/allow-dns, x/deny-all; allowed by x/allow-dns rule 0 (to: namespaceSelector {kubernetes.io/metadata.name: kube-system}, ports: UDP/53)",
            verdict.Egress.ToString());
        Assert.Equal("ingress to kube-system/coredns: not isolated (no policy selects it for ingress); allowed", verdict.Ingress!.ToString());
        Assert.StartsWith("x/a -> kube-system/coredns UDP/53: allowed", verdict.ToString(), StringComparison.Ordinal);

        var denied = engine.Evaluate(XA, dns, "TCP", 53);
        Assert.False(denied.Allowed);
        Assert.Null(denied.Egress!.AllowedBy);
        Assert.Equal("egress from x/a: isolated by x/allow-dns, x/deny-all; denied: no rule of x/allow-dns, x/deny-all allows it", denied.Egress.ToString());

        var inbound = engine.Evaluate(Internet, XA, "TCP", 80);
        Assert.Null(inbound.Egress);
        Assert.Contains("egress from 203.0.113.10: external endpoint", inbound.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void IsAllowed_AgreesWithEvaluate()
    {
        var engine = Engine(
            NetPol("x", "p", "podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{podSelector: {}}], ports: [{port: 80}]}]\negress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]"));
        PolicyPeer[] peers = [XA, XB, YA, YB, Internet, External("10.9.9.9")];
        foreach (var from in peers)
        {
            foreach (var to in peers)
            {
                foreach (var port in new[] { 80, 443 })
                {
                    Assert.Equal(engine.Evaluate(from, to, "TCP", port).Allowed, engine.IsAllowed(from, to, "TCP", port));
                }
            }
        }
    }

    [Fact]
    public void FromPod_ReadsLabelsIpAndContainerPorts()
    {
        var pod = KubeObject.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"x","labels":{"app":"web"}},
             "spec":{"containers":[{"name":"c","ports":[{"name":"http","containerPort":8080},{"containerPort":53,"protocol":"UDP"}]}]},
             "status":{"podIPs":[{"ip":"10.0.0.7"}]}}
            """);
        var peer = PolicyPeer.FromPod(pod, new Dictionary<string, string> { ["team"] = "red" });
        Assert.True(peer.IsPod);
        Assert.Equal("x/web", peer.ToString());
        Assert.Equal("web", peer.Labels["app"]);
        Assert.Equal("red", peer.NamespaceLabels["team"]);
        Assert.Equal("10.0.0.7", peer.IP!.ToString());
        Assert.Equal([new PodContainerPort("http", 8080, "TCP"), new PodContainerPort(null, 53, "UDP")], peer.ContainerPorts);
    }
}
