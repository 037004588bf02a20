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
        Assert.Equal("Failed to create pod sandbox: \"<&>\" ünïcode", stored.GetString("message"));
        Assert.False(stored.IsCompactUnread);
        Assert.Equal(text, stored.ToJsonString());
        Assert.Equal(pod.Uid, stored.GetString("involvedObject.uid"));
        Assert.Equal("node-1", stored.GetString("source.host"));
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
}
