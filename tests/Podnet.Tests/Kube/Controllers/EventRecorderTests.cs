using Podnet.Kube.Api;

namespace Podnet.Tests.Kube.Controllers;

public class EventRecorderTests
{
    [Fact]
    public void EventRecorder_SameEventAgain_CountsAndMovesLastTimestamp()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));
        var start = KubeObject.FormatTimestamp(cluster.Time.GetUtcNow());

        var first = cluster.Plane.Events.Warning(pod, "FailedMount", "MountVolume.SetUp failed", "kubelet", "node-1");
        cluster.Time.Advance(TimeSpan.FromSeconds(90));
        var second = cluster.Plane.Events.Warning(pod, "FailedMount", "MountVolume.SetUp failed", "kubelet", "node-1");

        Assert.Equal(first.Name, second.Name);
        Assert.StartsWith("web.", first.Name, StringComparison.Ordinal);
        Assert.Equal(2, second["count"]!.GetValue<int>());
        Assert.Equal(start, second.GetString("firstTimestamp"));
        Assert.Equal(KubeObject.FormatTimestamp(cluster.Time.GetUtcNow()), second.GetString("lastTimestamp"));
        Assert.Equal("Warning", second.GetString("type"));
        Assert.Equal("kubelet", second.GetString("source.component"));
        Assert.Equal("node-1", second.GetString("source.host"));
        Assert.Equal("default", second.GetString("involvedObject.namespace"));
        Assert.Equal(pod.Uid, second.GetString("involvedObject.uid"));
        Assert.Single(cluster.EventsAbout(pod));
    }

    /// <summary>
    /// client-go names an event after the time in nanoseconds; in virtual time thousands fall in one instant (a
    /// ReplicaSet creating its pods), and each still gets a name of its own instead of a 409 that stops the controller.
    /// </summary>
    [Fact]
    public void EventRecorder_ManyEventsInOneInstant_GetNamesOfTheirOwn()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));

        var names = Enumerable.Range(0, 3000).Select(i => cluster.Plane.Events.Normal(pod, "SuccessfulCreate", $"Created pod: web-{i}", "replicaset-controller").Name).ToList();

        Assert.Equal(3000, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^web\\.[0-9a-f]{16}$", n));
        Assert.Equal(3000, cluster.EventsAbout(pod).Count);
    }

    [Fact]
    public void EventRecorder_DifferentMessageTypeOrComponent_RecordsAnother()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));

        cluster.Plane.Events.Normal(pod, "Pulled", "one", "kubelet");
        cluster.Plane.Events.Normal(pod, "Pulled", "two", "kubelet");
        cluster.Plane.Events.Warning(pod, "Pulled", "two", "kubelet");
        cluster.Plane.Events.Normal(pod, "Pulled", "two", "other");

        var events = cluster.EventsAbout(pod);
        Assert.Equal(4, events.Count);
        Assert.All(events, e => Assert.Equal(1, e["count"]!.GetValue<int>()));
    }

    [Fact]
    public void EventRecorder_About_OldestFirstInRecordingOrder()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));
        var other = cluster.Create(TestCluster.PodJson("other"));
        var events = cluster.Plane.Events;

        // Many in the same instant, as controllers record them, then one later.
        string[] reasons = ["Scheduled", "Pulled", "Created", "Started", "Killing", "Unhealthy", "BackOff", "Failed", "Evicted", "Preempted"];
        foreach (var reason in reasons)
        {
            events.Normal(pod, reason, reason.ToLowerInvariant(), "kubelet");
            events.Normal(other, reason, "about the other pod", "kubelet");
        }

        cluster.Time.Advance(TimeSpan.FromSeconds(5));
        events.Normal(pod, "Late", "late", "kubelet");

        Assert.Equal([.. reasons, "Late"], cluster.EventsAbout(pod).Select(e => e.GetString("reason")));
        Assert.Equal(reasons, cluster.EventsAbout(other).Select(e => e.GetString("reason")));
    }

    [Fact]
    public void EventRecorder_ClusterScopedObject_EventInDefaultNamespace()
    {
        var cluster = new TestCluster();
        var node = cluster.AddNode("node-1");

        var ready = Assert.Single(cluster.EventsAbout(node));
        Assert.Equal("NodeReady", ready.GetString("reason"));
        Assert.Equal("Node node-1 status is now: NodeReady", ready.GetString("message"));
        Assert.Equal("default", ready.Namespace);
        Assert.Null(ready["involvedObject.namespace"]);
        Assert.Equal("Node", ready.GetString("involvedObject.kind"));
    }
}
