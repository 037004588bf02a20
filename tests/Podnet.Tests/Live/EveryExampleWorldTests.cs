using Podnet.Cli;
using Podnet.Cli.Commands;
using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;
using Xunit.Abstractions;

namespace Podnet.Tests.Live;

/// <summary>
/// Every example world of <c>examples/</c> that has an EKS cluster, served as <c>podnet up</c> serves it: <c>podnet
/// reach --kubeconfig</c> on the served cluster prints word for word what <c>podnet reach</c> prints on a <c>podnet
/// snapshot</c> of it (issue 14), and its verdict is the served world's own.
/// </summary>
public sealed class EveryExampleWorldTests
{
    /// <summary>
    /// The example worlds with no EKS cluster: <c>podnet up</c> serves no Kubernetes API for them, so there is no
    /// kubeconfig for <c>--kubeconfig</c> to read. egress-policies is a policy-only world (no AWS documents);
    /// seed-003's world is the empty account its tutorial creates the cluster in with the aws CLI.
    /// </summary>
    private static readonly string[] WorldsWithoutCluster = ["egress-policies", "seed-003-custom-networking"];

    /// <summary>The worlds known to have a cluster: the enumeration must find at least these.</summary>
    private static readonly string[] KnownClusterWorlds =
    [
        "custom-networking", "hello-eks", "security-groups-for-pods", "seed-001-pod-eni-trunk-label",
        "s3-gateway-endpoint", "seed-004-egress-network-policies", "sgp-capacity", "sgp-missing-group", "subnet-exhaustion",
    ];

    private readonly ITestOutputHelper _output;

