using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Store;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Store;

public class ObjectStoreCreateTests
{
    private readonly StoreHarness _h = new();

    [Fact]
    public void Create_SetsUidCreationTimestampAndResourceVersion()
    {
        var before = _h.Store.CurrentResourceVersion;

        var pod = _h.CreatePod("web");

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", pod.Uid);
        Assert.Equal("2026-11-22T09:00:00Z", pod.GetString("metadata.creationTimestamp"));
        Assert.Equal(Start, pod.CreationTimestamp);
        Assert.Equal((before + 1).ToString(CultureInfo.InvariantCulture), pod.ResourceVersion);
        Assert.Equal(before + 1, _h.Store.CurrentResourceVersion);
        Assert.Equal("default", pod.Namespace);
        Assert.Null(pod.DeletionTimestamp);
        Assert.Null(pod["metadata.generation"]);
    }

    [Fact]
    public void Create_ResourceVersion_IsOneCounterAcrossKinds()
    {
        var versions = new[]
        {
            _h.CreateConfigMap("a").ResourceVersion,
            _h.CreatePod("b").ResourceVersion,
            _h.Store.Create(Deployment("c")).ResourceVersion,
            _h.CreateNamespace("team").ResourceVersion,
            _h.CreateConfigMap("d", "team").ResourceVersion,
        }.Select(v => long.Parse(v!, CultureInfo.InvariantCulture)).ToList();

        for (var i = 1; i < versions.Count; i++)
        {
            Assert.Equal(versions[i - 1] + 1, versions[i]);
        }

        Assert.Equal(versions[^1], _h.Store.CurrentResourceVersion);
    }

    [Fact]
    public void Create_DistinctObjects_GetDistinctUids()
    {
        var a = _h.CreatePod("a");
        var b = _h.CreatePod("b");
        Assert.NotEqual(a.Uid, b.Uid);
    }

    [Fact]
    public void Create_GenerateName_AppendsFiveCharactersOfTheApimachineryAlphabet()
    {
        var template = Pod(string.Empty).With(json =>
        {
            var metadata = (JsonObject)json["metadata"]!;
            metadata.Remove("name");
            metadata["generateName"] = "web-7d4b9c8f6-";
        });

        var first = _h.Store.Create(template);
        var second = _h.Store.Create(template);

        Assert.Matches("^web-7d4b9c8f6-[bcdfghjklmnpqrstvwxz2456789]{5}$", first.Name);
        Assert.Matches("^web-7d4b9c8f6-[bcdfghjklmnpqrstvwxz2456789]{5}$", second.Name);
        Assert.NotEqual(first.Name, second.Name);
        Assert.Equal("web-7d4b9c8f6-", first.GenerateName);
        Assert.Equal(first.Name, _h.Store.Get(_h.Pods, "default", first.Name).Name);
    }

    /// <summary>The API server draws a taken generated name again (RetryGenerateName) instead of answering 409.</summary>
    [Fact]
    public void Create_GeneratedNameTaken_DrawsAnother()
    {
        var template = Pod(string.Empty).With(json =>
        {
            var metadata = (JsonObject)json["metadata"]!;
            metadata.Remove("name");
            metadata["generateName"] = "web-";
        });

        // Two stores from one seed draw the same names: learn the name the second create draws, then take it first.
        var probe = new StoreHarness();
        probe.Store.Create(Pod("placeholder"));
        var drawn = probe.Store.Create(template).Name;
        _h.Store.Create(Pod(drawn));

        var created = _h.Store.Create(template);

        Assert.NotEqual(drawn, created.Name);
        Assert.Matches("^web-[bcdfghjklmnpqrstvwxz2456789]{5}$", created.Name);
        Assert.Equal(2, _h.Store.List(_h.Pods, "default").Items.Count);
    }

    [Fact]
    public void Create_WithoutNameOrGenerateName_IsInvalid()
    {
        var error = Throws(() => _h.Store.Create(Pod(string.Empty)));

        Assert.Equal("Invalid", error.Reason);
        Assert.Equal(422, error.Code);
        Assert.Equal("Pod \"\" is invalid: metadata.name: Required value: name or generateName is required", error.Message);
    }

