using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Benchmarks;

/// <summary>
/// The in-process store under load, as issue 9's targets put it: writes per second through admission (a control
/// plane's store, its controllers listening), and how long a change takes to reach each of many watchers that read
/// their watch as a stream (<see cref="Watch.ReadAllAsync"/>), each on its own task — as a server's watch
/// connections would. Prints tab-separated rows: what, writes, watchers, seconds, writes/s, p50 ms, p99 ms, max ms, and
/// how long the garbage collector paused the process during the run, in how many generation-1 and -2 collections
/// (each pause holds up every watcher at once, so the tail of delivery is mostly made of them).
/// </summary>
public static class StoreRun
{
    public const string Header = "run\twrites\twatchers\tseconds\twrites_per_s\tp50_ms\tp99_ms\tmax_ms\tgc_paused_ms\tgen1\tgen2";

    /// <param name="writes">How many writes each run makes: half pod creates, then a status update of each.</param>
    /// <param name="watchers">How many watchers listen in the runs with watchers.</param>
    public static IEnumerable<string> Run(int writes, int watchers)
    {
        yield return Row("no watchers, as fast as possible", Measure(writes, 0, pace: null));
        yield return Row($"{watchers} watchers, as fast as possible", Measure(writes, watchers, pace: null));
        yield return Row($"{watchers} watchers, 1,000 writes/s", Measure(Math.Min(writes, 5_000), watchers, pace: 1_000));
    }

    private sealed record Figures(int Writes, int Watchers, double Seconds, double[] LatenciesMs, double GcPausedMs, int Gen1, int Gen2);

    private static string Row(string what, Figures f)
    {
        var sorted = f.LatenciesMs.Order().ToArray();
        string Ms(double q) => sorted.Length == 0 ? "-" : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))].ToString("0.00", CultureInfo.InvariantCulture);
        return string.Join('\t', what, f.Writes.ToString(CultureInfo.InvariantCulture), f.Watchers.ToString(CultureInfo.InvariantCulture),
            f.Seconds.ToString("0.00", CultureInfo.InvariantCulture), (f.Writes / f.Seconds).ToString("0", CultureInfo.InvariantCulture),
            Ms(0.50), Ms(0.99), sorted.Length == 0 ? "-" : sorted[^1].ToString("0.00", CultureInfo.InvariantCulture),
            f.GcPausedMs.ToString("0", CultureInfo.InvariantCulture), f.Gen1.ToString(CultureInfo.InvariantCulture), f.Gen2.ToString(CultureInfo.InvariantCulture));
    }

    private static Figures Measure(int writes, int watchers, int? pace)
    {
        var plane = new ControlPlane(TimeProvider.System, seed: 1, scheduling: false);
        var store = plane.Store;
        var pods = store.Resources.For("v1", "Pod");
        store.Create(KubeObject.From(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "default" } }));
        plane.RunReady(); // the service account controller makes the namespace's default ServiceAccount, which admission wants
        var from = store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture);

        // When each write started, by the resourceVersion it made; each watcher notes, in arrays of its own made before
        // the clock starts, which resourceVersion it heard when. The two are joined after the run: a watcher may hear
        // of a write before the writer has noted when it started it (delivery is part of the write), and a shared
        // bag of latencies was itself most of what the run allocated, so its collections were in the figures.
        var started = new ConcurrentDictionary<long, long>();
        var heard = new List<(long[] ResourceVersions, long[] At)>();
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, watchers).Select(_ =>
        {
            // A buffer for every write: this peer measures delivery, not the API server's closing of a watcher
            // that falls behind (a reader here may lag while the writer runs flat out on the same cores).
            var watch = store.Watch(pods, "default", from, bufferSize: writes);
            var (versions, at) = (new long[writes], new long[writes]);
            heard.Add((versions, at));
            return Task.Run(async () =>
            {
                var count = 0;
                await foreach (var change in watch.ReadAllAsync(done.Token))
                {
                    at[count] = Stopwatch.GetTimestamp();
                    versions[count] = change.ResourceVersion;
                    if (++count == writes)
                    {
                        watch.Stop();
                    }
                }
            });
        }).ToList();

        var context = RequestContext.ServiceAccount("kube-system", "bench");
        var created = new List<KubeObject>(writes / 2);
        var (paused, gen1, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(1), GC.CollectionCount(2));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < writes; i++)
        {
            if (pace is { } rate)
            {
                var due = TimeSpan.FromSeconds((double)i / rate);
                // The clock moves between the check and the sleep: what is left is read once, and may be gone by then.
                while (due - clock.Elapsed is { Ticks: > 0 } left)
                {
                    Thread.Sleep(left);
                }
            }

            var at = Stopwatch.GetTimestamp();
            KubeObject written;
            if (i < writes / 2)
            {
                written = store.Create(Pod(i), context);
                created.Add(written);
            }
            else
            {
                var pod = created[i - (writes / 2)];
                written = store.UpdateStatus(pod.With(j => j["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}" }), context);
            }

            started[long.Parse(written.ResourceVersion!, CultureInfo.InvariantCulture)] = at;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (!Task.WaitAll([.. readers], TimeSpan.FromMinutes(5)))
        {
            done.Cancel();
            throw new TimeoutException("the watchers did not hear every write within 5 minutes");
        }

        var (pausedMs, collections1, collections2) = ((GC.GetTotalPauseDuration() - paused).TotalMilliseconds, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        var latencies = heard.SelectMany(h => h.ResourceVersions.Zip(h.At))
            .Select(e => started.TryGetValue(e.First, out var start) ? Stopwatch.GetElapsedTime(start, e.Second).TotalMilliseconds : double.NaN)
            .ToArray();
        if (latencies.Any(double.IsNaN))
        {
            throw new InvalidOperationException("a watcher heard a resourceVersion no write of the run made");
        }

        return new Figures(writes, watchers, seconds, latencies, pausedMs, collections1, collections2);
    }

    private static KubeObject Pod(int i) => KubeObject.From(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = $"pod-{i}", ["namespace"] = "default", ["labels"] = new JsonObject { ["app"] = $"app-{i % 50}" } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "public.ecr.aws/nginx/nginx:1.27" }) },
    });
}
