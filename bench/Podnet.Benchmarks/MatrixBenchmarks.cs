using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Podnet.Policy;
using Podnet.World;

namespace Podnet.Benchmarks;

/// <summary>
/// <c>podnet matrix</c> at scale, on generated policy-only worlds (see <see cref="PolicyWorldGenerator"/>): the full
/// TCP/80 matrix from a loaded world by set algebra (policies compiled, decision keys, classes, each rule's admitted
/// classes as bitsets), and one <c>podnet reach</c> query on a warm <see cref="Reachability"/>.
/// </summary>
[MemoryDiagnoser]
public class MatrixBenchmarks
{
    private Podnet.World.World _world = null!;
    private Reachability _reach = null!;

    [Params(1_000, 10_000, 50_000)]
    public int Pods { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _world = PolicyWorldGenerator.Load(Pods);
        _reach = new Reachability(_world);
        _reach.Evaluate("ns-3/web-0", "ns-7/api-1", "TCP/80");
    }

    [Benchmark]
    public long FullMatrix()
    {
        var matrix = ConnectivityMatrix.Compute(_world);
        return matrix.AllowedPairs() + matrix.Classes;
    }

    [Benchmark]
    public bool SingleQuery() => _reach.Evaluate("ns-3/web-0", "ns-7/api-1", "TCP/80").Allowed;
}

/// <summary>
/// The matrix of the same worlds as <see cref="MatrixBenchmarks"/> the way it was decided before the set algebra, and
/// is still, as the oracle: <see cref="Reachability.IsAllowed"/> once per ordered pair of classes
/// (<see cref="ConnectivityMatrix.ComputePairwise"/>), from a loaded world. 50,000 pods are left out: about 96 s an
/// operation (issue 9).
/// </summary>
[MemoryDiagnoser]
public class MatrixPairwiseBenchmarks
{
    private Podnet.World.World _world = null!;

    [Params(1_000, 10_000)]
    public int Pods { get; set; }

    [GlobalSetup]
    public void Setup() => _world = PolicyWorldGenerator.Load(Pods);

    [Benchmark]
    public long PairwiseMatrix()
    {
        var matrix = ConnectivityMatrix.ComputePairwise(new Reachability(_world));
        return matrix.AllowedPairs() + matrix.Classes;
    }
}

/// <summary>
/// The naive way, for comparison: <see cref="Reachability.Evaluate(string, string, string)"/> on every ordered pair of
/// the 1,000-pod world (999,000 queries), on a warm <see cref="Reachability"/>.
/// </summary>
[MemoryDiagnoser]
public class MatrixNaiveBenchmarks
{
    private Reachability _reach = null!;
    private string[] _pods = [];

    [Params(1_000)]
    public int Pods { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var world = PolicyWorldGenerator.Load(Pods);
        _reach = new Reachability(world);
        _pods = [.. ConnectivityMatrix.Compute(_reach).Pods];
    }

    [Benchmark]
    public long NaivePairwise()
    {
        long allowed = 0;
        foreach (var from in _pods)
        {
            foreach (var to in _pods)
            {
                if (!ReferenceEquals(from, to) && _reach.Evaluate(from, to, "TCP/80").Allowed)
                {
                    allowed++;
                }
            }
        }

        return allowed;
    }
}

/// <summary>
/// The matrix of a world with security groups (<see cref="SecurityGroupWorldGenerator"/>: N pods, five
/// NetworkPolicies a namespace — 1,000 for 10,000 pods — enforced by the VPC CNI's agent, 300 security groups, half
/// the pods on branch interfaces), by set algebra, from the built world. Its pods spread over nodes, and the node
/// decides same-node traffic, so nearly every pod is a class of its own: the pairwise way costs classes² queries.
/// </summary>
[MemoryDiagnoser]
public class SecurityGroupMatrixBenchmarks
{
    private Podnet.World.World _world = null!;

    [Params(2_000, 10_000)]
    public int Pods { get; set; }

    [GlobalSetup]
    public void Setup() => _world = SecurityGroupWorldGenerator.Build(Pods, groups: 300);

    [Benchmark]
    public long FullMatrix()
    {
        var matrix = ConnectivityMatrix.Compute(_world);
        return matrix.AllowedPairs() + matrix.Classes;
    }
}

/// <summary>
/// The algebra against the pairwise oracle on the security-group worlds of <see cref="SecurityGroupMatrixBenchmarks"/>,
/// in one run. The pairwise matrix of 10,000 pods asks about 10⁸ queries (minutes), so this class runs each benchmark
/// once, cold (no warm-up: the algebra's figure includes its JIT, which favours the pairwise side); its name leaves it
/// out of <c>--filter '*Matrix*'</c>. Run it with <c>--filter '*SecurityGroupPairwise*'</c>. No memory diagnoser: it
/// would run each benchmark a second time.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class SecurityGroupPairwiseComparison
{
    private Podnet.World.World _world = null!;

    [Params(10_000)]
    public int Pods { get; set; }

    [GlobalSetup]
    public void Setup() => _world = SecurityGroupWorldGenerator.Build(Pods, groups: 300);

    [Benchmark(Baseline = true)]
    public long Pairwise()
    {
        var matrix = ConnectivityMatrix.ComputePairwise(new Reachability(_world));
        return matrix.AllowedPairs() + matrix.Classes;
    }

    [Benchmark]
    public long Algebra()
    {
        var matrix = ConnectivityMatrix.Compute(_world);
        return matrix.AllowedPairs() + matrix.Classes;
    }
}

