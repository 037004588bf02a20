using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 points 5 and 8: the kubelet's probes (readiness, liveness) run from the node and are decided along the real path (the
/// pod's security groups, strict mode and TCP early demux). A probe lint says is blocked leaves the pod 0/1 with the
/// kubelet's <c>Unhealthy</c> events; with lint's fixes applied (the group rule, then the add-on's
/// <c>init.env.DISABLE_TCP_EARLY_DEMUX</c>) it is 1/1 and lint is silent.
/// </summary>
public class KubeletProbesTests
{
    private const string SgExample = "security-groups-for-pods";

    private static string WithProbe(string text, string probe, string kind = "readinessProbe") => text.Replace(
        "        - containerPort: 80\n",
        $"        - containerPort: 80\n          name: http\n        {kind}:\n" + probe,
        StringComparison.Ordinal);

    private const string HttpProbe = "          httpGet: {path: /healthz, port: http}\n";

    private static List<PodView> Deployment(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).Where(p => p.Name.StartsWith("my-deployment-", StringComparison.Ordinal))];

    private static List<string> Unhealthy(Podnet.World.World world) => Messages(world, "Unhealthy");

    private static List<string> Messages(Podnet.World.World world, string reason, string ns = "my-namespace")
        => [.. world.ControlPlane.Store.List("v1", "Event", ns).Items.Where(e => e["reason"]?.GetValue<string>() == reason).Select(e => e["message"]!.GetValue<string>())];

    private static string ClusterGroup()
    {
        using var scenario = new ScenarioWorld(SgExample);
        return scenario.Load().Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId;
    }

    /// <summary>The rule lint's fix gives: TCP/80 into the pods' group from the cluster security group (the node's).</summary>
    private static string ProbeRule(string clusterGroup) => $$"""
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroupIngress
        metadata: {name: probes-from-nodes}
        spec:
          GroupId: my-pod-security-group
          IpPermissions:
          - {IpProtocol: tcp, FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: {{clusterGroup}}}]}
        """;

    private static string DisableEarlyDemux(string text) => text.Replace(
        "      ENABLE_POD_ENI: \"true\"\n",
        "      ENABLE_POD_ENI: \"true\"\n    init:\n      env:\n        DISABLE_TCP_EARLY_DEMUX: \"true\"\n",
        StringComparison.Ordinal);

    [Fact]
    public void HttpProbe_TheGroupsRefuse_PodsStay0Of1_WithTheKubeletsUnhealthyEvents_AsLintAndReachSay()
    {
        using var scenario = new ScenarioWorld(SgExample, t => WithProbe(t, HttpProbe));
        var world = scenario.Load();

        var pods = Deployment(world);
        Assert.Equal(4, pods.Count);
        Assert.All(pods, p => Assert.False(p.IsReady, p.Name));
        var messages = Unhealthy(world);
        foreach (var pod in pods)
        {
            Assert.Contains($"Readiness probe failed: Get \"http://{pod.PodIP}:80/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", messages);
        }

        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);
        Assert.Equal(4, Regex.Count(run, @"\nmy-namespace +my-deployment-\S+ +0/1 +Running "));

        var findings = WorldLint.Run(world);
        Assert.Single(findings, f => f.Check == SecurityGroupPodProbes.Id);
        Assert.Single(findings, f => f.Check == SecurityGroupPodProbes.EarlyDemuxId);

        var (reachExit, reach, _) = PodnetCli.Run("reach", scenario.Directory, $"node/{pods[0].NodeName}", $"my-namespace/{pods[0].Name}", "80");
        Assert.Equal(1, reachExit);
        Assert.Contains("ingress", reach, StringComparison.Ordinal);
    }

    [Fact]
    public void TcpProbe_GroupsFixed_EarlyDemuxStillOn_InStrictMode_Stays0Of1_ThenTheAddonsInitEnvMakesIt1Of1()
    {
        const string tcpProbe = "          tcpSocket: {port: 80}\n";
        var rule = ProbeRule(ClusterGroup());

        using (var scenario = new ScenarioWorld(SgExample, t => WithProbe(t, tcpProbe), rule))
        {
            var world = scenario.Load();
            var pods = Deployment(world);
            Assert.All(pods, p => Assert.False(p.IsReady, p.Name));
            Assert.Contains($"Readiness probe failed: dial tcp {pods[0].PodIP}:80: i/o timeout", Unhealthy(world));

            var findings = WorldLint.Run(world);
            Assert.DoesNotContain(findings, f => f.Check == SecurityGroupPodProbes.Id);
            Assert.Single(findings, f => f.Check == SecurityGroupPodProbes.EarlyDemuxId);

            var (_, reach, _) = PodnetCli.Run("reach", scenario.Directory, $"node/{pods[0].NodeName}", $"my-namespace/{pods[0].Name}", "80");
            Assert.Contains("TCP early demux is on", reach, StringComparison.Ordinal);
        }

        using (var scenario = new ScenarioWorld(SgExample, t => DisableEarlyDemux(WithProbe(t, tcpProbe)), rule))
        {
            var world = scenario.Load();
            Assert.All(Deployment(world), p => Assert.True(p.IsReady, p.Name));
            Assert.Empty(Unhealthy(world));
            var findings = WorldLint.Run(world);
            Assert.DoesNotContain(findings, f => f.Check is SecurityGroupPodProbes.Id or SecurityGroupPodProbes.EarlyDemuxId);

            var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
            Assert.Equal(0, exit);
            Assert.Equal(4, Regex.Count(run, @"\nmy-namespace +my-deployment-\S+ +1/1 +Running "));
        }
    }

    [Fact]
    public void ExecProbe_IsNotOnTheNetwork_PodsAreReady()
    {
        using var scenario = new ScenarioWorld(SgExample, t => WithProbe(t, "          exec: {command: [cat, /tmp/healthy]}\n"));
        var world = scenario.Load();

        Assert.All(Deployment(world), p => Assert.True(p.IsReady, p.Name));
        Assert.Empty(Unhealthy(world));
    }

    [Fact]
    public void LivenessProbe_TheGroupsRefuse_ContainersRestart_CrashLoopBackOff_AsLintSays()
    {
        using var scenario = new ScenarioWorld(SgExample, t => WithProbe(t, HttpProbe, "livenessProbe"));
        var world = scenario.Load();

        // The world runs its ten minutes: each container is killed 21 s after each start (three probes 10 s apart,
        // each timing out after 1 s) and restarted after its back-off.
        var pods = Deployment(world);
        Assert.Equal(4, pods.Count);
        var killing = Messages(world, "Killing");
        var backOff = Messages(world, "BackOff");
        var unhealthy = Unhealthy(world);
        foreach (var pod in pods)
        {
            var status = (JsonObject)pod.Object["status.containerStatuses"]![0]!;
            Assert.InRange(status["restartCount"]!.GetValue<int>(), 4, 7);
            Assert.Equal(137, status["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>());
            Assert.False(pod.IsReady, pod.Name);
            Assert.Contains($"Liveness probe failed: Get \"http://{pod.PodIP}:80/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", unhealthy);
            Assert.Contains($"Back-off restarting failed container nginx in pod {pod.Name}_my-namespace({pod.Object.Uid})", backOff);
        }

        Assert.Equal(["Container nginx failed liveness probe, will be restarted"], killing.Distinct());
        Assert.Single(WorldLint.Run(world), f => f.Check == SecurityGroupPodProbes.Id);

        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);
        Assert.Equal(4, Regex.Count(run, @"\nmy-namespace +my-deployment-\S+ +0/1 +(Running|CrashLoopBackOff) +[4-7] \(\S+ ago\) "));
    }

    [Fact]
    public void Events_HaveDistinctTimestamps_PullsTakeTheirTime_StartUpIsNotZero()
    {
        using var scenario = new ScenarioWorld(SgExample);
        var world = scenario.Load();
        var store = world.ControlPlane.Store;

        foreach (var pod in Deployment(world))
        {
            var events = world.ControlPlane.Events.About(pod.Object);
            DateTimeOffset At(string reason) => DateTimeOffset.Parse(events.First(e => e.GetString("reason") == reason).GetString("firstTimestamp")!, CultureInfo.InvariantCulture);
            var started = DateTimeOffset.Parse(pod.Object["status.containerStatuses"]![0]!["state"]!["running"]!["startedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            Assert.Equal(started, At("Started"));
            Assert.True(At("Scheduled") <= At("Started"), pod.Name);
            if (events.FirstOrDefault(e => e.GetString("reason") == "Pulling") is { } pulling)
            {
                // Pulling when the pull begins, Pulled and Started when it ends, the pull's duration later.
                var pulled = events.Single(e => e.GetString("reason") == "Pulled").GetString("message")!;
                var took = Regex.Match(pulled, @" in (\d+(\.\d+)?)s \(").Groups[1].Value;
                Assert.InRange((started - At("Pulling")).TotalSeconds, double.Parse(took, CultureInfo.InvariantCulture) - 1, double.Parse(took, CultureInfo.InvariantCulture) + 1);
            }
        }

        // The world's events happen over time, not at one instant: scheduling, pulls, sandboxes, starts.
        var stamps = store.List("v1", "Event").Items.Select(e => e.GetString("firstTimestamp")).Distinct(StringComparer.Ordinal).Count();
        Assert.True(stamps >= 5, $"{stamps} distinct event timestamps");
        Assert.Contains(store.List("v1", "Event", "my-namespace").Items, e => e.GetString("reason") == "Pulling");

        var (_, run, _) = PodnetCli.Run("run", scenario.Directory);
        var startup = Regex.Match(run, @"# Start-up, creation to Running \(\d+ pods not on the host network\): p50 (\S+), p90 \S+, max (\S+) ");
        Assert.True(startup.Success, run);
        Assert.NotEqual("0s", startup.Groups[1].Value);
    }

    /// <summary>The rule <see cref="ProbeRule"/> gives, revoked as <c>aws ec2 revoke-security-group-ingress</c> would.</summary>
    private static void RevokeProbeRule(Podnet.World.World world)
    {
        var ec2 = world.Cloud!.Ec2Backend;
        var group = ec2.DescribeSecurityGroups().Single(g => g.GroupName == "my-pod-security-group").GroupId;
        var clusterGroup = world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId;
        ec2.RevokeSecurityGroupIngress(new Podnet.Aws.Ec2.RevokeSecurityGroupRequest(group, [new Podnet.Aws.Ec2.IpPermission("tcp", 80, 80, UserIdGroupPairs: [new Podnet.Aws.Ec2.UserIdGroupPair(clusterGroup)])]));
    }

    [Fact]
    public void ReadinessProbe_RuleRevokedLater_ReadyPodsBecome0Of1_WithUnhealthyEvents()
    {
        // prober/worker.go: the worker's ticker runs while the container does, so a probe that passed runs again
        // every period and fails once the rule that let it through is gone.
        using var scenario = new ScenarioWorld(SgExample, t => DisableEarlyDemux(WithProbe(t, "          tcpSocket: {port: 80}\n")), ProbeRule(ClusterGroup()));
        var world = scenario.Load();
        Assert.All(Deployment(world), p => Assert.True(p.IsReady, p.Name));
        Assert.Empty(Unhealthy(world));

        RevokeProbeRule(world);
        world.Settle();

        var pods = Deployment(world);
        Assert.Equal(4, pods.Count);
        var messages = Unhealthy(world);
        foreach (var pod in pods)
        {
            Assert.False(pod.IsReady, pod.Name);
            Assert.Contains($"Readiness probe failed: dial tcp {pod.PodIP}:80: i/o timeout", messages);

            // A readiness failure does not restart the container.
            Assert.Equal(0, pod.Object["status.containerStatuses"]![0]!["restartCount"]!.GetValue<int>());
        }
    }

    [Fact]
    public void LivenessProbe_RuleRevokedLater_ContainersRestartAfterTheFailureThreshold()
    {
        using var scenario = new ScenarioWorld(SgExample, t => DisableEarlyDemux(WithProbe(t, HttpProbe, "livenessProbe")), ProbeRule(ClusterGroup()));
        var world = scenario.Load();
        Assert.All(Deployment(world), p => Assert.Equal(0, p.Object["status.containerStatuses"]![0]!["restartCount"]!.GetValue<int>()));
        Assert.Empty(Messages(world, "Killing"));

        RevokeProbeRule(world);
        world.Settle(TimeSpan.FromSeconds(35));

        // failureThreshold 3, period 10 s, timeout 1 s: the third failed run kills the container (kuberuntime's
        // "failed liveness probe, will be restarted"), and the kubelet starts it again; the new container's first
        // run may fail too before the 35 s are over.
        // One Event per message, its count the runs that failed (the event recorder's aggregation).
        var unhealthy = world.ControlPlane.Store.List("v1", "Event", "my-namespace").Items.Where(e => e["reason"]?.GetValue<string>() == "Unhealthy").ToList();
        foreach (var pod in Deployment(world))
        {
            var message = $"Liveness probe failed: Get \"http://{pod.PodIP}:80/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
            Assert.InRange(unhealthy.Where(e => e["message"]!.GetValue<string>() == message).Sum(e => e["count"]!.GetValue<int>()), 3, 4);
            Assert.Equal(1, pod.Object["status.containerStatuses"]![0]!["restartCount"]!.GetValue<int>());
        }

        Assert.Equal(["Container nginx failed liveness probe, will be restarted"], Messages(world, "Killing").Distinct());
    }

    [Fact]
    public void GrpcProbe_TheGroupsRefuse_IsDecidedAlongThePath_WithTheKubeletsMessage()
    {
        using var scenario = new ScenarioWorld(SgExample, t => WithProbe(t, "          grpc: {port: 80}\n"));
        var world = scenario.Load();

        var messages = Unhealthy(world);
        foreach (var pod in Deployment(world))
        {
            Assert.False(pod.IsReady, pod.Name);

            // pkg/probe/grpc/grpc.go: the dial with grpc.WithBlock() times out.
            Assert.Contains($"Readiness probe failed: timeout: failed to connect service \"{pod.PodIP}:80\" within 1s: context deadline exceeded", messages);
        }
    }

    [Fact]
    public void PassingProbes_Rest_UntilSomethingChanges_SoASettledWorldSettles()
    {
        using var scenario = new ScenarioWorld(SgExample, t => DisableEarlyDemux(WithProbe(t, "          tcpSocket: {port: 80}\n")), ProbeRule(ClusterGroup()));
        var world = scenario.Load();

        // Nothing is due: the passing probes rest (their runs would change nothing) instead of ticking forever.
        var settled = world.Settle();
        Assert.True(settled.Settled);
        Assert.Equal(TimeSpan.Zero, settled.Elapsed);
    }
}