    public EveryExampleWorldTests(ITestOutputHelper output)
    {
        _output = output;
        // As LiveSnapshotTests: the SDK's default chain takes the served world's credentials from the environment,
        // as `eval "$(podnet up --env)"` sets them (every served world has the same admin key).
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", new Podnet.Server.Aws.AwsApiServerOptions().AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", new Podnet.Server.Aws.AwsApiServerOptions().SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    /// <summary>
    /// The example folders holding world files (what <c>podnet up DIR</c> reads: .yaml, .yml, .json); folders of
    /// scripts, READMEs or CLI arguments alone (instance-types, seed-000, seed-002) are no worlds.
    /// </summary>
    private static IEnumerable<string> WorldFolders()
        => Directory.GetDirectories(PodnetCli.Examples())
            .Where(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Any(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json"))
            .Select(Path.GetFileName).Select(n => n!).Order(StringComparer.Ordinal);

    /// <summary>The example worlds with a cluster <c>podnet up</c> serves.</summary>
    public static TheoryData<string> ClusterWorlds() => [.. WorldFolders().Except(WorldsWithoutCluster)];

    [Fact]
    public void ExampleWorlds_AreTheKnownOnes_AndThoseLeftOutHaveNoCluster()
    {
        var folders = WorldFolders().ToList();
        Assert.NotEmpty(ClusterWorlds());
        Assert.Subset(folders.ToHashSet(), new HashSet<string>([.. KnownClusterWorlds, .. WorldsWithoutCluster]));
        Assert.DoesNotContain("instance-types", folders);
        foreach (var example in WorldsWithoutCluster)
        {
            var world = Load(example, time: null);
            Assert.Null(world.Cluster);
        }
    }

    [Theory]
    [MemberData(nameof(ClusterWorlds))]
    public async Task Reach_Kubeconfig_AnswersAsReachOnTheSnapshot(string example)
    {
        // One served world per case (not a class fixture), stopped at the end as xunit stops a fixture.
        var served = new ServedExampleWorld(example);
        await served.InitializeAsync();
        var directory = Directory.CreateTempSubdirectory("podnet-snapshot-").FullName;
        try
        {
            Assert.NotNull(served.Server.Cluster.World.Cluster);
            var live = new[]
            {
                "--kubeconfig", served.KubeconfigPath, "--region", served.Server.Cluster.World.Cloud!.Options.Region,
                "--endpoint-url", served.Server.Aws.Address.ToString().TrimEnd('/'),
            };
            var written = PodnetCli.Run(["snapshot", .. live, "-o", directory]);
            Assert.True(written.Exit == 0, $"snapshot of {example} exited {written.Exit}: {written.Err}");
            Assert.Matches(@"^wrote \d+ documents \(\d+ AWS, \d+ Kubernetes, \d+ pods\) to ", written.Out);

            var (from, to, port) = Endpoints(served);
            var (service, servicePort) = AService(served);
            foreach (var (a, b, p) in new[] { (from, to, port), (from, service, servicePort), (from, "8.8.8.8", "TCP/443") }.Distinct())
            {
                var onLive = PodnetCli.Run(["reach", .. live, a, b, p]);
                var onSnapshot = PodnetCli.Run("reach", directory, a, b, p);
                var question = $"{example}: reach {a} {b} {p}";
                Assert.True(!onLive.Err.Contains("error:", StringComparison.Ordinal), $"{question} --kubeconfig: {onLive.Err}");
                Assert.True(!onSnapshot.Err.Contains("error:", StringComparison.Ordinal), $"{question} on the snapshot: {onSnapshot.Err}");
                Assert.True((onSnapshot.Exit, onSnapshot.Out) == (onLive.Exit, onLive.Out), $"{question}\n--kubeconfig (exit {onLive.Exit}):\n{onLive.Out}{onLive.Err}\non the snapshot (exit {onSnapshot.Exit}):\n{onSnapshot.Out}{onSnapshot.Err}\nsnapshot: {written.Err}");

                Assert.Matches("^(ALLOWED|DENIED)\n", onLive.Out);
                var core = served.Server.Cluster.Read(() => new Reachability(served.Server.Cluster.World).Evaluate(a, b, p));
                Assert.Null(core.ErrorMessage);
                _output.WriteLine($"{question}: {onLive.Out.Split('\n')[0]} (exit {onLive.Exit}); served: {(core.Allowed ? "ALLOWED" : "DENIED")}{(HasBranchInterface(served, a) || HasBranchInterface(served, b) ? " (a pod with a branch interface)" : string.Empty)}");

                // The snapshot keeps the interfaces as they are (the nodes' and the branch interfaces of pods with
                // security groups) and the routes (tables, internet and NAT gateways with their IDs and Elastic IPs),
                // so the answer is the served world's own, word for word: the same verdict by the same steps, naming
                // the same interfaces, groups, route tables and gateways.
                Assert.True(onLive.Out == ReachCommand.Render(core), $"{question}\n--kubeconfig:\n{onLive.Out}{onLive.Err}\nthe served world:\n{ReachCommand.Render(core)}");
                Assert.Equal(core.Allowed ? 0 : ReachCommand.DeniedExitCode, onLive.Exit);
                Assert.DoesNotContain("branch network interface", written.Err, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            await served.DisposeAsync();
        }
    }

    /// <summary>
    /// Two Running pods with addresses of their own (not the node's), the cluster's workloads before its add-ons, in
    /// name order; the port is the second pod's first container port (TCP/80 when it declares none). A world with
    /// fewer than two such pods asks from its one pod to 8.8.8.8.
    /// </summary>
    private static (string From, string To, string Port) Endpoints(ServedWorld served)
    {
        var pods = served.Server.Cluster.Read(() => served.Server.Cluster.Store.List("v1", "Pod").Items.Select(p => PodView.Of(p))
            .Where(p => p.Phase == "Running" && p.PodIP is not null && !p.HostNetwork && !p.IsTerminating)
            .OrderBy(p => p.Namespace == "kube-system").ThenBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(2).ToList());
        Assert.NotEmpty(pods);
        if (pods.Count == 1)
        {
            return ($"{pods[0].Namespace}/{pods[0].Name}", "8.8.8.8", "TCP/443");
        }

        var port = pods[1].Containers.SelectMany(c => c["ports"]?.AsArray() ?? []).FirstOrDefault();
        var text = port is null ? "TCP/80" : $"{port["protocol"]?.GetValue<string>() ?? "TCP"}/{port["containerPort"]!.GetValue<int>()}";
        return ($"{pods[0].Namespace}/{pods[0].Name}", $"{pods[1].Namespace}/{pods[1].Name}", text);
    }

    /// <summary>
    /// A Service with a selector and its first port: the workloads' before the add-ons' (kube-dns), in name order
    /// (<c>svc/NAMESPACE/NAME</c>, <c>PROTOCOL/PORT</c>).
    /// </summary>
    private static (string Service, string Port) AService(ServedWorld served)
    {
        var service = served.Server.Cluster.Read(() => served.Server.Cluster.Store.List("v1", "Service").Items
            .Where(s => s.ToJson()["spec"]?["selector"] is System.Text.Json.Nodes.JsonObject { Count: > 0 })
            .OrderBy(s => s.Namespace == "kube-system").ThenBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => s.ToJson()).First());
        var port = service["spec"]!["ports"]![0]!;
        return ($"svc/{service["metadata"]!["namespace"]}/{service["metadata"]!["name"]}", $"{port["protocol"]?.GetValue<string>() ?? "TCP"}/{port["port"]!.GetValue<int>()}");
    }

    /// <summary>Whether the pod <paramref name="name"/> (namespace/name; an address is no pod) has a branch interface of the VPC resource controller.</summary>
    private static bool HasBranchInterface(ServedWorld served, string name)
        => name.Split('/') is [var ns, var pod] && served.Server.Cluster.Read(() => served.Server.Cluster.Store.List("v1", "Pod", ns).Items
            .Any(p => p.Name == pod && p.Annotations.ContainsKey(Podnet.ResourceController.ResourceControllerNames.PodEni)));

    private static Podnet.World.World Load(string example, VirtualTimeProvider? time)
        => WorldLoader.Load(WorldFiles.Read(ExampleWorlds.Folder(example)), time: time);

    /// <summary>An example world, served whole as <c>podnet up examples/NAME</c> serves it.</summary>
    private sealed class ServedExampleWorld(string example) : ServedWorld(time => Load(example, time));
}
