using System.Text.Json.Nodes;
using Podnet.Aws.Eks;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// EKS's add-on manager on a running world: UpdateAddon, CreateAddon and DeleteAddon change the cluster as EKS does
/// (server-side apply as the field manager <c>eks</c>), its controllers roll the change out, and the add-on's status
/// follows; a field someone else changed stops a NONE apply with EKS's ConfigurationConflict.
/// </summary>
public class EksAddonInstallerTests
{
    private static EksBackend Eks(Podnet.World.World world) => world.Cloud!.Eks;

    private static List<PodView> AwsNodePods(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal))];

    private static JsonObject AwsNodeContainer(Podnet.World.World world)
        => world.ControlPlane.Store.Get("apps/v1", "DaemonSet", "kube-system", "aws-node").ToJson()["spec"]!["template"]!["spec"]!["containers"]!.AsArray().OfType<JsonObject>().Single(c => c["name"]!.GetValue<string>() == "aws-node");

    private static string? Env(JsonObject container, string name)
        => (container["env"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(e => e["name"]!.GetValue<string>() == name)?["value"]?.GetValue<string>();

    /// <summary><c>kubectl set env daemonset aws-node -n kube-system NAME=VALUE</c>: a strategic merge patch by the field manager kubectl-set.</summary>
    private static void KubectlSetEnv(Podnet.World.World world, string name, string value)
    {
        var env = new JsonObject { ["name"] = name, ["value"] = value };
        var patch = new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "aws-node", ["env"] = new JsonArray(env) }) } } } };
        var store = world.ControlPlane.Store;
        store.Patch(store.Resources.For("apps/v1", "DaemonSet"), "kube-system", "aws-node", PatchType.StrategicMerge, patch, new RequestContext("kubernetes-admin") { FieldManager = "kubectl-set" });
    }

    [Fact]
    public void DefaultWorld_ItsAddonDocuments_AreActiveEksAddons()
    {
        var world = WorldLoader.LoadDefault();
        Assert.Equal(["coredns", "kube-proxy", "vpc-cni"], Eks(world).ListAddons("podnet"));
        var vpcCni = Eks(world).DescribeAddon("podnet", "vpc-cni");
        Assert.Equal((AddonStatus.Active, "v1.19.2-eksbuild.1", null), (vpcCni.Status, vpcCni.AddonVersion, vpcCni.ConfigurationValues));
        Assert.Equal("v1.31.3-eksbuild.2", Eks(world).DescribeAddon("podnet", "kube-proxy").AddonVersion);
    }

    [Fact]
    public void AddonDocuments_ForOneAddon_Compose_ABareOneKeepsTheValuesAnotherGave()
    {
        var app = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Addon
            metadata: {name: vpc-cni}
            spec:
              ConfigurationValues:
                env: {WARM_IP_TARGET: "4"}
            """;

        // The application's Addon comes first; the default world's bare vpc-cni Addon after it changes nothing.
        var world = WorldLoader.Load([new WorldSource("app.yaml", app), WorldLoader.DefaultSource()]);
        Assert.Equal("4", Env(AwsNodeContainer(world), "WARM_IP_TARGET"));
        Assert.Equal("""{"env":{"WARM_IP_TARGET":"4"}}""", Eks(world).DescribeAddon("podnet", "vpc-cni").ConfigurationValues);
    }

    [Fact]
    public void UpdateAddon_WarmIpTarget_RollsAwsNodeOut_AndIpamdHonoursIt()
    {
        var world = WorldLoader.LoadDefault();
        var before = AwsNodePods(world).Select(p => p.Name).ToHashSet();

        var update = Eks(world).UpdateAddon(new UpdateAddonRequest("podnet", "vpc-cni", ConfigurationValues: """{"env":{"WARM_IP_TARGET":"2"}}"""));
        Assert.Equal(AddonStatus.Updating, Eks(world).DescribeAddon("podnet", "vpc-cni").Status);
        Assert.Equal("2", Env(AwsNodeContainer(world), "WARM_IP_TARGET"));
        var daemonSet = world.ControlPlane.Store.Get("apps/v1", "DaemonSet", "kube-system", "aws-node").ToJson();
        Assert.Contains(daemonSet["metadata"]!["managedFields"]!.AsArray(), m => m!["manager"]!.GetValue<string>() == "eks" && m["operation"]!.GetValue<string>() == "Apply");

        world.Settle(TimeSpan.FromMinutes(20));

        // The DaemonSet controller replaced every aws-node pod; the new ones run with the variable.
        var pods = AwsNodePods(world);
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.True(!before.Contains(p.Name) && p.IsReady, p.Name));
        Assert.All(pods, p => Assert.Contains("WARM_IP_TARGET", p.Object.ToJson()["spec"]!["containers"]!.ToJsonString(), StringComparison.Ordinal));

        // ipamd keeps two free addresses per node (WARM_IP_TARGET overrides WARM_ENI_TARGET).
        foreach (var node in world.ControlPlane.Store.List("v1", "Node").Items)
        {
            var stats = world.AwsNode!.IpamdOf(node.Name)!.Stats;
            Assert.Equal(2, stats.TotalIPs - stats.AssignedIPs);
        }

        Assert.Equal(AddonStatus.Active, Eks(world).DescribeAddon("podnet", "vpc-cni").Status);
        Assert.Equal(UpdateStatus.Successful, Eks(world).DescribeUpdate("podnet", update.Id, "vpc-cni").Status);
    }

    [Fact]
    public void UpdateAddon_FieldKubectlChanged_NoneFails_PreserveKeepsIt_OverwriteTakesItBack()
    {
        var world = WorldLoader.LoadDefault();
        KubectlSetEnv(world, "WARM_IP_TARGET", "5");

        var none = Eks(world).UpdateAddon(new UpdateAddonRequest("podnet", "vpc-cni", ConfigurationValues: """{"env":{"WARM_IP_TARGET":"2","ENABLE_POD_ENI":"true"}}"""));
        var failed = Eks(world).DescribeAddon("podnet", "vpc-cni");
        Assert.Equal(AddonStatus.UpdateFailed, failed.Status);
        Assert.Equal(
            "Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts:\nDaemonSet.apps aws-node - .spec.template.spec.containers[name=\"aws-node\"].env[name=\"WARM_IP_TARGET\"].value",
            Assert.Single(failed.Health.Issues).Message);
        Assert.Equal(UpdateStatus.Failed, Eks(world).DescribeUpdate("podnet", none.Id, "vpc-cni").Status);

        // Nothing was applied: EKS does not continue.
        Assert.Equal(("5", "false"), (Env(AwsNodeContainer(world), "WARM_IP_TARGET"), Env(AwsNodeContainer(world), "ENABLE_POD_ENI")));

        Eks(world).UpdateAddon(new UpdateAddonRequest("podnet", "vpc-cni", ResolveConflicts: "PRESERVE"));
        Assert.Equal(("5", "true"), (Env(AwsNodeContainer(world), "WARM_IP_TARGET"), Env(AwsNodeContainer(world), "ENABLE_POD_ENI")));
        world.Settle(TimeSpan.FromMinutes(20));
        Assert.Equal(AddonStatus.Active, Eks(world).DescribeAddon("podnet", "vpc-cni").Status);

        Eks(world).UpdateAddon(new UpdateAddonRequest("podnet", "vpc-cni", ResolveConflicts: "OVERWRITE"));
        Assert.Equal("2", Env(AwsNodeContainer(world), "WARM_IP_TARGET"));
        world.Settle(TimeSpan.FromMinutes(20));
        Assert.Equal(AddonStatus.Active, Eks(world).DescribeAddon("podnet", "vpc-cni").Status);
    }

    [Fact]
    public void UpdateAddon_ConfigMapSwitchAndEniConfigs_LandWhereTheChartPutsThem()
    {
        var world = WorldLoader.LoadDefault();
        var subnets = world.Cloud!.Ec2Backend.DescribeSubnets().Where(s => s.AvailabilityZone == "us-west-2a").Select(s => s.SubnetId).Order(StringComparer.Ordinal).ToList();
        var values = new JsonObject
        {
            ["enableNetworkPolicy"] = "true",
            ["eniConfig"] = new JsonObject { ["create"] = true, ["region"] = "us-west-2", ["subnets"] = new JsonObject { ["us-west-2a"] = new JsonObject { ["id"] = subnets[0], ["securityGroups"] = new JsonArray("sg-0123456789abcdef0") } } },
        };
        Eks(world).UpdateAddon(new UpdateAddonRequest("podnet", "vpc-cni", ConfigurationValues: values.ToJsonString()));

        var store = world.ControlPlane.Store;
        Assert.Equal("true", store.Get("v1", "ConfigMap", "kube-system", "amazon-vpc-cni").ToJson()["data"]!["enable-network-policy-controller"]!.GetValue<string>());
        var eniConfig = store.Get("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig", null, "us-west-2a").ToJson();
        Assert.Equal(subnets[0], eniConfig["spec"]!["subnet"]!.GetValue<string>());
    }

    [Fact]
    public void DeleteAddon_RemovesItsObjects_UnlessPreserved()
    {
        var world = WorldLoader.LoadDefault();
        var store = world.ControlPlane.Store;
        Assert.Equal(AddonStatus.Deleting, Eks(world).DeleteAddon("podnet", "kube-proxy", preserve: false).Status);
        world.Settle();
        Assert.Null(store.TryGet(store.Resources.For("apps/v1", "DaemonSet"), "kube-system", "kube-proxy"));
        Assert.Equal("No addon: kube-proxy found in cluster: podnet.", Assert.Throws<Podnet.Aws.AwsException>(() => Eks(world).DescribeAddon("podnet", "kube-proxy")).Message);

        Eks(world).DeleteAddon("podnet", "coredns", preserve: true);
        Assert.NotNull(store.TryGet(store.Resources.For("apps/v1", "Deployment"), "kube-system", "coredns"));
        Assert.Equal(["vpc-cni"], Eks(world).ListAddons("podnet"));

        // CreateAddon puts it back, as EKS's add-on.
        Assert.Equal(AddonStatus.Creating, Eks(world).CreateAddon(new CreateAddonRequest("podnet", "kube-proxy")).Status);
        world.Settle(TimeSpan.FromMinutes(20));
        Assert.NotNull(store.TryGet(store.Resources.For("apps/v1", "DaemonSet"), "kube-system", "kube-proxy"));
        Assert.Equal(AddonStatus.Active, Eks(world).DescribeAddon("podnet", "kube-proxy").Status);
    }
}
