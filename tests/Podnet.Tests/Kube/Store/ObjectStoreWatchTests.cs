using System.Globalization;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Store;

public class ObjectStoreWatchTests
{
    private readonly StoreHarness _h = new(namespaces: "other");

    private static string Rv(long version) => version.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Watch_FromResourceVersion_ReplaysLaterChangesInOrder()
    {
        _h.CreatePod("before");
        var from = _h.Store.CurrentResourceVersion;
        var a = _h.CreatePod("a");
        _h.CreateConfigMap("not-a-pod");
        var a2 = _h.Store.Update(a.WithLabel("x", "y"));
        _h.CreatePod("b");
        _h.Store.Delete(a2);

        var watch = _h.Store.Watch(_h.Pods, resourceVersion: Rv(from));

        var events = watch.Read();
        Assert.Equal(["ADDED Pod a", "MODIFIED Pod a", "ADDED Pod b", "DELETED Pod a"], events.Select(Describe));
        Assert.Equal(events.Select(e => e.ResourceVersion).Order(), events.Select(e => e.ResourceVersion));
        Assert.All(events, e => Assert.Equal(e.Object.ResourceVersion, Rv(e.ResourceVersion)));
        Assert.Equal("y", events[1].Object.Labels["x"]);
    }

    [Fact]
    public void Watch_WithoutResourceVersion_StartsWithAddedForExistingObjects()
    {
        _h.CreatePod("b");
        _h.CreatePod("a");
        _h.CreatePod("c", "other");

        var watch = _h.Store.Watch(_h.Pods);
        Assert.Equal(["ADDED Pod a", "ADDED Pod b", "ADDED Pod c"], watch.Read().Select(Describe));

        _h.CreatePod("d");
        Assert.Equal(["ADDED Pod d"], watch.Read().Select(Describe));
    }

    [Fact]
    public void Watch_FromZero_IsLikeWithoutResourceVersion()
    {
        _h.CreatePod("a");
        Assert.Equal(["ADDED Pod a"], _h.Store.Watch(_h.Pods, resourceVersion: "0").Read().Select(Describe));
    }

    [Fact]
    public void Watch_InNamespace_SeesOnlyThatNamespace()
    {
        var watch = _h.Store.Watch(_h.Pods, "other");

        _h.CreatePod("a");
        _h.CreatePod("b", "other");

        Assert.Equal(["ADDED Pod b"], watch.Read().Select(Describe));
    }

    [Fact]
    public void Watch_WithLabelSelector_Filters()
    {
        var watch = _h.Store.Watch(_h.Pods, labels: LabelSelector.Parse("app=web"));

        _h.CreatePod("web-1", labels: new Dictionary<string, string> { ["app"] = "web" });
        _h.CreatePod("db-1", labels: new Dictionary<string, string> { ["app"] = "db" });
        var web2 = _h.CreatePod("web-2", labels: new Dictionary<string, string> { ["app"] = "web" });
        _h.Store.Update(web2.WithLabel("version", "2"));

        Assert.Equal(["ADDED Pod web-1", "ADDED Pod web-2", "MODIFIED Pod web-2"], watch.Read().Select(Describe));
    }

    [Fact]
    public void Watch_WithFieldSelector_Filters()
    {
        _h.CreatePod("a", nodeName: "node-1");
        _h.CreatePod("b", nodeName: "node-2");

        var watch = _h.Store.Watch(_h.Pods, fields: FieldSelector.Parse("spec.nodeName=node-1"));

        Assert.Equal(["ADDED Pod a"], watch.Read().Select(Describe));
    }

    [Fact]
    public void Watch_UnsupportedField_IsBadRequest()
    {
        var error = Throws(() => _h.Store.Watch(_h.Pods, fields: FieldSelector.Parse("spec.foo=bar")));
        Assert.Equal(400, error.Code);
        Assert.Equal("field label not supported: spec.foo", error.Message);
    }

    [Fact]
    public void Watch_ReadAgain_ResumesAfterWhatWasRead()
    {
        var watch = _h.Store.Watch(_h.Pods);
        _h.CreatePod("a");
        Assert.Equal(["ADDED Pod a"], watch.Read().Select(Describe));

        Assert.Empty(watch.Read());

        _h.CreatePod("b");
        _h.CreatePod("c");
        Assert.Equal(["ADDED Pod b", "ADDED Pod c"], watch.Read().Select(Describe));
    }

