using Podnet.Benchmarks;
using Podnet.Tests.TestSupport;
using Xunit.Abstractions;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// Runs alone (after the parallel tests), so that the managed heap it measures is the served API's and not other
/// tests' as well.
/// </summary>
[CollectionDefinition(nameof(ServedApiUnderLoad), DisableParallelization = true)]
public sealed class ServedApiUnderLoad
{
}

/// <summary>
/// The served API under the benchmark's mixed load (<see cref="MixedLoad"/>), shortened: 16 clients for 10 s instead
/// of 60 (<c>Podnet.Benchmarks --api-mixed 16 60</c> is the full form, its figures in the README).
/// </summary>
[Collection(nameof(ServedApiUnderLoad))]
public sealed class KubeApiLoadTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _served;
    private readonly ITestOutputHelper _output;

    public KubeApiLoadTests(ServedWorld served, ITestOutputHelper output)
    {
        _served = served;
        _output = output;
    }

    [Fact]
    public async Task MixedLoad_16Clients_OnlyTheApisOwnErrors_AndTheHeapStaysBounded()
    {
        var store = _served.Server.Cluster.Store;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        var result = await MixedLoad.RunAsync(_served.Http, clients: 16, TimeSpan.FromSeconds(10), "load");

        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        _output.WriteLine($"{result.Total} requests in {result.Seconds:0.0} s ({result.Total / result.Seconds:0}/s), p50 {result.Percentile(0.5):0.0} ms, p99 {result.Percentile(0.99):0.0} ms; "
            + $"{result.NotFound} 404, {result.Conflicts} 409; {result.WatchEvents} watch events, {result.Rewatches} rewatches, {result.Relists} relists; "
            + $"heap {heapBefore / (1024 * 1024)} → {heapAfter / (1024 * 1024)} MB; watchers closed for not keeping up {store.TerminatedWatchers}");
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Take(10)));
        Assert.All(result.Requests, r => Assert.True(r.Value > 0, $"no {r.Key} was made"));
        Assert.True(result.WatchEvents > 0, "the watches heard nothing");

        // Clients that race over 256 names get the API's own answers to the races.
        Assert.True(result.NotFound > 0 && result.Conflicts > 0, $"{result.NotFound} 404, {result.Conflicts} 409");

        // What the run leaves held: at most 256 ConfigMaps and the store's history of the last 10,000 changes (a few KB
        // each); thousands of writes more would hold no more. 200 MB is far above that and far below a heap that grows
        // with every request (10 s of this load allocates gigabytes).
        Assert.True(heapAfter - heapBefore < 200L * 1024 * 1024, $"the heap grew from {heapBefore / (1024 * 1024)} MB to {heapAfter / (1024 * 1024)} MB");

        Assert.InRange(store.WatchHistoryLength, 1, 10_000);

        // Every client's watch ended with it.
        await WaitForAsync(() => store.OpenWatches == 0 && _served.Server.Kube.LongRunning.Open("WATCH") == 0, "the watches to close");
    }

    private static async Task WaitForAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {what}");
            await Task.Delay(50);
        }
    }
}
