using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Nodes;
using Podnet.Kube.Nodes.Probes;
using Podnet.Tests.Kube.Controllers;

namespace Podnet.Tests.Kube.Nodes;

/// <summary>
/// Issue 11 point 5: the kubelet's startup, liveness and readiness probes on their own timings (worker.go), a
/// container killed for a failed liveness or startup probe and restarted with kuberuntime's back-off (10 s doubling
/// to 5 minutes: CrashLoopBackOff), with the kubelet's own event texts. A probe runner stands for the network.
/// </summary>
public class KubeletProbeTests
{
    private const string Refused = "i/o timeout";

    /// <summary>A cluster with one Ready node and a probe runner that fails the probe types <paramref name="failing"/> says, recording every run.</summary>
    private static (TestCluster Cluster, List<(ProbeType Type, DateTimeOffset At)> Runs) Cluster(Func<ProbeType, int, bool> failing)
    {
        var cluster = new TestCluster(imagesPresent: false);
        var network = new FakeSandboxNetwork();
        var node = cluster.AddEc2Node(run: false);
        cluster.Plane.SetNetwork(node.Name, network);
        cluster.Run();
        var runs = new List<(ProbeType Type, DateTimeOffset At)>();
        cluster.Plane.AddProbeRunner((pod, _, _, type, probe) =>
        {
            runs.Add((type, cluster.Time.GetUtcNow()));
            return failing(type, runs.Count(r => r.Type == type))
                ? new ProbeFailure($"dial tcp {pod.PodIP}:80: {Refused}", TimedOut: true)
                : null;
        });
        return (cluster, runs);
    }

    private static JsonObject WithProbes(params (ProbeType Type, JsonObject Probe)[] probes)
        => TestCluster.PodJson("web", spec: s =>
        {
            foreach (var (type, probe) in probes)
            {
                s["containers"]![0]![type.Field()] = probe;
            }
        });

    private static JsonObject Tcp(int? period = null, int? initialDelay = null, int? successThreshold = null, int? failureThreshold = null)
    {
        var probe = new JsonObject { ["tcpSocket"] = new JsonObject { ["port"] = 80 } };
        if (period is { } p)
        {
            probe["periodSeconds"] = p;
        }

        if (initialDelay is { } d)
        {
            probe["initialDelaySeconds"] = d;
        }

        if (successThreshold is { } s)
        {
            probe["successThreshold"] = s;
        }

        if (failureThreshold is { } f)
        {
            probe["failureThreshold"] = f;
        }

        return probe;
    }

    private static JsonObject ContainerStatus(KubeObject pod) => (JsonObject)pod["status.containerStatuses"]![0]!;

