using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Store;

public class ObjectStoreUpdateTests
{
    private readonly StoreHarness _h = new();

    [Fact]
    public void Update_CurrentResourceVersion_StoresWithNewVersion()
    {
        var pod = _h.CreatePod("x");

        var updated = _h.Store.Update(pod.WithLabel("app", "web"));

        Assert.Equal("web", updated.Labels["app"]);
        Assert.Equal(long.Parse(pod.ResourceVersion!, CultureInfo.InvariantCulture) + 1, long.Parse(updated.ResourceVersion!, CultureInfo.InvariantCulture));
        Assert.Equal(pod.Uid, updated.Uid);
        Assert.Equal(pod.GetString("metadata.creationTimestamp"), updated.GetString("metadata.creationTimestamp"));
        Assert.Same(updated, _h.Store.Get(_h.Pods, "default", "x"));
    }

    [Fact]
    public void Update_StaleResourceVersion_IsConflict()
    {
        var pod = _h.CreatePod("x");
        _h.Store.Update(pod.WithLabel("app", "web"));

        var error = Throws(() => _h.Store.Update(pod.WithLabel("app", "db")));

        Assert.Equal("Conflict", error.Reason);
        Assert.Equal(409, error.Code);
        Assert.Equal("Operation cannot be fulfilled on pods \"x\": the object has been modified; please apply your changes to the latest version and try again", error.Message);
        Assert.Equal("web", _h.Store.Get(_h.Pods, "default", "x").Labels["app"]);
    }

    [Fact]
    public void Update_StaleDeployment_NamesQualifiedResource()
    {
        var deployment = _h.Store.Create(Deployment("web"));
        _h.Store.Update(deployment.WithLabel("a", "b"));

        var error = Throws(() => _h.Store.Update(deployment.WithLabel("a", "c")));

        Assert.Equal("Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again", error.Message);
    }

