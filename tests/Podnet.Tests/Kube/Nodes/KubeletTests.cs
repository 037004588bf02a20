using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Nodes;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Tests.Kube.Controllers;

namespace Podnet.Tests.Kube.Nodes;

public class KubeletTests
{
    private const string NotInitialized = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";

    private static (TestCluster Cluster, KubeObject Node, FakeSandboxNetwork Network) ClusterWithFakeNetwork()
    {
        var cluster = new TestCluster();
        var network = new FakeSandboxNetwork();
        var node = cluster.AddEc2Node(run: false);
        cluster.Plane.SetNetwork(node.Name, network);
        cluster.Run();
        return (cluster, cluster.Node(node.Name), network);
    }

    [Fact]
    public void NodeRegistration_M5Large_LooksLikeAnEksNode()
    {
        var cluster = new TestCluster();
        var node = cluster.AddEc2Node(run: false);
        var view = new NodeView(node);

        Assert.Matches(@"^ip-192-168-0-\d{1,3}\.us-west-2\.compute\.internal$", node.Name);
        Assert.Equal(node.Name, view.Address("InternalDNS"));
        Assert.Equal(node.Name.Split('.')[0]["ip-".Length..].Replace('-', '.'), view.InternalIP);
        Assert.Equal("us-west-2a", node.Labels["topology.kubernetes.io/zone"]);
        Assert.Equal("us-west-2", node.Labels["topology.kubernetes.io/region"]);
        Assert.Equal("m5.large", node.Labels["node.kubernetes.io/instance-type"]);
        Assert.Equal("linux", node.Labels["kubernetes.io/os"]);
        Assert.Equal("ng-1", node.Labels["eks.amazonaws.com/nodegroup"]);
        Assert.Equal("29", node.GetString("status.capacity.pods"));
        Assert.Equal("29", node.GetString("status.allocatable.pods"));
        Assert.Equal("2", node.GetString("status.capacity.cpu"));
        Assert.Equal("1930m", node.GetString("status.allocatable.cpu"));
        Assert.Equal($"{8192 * 1024}Ki", node.GetString("status.capacity.memory"));
        Assert.Equal($"{(8192 - ((11 * 29) + 255 + 100)) * 1024}Ki", node.GetString("status.allocatable.memory"));
        Assert.StartsWith("aws:///us-west-2a/i-", view.ProviderId, StringComparison.Ordinal);
        Assert.Equal([new Taint(Kubelet.NotReadyTaint, null, "NoSchedule")], view.Taints);
        Assert.Equal("False", view.Condition("Ready"));
        // A node of 1.33 outside a node group runs the version's default AMI, Amazon Linux 2023 (v20250715).
        Assert.Equal("Amazon Linux 2023.8.20250715", node.GetString("status.nodeInfo.osImage"));
        Assert.Equal("6.1.141-155.222.amzn2023.x86_64", node.GetString("status.nodeInfo.kernelVersion"));
        Assert.Equal("containerd://1.7.27", node.GetString("status.nodeInfo.containerRuntimeVersion"));
        Assert.Equal(("amd64", "amd64"), (node.GetString("status.nodeInfo.architecture"), node.Labels["kubernetes.io/arch"]));
    }

    [Fact]
    public void Kubelet_NetworkReady_NodeReadyAndTaintRemoved()
    {
        var cluster = new TestCluster();
        var node = cluster.AddEc2Node();

        var view = new NodeView(node);
        Assert.True(view.IsReady);
        Assert.Empty(view.Taints);
        Assert.Null(node["spec.taints"]);
        var ready = TestCluster.ConditionOf(node, "Ready")!;
        Assert.Equal("KubeletReady", ready["reason"]!.GetValue<string>());
        Assert.Equal("kubelet is posting ready status", ready["message"]!.GetValue<string>());
        Assert.Equal(["NodeReady: Node " + node.Name + " status is now: NodeReady"], cluster.EventLines(node));
        Assert.Equal(["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"], ((JsonArray)node["status.conditions"]!).Select(c => c!["type"]!.GetValue<string>()));
    }

