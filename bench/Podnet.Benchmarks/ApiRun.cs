using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;
using Podnet.Kube.Store;
using Podnet.Server;
using Podnet.Server.Kube;
using Podnet.World;

namespace Podnet.Benchmarks;

/// <summary>
/// The served Kubernetes API (<c>podnet up</c>) under load, as issue 9 asks, over HTTPS on loopback, client and
/// server in this process (so both share the machine's cores, and the allocation and GC figures are both's):
/// <list type="number">
/// <item>a list of N pods as a Table, one client in a loop — latency per list and bytes (peer: the same list and
/// Table made in process, no HTTP);</item>
/// <item>W concurrent clients creating ConfigMaps, then plain Pods — objects/s (peer: <see cref="StoreRun"/>'s
/// writes without watchers);</item>
/// <item>K watchers (<c>?watch=true</c> on a namespace's ConfigMaps) while one client creates ConfigMaps at 200/s,
/// 1,000/s, then as fast as it can — delivery latency to each watcher's line, from the write's request and from
/// its response (peer: <see cref="StoreRun"/>'s watchers).</item>
/// </list>
/// The world is the default one with its control plane running (virtual time in step with the wall clock, no
/// fast-forward, so the loop never jumps time). The N pods are made in process before serving, in a namespace of
/// their own, with a scheduler name no scheduler answers to and a Running status written directly: no controller
/// acts on them. The writers' pods carry that scheduler name too, so each create costs admission and the
/// controllers' informers, not scheduling or the CNI. Each phase runs for a bounded time.
/// Prints tab-separated rows under <see cref="Header"/>.
/// </summary>
public static class ApiRun
{
    public const string Header = "run\tprotocol\tcount\tseconds\tper_s\tp50_ms\tp99_ms\tmax_ms\tnotes";

    /// <summary>No scheduler answers to this name: the pods it marks stay where the benchmark puts them.</summary>
    private const string NoScheduler = "podnet-bench";

    private const string ListNamespace = "bench-list";
    private const string WriteNamespace = "bench-write";
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(10);

    /// <param name="pods">How many pods the Table list returns.</param>
    /// <param name="writers">How many concurrent clients create objects.</param>
    /// <param name="watchers">How many watch streams listen while one client writes.</param>
    /// <param name="http2">HTTP/2 (as client-go speaks over TLS) rather than HTTP/1.1.</param>
    public static async IAsyncEnumerable<string> RunAsync(int pods, int writers, int watchers, bool http2)
    {
        var protocol = http2 ? "h2" : "http/1.1";
        var time = VirtualTimeProvider.AnchoredTo(TimeProvider.System, TimeSpan.FromDays(1));
        var clock = Stopwatch.StartNew();
        var world = WorldLoader.LoadDefault(time: time);
        var loaded = clock.Elapsed;
        Populate(world, pods);
        var populated = clock.Elapsed - loaded;
        yield return $"setup\t-\t{I(pods)}\t{S(populated.TotalSeconds)}\t{I((int)(2 * pods / populated.TotalSeconds))}\t-\t-\t-\tdefault world loaded in {S(loaded.TotalSeconds)} s; {I(pods)} pods created and their status written in process (per_s: writes/s)";

        // No fast-forward: the loop never jumps virtual time, so it never scans every pod for one a user waits for.
        await using var server = await PodnetServer.StartAsync(world, new KubeApiServerOptions(), TimeSpan.Zero);
        using var lister = Client(server, http2);

        yield return await InProcessTableAsync(server, pods);
        yield return await ListAsync(lister, protocol, pods, table: true);
        yield return await ListAsync(lister, protocol, pods, table: false);

        yield return await CreateAsync(server, http2, protocol, writers, "ConfigMap");
        yield return await CreateAsync(server, http2, protocol, writers, "Pod");

        var phase = 0;
        foreach (var rate in new int?[] { 200, 1_000, null })
        {
            yield return await WatchAsync(server, http2, protocol, watchers, rate, writers, $"bench-watch-{I(phase++)}");
        }

        using var process = Process.GetCurrentProcess();
        yield return $"process\t-\t-\t{S(clock.Elapsed.TotalSeconds)}\t-\t-\t-\t-\tpeak working set {I((int)(process.PeakWorkingSet64 / (1024 * 1024)))} MB; GCs gen0/1/2 {I(GC.CollectionCount(0))}/{I(GC.CollectionCount(1))}/{I(GC.CollectionCount(2))}; allocated {I((int)(GC.GetTotalAllocatedBytes() / (1024 * 1024)))} MB";
    }

