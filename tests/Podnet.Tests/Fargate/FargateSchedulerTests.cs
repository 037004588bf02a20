using System.Globalization;
using Podnet.Aws.Ec2;
using Podnet.Fargate;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Fargate;

/// <summary>
/// Issue 11 points 8 and 13, Fargate's side: the fargate-scheduler provisions a micro-VM per pod, which takes its
/// seeded provisioning time before the node registers and the pod is bound; it refuses pods Fargate cannot run with
/// its own texts (host networking, host ports, privileged containers: a FailedScheduling event; pods larger than
/// 16 vCPU and 120 GB: the POD_CPU_MEM_EXCEEDS_MAX_FARGATE_SIZE condition), and DaemonSets never run on Fargate.
/// </summary>
public class FargateSchedulerTests
{
    private const string Example = "security-groups-for-pods";

    private const string Profile = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: FargateProfile
        metadata: {name: fp-batch}
        spec:
          Cluster: podnet
          Subnets: [private-us-west-2a, private-us-west-2b]
          Selectors: [{namespace: batch}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: batch}
        """;

    private static KubeObject Pod(string name, string spec)
        => KubeObject.Parse($$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{name}}","namespace":"batch"},"spec":{{spec}}}""");

    private static KubeObject Created(Podnet.World.World world, KubeObject pod)
        => world.ControlPlane.Store.Create(pod, RequestContext.Admin);

    private static PodView Current(Podnet.World.World world, string name)
        => PodView.Of(world.ControlPlane.Store.Get("v1", "Pod", "batch", name));

    private static List<(string? Type, string? Reason, string? Message, string? From)> Events(Podnet.World.World world, KubeObject about)
        => [.. world.ControlPlane.Events.About(about).Select(e => (e.GetString("type"), e.GetString("reason"), e.GetString("message"), e.GetString("source.component")))];

    private static int InterfaceCount(Podnet.World.World world) => world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.All).Count;

    private static DateTimeOffset At(string? timestamp) => DateTimeOffset.Parse(timestamp!, CultureInfo.InvariantCulture);

    [Fact]
    public void FargatePod_WaitsForItsMicroVm_ThenIsScheduledAndStarted_InEventOrder()
    {
        var world = ExampleWorlds.Load(Example, null, Profile);
        var created = Created(world, Pod("job", """{"containers":[{"name":"job","image":"public.ecr.aws/docker/library/busybox:1.36"}]}"""));
        var expected = FargateProvisioning.Duration(world.Seed, "batch", "job", created.Uid!);
        Assert.InRange(expected, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45));

        // A moment before its micro-VM is up: the interface exists, the pod is Pending with no node and no event.
        world.Settle(expected - TimeSpan.FromSeconds(1));
        var waiting = Current(world, "job");
        Assert.Equal("Pending", waiting.Phase);
        Assert.Null(waiting.NodeName);
        Assert.Empty(Events(world, waiting.Object));
        Assert.DoesNotContain(world.ControlPlane.Store.List("v1", "Node").Items, n => new NodeView(n).IsFargate);
        var placement = world.FargateScheduler!.Placements.Single(p => p.Key.Name == "job").Value;
        Assert.Null(placement.NodeName);
        var eni = Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds(placement.NetworkInterfaceId)));

        // Then the node registers when the micro-VM is up, the pod is bound there, and the kubelet starts it.
        world.Settle();
        var running = Current(world, "job");
        Assert.Equal("Running", running.Phase);
        Assert.Equal(eni.PrivateIpAddress, running.PodIP);
        var node = world.ControlPlane.Store.Get("v1", "Node", null, running.NodeName!);
        var start = At(created.GetString("metadata.creationTimestamp"));
        // Timestamps are whole seconds: the node registered at the pod's creation plus the provisioning time.
        Assert.InRange(At(node.GetString("metadata.creationTimestamp")) - start, expected - TimeSpan.FromSeconds(1), expected + TimeSpan.FromSeconds(1));

        var events = world.ControlPlane.Events.About(running.Object).ToList();
        Assert.Equal(["Scheduled", "Pulling", "Pulled", "Created", "Started"], events.Select(e => e.GetString("reason")));
        Assert.Equal("fargate-scheduler", events[0].GetString("source.component"));
        var stamps = events.Select(e => At(e.GetString("firstTimestamp"))).ToList();
        Assert.Equal(stamps.Order(), stamps);
        Assert.InRange(stamps[0] - start, expected - TimeSpan.FromSeconds(1), expected + TimeSpan.FromSeconds(1));
        Assert.True(stamps[2] > stamps[1], "the image pull takes time");
    }

    [Fact]
    public void FargateProvisioning_Duration_IsSeededPerPodWithinTheObservedRange()
    {
        var durations = Enumerable.Range(0, 200).Select(i => FargateProvisioning.Duration(7, "batch", $"job-{i}", $"uid-{i}")).ToList();
        Assert.All(durations, d => Assert.InRange(d, FargateProvisioning.Shortest, FargateProvisioning.Longest));
        Assert.True(durations.Distinct().Count() > 150, "the pods' times spread over the range");
        Assert.Equal(durations, Enumerable.Range(0, 200).Select(i => FargateProvisioning.Duration(7, "batch", $"job-{i}", $"uid-{i}")));
        Assert.NotEqual(durations, Enumerable.Range(0, 200).Select(i => FargateProvisioning.Duration(8, "batch", $"job-{i}", $"uid-{i}")));
    }

    [Fact]
    public void FargatePod_LargerThanTheLargestCombination_IsNotProvisioned()
    {
        var world = ExampleWorlds.Load(Example, null, Profile);
        var interfaces = InterfaceCount(world);

        // 17 vCPU, or 120 GiB of memory (with Fargate's 256 MB more than 16 vCPU's largest, 120 GB): no micro-VM holds it.
        var cpu = Created(world, Pod("cpu", """{"containers":[{"name":"c","image":"busybox:1.36","resources":{"requests":{"cpu":"17","memory":"1Gi"}}}]}"""));
        var memory = Created(world, Pod("memory", """{"containers":[{"name":"c","image":"busybox:1.36","resources":{"requests":{"cpu":"4","memory":"120Gi"}}}]}"""));

        // 256 MB less fits the largest exactly: 16vCPU 120GB.
        var largest = Created(world, Pod("largest", """{"containers":[{"name":"c","image":"busybox:1.36","resources":{"requests":{"cpu":"16","memory":"122624Mi"}}}]}"""));
        world.Settle();

        foreach (var name in new[] { "cpu", "memory" })
        {
            var pod = Current(world, name);
            Assert.Equal("Pending", pod.Phase);
            Assert.Null(pod.NodeName);
            var condition = Assert.Single(pod.Object["status.conditions"]!.AsArray(), c => c!["type"]!.GetValue<string>() == "PodScheduled")!;
            Assert.Equal(("False", "POD_CPU_MEM_EXCEEDS_MAX_FARGATE_SIZE", "Your pod's cpu/memory requirements exceed the max Fargate configuration"), (condition["status"]!.GetValue<string>(), condition["reason"]!.GetValue<string>(), condition["message"]!.GetValue<string>()));
            Assert.False(pod.Object.Annotations.ContainsKey("CapacityProvisioned"));
        }

        Assert.Empty(Events(world, cpu));
        Assert.Empty(Events(world, memory));
        var placed = Current(world, "largest");
        Assert.Equal("Running", placed.Phase);
        Assert.Equal("16vCPU 120GB", placed.Object.Annotations["CapacityProvisioned"]);

        // Only the pod that fits got an interface.
        Assert.Equal(interfaces + 1, InterfaceCount(world));
        Assert.Equal(largest.Uid, Assert.Single(world.FargateScheduler!.Placements).Value.PodUid);
    }

    [Fact]
    public void FargatePod_HostNetworkPrivilegedOrHostPort_IsRefusedWithTheSchedulersEvent()
    {
        var world = ExampleWorlds.Load(Example, null, Profile);
        var interfaces = InterfaceCount(world);

        // The efs-csi-controller's spec, as users met it (aws/containers-roadmap#1517).
        var all = Created(world, Pod("efs-csi-controller", """
            {"hostNetwork":true,"containers":[{"name":"efs-plugin","image":"busybox:1.36","securityContext":{"privileged":true},
             "ports":[{"name":"healthz","containerPort":9909,"hostPort":9909,"protocol":"TCP"}]}]}
            """));
        var privileged = Created(world, Pod("s3fs", """{"initContainers":[{"name":"mount","image":"busybox:1.36","securityContext":{"privileged":true}}],"containers":[{"name":"c","image":"busybox:1.36"}]}"""));
        var hostIp = Created(world, Pod("bound", """{"containers":[{"name":"c","image":"busybox:1.36","ports":[{"containerPort":8080,"hostIP":"127.0.0.1"}]}]}"""));
        var plain = Created(world, Pod("plain", """{"containers":[{"name":"c","image":"busybox:1.36","securityContext":{"privileged":false},"ports":[{"containerPort":8080}]}]}"""));
        world.Settle();

        Assert.Equal([("Warning", "FailedScheduling", "Pod not supported on Fargate: fields not supported: HostNetwork, invalid SecurityContext fields: Privileged, port contains HostIP or HostPort", "fargate-scheduler")], Events(world, all));
        Assert.Equal([("Warning", "FailedScheduling", "Pod not supported on Fargate: invalid SecurityContext fields: Privileged", "fargate-scheduler")], Events(world, privileged));
        Assert.Equal([("Warning", "FailedScheduling", "Pod not supported on Fargate: port contains HostIP or HostPort", "fargate-scheduler")], Events(world, hostIp));
        foreach (var name in new[] { "efs-csi-controller", "s3fs", "bound" })
        {
            Assert.Equal(("Pending", null), (Current(world, name).Phase, Current(world, name).NodeName));
        }

        Assert.Equal("Running", Current(world, "plain").Phase);
        Assert.Equal(interfaces + 1, InterfaceCount(world));

        // The scheduler said it once; an update of the pod does not repeat it.
        var store = world.ControlPlane.Store;
        store.Update(store.Get("v1", "Pod", "batch", "s3fs").WithLabel("touched", "yes"), RequestContext.Admin);
        world.Settle();
        Assert.Single(Events(world, privileged));
    }

    [Fact]
    public void DaemonSet_InAFargateNamespace_NeverRunsOnFargate()
    {
        // A DaemonSet that tolerates every taint, as the CloudWatch agent's did (aws/amazon-cloudwatch-agent-operator#183):
        // its pod for the Fargate node is created but never fits there (one pod per Fargate node), Pending for ever
        // with the default scheduler's "Too many pods" (kubernetes-sigs/aws-efs-csi-driver#340). A DaemonSet without
        // that toleration gets no pod for the Fargate node at all (the node's NoSchedule taint).
        const string Workloads = """
            apiVersion: v1
            kind: Pod
            metadata: {name: job, namespace: batch}
            spec:
              containers: [{name: job, image: public.ecr.aws/docker/library/busybox:1.36}]
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: batch}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  tolerations: [{operator: Exists}]
                  containers: [{name: agent, image: public.ecr.aws/docker/library/busybox:1.36}]
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: plain, namespace: batch}
            spec:
              selector: {matchLabels: {app: plain}}
              template:
                metadata: {labels: {app: plain}}
                spec:
                  containers: [{name: plain, image: public.ecr.aws/docker/library/busybox:1.36}]
            """;
        var world = ExampleWorlds.Load(Example, null, Profile, Workloads);
        var store = world.ControlPlane.Store;
        var nodes = store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();
        var fargateNode = Assert.Single(nodes, n => n.IsFargate).Name;
        var pods = store.List("v1", "Pod", "batch").Items.Select(p => PodView.Of(p)).ToList();

        // No DaemonSet pod went to the fargate-scheduler: the Fargate webhook leaves them to the default scheduler.
        Assert.All(pods.Where(p => p.Name != "job"), p => Assert.Equal("default-scheduler", p.SchedulerName));
        Assert.Equal(nodes.Count(n => !n.IsFargate), pods.Count(p => p.Name.StartsWith("plain-", StringComparison.Ordinal)));
        Assert.All(pods.Where(p => p.Name.StartsWith("plain-", StringComparison.Ordinal)), p => Assert.Equal("Running", p.Phase));

        var agents = pods.Where(p => p.Name.StartsWith("agent-", StringComparison.Ordinal)).ToList();
        Assert.Equal(nodes.Count, agents.Count);
        var stuck = Assert.Single(agents, p => p.Phase == "Pending");
        Assert.Contains(fargateNode, stuck.Object["spec.affinity"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(Events(world, stuck.Object), e => e.Reason == "FailedScheduling" && e.From == "default-scheduler" && e.Message!.Contains("1 Too many pods", StringComparison.Ordinal));
    }
}
