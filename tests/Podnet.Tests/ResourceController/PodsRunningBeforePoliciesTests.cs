using System.Net;
using Podnet.Cni;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.ResourceController;

/// <summary>
/// Policies apply to pods created after them (seed 000): a pod a world gives as already running (with
/// <c>status.podIP</c>) is not mutated by the webhook (CREATE only), so the resource controller gives it no branch
/// interface; it keeps its address, ipamd does not hand that address to another pod, and <c>reach</c> and
/// <c>lint</c> judge it by the interface that holds the address — or say that none does.
/// </summary>
public class PodsRunningBeforePoliciesTests
{
    private const string SgExample = "security-groups-for-pods";
    private const string Node = "ip-192-168-64-4.us-west-2.compute.internal";

    /// <summary>A pod matching my-security-group-policy (role: my-role), already running on <see cref="Node"/> with <paramref name="ip"/>.</summary>
    private static string RunningPod(string ip) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: old-pod
          namespace: my-namespace
          labels: {"{"}role: my-role{"}"}
        spec:
          nodeName: {Node}
          containers:
          - name: nginx
            image: public.ecr.aws/nginx/nginx:1.23
        status:
          phase: Running
          podIP: {ip}
          podIPs: [{"{"}ip: {ip}{"}"}]
        """;

    private static PodView Pod(Podnet.World.World world, string name)
        => PodView.Of(world.ControlPlane.Store.Get(world.ControlPlane.Store.Resources.For("v1", "Pod"), "my-namespace", name));

    private static List<PodView> Deployment(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).Where(p => p.Name.StartsWith("my-deployment-", StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    [Fact]
    public void RunningPod_KeepsItsAddressOnTheNodesInterface_GetsNoBranch_AndReachAndLintJudgeItByThatInterface()
    {
        // 192.168.64.10 is a secondary address of the node's primary interface, as ipamd gave it before the policy.
        using var scenario = new ScenarioWorld(SgExample, null, RunningPod("192.168.64.10"));
        var world = scenario.Load();
        var old = Pod(world, "old-pod");

        // Not mutated, not annotated: no pod-eni request, no branch interface.
        Assert.False(AwsNode.RequestsPodEni(old));
        Assert.DoesNotContain("vpc.amazonaws.com/pod-eni", old.Object.Annotations.Keys);
        Assert.Equal("192.168.64.10", old.PodIP);
        Assert.True(old.IsReady);
        var ec2 = world.Cloud!.Ec2Backend;
        var holder = Assert.Single(ec2.DescribeNetworkInterfaces(), e => e.PrivateIpAddresses.Any(a => a.PrivateIpAddress == "192.168.64.10"));
        Assert.Equal("interface", holder.InterfaceType);
        Assert.Equal(0, holder.Attachment!.DeviceIndex);
        Assert.Equal(4, ec2.DescribeNetworkInterfaces().Count(e => e.InterfaceType == "branch"));

        // The deployment's pods still get theirs (policies apply to pods created after them), and ipamd never hands
        // the running pod's address to another pod: its checkpoint has it.
        var deployment = Deployment(world);
        Assert.Equal(4, deployment.Count);
        Assert.All(deployment, p => Assert.True(p.IsReady && p.Object.Annotations.ContainsKey("vpc.amazonaws.com/pod-eni"), p.Name));
        Assert.Single(world.ControlPlane.Store.List("v1", "Pod").Items, p => PodView.Of(p) is { HostNetwork: false, PodIP: "192.168.64.10" });
        Assert.Contains(world.AwsNode!.IpamdOf(Node)!.Datastore.Allocations(), a => a.Address.Equals(IPAddress.Parse("192.168.64.10")));

        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);
        Assert.Matches(@"\nmy-namespace +old-pod +1/1 +Running +0 +\S+ +192\.168\.64\.10 +ip-192-168-64-4\.us-west-2\.compute\.internal ", run);

        // reach: the pod speaks through the node's primary interface, with the cluster security group.
        var group = world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId;
        var target = deployment[0];
        var (reachExit, reach, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/old-pod", $"my-namespace/{target.Name}", "80");
        Assert.Equal(1, reachExit);
        Assert.Contains($"  ok    egress: my-namespace/old-pod via its primary interface {holder.NetworkInterfaceId}: {group} (eks-cluster-sg-podnet-", reach, StringComparison.Ordinal);
        Assert.Contains($"no ingress rule of sg-05b1d815d1e4a1b2c (my-pod-security-group) allows TCP/80 from 192.168.64.10; to allow it, add an ingress rule to sg-05b1d815d1e4a1b2c for TCP/80 from {group} or 192.168.64.10/32", reach, StringComparison.Ordinal);

        // lint: the policy does not apply to it until it is re-created; it is not counted as a pod with security groups.
        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.Contains(
            "warning  Pod my-namespace/old-pod  [security-group-policy-after-pod]\n"
            + $"  matches a SecurityGroupPolicy (sg-05b1d815d1e4a1b2c (my-pod-security-group)) but was running before it: the webhook adds vpc.amazonaws.com/pod-eni on CREATE only, so the pod has no branch interface and keeps the groups of the interface that holds 192.168.64.10, {holder.NetworkInterfaceId} ({group} (eks-cluster-sg-podnet-",
            lint,
            StringComparison.Ordinal);
        Assert.Contains("  fix: re-create the pod (`kubectl delete pod`, or `kubectl rollout restart` of its Deployment) so that it gets a branch interface with the policy's groups\n", lint, StringComparison.Ordinal);
        Assert.DoesNotContain("Pod my-namespace/old-pod  [security-group-pod", lint, StringComparison.Ordinal);
    }

    [Fact]
    public void RunningPod_WhoseAddressNoInterfaceHolds_ReachAndLintSaySo()
    {
        using var scenario = new ScenarioWorld(SgExample, null, RunningPod("192.168.70.7"));
        var world = scenario.Load();
        var old = Pod(world, "old-pod");
        Assert.Equal("192.168.70.7", old.PodIP);
        Assert.False(AwsNode.RequestsPodEni(old));
        Assert.DoesNotContain(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(), e => e.PrivateIpAddresses.Any(a => a.PrivateIpAddress == "192.168.70.7"));

        var target = Deployment(world)[0];
        var (_, reach, _) = PodnetCli.Run("reach", scenario.Directory, "my-namespace/old-pod", $"my-namespace/{target.Name}", "80");
        Assert.Contains("  ok    egress: my-namespace/old-pod via no VPC interface: no network interface holds 192.168.70.7: no security groups apply (not a VPC interface)\n", reach, StringComparison.Ordinal);

        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.Contains("so the pod has no branch interface and no network interface holds its address 192.168.70.7, so no security group applies to it\n", lint, StringComparison.Ordinal);
    }

    [Fact]
    public void RunningPod_IsNotReEquipped_ByAWarmPoolOrEnforcingModeChange()
    {
        // The same world with other aws-node settings: the running pod stays as it was given, on its address (with
        // this warm pool, a secondary address of the node's primary interface).
        using var scenario = new ScenarioWorld(
            SgExample,
            t => ExampleWorlds.WithCniEnv(t, ("WARM_IP_TARGET", "2"), ("MINIMUM_IP_TARGET", "3"), ("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")),
            RunningPod("192.168.64.7"));
        var world = scenario.Load();
        var old = Pod(world, "old-pod");
        Assert.Equal("192.168.64.7", old.PodIP);
        Assert.True(old.IsReady);
        Assert.False(AwsNode.RequestsPodEni(old));
        Assert.Empty(old.Object.Annotations);
        Assert.Contains(world.AwsNode!.IpamdOf(Node)!.Datastore.Allocations(), a => a.Address.Equals(IPAddress.Parse("192.168.64.7")));
        Assert.Single(world.ControlPlane.Store.List("v1", "Pod").Items, p => PodView.Of(p) is { HostNetwork: false, PodIP: "192.168.64.7" });
    }

    [Fact]
    public void Webhook_LeavesAPodThatArrivesRunning_AndMutatesTheSamePodWithoutStatus()
    {
        // The same pod without its status is a new pod: the webhook adds the request and it gets a branch interface.
        var running = RunningPod("192.168.64.10");
        var created = running[..running.IndexOf("status:", StringComparison.Ordinal)].Replace("name: old-pod", "name: new-pod", StringComparison.Ordinal);
        using var scenario = new ScenarioWorld(SgExample, null, running, created);
        var world = scenario.Load();
        Assert.False(AwsNode.RequestsPodEni(Pod(world, "old-pod")));
        var fresh = Pod(world, "new-pod");
        Assert.True(AwsNode.RequestsPodEni(fresh));
        Assert.True(fresh.Object.Annotations.ContainsKey("vpc.amazonaws.com/pod-eni"));
        Assert.True(fresh.IsReady);
    }

    [Fact]
    public void RunningPodFromADump_WithItsPodEniAnnotation_Loads_AndKeepsIt()
    {
        // kubectl get pod -o yaml of a pod with security groups: the request and the controller's annotation. Only a new
        // pod is refused the annotation (vpod.vpc.k8s.aws: "pod cannot be created with vpc.amazonaws.com/pod-eni annotation").
        const string annotation = """[{"eniId":"eni-0123456789abcdef0","ifAddress":"02:4d:9d:de:c5:bb","privateIp":"192.168.70.7","vlanId":1,"subnetCidr":"192.168.64.0/19"}]""";
        var dumped = RunningPod("192.168.70.7")
            .Replace("  labels: {role: my-role}\n", $"  labels: {{role: my-role}}\n  annotations:\n    vpc.amazonaws.com/pod-eni: '{annotation}'\n", StringComparison.Ordinal)
            .Replace("    image: public.ecr.aws/nginx/nginx:1.23\n", "    image: public.ecr.aws/nginx/nginx:1.23\n    resources:\n      limits: {vpc.amazonaws.com/pod-eni: \"1\"}\n      requests: {vpc.amazonaws.com/pod-eni: \"1\"}\n", StringComparison.Ordinal);
        using var scenario = new ScenarioWorld(SgExample, null, dumped);
        var (exit, run, err) = PodnetCli.Run("run", scenario.Directory);
        Assert.True(exit == 0, err);
        Assert.Matches(@"\nmy-namespace +old-pod +1/1 +Running +0 +\S+ +192\.168\.70\.7 ", run);
        var old = Pod(scenario.Load(), "old-pod");
        Assert.Equal(annotation, old.Object.Annotations["vpc.amazonaws.com/pod-eni"]);

        // A new pod with the annotation is still refused.
        var created = RunningPod("192.168.70.8");
        created = created[..created.IndexOf("status:", StringComparison.Ordinal)]
            .Replace("  labels: {role: my-role}\n", $"  labels: {{role: my-role}}\n  annotations:\n    vpc.amazonaws.com/pod-eni: '{annotation}'\n", StringComparison.Ordinal);
        using var refused = new ScenarioWorld(SgExample, null, created);
        var (refusedExit, _, refusedErr) = PodnetCli.Run("run", refused.Directory);
        Assert.Equal(2, refusedExit);
        Assert.Contains("admission webhook \"vpod.vpc.k8s.aws\" denied the request: pod cannot be created with vpc.amazonaws.com/pod-eni annotation", refusedErr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunningPod_KeepsItsPrimarySubnetAddress_UnderCustomNetworking()
    {
        // Seed 003: pods created after the ENIConfig get addresses of its subnet (192.168.1.0/24); a pod that ran
        // before keeps its address of the node's subnet until it is re-created, and no interface holds that address now.
        const string before = """
            apiVersion: v1
            kind: Pod
            metadata: {name: before-eniconfig, namespace: default}
            spec:
              nodeName: ip-192-168-0-68.us-west-2.compute.internal
              containers: [{name: app, image: public.ecr.aws/nginx/nginx:1.23}]
            status:
              phase: Running
              podIP: 192.168.0.70
              podIPs: [{ip: 192.168.0.70}]
            """;
        using var scenario = new ScenarioWorld("custom-networking", null, before);
        var (_, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Matches(@"\ndefault +before-eniconfig +1/1 +Running +0 +\S+ +192\.168\.0\.70 +ip-192-168-0-68\.us-west-2\.compute\.internal ", run);
        Assert.Matches(@"\nkube-system +coredns-\S+ +1/1 +Running +0 +\S+ +192\.168\.1\.\d+ ", run);

        var coredns = scenario.Load().ControlPlane.Store.List("v1", "Pod", "kube-system").Items.First(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal));
        var (_, reach, _) = PodnetCli.Run("reach", scenario.Directory, "default/before-eniconfig", $"kube-system/{coredns.Name}", "53/udp");
        Assert.Contains("  ok    egress: default/before-eniconfig via no VPC interface: no network interface holds 192.168.0.70: no security groups apply (not a VPC interface)\n", reach, StringComparison.Ordinal);
    }
}