    /// <summary>
    /// The mixed phase: <paramref name="clients"/> clients (<see cref="MixedLoad"/>: each a reflector's watch beside
    /// gets, lists, creates, merge patches and deletes over one shared pool of 256 ConfigMap names) against the
    /// default world served over HTTPS on loopback, for <paramref name="seconds"/> s. Rows: the requests with their
    /// latency and throughput, each verb's, and the memory — the managed heap as of the last GC sampled every second
    /// (its peak in each half of the run shows whether it levels off), the heap after a full collection before and
    /// after, and the store's open and terminated watches.
    /// </summary>
    public static async IAsyncEnumerable<string> MixedAsync(int clients, int seconds, bool http2)
    {
        var protocol = http2 ? "h2" : "http/1.1";
        var time = VirtualTimeProvider.AnchoredTo(TimeProvider.System, TimeSpan.FromDays(1));
        var world = WorldLoader.LoadDefault(time: time);
        await using var server = await PodnetServer.StartAsync(world, new KubeApiServerOptions(), TimeSpan.Zero);
        var store = server.Cluster.Store;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var samples = new List<(double At, long Heap)>();
        using var sampling = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                samples.Add((clock.Elapsed.TotalSeconds, GC.GetGCMemoryInfo().HeapSizeBytes));
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    // The run is over.
                }
            }
        });
        var heap = Heap.Now;
        var result = await MixedLoad.RunAsync(() => Client(server, http2), clients, TimeSpan.FromSeconds(seconds), "bench-mixed");
        var heapNote = Heap.Now.Since(heap, result.Total);
        await sampling.CancelAsync();
        await sampler;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        yield return Row($"mixed: {I(clients)} clients, each a watch and get/list/create/patch/delete", protocol, result.Total, result.Seconds, result.LatenciesMs,
            $"{I(result.Errors.Count)} errors; {I(result.NotFound)} 404 and {I(result.Conflicts)} 409 (clients racing over 256 names); {I(result.WatchEvents)} watch events, {I(result.Rewatches)} rewatches, {I(result.Relists)} relists after 410; {heapNote}");
        foreach (var (verb, count) in result.Requests)
        {
            yield return $"mixed: {verb}\t{protocol}\t{I(count)}\t{S(result.Seconds)}\t{(count / result.Seconds).ToString("0", CultureInfo.InvariantCulture)}\t-\t-\t-\t{S(100.0 * count / Math.Max(1, result.Total))}% of requests";
        }

        long Peak(Func<double, bool> when) => samples.Where(s => when(s.At)).Select(s => s.Heap).DefaultIfEmpty().Max() / (1024 * 1024);
        using var process = Process.GetCurrentProcess();
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "-";
        yield return $"mixed: machine\t-\t-\t-\t-\t-\t-\t-\t{I(Environment.ProcessorCount)} cores; load average {load} at the end";
        yield return $"mixed: memory\t-\t{I(samples.Count)}\t{S(clock.Elapsed.TotalSeconds)}\t-\t-\t-\t-\theap after full GC {I(before / (1024 * 1024))} MB before, {I(after / (1024 * 1024))} MB after; heap peak {I(Peak(t => t < seconds / 2.0))} MB in the first half, {I(Peak(t => t >= seconds / 2.0))} MB in the second; peak working set {I((int)(process.PeakWorkingSet64 / (1024 * 1024)))} MB; watch history {I(store.WatchHistoryLength)} changes (at most 10,000); open watches after {I(store.OpenWatches)}, watchers closed for not keeping up {I(store.TerminatedWatchers)}";
        foreach (var error in result.Errors.Take(5))
        {
            yield return $"mixed: error\t-\t-\t-\t-\t-\t-\t-\t{error}";
        }
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string S(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The namespaces of every phase, and the listed pods: created, then given a Running status.</summary>
    private static void Populate(Podnet.World.World world, int pods)
    {
        var store = world.ControlPlane.Store;
        foreach (var name in new[] { ListNamespace, WriteNamespace, "bench-watch-0", "bench-watch-1", "bench-watch-2" })
        {
            store.Create(KubeObject.From(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } }));
        }

        world.ControlPlane.RunReady(); // each namespace's default ServiceAccount, which a pod's admission wants
        var context = RequestContext.Admin;
        for (var i = 0; i < pods; i++)
        {
            var created = store.Create(KubeObject.From(Pod(ListNamespace, $"pod-{i:D5}", i)), context);
            store.UpdateStatus(created.With(j => j["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = $"10.{1 + (i / 65536 % 4)}.{i / 256 % 256}.{i % 256}",
                ["startTime"] = "2026-01-01T00:00:00Z",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = "app", ["image"] = "public.ecr.aws/nginx/nginx:1.27", ["ready"] = true, ["restartCount"] = 0, ["started"] = true,
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2026-01-01T00:00:01Z" } },
                }),
            }), context);
        }

        world.ControlPlane.RunReady(); // the informers' share of the pods, before anything is measured
    }

    private static JsonObject Pod(string ns, string name, int i) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = new JsonObject { ["app"] = $"app-{i % 50}" } },
        ["spec"] = new JsonObject
        {
            ["schedulerName"] = NoScheduler,
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "public.ecr.aws/nginx/nginx:1.27", ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 80 }) }),
        },
    };

    private static JsonObject ConfigMap(string ns, string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject { ["key"] = "value", ["other"] = "some longer value of a few dozen bytes" },
    };

    /// <summary>
    /// A client of the served API as kubectl is one: it trusts the cluster's CA only and sends the admin's token.
    /// A handler of its own per client, so concurrent clients have connections of their own.
    /// </summary>
    private static HttpClient Client(PodnetServer server, bool http2, int maxConnections = int.MaxValue)
    {
        var authority = server.Kube.Certificates!.Authority;
        var handler = new SocketsHttpHandler
        {
            // Kestrel allows 100 streams on an HTTP/2 connection; more watchers need more connections.
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = maxConnections,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 served && chain.Build(served);
                },
            },
        };
        var client = new HttpClient(handler)
        {
            BaseAddress = server.Kube.Address,
            Timeout = TimeSpan.FromMinutes(5),
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Kube.Token);
        return client;
    }

    /// <summary>
    /// The process's CPU time, allocations and GC counts, for a row's notes: CPU time per operation holds up better
    /// than wall time on a machine shared with other work (client and server both count: one process).
    /// </summary>
    private readonly record struct Heap(TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2)
    {
        public static Heap Now
        {
            get
            {
                using var process = Process.GetCurrentProcess();
                return new(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            }
        }

        public string Since(Heap since, int per)
            => $"cpu {S((Cpu - since.Cpu).TotalMilliseconds / Math.Max(1, per))} ms/op; alloc {S((Allocated - since.Allocated) / (1024.0 * 1024) / Math.Max(1, per))} MB/op; GCs {I(Gen0 - since.Gen0)}/{I(Gen1 - since.Gen1)}/{I(Gen2 - since.Gen2)}";
    }

    private static string Row(string what, string protocol, int count, double seconds, IReadOnlyList<double> latenciesMs, string notes)
    {
        var sorted = latenciesMs.Order().ToArray();
        string Ms(double q) => sorted.Length == 0 ? "-" : S(sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))]);
        return string.Join('\t', what, protocol, I(count), S(seconds), (count / seconds).ToString("0", CultureInfo.InvariantCulture), Ms(0.50), Ms(0.99), sorted.Length == 0 ? "-" : S(sorted[^1]), notes);
    }

    /// <summary>The peer of the HTTP list: the same store list and Table, rendered to JSON in process.</summary>
    private static Task<string> InProcessTableAsync(PodnetServer server, int pods)
    {
        var store = server.Cluster.Store;
        var resource = store.Resources.For("v1", "Pod");
        var latencies = new List<double>();
        var bytes = 0L;
        var parts = new double[3]; // where the time goes: the store's list, the Table's JSON tree, its text
        var heap = Heap.Now;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Phase)
        {
            var at = Stopwatch.GetTimestamp();
            var list = store.List(resource);
            var listed = Stopwatch.GetTimestamp();
            var table = TableConvertor.Build(resource, list.Items, server.Cluster.World.Time.GetUtcNow(), list.ResourceVersion.ToString(CultureInfo.InvariantCulture));
            var built = Stopwatch.GetTimestamp();
            var json = table.ToJsonString();
            var end = Stopwatch.GetTimestamp();
            latencies.Add(Stopwatch.GetElapsedTime(at, end).TotalMilliseconds);
            parts[0] += Stopwatch.GetElapsedTime(at, listed).TotalMilliseconds;
            parts[1] += Stopwatch.GetElapsedTime(listed, built).TotalMilliseconds;
            parts[2] += Stopwatch.GetElapsedTime(built, end).TotalMilliseconds;
            bytes = Encoding.UTF8.GetByteCount(json);
        }

        var n = Math.Max(1, latencies.Count);
        return Task.FromResult(Row($"list {I(pods)} pods as Table, in process (peer)", "-", latencies.Count, clock.Elapsed.TotalSeconds, latencies,
            $"{I(bytes)} bytes; mean ms: store list {S(parts[0] / n)}, Table tree {S(parts[1] / n)}, ToJsonString {S(parts[2] / n)}; {Heap.Now.Since(heap, latencies.Count)}"));
    }

    /// <summary>GET /api/v1/pods in a loop, one request at a time, the body read to its end.</summary>
    private static async Task<string> ListAsync(HttpClient client, string protocol, int pods, bool table)
    {
        var latencies = new List<double>();
        var bytes = 0L;
        var items = 0;
        var heap = Heap.Now;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Phase)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/pods");
            request.Headers.Accept.ParseAdd(table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json");
            if (table)
            {
                request.Headers.Accept.ParseAdd("application/json");
            }

            var at = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync();
            latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            if (bytes == 0)
            {
                // Once: the count of rows or items, to show the list is the whole one.
                var json = JsonNode.Parse(body)!;
                items = (json[table ? "rows" : "items"] as JsonArray)?.Count ?? 0;
            }

            bytes = body.Length;
        }

        var notes = $"{I(bytes)} bytes, {I(items)} {(table ? "rows" : "items")} (all namespaces); {Heap.Now.Since(heap, latencies.Count)}";
        return Row($"list {I(pods)} pods {(table ? "as Table" : "as PodList JSON")}, HTTP", protocol, latencies.Count, clock.Elapsed.TotalSeconds, latencies, notes);
    }

    /// <summary><paramref name="writers"/> clients, each creating objects one after another for the phase's time.</summary>
    private static async Task<string> CreateAsync(PodnetServer server, bool http2, string protocol, int writers, string kind)
    {
        var clients = Enumerable.Range(0, writers).Select(_ => Client(server, http2)).ToList();
        try
        {
            var plural = kind == "Pod" ? "pods" : "configmaps";
            var prefix = kind == "Pod" ? "wp" : "wc";

            // One warm-up request each: the connection and TLS handshake are not what is measured.
            await Task.WhenAll(clients.Select(c => c.GetAsync("/version")));
            var heap = Heap.Now;
            var clock = Stopwatch.StartNew();
            var perWriter = await Task.WhenAll(clients.Select((client, w) => Task.Run(async () =>
            {
                var latencies = new List<double>();
                var errors = 0;
                for (var i = 0; clock.Elapsed < Phase; i++)
                {
                    var name = $"{prefix}-{w}-{i:D6}";
                    var body = kind == "Pod" ? Pod(WriteNamespace, name, i) : ConfigMap(WriteNamespace, name);
                    using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                    var at = Stopwatch.GetTimestamp();
                    using var response = await client.PostAsync($"/api/v1/namespaces/{WriteNamespace}/{plural}", content);
                    _ = await response.Content.ReadAsByteArrayAsync();
                    latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                    errors += response.StatusCode == HttpStatusCode.Created ? 0 : 1;
                }

                return (latencies, errors);
            })));
            var seconds = clock.Elapsed.TotalSeconds;
            var all = perWriter.SelectMany(p => p.latencies).ToList();
            var errors = perWriter.Sum(p => p.errors);
            return Row($"create {kind}s, {I(writers)} clients, HTTP", protocol, all.Count, seconds, all,
                $"latency per create; {I(errors)} not 201; {Heap.Now.Since(heap, all.Count)}");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// <paramref name="watchers"/> watch streams on <paramref name="ns"/>'s ConfigMaps while one client creates
    /// ConfigMaps named by their index, at <paramref name="rate"/> a second (open loop) or (null) as fast as
    /// <paramref name="saturators"/> requests in flight go, for the phase's time; then waits (up to 30 s) for every
    /// watcher to hear every write.
    /// </summary>
    private static async Task<string> WatchAsync(PodnetServer server, bool http2, string protocol, int watchers, int? rate, int saturators, string ns)
    {
        const int Capacity = 60_000;

        // The paced writer's connections: a client with more requests than these in flight queues them, as
        // client-go's transport would, rather than opening a connection (and a TLS handshake) for each.
        const int InFlight = 32;
        var cap = rate is { } r ? Math.Min(Capacity, (int)(r * Phase.TotalSeconds)) : Capacity;
        var sent = new long[cap];
        var answered = new long[cap];
        var heard = new long[watchers][];
        var counts = new int[watchers];
        using var stop = new CancellationTokenSource();

        // A watcher that falls behind by its buffer is closed (the API server's rule): its missed deliveries say so.
        var terminatedBefore = server.Cluster.Store.TerminatedWatchers;

        // Watchers spread over clients of 50 streams each, as many informers in as many processes would be.
        var watchClients = Enumerable.Range(0, (watchers + 49) / 50).Select(_ => Client(server, http2)).ToList();
        using var writer = Client(server, http2, InFlight);
        try
        {
            using var ready = new CountdownEvent(watchers);
            var streams = Enumerable.Range(0, watchers).Select(w => Task.Run(async () =>
            {
                heard[w] = new long[cap];
                using var response = await watchClients[w / 50].GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true", HttpCompletionOption.ResponseHeadersRead, stop.Token);
                response.EnsureSuccessStatusCode();
                ready.Signal();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                try
                {
                    while (await reader.ReadLineAsync(stop.Token) is { } line)
                    {
                        var now = Stopwatch.GetTimestamp();

                        // The index is in the name (cm-0001234); finding it is cheaper than parsing the line.
                        var at = line.IndexOf("\"name\":\"cm-", StringComparison.Ordinal);
                        if (at >= 0 && int.TryParse(line.AsSpan(at + 11, 7), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < cap)
                        {
                            heard[w][index] = now;
                            Interlocked.Increment(ref counts[w]);
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // The phase is over.
                }
            })).ToList();
            if (!ready.Wait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("the watches did not start within 60 s");
            }

            // Warm connections (their TLS handshakes are not what is measured): a paced writer may have several
            // requests in flight, each on a connection of its own over HTTP/1.1.
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => writer.GetAsync("/version")));
            var heap = Heap.Now;
            var errors = 0;
            var next = -1;
            var clock = Stopwatch.StartNew();
            async Task WriteAsync(int index)
            {
                using var content = new StringContent(ConfigMap(ns, $"cm-{index:D7}").ToJsonString(), Encoding.UTF8, "application/json");
                sent[index] = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await writer.PostAsync($"/api/v1/namespaces/{ns}/configmaps", content);
                    _ = await response.Content.ReadAsByteArrayAsync();
                    answered[index] = Stopwatch.GetTimestamp();
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException e)
                {
                    // Counted and told, not fatal: the row says how many writes failed.
                    Interlocked.Increment(ref errors);
                    Console.Error.WriteLine($"write {index}: {e.Message} {e.InnerException?.Message}");
                }
            }

            if (rate is { } pace)
            {
                // Open loop: each write starts when it is due, whether or not earlier ones have been answered (a
                // closed loop would slow down with the server and hide its latency). A timer wakes the loop about
                // every millisecond; it starts every write then due.
                var inFlight = new List<Task>(cap);
                while (next + 1 < cap && clock.Elapsed < Phase)
                {
                    var due = TimeSpan.FromSeconds((next + 1) / (double)pace);
                    if (clock.Elapsed < due)
                    {
                        await Task.Delay(due - clock.Elapsed < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : due - clock.Elapsed);
                        continue;
                    }

                    inFlight.Add(WriteAsync(++next));
                }

                await Task.WhenAll(inFlight);
            }
            else
            {
                // Saturation: as many requests in flight as there were concurrent writers, back to back.
                await Task.WhenAll(Enumerable.Range(0, saturators).Select(_ => Task.Run(async () =>
                {
                    while (clock.Elapsed < Phase && Interlocked.Increment(ref next) is var index && index < cap)
                    {
                        await WriteAsync(index);
                    }
                })));
            }

            var written = Math.Min(cap, next + 1);
            var seconds = clock.Elapsed.TotalSeconds;
            var drain = Stopwatch.StartNew();
            while (Enumerable.Range(0, watchers).Any(w => Volatile.Read(ref counts[w]) < written - errors) && drain.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }

            var heapNote = Heap.Now.Since(heap, written);
            await stop.CancelAsync();
            await Task.WhenAll(streams);

            var fromRequest = new List<double>(written * watchers);
            var fromResponse = new List<double>(written * watchers);
            var missed = 0L;
            var early = 0L;
            for (var w = 0; w < watchers; w++)
            {
                for (var i = 0; i < written; i++)
                {
                    if (answered[i] == 0)
                    {
                        continue; // a failed write, counted as such
                    }

                    if (heard[w][i] == 0)
                    {
                        missed++;
                        continue;
                    }

                    fromRequest.Add(Stopwatch.GetElapsedTime(sent[i], heard[w][i]).TotalMilliseconds);
                    var afterResponse = Stopwatch.GetElapsedTime(answered[i], heard[w][i]).TotalMilliseconds;
                    early += afterResponse < 0 ? 1 : 0;
                    fromResponse.Add(afterResponse);
                }
            }

            var sortedResponse = fromResponse.Order().ToArray();
            string Q(double q) => sortedResponse.Length == 0 ? "-" : S(sortedResponse[Math.Min(sortedResponse.Length - 1, (int)(q * sortedResponse.Length))]);
            var what = $"{I(watchers)} watchers, {(rate is { } asked ? $"{I(asked)} writes/s asked" : $"writes as fast as {I(saturators)} in flight go")}, HTTP";
            return Row(what, protocol, written, seconds, fromRequest,
                $"latency from the write's request; from its response p50/p99/max {Q(0.50)}/{Q(0.99)}/{(sortedResponse.Length == 0 ? "-" : S(sortedResponse[^1]))} ms ({I(early * 100 / Math.Max(1, fromResponse.Count))}% heard before the writer's response); {I(missed)} of {I((long)written * watchers)} deliveries missed ({I(server.Cluster.Store.TerminatedWatchers - terminatedBefore)} watchers closed for falling 200 changes behind); {I(errors)} writes not 201; waited {S(drain.Elapsed.TotalSeconds)} s for the last; {heapNote}");
        }
        finally
        {
            await stop.CancelAsync();
            watchClients.ForEach(c => c.Dispose());
        }
    }
}
