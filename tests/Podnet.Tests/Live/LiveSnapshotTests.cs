using Podnet.Cli;
using Podnet.Cli.Commands;
using Podnet.Live;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Live;

/// <summary>
/// A snapshot of the default world served as <c>podnet up</c> serves it, read through its Kubernetes API
/// (KubernetesClient) and its EC2 API (the AWS SDK): loaded, it gives the served world's verdicts, and <c>podnet
/// reach --kubeconfig</c> answers word for word as <c>podnet reach</c> on the snapshot's directory.
/// </summary>
public sealed class LiveSnapshotTests : IClassFixture<ServedWorld>, IDisposable
{
    private readonly ServedWorld _world;
    private readonly string _directory = Directory.CreateTempSubdirectory("podnet-snapshot-").FullName;

    public LiveSnapshotTests(ServedWorld world)
    {
        _world = world;

        // The SDK's default chain takes the credentials from the environment, as `eval "$(podnet up --env)"` sets
        // them; the values are the served world's, which every ServedWorld fixture exports to its aws calls alike.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", _world.Server.Aws.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", _world.Server.Aws.SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    private string Endpoint => _world.Server.Aws.Address.ToString().TrimEnd('/');

    private LiveClusterSource Source => new(_world.KubeconfigPath, Region: "us-west-2");

    private (string A, string B) TwoCoreDnsPods()
    {
        var pods = _world.Server.Cluster.Read(() => _world.Server.Cluster.Store.List("v1", "Pod", "kube-system").Items
            .Where(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)).Select(p => $"kube-system/{p.Name}").Order(StringComparer.Ordinal).ToList());
        Assert.Equal(2, pods.Count);
        return (pods[0], pods[1]);
    }

