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
}
