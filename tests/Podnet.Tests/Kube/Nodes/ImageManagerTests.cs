using System.Globalization;
using System.Text.RegularExpressions;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;
using Podnet.Tests.Kube.Controllers;

namespace Podnet.Tests.Kube.Nodes;

/// <summary>
/// Issue 11 point 8: image pulls take time and say so with the kubelet's own words (image_manager.go); a node keeps
/// the images it pulled, so a second pod there finds its image "already present on machine" (IfNotPresent), one that
/// comes while the pull runs waits for that pull, and <c>Always</c> pulls again (a quick manifest check).
/// </summary>
public partial class ImageManagerTests
{
    private static (TestCluster Cluster, string Node) Cluster(int seed = 7)
    {
        var cluster = new TestCluster(seed, imagesPresent: false);
        var network = new FakeSandboxNetwork();
        var node = cluster.AddEc2Node(run: false);
        cluster.Plane.SetNetwork(node.Name, network);
        cluster.Run();
        return (cluster, node.Name);
    }

    private static KubeObject CreatePod(TestCluster cluster, string name, string image)
        => cluster.Create(TestCluster.PodJson(name, spec: s => s["containers"]![0]!["image"] = image));

    private static DateTimeOffset Time(KubeObject e, string field = "firstTimestamp") => DateTimeOffset.Parse(e.GetString(field)!, CultureInfo.InvariantCulture);

