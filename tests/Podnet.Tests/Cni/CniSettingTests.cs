using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Cli.Output;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cni;

/// <summary>
/// No setting silently ignored: a setting takes effect only on a VPC CNI release that reads it, as the real one does
/// (ENABLE_SUBNET_DISCOVERY, AWS_MANAGE_ENIS_NON_SCHEDULABLE, POD_SECURITY_GROUP_ENFORCING_MODE, …), or is refused
/// (ENABLE_MULTI_NIC), or refused by ipamd as the real one refuses it (IPv6 without prefix delegation); <c>reach</c>, <c>run</c> and <c>lint</c> say the same about it, as all three take the
/// gate from <see cref="CniSetting"/>.
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
        var pods = world.ControlPlane.Store.List("v1", "Pod").Items.Select(p => PodView.Of(p)).ToList();
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

    private static string VpcCniEnv(params (string Name, string Value)[] env) => $$"""
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Addon
        metadata: {name: vpc-cni}
        spec:
          AddonName: vpc-cni
          ConfigurationValues:
            env: { {{string.Join(", ", env.Select(e => $"{e.Name}: \"{e.Value}\""))}} }
        """;

    /// <summary>A second subnet in the node's zone of <c>subnet-exhaustion</c>, with or without the subnet discovery tag.</summary>
    private static string PodSubnet(bool tagged) => $$"""
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: pods-us-west-2a}
        spec:
          Vpc: tight
          CidrBlock: 10.0.2.0/24
          AvailabilityZone: us-west-2a
          Tags: { {{(tagged ? "kubernetes.io/role/cni: \"1\"" : "Name: pods")}} }
        """;

    [Fact]
    public void SubnetDiscovery_TakesATaggedSubnetOfTheZone_WhenThePrimarysIsFull()
    {
        using var scenario = new ScenarioWorld("subnet-exhaustion", null, PodSubnet(tagged: true));
        var world = scenario.Load();
        var discovered = world.Cloud!.Ec2Backend.DescribeSubnets().Single(s => s.CidrBlock == "10.0.2.0/24");
        // getVpcSubnets sorts by free addresses: the /24 comes before the full /28, so ipamd's new ENIs go there.
        var enis = world.Cloud.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("subnet-id", discovered.SubnetId)));
        Assert.NotEmpty(enis);
        Assert.All(enis, eni => Assert.True(eni.Description.StartsWith("aws-K8S-i-", StringComparison.Ordinal) && eni.Attachment is { DeviceIndex: > 0 }));
        Assert.Contains(world.AwsNode!.IpamdOf(world.ControlPlane.Store.List("v1", "Node").Items[0].Name)!.Log,
            l => l.EndsWith($"in subnet: {discovered.SubnetId}", StringComparison.Ordinal));

        // run: every pod runs, some with addresses of the discovered subnet.
        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("ContainerCreating", run, StringComparison.Ordinal);
        var pods = world.ControlPlane.Store.List("v1", "Pod", "default").Items.Select(p => PodView.Of(p)).ToList();
        var moved = pods.First(p => p.PodIP!.StartsWith("10.0.2.", StringComparison.Ordinal));
        var stayed = pods.First(p => p.PodIP!.StartsWith("10.0.0.", StringComparison.Ordinal));

        // reach: a pod on the discovered subnet's interface is reached like any other.
        var (reachExit, reach, _) = PodnetCli.Run("reach", scenario.Directory, $"default/{stayed.Name}", $"default/{moved.Name}", "80");
        Assert.Equal(0, reachExit);
        Assert.StartsWith("ALLOWED", reach, StringComparison.Ordinal);
        Assert.DoesNotContain("[cni-setting-not-read]", PodnetCli.Run("lint", scenario.Directory).Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "false")]
    [InlineData(false, "true")]
    public void SubnetDiscovery_OffOrUntagged_KeepsThePrimarySubnet(bool tagged, string discovery)
    {
        using var scenario = new ScenarioWorld("subnet-exhaustion", null, PodSubnet(tagged), VpcCniEnv(("ENABLE_SUBNET_DISCOVERY", discovery)));
        var world = scenario.Load();
        var other = world.Cloud!.Ec2Backend.DescribeSubnets().Single(s => s.CidrBlock == "10.0.2.0/24");
        Assert.Empty(world.Cloud.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("subnet-id", other.SubnetId))));

        var (_, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(3, run.Split('\n').Count(l => l.StartsWith("default ", StringComparison.Ordinal) && l.Contains(" ContainerCreating ", StringComparison.Ordinal)));
        Assert.Contains("api error InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request.", run, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    public void CordonedNode_GetsNoNewEni_UnlessAwsManageEnisNonSchedulable(string? manage, bool grows)
    {
        var extra = manage is null ? [] : new[] { VpcCniEnv(("AWS_MANAGE_ENIS_NON_SCHEDULABLE", manage)) };
        var world = ExampleWorlds.Load("hello-eks", null, extra);
        var store = world.ControlPlane.Store;
        var node = store.List("v1", "Node").Items[0];
        var instanceId = new NodeView(node).InstanceId!;
        int Enis() => world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", instanceId))).Count;
        var before = Enis();

        // kubectl cordon, then pods bound to the node (as a DaemonSet's are): more than its interfaces hold.
        store.Update(node.With(j => j.GetOrAddObject("spec")["unschedulable"] = true));
        for (var i = 0; i < 20; i++)
        {
            store.Create(KubeObject.From(JsonNode.Parse($$$"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"pinned-{{{i}}}","namespace":"default"},
                 "spec":{"nodeName":"{{{node.Name}}}","containers":[{"name":"c","image":"public.ecr.aws/nginx/nginx:1.27"}]}}
                """)!.AsObject()));
        }

        world.Settle(TimeSpan.FromMinutes(5));
        var text = WorldText.Render(world);
        var waiting = store.List("v1", "Pod", "default").Items.Count(p => PodPrinter.Status(p) == "ContainerCreating");
        if (grows)
        {
            Assert.True(Enis() > before);
            Assert.Equal(0, waiting);
        }
        else
        {
            Assert.Equal(before, Enis());
            Assert.True(waiting > 0);
            Assert.Contains("\nAWS CNI is on a non schedulable node, will not try to attach any new IPs or ENIs right now\n", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("DISABLE_NETWORK_RESOURCE_PROVISIONING", "v1.19.2-eksbuild.1", true)]
    [InlineData("ENABLE_IMDS_ONLY_MODE", "v1.20.0-eksbuild.1", true)]
    [InlineData("ENABLE_IMDS_ONLY_MODE", "v1.19.2-eksbuild.1", false)]
    public void NoProvisioning_IpamdAttachesNoEniAndAssignsNoAddress_SoPodsWait(string setting, string tag, bool read)
    {
        // ipamd.go disableENIProvisioning: either setting leaves the node's interfaces as they are, and the primary
        // interface of an EKS node has no secondary address of its own. ENABLE_IMDS_ONLY_MODE is read from 1.19.6 on.
        using var scenario = new ScenarioWorld("hello-eks", null, AwsNodeAt(tag, (setting, "true")));
        var world = scenario.Load();
        var interfaces = world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.All).Where(e => e.Attachment?.InstanceId is not null).ToList();
        Assert.NotEmpty(interfaces);
        Assert.Equal(read, interfaces.All(e => !e.Description.StartsWith("aws-K8S-", StringComparison.Ordinal) && e.PrivateIpAddresses.Count == 1));

        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);
        var web = run.Split('\n').Where(l => l.StartsWith("shop ", StringComparison.Ordinal) && l.Contains(" web-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, web.Count);
        Assert.All(web, l => Assert.Contains(read ? " ContainerCreating " : " Running ", l, StringComparison.Ordinal));
        Assert.Equal(read, run.Contains("add cmd: failed to assign an IP address to container", StringComparison.Ordinal));
        Assert.Equal(!read, PodnetCli.Run("lint", scenario.Directory).Out.Contains($"[cni-setting-not-read]", StringComparison.Ordinal));
    }

    [Fact]
    public void Ipv6_WithoutPrefixDelegation_IpamdRefusesInIsConfigValidsWords()
    {
        // Fidelity fix: ENABLE_IPv6=true was refused by Podnet while it emulated IPv4 clusters only. IPv6 clusters are
        // emulated now (World/Ipv6ClusterTests); what refuses this configuration is ipamd's isConfigValid
        // (pkg/ipamd/ipamd.go), which logs its text and exits: aws-node never becomes ready, nor do the nodes.
        var world = ExampleWorlds.Load("hello-eks", text => text.Replace(
            "kind: Addon\nmetadata:\n  name: vpc-cni\n",
            "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues: {env: {ENABLE_IPv6: \"true\", ENABLE_IPv4: \"false\"}}\n",
            StringComparison.Ordinal));
        var nodes = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n =>
        {
            Assert.False(n.IsReady, n.Name);
            Assert.Equal("IPv6 is supported only in Prefix Delegation mode. Custom Networking is not supported in IPv6 mode. Please set the env variables accordingly.", world.AwsNode!.IpamdOf(n.Name)!.InitError);
        });
    }

    [Fact]
    public void MultiNic_IsRefusedWhereTheReleaseReadsIt_AndOnlyNotReadBefore1_20()
    {
        // 1.20.0 reads ENABLE_MULTI_NIC: the world's aws-node DaemonSet is refused at the env entry that sets it.
        using var current = new ScenarioWorld("hello-eks", null, AwsNodeAt("v1.20.0-eksbuild.1", ("ENABLE_MULTI_NIC", "true")));
        var (exit, _, error) = PodnetCli.Run("run", current.Directory);
        Assert.Equal(2, exit);
        Assert.Matches(@"^error: .*zz-extra-0\.yaml: document \d+ \(line \d+, DaemonSet aws-node\): spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value: Unsupported value: ""true"": Podnet manages the interfaces of network card 0 only; use ENABLE_MULTI_NIC=false\n$", error);

        // 1.19.2 (the add-on's default) does not read it: accepted, and run and lint say it has no effect.
        using var older = new ScenarioWorld("hello-eks", null, VpcCniEnv(("ENABLE_MULTI_NIC", "true")));
        var (runExit, run, _) = PodnetCli.Run("run", older.Directory);
        Assert.Equal(0, runExit);
        Assert.Contains("# Not read: aws-node's ENABLE_MULTI_NIC=\"true\" has no effect, the VPC CNI 1.19.2-eksbuild.1 does not read it (it is read from 1.20.0 on)\n", run, StringComparison.Ordinal);
        Assert.Contains("ENABLE_MULTI_NIC is \"true\", but the VPC CNI 1.19.2-eksbuild.1 does not read it (it is read from 1.20.0 on): ipamd keeps the default", PodnetCli.Run("lint", older.Directory).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkPolicyStrictMode_IsRefused_StandardIsTheEmulatedDefault()
    {
        using var strict = new ScenarioWorld("hello-eks", null, VpcCniEnv(("NETWORK_POLICY_ENFORCING_MODE", "strict")));
        var (exit, _, error) = PodnetCli.Run("lint", strict.Directory);
        Assert.Equal(2, exit);
        Assert.Matches(@"^error: .*: spec\.ConfigurationValues\.env\.NETWORK_POLICY_ENFORCING_MODE: Unsupported value: ""strict"": Podnet's network policy agent enforces standard mode only \(strict mode's default deny for pods at start is not emulated\); use NETWORK_POLICY_ENFORCING_MODE=standard\n$", error);

        using var standard = new ScenarioWorld("hello-eks", null, VpcCniEnv(("NETWORK_POLICY_ENFORCING_MODE", "standard")));
        Assert.Equal(0, PodnetCli.Run("run", standard.Directory).Exit);
    }
}
