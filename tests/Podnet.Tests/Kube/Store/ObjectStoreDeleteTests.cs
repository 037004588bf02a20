using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Store;

public class ObjectStoreDeleteTests
{
    private readonly StoreHarness _h = new();

    private Watch WatchAll(KubeResource resource)
        => _h.Store.Watch(resource, resourceVersion: _h.Store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public void Delete_WithoutFinalizers_RemovesAndReturnsNull()
    {
        var pod = _h.CreatePod("x");
        var watch = WatchAll(_h.Pods);

        Assert.Null(_h.Store.Delete(pod));

        Assert.Null(_h.Store.TryGet(_h.Pods, "default", "x"));
        var deleted = Assert.Single(watch.Read());
        Assert.Equal("DELETED", deleted.TypeName);
        Assert.Equal(_h.Store.CurrentResourceVersion, deleted.ResourceVersion);
        Assert.Equal(pod.Uid, deleted.Object.Uid);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("kube-system")]
    [InlineData("kube-public")]
    public void Delete_ImmortalNamespace_IsForbiddenEvenWhenAbsent(string name)
    {
        // NamespaceLifecycle refuses before reading the namespace: kube-public need not exist to be refused.
        var error = Throws(() => _h.Store.Delete(_h.Namespaces, null, name));

        Assert.Equal(403, error.Code);
        Assert.Equal("Forbidden", error.Reason);
        Assert.Equal($"namespaces \"{name}\" is forbidden: this namespace may not be deleted", error.Message);
    }

    [Fact]
    public void Delete_Missing_IsNotFound()
    {
        var error = Throws(() => _h.Store.Delete(_h.Pods, "default", "ghost"));
        Assert.Equal("pods \"ghost\" not found", error.Message);
        Assert.Equal(404, error.Code);
    }

    [Fact]
    public void Delete_WithFinalizers_WaitsForTheLastOne()
    {
        var pod = _h.CreatePod("x", finalizers: ["a.example.com/one", "b.example.com/two"]);
        var watch = WatchAll(_h.Pods);
        _h.Time.Advance(TimeSpan.FromSeconds(10));

        var terminating = _h.Store.Delete(pod)!;

        Assert.NotNull(terminating);
        Assert.Equal("2026-11-22T09:00:10Z", terminating.GetString("metadata.deletionTimestamp"));
        Assert.Equal(0, terminating["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
        Assert.Equal(["a.example.com/one", "b.example.com/two"], terminating.Finalizers);
        Assert.Same(terminating, _h.Store.Get(_h.Pods, "default", "x"));

        var one = _h.Store.Update(terminating.WithMetadata("finalizers", new JsonArray("b.example.com/two")));
        Assert.True(one.IsTerminating);

        _h.Store.Update(one.WithMetadata("finalizers", null));

        Assert.Null(_h.Store.TryGet(_h.Pods, "default", "x"));
        Assert.Equal(["MODIFIED Pod x", "MODIFIED Pod x", "DELETED Pod x"], watch.Read().Select(Describe));
    }

    [Fact]
    public void Delete_AgainWhileFinalizing_ChangesNothing()
    {
        var pod = _h.CreatePod("x", finalizers: "example.com/hold");
        var terminating = _h.Store.Delete(pod)!;
        _h.Time.Advance(TimeSpan.FromMinutes(1));

        var again = _h.Store.Delete(pod);

        Assert.Equal(terminating.ResourceVersion, again!.ResourceVersion);
        Assert.Equal(terminating.GetString("metadata.deletionTimestamp"), again.GetString("metadata.deletionTimestamp"));
    }

    [Fact]
    public void Delete_Background_CascadesThroughOwnerReferences()
    {
        var deployment = _h.Store.Create(Deployment("web"));
        var replicaSet = _h.Store.Create(ReplicaSet("web-7d4b9c8f6", deployment));
        _h.Store.Create(OwnedPod("web-7d4b9c8f6-x2kqz", replicaSet));
        _h.Store.Create(OwnedPod("web-7d4b9c8f6-b4n8m", replicaSet));
        _h.CreatePod("unrelated");
        var pods = WatchAll(_h.Pods);
        var replicaSets = WatchAll(_h.ReplicaSets);

        Assert.Null(_h.Store.Delete(deployment));

        Assert.Null(_h.Store.TryGet(_h.Deployments, "default", "web"));
        Assert.Empty(_h.Store.List(_h.ReplicaSets).Items);
        Assert.Equal(["unrelated"], Names(_h.Store.List(_h.Pods)));
        Assert.Equal(["DELETED ReplicaSet web-7d4b9c8f6"], replicaSets.Read().Select(Describe));
        Assert.Equal(["DELETED Pod web-7d4b9c8f6-b4n8m", "DELETED Pod web-7d4b9c8f6-x2kqz"], pods.Read().Select(Describe).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Delete_Background_IsTheDefault_AndDependentsGoAfterTheOwner()
    {
        var owner = _h.CreateConfigMap("owner");
        _h.CreateConfigMap("dependent", "default", owner);
        var watch = WatchAll(_h.ConfigMaps);

        _h.Store.Delete(owner);

        Assert.Equal(["DELETED ConfigMap owner", "DELETED ConfigMap dependent"], watch.Read().Select(Describe));
    }

    [Fact]
    public void Delete_Orphan_KeepsDependentsWithoutTheOwnerReference()
    {
        var deployment = _h.Store.Create(Deployment("web"));
        var replicaSet = _h.Store.Create(ReplicaSet("web-7d4b9c8f6", deployment));
        var pod = _h.Store.Create(OwnedPod("web-7d4b9c8f6-x2kqz", replicaSet));

        // The API answers with the owner, terminating with the orphan finalizer the garbage collector removes once it
        // has orphaned the dependents (fidelity: the store orphaned them itself and answered that it was gone).
        var orphaning = _h.Store.Delete(deployment, new DeleteOptions(PropagationPolicy.Orphan));
        Assert.Equal([ObjectStore.OrphanFinalizer], orphaning!.Finalizers);

        Assert.Null(_h.Store.TryGet(_h.Deployments, "default", "web"));
        var orphan = _h.Store.Get(_h.ReplicaSets, "default", "web-7d4b9c8f6");
        Assert.Empty(orphan.OwnerReferences);
        Assert.Null(orphan["metadata.ownerReferences"]);
        Assert.Equal(replicaSet.Uid, orphan.Uid);
        Assert.Equal(replicaSet.Generation, orphan.Generation);
        var stillOwned = _h.Store.Get(_h.Pods, "default", pod.Name);
        Assert.Equal(replicaSet.Uid, Assert.Single(stillOwned.OwnerReferences).Uid);
    }

    [Fact]
    public void Delete_Orphan_KeepsOtherOwnerReferences()
    {
        var first = _h.CreateConfigMap("first");
        var second = _h.CreateConfigMap("second");
        _h.CreateConfigMap("shared", "default", first, second);

        _h.Store.Delete(first, new DeleteOptions(PropagationPolicy.Orphan));

        var shared = _h.Store.Get(_h.ConfigMaps, "default", "shared");
        Assert.Equal(second.Uid, Assert.Single(shared.OwnerReferences).Uid);
    }

    [Fact]
    public void Delete_Foreground_KeepsOwnerUntilDependentsAreGone()
    {
        var deployment = _h.Store.Create(Deployment("web"));
        var replicaSet = _h.Store.Create(ReplicaSet("web-7d4b9c8f6", deployment).WithMetadata("finalizers", new JsonArray("example.com/hold")));
        _h.Store.Create(OwnedPod("web-7d4b9c8f6-x2kqz", replicaSet));

        var waiting = _h.Store.Delete(deployment, new DeleteOptions(PropagationPolicy.Foreground));

        Assert.NotNull(waiting);
        Assert.True(waiting.IsTerminating);
        Assert.Equal([ObjectStore.ForegroundDeletionFinalizer], waiting.Finalizers);
        Assert.Equal("foregroundDeletion", ObjectStore.ForegroundDeletionFinalizer);
        var dependent = _h.Store.Get(_h.ReplicaSets, "default", "web-7d4b9c8f6");
        Assert.True(dependent.IsTerminating);
        Assert.NotNull(_h.Store.TryGet(_h.Pods, "default", "web-7d4b9c8f6-x2kqz"));

        _h.Store.Update(dependent.WithMetadata("finalizers", null));

        Assert.Null(_h.Store.TryGet(_h.ReplicaSets, "default", "web-7d4b9c8f6"));
        Assert.Empty(_h.Store.List(_h.Pods).Items);
        Assert.Null(_h.Store.TryGet(_h.Deployments, "default", "web"));
    }

    [Fact]
    public void Delete_Foreground_OwnerGoesAfterItsDependents()
    {
        var owner = _h.CreateConfigMap("owner");
        _h.CreateConfigMap("dependent", "default", owner);
        var watch = WatchAll(_h.ConfigMaps);

        _h.Store.Delete(owner, new DeleteOptions(PropagationPolicy.Foreground));

        Assert.Null(_h.Store.TryGet(_h.ConfigMaps, "default", "owner"));
        var events = watch.Read().Select(Describe).ToList();
        Assert.Equal("DELETED ConfigMap dependent", events[^2]);
        Assert.Equal("DELETED ConfigMap owner", events[^1]);
    }

    [Fact]
    public void Delete_DependentWithASecondLivingOwner_IsNotCollected()
    {
        var first = _h.CreateConfigMap("first");
        var second = _h.CreateConfigMap("second");
        _h.CreateConfigMap("shared", "default", first, second);

        _h.Store.Delete(first);

        Assert.NotNull(_h.Store.TryGet(_h.ConfigMaps, "default", "shared"));

        _h.Store.Delete(second);

        Assert.Null(_h.Store.TryGet(_h.ConfigMaps, "default", "shared"));
    }

    [Fact]
    public void Delete_PodBoundToNode_TerminatesGracefully()
    {
        var pod = _h.CreatePod("x", nodeName: "ip-192-168-1-10.us-west-2.compute.internal");

        var terminating = _h.Store.Delete(pod)!;

        Assert.Equal("2026-11-22T09:00:30Z", terminating.GetString("metadata.deletionTimestamp"));
        Assert.Equal(30, terminating["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
        Assert.Empty(terminating.Finalizers);
        Assert.True(_h.Store.Get(_h.Pods, "default", "x").IsTerminating);

        // Another default delete changes nothing; the kubelet's status updates keep it; grace period 0 ends it.
        Assert.Equal(terminating.ResourceVersion, _h.Store.Delete(pod)!.ResourceVersion);
        _h.Store.UpdateStatus(terminating.With(json => json["status"] = new JsonObject { ["phase"] = "Running" }));
        Assert.NotNull(_h.Store.TryGet(_h.Pods, "default", "x"));

        Assert.Null(_h.Store.Delete(_h.Pods, "default", "x", DeleteOptions.Now));
        Assert.Null(_h.Store.TryGet(_h.Pods, "default", "x"));
    }

    [Fact]
    public void Delete_PodBoundToNode_UsesTerminationGracePeriodSeconds()
    {
        var pod = _h.Store.Create(Pod("x", nodeName: "node-1").With(json => json["spec"]!["terminationGracePeriodSeconds"] = 5));

        var terminating = _h.Store.Delete(pod)!;

        Assert.Equal("2026-11-22T09:00:05Z", terminating.GetString("metadata.deletionTimestamp"));
        Assert.Equal(5, terminating["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
    }

    [Fact]
    public void Delete_PodBoundToNode_ExplicitGracePeriodWins()
    {
        var pod = _h.CreatePod("x", nodeName: "node-1");

        var terminating = _h.Store.Delete(pod, new DeleteOptions(GracePeriodSeconds: 12))!;

        Assert.Equal(12, terminating["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
        Assert.Equal("2026-11-22T09:00:12Z", terminating.GetString("metadata.deletionTimestamp"));
    }

    [Fact]
    public void Delete_DefaultedPodBoundToNode_TerminatesGracefully()
    {
        var h = new StoreHarness(new AdmissionChain([new ObjectDefaults(), new ObjectValidation()]));
        var pod = h.CreatePod("x", nodeName: "node-1");
        Assert.Equal(30, pod["spec.terminationGracePeriodSeconds"]!.GetValue<int>());

        var terminating = h.Store.Delete(pod)!;

        Assert.Equal(30, terminating["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
    }

    [Fact]
    public void Delete_PodBoundToNodeWithFinalizer_StaysUntilGracePeriodZeroAndFinalized()
    {
        var pod = _h.CreatePod("x", nodeName: "node-1", finalizers: "example.com/hold");
        var terminating = _h.Store.Delete(pod)!;
        Assert.Equal(30, terminating["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());

        // Its finalizer going during the grace period does not delete it: the kubelet has not finished.
        var unfinalized = _h.Store.Update(terminating.WithMetadata("finalizers", null));
        Assert.True(unfinalized.IsTerminating);
        Assert.NotNull(_h.Store.TryGet(_h.Pods, "default", "x"));

        Assert.Null(_h.Store.Delete(_h.Pods, "default", "x", DeleteOptions.Now));
    }

    [Fact]
    public void Delete_NowOnGracefulPodWithFinalizer_WaitsOnlyForTheFinalizer()
    {
        var pod = _h.CreatePod("x", nodeName: "node-1", finalizers: "example.com/hold");
        _h.Store.Delete(pod);

        var forced = _h.Store.Delete(_h.Pods, "default", "x", DeleteOptions.Now)!;

        Assert.Equal(0, forced["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
        _h.Store.Update(forced.WithMetadata("finalizers", null));
        Assert.Null(_h.Store.TryGet(_h.Pods, "default", "x"));
    }

    [Fact]
    public void Delete_UnboundPod_GoesAtOnce()
    {
        var pod = _h.CreatePod("x");
        Assert.Null(_h.Store.Delete(pod));
        Assert.Null(_h.Store.TryGet(_h.Pods, "default", "x"));
    }

    [Fact]
    public void Delete_Namespace_RemovesEverythingInItThenTheNamespace()
    {
        _h.CreateNamespace("team");
        _h.CreatePod("a", "team");
        _h.CreatePod("b", "team", nodeName: "node-1");
        _h.CreateConfigMap("c", "team");
        _h.Store.Create(Deployment("d", "team"));
        _h.CreatePod("keep", "default");
        var namespaces = WatchAll(_h.Namespaces);

        var result = _h.Store.Delete(_h.Namespaces, null, "team");

        // The API answers with the namespace Terminating (the registry only marks it); the namespace controller deletes
        // the content with each object's own grace period (fidelity: the store did it inline; then the controller
        // deleted with grace 0): the pod bound to a node is Terminating until its kubelet (none here) deletes it with
        // grace 0, and the namespace says so in its conditions.
        Assert.Equal("Terminating", result!.GetString("status.phase"));
        Assert.Equal(["b"], Names(_h.Store.List(_h.Pods, "team")));
        Assert.True(_h.Store.Get(_h.Pods, "team", "b").IsTerminating);
        Assert.Equal(30, _h.Store.Get(_h.Pods, "team", "b")["metadata.deletionGracePeriodSeconds"]!.GetValue<long>());
        Assert.NotNull(_h.Store.TryGet(_h.Namespaces, null, "team"));

        _h.Store.Delete(_h.Pods, "team", "b", DeleteOptions.Now);

        Assert.Null(_h.Store.TryGet(_h.Namespaces, null, "team"));
        Assert.DoesNotContain(_h.Store.All(), o => o.Namespace == "team");
        Assert.Equal(["keep"], Names(_h.Store.List(_h.Pods)));
        var events = namespaces.Read();
        Assert.Equal(["MODIFIED Namespace team", "MODIFIED Namespace team", "MODIFIED Namespace team", "DELETED Namespace team"], events.Select(Describe));
        Assert.Equal("Terminating", events[0].Object.GetString("status.phase"));
        string Remaining(WatchEvent e) => ((JsonArray)e.Object["status.conditions"]!).OfType<JsonObject>().Single(c => c["type"]!.GetValue<string>() == "NamespaceContentRemaining")["message"]!.GetValue<string>();
        Assert.Equal("Some resources are remaining: pods. has 1 resource instances", Remaining(events[1]));
        Assert.Equal("All content successfully removed", Remaining(events[2]));
        Assert.Equal(_h.Store.CurrentResourceVersion, events[3].ResourceVersion);
    }

    [Fact]
    public void Delete_NamespaceWithFinalizedObject_StaysTerminatingUntilItIsFinalized()
    {
        _h.CreateNamespace("team");
        _h.CreatePod("held", "team", finalizers: "example.com/hold");
        _h.CreatePod("free", "team");

        var terminating = _h.Store.Delete(_h.Namespaces, null, "team")!;

        Assert.True(terminating.IsTerminating);
        Assert.Equal("Terminating", terminating.GetString("status.phase"));
        Assert.Equal(["held"], Names(_h.Store.List(_h.Pods, "team")));

        var held = _h.Store.Get(_h.Pods, "team", "held");
        Assert.True(held.IsTerminating);

        // The namespace controller's conditions say what holds the namespace (status_condition_utils.go).
        var conditions = ((JsonArray)_h.Store.Get(_h.Namespaces, null, "team")["status.conditions"]!).OfType<JsonObject>()
            .ToDictionary(c => c["type"]!.GetValue<string>(), c => (c["status"]!.GetValue<string>(), c["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>()));
        Assert.Equal(
            ["NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure", "NamespaceDeletionContentFailure", "NamespaceContentRemaining", "NamespaceFinalizersRemaining"],
            conditions.Keys);
        Assert.Equal(("False", "ResourcesDiscovered", "All resources successfully discovered"), conditions["NamespaceDeletionDiscoveryFailure"]);
        Assert.Equal(("True", "SomeResourcesRemain", "Some resources are remaining: pods. has 1 resource instances"), conditions["NamespaceContentRemaining"]);
        Assert.Equal(("True", "SomeFinalizerRemain", "Some finalizers are remaining: example.com/hold in 1 resource instances"), conditions["NamespaceFinalizersRemaining"]);
        Assert.Equal(["kubernetes"], ((JsonArray)_h.Store.Get(_h.Namespaces, null, "team")["spec.finalizers"]!).Select(f => f!.GetValue<string>()));

        _h.Store.Update(held.WithMetadata("finalizers", null));

        Assert.Null(_h.Store.TryGet(_h.Namespaces, null, "team"));
    }

    [Fact]
    public void Delete_NamespaceWithOwnersAndDependentsOfOneKind_RemovesThemAll()
    {
        _h.CreateNamespace("team");
        var owner = _h.CreateConfigMap("a-owner", "team");
        _h.CreateConfigMap("b-dependent", "team", owner);

        Assert.True(_h.Store.Delete(_h.Namespaces, null, "team")!.IsTerminating);

        Assert.Empty(_h.Store.List(_h.ConfigMaps, "team").Items);
        Assert.Null(_h.Store.TryGet(_h.Namespaces, null, "team"));
    }

    [Fact]
    public void Delete_NamespaceWithDeploymentTree_RemovesThemAll()
    {
        _h.CreateNamespace("team");
        var deployment = _h.Store.Create(Deployment("web", "team"));
        var replicaSet = _h.Store.Create(ReplicaSet("web-1", deployment));
        _h.Store.Create(OwnedPod("web-1-abcde", replicaSet));

        Assert.True(_h.Store.Delete(_h.Namespaces, null, "team")!.IsTerminating);

        Assert.DoesNotContain(_h.Store.All(), o => o.Namespace == "team" || o.Name == "team");
    }

    [Fact]
    public void Delete_PreconditionUidMismatch_IsConflict()
    {
        var pod = _h.CreatePod("x");

        var error = Throws(() => _h.Store.Delete(pod, new DeleteOptions(PreconditionUid: "00000000-0000-4000-8000-000000000000")));

        Assert.Equal("Conflict", error.Reason);
        Assert.Equal(409, error.Code);
        Assert.Equal($"Precondition failed: UID in precondition: 00000000-0000-4000-8000-000000000000, UID in object meta: {pod.Uid}", error.Message);
        Assert.NotNull(_h.Store.TryGet(_h.Pods, "default", "x"));
    }

    [Fact]
    public void Delete_PreconditionResourceVersionMismatch_IsConflict()
    {
        var pod = _h.CreatePod("x");
        var updated = _h.Store.Update(pod.WithLabel("a", "b"));

        var error = Throws(() => _h.Store.Delete(pod, new DeleteOptions(PreconditionResourceVersion: pod.ResourceVersion)));

        Assert.Equal(409, error.Code);
        Assert.Equal($"Precondition failed: ResourceVersion in precondition: {pod.ResourceVersion}, ResourceVersion in object meta: {updated.ResourceVersion}", error.Message);
        Assert.NotNull(_h.Store.TryGet(_h.Pods, "default", "x"));
    }

    [Fact]
    public void Delete_MatchingPreconditions_Deletes()
    {
        var pod = _h.CreatePod("x");
        Assert.Null(_h.Store.Delete(pod, new DeleteOptions(PreconditionUid: pod.Uid, PreconditionResourceVersion: pod.ResourceVersion)));
        Assert.Null(_h.Store.TryGet(_h.Pods, "default", "x"));
    }

    [Fact]
    public void Delete_GoesThroughAdmission()
    {
        var chain = new AdmissionChain();
        chain.Register(new AdmissionWebhook("protect.example.com", false, FailurePolicy.Fail,
            r => r.Operation == AdmissionOperation.Delete,
            r => r.OldObject!.Labels.ContainsKey("protected") ? AdmissionResult.Deny("protected object") : AdmissionResult.Allow()));
        var h = new StoreHarness(chain);
        var pod = h.CreatePod("x", labels: new Dictionary<string, string> { ["protected"] = "true" });

        var error = Throws(() => h.Store.Delete(pod));

        Assert.Equal("admission webhook \"protect.example.com\" denied the request: protected object", error.Message);
        Assert.NotNull(h.Store.TryGet(h.Pods, "default", "x"));
    }
}