    [Fact]
    public async Task Snapshot_OfServedWorld_DecidesReachAndMatrixAsTheServedWorld()
    {
        var snapshot = await LiveSnapshot.ReadAsync(Source, Endpoint);
        var kinds = snapshot.AwsDocuments.Select(d => d["kind"]!.GetValue<string>()).ToList();
        // The VPC, its subnets, its routes (eksctl's: an internet gateway, one NAT gateway, the main table and three
        // more), the cluster, the node group with its three instances, and the interfaces aws-node attached to them
        // (one NetworkInterface per interface beyond a primary; a primary only if it holds pods' addresses).
        Assert.Equal(
            ["Vpc", "Subnet", "Subnet", "Subnet", "Subnet", "InternetGateway", "NatGateway", "RouteTable", "RouteTable", "RouteTable", "RouteTable", "Cluster", "NodeGroup"],
            kinds.Where(k => k != "NetworkInterface"));
        Assert.Equal(3, snapshot.AwsDocuments.Single(d => d["kind"]!.GetValue<string>() == "NodeGroup")["spec"]!["Instances"]!.AsArray().Count);
        var servedInterfaces = _world.Server.Cluster.Read(() => _world.Server.Cluster.World.Cloud!.Ec2Backend.DescribeNetworkInterfaces());
        Assert.Equal(
            servedInterfaces.Where(n => n.Attachment is { DeviceIndex: > 0 } || (n.Attachment is { DeviceIndex: 0 } && n.PrivateIpAddresses.Count > 1)).Select(n => n.NetworkInterfaceId).Order(StringComparer.Ordinal),
            snapshot.AwsDocuments.Where(d => d["kind"]!.GetValue<string>() == "NetworkInterface").Select(d => d["metadata"]!["name"]!.GetValue<string>()));
        Assert.DoesNotContain(snapshot.KubernetesDocuments, d => d["kind"]!.GetValue<string>() == "Node");
        Assert.All(snapshot.KubernetesDocuments, d => Assert.Null(d["metadata"]!["resourceVersion"]));
        Assert.All(snapshot.KubernetesDocuments, d => Assert.Null(d["metadata"]!["managedFields"]));
        var pod = snapshot.KubernetesDocuments.First(d => d["kind"]!.GetValue<string>() == "Pod" && d["metadata"]!["name"]!.GetValue<string>().StartsWith("coredns-", StringComparison.Ordinal));
        Assert.NotNull(pod["status"]!["podIP"]);

        var files = snapshot.WriteTo(_directory, Source.Display);
        Assert.Equal([Path.Combine(_directory, LiveSnapshot.AwsFile), Path.Combine(_directory, LiveSnapshot.KubernetesFile)], files);
        var loaded = WorldLoader.Load(WorldFiles.Read(_directory));

        // The routes come back with their IDs: tables, routes, associations (the main one too), gateways, the NAT
        // gateway's Elastic IP and interface, as describe-route-tables and describe-nat-gateways show them.
        var servedEc2 = _world.Server.Cluster.World.Cloud!.Ec2Backend;
        static string Tables(Podnet.Aws.Ec2.Ec2Backend ec2) => string.Join("\n", ec2.DescribeRouteTables().OrderBy(t => t.RouteTableId, StringComparer.Ordinal).Select(t =>
            $"{t.RouteTableId} {t.VpcId} [{string.Join(", ", t.Routes.Select(r => $"{r.DestinationCidrBlock}→{r.NatGatewayId ?? r.GatewayId} {r.State}"))}] [{string.Join(", ", t.Associations.Select(a => $"{a.RouteTableAssociationId} {a.SubnetId ?? "main"}"))}]"));
        static string Gateways(Podnet.Aws.Ec2.Ec2Backend ec2) => string.Join("\n", ec2.DescribeNatGateways().Select(n =>
            $"{n.NatGatewayId} {n.SubnetId} {n.State} {string.Join(",", n.NatGatewayAddresses.Select(a => $"{a.AllocationId} {a.PublicIp} {a.PrivateIp} {a.NetworkInterfaceId}"))}")
            .Concat(ec2.DescribeInternetGateways().Select(g => $"{g.InternetGatewayId} {string.Join(",", g.Attachments.Select(a => a.VpcId))}")));
        var servedTables = _world.Server.Cluster.Read(() => Tables(servedEc2));
        Assert.Equal(4, servedTables.Split('\n').Length);
        Assert.Equal(servedTables, Tables(loaded.Cloud!.Ec2Backend));
        Assert.Equal(_world.Server.Cluster.Read(() => Gateways(servedEc2)), Gateways(loaded.Cloud.Ec2Backend));
        Assert.DoesNotContain(snapshot.Notes, n => n.Contains("NAT", StringComparison.Ordinal) || n.Contains("route", StringComparison.Ordinal));

        var (a, b) = TwoCoreDnsPods();
        var served = _world.Server.Cluster.Read(() => new Reachability(_world.Server.Cluster.World));
        var replayed = new Reachability(loaded);
        foreach (var (from, to, port) in new[] { (a, b, "53/udp"), (b, a, "TCP/9153"), (a, "svc/kube-system/kube-dns", "53/udp"), (a, "8.8.8.8", "443") })
        {
            var expected = _world.Server.Cluster.Read(() => served.Evaluate(from, to, port));
            var actual = replayed.Evaluate(from, to, port);
            Assert.Null(expected.ErrorMessage);

            // The same verdict, by the same steps, naming the same interfaces, groups, route tables and gateways: the
            // snapshot keeps the interfaces, addresses and routes as they are.
            static string Verdict(ReachResult r) => $"{r.Allowed}: {string.Join("; ", r.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"))}";
            Assert.Equal(Verdict(expected), Verdict(actual));
            if (to == "8.8.8.8")
            {
                // CoreDNS's pod (no SNAT exclusion) leaves by the node's primary interface: the private subnet's
                // table sends it to the NAT gateway, whose public table sends it to the internet gateway.
                Assert.Matches(@"route True rtb-[0-9a-f]{17} 0\.0\.0\.0/0 → nat-[0-9a-f]{17} .* → igw-[0-9a-f]{17} ", Verdict(actual));
            }
        }

        var servedMatrix = _world.Server.Cluster.Read(() => ConnectivityMatrix.Compute(served, new PortSpec("UDP", 53)));
        var replayedMatrix = ConnectivityMatrix.Compute(replayed, new PortSpec("UDP", 53));
        Assert.Equal(MatrixCommand.Table(servedMatrix), MatrixCommand.Table(replayedMatrix));
        Assert.Equal(2, replayedMatrix.Pods.Count);
    }

    [Fact]
    public void Reach_Kubeconfig_AnswersAsReachOnTheSnapshotDirectory()
    {
        var (a, b) = TwoCoreDnsPods();
        var live = Run("reach", "--kubeconfig", _world.KubeconfigPath, "--region", "us-west-2", "--endpoint-url", Endpoint, a, b, "53/udp");
        Assert.Equal(0, live.Exit);
        Assert.StartsWith("ALLOWED\n", live.Out, StringComparison.Ordinal);

        var written = Run("snapshot", "--kubeconfig", _world.KubeconfigPath, "--region", "us-west-2", "--endpoint-url", Endpoint, "-o", _directory);
        Assert.Equal(0, written.Exit);
        Assert.Matches(@"^wrote \d+ documents \(\d+ AWS, \d+ Kubernetes, 8 pods\) to ", written.Out);

        var offline = Run("reach", _directory, a, b, "53/udp");
        Assert.Equal((live.Exit, live.Out), (offline.Exit, offline.Out));
        var core = _world.Server.Cluster.Read(() => new Reachability(_world.Server.Cluster.World).Evaluate(a, b, "53/udp"));
        Assert.True(core.Allowed);
        Assert.Equal(ReachCommand.Render(core).Split('\n').Length, live.Out.Split('\n').Length);
    }

    [Fact]
    public void TestAndLint_Kubeconfig_AnswerAsOnTheSnapshotDirectory()
    {
        var (a, b) = TwoCoreDnsPods();
        var expected = Path.Combine(_directory, "expected.tsv");
        File.WriteAllText(expected, $"{a}\t{b}\tUDP/53\tallowed\n{b}\t8.8.8.8\tTCP/443\tallowed\n");
        var liveOptions = new[] { "--kubeconfig", _world.KubeconfigPath, "--region", "us-west-2", "--endpoint-url", Endpoint };
        var written = Run(["snapshot", .. liveOptions, "-o", Path.Combine(_directory, "world")]);
        Assert.Equal(0, written.Exit);

        var test = Run(["test", .. liveOptions, expected]);
        Assert.Equal(0, test.Exit);
        Assert.EndsWith("2 passed, 0 failed\n", test.Out, StringComparison.Ordinal);
        Assert.Equal((test.Exit, test.Out), Run("test", Path.Combine(_directory, "world"), expected) is var offline ? (offline.Exit, offline.Out) : default);

        var lint = Run(["lint", .. liveOptions, "-o", "json"]);
        var offlineLint = Run("lint", Path.Combine(_directory, "world"), "-o", "json");
        Assert.Equal((offlineLint.Exit, offlineLint.Out), (lint.Exit, lint.Out));
        Assert.StartsWith("[", lint.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_NoSuchKubeconfig_IsOneErrorLine()
    {
        var (exit, output, error) = Run("reach", "--kubeconfig", Path.Combine(_directory, "missing"), "a/b", "c/d", "80");
        AssertOneError(exit, output, error, $"error: {Path.Combine(_directory, "missing")}: no such kubeconfig file");
    }

    [Fact]
    public void Matrix_UnknownContext_IsOneErrorLine()
    {
        var (exit, output, error) = Run("matrix", "--kubeconfig", _world.KubeconfigPath, "--context", "no-such-context");
        AssertOneError(exit, output, error, $"error: kubeconfig {_world.KubeconfigPath} (context no-such-context): ");
        Assert.Contains("no-such-context", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_UnreachableServer_IsOneErrorLine()
    {
        // The served kubeconfig, pointed at a port nothing listens on.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var text = File.ReadAllText(_world.KubeconfigPath);
        var server = System.Text.RegularExpressions.Regex.Match(text, @"server: (https://[^\s]+)").Groups[1].Value;
        var kubeconfig = Path.Combine(_directory, "unreachable");
        File.WriteAllText(kubeconfig, text.Replace(server, $"https://127.0.0.1:{port}", StringComparison.Ordinal));

        var (exit, output, error) = Run("lint", "--kubeconfig", kubeconfig);
        AssertOneError(exit, output, error, $"error: kubeconfig {kubeconfig}: get /version at https://127.0.0.1:{port}/: ");
    }

    [Fact]
    public async Task Ec2Reader_UnauthorizedOperation_IsTheActionAndEc2sCode()
    {
        // A served AWS where this key acts as a role with no policy: EC2 refuses every Describe.
        var time = VirtualTimeProvider.AnchoredTo(TimeProvider.System, TimeSpan.FromDays(1));
        var world = WorldLoader.LoadDefault(time: time);
        var role = world.Cloud!.Iam.CreateRole("no-permissions").Arn;
        using var account = new Podnet.Server.ServedAccount(world, TimeSpan.Zero);
        await using var server = await Podnet.Server.Aws.AwsApiServer.StartAsync(account.Primary, new Podnet.Server.Aws.AwsApiServerOptions { RoleAccessKeys = new Dictionary<string, string> { ["AKIANOPERMISSIONS001"] = role } });
        using var reader = new Ec2Reader(new Amazon.EC2.AmazonEC2Client(
            new Amazon.Runtime.BasicAWSCredentials("AKIANOPERMISSIONS001", "secret"),
            new Amazon.EC2.AmazonEC2Config { ServiceURL = server.Address.ToString(), AuthenticationRegion = "us-west-2", MaxErrorRetry = 0 }));

        var e = await Assert.ThrowsAsync<LiveClusterException>(() => reader.ReadForInstancesAsync(["i-0123456789abcdef0"]));
        Assert.StartsWith("EC2 DescribeInstances: UnauthorizedOperation: You are not authorized to perform this operation.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static void AssertOneError(int exit, string output, string error, string start)
    {
        Assert.Equal(ExitCodes.Error, exit);
        Assert.Equal(string.Empty, output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"one line expected, got: {error}");
        Assert.StartsWith(start, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = PodnetCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