/// <summary>
/// Policy-only worlds of N pods: N / 50 namespaces (labels <c>team</c>, <c>env</c>), 50 pods each in four label
/// classes (<c>app: web|api|db|cache</c>, with container ports), pod IPs <c>10.(1 + k / 256).(k % 256).i</c> for
/// namespace k; about 6.5 NetworkPolicies per namespace: default-deny ingress (every other namespace), pod selectors,
/// namespace selectors, both, a named port, and ipBlocks (every fifth namespace: one /28 over part of another
/// namespace's pods, which splits their classes, and external CIDRs that hold every pod or none).
/// </summary>
public static class PolicyWorldGenerator
{
    private const int PodsPerNamespace = 50;
    private static readonly string[] Apps = ["web", "api", "db", "cache"];

    public static Podnet.World.World Load(int pods)
        => WorldLoader.Load([new WorldSource($"generated-{pods}.yaml", Yaml(pods))]);

    public static string Yaml(int pods)
    {
        var namespaces = Math.Max(1, pods / PodsPerNamespace);
        var yaml = new StringBuilder();
        for (var k = 0; k < namespaces; k++)
        {
            Append(yaml, $$"""
                apiVersion: v1
                kind: Namespace
                metadata: {name: ns-{{k}}, labels: {team: t{{k % 5}}, env: {{(k % 2 == 0 ? "prod" : "dev")}} } }
                """);
        }

        for (var p = 0; p < pods; p++)
        {
            var k = p / PodsPerNamespace % namespaces;
            var i = p % PodsPerNamespace;
            var app = Apps[i % Apps.Length];
            var port = app == "db" ? 5432 : 80;
            Append(yaml, $$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: {{app}}-{{i / Apps.Length}}, namespace: ns-{{k}}, labels: {app: {{app}}, tier: {{(app == "web" ? "front" : "back")}} } }
                spec: {containers: [{name: main, ports: [{containerPort: {{port}}, name: {{(app == "db" ? "pg" : "http")}} }] }] }
                status: {podIP: {{Ip(k, i + 1)}} }
                """);
        }

        for (var k = 0; k < namespaces; k++)
        {
            var ns = $"ns-{k}";
            if (k % 2 == 0)
            {
                Policy(yaml, ns, "default-deny", "podSelector: {}\n  policyTypes: [Ingress]");
            }

            Policy(yaml, ns, "api-from-web", "podSelector: {matchLabels: {app: api}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 80}]}]");
            Policy(yaml, ns, "db-from-api", "podSelector: {matchLabels: {app: db}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: pg}]}]");
            Policy(yaml, ns, "web-from-team", $"podSelector: {{matchLabels: {{app: web}}}}\n  ingress: [{{from: [{{namespaceSelector: {{matchLabels: {{team: t{(k + 1) % 5}}}}}}}]}}]");
            Policy(yaml, ns, "cache-from-prod-api", "podSelector: {matchLabels: {app: cache}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: api}}}]}]");
            Policy(yaml, ns, "web-egress", $"podSelector: {{matchLabels: {{tier: front}}}}\n  policyTypes: [Egress]\n  egress: [{{to: [{{namespaceSelector: {{matchExpressions: [{{key: team, operator: In, values: [t{k % 5}, t{(k + 2) % 5}]}}]}}}}]}}, {{ports: [{{port: 53, protocol: UDP}}]}}]");
            if (k % 5 == 0)
            {
                var other = (k + 3) % namespaces;
                Policy(yaml, ns, "api-from-block", $"podSelector: {{matchLabels: {{app: api}}}}\n  ingress: [{{from: [{{ipBlock: {{cidr: {Ip(other, 0)}/28}}}}, {{ipBlock: {{cidr: 203.0.113.0/24}}}}]}}]");
                Policy(yaml, ns, "cache-egress-outside", "podSelector: {matchLabels: {app: cache}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}, {to: [{podSelector: {}}]}]");
            }
        }

        return yaml.ToString();
    }

    private static string Ip(int ns, int host) => string.Create(CultureInfo.InvariantCulture, $"10.{1 + (ns / 256)}.{ns % 256}.{host}");

    private static void Policy(StringBuilder yaml, string ns, string name, string spec)
        => Append(yaml, $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  {spec}");

    private static void Append(StringBuilder yaml, string document) => yaml.Append(document).Append("\n---\n");
}
