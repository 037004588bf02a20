using System.Text.Json.Nodes;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Tests.Cni;

/// <summary>The VPC CNI's half of security groups for pods (ENABLE_POD_ENI).</summary>
public class PodEniTests
{
    private const string EnablePodEni = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Addon
        metadata: {name: vpc-cni}
        spec:
          ConfigurationValues:
            env: {ENABLE_POD_ENI: "true", POD_SECURITY_GROUP_ENFORCING_MODE: standard}
        """;

    private static Podnet.World.World World(string extra = "")
        => WorldLoader.Load([WorldLoader.DefaultSource(), new WorldSource("pod-eni.yaml", EnablePodEni + extra)]);

    [Fact]
    public void EnablePodEni_AdvertisesSecurityGroupsForPods_AndKeepsASlotForTheTrunk()
    {
        var world = World();
        foreach (var node in world.ControlPlane.Store.List("v1", "Node").Items)
        {
            var cniNode = world.ControlPlane.Store.Get("vpcresources.k8s.aws/v1alpha1", "CNINode", null, node.Name);
            Assert.Equal("SecurityGroupsForPods", Assert.Single((JsonArray)cniNode["spec.features"]!)!["name"]!.GetValue<string>());

            // m5.large has three interface slots: ipamd keeps one for the trunk, which the resource controller takes.
            var ipamd = world.AwsNode!.IpamdOf(node.Name)!;
            Assert.True(ipamd.Enis.Count(e => !e.IsTrunk) <= 2);
            Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(Podnet.Aws.Ec2.DescribeRequest.Where(
                new Podnet.Aws.Ec2.Filter("attachment.instance-id", new NodeView(node).InstanceId!), new Podnet.Aws.Ec2.Filter("interface-type", "trunk"))));
        }
    }

    [Fact]
    public void WithoutEnablePodEni_NoCniNodeFeature()
    {
        var world = WorldLoader.LoadDefault();
        Assert.Empty(world.ControlPlane.Store.List("vpcresources.k8s.aws/v1alpha1", "CNINode").Items);
    }

    [Fact]
    public void PodWithPodEni_FailsUntilTheAnnotationIsThere_ThenTakesTheBranchAddress()
    {
        var world = World();
        var store = world.ControlPlane.Store;
        store.Create(KubeObject.From(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"aws-cli","namespace":"default"},
             "spec":{"containers":[{"name":"aws-cli","image":"amazon/aws-cli","resources":{"limits":{"vpc.amazonaws.com/pod-eni":"1"},"requests":{"vpc.amazonaws.com/pod-eni":"1"}}}]}}
            """)!.AsObject()));
        world.Settle(TimeSpan.FromMinutes(2));

        // The kubelet asks before the resource controller has written the annotation: seed 001's transient failure.
        var pod = PodView.Of(store.Get("v1", "Pod", "default", "aws-cli"));
        Assert.Contains(world.ControlPlane.Events.About(pod.Object), e => e.GetString("reason") == "FailedCreatePodSandBox"
            && e.GetString("message")!.EndsWith("\": plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container", StringComparison.Ordinal));

        var branch = JsonNode.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"])![0]!;
        Assert.Equal(("Running", branch["privateIp"]!.GetValue<string>()), (pod.Phase, pod.PodIP));
        var network = Assert.Single(world.AwsNode!.PodNetworks, n => n.Name == "aws-cli");
        Assert.Equal((true, 1, branch["eniId"]!.GetValue<string>(), "standard"), (network.IsBranch, network.BranchVlanId!.Value, network.EniId, network.PodSecurityGroupEnforcingMode));
    }

    /// <summary>
    /// A failed ADD of a pod waiting for its branch names no delay, so the kubelet would try again after the pod
    /// worker's 10 s back-off; the resource controller's annotation is an update of the pod, which wakes its worker at
    /// once (pod_workers.go UpdatePod). So the sandbox is made within moments of the annotation, not at the next
    /// 10-second retry: the last failure and the image pull that follows the sandbox are less than the back-off apart.
    /// </summary>
    [Fact]
    public void PodWithPodEni_StartsWhenItsAnnotationArrives_NotAtTheNextTenSecondRetry()
    {
        var world = World();
        var store = world.ControlPlane.Store;
        store.Create(KubeObject.From(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"aws-cli","namespace":"default"},
             "spec":{"containers":[{"name":"aws-cli","image":"amazon/aws-cli","resources":{"limits":{"vpc.amazonaws.com/pod-eni":"1"},"requests":{"vpc.amazonaws.com/pod-eni":"1"}}}]}}
            """)!.AsObject()));
        world.Settle(TimeSpan.FromMinutes(2));

        var pod = store.Get("v1", "Pod", "default", "aws-cli");
        var events = world.ControlPlane.Events.About(pod).ToList();
        var failed = Assert.Single(events, e => e.GetString("reason") == "FailedCreatePodSandBox");
        var pulling = Assert.Single(events, e => e.GetString("reason") == "Pulling");
        var lastFailure = DateTimeOffset.Parse(failed.GetString("lastTimestamp")!, System.Globalization.CultureInfo.InvariantCulture);
        var pulled = DateTimeOffset.Parse(pulling.GetString("firstTimestamp")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("Running", PodView.Of(pod).Phase);
        Assert.InRange(pulled - lastFailure, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }
}
