using System.Text.RegularExpressions;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 point 5: the kubelet's readiness probes run from the node and are decided along the real path (the
/// pod's security groups, strict mode and TCP early demux). A probe lint says is blocked leaves the pod 0/1 with the
/// kubelet's <c>Unhealthy</c> events; with lint's fixes applied (the group rule, then the add-on's
/// <c>init.env.DISABLE_TCP_EARLY_DEMUX</c>) it is 1/1 and lint is silent.
/// </summary>
public class KubeletReadinessProbesTests
{
    private const string SgExample = "security-groups-for-pods";

    private static string WithProbe(string text, string probe) => text.Replace(
        "        - containerPort: 80\n",
        "        - containerPort: 80\n          name: http\n        readinessProbe:\n" + probe,
        StringComparison.Ordinal);

    private const string HttpProbe = "          httpGet: {path: /healthz, port: http}\n";

    private static List<PodView> Deployment(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => new PodView(p)).Where(p => p.Name.StartsWith("my-deployment-", StringComparison.Ordinal))];

    private static List<string> Unhealthy(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Event", "my-namespace").Items.Where(e => e["reason"]?.GetValue<string>() == "Unhealthy").Select(e => e["message"]!.GetValue<string>())];

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
}