    [Fact]
    public void Watch_ResumeFromLastSeenResourceVersion_MissesNothing()
    {
        var first = _h.Store.Watch(_h.Pods);
        _h.CreatePod("a");
        var last = first.Read()[^1].ResourceVersion;
        first.Stop();
        _h.CreatePod("b");

        var second = _h.Store.Watch(_h.Pods, resourceVersion: Rv(last));

        Assert.Equal(["ADDED Pod b"], second.Read().Select(Describe));
        Assert.Empty(first.Read());
    }

    [Fact]
    public void Watch_Stopped_GetsNothingMore()
    {
        var watch = _h.Store.Watch(_h.Pods);
        watch.Stop();
        _h.CreatePod("a");

        Assert.True(watch.IsStopped);
        Assert.Empty(watch.Read());
    }

    [Fact]
    public void Watch_TooOldResourceVersion_IsExpired()
    {
        var h = new StoreHarness(watchHistory: 3);
        for (var i = 0; i < 5; i++)
        {
            h.CreateConfigMap($"cm-{i}");
        }

        // Six changes (the default namespace and five ConfigMaps): the history keeps 4, 5 and 6.
        Assert.Equal(6, h.Store.CurrentResourceVersion);
        Assert.Equal(3, h.Store.WatchHistoryLength);

        var error = Throws(() => h.Store.Watch(h.ConfigMaps, resourceVersion: "2"));

        Assert.Equal("Expired", error.Reason);
        Assert.Equal(410, error.Code);
        Assert.Equal("too old resource version: 2 (3)", error.Message);
        Assert.Equal("Error from server (Expired): too old resource version: 2 (3)", error.KubectlText);

        var oldestKept = h.Store.Watch(h.ConfigMaps, resourceVersion: "3");
        Assert.Equal(["ADDED ConfigMap cm-2", "ADDED ConfigMap cm-3", "ADDED ConfigMap cm-4"], oldestKept.Read().Select(Describe));
    }

    [Fact]
    public void WatchBufferSize_IsTwiceOneSecondOfHistory_BetweenTenAndAHundred()
    {
        Assert.Equal(200, _h.Store.WatchBufferSize);
        Assert.Equal(20, new StoreHarness(watchHistory: 3).Store.WatchBufferSize);
        Assert.Equal(2 * 67, new StoreHarness(watchHistory: 5_000).Store.WatchBufferSize);
    }

    [Fact]
    public void Watch_BufferFull_TerminatesTheWatch_AndForgetsIt()
    {
        var open = _h.Store.OpenWatches;
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: Rv(_h.Store.CurrentResourceVersion), bufferSize: 3);
        Assert.Equal(open + 1, _h.Store.OpenWatches);

        for (var i = 0; i < 3; i++)
        {
            _h.CreatePod($"p{i}");
        }

        Assert.False(watch.IsTerminated);
        _h.CreatePod("one-too-many");

        Assert.True(watch.IsTerminated);
        Assert.True(watch.IsStopped);
        Assert.Equal(1, _h.Store.TerminatedWatchers);
        Assert.Equal(open, _h.Store.OpenWatches);