    [Fact]
    public void Kubelet_NetworkNotReady_NodeStaysNotReadyUntilPluginIsReady()
    {
        var cluster = new TestCluster();
        var network = new FakeSandboxNetwork { NotReady = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:aws-node not started" };
        var node = cluster.AddEc2Node(run: false);
        cluster.Plane.SetNetwork(node.Name, network);
        cluster.Run();

        node = cluster.Node(node.Name);
        var view = new NodeView(node);
        Assert.False(view.IsReady);
        var condition = TestCluster.ConditionOf(node, "Ready")!;
        Assert.Equal("KubeletNotReady", condition["reason"]!.GetValue<string>());
        Assert.Equal(network.NotReady, condition["message"]!.GetValue<string>());
        Assert.Equal([Kubelet.NotReadyTaint], view.Taints.Select(t => t.Key));
        Assert.Empty(cluster.EventsAbout(node));

        cluster.Time.Advance(TimeSpan.FromSeconds(20));
        network.NotReady = null;
        cluster.Plane.Kubelet.RefreshNodes();
        cluster.Run();

        node = cluster.Node(node.Name);
        view = new NodeView(node);
        Assert.True(view.IsReady);
        Assert.Empty(view.Taints);
        Assert.Equal(KubeObject.FormatTimestamp(cluster.Time.GetUtcNow()), TestCluster.ConditionOf(node, "Ready")!["lastTransitionTime"]!.GetValue<string>());

        // And back: the plugin going away makes the node NotReady and tainted again.
        network.NotReady = NotInitialized;
        cluster.Plane.Kubelet.RefreshNodes();
        cluster.Run();
        view = new NodeView(cluster.Node(node.Name));
        Assert.False(view.IsReady);
        Assert.Equal([Kubelet.NotReadyTaint], view.Taints.Select(t => t.Key));
    }

    [Fact]
    public void Kubelet_PodStarts_RunningWithConditionsAndContainerStatuses()
    {
        var (cluster, node, network) = ClusterWithFakeNetwork();
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();

        var pod = cluster.Pod("web");
        Assert.Equal("Running", pod.GetString("status.phase"));
        Assert.Equal(network.Addresses["default/web"], pod.GetString("status.podIP"));
        Assert.Equal(pod.GetString("status.podIP"), pod["status.podIPs"]![0]!["ip"]!.GetValue<string>());
        Assert.Equal(new NodeView(node).InternalIP, pod.GetString("status.hostIP"));
        Assert.NotNull(pod.GetString("status.startTime"));
        var conditions = ((JsonArray)pod["status.conditions"]!).OfType<JsonObject>().ToList();
        Assert.Equal(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"], conditions.Select(c => c["type"]!.GetValue<string>()));
        Assert.All(conditions, c => Assert.Equal("True", c["status"]!.GetValue<string>()));
        var container = Assert.Single((JsonArray)pod["status.containerStatuses"]!)!;
        Assert.Equal("app", container["name"]!.GetValue<string>());
        Assert.Equal("nginx:1.27", container["image"]!.GetValue<string>());
        Assert.True(container["ready"]!.GetValue<bool>());
        Assert.True(container["started"]!.GetValue<bool>());
        Assert.Equal(0, container["restartCount"]!.GetValue<int>());
        Assert.Equal(KubeObject.FormatTimestamp(cluster.Time.GetUtcNow()), container["state"]!["running"]!["startedAt"]!.GetValue<string>());
        Assert.Matches("^containerd://[0-9a-f]{64}$", container["containerID"]!.GetValue<string>());
        Assert.Equal(["default/web"], network.Added);

        Assert.Equal(
            [
                $"Scheduled: Successfully assigned default/web to {node.Name}",
                "Pulled: Container image \"nginx:1.27\" already present on machine",
                "Created: Created container app",
                "Started: Started container app",
            ],
            cluster.EventLines(pod));
    }

    [Fact]
    public void Kubelet_FallbackNetwork_GivesNodeLocalAddresses()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.PodJson("a"));
        cluster.Run();
        cluster.Create(TestCluster.PodJson("b"));
        cluster.Run();

        Assert.Equal("10.88.1.2", cluster.Pod("a").GetString("status.podIP"));
        Assert.Equal("10.88.1.3", cluster.Pod("b").GetString("status.podIP"));
    }