    /// <summary>A Go duration under a minute, as the Pulled event prints it: 523ms, 9.897s.</summary>
    private static TimeSpan Parse(string go) => go.EndsWith("ms", StringComparison.Ordinal)
        ? TimeSpan.FromMilliseconds(double.Parse(go[..^2], CultureInfo.InvariantCulture))
        : TimeSpan.FromSeconds(double.Parse(go[..^1], CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^Successfully pulled image ""nginx:1\.27"" in (?<took>[0-9.]+m?s) \(\k<took> including waiting\)\. Image size: (?<size>\d+) bytes\.$")]
    private static partial Regex PulledMessage();

    [Fact]
    public void ImagePull_FirstPodPulls_ThenStartsAfterThePullsDuration()
    {
        var (cluster, _) = Cluster();
        var created = cluster.Time.GetUtcNow();
        CreatePod(cluster, "first", "nginx:1.27");
        cluster.Run();

        var pending = cluster.Pod("first");
        Assert.Equal("Pending", pending.GetString("status.phase"));
        Assert.Equal("ContainerCreating", pending["status.containerStatuses"]![0]!["state"]!["waiting"]!["reason"]!.GetValue<string>());
        Assert.NotNull(pending.GetString("status.podIP"));

        cluster.Settle();
        var pod = cluster.Pod("first");
        var lines = cluster.EventLines(pod);
        Assert.Equal(5, lines.Count);
        Assert.Equal("Pulling: Pulling image \"nginx:1.27\"", lines[1]);
        var pulled = PulledMessage().Match(lines[2]["Pulled: ".Length..]);
        Assert.True(pulled.Success, lines[2]);
        Assert.Equal(["Created: Created container app", "Started: Started container app"], lines.Skip(3));

        // The container starts when the pull ends: its start is the pull's duration after the pod's creation.
        var started = DateTimeOffset.Parse(pod["status.containerStatuses"]![0]!["state"]!["running"]!["startedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var took = Parse(pulled.Groups["took"].Value);
        Assert.Equal(KubeObject.FormatTimestamp(created + took), KubeObject.FormatTimestamp(started));
        Assert.InRange(took, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(17));
        Assert.InRange(long.Parse(pulled.Groups["size"].Value, CultureInfo.InvariantCulture), 5_000_000, 150_000_000);
    }

    [Fact]
    public void ImagePull_SecondPodOnNode_AlreadyPresent()
    {
        var (cluster, node) = Cluster();
        CreatePod(cluster, "first", "nginx:1.27");
        cluster.Settle();

        var before = cluster.Time.GetUtcNow();
        CreatePod(cluster, "second", "nginx:1.27");
        cluster.Run();

        var pod = cluster.Pod("second");
        Assert.Equal(node, pod.GetString("spec.nodeName"));
        Assert.Equal("Running", pod.GetString("status.phase"));
        Assert.Equal(before, cluster.Time.GetUtcNow());
        Assert.Equal(
            [
                $"Scheduled: Successfully assigned default/second to {node}",
                "Pulled: Container image \"nginx:1.27\" already present on machine",
                "Created: Created container app",
                "Started: Started container app",
            ],
            cluster.EventLines(pod));
    }

    [Fact]
    public void ImagePull_PodWhileThePullRuns_WaitsForThatPull()
    {
        var (cluster, _) = Cluster();
        CreatePod(cluster, "first", "nginx:1.27");
        cluster.Run();
        cluster.Time.Advance(TimeSpan.FromMilliseconds(300));
        CreatePod(cluster, "second", "nginx:1.27");
        cluster.Settle();

        var first = PulledMessage().Match(cluster.EventLines(cluster.Pod("first"))[2]["Pulled: ".Length..]);
        var second = PulledMessage().Match(cluster.EventLines(cluster.Pod("second"))[2]["Pulled: ".Length..]);
        Assert.True(first.Success && second.Success);
        var total = Parse(first.Groups["took"].Value);
        Assert.Equal(GoDuration.Format(total - TimeSpan.FromMilliseconds(300)), second.Groups["took"].Value);
        Assert.Equal(
            cluster.Pod("first")["status.containerStatuses"]![0]!["state"]!["running"]!["startedAt"]!.GetValue<string>(),
            cluster.Pod("second")["status.containerStatuses"]![0]!["state"]!["running"]!["startedAt"]!.GetValue<string>());
    }

    [Fact]
    public void ImagePull_Always_PullsAgainQuickly_NeverWithoutTheImage_IsErrImageNeverPull()
    {
        var (cluster, _) = Cluster();
        CreatePod(cluster, "first", "nginx:latest");
        cluster.Settle();
        CreatePod(cluster, "second", "nginx:latest");
        cluster.Settle();

        var again = cluster.EventLines(cluster.Pod("second"));
        Assert.Equal("Pulling: Pulling image \"nginx:latest\"", again[1]);
        Assert.Matches(@"^Pulled: Successfully pulled image ""nginx:latest"" in \d{3}ms \(\d{3}ms including waiting\)\. Image size: \d+ bytes\.$", again[2]);

        cluster.Create(TestCluster.PodJson("never", spec: s =>
        {
            s["containers"]![0]!["image"] = "busybox:1.36";
            s["containers"]![0]!["imagePullPolicy"] = "Never";
        }));
        cluster.Settle();
        var never = cluster.Pod("never");
        Assert.Equal("Pending", never.GetString("status.phase"));
        var waiting = never["status.containerStatuses"]![0]!["state"]!["waiting"]!;
        Assert.Equal("ErrImageNeverPull", waiting["reason"]!.GetValue<string>());
        Assert.Equal("Container image \"busybox:1.36\" is not present with pull policy of Never", waiting["message"]!.GetValue<string>());
        Assert.Contains("ErrImageNeverPull: Container image \"busybox:1.36\" is not present with pull policy of Never", cluster.EventLines(never));
    }

    [Fact]
    public void ImagePull_DurationsComeFromTheSeedAndImage_SameSeedSameTimeline()
    {
        string Pulled(int seed)
        {
            var (cluster, _) = Cluster(seed);
            CreatePod(cluster, "first", "nginx:1.27");
            cluster.Settle();
            return cluster.EventLines(cluster.Pod("first"))[2];
        }

        Assert.Equal(Pulled(7), Pulled(7));
        Assert.NotEqual(Pulled(7), Pulled(8));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(523, "523ms")]
    [InlineData(9897, "9.897s")]
    [InlineData(10000, "10s")]
    [InlineData(62500, "1m2.5s")]
    [InlineData(300000, "5m0s")]
    [InlineData(3600000, "1h0m0s")]
    public void GoDuration_FormatsAsGoDoes(int milliseconds, string expected)
        => Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
