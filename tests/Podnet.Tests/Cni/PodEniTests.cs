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

            // m5.large has three interface slots: ipamd uses at most two while the trunk has none.
            Assert.True(world.AwsNode!.IpamdOf(node.Name)!.Enis.Count <= 2);
        }
    }

    [Fact]
    public void WithoutEnablePodEni_NoCniNodeFeature()
    {
        var world = WorldLoader.LoadDefault();
        Assert.Empty(world.ControlPlane.Store.List("vpcresources.k8s.aws/v1alpha1", "CNINode").Items);
    }

    [Fact]
    public void PodWithPodEni_WaitsForTheAnnotation_ThenTakesTheBranchAddress()
    {
        var world = World();
        var store = world.ControlPlane.Store;

        // The resource controller (not part of the CNI) advertises branch capacity; give every node some.
        foreach (var node in store.List("v1", "Node").Items)
        {
            store.UpdateStatus(node.With(j =>
            {
                j["status"]!["capacity"]!["vpc.amazonaws.com/pod-eni"] = "9";
                j["status"]!["allocatable"]!["vpc.amazonaws.com/pod-eni"] = "9";
            }));
        }

        store.Create(KubeObject.From(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"aws-cli","namespace":"default"},
             "spec":{"containers":[{"name":"aws-cli","image":"amazon/aws-cli","resources":{"limits":{"vpc.amazonaws.com/pod-eni":"1"},"requests":{"vpc.amazonaws.com/pod-eni":"1"}}}]}}
            """)!.AsObject()));
        world.Settle(TimeSpan.FromSeconds(30));

        var pod = new PodView(store.Get("v1", "Pod", "default", "aws-cli"));
        Assert.Null(pod.PodIP);
        Assert.Contains(world.ControlPlane.Events.About(pod.Object), e => e.GetString("reason") == "FailedCreatePodSandBox"
            && e.GetString("message")!.EndsWith("networkPlugin cni failed to set up pod \"aws-cli_default\" network: add cmd: failed to assign an IP address to container", StringComparison.Ordinal));

        store.Update(pod.Object.WithAnnotation("vpc.amazonaws.com/pod-eni",
            """[{"eniId":"eni-0123456789abcdef0","ifAddress":"02:aa:bb:cc:dd:ee","privateIp":"192.168.70.7","ipv6Addr":"","vlanId":1,"subnetCidr":"192.168.64.0/19","subnetV6Cidr":"","associationID":"trunk-assoc-0123456789abcdef0"}]"""));
        world.Settle(TimeSpan.FromMinutes(2));

        pod = new PodView(store.Get("v1", "Pod", "default", "aws-cli"));
        Assert.Equal(("Running", "192.168.70.7"), (pod.Phase, pod.PodIP));
        var network = Assert.Single(world.AwsNode!.PodNetworks, n => n.Name == "aws-cli");
        Assert.Equal((true, 1, "eni-0123456789abcdef0", "standard"), (network.IsBranch, network.BranchVlanId!.Value, network.EniId, network.PodSecurityGroupEnforcingMode));
    }
}
