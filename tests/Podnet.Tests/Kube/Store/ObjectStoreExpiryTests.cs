using System.Globalization;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.World;

namespace Podnet.Tests.Kube.Store;

/// <summary>
/// Events live an hour after their last write (KubeResource.TimeToLive, kube-apiserver's --event-ttl, which EKS keeps at
/// its default), on the leases the API server's etcd3 lease manager grants (a minute longer, shared by the writes of
/// that minute): etcd deletes them when their lease runs out, and a watch sees them DELETED.
/// </summary>
public class ObjectStoreExpiryTests
{
    private readonly StoreHarness _h = new();

    private KubeResource Events => _h.Store.Resources.For("v1", "Event");

    /// <summary>An Event's lease is granted for the hour and a minute more (the reuse window), and the Event goes with it.</summary>
    [Fact]
    public void Event_GoesWhenItsLeaseRunsOut_AnHourAndAMinuteAfterTheLeaseWasGranted_AndAWatchSeesItDeleted()
    {
        var pod = _h.CreatePod("web");
        var recorder = new EventRecorder(_h.Store, _h.Time);
        var written = recorder.Warning(pod, "FailedScheduling", "0/3 nodes are available", "default-scheduler", null)!;
        var watch = _h.Store.Watch(Events, resourceVersion: written.ResourceVersion);
        Assert.Equal(StoreHarness.Start + KubeResources.EventTimeToLive + TimeSpan.FromMinutes(1), _h.Store.NextExpiry);

        _h.Time.Advance(KubeResources.EventTimeToLive + TimeSpan.FromSeconds(59));
        Assert.Equal(0, _h.Store.ExpireDue());
        Assert.NotNull(_h.Store.TryGet(Events, "default", written.Name));

        _h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, _h.Store.ExpireDue());

        Assert.Null(_h.Store.TryGet(Events, "default", written.Name));
        Assert.Empty(_h.Store.ListByIndex(Events, ObjectStore.InvolvedObjectUidIndex, pod.Uid!));
        var deleted = Assert.Single(watch.Read());
        Assert.Equal($"DELETED Event {written.Name}", StoreHarness.Describe(deleted));
        Assert.True(long.Parse(deleted.Object.ResourceVersion!, CultureInfo.InvariantCulture) > long.Parse(written.ResourceVersion!, CultureInfo.InvariantCulture));
        Assert.Null(_h.Store.NextExpiry);
    }

    /// <summary>
    /// Writes within the minute after a lease was granted share it (the lease manager's reuse: it still runs out after
    /// the hour from their write) and go together; a write later than that takes a lease of its own.
    /// </summary>
    [Fact]
    public void EventsWrittenWithinTheReuseWindow_ShareALease_AndGoTogether()
    {
        var pod = _h.CreatePod("web");
        var recorder = new EventRecorder(_h.Store, _h.Time);
        var first = recorder.Normal(pod, "Scheduled", "Successfully assigned default/web to node-1", "default-scheduler", null)!;
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        var second = recorder.Normal(pod, "Pulled", "Container image \"nginx:1.27\" already present on machine", "kubelet", "node-1")!;
        _h.Time.Advance(TimeSpan.FromSeconds(31));
        var third = recorder.Normal(pod, "Started", "Started container app", "kubelet", "node-1")!;

        _h.Time.Advance(KubeResources.EventTimeToLive - TimeSpan.FromSeconds(1));
        Assert.Equal(2, _h.Store.ExpireDue());

        Assert.Null(_h.Store.TryGet(Events, "default", first.Name));
        Assert.Null(_h.Store.TryGet(Events, "default", second.Name));
        Assert.NotNull(_h.Store.TryGet(Events, "default", third.Name));
        Assert.Equal(StoreHarness.Start + TimeSpan.FromSeconds(61) + KubeResources.EventTimeToLive + TimeSpan.FromMinutes(1), _h.Store.NextExpiry);
    }

    [Fact]
    public void CountedUpEvent_TakesANewLease()
    {
        var pod = _h.CreatePod("web");
        var recorder = new EventRecorder(_h.Store, _h.Time);
        var first = recorder.Normal(pod, "Pulled", "Container image \"nginx:1.27\" already present on machine", "kubelet", "node-1")!;

        _h.Time.Advance(TimeSpan.FromMinutes(40));
        var counted = recorder.Normal(pod, "Pulled", "Container image \"nginx:1.27\" already present on machine", "kubelet", "node-1")!;
        Assert.Equal(first.Name, counted.Name);
        Assert.Equal(2, counted["count"]!.GetValue<int>());

        // The first write's lease runs out 61 minutes in; the count-up 40 minutes in holds the Event on its own lease.
        _h.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, _h.Store.ExpireDue());
        _h.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, _h.Store.ExpireDue());
        Assert.Equal(2, _h.Store.Get(Events, "default", first.Name)["count"]!.GetValue<int>());

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, _h.Store.ExpireDue());
        Assert.Null(_h.Store.TryGet(Events, "default", first.Name));
    }

    [Fact]
    public void KindsWithoutTimeToLive_StayForAnyTime()
    {
        var pod = _h.CreatePod("web");
        var config = _h.CreateConfigMap("settings");
        Assert.Null(_h.Store.NextExpiry);

        _h.Time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(0, _h.Store.ExpireDue());
        Assert.Equal(pod.ResourceVersion, _h.Store.Get(_h.Pods, "default", "web").ResourceVersion);
        Assert.Equal(config.ResourceVersion, _h.Store.Get(_h.ConfigMaps, "default", "settings").ResourceVersion);
        Assert.Equal(KubeResources.EventTimeToLive, Events.TimeToLive);
        Assert.Null(_h.Pods.TimeToLive);
    }

    /// <summary>
    /// A settled world's Events go once an hour has passed and the control plane runs again; the hour does not keep a
    /// world from settling (it is no controller's work).
    /// </summary>
    [Fact]
    public void SettledWorld_LosesItsEventsAfterAnHour_WhenTheControlPlaneRunsAgain()
    {
        var world = WorldLoader.LoadDefault();
        var store = world.ControlPlane.Store;
        var events = store.Resources.For("v1", "Event");
        var before = store.List(events).Items.Count;
        Assert.True(before > 0);
        Assert.Null(world.ControlPlane.NextDue);

        world.Time.AdvanceTo(store.NextExpiry!.Value + KubeResources.EventTimeToLive);
        world.ControlPlane.RunReady();

        Assert.Empty(store.List(events).Items);
        Assert.NotEmpty(store.List(store.Resources.For("v1", "Pod")).Items);
        Assert.True(world.Settle().Settled);
    }
}
