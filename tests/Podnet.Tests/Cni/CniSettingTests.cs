using Podnet.Cni;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cni;

/// <summary>
/// Version gates: a setting takes effect only on a VPC CNI release that reads it, and <c>reach</c>, <c>run</c> and
/// <c>lint</c> say the same about it, as all three take the gate from <see cref="CniSetting"/>.
/// </summary>
public class CniSettingTests
{
    private const string SgExample = "security-groups-for-pods";

    /// <summary>aws-node pinned to <paramref name="tag"/>, as that release's manifest has it (no ENABLE_SUBNET_DISCOVERY before 1.18), with extra env.</summary>
    private static string AwsNodeAt(string tag, params (string Name, string Value)[] env)
        => ScenarioWorld.EksAddons()
            .Replace(":v1.19.2-eksbuild.1", $":{tag}", StringComparison.Ordinal)
            .Replace("        - name: ENABLE_SUBNET_DISCOVERY\n          value: \"true\"\n", string.Empty, StringComparison.Ordinal)
            .Replace(
                "        - name: ENABLE_POD_ENI\n          value: \"false\"\n",
                string.Concat(env.Select(e => $"        - name: {e.Name}\n          value: \"{e.Value}\"\n")),
                StringComparison.Ordinal);

    /// <summary>A CoreDNS pod and a replica with security groups on the same node (CoreDNS's group is not admitted by the replica's).</summary>
    private static (PodView CoreDns, PodView Replica) SameNodePair(Podnet.World.World world)
    {
        var pods = world.ControlPlane.Store.List("v1", "Pod").Items.Select(p => new PodView(p)).ToList();
        return (from dns in pods.Where(p => p.Namespace == "kube-system" && p.Name.StartsWith("coredns-", StringComparison.Ordinal))
                from replica in pods.Where(p => p.Namespace == "my-namespace")
                where dns.NodeName == replica.NodeName
                orderby replica.Name
                select (dns, replica)).First();
    }

    [Fact]
    public void PodSgBefore1_11_IsStrict_InReachRunAndLint()
    {
        using var scenario = new ScenarioWorld(SgExample, null, AwsNodeAt("v1.10.1-eksbuild.1", ("ENABLE_POD_ENI", "true"), ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")));
        var world = scenario.Load();
        Assert.All(world.AwsNode!.PodNetworks.Where(n => n.IsBranch), n => Assert.True(n.IsStrictBranch));
        var (dns, replica) = SameNodePair(world);

        // reach: same-node traffic passes the replica's branch interface and its group, as in strict mode.
        var (exit, output, _) = PodnetCli.Run("reach", scenario.Directory, $"kube-system/{dns.Name}", $"my-namespace/{replica.Name}", "80");
        Assert.Equal(1, exit);
        Assert.StartsWith("DENIED", output, StringComparison.Ordinal);
        Assert.Contains("no ingress rule of sg-05b1d815d1e4a1b2c (my-pod-security-group) allows TCP/80", output, StringComparison.Ordinal);
        var (_, internet, _) = PodnetCli.Run("reach", scenario.Directory, $"my-namespace/{replica.Name}", "1.1.1.1", "443");
        Assert.Contains("strict mode: not SNATed, leaves by its branch interface", internet, StringComparison.Ordinal);

        // lint: the setting is not read, and what that means.
        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.Contains(
            "warning  DaemonSet kube-system/aws-node  [cni-setting-not-read]\n"
            + "  POD_SECURITY_GROUP_ENFORCING_MODE is \"standard\", but the VPC CNI 1.10.1-eksbuild.1 does not read it (it is read from 1.11.0 on): every pod with security groups is in strict mode (no SNAT, its groups apply to traffic on its own node too)\n"
            + "  fix: update the vpc-cni add-on to 1.11.0 or later, or remove POD_SECURITY_GROUP_ENFORCING_MODE\n",
            lint,
            StringComparison.Ordinal);

        // run: says the setting has no effect.
        var (runExit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, runExit);
        Assert.Contains("# Not read: aws-node's POD_SECURITY_GROUP_ENFORCING_MODE=\"standard\" has no effect, the VPC CNI 1.10.1-eksbuild.1 does not read it (it is read from 1.11.0 on)\n", run, StringComparison.Ordinal);
    }

    [Fact]
    public void PodSgFrom1_11_FollowsTheSetting_InReachRunAndLint()
    {
        using var scenario = new ScenarioWorld(SgExample, null, AwsNodeAt("v1.11.0-eksbuild.1", ("ENABLE_POD_ENI", "true"), ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")));
        var world = scenario.Load();
        Assert.Contains(world.AwsNode!.PodNetworks, n => n.IsBranch && n.PodSecurityGroupEnforcingMode == "standard");
        var (dns, replica) = SameNodePair(world);

        var (exit, output, _) = PodnetCli.Run("reach", scenario.Directory, $"kube-system/{dns.Name}", $"my-namespace/{replica.Name}", "80");
        Assert.Equal(0, exit);
        Assert.StartsWith("ALLOWED", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[cni-setting-not-read]", PodnetCli.Run("lint", scenario.Directory).Out, StringComparison.Ordinal);
        Assert.DoesNotContain("# Not read:", PodnetCli.Run("run", scenario.Directory).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomNetworkingBefore1_6_3_Eksbuild2_IsALintError_NotFrom_Eksbuild2()
    {
        (string Out, Podnet.World.World World) Lint(string tag)
        {
            using var scenario = new ScenarioWorld("custom-networking", null, AwsNodeAt(tag, ("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true"), ("ENI_CONFIG_LABEL_DEF", "topology.kubernetes.io/zone")));
            return (PodnetCli.Run("lint", scenario.Directory).Out, scenario.Load());
        }

        var (old, oldWorld) = Lint("v1.6.3-eksbuild.1");
        Assert.Contains(
            "error  DaemonSet kube-system/aws-node  [custom-networking-needs-cni-1.6.3-eksbuild.2]\n"
            + "  AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG is true, but the VPC CNI is 1.6.3-eksbuild.1: custom networking needs 1.6.3-eksbuild.2 or later\n",
            old,
            StringComparison.Ordinal);

        // The release reads the setting (custom networking came with 1.2.0): pods still get no primary-interface address.
        Assert.NotEmpty(oldWorld.AwsNode!.PodNetworks);
        Assert.All(oldWorld.AwsNode!.PodNetworks, n => Assert.NotEqual(0, n.DeviceNumber));

        Assert.DoesNotContain("[custom-networking-needs-cni", Lint("v1.6.3-eksbuild.2").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryUnreadSetting_InTheTable_KeepsTheOlderReleasesEffect()
    {
        // Each setting, set to something other than its older effect on the release before it: not read, listed.
        foreach (var setting in CniSetting.All)
        {
            var before = new CniRelease(setting.Since.Version.Major, setting.Since.Version.Minor - (setting.Since.Version.Minor > 0 ? 1 : 0), 0);
            if (before >= setting.Since)
            {
                continue;
            }

            var value = setting.EffectBefore switch { "true" => "false", "false" => "true", "strict" => "standard", "standard" => "strict", _ => "7" };
            var settings = CniSettings.FromEnvironment(new Dictionary<string, string> { [setting.Name] = value }, $"amazon-k8s-cni:v{before}");
            Assert.Equal([(setting, value)], settings.Unread);
            var unset = CniSettings.FromEnvironment(new Dictionary<string, string>(), $"amazon-k8s-cni:v{before}");
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(unset with { Unread = [] }), System.Text.Json.JsonSerializer.Serialize(settings with { Unread = [] }));
        }
    }
}
