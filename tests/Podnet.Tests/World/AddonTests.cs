using System.Text.Json.Nodes;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.World;

/// <summary>
/// An <c>Addon</c> document as <c>aws eks create-addon</c>: <c>AddonVersion</c> pins the release aws-node runs, and
/// <c>ConfigurationValues</c> is checked against the add-on's whole configuration schema (unknown keys are EKS's
/// InvalidParameterException) and lands where the add-on puts each value.
/// </summary>
public class AddonTests
{
    private const string SgExample = "security-groups-for-pods";

    /// <summary>The example's vpc-cni Addon with <paramref name="fields"/> added to its spec (before ConfigurationValues).</summary>
    private static string WithAddonFields(string text, string fields)
        => text.Replace("kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n", $"kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n{fields}", StringComparison.Ordinal);

    private static JsonObject Container(Podnet.World.World world, string list, string name)
    {
        var ds = world.ControlPlane.Store.List("apps/v1", "DaemonSet").Items.Single(d => d.Name == "aws-node").ToJson();
        return ds["spec"]!["template"]!["spec"]![list]!.AsArray().OfType<JsonObject>().Single(c => c["name"]!.GetValue<string>() == name);
    }

    private static string? Env(JsonObject container, string name)
        => (container["env"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(e => e["name"]!.GetValue<string>() == name)?["value"]?.GetValue<string>();

    private static List<string> Args(JsonObject container) => [.. container["args"]!.AsArray().Select(a => a!.GetValue<string>())];

    [Fact]
    public void AwsNode_RunsTheNetworkPolicyAgent_BesideIpamd_TwoOfTwoReady()
    {
        var world = ExampleWorlds.Load(SgExample);

        var agent = Container(world, "containers", NetworkPolicyAgentImage.ContainerName);
        Assert.Equal("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.6-eksbuild.1", agent["image"]!.GetValue<string>());
        Assert.Equal(
            ["--enable-ipv6=false", "--enable-network-policy=false", "--enable-cloudwatch-logs=false", "--enable-policy-event-logs=false", "--log-file=/var/log/aws-routed-eni/network-policy-agent.log", "--metrics-bind-addr=:8162", "--health-probe-bind-addr=:8163", "--conntrack-cache-cleanup-period=300"],
            Args(agent));
        var pods = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(pods);
        Assert.All(pods, p => Assert.Equal(["aws-node:True", "aws-eks-nodeagent:True"], p.Peek("status.containerStatuses")!.AsArray().Select(c => $"{c!["name"]}:{c["ready"]!.GetValue<bool>()}")));
    }

    [Fact]
    public void EnableNetworkPolicy_AndNodeAgentValues_LandOnTheAgentsArguments()
    {
        var world = ExampleWorlds.Load(SgExample, text => text.Replace("    env:\n", "    enableNetworkPolicy: \"true\"\n    nodeAgent: {enablePolicyEventLogs: \"true\", metricsBindAddr: \"9162\", conntrackCacheCleanupPeriod: 600}\n    env:\n", StringComparison.Ordinal));

        var args = Args(Container(world, "containers", NetworkPolicyAgentImage.ContainerName));
        Assert.Contains("--enable-network-policy=true", args);
        Assert.Contains("--enable-policy-event-logs=true", args);
        Assert.Contains("--metrics-bind-addr=:9162", args);
        Assert.Contains("--conntrack-cache-cleanup-period=600", args);
        Assert.Contains("--enable-ipv6=false", args);
    }

    [Fact]
    public void ProbeTimeouts_AndTheAgentsLogLevelAndSecurityContext_LandWhereTheChartPutsThem()
    {
        var world = ExampleWorlds.Load(SgExample, text => text.Replace("    env:\n", "    livenessProbeTimeoutSeconds: 20\n    readinessProbeTimeoutSeconds: 15\n    nodeAgent: {networkPolicyAgentLogLevel: info, securityContext: {privileged: true}}\n    env:\n", StringComparison.Ordinal));

        var awsNode = Container(world, "containers", "aws-node");
        Assert.Equal((20, 60), (awsNode["livenessProbe"]!["timeoutSeconds"]!.GetValue<int>(), awsNode["livenessProbe"]!["initialDelaySeconds"]!.GetValue<int>()));
        Assert.Equal((15, 1), (awsNode["readinessProbe"]!["timeoutSeconds"]!.GetValue<int>(), awsNode["readinessProbe"]!["initialDelaySeconds"]!.GetValue<int>()));
        var agent = Container(world, "containers", NetworkPolicyAgentImage.ContainerName);
        Assert.Equal("--log-level=info", Args(agent)[^1]);
        Assert.Equal("""{"privileged":true}""", agent["securityContext"]!.ToJsonString());
    }

    [Fact]
    public void AwsNodesProbes_AreTheReleases_AndItsPodIsReadyAtTheFirstReadinessProbe()
    {
        var world = ExampleWorlds.Load(SgExample);

        // config/master/aws-k8s-cni.yaml of v1.19.2: grpc-health-probe against ipamd, 10 s timeouts.
        var probe = Container(world, "containers", "aws-node")["readinessProbe"]!;
        Assert.Equal(["/app/grpc-health-probe", "-addr=:50051", "-connect-timeout=5s", "-rpc-timeout=5s"], probe["exec"]!["command"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(10, probe["timeoutSeconds"]!.GetValue<int>());

        // The readiness probe's first tick after its 1 s delay is the period's (10 s): the pod is Ready then, not
        // when its containers start (prober/worker.go doProbe skips a tick inside initialDelaySeconds).
        var pod = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.First(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal));
        var started = pod.Peek("status.containerStatuses")!.AsArray().Select(c => KubeObject.ParseTimestamp(c!["state"]!["running"]!["startedAt"]!.GetValue<string>())!.Value).Max();
        var ready = KubeObject.ParseTimestamp(pod.Peek("status.conditions")!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!["lastTransitionTime"]!.GetValue<string>())!.Value;
        Assert.InRange(ready - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(11));
    }

    [Theory]
    [InlineData("v1.19.0-eksbuild.1", "v1.1.5-eksbuild.1")]
    [InlineData("v1.18.5-eksbuild.1", "v1.1.3-eksbuild.1")]
    [InlineData("v1.14.1-eksbuild.1", "v1.0.2-eksbuild.1")]
    [InlineData("v1.13.4-eksbuild.1", null)]
    public void AddonVersion_PinsTheAgentItsReleaseShips_NoneBefore114(string addonVersion, string? agentTag)
    {
        var world = ExampleWorlds.Load(SgExample, text => WithAddonFields(text, $"  AddonVersion: {addonVersion}\n"));

        var ds = world.ControlPlane.Store.List("apps/v1", "DaemonSet").Items.Single(d => d.Name == "aws-node").ToJson();
        var agent = ds["spec"]!["template"]!["spec"]!["containers"]!.AsArray().OfType<JsonObject>().SingleOrDefault(c => c["name"]!.GetValue<string>() == NetworkPolicyAgentImage.ContainerName);
        Assert.Equal(agentTag, agent?["image"]!.GetValue<string>().Split(':')[^1]);
        Assert.Equal($"amazon-k8s-cni:{addonVersion}", Container(world, "containers", "aws-node")["image"]!.GetValue<string>().Split('/')[^1]);
    }

    [Fact]
    public void AddonVersion_PinsAwsNodesImage_AndTheReleaseReachRunAndLintUse()
    {
        using var scenario = new ScenarioWorld(SgExample, text => ExampleWorlds.WithCniEnv(WithAddonFields(text, "  AddonVersion: v1.10.1-eksbuild.1\n"), ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")));
        var world = scenario.Load();

        var awsNode = Container(world, "containers", "aws-node");
        Assert.Equal("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.10.1-eksbuild.1", awsNode["image"]!.GetValue<string>());
        Assert.Equal("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni-init:v1.10.1-eksbuild.1", Container(world, "initContainers", "aws-vpc-cni-init")["image"]!.GetValue<string>());
        Assert.Equal("v1.10.1", Env(awsNode, "VPC_CNI_VERSION"));

        // 1.10.1's manifest has no ENABLE_SUBNET_DISCOVERY (read from 1.18.0): the add-on's defaults are that release's.
        Assert.Null(Env(awsNode, "ENABLE_SUBNET_DISCOVERY"));
        Assert.Equal("standard", Env(awsNode, "POD_SECURITY_GROUP_ENFORCING_MODE"));

        // 1.10.1 does not read POD_SECURITY_GROUP_ENFORCING_MODE: every pod with security groups is strict.
        Assert.All(world.AwsNode!.PodNetworks.Where(n => n.IsBranch), n => Assert.True(n.IsStrictBranch));
        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.Contains("POD_SECURITY_GROUP_ENFORCING_MODE is \"standard\", but the VPC CNI 1.10.1-eksbuild.1 does not read it (it is read from 1.11.0 on)", lint, StringComparison.Ordinal);
        Assert.DoesNotContain("ENABLE_SUBNET_DISCOVERY", lint, StringComparison.Ordinal);
        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);
        Assert.Contains("# Not read: aws-node's POD_SECURITY_GROUP_ENFORCING_MODE=\"standard\" has no effect, the VPC CNI 1.10.1-eksbuild.1 does not read it (it is read from 1.11.0 on)\n", run, StringComparison.Ordinal);
    }

    [Fact]
    public void AddonVersion_From1_11_StandardModeTakesEffect()
    {
        var world = ExampleWorlds.Load(SgExample, text => ExampleWorlds.WithCniEnv(WithAddonFields(text, "  AddonVersion: v1.11.2-eksbuild.1\n"), ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")));

        Assert.EndsWith(":v1.11.2-eksbuild.1", Container(world, "containers", "aws-node")["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(world.AwsNode!.PodNetworks, n => n.IsBranch && n.PodSecurityGroupEnforcingMode == "standard");
        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == "cni-setting-not-read");
    }

    [Theory]
    [InlineData("1.11.2")]
    [InlineData("v1.11.2")]
    [InlineData("latest")]
    public void AddonVersion_NotAnEksAddonVersion_IsCreateAddonsError(string version)
    {
        using var scenario = new ScenarioWorld(SgExample, text => WithAddonFields(text, $"  AddonVersion: \"{version}\"\n"));
        var (exit, _, error) = PodnetCli.Run("run", scenario.Directory);

        Assert.Equal(2, exit);
        Assert.Matches(@"^error: .*app\.yaml: document 1 \(line 3, Addon vpc-cni\): spec\.AddonVersion: Invalid value: """ + System.Text.RegularExpressions.Regex.Escape(version) + @""": InvalidParameterException: Addon version specified is not supported \(add-on versions look like v1\.11\.2-eksbuild\.1\)\n$", error);
    }

    [Theory]
    [InlineData("      WARM_IP_TARGETS: \"1\"\n", "env.WARM_IP_TARGETS", "[$.env.WARM_IP_TARGETS: is not defined in the schema and the schema does not allow additional properties]")]
    [InlineData("    enableNetworkPolicies: \"true\"\n", "enableNetworkPolicies", "[$.enableNetworkPolicies: is not defined in the schema and the schema does not allow additional properties]")]
    [InlineData("    enableNetworkPolicy: true\n", "enableNetworkPolicy", "[$.enableNetworkPolicy: boolean found, string expected]")]
    [InlineData("    init: {env: {DISABLE_TCP_EARLY_DEMUX: true, EARLY_DEMUX: \"x\"}}\n", "init.env.DISABLE_TCP_EARLY_DEMUX", "[$.init.env.DISABLE_TCP_EARLY_DEMUX: boolean found, string expected, $.init.env.EARLY_DEMUX: is not defined in the schema and the schema does not allow additional properties]")]
    [InlineData("    eniConfig: {create: true, subnets: {us-west-2a: {}}}\n", "eniConfig.region", "[$.eniConfig.region: is missing but it is required, $.eniConfig.subnets.us-west-2a.id: is missing but it is required]")]
    public void ConfigurationValues_TheSchemaRefuses_AreEksInvalidParameterException(string values, string field, string errors)
    {
        using var scenario = new ScenarioWorld(SgExample, text => text.Replace("      ENABLE_POD_ENI: \"true\"\n", "      ENABLE_POD_ENI: \"true\"\n" + values, StringComparison.Ordinal));
        var (exit, _, error) = PodnetCli.Run("lint", scenario.Directory);

        Assert.Equal(2, exit);
        Assert.EndsWith(
            $"app.yaml: document 1 (line 3, Addon vpc-cni): spec.ConfigurationValues.{field}: InvalidParameterException: ConfigurationValue provided in request is not supported: Json schema validation failed with error: {errors}\n",
            error,
            StringComparison.Ordinal);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void EnableNetworkPolicy_IsNotInTheSchemaBefore1_14()
    {
        var error = Assert.Throws<Podnet.World.WorldException>(() => ExampleWorlds.Load(SgExample, text => WithAddonFields(text, "  AddonVersion: v1.13.4-eksbuild.1\n").Replace("    env:\n", "    enableNetworkPolicy: \"true\"\n    env:\n", StringComparison.Ordinal))).Message;

        Assert.EndsWith("spec.ConfigurationValues.enableNetworkPolicy: InvalidParameterException: ConfigurationValue provided in request is not supported: Json schema validation failed with error: [$.enableNetworkPolicy: is not defined in the schema and the schema does not allow additional properties]", error, StringComparison.Ordinal);
        Assert.NotNull(ExampleWorlds.Load(SgExample, text => WithAddonFields(text, "  AddonVersion: v1.14.1-eksbuild.1\n").Replace("    env:\n", "    enableNetworkPolicy: \"true\"\n    env:\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void InitEnv_DisablesTcpEarlyDemux_OnAwsVpcCniInit_AndLintStopsWarning()
    {
        static string WithProbe(string text) => text.Replace(
            "        - containerPort: 80\n",
            "        - containerPort: 80\n          name: http\n        readinessProbe:\n          httpGet: {path: /, port: http}\n",
            StringComparison.Ordinal);
        Assert.Contains(WorldLint.Run(ExampleWorlds.Load(SgExample, WithProbe)), f => f.Check == SecurityGroupPodProbes.EarlyDemuxId);

        var world = ExampleWorlds.Load(SgExample, text => WithProbe(text).Replace("    env:\n", "    init:\n      env:\n        DISABLE_TCP_EARLY_DEMUX: \"true\"\n    env:\n", StringComparison.Ordinal));

        Assert.Equal("true", Env(Container(world, "initContainers", "aws-vpc-cni-init"), "DISABLE_TCP_EARLY_DEMUX"));
        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == SecurityGroupPodProbes.EarlyDemuxId);
    }

    [Fact]
    public void ConfigurationValues_DaemonSetKeys_LandOnAwsNode_AndEniConfigCreatesOnePerZone()
    {
        const string values = "    tolerations: [{key: dedicated, operator: Equal, value: net, effect: NoSchedule}]\n"
            + "    podLabels: {team: net}\n"
            + "    resources: {requests: {cpu: 50m}}\n"
            + "    enableWindowsIpam: \"true\"\n"
            + "    eniConfig:\n"
            + "      create: true\n"
            + "      region: us-west-2\n"
            + "      subnets:\n"
            + "        us-west-2a: {id: subnet-0a1b2c3d4e5f60a01, securityGroups: [sg-05b1d815d1e4a1b2c]}\n"
            + "        us-west-2b: {id: subnet-0a1b2c3d4e5f60b01}\n";
        var world = ExampleWorlds.Load(SgExample, text => text.Replace("    env:\n", values + "    env:\n", StringComparison.Ordinal));

        var ds = world.ControlPlane.Store.List("apps/v1", "DaemonSet").Items.Single(d => d.Name == "aws-node").ToJson();
        Assert.Equal("dedicated", ds["spec"]!["template"]!["spec"]!["tolerations"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("net", ds["spec"]!["template"]!["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("50m", Container(world, "containers", "aws-node")["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        var config = world.ControlPlane.Store.List("v1", "ConfigMap").Items.Single(c => c.Name == "amazon-vpc-cni").ToJson();
        Assert.Equal("true", config["data"]!["enable-windows-ipam"]!.GetValue<string>());

        var eniConfigs = world.ControlPlane.Store.List("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig").Items.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => e.ToJson()).ToList();
        Assert.Equal(["us-west-2a", "us-west-2b"], eniConfigs.Select(e => e["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("subnet-0a1b2c3d4e5f60a01", eniConfigs[0]["spec"]!["subnet"]!.GetValue<string>());
        Assert.Equal("sg-05b1d815d1e4a1b2c", eniConfigs[0]["spec"]!["securityGroups"]![0]!.GetValue<string>());
    }

    [Fact]
    public void ConfigurationValues_OfKubeProxy_AreRefused_NotIgnored()
    {
        const string kubeProxy = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Addon
            metadata: {name: kube-proxy}
            spec: {ConfigurationValues: {mode: ipvs}}
            """;
        var error = Assert.Throws<Podnet.World.WorldException>(() => ExampleWorlds.Load(SgExample, null, kubeProxy)).Message;

        Assert.EndsWith("extra-0.yaml: document 1 (line 1, Addon kube-proxy): spec.ConfigurationValues: Unsupported value: Podnet applies the configuration values of the vpc-cni add-on only, not of kube-proxy", error, StringComparison.Ordinal);
    }

    [Fact]
    public void KubeProxyAndCoreDnsAddonVersions_PinTheirImages_KubeProxysMinimalOne()
    {
        const string addons = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Addon
            metadata: {name: kube-proxy}
            spec: {AddonVersion: v1.29.0-eksbuild.1}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Addon
            metadata: {name: coredns}
            spec: {AddonVersion: v1.11.1-eksbuild.4}
            """;
        var world = ExampleWorlds.Load(SgExample, null, addons);

        var ds = world.ControlPlane.Store.List("apps/v1", "DaemonSet").Items.Single(d => d.Name == "kube-proxy").ToJson();
        Assert.EndsWith("/eks/kube-proxy:v1.29.0-minimal-eksbuild.1", ds["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>(), StringComparison.Ordinal);
        var coredns = world.ControlPlane.Store.List("apps/v1", "Deployment").Items.Single(d => d.Name == "coredns").ToJson();
        Assert.EndsWith("/eks/coredns:v1.11.1-eksbuild.4", coredns["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