    [Fact]
    public void Kubelet_SandboxFails_ContainerCreatingWithEventsUntilPluginWorks()
    {
        var (cluster, node, network) = ClusterWithFakeNetwork();
        network.AddError = "add cmd: failed to assign an IP address to container";
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();

        var pod = cluster.Pod("web");
        Assert.Equal("Pending", pod.GetString("status.phase"));
        Assert.Equal(node.Name, pod.GetString("spec.nodeName"));
        Assert.Null(pod.GetString("status.podIP"));
        Assert.Equal(new NodeView(node).InternalIP, pod.GetString("status.hostIP"));
        var container = Assert.Single((JsonArray)pod["status.containerStatuses"]!)!;
        Assert.Equal("ContainerCreating", container["state"]!["waiting"]!["reason"]!.GetValue<string>());
        Assert.False(container["ready"]!.GetValue<bool>());
        Assert.Single(network.Added);

        var failed = Assert.Single(cluster.Events("FailedCreatePodSandBox"));
        Assert.Equal("Warning", failed.GetString("type"));
        Assert.Equal(1, failed["count"]!.GetValue<int>());
        Assert.Equal("kubelet", failed.GetString("source.component"));
        Assert.Equal(node.Name, failed.GetString("source.host"));
        Assert.Matches(
            "^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"[0-9a-f]{64}\": plugin type=\"aws-cni\" name=\"aws-cni\" failed \\(add\\): add cmd: failed to assign an IP address to container$",
            failed.GetString("message"));

        // The kubelet tries again after its back-off (10 s and a jitter of up to 5 s drawn from the attempt), at the
        // next tick of its one-second sync loop, not before.
        var retry = BackOffAfter(failed, cluster.Time.GetUtcNow());
        Assert.Equal(cluster.Time.GetUtcNow() + retry, cluster.Plane.NextDue);
        cluster.Time.Advance(retry - TimeSpan.FromMilliseconds(1));
        cluster.Run();
        Assert.Single(network.Added);
        cluster.Time.Advance(TimeSpan.FromMilliseconds(1));
        cluster.Run();
        Assert.Equal(2, network.Added.Count);
        // Each attempt is a new sandbox with its own ID, so the second failure is an event of its own (client-go
        // counts up only identical messages, and combines them from the 10th different one).
        var failures = cluster.Events("FailedCreatePodSandBox");
        Assert.Equal(2, failures.Count);
        Assert.NotEqual(failures[0].GetString("message"), failures[1].GetString("message"));
        Assert.All(failures, f => Assert.Equal(1, f["count"]!.GetValue<int>()));
        Assert.Contains(failures, f => f.GetString("lastTimestamp") == KubeObject.FormatTimestamp(cluster.Time.GetUtcNow()));
        // containerd removes a sandbox whose network failed: nothing is said to have changed (Docker's dockershim does say so).
        Assert.Empty(cluster.Events("SandboxChanged"));

        network.AddError = null;
        cluster.Settle();

        pod = cluster.Pod("web");
        Assert.Equal("Running", pod.GetString("status.phase"));
        Assert.Equal(network.Addresses["default/web"], pod.GetString("status.podIP"));
        Assert.NotNull(((JsonArray)pod["status.containerStatuses"]!)[0]!["state"]!["running"]);
        Assert.Equal(3, network.Added.Count);
        Assert.Null(cluster.Plane.NextDue);
    }

