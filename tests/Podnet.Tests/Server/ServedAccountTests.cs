using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Server;
using Podnet.Tests.Server.Aws;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Server;

public class ServedAccountTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(10);

    /// <summary>hello-eks on a wall clock that stands still: virtual time moves only by the loop's jumps.</summary>
    private static ServedAccount HelloEks(HeldWallClock wall)
    {
        var folder = ExampleWorlds.Folder("hello-eks");
        var sources = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).Select(f => new WorldSource(f, File.ReadAllText(f)));
        var world = WorldLoader.Load([.. sources], time: VirtualTimeProvider.AnchoredTo(wall, TimeSpan.FromDays(1)));
        return new ServedAccount(world, Budget);
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        return condition();
    }

    [Fact]
    public async Task UnschedulablePod_DoesNotSpendTheBudget_APodStarting_Does()
    {
        using var account = HelloEks(new HeldWallClock(TimeProvider.System.GetUtcNow()));
        var cluster = account.Primary;
        var giant = cluster.Read(() => PodView.Of(cluster.Store.Get("v1", "Pod", "shop", "batch-giant")));
        Assert.True(account.Time.GetUtcNow() - giant.UnschedulableSince > TimeSpan.FromMinutes(5), "hello-eks's batch-giant has fitted no node since the world's history");
        Assert.Equal(Budget, account.Time.Lag);

        using var stop = new CancellationTokenSource();
        var loop = account.RunAsync(() => Task.CompletedTask, stop.Token);
        try
        {
            var pod = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject { ["name"] = "late", ["namespace"] = "shop" },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "public.ecr.aws/docker/library/busybox:1.36" }) },
            };
            cluster.Write(() => cluster.Store.Create(KubeObject.From(pod)));
            cluster.Poke();
            Assert.True(await Eventually(() => cluster.Read(() => PodView.Of(cluster.Store.Get("v1", "Pod", "shop", "late")) is { Phase: "Running", IsReady: true })), "the new pod runs");

            // The wall clock stands still, so the pod started on the budget (its image pull); once it is Ready nobody
            // waits, and the work its start left due (the scheduler's retry of batch-giant among it) waits for the
            // wall clock instead of being jumped to.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.InRange(account.Time.Lag, Budget - TimeSpan.FromSeconds(30), Budget - TimeSpan.FromSeconds(1));
        }
        finally
        {
            await stop.CancelAsync();
            await loop;
        }
    }

    /// <summary>
    /// A served cluster's Events go when their lease runs out, as on EKS. The world's history, a day old when it serves,
    /// loses its Events at the first pass; an Event written while serving goes an hour and a minute later: the loop learns
    /// the next expiry from each pass and wakes for it on the wall clock, but spends none of the budget jumping to it.
    /// </summary>
    [Fact]
    public async Task Events_GoWhenTheirLeaseRunsOut_OnTheWallClock_WithoutAJump()
    {
        var wall = new HeldWallClock(TimeProvider.System.GetUtcNow());
        using var account = HelloEks(wall);
        var cluster = account.Primary;
        IReadOnlyList<KubeObject> Events() => cluster.Read(() => cluster.Store.List("v1", "Event", null).Items);
        var history = Events().ToDictionary(e => (e.Namespace, e.Name), e => e.ResourceVersion);
        Assert.NotEmpty(history);

        // Only what was written again since the history (hello-eks's unschedulable pod's FailedScheduling) is left.
        account.RunPass();
        Assert.All(Events(), e => Assert.False(history.TryGetValue((e.Namespace, e.Name), out var version) && version == e.ResourceVersion));

        var written = cluster.Write(() =>
        {
            var pod = cluster.Store.Get("v1", "Pod", "shop", "batch-giant");
            return cluster.World.ControlPlane.Events.Normal(pod, "Noted", "written while serving", "podnet-test")!;
        });
        var (_, _, expiry, _, _) = account.RunPass();
        Assert.Equal(cluster.Read(() => cluster.Store.NextExpiry), expiry);
        Assert.InRange(expiry!.Value - account.Time.GetUtcNow(), KubeResources.EventTimeToLive, KubeResources.EventTimeToLive + TimeSpan.FromMinutes(1));
        var lag = account.Time.Lag;
        bool Gone() => cluster.Read(() => cluster.Store.List("v1", "Event", "shop").Items.All(e => e.Name != written.Name));

        using var stop = new CancellationTokenSource();
        var loop = account.RunAsync(() => Task.CompletedTask, stop.Token);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(0.5));
            Assert.Equal(lag, account.Time.Lag);
            Assert.False(Gone());

            wall.Advance(TimeSpan.FromHours(2));
            cluster.Poke();
            Assert.True(await Eventually(Gone), "the Event went with its lease");
            Assert.Equal(lag, account.Time.Lag);
        }
        finally
        {
            await stop.CancelAsync();
            await loop;
        }
    }
}
