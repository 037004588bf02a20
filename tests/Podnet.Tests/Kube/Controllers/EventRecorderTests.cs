using Podnet.Kube.Api;
using Podnet.Kube.Controllers;

namespace Podnet.Tests.Kube.Controllers;

public class EventRecorderTests
{
    /// <summary>
    /// An event about an object in a namespace being terminated is refused by the API server (NamespaceLifecycle: 403)
    /// and dropped by the recorder, as client-go's recordEvent drops it ("Server rejected event … (will not retry!)"),
    /// instead of failing the component that records it.
    /// </summary>
    [Fact]
    public void EventRecorder_NamespaceBeingTerminated_EventRefusedAndDropped()
    {
        var cluster = new TestCluster();
        cluster.Create(new System.Text.Json.Nodes.JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "doomed" } });
        var held = cluster.Create(new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "held", ["namespace"] = "doomed", ["finalizers"] = new System.Text.Json.Nodes.JsonArray("example.com/hold") },
        });
        Assert.NotNull(cluster.Plane.Events.Normal(held, "Before", "recorded", "kubelet"));
        var rejected = cluster.Plane.Events.Rejected;

        cluster.Store.Delete(cluster.Store.Resources.For("v1", "Namespace"), null, "doomed");
        cluster.Run();
        Assert.True(cluster.Get("v1", "Namespace", "doomed", null).IsTerminating);

        Assert.Null(cluster.Plane.Events.Normal(held, "After", "refused", "kubelet"));
        Assert.Equal(rejected + 1, cluster.Plane.Events.Rejected);
        Assert.Empty(cluster.Store.List("v1", "Event", "doomed").Items);
    }

    [Fact]
    public void EventRecorder_SameEventAgain_CountsAndMovesLastTimestamp()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));
        var start = KubeObject.FormatTimestamp(cluster.Time.GetUtcNow());

        var first = cluster.Plane.Events.Warning(pod, "FailedMount", "MountVolume.SetUp failed", "kubelet", "node-1")!;
        cluster.Time.Advance(TimeSpan.FromSeconds(90));
        var second = cluster.Plane.Events.Warning(pod, "FailedMount", "MountVolume.SetUp failed", "kubelet", "node-1")!;

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
    /// An Event gone since the correlator last wrote it (expired an hour after its last write, or deleted) is written
    /// again under its name, its count and first timestamp continued, as client-go's recordEvent creates the observed
    /// event when its patch is answered NotFound.
    /// </summary>
    [Fact]
    public void EventRecorder_EventExpiredMeanwhile_CreatedAgainUnderItsNameWithItsCountContinued()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));
        var start = KubeObject.FormatTimestamp(cluster.Time.GetUtcNow());
        var first = cluster.Plane.Events.Warning(pod, "FailedMount", "MountVolume.SetUp failed", "kubelet", "node-1")!;
        cluster.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, cluster.Plane.Events.Warning(pod, "FailedMount", "MountVolume.SetUp failed", "kubelet", "node-1")!["count"]!.GetValue<int>());

        cluster.Time.Advance(KubeResources.EventTimeToLive + TimeSpan.FromMinutes(1));
        Assert.Equal(1, cluster.Store.ExpireDue());
        Assert.Empty(cluster.EventsAbout(pod));

        var again = cluster.Plane.Events.Warning(pod, "FailedMount", "MountVolume.SetUp failed", "kubelet", "node-1")!;

        Assert.Equal(first.Name, again.Name);
        Assert.NotEqual(first.Uid, again.Uid);
        Assert.Equal(3, again["count"]!.GetValue<int>());
        Assert.Equal(start, again.GetString("firstTimestamp"));
        Assert.Equal(KubeObject.FormatTimestamp(cluster.Time.GetUtcNow()), again.GetString("lastTimestamp"));
        Assert.Equal(4, cluster.Plane.Events.Warning(pod, "FailedMount", "MountVolume.SetUp failed", "kubelet", "node-1")!["count"]!.GetValue<int>());
        Assert.Single(cluster.EventsAbout(pod));
    }

    /// <summary>
    /// client-go names an event after the time in nanoseconds; in virtual time thousands fall in one instant (a
    /// scheduler's first pass over new pods), and each still gets a name of its own instead of a 409 that stops the
    /// controller.
    /// </summary>
    [Fact]
    public void EventRecorder_ManyEventsInOneInstant_GetNamesOfTheirOwn()
    {
        var cluster = new TestCluster();
        var pods = Enumerable.Range(0, 300).Select(i => cluster.Create(TestCluster.PodJson($"web-{i}"))).ToList();

        var names = pods.SelectMany(pod => new[] { "Scheduled", "Pulled", "Created", "Started", "Killing" }
            .Select(reason => cluster.Plane.Events.Normal(pod, reason, reason.ToLowerInvariant(), "kubelet")!.Name)).ToList();

        Assert.Equal(1500, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^web-[0-9]+\\.[0-9a-f]{16}$", n));
    }

    /// <summary>
    /// client-go's aggregation: from the 10th different message of one reason about one object within 10 minutes,
    /// the events go to one event "(combined from similar events): …" that counts up — what describe shows for a
    /// ReplicaSet that created many pods, or a pod whose sandbox keeps failing.
    /// </summary>
    [Fact]
    public void EventRecorder_TenthDifferentMessage_IsCombinedFromSimilarEvents()
    {
        var cluster = new TestCluster();
        var replicaSet = cluster.Create(TestCluster.PodJson("owner"));

        for (var i = 0; i < 15; i++)
        {
            cluster.Plane.Events.Normal(replicaSet, "SuccessfulCreate", $"Created pod: web-{i}", "replicaset-controller");
        }

        var events = cluster.EventsAbout(replicaSet);
        Assert.Equal(10, events.Count);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"Created pod: web-{i}"), events.Take(9).Select(e => e.GetString("message")));
        var combined = events[9];
        Assert.Equal("(combined from similar events): Created pod: web-14", combined.GetString("message"));
        Assert.Equal(6, combined["count"]!.GetValue<int>());
    }

    /// <summary>
    /// client-go's spam filter: one source writes at most 25 events about one object at once, then one every 5
    /// minutes; what is dropped is not counted either.
    /// </summary>
    [Fact]
    public void EventRecorder_SpamFilter_25AtOnceThenOneEveryFiveMinutes()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));
        var events = cluster.Plane.Events;

        var written = Enumerable.Range(0, 40).Count(_ => events.Warning(pod, "BackOff", "Back-off restarting failed container", "kubelet", "node-1") is not null);
        var other = events.Normal(pod, "Scheduled", "Successfully assigned default/web to node-1", "default-scheduler");
        cluster.Time.Advance(TimeSpan.FromMinutes(5));
        var afterFiveMinutes = Enumerable.Range(0, 3).Count(_ => events.Warning(pod, "BackOff", "Back-off restarting failed container", "kubelet", "node-1") is not null);

        Assert.Equal(25, written);
        Assert.NotNull(other);
        Assert.Equal(1, afterFiveMinutes);
        Assert.Equal(26, cluster.EventsAbout(pod).Single(e => e.GetString("reason") == "BackOff")["count"]!.GetValue<int>());
    }

    /// <summary>
    /// A message made when written (a kubelet's FailedCreatePodSandBox, told apart by its sandbox ID) is made only for
    /// the events the spam filter lets through, aggregates by its identity as a text message does by its text, and is
    /// written combined once ten identities were seen.
    /// </summary>
    [Fact]
    public void EventRecorder_MessageMadeWhenWritten_MadeOnlyForWhatIsWritten()
    {
        var cluster = new TestCluster();
        var pod = cluster.Create(TestCluster.PodJson("web"));
        var made = 0;

        var written = Enumerable.Range(0, 40).Count(i => cluster.Plane.Events.Warning(
            pod,
            "FailedCreatePodSandBox",
            new EventMessage($"sandbox-{i}", prefix => { made++; return $"{prefix}failed to setup network for sandbox \"sandbox-{i}\""; }),
            "kubelet",
            "node-1") is not null);

        Assert.Equal(25, written);
        Assert.Equal(25, made);
        var events = cluster.EventsAbout(pod);
        Assert.Equal(10, events.Count);
        Assert.Equal("failed to setup network for sandbox \"sandbox-0\"", events[0].GetString("message"));
        Assert.Equal("(combined from similar events): failed to setup network for sandbox \"sandbox-24\"", events[9].GetString("message"));
        Assert.Equal(16, events[9]["count"]!.GetValue<int>());
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

    /// <summary>
    /// client-go's correlator remembers 4,096 keys per component (lru.New(maxLruCacheEntries)): once a key has been
    /// forgotten, the same event again starts a new Event instead of counting up the first, while a key still
    /// remembered counts up. Each source has its own caches, so another component's events forget nothing.
    /// </summary>
    [Fact]
    public void EventRecorder_KeyForgottenAfter4096Others_StartsANewEvent()
    {
        var cluster = new TestCluster();
        var events = cluster.Plane.Events;
        var first = cluster.Create(TestCluster.PodJson("first"));
        var kept = cluster.Create(TestCluster.PodJson("kept"));
        var firstEvent = events.Normal(first, "Pulled", "pulled", "kubelet", "node-1")!;
        var keptEvent = events.Normal(kept, "Pulled", "pulled", "kubelet", "node-2")!;

        // 4,096 other keys from node-1's kubelet, about as many other pods, so none aggregates or is spam-filtered.
        for (var i = 0; i < EventCorrelator.LruCacheEntries; i++)
        {
            Assert.NotNull(events.Normal(KubeObject.Create("v1", "Pod", $"other-{i}", "default"), "Pulled", "pulled", "kubelet", "node-1"));
        }

        var again = events.Normal(first, "Pulled", "pulled", "kubelet", "node-1")!;
        var keptAgain = events.Normal(kept, "Pulled", "pulled", "kubelet", "node-2")!;

        Assert.NotEqual(firstEvent.Name, again.Name);
        Assert.Equal(1, again["count"]!.GetValue<int>());
        Assert.Equal(keptEvent.Name, keptAgain.Name);
        Assert.Equal(2, keptAgain["count"]!.GetValue<int>());
    }
}