    /// <summary>
    /// kubelet.go SyncPod: while the node's network is not ready (no CNI configuration yet: aws-node has not started
    /// ipamd), a pod not on the host network is not given a sandbox at all: NetworkNotReady with the runtime's reason,
    /// and the pod worker tries again after backOffOnTransientErrorPeriod (1 s, jittered, at the sync loop's tick).
    /// </summary>
    [Fact]
    public void Kubelet_NetworkNotReady_NoSandboxIsTried_NetworkNotReadyEvent_RetriedWithinTwoSeconds()
    {
        var (cluster, node, network) = ClusterWithFakeNetwork();
        const string Reason = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";
        network.NotReady = Reason;
        var start = cluster.Time.GetUtcNow();
        cluster.Create(TestCluster.PodJson("web", spec: s => s["nodeName"] = node.Name));
        cluster.Run();

        var warning = Assert.Single(cluster.Events("NetworkNotReady"));
        Assert.Equal(("Warning", $"network is not ready: {Reason}"), (warning.GetString("type"), warning.GetString("message")));
        Assert.Empty(network.Added);
        Assert.Empty(cluster.Events("FailedCreatePodSandBox"));
        Assert.InRange(cluster.Plane.NextDue!.Value - start, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        network.NotReady = null;
        cluster.Settle();
        Assert.Equal("Running", cluster.Pod("web").GetString("status.phase"));
        Assert.Single(network.Added);
    }

    /// <summary>
    /// On a node of Kubernetes 1.23 or earlier EKS's AMI ran Docker through the kubelet's dockershim: the failure reads as
    /// dockershim said it (seed 001's words: "failed to set up sandbox container … networkPlugin cni failed to set up
    /// pod …"), and the failed sandbox stays, so the next attempt reports SandboxChanged before it tries again.
    /// </summary>
    [Fact]
    public void Kubelet_SandboxFails_OnADockerNode_SaysItAsDockershim_AndTheRetryReportsSandboxChanged()
    {
        var cluster = new TestCluster();
        var network = new FakeSandboxNetwork { AddError = "add cmd: failed to assign an IP address to container" };
        var node = cluster.AddEc2Node(run: false, kubernetesVersion: "1.22");
        cluster.Plane.SetNetwork(node.Name, network);
        Assert.Equal("docker://20.10.17", node.GetString("status.nodeInfo.containerRuntimeVersion"));
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();

        var failed = Assert.Single(cluster.Events("FailedCreatePodSandBox"));
        Assert.Matches(
            "^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"[0-9a-f]{64}\" network for pod \"web\": networkPlugin cni failed to set up pod \"web_default\" network: add cmd: failed to assign an IP address to container$",
            failed.GetString("message"));
        Assert.Empty(cluster.Events("SandboxChanged"));

        cluster.Time.Advance(TimeSpan.FromSeconds(15));
        cluster.Run();
        Assert.Equal(2, network.Added.Count);
        Assert.Equal("Pod sandbox changed, it will be killed and re-created.", Assert.Single(cluster.Events("SandboxChanged")).GetString("message"));

        // The attempt that succeeds says so too, before it starts the containers (seed 001: FailedCreatePodSandBox,
        // SandboxChanged, Pulling … Started): the sandbox it replaces is the one that failed before it.
        network.AddError = null;
        cluster.Time.Advance(TimeSpan.FromSeconds(15));
        cluster.Settle();
        Assert.Equal("Running", cluster.Pod("web").GetString("status.phase"));
        // The same words again: client-go counts the one event up.
        var changed = Assert.Single(cluster.Events("SandboxChanged"));
        Assert.Equal(2, changed["count"]!.GetValue<int>());
        var lastFailure = cluster.Events("FailedCreatePodSandBox").Max(e => e.GetString("lastTimestamp"));
        var started = Assert.Single(cluster.Events("Started")).GetString("firstTimestamp");
        Assert.True(string.CompareOrdinal(lastFailure, changed.GetString("lastTimestamp")) < 0 && string.CompareOrdinal(changed.GetString("lastTimestamp"), started) <= 0);
    }

    /// <summary>
    /// pod_workers.go completeWork retries a failed sync after <c>wait.Jitter(backOffPeriod, 0.5)</c>: 10 s plus up to
    /// 5 s at random, so the retries of many pods spread out instead of coming in step; the sync loop takes them up on
    /// its one-second ticker. The random part is drawn from each attempt's sandbox ID, so a run repeats exactly.
    /// </summary>
    [Fact]
    public void Kubelet_SandboxFails_RetriesOnThePodWorkersJitteredBackOff_AtTheSyncLoopsNextTick()
    {
        var (cluster, _, network) = ClusterWithFakeNetwork();
        network.AddError = "failed to allocate for range 0: no IP addresses available in range set";
        var start = cluster.Time.GetUtcNow();
        foreach (var name in new[] { "a", "b", "c", "d", "e", "f" })
        {
            cluster.Create(TestCluster.PodJson(name));
        }

        cluster.Run();

        var retries = cluster.Events("FailedCreatePodSandBox").Select(f => BackOffAfter(f, start)).ToList();
        Assert.Equal(6, retries.Count);
        Assert.All(retries, r => Assert.InRange(r, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)));
        Assert.All(retries, r => Assert.Equal(0, (start + r).UtcTicks % TimeSpan.TicksPerSecond));
        Assert.True(retries.Distinct().Count() >= 3, string.Join(", ", retries));
        Assert.Equal(start + retries.Min(), cluster.Plane.NextDue);
    }

