using Podnet.Kube.Api;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Store;

public class ObjectStoreBindingTests
{
    private readonly StoreHarness _h = new();

    [Fact]
    public void Bind_SetsNodeNameAndPodScheduledInOneChange()
    {
        _h.CreatePod("web");
        var from = _h.Store.CurrentResourceVersion;

        var bound = _h.Store.Bind(_h.Pods, "default", "web", "node-1");

        Assert.Equal("node-1", bound.GetString("spec.nodeName"));
        var condition = Assert.Single(((System.Text.Json.Nodes.JsonArray)bound["status.conditions"]!).OfType<System.Text.Json.Nodes.JsonObject>(), c => c["type"]!.GetValue<string>() == "PodScheduled");
        Assert.Equal("True", condition["status"]!.GetValue<string>());
        Assert.Equal(KubeObject.FormatTimestamp(_h.Time.GetUtcNow()), condition["lastTransitionTime"]!.GetValue<string>());
        var change = Assert.Single(_h.Store.Watch(_h.Pods, resourceVersion: from.ToString(System.Globalization.CultureInfo.InvariantCulture)).Read());
        Assert.Equal("MODIFIED Pod web", Describe(change));
        Assert.Equal(from + 1, change.ResourceVersion);
    }

    /// <summary>
    /// setPodNodeAndMetadata copies the Binding's annotations onto the pod in the bind's one write, each replacing the
    /// pod's annotation of that key and leaving the others.
    /// </summary>
    [Fact]
    public void Bind_WithAnnotations_MergesThemIntoThePodInTheSameChange()
    {
        var pod = StoreHarness.Pod("web");
        pod.Raw["metadata"]!["annotations"] = new System.Text.Json.Nodes.JsonObject { ["keep"] = "me", ["Logging"] = "old" };
        _h.Store.Create(pod);
        var from = _h.Store.CurrentResourceVersion;

        var bound = _h.Store.Bind(_h.Pods, "default", "web", "node-1", annotations: new Dictionary<string, string> { ["CapacityProvisioned"] = "0.25vCPU 0.5GB", ["Logging"] = "LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND" });

        var change = Assert.Single(_h.Store.Watch(_h.Pods, resourceVersion: from.ToString(System.Globalization.CultureInfo.InvariantCulture)).Read());
        Assert.Equal(bound.ResourceVersion, change.Object.ResourceVersion);
        Assert.Equal("node-1", change.Object.GetString("spec.nodeName"));
        Assert.Equal(
            new Dictionary<string, string> { ["keep"] = "me", ["Logging"] = "LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND", ["CapacityProvisioned"] = "0.25vCPU 0.5GB" },
            change.Object.Annotations.ToDictionary(a => a.Key, a => a.Value));
    }

    [Fact]
    public void Bind_AlreadyAssigned_IsConflictOnPodsBinding()
    {
        _h.CreatePod("web", nodeName: "node-1");

        var e = Throws(() => _h.Store.Bind(_h.Pods, "default", "web", "node-2"));

        Assert.Equal(409, e.Code);
        Assert.Equal("Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to node \"node-1\"", e.Message);
        Assert.Equal("node-1", _h.Store.Get(_h.Pods, "default", "web").GetString("spec.nodeName"));
    }

    [Fact]
    public void Bind_TerminatingPod_IsConflict_AndMissingPodNotFound()
    {
        _h.CreatePod("web", finalizers: "example.com/hold");
        _h.Store.Delete(_h.Pods, "default", "web");

        var terminating = Throws(() => _h.Store.Bind(_h.Pods, "default", "web", "node-1"));
        var missing = Throws(() => _h.Store.Bind(_h.Pods, "default", "gone", "node-1"));

        Assert.Equal("Operation cannot be fulfilled on pods/binding \"web\": pod web is being deleted, cannot be assigned to a host", terminating.Message);
        Assert.Equal(404, missing.Code);
    }
}
