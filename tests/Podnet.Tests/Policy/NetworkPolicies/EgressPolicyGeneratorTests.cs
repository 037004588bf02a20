using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;
using Podnet.Policy;
using Podnet.Policy.NetworkPolicies;
using Podnet.World;

namespace Podnet.Tests.Policy.NetworkPolicies;

/// <summary>
/// Seed 004's "补充出口网络策略": the egress policy for each ingress policy that lets pods in. The seed's own worked
/// example is an image; these reproduce the procedure its text spells out, field by field.
/// </summary>
public class EgressPolicyGeneratorTests
{
    // Same namespace: spec.podSelector → egress.to.podSelector, ingress.from.podSelector → spec.podSelector.
    internal const string SameNamespaceIngress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: allow-frontend
          namespace: shop
        spec:
          podSelector:
            matchLabels:
              app: backend
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  app: frontend
            ports:
            - protocol: TCP
              port: 8080
          policyTypes:
          - Ingress
        """;

    internal const string SameNamespaceEgress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: allow-frontend-egress
          namespace: shop
        spec:
          podSelector:
            matchLabels:
              app: frontend
          egress:
          - to:
            - podSelector:
                matchLabels:
                  app: backend
            ports:
            - protocol: TCP
              port: 8080
          policyTypes:
          - Egress
        """;

    // Across namespaces labelled networking/namespace=<name>: the namespace of ingress.from.namespaceSelector becomes
    // the egress policy's metadata.namespace; the ingress policy's namespace goes into egress.to.namespaceSelector.
    internal const string CrossNamespaceIngress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: allow-web
          namespace: api
        spec:
          podSelector:
            matchLabels:
              role: api
          ingress:
          - from:
            - namespaceSelector:
                matchLabels:
                  networking/namespace: web
              podSelector:
                matchLabels:
                  role: web
            ports:
            - protocol: TCP
              port: 443
          policyTypes:
          - Ingress
        """;

    internal const string CrossNamespaceEgress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: allow-web-egress-to-api
          namespace: web
        spec:
          podSelector:
            matchLabels:
              role: web
          egress:
          - to:
            - namespaceSelector:
                matchLabels:
                  networking/namespace: api
              podSelector:
                matchLabels:
                  role: api
            ports:
            - protocol: TCP
              port: 443
          policyTypes:
          - Egress
        """;

    internal static KubeObject Object(string yaml) => KubeObject.From((JsonObject)YamlManifests.ParseSingle(yaml, "test")!);

    private static EgressPolicyGeneration Generate(params string[] yaml) => EgressPolicyGenerator.Generate([.. yaml.Select(Object)]);

    internal static void AssertSame(string expectedYaml, KubeObject actual)
    {
        var expected = YamlManifests.ParseSingle(expectedYaml, "expected");
        Assert.True(JsonNode.DeepEquals(expected, actual.ToJson()), $"expected:\n{YamlManifests.ToYaml(expected)}\nactual:\n{YamlManifests.ToYaml(actual.ToJson())}");
        // Same key order as the seed writes it, too.
        Assert.Equal(YamlManifests.ToYaml(expected), YamlManifests.ToYaml(actual.ToJson()));
    }

    [Fact]
    public void SameNamespace_PodSelectorsSwap_PortsKept()
    {
        var result = Generate(SameNamespaceIngress);
        Assert.Empty(result.Notes);
        var generated = Assert.Single(result.Generated);
        AssertSame(SameNamespaceEgress, generated.Policy);
        Assert.Equal("shop/allow-frontend", generated.MirroredPolicy);
    }

    [Fact]
    public void AcrossNamespaces_EgressLivesInTheSourceNamespace_AndSelectsTheDestinationByNetworkingNamespace()
    {
        var result = Generate(CrossNamespaceIngress);
        Assert.Empty(result.Notes);
        AssertSame(CrossNamespaceEgress, Assert.Single(result.Policies));
    }