        // The buffered changes are dropped with the watch: its reader sees the end, and watches again.
        Assert.Empty(watch.Read());
        _h.CreatePod("after");
        Assert.Empty(watch.Read());
    }

    [Fact]
    public async Task Watch_Terminated_EndsReadAllAsync()
    {
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: Rv(_h.Store.CurrentResourceVersion), bufferSize: 1);
        _h.CreatePod("a");
        _h.CreatePod("b");

        var heard = new List<WatchEvent>();
        await foreach (var change in watch.ReadAllAsync().WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token))
        {
            heard.Add(change);
        }

        Assert.True(watch.IsTerminated);
        Assert.Empty(heard);
    }

    [Fact]
    public void Watch_InitialEventsBeyondTheBuffer_DoNotTerminateIt()
    {
        for (var i = 0; i < 5; i++)
        {
            _h.CreatePod($"p{i}");
        }

        var watch = _h.Store.Watch(_h.Pods, bufferSize: 2);
        _h.CreatePod("p5");

        Assert.False(watch.IsTerminated);
        Assert.Equal(6, watch.Read().Count);
    }

    [Fact]
    public void Watch_Stop_LeavesNoOpenWatch_AndCountsNoTermination()
    {
        var open = _h.Store.OpenWatches;
        var watch = _h.Store.Watch(_h.Pods);

        watch.Stop();
        _h.CreatePod("a");

        Assert.Equal(open, _h.Store.OpenWatches);
        Assert.Equal(0, _h.Store.TerminatedWatchers);
        Assert.False(watch.IsTerminated);
    }

    [Fact]
    public void Watch_CurrentResourceVersion_StartsEmpty()
    {
        _h.CreatePod("a");
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: Rv(_h.Store.CurrentResourceVersion));
        Assert.Empty(watch.Read());
    }

    [Fact]
    public void Watch_NonNumericResourceVersion_IsBadRequest()
    {
        var error = Throws(() => _h.Store.Watch(_h.Pods, resourceVersion: "abc"));
        Assert.Equal(400, error.Code);
        Assert.Equal("invalid resource version \"abc\"", error.Message);
    }

    [Fact]
    public void Watch_CascadeDeletion_IsSeenAsDeleted()
    {
        var owner = _h.CreateConfigMap("owner");
        _h.Store.Create(OwnedPod("child", owner));
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: Rv(_h.Store.CurrentResourceVersion));

        _h.Store.Delete(owner);

        var deleted = Assert.Single(watch.Read());
        Assert.Equal("DELETED Pod child", Describe(deleted));
        Assert.Equal(deleted.ResourceVersion, long.Parse(deleted.Object.ResourceVersion!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Subscribe_ListenerSeesEveryChange()
    {
        var seen = new List<string>();
        _h.Store.Subscribe(e => seen.Add($"{Describe(e)} {e.ResourceVersion}"));
        var start = _h.Store.CurrentResourceVersion;

        var pod = _h.CreatePod("a");
        _h.CreateConfigMap("b");
        _h.Store.Update(pod.WithLabel("x", "y"));
        _h.Store.Delete(_h.Pods, "default", "a");
        _h.Store.Update(_h.Store.Get(_h.ConfigMaps, "default", "b"));

        Assert.Equal(
            [$"ADDED Pod a {start + 1}", $"ADDED ConfigMap b {start + 2}", $"MODIFIED Pod a {start + 3}", $"DELETED Pod a {start + 4}"],
            seen);
    }

    [Fact]
    public void Subscribe_SeveralListeners_AllHearInTheSameOrder()
    {
        var first = new List<long>();
        var second = new List<long>();
        _h.Store.Subscribe(e => first.Add(e.ResourceVersion));
        _h.Store.Subscribe(e => second.Add(e.ResourceVersion));

        _h.CreatePod("a");
        _h.CreatePod("b");

        Assert.Equal(2, first.Count);
        Assert.Equal(first, second);
    }

    /// <summary>A server hands the watch to a client as a stream: events arrive while the reader waits.</summary>
    [Fact]
    public async Task Watch_ReadAllAsync_PushesChangesAsTheyHappen()
    {
        _h.CreatePod("before");
        var watch = _h.Store.Watch(_h.Pods, resourceVersion: Rv(_h.Store.CurrentResourceVersion));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        var reader = Task.Run(
            async () =>
            {
                await foreach (var change in watch.ReadAllAsync(timeout.Token))
                {
                    seen.Add(Describe(change));
                }
            },
            timeout.Token);

        await Task.Run(() =>
        {
            _h.CreatePod("a");
            _h.CreateConfigMap("not-a-pod");
            _h.Store.Delete(_h.Pods, "default", "a");
        });
        watch.Stop();
        await reader;

        Assert.Equal(["ADDED Pod a", "DELETED Pod a"], seen);
    }

    /// <summary>Listeners run after the store lock is released: another thread can read the store meanwhile.</summary>
    [Fact]
    public void Subscribe_ListenerRunsOutsideTheStoreLock()
    {
        var readElsewhere = new List<bool>();
        _h.Store.Subscribe(e =>
        {
            var read = Task.Run(() => _h.Store.List(_h.Pods).Items.Count);
            readElsewhere.Add(read.Wait(TimeSpan.FromSeconds(10)));
        });

        _h.CreatePod("a");

        Assert.Equal([true], readElsewhere);
    }

    /// <summary>A write a listener makes is heard by every listener after the change that caused it, never before.</summary>
    [Fact]
    public void Subscribe_WriteByAListener_IsDeliveredAfterTheChangeAtHand()
    {
        _h.Store.Subscribe(e =>
        {
            if (e.Object.Name == "a" && e.Type == WatchEventType.Added)
            {
                _h.CreatePod("b");
            }
        });
        var heard = new List<string>();
        _h.Store.Subscribe(e => heard.Add(Describe(e)));

        _h.CreatePod("a");

        Assert.Equal(["ADDED Pod a", "ADDED Pod b"], heard);
    }

    /// <summary>Writers on several threads: every watch sees every change once, in resourceVersion order.</summary>
    [Fact]
    public void Watch_WritersOnSeveralThreads_EveryWatchSeesEachChangeOnceInOrder()
    {
        // Read only after all 1,000 writes: buffers that hold them all (the API server's 200 would end these watches,
        // which Watch_BufferFull_TerminatesTheWatch_AndForgetsIt shows).
        var watches = Enumerable.Range(0, 8).Select(_ => _h.Store.Watch(_h.Pods, resourceVersion: Rv(_h.Store.CurrentResourceVersion), bufferSize: 1000)).ToList();
        var heard = new List<long>();
        _h.Store.Subscribe(e => heard.Add(e.ResourceVersion));

        Parallel.For(0, 4, writer =>
        {
            for (var i = 0; i < 250; i++)
            {
                _h.CreatePod($"w{writer}-{i}");
            }
        });

        Assert.Equal(1000, heard.Count);
        Assert.Equal(heard.Order(), heard);
        foreach (var watch in watches)
        {
            var events = watch.Read();
            Assert.Equal(heard, events.Select(e => e.ResourceVersion));
        }
    }

    /// <summary>A MODIFIED change carries the object before it, as an informer's UpdateFunc gets oldObj.</summary>
    [Fact]
    public void Subscribe_ModifiedChange_CarriesThePreviousObject_AndTellsAStatusOnlyChange()
    {
        var heard = new List<WatchEvent>();
        _h.Store.Subscribe(heard.Add);
        var pod = _h.CreatePod("a");

        var statusWritten = _h.Store.UpdateStatus(pod.With(j => j["status"] = new System.Text.Json.Nodes.JsonObject { ["phase"] = "Running" }));
        _h.Store.Update(statusWritten.WithLabel("x", "y"));

        Assert.Equal(["ADDED Pod a", "MODIFIED Pod a", "MODIFIED Pod a"], heard.Select(Describe));
        Assert.Null(heard[0].Previous);
        Assert.False(heard[0].OnlyStatusChanged);
        Assert.Equal(pod.ResourceVersion, heard[1].Previous!.ResourceVersion);
        Assert.True(heard[1].OnlyStatusChanged);
        Assert.Equal(statusWritten.ResourceVersion, heard[2].Previous!.ResourceVersion);
        Assert.False(heard[2].OnlyStatusChanged);
    }

    /// <summary>
    /// Whether a change was status-only is worked out once and kept; a watch's copy of the change as ADDED or DELETED
    /// (a selector it starts or stops matching) is not a status-only change, whatever the original said.
    /// </summary>
    [Fact]
    public void OnlyStatusChanged_KeptOnce_ACopyOfAnotherType_IsNotStatusOnly()
    {
        var heard = new List<WatchEvent>();
        _h.Store.Subscribe(heard.Add);
        var pod = _h.CreatePod("a");
        _h.Store.UpdateStatus(pod.With(j => j["status"] = new System.Text.Json.Nodes.JsonObject { ["phase"] = "Running" }));

        var modified = heard[1];
        Assert.True(modified.OnlyStatusChanged);
        var added = modified with { Type = WatchEventType.Added };

        Assert.False(added.OnlyStatusChanged);
        Assert.True(modified.OnlyStatusChanged);
        Assert.NotEqual(modified, added);
        Assert.Equal(modified, modified with { });
    }
}
