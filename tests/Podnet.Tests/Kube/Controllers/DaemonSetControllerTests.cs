using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.Tests.Kube.Controllers;

public class DaemonSetControllerTests
{
    private static KubeObject DaemonSet(TestCluster cluster, string name = "aws-node") => cluster.Get("apps/v1", "DaemonSet", name, "kube-system");

    private static IReadOnlyList<KubeObject> DaemonPods(TestCluster cluster, string name = "aws-node") => cluster.Pods($"k8s-app={name}", "kube-system");

    private static Dictionary<string, string> PodsByNode(TestCluster cluster, string name = "aws-node")
        => DaemonPods(cluster, name).ToDictionary(p => PodView.Of(p).AffinityNodeName!, p => p.Name, StringComparer.Ordinal);

    [Fact]
    public void DaemonSet_OnePodPerNode_PinnedByNodeAffinityOnName()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2");
        cluster.Create(TestCluster.DaemonSetJson("aws-node"));
        cluster.Run();

        var ds = DaemonSet(cluster);
        var hash = TemplateHash.Of(ds["spec.template"]);
        var pods = DaemonPods(cluster);
        Assert.Equal(2, pods.Count);
        foreach (var (pod, node) in pods.OrderBy(p => p.GetString("spec.nodeName"), StringComparer.Ordinal).Zip(new[] { "node-1", "node-2" }))
        {
            Assert.StartsWith("aws-node-", pod.Name, StringComparison.Ordinal);
            Assert.Equal(5, pod.Name.Length - "aws-node-".Length);
            Assert.Equal(node, pod.GetString("spec.nodeName"));
            Assert.Equal("Running", pod.GetString("status.phase"));
            Assert.Equal(hash, pod.Labels["controller-revision-hash"]);
            Assert.Equal("1", pod.Labels["pod-template-generation"]);
            Assert.Equal(new OwnerReference("apps/v1", "DaemonSet", "aws-node", ds.Uid!, true, true), Assert.Single(pod.OwnerReferences));
            var term = (JsonObject)pod["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"]![0]!;
            Assert.True(JsonNode.DeepEquals(
                JsonNode.Parse($$"""{"matchFields":[{"key":"metadata.name","operator":"In","values":["{{node}}"]}]}"""),
                term));
            var tolerations = ((JsonArray)pod["spec.tolerations"]!).OfType<JsonObject>().Select(t => $"{t["key"]}:{t["effect"]}").ToList();
            Assert.Contains("node.kubernetes.io/not-ready:NoExecute", tolerations);
            Assert.Contains("node.kubernetes.io/unschedulable:NoSchedule", tolerations);
        }