    [Fact]
    public void Create_Existing_IsAlreadyExistsStatus()
    {
        _h.CreatePod("x");
        var before = _h.Store.CurrentResourceVersion;

        var error = Throws(() => _h.CreatePod("x"));

        var status = error.ToStatus();
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("v1", status["apiVersion"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal("AlreadyExists", status["reason"]!.GetValue<string>());
        Assert.Equal(409, status["code"]!.GetValue<int>());
        Assert.Equal("pods \"x\" already exists", status["message"]!.GetValue<string>());
        Assert.Equal("x", status["details"]!["name"]!.GetValue<string>());
        Assert.Equal("pods", status["details"]!["kind"]!.GetValue<string>());
        Assert.Equal("Error from server (AlreadyExists): pods \"x\" already exists", error.KubectlText);
        Assert.Equal(before, _h.Store.CurrentResourceVersion);
    }

    [Fact]
    public void Create_ExistingDeployment_NamesTheQualifiedResource()
    {
        _h.Store.Create(Deployment("web"));
        var error = Throws(() => _h.Store.Create(Deployment("web")));
        Assert.Equal("deployments.apps \"web\" already exists", error.Message);
        Assert.Equal("apps", error.ToStatus()["details"]!["group"]!.GetValue<string>());
    }

    [Fact]
    public void Create_SameNameInAnotherNamespace_Works()
    {
        _h.CreateNamespace("team");
        var a = _h.CreatePod("x");
        var b = _h.CreatePod("x", "team");
        Assert.NotEqual(a.Uid, b.Uid);
        Assert.Equal("team", _h.Store.Get(_h.Pods, "team", "x").Namespace);
    }

    [Fact]
    public void Create_InMissingNamespace_IsNamespaceNotFound()
    {
        var error = Throws(() => _h.CreatePod("x", "nope"));

        Assert.Equal("NotFound", error.Reason);
        Assert.Equal(404, error.Code);
        Assert.Equal("namespaces \"nope\" not found", error.Message);
        Assert.Equal("namespaces", error.DetailsKind);
        Assert.Equal("nope", error.DetailsName);
    }

    [Fact]
    public void Create_InTerminatingNamespace_IsForbidden()
    {
        _h.CreateNamespace("doomed");
        _h.CreatePod("stuck", "doomed", finalizers: "example.com/hold");
        _h.Store.Delete(_h.Namespaces, null, "doomed");
        Assert.True(_h.Store.Get(_h.Namespaces, null, "doomed").IsTerminating);

        var error = Throws(() => _h.CreatePod("new", "doomed"));

        Assert.Equal("Forbidden", error.Reason);
        Assert.Equal(403, error.Code);
        Assert.Equal("pods \"new\" is forbidden: unable to create new content in namespace doomed because it is being terminated", error.Message);

        // NamespaceLifecycle's cause, which clients (the event recorder, the ReplicaSet controller) test for.
        Assert.Equal(new Podnet.Kube.Api.StatusCause("NamespaceTerminating", "namespace doomed is being terminated", "metadata.namespace"), Assert.Single(error.Causes));
        Assert.Equal("NamespaceTerminating", error.ToStatus()["details"]!["causes"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public void Create_Namespace_GetsMetadataNameLabel()
    {
        var h = new StoreHarness(new AdmissionChain([new ObjectDefaults()]));

        var ns = h.CreateNamespace("team-a");

        Assert.Equal("team-a", ns.Labels["kubernetes.io/metadata.name"]);
        Assert.Null(ns.Namespace);
        Assert.Equal("team-a", h.Store.Get(h.Namespaces, null, "team-a").Labels["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public void Create_ClusterScoped_DropsNamespace()
    {
        var node = _h.Store.Create(Json("""{"apiVersion":"v1","kind":"Node","metadata":{"name":"ip-192-168-1-10.us-west-2.compute.internal","namespace":"default"}}"""));

        Assert.Null(node.Namespace);
        Assert.Null(node["metadata.namespace"]);
        Assert.NotNull(_h.Store.TryGet(_h.Store.Resources.For("v1", "Node"), null, node.Name));
    }

    [Fact]
    public void Create_OmittedNamespace_IsDefault()
    {
        var pod = _h.Store.Create(Pod("x").With(json => ((JsonObject)json["metadata"]!).Remove("namespace")));
        Assert.Equal("default", pod.Namespace);
    }

    [Fact]
    public void Create_IgnoresClientSuppliedServerFields()
    {
        var pod = _h.Store.Create(Pod("x").With(json =>
        {
            var metadata = (JsonObject)json["metadata"]!;
            metadata["uid"] = "11111111-1111-4111-8111-111111111111";
            metadata["resourceVersion"] = "999";
            metadata["creationTimestamp"] = "2001-01-01T00:00:00Z";
            metadata["deletionTimestamp"] = "2001-01-01T00:00:00Z";
            metadata["deletionGracePeriodSeconds"] = 30;
        }));

        Assert.NotEqual("11111111-1111-4111-8111-111111111111", pod.Uid);
        Assert.Equal(_h.Store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture), pod.ResourceVersion);
        Assert.Equal("2026-11-22T09:00:00Z", pod.GetString("metadata.creationTimestamp"));
        Assert.False(pod.IsTerminating);
        Assert.Null(pod["metadata.deletionGracePeriodSeconds"]);
    }

    [Fact]
    public void Create_Deployment_StartsAtGenerationOneWithoutStatus()
    {
        var deployment = _h.Store.Create(Deployment("web").With(json => json["status"] = new JsonObject { ["replicas"] = 7 }));

        Assert.Equal(1, deployment.Generation);
        Assert.Null(deployment["status"]);
    }

    [Fact]
    public void Create_UnknownKind_RoundTripsUnchanged()
    {
        const string Widget = """
            {"apiVersion":"example.com/v1","kind":"Widget",
             "metadata":{"name":"gizmo","namespace":"default","labels":{"tier":"gold"},"annotations":{"note":"{\"nested\":true}"}},
             "spec":{"size":3,"ratio":0.25,"enabled":true,"nothing":null,"tags":["a","b"],
                     "parts":[{"name":"bolt","count":12,"dims":{"x":1,"y":[1,2,[3]]}}],"empty":{},"emptyList":[]},
             "status":{"phase":"Assembled","conditions":[{"type":"Ready","status":"True"}]},
             "extra":"kept"}
            """;

        var created = _h.Store.Create(Json(Widget));
        var read = _h.Store.Get("example.com/v1", "Widget", "default", "gizmo");

        var stripped = read.ToJson();
        var metadata = (JsonObject)stripped["metadata"]!;
        Assert.Equal(created.Uid, metadata["uid"]!.GetValue<string>());
        Assert.Equal(created.ResourceVersion, metadata["resourceVersion"]!.GetValue<string>());
        Assert.Equal("2026-11-22T09:00:00Z", metadata["creationTimestamp"]!.GetValue<string>());
        metadata.Remove("uid");
        metadata.Remove("resourceVersion");
        metadata.Remove("creationTimestamp");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Widget), stripped), stripped.ToJsonString());
        Assert.Equal("widgets", _h.Store.Resources.For(read).Plural);
        Assert.Equal(["gizmo"], Names(_h.Store.List("example.com/v1", "Widget")));
    }

    [Fact]
    public void Create_ReturnsACopy_ThatLaterChangesDoNotAlter()
    {
        var pod = _h.CreatePod("x");
        _h.Store.Update(pod.WithLabel("changed", "yes"));

        Assert.False(pod.Labels.ContainsKey("changed"));
        Assert.Equal("yes", _h.Store.Get(_h.Pods, "default", "x").Labels["changed"]);
    }
}
