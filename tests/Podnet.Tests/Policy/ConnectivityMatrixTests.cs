using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Cli;
using Podnet.Kube.Serialization;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Policy;

/// <summary>
/// The connectivity matrix decides each pair of equivalence classes once; these tests hold it to pairwise
/// <see cref="Reachability.Evaluate(string, string, string)"/> on every ordered pair of pods, which proves the classes
/// sound: on every case of the shared NetworkPolicy corpus (for each port its expected table asks about) and on worlds
/// with security groups.
/// </summary>
public class ConnectivityMatrixTests
{
    /// <summary>Addresses for pods of cases that have none (np-guard's): spread over the corpus's ipBlocks and excepts.</summary>
    private static readonly string[] SyntheticPrefixes =
        ["10.10.0.", "10.11.0.", "10.200.0.", "172.21.0.", "192.168.0.", "192.168.242.", "10.64.0.", "172.16.5.", "8.8.4."];

    [Theory]
    [MemberData(nameof(NetpolCorpus.Cases), MemberType = typeof(NetpolCorpus))]
    public void NetworkPolicyCase_MatrixEqualsPairwiseEvaluation(string name)
    {
        var dir = NetpolCorpus.Case(name);
        var text = File.ReadAllText(Path.Combine(dir, "manifests.yaml"));
        var ports = NetpolCorpus.Rows(dir)
            .Select(row => row[2])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(ports);

        // np-guard's cases have no pod IPs, so no pod would be in the matrix: give them addresses.
        var world = WorldLoader.Load([new WorldSource($"{name}/manifests.yaml", WithPodIps(text, name))]);
        var pods = world.ControlPlane.Store.List("v1", "Pod").Items.Count;
        var (matrices, mismatches) = CompareWithPairwise(world, ports);
        Assert.True(mismatches.Count == 0, $"{name}: {mismatches.Count} verdicts differ (from to port matrix pairwise):\n{string.Join("\n", mismatches.Take(20))}");
        Assert.All(matrices, m => Assert.Equal(pods, m.Pods.Count));
    }

    public static TheoryData<string> Examples() => ["security-groups-for-pods", "egress-policies", "sgp-missing-group"];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_MatrixEqualsPairwiseEvaluation(string example)
    {
        var world = WorldLoader.Load(WorldFiles.Read(Path.Combine(PodnetCli.Examples(), example)));
        var (matrices, mismatches) = CompareWithPairwise(world, ["TCP/80", "UDP/53", "TCP/53", "TCP/443"]);
        Assert.True(mismatches.Count == 0, $"{example}: {mismatches.Count} verdicts differ (from to port matrix pairwise):\n{string.Join("\n", mismatches.Take(20))}");
        Assert.All(matrices, m => Assert.True(m.Pods.Count >= 2, $"{example}: the matrix has {m.Pods.Count} pods"));
    }

    [Fact]
    public void StandardMode_SameNodeTrafficSkipsSecurityGroups_AndTheMatrixFollowsTheNodes()
    {
        // In standard mode, traffic between pods of one node crosses no VPC interface: CoreDNS reaches the replica on
        // its own node, not those on others. A key without the node would get this wrong.
        var sources = WorldFiles.Read(Path.Combine(PodnetCli.Examples(), "security-groups-for-pods"))
            .Select(s => s with { Text = s.Text.Replace("ENABLE_POD_ENI: \"true\"", "ENABLE_POD_ENI: \"true\"\n      POD_SECURITY_GROUP_ENFORCING_MODE: standard", StringComparison.Ordinal) })
            .ToList();
        Assert.Contains(sources, s => s.Text.Contains("POD_SECURITY_GROUP_ENFORCING_MODE", StringComparison.Ordinal));
        var world = WorldLoader.Load(sources);

        var (matrices, mismatches) = CompareWithPairwise(world, ["TCP/80"]);

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        var matrix = matrices[0];
        var verdicts = Indices(matrix, "kube-system/coredns-").SelectMany(d => Indices(matrix, "my-namespace/").Select(r => matrix.Allowed(d, r))).ToList();
        Assert.Contains(true, verdicts);
        Assert.Contains(false, verdicts);
    }