        Assert.Equal(2, cluster.EventLines(ds).Count(l => l.StartsWith("SuccessfulCreate: Created pod: aws-node-", StringComparison.Ordinal)));
    }

    [Fact]
    public void DaemonSet_Status_CountsDesiredAndReady()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2");
        cluster.AddNode("node-3");
        cluster.Create(TestCluster.DaemonSetJson("aws-node"));
        cluster.Run();

        var status = DaemonSet(cluster)["status"]!;
        Assert.Equal(3, status["desiredNumberScheduled"]!.GetValue<int>());
        Assert.Equal(3, status["currentNumberScheduled"]!.GetValue<int>());
        Assert.Equal(3, status["numberReady"]!.GetValue<int>());
        Assert.Equal(3, status["numberAvailable"]!.GetValue<int>());
        Assert.Equal(3, status["updatedNumberScheduled"]!.GetValue<int>());
        Assert.Equal(0, status["numberMisscheduled"]!.GetValue<int>());
        Assert.Equal(1, status["observedGeneration"]!.GetValue<long>());
        Assert.Null(status["numberUnavailable"]);
    }

    [Fact]
    public void DaemonSet_NodeSelectorAndTaints_SkipIneligibleNodes()
    {
        var cluster = new TestCluster();
        var taint = new JsonArray(new JsonObject { ["key"] = "dedicated", ["value"] = "gpu", ["effect"] = "NoSchedule" });
        cluster.AddNode("linux-1");
        cluster.AddNode("linux-tainted", adjust: n => n["spec"]!["taints"] = taint.DeepClone());
        cluster.AddNode("windows-1", adjust: n => n["metadata"]!["labels"]!["kubernetes.io/os"] = "windows");
        cluster.Create(TestCluster.DaemonSetJson("aws-node", spec: s => s["nodeSelector"] = new JsonObject { ["kubernetes.io/os"] = "linux" }));
        cluster.Run();

        Assert.Equal(["linux-1"], PodsByNode(cluster).Keys);
        Assert.Equal(1, DaemonSet(cluster)["status.desiredNumberScheduled"]!.GetValue<int>());

        // Tolerating the taint makes the tainted node eligible.
        cluster.Store.Patch(
            DaemonSet(cluster),
            PatchType.StrategicMerge,
            JsonNode.Parse("""{"spec":{"template":{"spec":{"tolerations":[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]}}}}""")!);
        // Each replaced pod is Terminating for its grace period (30 s) before it goes (the kubelet's killPod; fidelity fix, issue 9).
        cluster.Settle(TimeSpan.FromMinutes(5));

        Assert.Equal(["linux-1", "linux-tainted"], PodsByNode(cluster).Keys.Order(StringComparer.Ordinal));
        Assert.Equal("linux-tainted", DaemonPods(cluster).Single(p => PodView.Of(p).AffinityNodeName == "linux-tainted").GetString("spec.nodeName"));
        var status = DaemonSet(cluster)["status"]!;
        Assert.Equal(2, status["desiredNumberScheduled"]!.GetValue<int>());
        Assert.Equal(2, status["numberReady"]!.GetValue<int>());
    }

    [Fact]
    public void DaemonSet_NodeStatusUpdate_IsNoReasonToLookAgain_ButALabelIs()
    {
        // daemon_controller.go shouldIgnoreNodeUpdate: only a node's labels and taints decide where a DaemonSet runs.
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.DaemonSetJson("aws-node", spec: s => s["nodeSelector"] = new JsonObject { ["role"] = "net" }));
        cluster.Run();
        Assert.Empty(DaemonPods(cluster));
        long DaemonSetLists() => cluster.Store.WholeKindLists.GetValueOrDefault("DaemonSet");
        var before = DaemonSetLists();

        cluster.Store.UpdateStatus(cluster.Node("node-1").With(n => n["status"]!["allocatable"]!["pods"] = "17"));
        cluster.Run();
        Assert.Equal(before, DaemonSetLists());

        cluster.Store.Update(cluster.Node("node-1").With(n => n["metadata"]!["labels"]!["role"] = "net"));
        cluster.Run();
        Assert.True(DaemonSetLists() > before);
        Assert.Equal(["node-1"], PodsByNode(cluster).Keys);
    }

    [Fact]
    public void DaemonSet_NodeLabelThatChangesNoPlacement_IsNoReasonToSyncAgain()
    {
        // daemon_controller.go updateNode: a DaemonSet is synced again only when the node's change changes whether its
        // pod should run there (the resource controller labels every node of a cluster with security groups for pods).
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.DaemonSetJson("aws-node", spec: s => s["nodeSelector"] = new JsonObject { ["role"] = "net" }));
        cluster.Store.Update(cluster.Node("node-1").With(n => n["metadata"]!["labels"]!["role"] = "net"));
        cluster.Run();
        Assert.Equal(["node-1"], PodsByNode(cluster).Keys);
        long NodeLists() => cluster.Store.WholeKindLists.GetValueOrDefault("Node");
        var before = NodeLists();

        cluster.Store.Update(cluster.Node("node-1").With(n => n["metadata"]!["labels"]!["vpc.amazonaws.com/has-trunk-attached"] = "true"));
        cluster.Run();
        Assert.Equal(before, NodeLists());

        cluster.Store.Update(cluster.Node("node-1").With(n => n["metadata"]!["labels"]!["role"] = "storage"));
        cluster.Run();
        Assert.True(NodeLists() > before);
        Assert.DoesNotContain(DaemonPods(cluster), p => !p.IsTerminating);
    }

    [Fact]
    public void DaemonSet_PodRelabeledOutOfItsSelector_IsReleased_AndItsNodeGetsAnother()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2");
        cluster.Create(TestCluster.DaemonSetJson("aws-node"));
        cluster.Settle();
        var taken = PodsByNode(cluster)["node-1"];

        cluster.Store.Update(cluster.Pod(taken, "kube-system").WithLabel("k8s-app", "debug"));
        cluster.Settle();

        var released = cluster.Pod(taken, "kube-system");
        Assert.Empty(released.OwnerReferences);
        Assert.Equal("Running", released.GetString("status.phase"));
        var byNode = PodsByNode(cluster);
        Assert.Equal(["node-1", "node-2"], byNode.Keys.Order(StringComparer.Ordinal));
        Assert.NotEqual(taken, byNode["node-1"]);
        Assert.All(DaemonPods(cluster), p => Assert.Equal(DaemonSet(cluster).Uid, Assert.Single(p.OwnerReferences).Uid));
        Assert.Equal(3, cluster.EventLines(DaemonSet(cluster)).Count(l => l.StartsWith("SuccessfulCreate: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void DaemonSet_NewNode_GetsAPod()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.DaemonSetJson("kube-proxy"));
        cluster.Run();
        Assert.Single(DaemonPods(cluster, "kube-proxy"));

        cluster.AddNode("node-2");

        var byNode = PodsByNode(cluster, "kube-proxy");
        Assert.Equal(["node-1", "node-2"], byNode.Keys.Order(StringComparer.Ordinal));
        var newPod = cluster.Pod(byNode["node-2"], "kube-system");
        Assert.Equal("node-2", newPod.GetString("spec.nodeName"));
        Assert.Equal("Running", newPod.GetString("status.phase"));
        Assert.Equal(2, DaemonSet(cluster, "kube-proxy")["status.numberReady"]!.GetValue<int>());
    }

    [Fact]
    public void DaemonSet_NodeDeleted_PodGoes()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2");
        cluster.Create(TestCluster.DaemonSetJson("kube-proxy"));
        cluster.Run();

        cluster.Store.Delete(cluster.Node("node-2"));
        cluster.Run();

        Assert.Equal(["node-1"], PodsByNode(cluster, "kube-proxy").Keys);
        Assert.Equal(1, DaemonSet(cluster, "kube-proxy")["status.desiredNumberScheduled"]!.GetValue<int>());
    }

    [Fact]
    public void DaemonSet_SetEnv_ReplacesPodsOneNodeAtATime()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2");
        cluster.AddNode("node-3");
        cluster.Create(TestCluster.DaemonSetJson("aws-node"));
        cluster.Run();
        var oldPods = DaemonPods(cluster).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var oldHash = DaemonPods(cluster)[0].Labels["controller-revision-hash"];

        // Follow every pod change and note how many nodes lack a ready, current aws-node pod at any moment.
        var latest = DaemonPods(cluster).ToDictionary(p => p.Name, StringComparer.Ordinal);
        var maxUnavailable = 0;
        cluster.Store.Subscribe(change =>
        {
            if (change.Object.Kind != "Pod" || change.Object.Namespace != "kube-system")
            {
                return;
            }

            if (change.Type == WatchEventType.Deleted)
            {
                latest.Remove(change.Object.Name);
            }
            else
            {
                latest[change.Object.Name] = change.Object;
            }

            var available = latest.Values.Select(p => PodView.Of(p)).Where(p => p.IsReady && !p.IsTerminating).Select(p => p.NodeName).Distinct().Count();
            maxUnavailable = Math.Max(maxUnavailable, 3 - available);
        });

        // kubectl set env daemonset aws-node -n kube-system ENABLE_POD_ENI=true
        cluster.Store.Patch(
            DaemonSet(cluster),
            PatchType.StrategicMerge,
            JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"aws-node","env":[{"name":"ENABLE_POD_ENI","value":"true"}]}]}}}}""")!);
        // Each replaced pod is Terminating for its grace period (30 s) before it goes (the kubelet's killPod; fidelity fix, issue 9).
        cluster.Settle(TimeSpan.FromMinutes(5));

        var ds = DaemonSet(cluster);
        var generation = ds["metadata.generation"]!.GetValue<long>();
        var newHash = TemplateHash.Of(ds["spec.template"]);
        Assert.NotEqual(oldHash, newHash);
        var pods = DaemonPods(cluster);
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.DoesNotContain(p.Name, oldPods);
            Assert.Equal(newHash, p.Labels["controller-revision-hash"]);
            Assert.Equal(generation.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Labels["pod-template-generation"]);
            Assert.Equal("Running", p.GetString("status.phase"));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"name":"ENABLE_POD_ENI","value":"true"}]"""), p["spec.containers"]![0]!["env"]));
        });
        Assert.Equal(["node-1", "node-2", "node-3"], pods.Select(p => p.GetString("spec.nodeName")).Order(StringComparer.Ordinal));
        Assert.Equal(1, maxUnavailable);

        // After the three creations: delete one, create its replacement, and so on.
        var rollout = cluster.EventLines(ds).Skip(3).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();
        Assert.Equal(["SuccessfulDelete", "SuccessfulCreate", "SuccessfulDelete", "SuccessfulCreate", "SuccessfulDelete", "SuccessfulCreate"], rollout);

        var status = ds["status"]!;
        Assert.Equal(generation, status["observedGeneration"]!.GetValue<long>());
        Assert.Equal(3, status["updatedNumberScheduled"]!.GetValue<int>());
        Assert.Equal(3, status["numberReady"]!.GetValue<int>());
        Assert.Equal(3, status["desiredNumberScheduled"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":2}}", 2)]
    [InlineData("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"50%\"}}", 2)]
    [InlineData("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"10%\"}}", 1)]
    public void DaemonSet_RollingUpdate_DeletesUpToMaxUnavailableAtOnce(string strategy, int atOnce)
    {
        // aws-node's own strategy is maxUnavailable 10% (rounded up: 1 of 4 nodes); 50% of 4 is 2.
        var cluster = new TestCluster();
        foreach (var node in new[] { "node-1", "node-2", "node-3", "node-4" })
        {
            cluster.AddNode(node);
        }

        cluster.Create(TestCluster.DaemonSetJson("aws-node"));
        cluster.Run();
        cluster.Store.Patch(DaemonSet(cluster), PatchType.Merge, JsonNode.Parse("{\"spec\":{\"updateStrategy\":" + strategy + "}}")!);
        cluster.Run();
        cluster.Store.Patch(DaemonSet(cluster), PatchType.StrategicMerge, JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"aws-node","env":[{"name":"ENABLE_POD_ENI","value":"true"}]}]}}}}""")!);
        // Each replaced pod is Terminating for its grace period (30 s) before it goes (the kubelet's killPod; fidelity fix, issue 9).
        cluster.Settle(TimeSpan.FromMinutes(5));

        // The events after the four creations: the first batch of deletions is as large as maxUnavailable allows.
        var rollout = cluster.EventLines(DaemonSet(cluster)).Skip(4).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();
        Assert.NotEmpty(rollout);
        Assert.Equal(atOnce, rollout.TakeWhile(e => e == "SuccessfulDelete").Count());
        Assert.Equal(4, DaemonPods(cluster).Count(p => p["spec.containers"]![0]!["env"]?.ToJsonString().Contains("ENABLE_POD_ENI", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void DaemonSet_MaxSurge_StartsTheNewPodBesideTheOldOne()
    {
        // maxSurge 1 (maxUnavailable 0): a node's new pod runs before its old one goes, one node at a time, so every
        // node always has a ready pod.
        var cluster = new TestCluster();
        foreach (var node in new[] { "node-1", "node-2", "node-3" })
        {
            cluster.AddNode(node);
        }

        cluster.Create(TestCluster.DaemonSetJson("aws-node"));
        cluster.Run();
        cluster.Store.Patch(DaemonSet(cluster), PatchType.Merge, JsonNode.Parse("""{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}}}""")!);
        cluster.Run();
        var lacking = 0;
        cluster.Store.Subscribe(change =>
        {
            if (change.Object.Kind == "Pod")
            {
                var ready = DaemonPods(cluster).Select(p => PodView.Of(p)).Where(p => p.IsReady && !p.IsTerminating).Select(p => p.NodeName).Distinct().Count();
                lacking = Math.Max(lacking, 3 - ready);
            }
        });
        cluster.Store.Patch(DaemonSet(cluster), PatchType.StrategicMerge, JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"aws-node","env":[{"name":"ENABLE_POD_ENI","value":"true"}]}]}}}}""")!);
        // Each replaced pod is Terminating for its grace period (30 s) before it goes (the kubelet's killPod; fidelity fix, issue 9).
        cluster.Settle(TimeSpan.FromMinutes(5));

        Assert.Equal(0, lacking);
        var pods = DaemonPods(cluster);
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Contains("ENABLE_POD_ENI", p["spec.containers"]![0]!["env"]!.ToJsonString(), StringComparison.Ordinal));
        var rollout = cluster.EventLines(DaemonSet(cluster)).Skip(3).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();
        Assert.Equal(["SuccessfulCreate", "SuccessfulDelete", "SuccessfulCreate", "SuccessfulDelete", "SuccessfulCreate", "SuccessfulDelete"], rollout);
    }

    [Fact]
    public void DaemonSet_OnDelete_KeepsOutdatedPodsUntilDeleted()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2");
        cluster.Create(TestCluster.DaemonSetJson("aws-node"));
        cluster.Run();
        cluster.Store.Patch(DaemonSet(cluster), PatchType.Merge, JsonNode.Parse("""{"spec":{"updateStrategy":{"type":"OnDelete"}}}""")!);
        var before = DaemonPods(cluster).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        cluster.Store.Patch(DaemonSet(cluster), PatchType.StrategicMerge, JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"aws-node","env":[{"name":"ENABLE_POD_ENI","value":"true"}]}]}}}}""")!);
        cluster.Run();
        Assert.Equal(before, DaemonPods(cluster).Select(p => p.Name).Order(StringComparer.Ordinal));

        // A pod deleted by hand comes back with the new template.
        cluster.Store.Delete(DaemonPods(cluster)[0], DeleteOptions.Now);
        cluster.Run();
        Assert.Single(DaemonPods(cluster), p => p["spec.containers"]![0]!["env"]?.ToJsonString().Contains("ENABLE_POD_ENI", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void DaemonSet_RolloutWaitsForReplacementToBeReady()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.AddNode("node-2");
        cluster.Create(TestCluster.DaemonSetJson("aws-node"));
        cluster.Run();

        // The replacement pod on the first node cannot get a network: the rollout must stop there.
        var network = new FakeSandboxNetwork { AddError = "add cmd: Error received from AddNetwork gRPC call" };
        cluster.Plane.SetNetwork("node-1", network);
        cluster.Plane.SetNetwork("node-2", network);
        cluster.Store.Patch(
            DaemonSet(cluster),
            PatchType.StrategicMerge,
            JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"aws-node","env":[{"name":"WARM_IP_TARGET","value":"2"}]}]}}}}""")!);
        // Each replaced pod is Terminating for its grace period (30 s) before it goes (the kubelet's killPod; fidelity fix, issue 9).
        cluster.Settle(TimeSpan.FromMinutes(5));

        var newHash = TemplateHash.Of(DaemonSet(cluster)["spec.template"]);
        var pods = DaemonPods(cluster);
        Assert.Equal(2, pods.Count);
        Assert.Equal(1, pods.Count(p => p.Labels["controller-revision-hash"] == newHash));
        var status = DaemonSet(cluster)["status"]!;
        Assert.Equal(1, status["updatedNumberScheduled"]!.GetValue<int>());
        Assert.Equal(1, status["numberReady"]!.GetValue<int>());
        Assert.Equal(1, status["numberUnavailable"]!.GetValue<int>());

        network.AddError = null;
        cluster.Settle(TimeSpan.FromMinutes(5));

        pods = DaemonPods(cluster);
        Assert.All(pods, p => Assert.Equal(newHash, p.Labels["controller-revision-hash"]));
        Assert.Equal(2, DaemonSet(cluster)["status.numberReady"]!.GetValue<int>());
    }
}