    private static DateTimeOffset StartedAt(KubeObject pod) => DateTimeOffset.Parse(ContainerStatus(pod)["state"]!["running"]!["startedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    /// <summary>Runs the cluster to each due moment up to <paramref name="until"/>, calling <paramref name="look"/> after each.</summary>
    private static void Step(TestCluster cluster, DateTimeOffset until, Action look)
    {
        cluster.Run();
        look();
        while (cluster.Plane.NextDue is { } due && due <= until)
        {
            if (due > cluster.Time.GetUtcNow())
            {
                cluster.Time.Advance(due - cluster.Time.GetUtcNow());
            }

            cluster.Run();
            look();
        }
    }

    [Fact]
    public void LivenessProbe_Blocked_RestartsContainer_CrashLoopBackOff()
    {
        var (cluster, _) = Cluster((type, _) => type == ProbeType.Liveness);
        cluster.Create(WithProbes((ProbeType.Liveness, Tcp())));

        // The image pull takes under 20 s; the first kill comes 21 s after the start.
        cluster.Settle(TimeSpan.FromSeconds(20));
        var first = StartedAt(cluster.Pod("web"));
        var starts = new List<DateTimeOffset>();
        var waiting = new List<(string Reason, string Message)>();
        Step(cluster, first.AddSeconds(757 + 5), () =>
        {
            if (cluster.TryPod("web") is { } pod && pod["status.containerStatuses"] is JsonArray)
            {
                var status = ContainerStatus(pod);
                if (status["state"]!["running"] is not null && (starts.Count == 0 || starts[^1] != StartedAt(pod)))
                {
                    starts.Add(StartedAt(pod));
                }

                if (status["state"]!["waiting"] is JsonObject w && w["reason"]!.GetValue<string>() == "CrashLoopBackOff")
                {
                    waiting.Add((w["reason"]!.GetValue<string>(), w["message"]!.GetValue<string>()));
                    Assert.Equal("False", TestCluster.ConditionOf(pod, "Ready")!["status"]!.GetValue<string>());
                    Assert.False(status["started"]!.GetValue<bool>());
                }
            }
        });

        // Probes at 0, 10 and 20 s each time out after 1 s: the third failure (failureThreshold 3) kills the container
        // 21 s after it started. The first restart is at once; then each waits its back-off since the exit: 10 s,
        // 20 s, 40 s, 80 s, 160 s, then 300 s (5 minutes, not 320).
        var gaps = starts.Zip(starts.Skip(1), (a, b) => (int)(b - a).TotalSeconds).ToList();
        Assert.Equal([21, 31, 41, 61, 101, 181, 321], gaps);

        var pod = cluster.Pod("web");
        var uid = pod.Uid;
        Assert.Equal(7, ContainerStatus(pod)["restartCount"]!.GetValue<int>());
        var last = ContainerStatus(pod)["lastState"]!["terminated"]!;
        Assert.Equal(137, last["exitCode"]!.GetValue<int>());
        Assert.Equal("Error", last["reason"]!.GetValue<string>());
        Assert.Contains(("CrashLoopBackOff", $"back-off 10s restarting failed container=app pod=web_default({uid})"), waiting);
        Assert.Contains(("CrashLoopBackOff", $"back-off 5m0s restarting failed container=app pod=web_default({uid})"), waiting);

        // The events, as far as client-go's spam filter lets them through (25 per source and object, then one every
        // 5 minutes): at least the first three kills, each after three failed probes.
        var events = cluster.EventsAbout(pod);
        var killing = Assert.Single(events, e => e.GetString("reason") == "Killing");
        Assert.Equal("Container app failed liveness probe, will be restarted", killing.GetString("message"));
        Assert.InRange(killing["count"]!.GetValue<int>(), 3, 7);
        var unhealthy = Assert.Single(events, e => e.GetString("reason") == "Unhealthy");
        Assert.Equal($"Liveness probe failed: dial tcp {pod.GetString("status.podIP")}:80: {Refused}", unhealthy.GetString("message"));
        Assert.InRange(unhealthy["count"]!.GetValue<int>(), 9, 22);
        var backOff = Assert.Single(events, e => e.GetString("reason") == "BackOff");
        Assert.Equal($"Back-off restarting failed container app in pod web_default({uid})", backOff.GetString("message"));
        Assert.Equal("Warning", backOff.GetString("type"));

        // The restarts show in kubectl's RESTARTS column.
        Assert.StartsWith("7 (", Podnet.Kube.Printing.PodPrinter.Restarts(pod, cluster.Time.GetUtcNow()), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadinessProbe_HonoursInitialDelayPeriodAndSuccessThreshold()
    {
        var (cluster, runs) = Cluster((_, _) => false);
        cluster.Create(WithProbes((ProbeType.Readiness, Tcp(period: 5, initialDelay: 12, successThreshold: 2))));
        cluster.Settle(TimeSpan.FromMinutes(2));

        var pod = cluster.Pod("web");
        var started = StartedAt(pod);

        // Ticks at 0, 5 and 10 s fall inside the initial delay; the probes at 15 and 20 s pass, and the second makes the
        // container ready. A passing probe is not run again.
        Assert.Equal([15, 20], runs.Select(r => (int)Math.Round((r.At - started).TotalSeconds)));
        Assert.True(ContainerStatus(pod)["ready"]!.GetValue<bool>());
        Assert.Equal(KubeObject.FormatTimestamp(runs[^1].At), TestCluster.ConditionOf(pod, "Ready")!["lastTransitionTime"]!.GetValue<string>());
    }

    [Fact]
    public void StartupProbe_GatesLivenessAndReadiness_UntilItSucceeds()
    {
        var (cluster, runs) = Cluster((type, run) => type == ProbeType.Startup && run <= 2);
        cluster.Create(WithProbes(
            (ProbeType.Startup, Tcp(period: 5, failureThreshold: 10)),
            (ProbeType.Liveness, Tcp()),
            (ProbeType.Readiness, Tcp())));
        var notStartedBefore = new List<bool>();
        Step(cluster, cluster.Time.GetUtcNow() + TimeSpan.FromMinutes(1), () =>
        {
            if (cluster.TryPod("web") is { } pod && ContainerStatusOrNull(pod) is { } status && runs.All(r => r.Type == ProbeType.Startup))
            {
                notStartedBefore.Add(!status["started"]!.GetValue<bool>() && !status["ready"]!.GetValue<bool>());
            }
        });

        var pod = cluster.Pod("web");
        var started = StartedAt(pod);
        var startup = runs.Where(r => r.Type == ProbeType.Startup).Select(r => (int)Math.Round((r.At - started).TotalSeconds)).ToList();
        Assert.Equal([0, 5, 10], startup);
        Assert.All(runs.Where(r => r.Type != ProbeType.Startup), r => Assert.True(r.At >= started.AddSeconds(10), $"{r.Type} ran before the startup probe passed"));
        Assert.Contains(runs, r => r.Type == ProbeType.Liveness);
        Assert.Contains(runs, r => r.Type == ProbeType.Readiness);
        Assert.All(notStartedBefore, Assert.True);
        Assert.True(ContainerStatus(pod)["started"]!.GetValue<bool>());
        Assert.True(ContainerStatus(pod)["ready"]!.GetValue<bool>());
        Assert.Equal(0, ContainerStatus(pod)["restartCount"]!.GetValue<int>());
        Assert.Equal(2, cluster.Events("Unhealthy").Single()["count"]!.GetValue<int>());
        Assert.StartsWith("Startup probe failed: dial tcp ", cluster.Events("Unhealthy").Single().GetString("message"), StringComparison.Ordinal);
    }

    [Fact]
    public void StartupProbe_NeverSucceeds_KilledAsAFailedStartupProbe()
    {
        var (cluster, runs) = Cluster((type, _) => type == ProbeType.Startup);
        cluster.Create(WithProbes((ProbeType.Startup, Tcp(period: 5, failureThreshold: 2)), (ProbeType.Readiness, Tcp())));
        cluster.Settle(TimeSpan.FromSeconds(30));

        var pod = cluster.Pod("web");
        Assert.DoesNotContain(runs, r => r.Type == ProbeType.Readiness);
        Assert.Equal("Container app failed startup probe, will be restarted", Assert.Single(cluster.Events("Killing")).GetString("message"));
        Assert.True(ContainerStatus(pod)["restartCount"]!.GetValue<int>() >= 1);
    }

    [Fact]
    public void LivenessProbe_RestartPolicyNever_KilledAndNotRestarted_PodFailed()
    {
        var (cluster, _) = Cluster((type, _) => type == ProbeType.Liveness);
        cluster.Create(TestCluster.PodJson("web", spec: s =>
        {
            s["restartPolicy"] = "Never";
            s["containers"]![0]!["livenessProbe"] = Tcp();
        }));
        cluster.Settle(TimeSpan.FromMinutes(2));

        var pod = cluster.Pod("web");
        Assert.Equal("Container app failed liveness probe", Assert.Single(cluster.Events("Killing")).GetString("message"));
        Assert.Equal("Failed", pod.GetString("status.phase"));
        Assert.Equal(137, ContainerStatus(pod)["state"]!["terminated"]!["exitCode"]!.GetValue<int>());
        Assert.Equal(0, ContainerStatus(pod)["restartCount"]!.GetValue<int>());
    }

    private static JsonObject? ContainerStatusOrNull(KubeObject pod) => pod["status.containerStatuses"] is JsonArray { Count: > 0 } a ? (JsonObject)a[0]! : null;
}