    [Fact]
    public void SecurityGroupsForPods_AlikePodsShareClasses_AndTheVerdictsAreTheSeedsOnes()
    {
        var world = WorldLoader.Load(WorldFiles.Read(Path.Combine(PodnetCli.Examples(), "security-groups-for-pods")));
        var matrix = ConnectivityMatrix.Compute(world);

        Assert.Equal("TCP/80", matrix.Port.ToString());
        var replicas = Enumerable.Range(0, matrix.Pods.Count).Where(i => matrix.Pods[i].StartsWith("my-namespace/", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, replicas.Count);

        // Four replicas on three nodes: two of them share a node, hence a class.
        Assert.True(matrix.Classes < matrix.Pods.Count, $"{matrix.Classes} classes for {matrix.Pods.Count} pods");
        Assert.Equal(3, replicas.Select(matrix.ClassOf).Distinct().Count());
        Assert.True(matrix.Evaluations < matrix.Pods.Count * (matrix.Pods.Count - 1));

        // The pod security group allows all traffic from itself: replica to replica is allowed.
        Assert.All(replicas.SelectMany(a => replicas.Where(b => b != a).Select(b => (a, b))), p => Assert.True(matrix.Allowed(p.a, p.b), $"{matrix.Pods[p.a]} -> {matrix.Pods[p.b]}"));
        Assert.All(replicas, r => Assert.False(matrix.Allowed(r, r)));
    }

    [Fact]
    public void AlikePods_AreDecidedOncePerPairOfClasses()
    {
        var world = PolicyWorld(web: 6, db: 4, policies: """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-from-web, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
            """);

        var matrix = ConnectivityMatrix.Compute(world, new PortSpec("TCP", 5432));

        Assert.Equal(10, matrix.Pods.Count);
        Assert.Equal(2, matrix.Classes);
        Assert.Equal(4, matrix.Evaluations);
        var web = Indices(matrix, "shop/web-");
        var db = Indices(matrix, "shop/db-");
        Assert.All(web.SelectMany(w => db.Select(d => (w, d))), p => Assert.True(matrix.Allowed(p.w, p.d)));
        Assert.All(db.SelectMany(d => db.Where(e => e != d).Select(e => (d, e))), p => Assert.False(matrix.Allowed(p.d, p.e)));
        Assert.All(web.SelectMany(w => web.Where(v => v != w).Select(v => (w, v))), p => Assert.True(matrix.Allowed(p.w, p.v)));
        Assert.Equal((6 * 5) + (6 * 4) + (4 * 6), matrix.AllowedPairs());
        AssertPairwise(world, matrix);
    }

    [Fact]
    public void AnIpBlockThatSplitsPods_SplitsTheirClass()
    {
        // 10.1.0.0/30 holds web-0 … web-2 (10.1.0.1-3) of the six web pods.
        var world = PolicyWorld(web: 6, db: 2, policies: """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-from-block, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress: [{from: [{ipBlock: {cidr: 10.1.0.0/30}}]}]
            """);

        var matrix = ConnectivityMatrix.Compute(world);

        Assert.Equal(3, matrix.Classes);
        var db = Indices(matrix, "shop/db-");
        Assert.Equal([true, true, true, false, false, false], [.. Indices(matrix, "shop/web-").Select(w => matrix.Allowed(w, db[0]))]);
        AssertPairwise(world, matrix);
    }

    [Fact]
    public void AnIpBlockThatHoldsEveryPodOrNone_DoesNotSplitClasses()
    {
        var world = PolicyWorld(web: 6, db: 2, policies: """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-from-blocks, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.200.0.0/16]}}, {ipBlock: {cidr: 192.0.2.0/24}}]}]
            """);

        var matrix = ConnectivityMatrix.Compute(world);

        Assert.Equal(2, matrix.Classes);
        Assert.Equal(4, matrix.Evaluations);
        AssertPairwise(world, matrix);
    }

    [Fact]
    public void HostNetworkPodsAndPodsWithoutAnAddress_AreLeftOut()
    {
        var world = PolicyWorld(web: 2, db: 1, policies: """
            apiVersion: v1
            kind: Pod
            metadata: {name: host, namespace: shop, labels: {app: web}}
            spec: {hostNetwork: true, containers: [{name: main}]}
            status: {podIP: 10.9.0.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: pending, namespace: shop, labels: {app: web}}
            spec: {containers: [{name: main}]}
            """);

        var matrix = ConnectivityMatrix.Compute(world);

        Assert.Equal(["shop/db-0", "shop/web-0", "shop/web-1"], matrix.Pods);
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Allowed(0, 3));
    }

