using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Controllers;

public class DeploymentControllerTests
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    private static TestCluster ClusterWithNodes(int nodes = 2)
    {
        var cluster = new TestCluster();
        for (var i = 1; i <= nodes; i++)
        {
            cluster.AddNode($"node-{i}");
        }

        return cluster;
    }

    private static KubeObject Deployment(TestCluster cluster, string name = "web") => cluster.Get("apps/v1", "Deployment", name);

    private static string HashOf(KubeObject deployment) => TemplateHash.Of(deployment["spec.template"]);

    [Fact]
    public void Deployment_Create_MakesReplicaSetNamedAfterTemplateHash()
    {
        var cluster = ClusterWithNodes();
        cluster.Create(TestCluster.DeploymentJson("web", 3));
        cluster.Run();

        var deployment = Deployment(cluster);
        var hash = HashOf(deployment);
        var rs = Assert.Single(cluster.ReplicaSets());
        Assert.Equal($"web-{hash}", rs.Name);
        Assert.InRange(hash.Length, 1, 10);
        Assert.All(hash, c => Assert.Contains(c, Alphabet));
        Assert.Equal(hash, rs.Labels["pod-template-hash"]);
        Assert.Equal("web", rs.Labels["app"]);
        Assert.Equal("1", rs.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal(3, rs["spec.replicas"]!.GetValue<int>());
        Assert.Equal("web", rs.GetString("spec.selector.matchLabels.app"));
        Assert.Equal(hash, rs.GetString("spec.selector.matchLabels.pod-template-hash"));
        Assert.Equal(hash, rs.GetString("spec.template.metadata.labels.pod-template-hash"));

        var owner = Assert.Single(rs.OwnerReferences);
        Assert.Equal(new OwnerReference("apps/v1", "Deployment", "web", deployment.Uid!, true, true), owner);
    }

    [Fact]
    public void Deployment_Create_PodsNamedAfterReplicaSetAndOwnedByIt()
    {
        var cluster = ClusterWithNodes();
        cluster.Create(TestCluster.DeploymentJson("web", 3));
        cluster.Run();

        var rs = Assert.Single(cluster.ReplicaSets());
        var hash = rs.Labels["pod-template-hash"];
        var pods = cluster.Pods("app=web");
        Assert.Equal(3, pods.Count);
        Assert.Equal(3, pods.Select(p => p.Name).Distinct().Count());
        foreach (var pod in pods)
        {
            Assert.Matches(new Regex($"^web-{hash}-[{Alphabet}]{{5}}$"), pod.Name);
            Assert.Equal(hash, pod.Labels["pod-template-hash"]);
            Assert.Equal("web", pod.Labels["app"]);
            Assert.Equal($"web-{hash}-", pod.GenerateName);
            Assert.Equal(new OwnerReference("apps/v1", "ReplicaSet", rs.Name, rs.Uid!, true, true), Assert.Single(pod.OwnerReferences));
        }

        Assert.Equal(
            pods.Select(p => $"SuccessfulCreate: Created pod: {p.Name}").Order(StringComparer.Ordinal),
            cluster.EventLines(rs).Order(StringComparer.Ordinal));
        Assert.Equal([$"ScalingReplicaSet: Scaled up replica set web-{hash} from 0 to 3"], cluster.EventLines(Deployment(cluster)));
        var scaling = Assert.Single(cluster.Events("ScalingReplicaSet"));
        Assert.Equal("Normal", scaling.GetString("type"));
        Assert.Equal("deployment-controller", scaling.GetString("source.component"));
        Assert.Equal("replicaset-controller", cluster.Events("SuccessfulCreate")[0].GetString("source.component"));
    }

    [Fact]
    public void Deployment_PodsRunning_StatusAvailable()
    {
        var cluster = ClusterWithNodes();
        cluster.Create(TestCluster.DeploymentJson("web", 3));
        cluster.Run();

        Assert.All(cluster.Pods("app=web"), p => Assert.Equal("Running", p.GetString("status.phase")));
        var deployment = Deployment(cluster);
        var rsName = $"web-{HashOf(deployment)}";
        Assert.Equal(1, deployment["status.observedGeneration"]!.GetValue<long>());
        Assert.Equal(3, deployment["status.replicas"]!.GetValue<int>());
        Assert.Equal(3, deployment["status.updatedReplicas"]!.GetValue<int>());
        Assert.Equal(3, deployment["status.readyReplicas"]!.GetValue<int>());
        Assert.Equal(3, deployment["status.availableReplicas"]!.GetValue<int>());
        var available = TestCluster.ConditionOf(deployment, "Available")!;
        Assert.Equal("True", available["status"]!.GetValue<string>());
        Assert.Equal("MinimumReplicasAvailable", available["reason"]!.GetValue<string>());
        Assert.Equal("Deployment has minimum availability.", available["message"]!.GetValue<string>());
        var progressing = TestCluster.ConditionOf(deployment, "Progressing")!;
        Assert.Equal("True", progressing["status"]!.GetValue<string>());
        Assert.Equal("NewReplicaSetAvailable", progressing["reason"]!.GetValue<string>());
        Assert.Equal($"ReplicaSet \"{rsName}\" has successfully progressed.", progressing["message"]!.GetValue<string>());

        var rs = cluster.Get("apps/v1", "ReplicaSet", rsName);
        Assert.Equal(3, rs["status.replicas"]!.GetValue<int>());
        Assert.Equal(3, rs["status.readyReplicas"]!.GetValue<int>());
        Assert.Equal(3, rs["status.availableReplicas"]!.GetValue<int>());
    }

    [Fact]
    public void Deployment_NoNodes_PodsPendingAndNotAvailable()
    {
        var cluster = new TestCluster();
        cluster.Create(TestCluster.DeploymentJson("web", 2));
        cluster.Run();

        Assert.All(cluster.Pods("app=web"), p => Assert.Equal("Pending", p.GetString("status.phase")));
        var deployment = Deployment(cluster);
        Assert.Equal(2, deployment["status.replicas"]!.GetValue<int>());
        Assert.Null(deployment["status.readyReplicas"]);
        Assert.Null(deployment["status.availableReplicas"]);
        var available = TestCluster.ConditionOf(deployment, "Available")!;
        Assert.Equal("False", available["status"]!.GetValue<string>());
        Assert.Equal("MinimumReplicasUnavailable", available["reason"]!.GetValue<string>());
        Assert.Equal("Deployment does not have minimum availability.", available["message"]!.GetValue<string>());

        cluster.AddNode("node-1");
        deployment = Deployment(cluster);
        Assert.Equal(2, deployment["status.availableReplicas"]!.GetValue<int>());
        Assert.Equal("True", TestCluster.ConditionOf(deployment, "Available")!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Deployment_ScaleUpAndDown_CreatesAndDeletesPods()
    {
        var cluster = ClusterWithNodes();
        cluster.Create(TestCluster.DeploymentJson("web", 3));
        cluster.Run();
        var rsName = Assert.Single(cluster.ReplicaSets()).Name;

        cluster.Store.Patch(Deployment(cluster), PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":5}}""")!);
        cluster.Run();

        var rs = cluster.Get("apps/v1", "ReplicaSet", rsName);
        Assert.Equal(5, rs["spec.replicas"]!.GetValue<int>());
        Assert.Equal(5, cluster.Pods("app=web").Count);
        Assert.Equal(5, cluster.EventLines(rs).Count(l => l.StartsWith("SuccessfulCreate: Created pod: ", StringComparison.Ordinal)));
        Assert.Equal(5, Deployment(cluster)["status.availableReplicas"]!.GetValue<int>());

        var before = cluster.Pods("app=web").Select(p => p.Name).ToList();
        cluster.Store.Patch(Deployment(cluster), PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":2}}""")!);
        // The pods deleted are Terminating for their grace period (30 s) before they go (the kubelet's killPod; fidelity fix, issue 9).
        cluster.Settle(TimeSpan.FromMinutes(5));

        var after = cluster.Pods("app=web").Select(p => p.Name).ToList();
        Assert.Equal(2, after.Count);
        Assert.All(after, name => Assert.Contains(name, before));
        var deleted = before.Except(after).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            deleted.Select(n => $"SuccessfulDelete: Deleted pod: {n}"),
            cluster.EventLines(cluster.Get("apps/v1", "ReplicaSet", rsName)).Where(l => l.StartsWith("SuccessfulDelete", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(
            [
                $"ScalingReplicaSet: Scaled up replica set {rsName} from 0 to 3",
                $"ScalingReplicaSet: Scaled up replica set {rsName} from 3 to 5",
                $"ScalingReplicaSet: Scaled down replica set {rsName} from 5 to 2",
            ],
            cluster.EventLines(Deployment(cluster)));
        var deployment = Deployment(cluster);
        Assert.Equal(2, deployment["status.replicas"]!.GetValue<int>());
        Assert.Equal(2, deployment["status.readyReplicas"]!.GetValue<int>());
    }

    [Fact]
    public void Deployment_ScaleDown_PrefersPendingPods()
    {
        var cluster = ClusterWithNodes(1);
        cluster.Create(TestCluster.DeploymentJson("web", 2));
        cluster.Run();
        var running = cluster.Pods("app=web").Select(p => p.Name).ToList();

        // Cordon the only node: the extra pod cannot be scheduled and is the one to go on scale-down.
        cluster.Store.Patch(cluster.Node("node-1"), PatchType.Merge, JsonNode.Parse("""{"spec":{"unschedulable":true}}""")!);
        cluster.Store.Patch(Deployment(cluster), PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!);
        cluster.Run();
        var pending = Assert.Single(cluster.Pods("app=web"), p => p.GetString("spec.nodeName") is null);

        cluster.Store.Patch(Deployment(cluster), PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":2}}""")!);
        cluster.Run();

        Assert.Null(cluster.TryPod(pending.Name));
        Assert.Equal(running.Order(StringComparer.Ordinal), cluster.Pods("app=web").Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Deployment_TemplateChange_RollsOutNewReplicaSet()
    {
        var cluster = ClusterWithNodes();
        cluster.Create(TestCluster.DeploymentJson("web", 3));
        cluster.Run();
        var oldName = Assert.Single(cluster.ReplicaSets()).Name;

        cluster.Store.Patch(
            Deployment(cluster),
            PatchType.StrategicMerge,
            JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}""")!);
        // The pods deleted are Terminating for their grace period (30 s) before they go (the kubelet's killPod; fidelity fix, issue 9).
        cluster.Settle(TimeSpan.FromMinutes(5));

        var deployment = Deployment(cluster);
        var newHash = HashOf(deployment);
        var newName = $"web-{newHash}";
        Assert.NotEqual(oldName, newName);
        var replicaSets = cluster.ReplicaSets().ToDictionary(r => r.Name);
        Assert.Equal(new[] { newName, oldName }.Order(StringComparer.Ordinal), replicaSets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, replicaSets[oldName]["spec.replicas"]!.GetValue<int>());
        Assert.Equal(3, replicaSets[newName]["spec.replicas"]!.GetValue<int>());
        Assert.Equal("2", replicaSets[newName].Annotations["deployment.kubernetes.io/revision"]);

        var pods = cluster.Pods("app=web");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.StartsWith(newName + "-", p.Name, StringComparison.Ordinal);
            Assert.Equal(newHash, p.Labels["pod-template-hash"]);
            Assert.Equal("nginx:1.28", ((JsonArray)p["spec.containers"]!)[0]!["image"]!.GetValue<string>());
            Assert.Equal("Running", p.GetString("status.phase"));
        });

        Assert.Equal(
            [
                // 25% maxSurge of 3 is 1 (rounded up), 25% maxUnavailable is 0 (rounded down): one pod at a time,
                // a new one available before an old one goes — as the real controller's events read.
                $"ScalingReplicaSet: Scaled up replica set {oldName} from 0 to 3",
                $"ScalingReplicaSet: Scaled up replica set {newName} from 0 to 1",
                $"ScalingReplicaSet: Scaled down replica set {oldName} from 3 to 2",
                $"ScalingReplicaSet: Scaled up replica set {newName} from 1 to 2",
                $"ScalingReplicaSet: Scaled down replica set {oldName} from 2 to 1",
                $"ScalingReplicaSet: Scaled up replica set {newName} from 2 to 3",
                $"ScalingReplicaSet: Scaled down replica set {oldName} from 1 to 0",
            ],
            cluster.EventLines(deployment));
        Assert.Equal(deployment["metadata.generation"]!.GetValue<long>(), deployment["status.observedGeneration"]!.GetValue<long>());
        Assert.Equal(3, deployment["status.replicas"]!.GetValue<int>());
        Assert.Equal(3, deployment["status.updatedReplicas"]!.GetValue<int>());
        Assert.Equal(3, deployment["status.availableReplicas"]!.GetValue<int>());
        Assert.Equal($"ReplicaSet \"{newName}\" has successfully progressed.", TestCluster.ConditionOf(deployment, "Progressing")!["message"]!.GetValue<string>());
    }

    [Fact]
    public void Deployment_TemplateChange_GenerationCountsUp()
    {
        var cluster = ClusterWithNodes();
        cluster.Create(TestCluster.DeploymentJson("web", 1));
        cluster.Run();

        cluster.Store.Patch(Deployment(cluster), PatchType.Merge, JsonNode.Parse("""{"spec":{"template":{"metadata":{"annotations":{"restartedAt":"now"}}}}}""")!);
        cluster.Run();

        var deployment = Deployment(cluster);
        Assert.Equal(2, deployment.Generation);
        Assert.Equal(2, deployment["status.observedGeneration"]!.GetValue<long>());
    }

    [Fact]
    public void Deployment_Delete_GarbageCollectsReplicaSetsAndPods()
    {
        var cluster = ClusterWithNodes();
        cluster.Create(TestCluster.DeploymentJson("web", 2));
        cluster.Run();

        cluster.Store.Delete(Deployment(cluster));
        // The pods deleted are Terminating for their grace period (30 s) before they go (the kubelet's killPod; fidelity fix, issue 9).
        cluster.Settle(TimeSpan.FromMinutes(5));

        Assert.Empty(cluster.ReplicaSets());
        Assert.Empty(cluster.Pods("app=web"));
    }
}
