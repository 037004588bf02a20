using Podnet.Aws.Ec2;
using Podnet.Fargate;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 point 13, Fargate: a world's FargateProfile (the fields of <c>aws eks create-fargate-profile</c>) runs the
/// pods it selects each on its own <c>fargate-ip-…</c> node with its own interface in one of the profile's private
/// subnets; the interface carries a matching SecurityGroupPolicy's groups, else the cluster security group, and
/// those groups must let the pod reach the control plane (seed 000). reach judges the pods by that interface.
/// </summary>
public class FargateProfileTests
{
    private const string Example = "security-groups-for-pods";

    private static string Profile(string ns, string subnets = "[private-us-west-2a, private-us-west-2b]", string labels = "") => $$"""
        apiVersion: aws.podnet.dev/v1alpha1
        kind: FargateProfile
        metadata: {name: fp-{{ns}}}
        spec:
          Cluster: podnet
          Subnets: {{subnets}}
          Selectors: [{namespace: {{ns}}{{labels}}}]
        """;

    private const string Batch = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: batch}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: worker, namespace: batch}
        spec:
          replicas: 2
          selector: {matchLabels: {app: worker}}
          template:
            metadata: {labels: {app: worker}}
            spec:
              containers:
              - name: worker
                image: public.ecr.aws/docker/library/busybox:1.36
        """;

    private static List<PodView> Pods(Podnet.World.World world, string ns)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    private static NetworkInterface InterfaceHolding(Podnet.World.World world, string address)
        => Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("addresses.private-ip-address", address))));

    [Fact]
    public void FargateProfile_MatchingPod_RunsOnItsOwnNode_WithProfileSubnet()
    {
        var world = ExampleWorlds.Load(Example, null, Profile("batch"), Batch);
        var store = world.ControlPlane.Store;
        var clusterGroup = world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId;
        var profileSubnets = world.Cloud!.Eks.DescribeFargateProfile("podnet", "fp-batch").Subnets;
        Assert.Equal("ACTIVE", world.Cloud.Eks.DescribeFargateProfile("podnet", "fp-batch").Status);

        var pods = Pods(world, "batch");
        Assert.Equal(2, pods.Count);
        Assert.Equal(2, pods.Select(p => p.NodeName).Distinct().Count());
        foreach (var pod in pods)
        {
            Assert.Equal("Running", pod.Phase);
            Assert.Equal(FargateProfileWebhook.SchedulerName, pod.SchedulerName);
            Assert.Equal("fp-batch", pod.Object.Labels["eks.amazonaws.com/fargate-profile"]);
            Assert.Equal($"fargate-ip-{pod.PodIP!.Replace('.', '-')}.us-west-2.compute.internal", pod.NodeName);

            var node = new NodeView(store.Get("v1", "Node", null, pod.NodeName!));
            Assert.True(node.IsReady);
            Assert.True(node.IsFargate);
            Assert.Equal(pod.PodIP, node.InternalIP);
            Assert.Null(node.InstanceId);
            Assert.Contains(node.Taints, t => t.Key == "eks.amazonaws.com/compute-type" && t.Value == "fargate" && t.Effect == "NoSchedule");
            Assert.Equal(1, node.Allocatable["pods"]);

            // Its own interface, in one of the profile's subnets, with the cluster security group (no policy matched).
            var eni = InterfaceHolding(world, pod.PodIP);
            Assert.Contains(eni.SubnetId, profileSubnets);
            Assert.Equal(pod.PodIP, eni.PrivateIpAddress);
            Assert.Equal([clusterGroup], eni.Groups.Select(g => g.GroupId));

            var scheduled = world.ControlPlane.Events.About(pod.Object).Single(e => e.GetString("reason") == "Scheduled");
            Assert.Equal(("fargate-scheduler", $"Successfully assigned batch/{pod.Name} to {pod.NodeName}"), (scheduled.GetString("source.component"), scheduled.GetString("message")));

            // Nothing else runs there: aws-node and kube-proxy keep off Fargate nodes (their node affinity).
            Assert.Single(store.ListByIndex(store.Resources.For("v1", "Pod"), Podnet.Kube.Store.ObjectStore.NodeNameIndex, pod.NodeName!));
        }

        // The EC2 nodes' pods are untouched: still on the node group's three nodes.
        Assert.All(Pods(world, "my-namespace"), p => Assert.StartsWith("ip-", p.NodeName, StringComparison.Ordinal));

        // reach judges a Fargate pod by its own interface: the cluster group lets it out, the pods' group does not let it in.
        var target = Pods(world, "my-namespace")[0];
        var result = new Reachability(world).Evaluate($"batch/{pods[0].Name}", $"my-namespace/{target.Name}", "80");
        Assert.False(result.Allowed);
        var eniId = InterfaceHolding(world, pods[0].PodIP!).NetworkInterfaceId;
        Assert.Contains(result.Hops, h => h.Step == "egress" && h.Allowed && h.Detail.Contains($"its interface {eniId}", StringComparison.Ordinal) && h.Detail.Contains(clusterGroup, StringComparison.Ordinal));
        Assert.Contains(result.Hops, h => h.Step == "ingress" && !h.Allowed && h.Detail.Contains("sg-05b1d815d1e4a1b2c", StringComparison.Ordinal));

        // The pod gone, its node and interface go too; its replacement gets a node and interface of its own (the
        // freed address may be handed out again, and with it the node's name).
        var first = pods[0];
        store.Delete(store.Resources.For("v1", "Pod"), "batch", first.Name, Podnet.Kube.Store.DeleteOptions.Now);
        world.Settle();
        Assert.Empty(world.Cloud.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("network-interface-id", eniId))));
        var now = Pods(world, "batch");
        Assert.DoesNotContain(now, p => p.Name == first.Name);
        Assert.All(now, p => Assert.Equal("Running", p.Phase));
        var fargateNodes = store.List("v1", "Node").Items.Select(n => new NodeView(n)).Where(n => n.IsFargate).Select(n => n.Name).Order(StringComparer.Ordinal);
        Assert.Equal(now.Select(p => p.NodeName!).Order(StringComparer.Ordinal), fargateNodes);
    }

    [Fact]
    public void FargateProfile_Ec2Throttled_PodWaitsAndTheGoneInterfaceIsDeletedOnRetry()
    {
        var world = ExampleWorlds.Load(Example, null, Profile("batch"), Batch);
        var store = world.ControlPlane.Store;
        var first = Pods(world, "batch")[0];
        var eniId = InterfaceHolding(world, first.PodIP!).NetworkInterfaceId;

        // EC2 throttles every call: Fargate's own create and delete meet it too, as they go through EC2's API.
        world.Cloud!.Faults.Settings = Podnet.Aws.Ec2.Faults.Ec2FaultSettings.Parse("RequestLimitExceeded=100%");
        store.Delete(store.Resources.For("v1", "Pod"), "batch", first.Name, Podnet.Kube.Store.DeleteOptions.Now);
        world.Settle(TimeSpan.FromMinutes(2));

        Assert.Single(world.Cloud.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds(eniId)));
        var waiting = Assert.Single(Pods(world, "batch"), p => p.NodeName is null);
        Assert.Equal("Pending", waiting.Phase);
        Assert.Contains(world.ControlPlane.Events.About(waiting.Object), e => e.GetString("reason") == "FailedScheduling" && e.GetString("message")!.StartsWith("Pod provisioning failed: RequestLimitExceeded: ", StringComparison.Ordinal));

        // EC2 answers again: the retries delete the gone pod's interface and place the waiting pod.
        world.Cloud.Faults.Settings = new Podnet.Aws.Ec2.Faults.Ec2FaultSettings();
        world.Settle();
        Assert.Empty(world.Cloud.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("network-interface-id", eniId))));
        Assert.All(Pods(world, "batch"), p => Assert.Equal("Running", p.Phase));
    }

    [Fact]
    public void FargateProfile_SecurityGroupPolicyPods_NeedTheControlPlaneRule()
    {
        // The example's policy gives my-namespace's pods only sg-05b1d815d1e4a1b2c: on Fargate they cannot reach the
        // control plane (the cluster group lets in only itself), so their nodes never register.
        var blocked = ExampleWorlds.Load(Example, null, Profile("my-namespace"));
        foreach (var pod in Pods(blocked, "my-namespace"))
        {
            Assert.Equal("sg-05b1d815d1e4a1b2c", pod.Object.Annotations["fargate.amazonaws.com/pod-sg"]);
            Assert.Equal("Pending", pod.Phase);
            Assert.Null(pod.NodeName);
            Assert.False(Podnet.Cni.AwsNode.RequestsPodEni(pod));
        }

        Assert.DoesNotContain(blocked.ControlPlane.Store.List("v1", "Node").Items, n => new NodeView(n).IsFargate);
        var findings = WorldLint.Run(blocked).Where(f => f.Check == FargateControlPlaneRule.Id).ToList();
        Assert.Equal(4, findings.Count);
        Assert.All(findings, f =>
        {
            Assert.Equal(LintSeverity.Error, f.Severity);
            Assert.Contains("runs on Fargate with sg-05b1d815d1e4a1b2c, which do not let it reach the Kubernetes control plane on TCP/443", f.Message, StringComparison.Ordinal);
            Assert.StartsWith($"add the cluster security group {blocked.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId} to the SecurityGroupPolicy's groupIds", f.Fix, StringComparison.Ordinal);
        });

        // With the rule seed 000 asks for, they run, each on its interface with the policy's group.
        const string rule = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroupIngress
            metadata: {name: control-plane-from-pods}
            spec:
              ClusterSecurityGroup: podnet
              IpPermissions:
              - {IpProtocol: tcp, FromPort: 443, ToPort: 443, UserIdGroupPairs: [{GroupId: my-pod-security-group}]}
            """;
        var world = ExampleWorlds.Load(Example, null, Profile("my-namespace"), rule);
        var pods = Pods(world, "my-namespace");
        Assert.All(pods, pod =>
        {
            Assert.Equal("Running", pod.Phase);
            Assert.Equal(["sg-05b1d815d1e4a1b2c"], InterfaceHolding(world, pod.PodIP!).Groups.Select(g => g.GroupId));
        });
        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == FargateControlPlaneRule.Id);

        // Two Fargate pods of the group reach each other by its self-referencing rule.
        var result = new Reachability(world).Evaluate($"my-namespace/{pods[0].Name}", $"my-namespace/{pods[1].Name}", "80");
        Assert.True(result.Allowed);
        Assert.Contains(result.Hops, h => h.Step == "ingress" && h.Detail.Contains("sg-05b1d815d1e4a1b2c (my-pod-security-group) ingress", StringComparison.Ordinal));
    }

    [Fact]
    public void FargateProfile_PublicSubnet_IsInvalidParameter()
    {
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load(Example, null, Profile("batch", "[public-us-west-2a]")));
        Assert.Matches(@"InvalidParameterException: Subnet subnet-[0-9a-f]{17} provided in Fargate Profile is not a private subnet", error.Message);
    }

    [Fact]
    public void FargateProfile_SelectorWithoutNamespace_IsInvalidParameter()
    {
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load(Example, null, Profile("batch").Replace("[{namespace: batch}]", "[{labels: {app: worker}}]", StringComparison.Ordinal)));
        Assert.Contains("InvalidParameterException: Fargate Profile must have at least one selector with at least one namespace value.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FargatePod_Scheduled_CarriesCapacityProvisionedAndLoggingAnnotations()
    {
        // The scheduler's annotations, as eks-workshop's Fargate sizing chapter prints them: no requests get the
        // smallest combination; 1 CPU and 2.5G (2,384 MiB) plus Fargate's 256 MB rounds up to 1 vCPU and 3 GB; the
        // largest init container counts when it is larger than the containers' sum.
        const string Sized = """
            apiVersion: v1
            kind: Pod
            metadata: {name: sized, namespace: batch}
            spec:
              containers:
              - name: checkout
                image: public.ecr.aws/docker/library/busybox:1.36
                resources: {requests: {cpu: "1", memory: 2.5G}, limits: {memory: 2.5G}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: init-heavy, namespace: batch}
            spec:
              initContainers:
              - name: migrate
                image: public.ecr.aws/docker/library/busybox:1.36
                resources: {requests: {cpu: "2", memory: 6Gi}}
              containers:
              - name: app
                image: public.ecr.aws/docker/library/busybox:1.36
                resources: {requests: {cpu: 250m, memory: 512Mi}}
            """;
        var world = ExampleWorlds.Load(Example, null, Profile("batch"), Batch, Sized);
        var all = Pods(world, "batch");

        // The annotations ride on the Binding (BindingREST.setPodNodeAndMetadata): the change that binds a pod carries
        // them and PodScheduled=True (it was an update, then a status update).
        var store = world.ControlPlane.Store;
        var binds = store.Watch(store.Resources.For("v1", "Pod"), "batch", resourceVersion: "1").Read()
            .Where(e => e.Object.GetString("spec.nodeName") is not null)
            .GroupBy(e => e.Object.Name)
            .Select(g => g.First())
            .ToList();
        Assert.Equal(4, binds.Count);
        Assert.All(binds, e =>
        {
            Assert.True(e.Object.Annotations.ContainsKey("CapacityProvisioned"));
            Assert.Equal("LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND", e.Object.Annotations["Logging"]);
            Assert.Equal("True", PodView.Of(e.Object).Condition("PodScheduled"));
        });
        Assert.Equal(4, all.Count);
        Assert.All(all.Where(p => p.Name.StartsWith("worker-", StringComparison.Ordinal)), p => Assert.Equal("0.25vCPU 0.5GB", p.Object.Annotations["CapacityProvisioned"]));
        Assert.Equal("1vCPU 3GB", all.Single(p => p.Name == "sized").Object.Annotations["CapacityProvisioned"]);
        Assert.Equal("2vCPU 7GB", all.Single(p => p.Name == "init-heavy").Object.Annotations["CapacityProvisioned"]);
        Assert.All(all, p => Assert.Equal("LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND", p.Object.Annotations["Logging"]));

        // With Fargate logging's ConfigMap the scheduler writes no LoggingDisabled.
        const string Logging = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: aws-observability}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: aws-logging, namespace: aws-observability}
            data: {flb_log_cw: "false"}
            """;
        var logged = ExampleWorlds.Load(Example, null, Profile("batch"), Batch, Logging);
        Assert.All(Pods(logged, "batch"), p => Assert.False(p.Object.Annotations.ContainsKey("Logging")));
    }
}