    [Fact]
    public void NamespaceSelectorOnly_SelectsEveryPodOfTheSourceNamespace_AndNoPortsMeansAllPorts()
    {
        var result = Generate("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-monitoring, namespace: api}
            spec:
              podSelector: {}
              ingress:
              - from:
                - namespaceSelector:
                    matchExpressions:
                    - {key: networking/namespace, operator: In, values: [monitoring, api]}
            """);
        Assert.Empty(result.Notes);
        Assert.Equal(2, result.Policies.Count);
        AssertSame("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-monitoring-egress-to-api, namespace: monitoring}
            spec:
              podSelector: {}
              egress:
              - to:
                - namespaceSelector: {matchLabels: {networking/namespace: api}}
                  podSelector: {}
              policyTypes: [Egress]
            """, result.Policies[0]);
        // The policy's own namespace, named by the label: a plain podSelector peer.
        AssertSame("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-monitoring-egress, namespace: api}
            spec:
              podSelector: {}
              egress:
              - to:
                - podSelector: {}
              policyTypes: [Egress]
            """, result.Policies[1]);
    }

    [Fact]
    public void IpBlockPeer_IsANote_TheOtherPeersOfTheRuleAreMirrored()
    {
        var result = Generate("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-frontend, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: backend}}
              ingress:
              - from:
                - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24]}
                - podSelector: {matchLabels: {app: frontend}}
                ports: [{protocol: TCP, port: 8080}]
              policyTypes: [Ingress]
            """);
        AssertSame(SameNamespaceEgress, Assert.Single(result.Policies));
        var note = Assert.Single(result.Notes);
        Assert.Equal("shop/allow-frontend", note.Policy);
        Assert.StartsWith("ingress rule 1, peer 1 (ipBlock 10.0.0.0/16) names addresses, not pods", note.Message, StringComparison.Ordinal);
        Assert.EndsWith("not mirrored", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IpBlockOnly_GeneratesNothing_AndSaysWhy()
    {
        var result = Generate("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-lb, namespace: shop}
            spec:
              podSelector: {}
              ingress:
              - from: [{ipBlock: {cidr: 192.168.0.0/16}}]
            """);
        Assert.Empty(result.Generated);
        Assert.Contains("shop/allow-lb: ingress rule 1, peer 1 (ipBlock 192.168.0.0/16) names addresses, not pods", Assert.Single(result.Notes).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PeersWithoutTheNamespaceConvention_AreNotes()
    {
        var result = Generate("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: api}
            spec:
              podSelector: {}
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {team: red}}
                - namespaceSelector: {}
                  podSelector: {matchLabels: {app: x}}
                - namespaceSelector: {matchLabels: {networking/namespace: web, env: prod}}
                - namespaceSelector: {matchExpressions: [{key: networking/namespace, operator: NotIn, values: [web]}]}
              - ports: [{port: 80}]
            """);
        Assert.Empty(result.Generated);
        Assert.Collection(
            result.Notes,
            n => Assert.Contains("ingress rule 1, peer 1 has namespaceSelector {\"matchLabels\":{\"team\":\"red\"}}, which does not name namespaces by the networking/namespace label", n.Message, StringComparison.Ordinal),
            n => Assert.Contains("ingress rule 1, peer 2 has namespaceSelector {}, which selects every namespace", n.Message, StringComparison.Ordinal),
            n => Assert.Contains("ingress rule 1, peer 3 has namespaceSelector", n.Message, StringComparison.Ordinal),
            n => Assert.Contains("ingress rule 1, peer 4 has namespaceSelector", n.Message, StringComparison.Ordinal),
            n => Assert.Contains("ingress rule 2 has no from peers, so it lets in every source", n.Message, StringComparison.Ordinal));
        Assert.All(result.Notes, n => Assert.Equal("api/p", n.Policy));
    }

    [Fact]
    public void MetadataNameLabel_NamesANamespaceToo_AndIsKeptInTheMirror()
    {
        var result = Generate("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: api}
            spec:
              podSelector: {matchLabels: {role: api}}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: web}}}]
            """);
        Assert.Empty(result.Notes);
        var to = Assert.Single(result.Policies).ToJson()["spec"]!["egress"]![0]!["to"]![0]!;
        Assert.Equal("api", (string?)to["namespaceSelector"]!["matchLabels"]![EgressPolicyGenerator.MetadataNameLabel]);
    }

    [Fact]
    public void SeveralSourceGroups_OnePolicyEach_NumberedInOrder_RulesKeepTheirPorts()
    {
        var result = Generate("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress:
              - from:
                - podSelector: {matchLabels: {app: backend}}
                - podSelector: {matchLabels: {app: admin}}
                ports: [{port: 5432}]
              - from:
                - podSelector: {matchLabels: {app: admin}}
                ports: [{port: 22}]
            """);
        Assert.Empty(result.Notes);
        Assert.Equal(["db-egress-1", "db-egress-2"], result.Policies.Select(p => p.Name));
        AssertSame("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-egress-2, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: admin}}
              egress:
              - to: [{podSelector: {matchLabels: {app: db}}}]
                ports: [{port: 5432}]
              - to: [{podSelector: {matchLabels: {app: db}}}]
                ports: [{port: 22}]
              policyTypes: [Egress]
            """, result.Policies[1]);
    }

    [Fact]
    public void OtherObjects_EgressOnlyPolicies_AndDenyAll_GenerateNothing_NamesStayUnique()
    {
        var result = EgressPolicyGenerator.Generate([
            KubeObject.Create("v1", "Namespace", "shop"),
            Object("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Egress], ingress: [{from: [{podSelector: {}}]}]}
                """),
            Object("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-in, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """),
            Object("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: a}
                spec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}
                """),
            Object("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: a-egress, namespace: default}
                spec: {podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {x: y}}}, {podSelector: {}}]}]}
                """),
        ]);
        Assert.Empty(result.Notes);
        Assert.Equal(["default/a-egress", "default/a-egress-egress-1", "default/a-egress-egress-2"], result.Policies.Select(p => $"{p.Namespace}/{p.Name}"));
        Assert.Equal("default/a", result.Generated[0].MirroredPolicy);
    }

    [Fact]
    public void Generated_Policies_Compile_WithoutProblems()
    {
        var generated = Generate(SameNamespaceIngress, CrossNamespaceIngress).Policies;
        var engine = new NetworkPolicyEngine(generated);
        Assert.Empty(engine.Problems);
    }

    /// <summary>
    /// What the generated policies are for: with default-deny egress on the senders' namespaces, the ingress policies'
    /// traffic is denied (egress isolated); with the generated policies it is allowed again, and only that traffic.
    /// </summary>
    [Fact]
    public void WithDefaultDenyEgress_TheMirrorsLetOutExactlyWhatTheIngressPoliciesLetIn()
    {
        const string Pods = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {networking/namespace: shop}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: web, labels: {networking/namespace: web}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: api, labels: {networking/namespace: api}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: frontend, namespace: shop, labels: {app: frontend}}
            spec: {containers: [{name: c}]}
            status: {podIP: 192.168.10.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: backend, namespace: shop, labels: {app: backend}}
            spec: {containers: [{name: c}]}
            status: {podIP: 192.168.10.2}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: other, namespace: shop, labels: {app: other}}
            spec: {containers: [{name: c}]}
            status: {podIP: 192.168.10.3}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: web, labels: {role: web}}
            spec: {containers: [{name: c}]}
            status: {podIP: 192.168.20.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: api, namespace: api, labels: {role: api}}
            spec: {containers: [{name: c}]}
            status: {podIP: 192.168.30.1}
            """;
        const string DenyEgress = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-all-egress, namespace: shop}
            spec: {podSelector: {}, policyTypes: [Egress]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-all-egress, namespace: web}
            spec: {podSelector: {}, policyTypes: [Egress]}
            """;
        var ingress = $"{SameNamespaceIngress}\n---\n{CrossNamespaceIngress}\n";
        var egress = YamlManifests.ToYamlDocuments(Generate(SameNamespaceIngress, CrossNamespaceIngress).Policies.Select(p => (JsonNode?)p.ToJson()));

        Reachability World(params string[] texts)
            => new(WorldLoader.Load([.. texts.Select((t, i) => new WorldSource($"world-{i}.yaml", t))]));

        var before = World(Pods, ingress, DenyEgress);
        var after = World(Pods, ingress, DenyEgress, egress);

        foreach (var (from, to, port) in new[] { ("shop/frontend", "shop/backend", "TCP/8080"), ("web/web", "api/api", "TCP/443") })
        {
            var denied = before.Evaluate(from, to, port);
            Assert.Null(denied.ErrorMessage);
            Assert.False(denied.Allowed, $"{from} -> {to} {port} without the mirrors: {Text(denied)}");

            var allowed = after.Evaluate(from, to, port);
            Assert.True(allowed.Allowed, $"{from} -> {to} {port} with the mirrors: {Text(allowed)}");
        }

        // Everything else stays denied: other ports, other senders, other destinations, the reverse direction.
        foreach (var (from, to, port) in new[]
        {
            ("shop/frontend", "shop/backend", "TCP/9090"),
            ("shop/frontend", "shop/backend", "UDP/8080"),
            ("shop/other", "shop/backend", "TCP/8080"),
            ("shop/frontend", "shop/other", "TCP/8080"),
            ("shop/backend", "shop/frontend", "TCP/8080"),
            ("web/web", "api/api", "TCP/80"),
            ("web/web", "shop/backend", "TCP/8080"),
            ("shop/frontend", "api/api", "TCP/443"),
            ("web/web", "203.0.113.10", "TCP/443"),
        })
        {
            var result = after.Evaluate(from, to, port);
            Assert.Null(result.ErrorMessage);
            Assert.False(result.Allowed, $"{from} -> {to} {port}: {Text(result)}");
        }
    }

    private static string Text(ReachResult result) => string.Join("\n", result.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"));
}
