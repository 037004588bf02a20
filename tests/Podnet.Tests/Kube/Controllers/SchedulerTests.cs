using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Tests.Kube.Controllers;

public class SchedulerTests
{
    private static JsonObject Cpu(string amount) => new() { ["cpu"] = amount };

    private static void AssertUnschedulable(TestCluster cluster, string pod, string message)
    {
        var found = cluster.Pod(pod);
        Assert.Null(found.GetString("spec.nodeName"));
        Assert.Equal("Pending", found.GetString("status.phase"));
        var condition = TestCluster.ConditionOf(found, "PodScheduled")!;
        Assert.Equal("False", condition["status"]!.GetValue<string>());
        Assert.Equal("Unschedulable", condition["reason"]!.GetValue<string>());
        Assert.Equal(message, condition["message"]!.GetValue<string>());
        var failed = Assert.Single(cluster.EventsAbout(found), e => e.GetString("reason") == "FailedScheduling");
        Assert.Equal("Warning", failed.GetString("type"));
        Assert.Equal(message, failed.GetString("message"));
        Assert.Equal("default-scheduler", failed.GetString("source.component"));
    }

    [Fact]
    public void Scheduler_ReadyNode_BindsAndSaysSo()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();

        var pod = cluster.Pod("web");
        Assert.Equal("node-1", pod.GetString("spec.nodeName"));
        var scheduled = TestCluster.ConditionOf(pod, "PodScheduled")!;
        Assert.Equal("True", scheduled["status"]!.GetValue<string>());
        Assert.Null(scheduled["reason"]);
        var events = cluster.EventsAbout(pod);
        var first = events[0];
        Assert.Equal("Scheduled", first.GetString("reason"));
        Assert.Equal("Successfully assigned default/web to node-1", first.GetString("message"));
        Assert.Equal("Normal", first.GetString("type"));
        Assert.Equal("default-scheduler", first.GetString("source.component"));
        Assert.Equal("Pod", first.GetString("involvedObject.kind"));
        Assert.Equal(pod.Uid, first.GetString("involvedObject.uid"));
    }

    [Fact]
    public void Scheduler_TwoPodsTwoEmptyNodes_SpreadsThem()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-a");
        cluster.AddNode("node-b");
        cluster.Create(TestCluster.PodJson("one", requests: Cpu("500m")));
        cluster.Run();
        cluster.Create(TestCluster.PodJson("two", requests: Cpu("500m")));
        cluster.Run();

        Assert.Equal("node-a", cluster.Pod("one").GetString("spec.nodeName"));
        Assert.Equal("node-b", cluster.Pod("two").GetString("spec.nodeName"));
    }

    [Fact]
    public void Scheduler_ManyPods_SpreadEvenlyByLeastAllocation()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-a");
        cluster.AddNode("node-b");
        cluster.AddNode("node-c");
        cluster.Create(TestCluster.DeploymentJson("web", 6));
        cluster.Run();

        var perNode = cluster.Pods("app=web").GroupBy(p => p.GetString("spec.nodeName")!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["node-a"] = 2, ["node-b"] = 2, ["node-c"] = 2 }, perNode);
    }

    [Fact]
    public void Scheduler_NoNodeHasCpu_SaysInsufficientCpu()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1", cpu: "1");
        cluster.AddNode("node-2", cpu: "1930m");
        cluster.Create(TestCluster.PodJson("big", requests: Cpu("2")));
        cluster.Run();

        AssertUnschedulable(cluster, "big", "0/2 nodes are available: 2 Insufficient cpu.");
    }

    [Fact]
    public void Scheduler_CpuUsedByOtherPods_Counts()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1", cpu: "1");
        cluster.Create(TestCluster.PodJson("first", requests: Cpu("600m")));
        cluster.Create(TestCluster.PodJson("second", requests: Cpu("600m")));
        cluster.Run();

        Assert.Equal("node-1", cluster.Pod("first").GetString("spec.nodeName"));
        AssertUnschedulable(cluster, "second", "0/1 nodes are available: 1 Insufficient cpu.");
    }

    [Fact]
    public void Scheduler_RequestsFillingTheNodeExactly_Fit_OneMillicoreMoreDoesNot()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1", cpu: "1");
        cluster.Create(TestCluster.PodJson("half", requests: Cpu("0.5")));
        cluster.Create(TestCluster.PodJson("other-half", requests: Cpu("500m")));
        cluster.Create(TestCluster.PodJson("one-more", requests: Cpu("1m")));
        cluster.Run();

        Assert.Equal("node-1", cluster.Pod("half").GetString("spec.nodeName"));
        Assert.Equal("node-1", cluster.Pod("other-half").GetString("spec.nodeName"));
        AssertUnschedulable(cluster, "one-more", "0/1 nodes are available: 1 Insufficient cpu.");
    }

    [Fact]
    public void Scheduler_SubMillicoreRequest_CountsAsAWholeMillicore_AsMilliValueRoundsUp()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1", cpu: "1");
        cluster.Create(TestCluster.PodJson("almost-all", requests: Cpu("999m")));
        cluster.Create(TestCluster.PodJson("tiny", requests: Cpu("0.0001")));
        cluster.Create(TestCluster.PodJson("tiny-too", requests: Cpu("0.0001")));
        cluster.Run();

        Assert.Equal("node-1", cluster.Pod("tiny").GetString("spec.nodeName"));
        AssertUnschedulable(cluster, "tiny-too", "0/1 nodes are available: 1 Insufficient cpu.");
    }

    [Theory]
    [InlineData("0.0001", 1)]
    [InlineData("0.1", 100)]
    [InlineData("2", 2000)]
    [InlineData("209715200", 209_715_200_000)]
    public void MilliValue_IsThousandthsRoundedUp(string amount, long expected)
        => Assert.Equal(expected, Podnet.Kube.Controllers.MilliValue.Of(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void MilliValue_BeyondInt64Thousandths_Saturates_WithoutOverflow()
    {
        var huge = Podnet.Kube.Controllers.MilliValue.Of(decimal.MaxValue);
        Assert.True(huge > 0 && huge + huge > 0, "two saturated amounts must still add up without overflowing");
    }

    [Fact]
    public void Scheduler_NodeFull_SaysTooManyPods()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1", pods: "2");
        cluster.Create(TestCluster.PodJson("a"));
        cluster.Create(TestCluster.PodJson("b"));
        cluster.Create(TestCluster.PodJson("c"));
        cluster.Run();

        Assert.Equal("node-1", cluster.Pod("a").GetString("spec.nodeName"));
        Assert.Equal("node-1", cluster.Pod("b").GetString("spec.nodeName"));
        AssertUnschedulable(cluster, "c", "0/1 nodes are available: 1 Too many pods.");
    }

    private static Action<JsonObject> Ports(bool hostNetwork, string ports, string? sidecarPorts = null) => spec =>
    {
        spec["hostNetwork"] = hostNetwork;
        spec["containers"]![0]!["ports"] = JsonNode.Parse(ports);
        if (sidecarPorts is not null)
        {
            spec["initContainers"] = new JsonArray(new JsonObject { ["name"] = "proxy", ["image"] = "envoy:1.31", ["restartPolicy"] = "Always", ["ports"] = JsonNode.Parse(sidecarPorts) });
        }
    };

    [Fact]
    public void Scheduler_TwoHostNetworkPodsOfOneContainerPort_SecondSaysNoFreePorts()
    {
        // defaultHostNetworkPorts gives both pods hostPort 9100, so NodePorts refuses the second on the only node.
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.PodJson("exporter-a", spec: Ports(true, """[{"containerPort":9100}]""")));
        cluster.Run();
        cluster.Create(TestCluster.PodJson("exporter-b", spec: Ports(true, """[{"containerPort":9100}]""")));
        cluster.Run();

        Assert.Equal("node-1", cluster.Pod("exporter-a").GetString("spec.nodeName"));
        AssertUnschedulable(cluster, "exporter-b", "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.");
    }

    [Fact]
    public void Scheduler_PodNetworkPodsOfOneContainerPort_ShareTheNode()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.PodJson("web-a", spec: Ports(false, """[{"containerPort":80,"hostPort":0}]""")));
        cluster.Create(TestCluster.PodJson("web-b", spec: Ports(false, """[{"containerPort":80}]""")));
        cluster.Run();

        Assert.Equal("node-1", cluster.Pod("web-a").GetString("spec.nodeName"));
        Assert.Equal("node-1", cluster.Pod("web-b").GetString("spec.nodeName"));
    }

    [Fact]
    public void Scheduler_SidecarInitContainerHostPort_IsClaimed()
    {
        // GetHostPorts counts init containers with restartPolicy Always: they run the whole life of the pod.
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.PodJson("meshed", spec: Ports(false, """[{"containerPort":80}]""", """[{"containerPort":15001,"hostPort":15001}]""")));
        cluster.Run();
        cluster.Create(TestCluster.PodJson("other", spec: Ports(false, """[{"containerPort":8080,"hostPort":15001}]""")));
        cluster.Run();

        Assert.Equal("node-1", cluster.Pod("meshed").GetString("spec.nodeName"));
        AssertUnschedulable(cluster, "other", "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.");
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.2", true)] // two addresses of the node: no conflict
    [InlineData("10.0.0.1", "10.0.0.1", false)] // the same address
    [InlineData("", "10.0.0.2", false)] // the first binds every address (0.0.0.0)
    [InlineData("10.0.0.1", "", false)] // the second does
    [InlineData("10.0.0.1", "0.0.0.0", false)]
    public void Scheduler_HostPortsOnTheSameNode_ConflictByAddress(string firstIp, string secondIp, bool bothFit)
    {
        // HostPortInfo.CheckConflict (pkg/scheduler/framework/types.go): 0.0.0.0 conflicts with the port on any address,
        // an address with itself and with 0.0.0.0.
        static string Port(string ip) => ip.Length == 0 ? """[{"containerPort":80,"hostPort":8080}]""" : $$"""[{"containerPort":80,"hostPort":8080,"hostIP":"{{ip}}"}]""";
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.PodJson("first", spec: Ports(false, Port(firstIp))));
        cluster.Run();
        cluster.Create(TestCluster.PodJson("second", spec: Ports(false, Port(secondIp))));
        cluster.Run();

        Assert.Equal("node-1", cluster.Pod("first").GetString("spec.nodeName"));
        if (bothFit)
        {
            Assert.Equal("node-1", cluster.Pod("second").GetString("spec.nodeName"));
        }
        else
        {
            AssertUnschedulable(cluster, "second", "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.");
        }
    }

    [Fact]
    public void Scheduler_NodeSelectorMatchesNothing_SaysAffinitySelector()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2");
        cluster.Create(TestCluster.PodJson("gpu", spec: s => s["nodeSelector"] = new JsonObject { ["accelerator"] = "nvidia" }));
        cluster.Run();

        AssertUnschedulable(cluster, "gpu", "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
    }

    [Fact]
    public void Scheduler_NodeSelector_PicksTheLabelledNode()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2", adjust: n => n["metadata"]!["labels"]!["accelerator"] = "nvidia");
        cluster.Create(TestCluster.PodJson("gpu", spec: s => s["nodeSelector"] = new JsonObject { ["accelerator"] = "nvidia" }));
        cluster.Run();

        Assert.Equal("node-2", cluster.Pod("gpu").GetString("spec.nodeName"));
    }

    [Fact]
    public void Scheduler_NotReadyNodes_SayUntoleratedNotReadyTaint()
    {
        var cluster = new TestCluster();
        var network = new FakeSandboxNetwork { NotReady = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized" };
        var one = cluster.AddEc2Node(run: false);
        var two = cluster.AddEc2Node(run: false);
        cluster.Plane.SetNetwork(one.Name, network);
        cluster.Plane.SetNetwork(two.Name, network);
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();

        AssertUnschedulable(cluster, "web", "0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.");

        network.NotReady = null;
        cluster.Plane.Kubelet.RefreshNodes();
        cluster.Run();

        var pod = cluster.Pod("web");
        Assert.Contains(pod.GetString("spec.nodeName"), new[] { one.Name, two.Name });
        Assert.Equal("Running", pod.GetString("status.phase"));
        Assert.Equal("True", TestCluster.ConditionOf(pod, "PodScheduled")!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Scheduler_PodEniExhausted_46thPodStaysPending()
    {
        var cluster = new TestCluster();
        for (var i = 1; i <= 5; i++)
        {
            cluster.AddNode($"node-{i}", adjust: n =>
            {
                n["status"]!["allocatable"]!["vpc.amazonaws.com/pod-eni"] = "9";
                n["status"]!["capacity"]!["vpc.amazonaws.com/pod-eni"] = "9";
            });
        }

        var eni = new JsonObject { ["vpc.amazonaws.com/pod-eni"] = "1" };
        for (var i = 1; i <= 46; i++)
        {
            var name = $"sgp-{i:00}";
            cluster.Create(TestCluster.PodJson(name, spec: s => s["containers"]![0]!["resources"] = new JsonObject { ["limits"] = eni.DeepClone(), ["requests"] = eni.DeepClone() }));
            cluster.Run();
        }

        var placed = cluster.Pods().Where(p => p.GetString("spec.nodeName") is not null).GroupBy(p => p.GetString("spec.nodeName")!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(1, 5).ToDictionary(i => $"node-{i}", _ => 9), placed);
        AssertUnschedulable(cluster, "sgp-46", "0/5 nodes are available: 5 Insufficient vpc.amazonaws.com/pod-eni.");
    }

    [Fact]
    public void Scheduler_MixedReasons_SortedAndCounted()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1", cpu: "1");
        cluster.AddNode("node-2", adjust: n => n["spec"]!["unschedulable"] = true);
        cluster.Create(TestCluster.PodJson("big", requests: Cpu("2")));
        cluster.Run();

        AssertUnschedulable(cluster, "big", "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.");
    }

    [Fact]
    public void Scheduler_NoNodes_SaysZeroOfZero()
    {
        var cluster = new TestCluster();
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Run();

        AssertUnschedulable(cluster, "web", "0/0 nodes are available.");
    }

    [Fact]
    public void Scheduler_NodeAdded_RetriesUnschedulablePod()
    {
        var cluster = new TestCluster();
        cluster.AddNode("small", cpu: "1");
        cluster.Create(TestCluster.PodJson("big", requests: Cpu("2")));
        cluster.Run();
        AssertUnschedulable(cluster, "big", "0/1 nodes are available: 1 Insufficient cpu.");

        cluster.AddNode("large", cpu: "4");

        var pod = cluster.Pod("big");
        Assert.Equal("large", pod.GetString("spec.nodeName"));
        Assert.Equal("Running", pod.GetString("status.phase"));
        var condition = TestCluster.ConditionOf(pod, "PodScheduled")!;
        Assert.Equal("True", condition["status"]!.GetValue<string>());
        Assert.Null(condition["reason"]);
        Assert.Contains("Scheduled: Successfully assigned default/big to large", cluster.EventLines(pod));
    }

    [Fact]
    public void Scheduler_PodDeleted_RetriesUnschedulablePod()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1", pods: "1");
        cluster.Create(TestCluster.PodJson("first"));
        cluster.Run();
        cluster.Create(TestCluster.PodJson("second"));
        cluster.Run();
        AssertUnschedulable(cluster, "second", "0/1 nodes are available: 1 Too many pods.");

        // The first pod keeps its place while it is Terminating (its grace period, 30 s); once it is gone the second is
        // scheduled (fidelity fix, issue 9: the kubelet used to delete it at once).
        cluster.Store.Delete(cluster.Pod("first"));
        cluster.Run();
        AssertUnschedulable(cluster, "second", "0/1 nodes are available: 1 Too many pods.");
        cluster.Settle();

        Assert.Null(cluster.TryPod("first"));
        var second = cluster.Pod("second");
        Assert.Equal("node-1", second.GetString("spec.nodeName"));
        Assert.Equal("Running", second.GetString("status.phase"));
    }

    [Fact]
    public void Scheduler_RepeatedFailures_AggregateIntoOneEvent()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1", cpu: "1");
        cluster.Create(TestCluster.PodJson("big", requests: Cpu("2")));
        cluster.Run();

        var first = Assert.Single(cluster.Events("FailedScheduling"));
        Assert.Equal(1, first["count"]!.GetValue<int>());
        var firstSeen = first.GetString("firstTimestamp");

        // Any change of a node makes the scheduler try again; the same failure is counted, not repeated.
        for (var i = 1; i <= 2; i++)
        {
            cluster.Time.Advance(TimeSpan.FromSeconds(30));
            cluster.Store.Patch(cluster.Node("node-1"), PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["touch"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } } });
            cluster.Run();
        }

        var aggregated = Assert.Single(cluster.Events("FailedScheduling"));
        Assert.Equal(first.Name, aggregated.Name);
        Assert.Equal(3, aggregated["count"]!.GetValue<int>());
        Assert.Equal(firstSeen, aggregated.GetString("firstTimestamp"));
        Assert.Equal(KubeObject.FormatTimestamp(cluster.Time.GetUtcNow()), aggregated.GetString("lastTimestamp"));
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu.", aggregated.GetString("message"));
    }

    [Fact]
    public void Scheduler_PinnedPodThatDoesNotFitItsNode_IsFilteredOnThatNodeAlone()
    {
        // schedule_one.go findNodesThatFitPod: NodeAffinity's PreFilter result (the node named by metadata.name) is the
        // only node filtered; the others count under one status. node-1 is full, node-2 is not looked at.
        var cluster = new TestCluster();
        cluster.AddNode("node-1", cpu: "1");
        cluster.AddNode("node-2");
        var pinned = TestCluster.PodJson("pinned", requests: Cpu("2"), spec: s => s["affinity"] = JsonNode.Parse("""
            {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchFields":[{"key":"metadata.name","operator":"In","values":["node-1"]}]}]}}}
            """));
        cluster.Create(pinned);
        cluster.Run();

        AssertUnschedulable(cluster, "pinned", "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't satisfy plugin(s) [NodeAffinity].");
    }

    [Fact]
    public void Scheduler_DaemonSetPodPinnedElsewhere_SaysAffinity()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        var pinned = TestCluster.PodJson("pinned", spec: s => s["affinity"] = JsonNode.Parse("""
            {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchFields":[{"key":"metadata.name","operator":"In","values":["node-9"]}]}]}}}
            """));
        cluster.Create(pinned);
        cluster.Run();

        // NodeAffinity's PreFilter names node-9 alone; it does not exist, so node-1 is left out with the absent nodes' status.
        AssertUnschedulable(cluster, "pinned", "0/1 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity].");
        Assert.Equal(["node(s) didn't match Pod's node affinity/selector"], Podnet.Kube.Controllers.Scheduler.Filter(PodView.Of(cluster.Pod("pinned")), new NodeView(cluster.Node("node-1")), []));
    }

    [Fact]
    public void Scheduler_Filter_TaintToleratedByPod_Fits()
    {
        var cluster = new TestCluster();
        cluster.AddNode("infra", adjust: n => n["spec"]!["taints"] = new JsonArray(new JsonObject { ["key"] = "dedicated", ["value"] = "infra", ["effect"] = "NoSchedule" }));
        cluster.Create(TestCluster.PodJson("plain"));
        cluster.Create(TestCluster.PodJson("tolerant", spec: s => s["tolerations"] = new JsonArray(new JsonObject { ["key"] = "dedicated", ["operator"] = "Equal", ["value"] = "infra", ["effect"] = "NoSchedule" })));
        cluster.Run();

        AssertUnschedulable(cluster, "plain", "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}.");
        Assert.Equal("infra", cluster.Pod("tolerant").GetString("spec.nodeName"));
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(500, 230)]
    [InlineData(1000, 420)]
    [InlineData(5000, 500)]
    [InlineData(6000, 300)]
    public void Scheduler_NumFeasibleNodesToFind_IsKubeSchedulersAdaptivePercentage(int nodes, int expected)
        => Assert.Equal(expected, Podnet.Kube.Controllers.Scheduler.NumFeasibleNodesToFind(nodes));
}
