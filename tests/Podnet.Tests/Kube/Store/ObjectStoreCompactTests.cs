using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Store;

/// <summary>Events are kept compact (KubeResource.KeptCompact): their text and identity, the tree parsed again when read.</summary>
public class ObjectStoreCompactTests
{
    private readonly StoreHarness _h = new();

    [Fact]
    public void RecordedEvent_IsKeptCompact_IdentityReadWithoutParsing_AndTheSameObjectWhenRead()
    {
        var pod = _h.CreatePod("web");
        var recorder = new EventRecorder(_h.Store, _h.Time);
        var written = recorder.Warning(pod, "FailedCreatePodSandBox", "Failed to create pod sandbox: \"<&>\" ünïcode", "kubelet", "node-1")!;
        var events = _h.Store.Resources.For("v1", "Event");

        var stored = _h.Store.Get(events, "default", written.Name);

        Assert.True(stored.IsCompactUnread);
        Assert.Equal(("v1", "Event", "default", written.Name), (stored.ApiVersion, stored.Kind, stored.Namespace, stored.Name));
        Assert.NotNull(stored.Uid);
        Assert.NotNull(stored.ResourceVersion);
        Assert.True(stored.IsCompactUnread);

        // The text kept is what the tree writes, and reading a field parses it back to the same object.
        var text = stored.ToJsonString();
        Assert.True(stored.IsCompactUnread);
        // A string field is read from the text; a node of the tree parses it.
        Assert.Equal("Failed to create pod sandbox: \"<&>\" ünïcode", stored.GetString("message"));
        Assert.True(stored.IsCompactUnread);
        Assert.Equal("Failed to create pod sandbox: \"<&>\" ünïcode", stored["message"]!.GetValue<string>());
        Assert.False(stored.IsCompactUnread);
        Assert.Equal(text, stored.ToJsonString());
        Assert.Equal(pod.Uid, stored.GetString("involvedObject.uid"));
        Assert.Equal("node-1", stored.GetString("source.host"));
    }