    [Fact]
    public void Update_WithoutResourceVersion_IsUnconditional()
    {
        var pod = _h.CreatePod("x");
        _h.Store.Update(pod.WithLabel("app", "web"));

        var updated = _h.Store.Update(pod.WithLabel("app", "db").WithMetadata("resourceVersion", null));

        Assert.Equal("db", updated.Labels["app"]);
        Assert.Equal(_h.Store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture), updated.ResourceVersion);
    }

    [Fact]
    public void Update_DifferentUid_IsConflict()
    {
        var pod = _h.CreatePod("x");
        var error = Throws(() => _h.Store.Update(pod.WithMetadata("uid", "00000000-0000-4000-8000-000000000000")));
        Assert.Equal(409, error.Code);
    }

    [Fact]
    public void Update_Missing_IsNotFound()
    {
        var error = Throws(() => _h.Store.Update(Pod("ghost")));
        Assert.Equal("pods \"ghost\" not found", error.Message);
    }

    [Fact]
    public void Update_DeploymentSpecChange_BumpsGenerationEachTime()
    {
        var deployment = _h.Store.Create(Deployment("web"));
        Assert.Equal(1, deployment.Generation);

        var second = _h.Store.Update(deployment.With(json => json["spec"]!["replicas"] = 3));
        var third = _h.Store.Update(second.With(json => json["spec"]!["replicas"] = 4));

        Assert.Equal(2, second.Generation);
        Assert.Equal(3, third.Generation);
        Assert.Equal(3, _h.Store.Get(_h.Deployments, "default", "web").Generation);
    }

    [Fact]
    public void Update_DeploymentMetadataOnly_KeepsGeneration()
    {
        var deployment = _h.Store.Create(Deployment("web"));

        var updated = _h.Store.Update(deployment.WithLabel("team", "net").WithAnnotation("note", "x"));

        Assert.Equal(1, updated.Generation);
        Assert.NotEqual(deployment.ResourceVersion, updated.ResourceVersion);
    }

    [Fact]
    public void Update_ClientSuppliedGeneration_IsIgnored()
    {
        var deployment = _h.Store.Create(Deployment("web"));
        var updated = _h.Store.Update(deployment.WithMetadata("generation", 40).WithLabel("a", "b"));
        Assert.Equal(1, updated.Generation);
    }

    [Fact]
    public void Update_ReplacingWithTheOriginalManifest_KeepsGeneration()
    {
        // kubectl replace sends the manifest as written, without the fields defaulting filled in: the spec the
        // server compares is the defaulted one, so only the label counts as a change.
        var h = new StoreHarness(new AdmissionChain([new ObjectDefaults(), new ObjectValidation()]));
        var created = h.Store.Create(Deployment("web"));

        var replaced = h.Store.Update(Deployment("web").WithLabel("team", "net").WithMetadata("resourceVersion", created.ResourceVersion));

        Assert.Equal(1, replaced.Generation);
        Assert.True(JsonNode.DeepEquals(created["spec"], replaced["spec"]));
        Assert.Equal("net", replaced.Labels["team"]);
    }

    [Fact]
    public void Update_PodMainResource_IgnoresStatus()
    {
        var pod = _h.CreatePod("x");
        _h.Store.UpdateStatus(pod.With(json => json["status"] = new JsonObject { ["phase"] = "Pending" }));
        var current = _h.Store.Get(_h.Pods, "default", "x");

        var updated = _h.Store.Update(current.WithLabel("app", "web").With(json => json["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "192.168.1.5" }));

        Assert.Equal("Pending", updated.GetString("status.phase"));
        Assert.Null(updated["status.podIP"]);
        Assert.Equal("web", updated.Labels["app"]);
    }

    [Fact]
    public void UpdateStatus_ChangesOnlyStatus()
    {
        var pod = _h.CreatePod("x");

        var updated = _h.Store.UpdateStatus(pod
            .WithLabel("app", "web")
            .With(json =>
            {
                json["spec"]!["nodeName"] = "node-1";
                json["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "192.168.1.5" };
            }));

        Assert.Equal("Running", updated.GetString("status.phase"));
        Assert.Equal("192.168.1.5", updated.GetString("status.podIP"));
        Assert.Null(updated["spec.nodeName"]);
        Assert.False(updated.Labels.ContainsKey("app"));
        Assert.NotEqual(pod.ResourceVersion, updated.ResourceVersion);
    }

    [Fact]
    public void UpdateStatus_CopiesTheStatusIn_LeavingRequestAndStoredVersionAsTheyWere()
    {
        // A status update is made from a copy of the stored object with the request's status: neither the caller's
        // object nor the version it replaced may be changed by it, nor the new version by a later change of either.
        var pod = _h.CreatePod("x");
        var storedBefore = pod.ToJsonString();
        var request = pod.With(json => json["status"] = new JsonObject { ["phase"] = "Pending", ["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled" }) });
        var requestBefore = request.ToJsonString();

        var updated = _h.Store.UpdateStatus(request);
        var again = _h.Store.UpdateStatus(updated.With(json => json["status"]!["phase"] = "Running"));

        Assert.Equal(storedBefore, pod.ToJsonString());
        Assert.Equal(requestBefore, request.ToJsonString());
        Assert.Equal("Pending", updated.GetString("status.phase"));
        Assert.Equal("Running", again.GetString("status.phase"));
        Assert.Equal(updated.Uid, again.Uid);
    }

    [Fact]
    public void UpdateStatus_StaleResourceVersion_IsConflict()
    {
        var pod = _h.CreatePod("x");
        _h.Store.Update(pod.WithLabel("a", "b"));

        var error = Throws(() => _h.Store.UpdateStatus(pod.With(json => json["status"] = new JsonObject { ["phase"] = "Running" })));

        Assert.Equal(409, error.Code);
    }

    [Fact]
    public void UpdateStatus_Deployment_KeepsGeneration()
    {
        var deployment = _h.Store.Create(Deployment("web"));

        var updated = _h.Store.UpdateStatus(deployment.With(json =>
        {
            json["spec"]!["replicas"] = 9;
            json["status"] = new JsonObject { ["observedGeneration"] = 1, ["replicas"] = 2 };
        }));

        Assert.Equal(1, updated.Generation);
        Assert.Equal(2, updated["spec.replicas"]!.GetValue<int>());
        Assert.Equal(2, updated["status.replicas"]!.GetValue<int>());
    }

    [Fact]
    public void Update_KindWithoutStatusSubresource_StoresEverything()
    {
        var widget = _h.Store.Create(Json("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},"spec":{"a":1}}"""));

        var updated = _h.Store.Update(widget.With(json => json["status"] = new JsonObject { ["ok"] = true }));

        Assert.True(updated["status.ok"]!.GetValue<bool>());
    }

    [Fact]
    public void Update_NoChange_KeepsResourceVersionAndSendsNoEvent()
    {
        var pod = _h.CreatePod("x");
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: pod.ResourceVersion);
        var before = _h.Store.CurrentResourceVersion;

        var same = _h.Store.Update(pod);

        Assert.Equal(pod.ResourceVersion, same.ResourceVersion);
        Assert.Equal(before, _h.Store.CurrentResourceVersion);
        Assert.Empty(watch.Read());
    }

    [Fact]
    public void Update_ServerOwnedMetadata_IsKept()
    {
        var pod = _h.CreatePod("x");

        var updated = _h.Store.Update(pod.With(json =>
        {
            var metadata = (JsonObject)json["metadata"]!;
            metadata["creationTimestamp"] = "2001-01-01T00:00:00Z";
            metadata["deletionTimestamp"] = "2001-01-01T00:00:00Z";
            metadata["labels"] = new JsonObject { ["x"] = "y" };
        }));

        Assert.Equal("2026-11-22T09:00:00Z", updated.GetString("metadata.creationTimestamp"));
        Assert.False(updated.IsTerminating);
        Assert.Equal("y", updated.Labels["x"]);
    }

    [Fact]
    public void Update_RunsAdmissionWithOldObject()
    {
        var chain = new AdmissionChain();
        var seen = new List<AdmissionRequest>();
        chain.Register(new AdmissionWebhook("recorder.example.com", false, FailurePolicy.Fail, _ => true, r =>
        {
            seen.Add(r);
            return AdmissionResult.Allow();
        }));
        var h = new StoreHarness(chain);
        var pod = h.CreatePod("x");

        h.Store.Update(pod.WithLabel("a", "b"));

        var update = seen[^1];
        Assert.Equal(AdmissionOperation.Update, update.Operation);
        Assert.Equal("b", update.Object!.Labels["a"]);
        Assert.False(update.OldObject!.Labels.ContainsKey("a"));
        Assert.Equal("kubernetes-admin", update.UserName);
    }

    [Fact]
    public void Update_TerminatingObject_RemovingSomeFinalizers_KeepsIt()
    {
        var pod = _h.CreatePod("x", finalizers: ["a.example.com/one", "b.example.com/two"]);
        var terminating = _h.Store.Delete(pod)!;

        var updated = _h.Store.Update(terminating.WithMetadata("finalizers", new JsonArray("b.example.com/two")));

        Assert.True(updated.IsTerminating);
        Assert.Equal(["b.example.com/two"], updated.Finalizers);
        Assert.Equal(terminating.GetString("metadata.deletionTimestamp"), updated.GetString("metadata.deletionTimestamp"));
    }

    [Fact]
    public void Update_WatchSeesModified()
    {
        var pod = _h.CreatePod("x");
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: pod.ResourceVersion);

        var updated = _h.Store.Update(pod.WithLabel("a", "b"));

        var change = Assert.Single(watch.Read());
        Assert.Equal("MODIFIED", change.TypeName);
        Assert.Equal(updated.ResourceVersion, change.ResourceVersion.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("b", change.Object.Labels["a"]);
    }

    [Fact]
    public void Update_InvalidObject_IsRejectedAndKeepsStoredOne()
    {
        var h = new StoreHarness(new AdmissionChain([new ObjectDefaults(), new ObjectValidation()]));
        var pod = h.CreatePod("x");

        var error = Throws(() => h.Store.Update(pod.WithLabel("bad label", "v")));

        Assert.Equal("Invalid", error.Reason);
        Assert.Equal(pod.ResourceVersion, h.Store.Get(h.Pods, "default", "x").ResourceVersion);
        Assert.IsType<KubeException>(error);
    }
}