    /// <summary>
    /// How long after <paramref name="at"/> the kubelet retries the failed attempt <paramref name="failure"/> reports:
    /// 10 s plus the share of 5 s that the first four hex digits of its sandbox ID give (in whole milliseconds), then
    /// on to the next whole second, where its sync loop ticks.
    /// </summary>
    private static TimeSpan BackOffAfter(KubeObject failure, DateTimeOffset at)
    {
        var sandbox = System.Text.RegularExpressions.Regex.Match(failure.GetString("message")!, "sandbox \"([0-9a-f]{64})\"").Groups[1].Value;
        var due = at + TimeSpan.FromSeconds(10) + TimeSpan.FromMilliseconds(Math.Floor(Convert.ToUInt16(sandbox[..4], 16) / 65536.0 * 5000));
        var tick = (due.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond;
        return TimeSpan.FromTicks(tick - at.UtcTicks);
    }

    [Fact]
    public void Kubelet_HostNetworkPod_GetsNodeAddressWithoutThePlugin()
    {
        var (cluster, node, network) = ClusterWithFakeNetwork();
        network.AddError = "must not be asked";
        cluster.Create(TestCluster.PodJson("aws-node", spec: s => s["hostNetwork"] = true));
        cluster.Run();

        var pod = cluster.Pod("aws-node");
        var nodeIp = new NodeView(node).InternalIP;
        Assert.Equal("Running", pod.GetString("status.phase"));
        Assert.Equal(nodeIp, pod.GetString("status.podIP"));
        Assert.Equal(nodeIp, pod.GetString("status.hostIP"));
        Assert.Empty(network.Added);

        // Its container is stopped over the pod's grace period (killPod), then the pod goes.
        cluster.Store.Delete(pod);
        cluster.Settle();
        Assert.Null(cluster.TryPod("aws-node"));
        Assert.Empty(network.Deleted);
    }

    /// <summary>
    /// Fidelity fix (issue 9): the kubelet used to delete a terminating pod at its next sync; the real one stops its
    /// containers with the pod's grace period (kuberuntime_manager.go KillPod), so the pod shows Terminating that long
    /// (the emulated process, like one ignoring SIGTERM, runs until the grace period ends), and only then is its
    /// network torn down and the pod deleted.
    /// </summary>
    [Fact]
    public void Kubelet_DeleteRunningPod_TerminatingForItsGracePeriod_ThenGoneAndNetworkTornDown()
    {
        var (cluster, _, network) = ClusterWithFakeNetwork();
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();

        var terminating = cluster.Store.Delete(cluster.Pod("web"));

        Assert.NotNull(terminating);
        Assert.True(terminating.IsTerminating);
        Assert.Equal(cluster.Time.GetUtcNow().AddSeconds(30), terminating.DeletionTimestamp);
        Assert.Equal(30, terminating["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());

        // The kubelet begins to stop the container: Killing, and the pod stays Terminating with its address.
        cluster.Run();
        Assert.True(cluster.Pod("web").IsTerminating);
        Assert.Empty(network.Deleted);
        var killing = Assert.Single(cluster.Events("Killing"));
        Assert.Equal("Stopping container app", killing.GetString("message"));

        cluster.Time.Advance(TimeSpan.FromSeconds(29));
        cluster.Run();
        Assert.True(cluster.Pod("web").IsTerminating);
        Assert.Equal(cluster.Time.GetUtcNow().AddSeconds(1), cluster.Plane.NextDue);

        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        cluster.Run();
        Assert.Null(cluster.TryPod("web"));
        Assert.Equal(["default/web"], network.Deleted);
        Assert.Single(cluster.Events("Killing"));
    }

    /// <summary>A second delete with a shorter grace period shortens the wait; the kubelet never waits less than 2 s (minimumGracePeriodInSeconds).</summary>
    [Fact]
    public void Kubelet_DeletedAgainWithShorterGrace_GoesAtTheKubeletsMinimumOfTwoSeconds()
    {
        var (cluster, _, _) = ClusterWithFakeNetwork();
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();
        cluster.Store.Delete(cluster.Pod("web"));
        cluster.Run();

        cluster.Store.Delete(cluster.Pod("web"), new DeleteOptions(GracePeriodSeconds: 1));
        Assert.Equal(1, cluster.Pod("web")["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
        cluster.Run();
        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        cluster.Run();
        Assert.True(cluster.Pod("web").IsTerminating);

        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        cluster.Run();
        Assert.Null(cluster.TryPod("web"));
    }

    /// <summary>A pod whose sandbox never came up has no running container to stop: it goes at once, without a Killing event.</summary>
    [Fact]
    public void Kubelet_DeletePodWithoutRunningContainers_GoesAtOnce()
    {
        var (cluster, _, network) = ClusterWithFakeNetwork();
        network.AddError = "no addresses";
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();
        Assert.Equal("Pending", cluster.Pod("web").GetString("status.phase"));

        Assert.True(cluster.Store.Delete(cluster.Pod("web"))!.IsTerminating);
        cluster.Run();

        Assert.Null(cluster.TryPod("web"));
        Assert.Empty(cluster.Events("Killing"));
    }

    [Fact]
    public void Kubelet_DeletePodWithDefaultedGracePeriod_Terminates()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        var pod = TestCluster.PodJson("web");
        ((JsonObject)pod["spec"]!).Remove("terminationGracePeriodSeconds");
        cluster.Create(pod);
        cluster.Run();

        Assert.True(cluster.Store.Delete(cluster.Pod("web"))!.IsTerminating);
        cluster.Run();
        Assert.True(cluster.Pod("web").IsTerminating);
        cluster.Settle();
        Assert.Null(cluster.TryPod("web"));
    }

    [Fact]
    public void Kubelet_UnscheduledPod_LeftAlone()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();

        Assert.Equal("Pending", cluster.Pod("web").GetString("status.phase"));
        Assert.Null(cluster.Pod("web")["status.containerStatuses"]);
        cluster.Store.Delete(pod);
        Assert.Null(cluster.TryPod("web"));
    }
}