    /// <summary>
    /// The recorder writes an Event as text (KubeObject.Written) and the store stamps a create's fields into it: the text
    /// is what the tree of the same Event writes, metadata in the order a create sets it, and the audit log records the
    /// body as sent, without the stamps.
    /// </summary>
    [Fact]
    public void RecordedEvent_StampedInItsText_AsACreateStampsATree_AuditedAsSent()
    {
        var audited = new List<AuditRecord>();
        _h.Store.Audited = audited.Add;
        var pod = _h.CreatePod("web");
        var recorder = new EventRecorder(_h.Store, _h.Time);

        var written = recorder.Warning(pod, "FailedCreatePodSandBox", "Failed \"<&>\"", "kubelet", "node-1")!;

        var stored = _h.Store.Get(_h.Store.Resources.For("v1", "Event"), "default", written.Name);
        Assert.True(stored.IsCompactUnread);
        var text = stored.ToJsonString();
        var tree = (JsonObject)JsonNode.Parse(text)!;
        Assert.Equal(text, tree.ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions));
        Assert.Equal(["name", "namespace", "uid", "creationTimestamp", "resourceVersion"], tree["metadata"]!.AsObject().Select(f => f.Key));
        Assert.Equal((stored.Uid, stored.ResourceVersion), (tree["metadata"]!["uid"]!.GetValue<string>(), tree["metadata"]!["resourceVersion"]!.GetValue<string>()));
        Assert.Equal(["apiVersion", "kind", "metadata", "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "reportingComponent", "reportingInstance"], tree.Select(f => f.Key));
        Assert.Equal(pod.Uid, tree["involvedObject"]!["uid"]!.GetValue<string>());
        Assert.Equal(StoreHarness.Start, stored.CreationTimestamp);

        // Once stored, others hold it: nothing is stamped into its text any more.
        Assert.False(stored.TryStampInText("selfLink", "x"));
        Assert.Equal(text, stored.ToJsonString());

        var create = Assert.Single(audited, a => a is { Verb: "create", Resource.Kind: "Event" });
        Assert.Equal(["name", "namespace"], create.RequestObject!["metadata"]!.AsObject().Select(f => f.Key));
        Assert.Equal(201, create.Code);
    }

    /// <summary>An Event made as text still passes every step of admission: a webhook that changes Events has its change stored.</summary>
    [Fact]
    public void RecordedEvent_ChangedByAMutatingWebhook_IsStoredAsChanged()
    {
        var chain = new Podnet.Kube.Admission.AdmissionChain([new Podnet.Kube.Admission.ObjectDefaults(), new Podnet.Kube.Admission.ObjectValidation()]);
        chain.Register(new Podnet.Kube.Admission.AdmissionWebhook("label-events.example.com", true, Podnet.Kube.Admission.FailurePolicy.Fail,
            r => r.Resource.Kind == "Event", r => Podnet.Kube.Admission.AdmissionResult.Allow(r.Object!.WithLabel("seen", "yes"))));
        var h = new StoreHarness(chain);
        var pod = h.CreatePod("web");

        var written = new EventRecorder(h.Store, h.Time).Normal(pod, "Pulled", "pulled", "kubelet", "node-1")!;

        var stored = h.Store.Get(h.Store.Resources.For("v1", "Event"), "default", written.Name);
        Assert.Equal("yes", stored.Label("seen"));
        Assert.NotNull(stored.Uid);
        Assert.NotNull(stored.ResourceVersion);
        Assert.Equal(pod.Uid, stored.GetString("involvedObject.uid"));
        Assert.Single(h.Store.ListByIndex(h.Store.Resources.For("v1", "Event"), ObjectStore.InvolvedObjectUidIndex, pod.Uid!));
    }

    [Fact]
    public void CompactEvent_FoundByItsIndex_CountedUp_AndListedAsJson()
    {
        var pod = _h.CreatePod("web");
        var recorder = new EventRecorder(_h.Store, _h.Time);
        recorder.Normal(pod, "Pulled", "pulled", "kubelet", "node-1");
        var events = _h.Store.Resources.For("v1", "Event");

        var again = recorder.Normal(pod, "Pulled", "pulled", "kubelet", "node-1")!;
        var found = Assert.Single(_h.Store.ListByIndex(events, ObjectStore.InvolvedObjectUidIndex, pod.Uid!));

        Assert.Equal(2, found["count"]!.GetValue<int>());
        Assert.Equal(again.Name, found.Name);
        var listed = Assert.Single(_h.Store.List(events, "default").Items);
        Assert.Equal(2, JsonNode.Parse(listed.ToJsonString())!["count"]!.GetValue<int>());
    }

    /// <summary>
    /// Only a new Event is made compact: a count-up reads the version it replaces whole, so the version it writes keeps
    /// its tree for the next one (KubeResource.KeptCompact).
    /// </summary>
    [Fact]
    public void CountedUpEvent_KeepsItsTree_NewEventIsCompact()
    {
        var pod = _h.CreatePod("web");
        var recorder = new EventRecorder(_h.Store, _h.Time);
        var events = _h.Store.Resources.For("v1", "Event");
        var first = recorder.Normal(pod, "Pulled", "pulled", "kubelet", "node-1")!;
        Assert.True(_h.Store.Get(events, "default", first.Name).IsCompactUnread);

        recorder.Normal(pod, "Pulled", "pulled", "kubelet", "node-1");
        recorder.Normal(pod, "Pulled", "pulled", "kubelet", "node-1");
        var other = recorder.Normal(pod, "Created", "created", "kubelet", "node-1")!;

        var counted = _h.Store.Get(events, "default", first.Name);
        Assert.False(counted.IsCompactUnread);
        Assert.Equal(3, counted["count"]!.GetValue<int>());
        Assert.Equal(pod.Uid, counted.GetString("involvedObject.uid"));
        Assert.Equal(first.GetString("firstTimestamp"), counted.GetString("firstTimestamp"));
        Assert.True(_h.Store.Get(events, "default", other.Name).IsCompactUnread);
    }

    [Fact]
    public void Pods_AreNotKeptCompact()
    {
        var pod = _h.CreatePod("web");

        Assert.False(_h.Store.Get(_h.Pods, "default", pod.Name).IsCompactUnread);
    }

    /// <summary>
    /// No controller parses every Event it is handed: after the default world settles, the Events nobody counted up or
    /// described are still compact (a handler reading a field beyond an object's identity on every change would undo
    /// the saving for the whole kind).
    /// </summary>
    [Fact]
    public void DefaultWorld_Settled_ItsEventsStayCompact()
    {
        var world = Podnet.World.WorldLoader.LoadDefault();
        var events = world.ControlPlane.Store.List("v1", "Event").Items;

        Assert.True(events.Count > 20, $"{events.Count} events");
        var unread = events.Count(e => e.IsCompactUnread);
        Assert.True(unread >= events.Count * 9 / 10, $"{unread} of {events.Count} events compact");
    }

    /// <summary>
    /// A deleted Event's DELETED version is stamped in its text (KubeObject.WithResourceVersionInText): compact, and the
    /// same JSON the tree would write with the new resourceVersion.
    /// </summary>
    [Fact]
    public void DeletedEvent_ItsDeletedVersionStampedInItsText()
    {
        var pod = _h.CreatePod("web");
        var events = _h.Store.Resources.For("v1", "Event");
        var written = new EventRecorder(_h.Store, _h.Time).Warning(pod, "FailedMount", "MountVolume.SetUp failed for \"x\"", "kubelet", "node-1")!;
        var stored = _h.Store.Get(events, "default", written.Name);
        var expected = (JsonObject)JsonNode.Parse(stored.ToJsonString())!;
        var watch = _h.Store.Watch(events, resourceVersion: stored.ResourceVersion);

        _h.Store.Delete(events, "default", written.Name);

        var deleted = Assert.Single(watch.Read()).Object;
        Assert.True(deleted.IsCompactUnread);
        Assert.NotEqual(stored.ResourceVersion, deleted.ResourceVersion);
        Assert.Equal(written.Name, deleted.Name);
        Assert.Equal(
            stored.ToJsonString().Replace($"\"resourceVersion\":\"{stored.ResourceVersion}\"", $"\"resourceVersion\":\"{deleted.ResourceVersion}\"", StringComparison.Ordinal),
            deleted.ToJsonString());
        expected["metadata"]!["resourceVersion"] = deleted.ResourceVersion;
        Assert.True(deleted.IsCompactUnread);
        Assert.Equal("MountVolume.SetUp failed for \"x\"", deleted.GetString("message"));
        Assert.True(JsonNode.DeepEquals(expected, deleted.ToJson()));
    }
}
