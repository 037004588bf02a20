using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Controllers;

/// <summary>
/// Namespace deletion as kube-controller-manager's namespace controller does it, seen through the served API and the
/// real kubectl: the namespace is Terminating with the deleter's conditions while its content goes, and gone once
/// the <c>kubernetes</c> finalizer is removed.
/// </summary>
public sealed class NamespaceControllerTests : IClassFixture<ServedWorld>
{
    private const string V = "1.32";
    private readonly ServedWorld _served;

    public NamespaceControllerTests(ServedWorld served)
    {
        _served = served;
    }

    [Fact]
    public async Task DeleteNamespace_ContentWithFinalizer_IsTerminatingWithConditions_UntilFinalized()
    {
        _served.KubectlOk(V, "create", "namespace", "held");
        var (exit, _, error) = _served.Kubectl(V, """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: hold, namespace: held, finalizers: [example.com/hold]}
            data: {a: b}
            """, "apply", "-f", "-");
        Assert.True(exit == 0, error);

        Assert.Equal("namespace \"held\" deleted\n", _served.KubectlOk(V, "delete", "namespace", "held", "--wait=false"));
        await _served.WaitUntil(s => s.TryGet(s.Resources.For("v1", "Namespace"), null, "held")?["status.conditions"] is not null, "the namespace controller's conditions");

        using var http = _served.Http();
        var ns = JsonNode.Parse(await http.GetStringAsync(new Uri("/api/v1/namespaces/held", UriKind.Relative)))!;
        Assert.Equal("Terminating", ns["status"]!["phase"]!.GetValue<string>());
        Assert.NotNull(ns["metadata"]!["deletionTimestamp"]);
        Assert.Equal(["kubernetes"], ns["spec"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        var conditions = ns["status"]!["conditions"]!.AsArray().Select(c => (
            c!["type"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>())).ToList();
        Assert.Equal(
            [
                ("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
                ("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
                ("NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
                ("NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: configmaps. has 1 resource instances"),
                ("NamespaceFinalizersRemaining", "True", "SomeFinalizerRemain", "Some finalizers are remaining: example.com/hold in 1 resource instances"),
            ],
            conditions);

        // kubectl shows the phase; the content is terminating, not gone.
        Assert.Matches(@"held\s+Terminating", _served.KubectlOk(V, "get", "namespace", "held"));
        Assert.Contains("hold", _served.KubectlOk(V, "get", "configmap", "-n", "held", "-o", "name"), StringComparison.Ordinal);

        // The finalizer goes: the content goes, the namespace is finalized and goes.
        _served.KubectlOk(V, "patch", "configmap", "hold", "-n", "held", "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        await _served.WaitUntil(s => s.TryGet(s.Resources.For("v1", "Namespace"), null, "held") is null, "the namespace gone");
    }

    /// <summary>
    /// Fidelity fix (issue 9): the deleter deletes content with each object's own grace period
    /// (namespaced_resources_deleter.go, background propagation and no grace), not 0: a running pod shows Terminating
    /// for its 30 s while its kubelet stops it, the namespace says what remains, and goes after the pod. The kubelet's
    /// Killing event in the terminating namespace is refused (NamespaceLifecycle) and dropped by its recorder.
    /// </summary>
    [Fact]
    public void DeleteNamespace_RunningPod_TerminatingForItsGracePeriod_ThenNamespaceGoes()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "team" } });
        cluster.Run();
        cluster.Create(TestCluster.PodJson("web", ns: "team"));
        cluster.Run();
        Assert.Equal("Running", cluster.Pod("web", "team").GetString("status.phase"));
        var rejected = cluster.Plane.Events.Rejected;
        var namespaces = cluster.Store.Resources.For("v1", "Namespace");

        cluster.Store.Delete(namespaces, null, "team");
        cluster.Run();

        var pod = cluster.Pod("web", "team");
        Assert.True(pod.IsTerminating);
        Assert.Equal(30, pod["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
        Assert.Equal(cluster.Time.GetUtcNow().AddSeconds(30), pod.DeletionTimestamp);
        var ns = cluster.Store.Get(namespaces, null, "team");
        Assert.Equal("Terminating", ns.GetString("status.phase"));
        var remaining = TestCluster.ConditionOf(ns, "NamespaceContentRemaining")!;
        Assert.Equal(("True", "SomeResourcesRemain", "Some resources are remaining: pods. has 1 resource instances"), (remaining["status"]!.GetValue<string>(), remaining["reason"]!.GetValue<string>(), remaining["message"]!.GetValue<string>()));
        Assert.Equal("False", TestCluster.ConditionOf(ns, "NamespaceFinalizersRemaining")!["status"]!.GetValue<string>());
        Assert.Equal("False", TestCluster.ConditionOf(ns, "NamespaceDeletionContentFailure")!["status"]!.GetValue<string>());
        Assert.Empty(cluster.Events("Killing", "team"));
        Assert.Equal(rejected + 1, cluster.Plane.Events.Rejected);

        cluster.Time.Advance(TimeSpan.FromSeconds(29));
        cluster.Run();
        Assert.True(cluster.Pod("web", "team").IsTerminating);
        Assert.NotNull(cluster.Store.TryGet(namespaces, null, "team"));

        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        cluster.Run();
        Assert.Null(cluster.TryPod("web", "team"));
        Assert.Null(cluster.Store.TryGet(namespaces, null, "team"));
    }

    [Fact]
    public void DeleteNamespace_Kubectl_WaitsUntilItIsGone()
    {
        _served.KubectlOk(V, "create", "namespace", "plain");
        _served.KubectlOk(V, "create", "configmap", "c", "-n", "plain", "--from-literal=a=b");

        // kubectl delete waits for the namespace to be gone (its --wait defaults to true), so it is gone when it returns.
        Assert.Equal("namespace \"plain\" deleted\n", _served.KubectlOk(V, "delete", "namespace", "plain"));
        var gone = _served.Server.Cluster.Read(() => _served.Server.Cluster.Store.TryGet(_served.Server.Cluster.Store.Resources.For("v1", "Namespace"), null, "plain"));
        Assert.Null(gone);
    }
}