    internal static Podnet.World.World PolicyWorld(int web, int db, string policies)
    {
        var yaml = new StringBuilder("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {team: shop}}

            """);
        void Pods(string app, int count, int subnet)
        {
            for (var i = 0; i < count; i++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $$"""
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: {{app}}-{{i}}, namespace: shop, labels: {app: {{app}} } }
                    spec: {containers: [{name: main, ports: [{containerPort: 5432, name: pg}]}]}
                    status: {podIP: 10.{{subnet}}.0.{{i + 1}} }

                    """);
            }
        }

        Pods("web", web, 1);
        Pods("db", db, 2);
        yaml.Append("---\n").Append(policies).Append('\n');
        return WorldLoader.Load([new WorldSource("policy.yaml", yaml.ToString())]);
    }

    private static List<int> Indices(MatrixResult matrix, string prefix)
        => [.. Enumerable.Range(0, matrix.Pods.Count).Where(i => matrix.Pods[i].StartsWith(prefix, StringComparison.Ordinal))];

    private static void AssertPairwise(Podnet.World.World world, MatrixResult matrix)
    {
        var reach = new Reachability(world);
        for (var from = 0; from < matrix.Pods.Count; from++)
        {
            for (var to = 0; to < matrix.Pods.Count; to++)
            {
                if (from != to)
                {
                    Assert.True(reach.Evaluate(matrix.Pods[from], matrix.Pods[to], matrix.Port.ToString()).Allowed == matrix.Allowed(from, to), $"{matrix.Pods[from]} -> {matrix.Pods[to]}");
                }
            }
        }
    }

    private static (List<MatrixResult> Matrices, List<string> Mismatches) CompareWithPairwise(Podnet.World.World world, IReadOnlyList<string> ports)
    {
        var reach = new Reachability(world);
        var matrices = new List<MatrixResult>();
        var mismatches = new List<string>();
        foreach (var port in ports)
        {
            Assert.True(PortSpec.TryParse(port, out var spec, out var error), error);
            var matrix = ConnectivityMatrix.Compute(reach, spec);
            matrices.Add(matrix);
            Assert.True(matrix.Evaluations <= matrix.Classes * matrix.Classes);
            for (var from = 0; from < matrix.Pods.Count; from++)
            {
                for (var to = 0; to < matrix.Pods.Count; to++)
                {
                    if (from == to)
                    {
                        Assert.False(matrix.Allowed(from, to));
                        continue;
                    }

                    var result = reach.Evaluate(matrix.Pods[from], matrix.Pods[to], port);
                    Assert.Null(result.ErrorMessage);
                    if (result.Allowed != matrix.Allowed(from, to))
                    {
                        mismatches.Add($"{matrix.Pods[from]} {matrix.Pods[to]} {port} {matrix.Allowed(from, to)} {result.Allowed}");
                    }

                    // The overload on resolved endpoints agrees.
                    var endpoints = (reach.ResolveEndpoint(matrix.Pods[from])!, reach.ResolveEndpoint(matrix.Pods[to])!);
                    Assert.Equal(result.Allowed, reach.Evaluate(endpoints.Item1, endpoints.Item2, spec).Allowed);
                }
            }
        }

        return (matrices, mismatches);
    }

    /// <summary>The manifests with an address for every pod that has none (as JSON documents, which are YAML).</summary>
    private static string WithPodIps(string text, string name)
    {
        var documents = YamlManifests.Parse(text, name, yaml11Booleans: false).Select(d => d.Content).OfType<JsonObject>().ToList();
        var next = 0;
        foreach (var pod in documents.Where(d => d["kind"]?.GetValue<string>() == "Pod"))
        {
            if (pod["status"]?["podIP"] is not null)
            {
                continue;
            }

            var ip = SyntheticPrefixes[next % SyntheticPrefixes.Length] + ((next / SyntheticPrefixes.Length) + 1).ToString(CultureInfo.InvariantCulture);
            next++;
            pod["status"] = new JsonObject { ["podIP"] = ip, ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }) };
        }

        return string.Join("\n---\n", documents.Select(d => d.ToJsonString()));
    }

}
