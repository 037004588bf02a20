using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Store;

/// <summary>
/// A stored version holds what it has equal with the version it replaces, and a pod what it has equal with other pods,
/// as the same nodes (SharedSubtrees, SubtreeInterner); every version still reads as its own content.
/// </summary>
public class ObjectStoreSharedPartsTests
{
    private readonly StoreHarness _h = new();

    private static string? Image(KubeObject pod) => pod.Raw["spec"]!["containers"]![0]!["image"]!.GetValue<string>();

    private static JsonObject StatusOf(string phase, string ip) => new() { ["phase"] = phase, ["podIP"] = ip, ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }) };

    [Fact]
    public void StatusUpdate_SharesSpecAndMetadataParts_WithTheVersionItReplaces_WhichKeepsItsOwnStatus()
    {
        var created = _h.Store.Create(StoreHarness.Pod("web", nodeName: "node-1", labels: new Dictionary<string, string> { ["app"] = "web" }));

        var updated = _h.Store.UpdateStatus(created.With(json => json["status"] = StatusOf("Running", "10.0.0.5")));

        Assert.NotEqual(created.ResourceVersion, updated.ResourceVersion);
        Assert.Same(created.Raw["spec"], updated.Raw["spec"]);
        Assert.Same(created.Raw["metadata"]!["labels"], updated.Raw["metadata"]!["labels"]);
        Assert.NotSame(created.Raw["metadata"], updated.Raw["metadata"]);

        // Each version still reads as itself.
        Assert.Null(created.Peek("status.podIP"));
        Assert.Equal("10.0.0.5", updated.GetString("status.podIP"));
        Assert.Equal("node-1", created.GetString("spec.nodeName"));
        Assert.Equal(Image(created), Image(updated));
        Assert.Equal(updated.ToJsonString(), KubeObject.Parse(updated.ToJsonString()).ToJsonString());
    }

    /// <summary>
    /// A new version takes over what was read of the labels, annotations and owner references it shares with the version
    /// it replaces; a part it does not share is read from its own nodes.
    /// </summary>
    [Fact]
    public void StatusUpdate_TakesOverWhatWasReadOfSharedParts_ButNotOfChangedOnes()
    {
        var owner = _h.Store.Create(StoreHarness.ConfigMap("owner"));
        var created = _h.Store.Create(StoreHarness.OwnedPod("web", owner).With(json =>
        {
            json["metadata"]!["labels"] = new JsonObject { ["app"] = "web" };
            json["metadata"]!["annotations"] = new JsonObject { ["note"] = "one" };
        }));
        var (labels, annotations, owners) = (created.Labels, created.Annotations, created.OwnerReferences);
        Assert.Single(owners);

        var running = _h.Store.UpdateStatus(created.With(json => json["status"] = StatusOf("Running", "10.0.0.5")));
        var annotated = _h.Store.Update(running.With(json => json["metadata"]!["annotations"] = new JsonObject { ["note"] = "two" }));

        Assert.Same(labels, running.Labels);
        Assert.Same(annotations, running.Annotations);
        Assert.Same(owners, running.OwnerReferences);
        Assert.Same(labels, annotated.Labels);
        Assert.NotSame(annotations, annotated.Annotations);
        Assert.Equal("two", annotated.Annotations["note"]);
        Assert.Equal(owner.Uid, annotated.OwnerReferences.Single().Uid);
    }

    [Fact]
    public void NoOpOrRefusedStatusUpdate_LeavesTheStoredVersionsPartsWithIt()
    {
        var created = _h.Store.Create(StoreHarness.Pod("web", nodeName: "node-1"));
        var running = _h.Store.UpdateStatus(created.With(json => json["status"] = StatusOf("Running", "10.0.0.5")));

        var again = _h.Store.UpdateStatus(running.With(json => json["status"] = StatusOf("Running", "10.0.0.5")));
        StoreHarness.Throws(() => _h.Store.UpdateStatus(created.With(json => json["status"] = StatusOf("Failed", "10.0.0.6"))));

        Assert.Same(running, again);
        Assert.Same(running.Raw, running.Raw["spec"]!.Parent);
        Assert.Same(running.Raw["metadata"], running.Raw["metadata"]!["name"]!.Parent);
    }

    [Fact]
    public void Binding_SharesTheUnchangedPartsOfSpec_NotSpecItself()
    {
        var created = _h.CreatePod("web");

        var bound = _h.Store.Bind(_h.Pods, "default", "web", "node-1");

        Assert.NotSame(created.Raw["spec"], bound.Raw["spec"]);
        Assert.Same(created.Raw["spec"]!["containers"], bound.Raw["spec"]!["containers"]);
        Assert.Null(created.Peek("spec.nodeName"));
        Assert.Equal("node-1", bound.GetString("spec.nodeName"));
    }

    [Fact]
    public void PodsWithEqualParts_HoldThemOnce_AndADifferentPartStaysItsOwn()
    {
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        var a = _h.CreatePod("web-a", labels: labels);
        var b = _h.CreatePod("web-b", labels: labels);
        var c = _h.Store.Create(StoreHarness.Pod("db", labels: new Dictionary<string, string> { ["app"] = "db" })
            .With(json => json["spec"]!["containers"]![0]!["image"] = "postgres:17"));

        Assert.Same(a.Raw["spec"]!["containers"], b.Raw["spec"]!["containers"]);
        Assert.Same(a.Raw["metadata"]!["labels"], b.Raw["metadata"]!["labels"]);
        Assert.NotSame(a.Raw["spec"]!["containers"], c.Raw["spec"]!["containers"]);
        Assert.NotSame(a.Raw["metadata"]!["labels"], c.Raw["metadata"]!["labels"]);
        Assert.Equal("postgres:17", Image(c));
        Assert.Equal("nginx:1.27", Image(b));
    }

    [Fact]
    public void ChangingACopyOfAPodWithSharedParts_LeavesEveryStoredPodAsItWas()
    {
        var a = _h.CreatePod("web-a");
        var b = _h.CreatePod("web-b");
        Assert.Same(a.Raw["spec"]!["containers"], b.Raw["spec"]!["containers"]);

        var changed = _h.Store.Update(a.With(json => json["spec"]!["containers"]![0]!["image"] = "nginx:1.28"));

        Assert.Equal("nginx:1.28", Image(changed));
        Assert.Equal("nginx:1.27", Image(a));
        Assert.Equal("nginx:1.27", Image(_h.Store.Get(_h.Pods, "default", "web-b")));
    }

    [Fact]
    public void KindsWithoutSharedParts_DoNotShareBetweenObjects()
    {
        var a = _h.CreateConfigMap("a");
        var b = _h.CreateConfigMap("b");

        Assert.Empty(_h.ConfigMaps.SharedParts);
        Assert.NotSame(a.Raw["data"], b.Raw["data"]);
        Assert.Equal(a.Raw["data"]!.ToJsonString(), b.Raw["data"]!.ToJsonString());
    }

    [Fact]
    public void SharingIsAvailable_OnThisRuntime()
        => Assert.True(SharedSubtrees.Available, "System.Text.Json's JsonNode has no _parent field: versions are copied, not shared");
}
