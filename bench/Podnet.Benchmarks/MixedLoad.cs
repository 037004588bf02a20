using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Podnet.Benchmarks;

/// <summary>
/// What one mixed load run did: requests by verb with their answers, latencies, and what the watches heard. An
/// answer is an error unless it is a success or one of the two the API gives a client that races others over the
/// same names (404 NotFound, 409 AlreadyExists): anything else — a 5xx, a 4xx other than those, a dropped
/// connection, a malformed watch line — is one of <see cref="Errors"/>.
/// </summary>
/// <param name="Requests">Requests made (watches not counted), by verb.</param>
/// <param name="Seconds">How long the clients ran.</param>
/// <param name="LatenciesMs">Each request's time from sending to the end of its body, milliseconds.</param>
/// <param name="NotFound">404 answers (a get, patch or delete of a name another client deleted).</param>
/// <param name="Conflicts">409 answers (a create of a name another client created).</param>
/// <param name="Errors">The answers that are errors, as <c>VERB path → status: message</c>.</param>
/// <param name="WatchEvents">Watch events heard by all clients' watches.</param>
/// <param name="Rewatches">Watches opened again after the server ended one (its timeout, or a watcher closed for not keeping up).</param>
/// <param name="Relists">Lists made again after a watch was answered 410 Expired (its resourceVersion older than the history kept).</param>
public sealed record MixedLoadResult(
    IReadOnlyDictionary<string, int> Requests,
    double Seconds,
    IReadOnlyList<double> LatenciesMs,
    int NotFound,
    int Conflicts,
    IReadOnlyList<string> Errors,
    long WatchEvents,
    int Rewatches,
    int Relists)
{
    /// <summary>All requests made.</summary>
    public int Total => Requests.Values.Sum();

    /// <summary>The latency below which a fraction <paramref name="q"/> of requests answered, milliseconds.</summary>
    public double Percentile(double q)
    {
        var sorted = LatenciesMs.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
    }
}

/// <summary>
/// Concurrent clients of a served Kubernetes API, each doing what a controller and a user at once do: a watch on a
/// namespace's ConfigMaps kept open as client-go's reflector keeps one (reopened from the last resourceVersion it saw
/// when the server ends it; listed again on 410 Expired), and meanwhile, back to back, gets, lists, creates, merge
/// patches and deletes of ConfigMaps whose names come from one pool shared by all clients — so clients race: a get
/// finds a name deleted (404), a create finds it taken (409), as they would on a real cluster. The mix and the names
/// are drawn from a seed per client; the run lasts a given time. Used by the benchmark (<c>--api-mixed</c>, 60 s)
/// and, shortened, by the test suite.
/// </summary>
public static class MixedLoad
{
    private static readonly string[] Verbs = ["get", "list", "create", "patch", "delete"];

    /// <summary>Runs <paramref name="clients"/> clients for <paramref name="duration"/> against the API <paramref name="newClient"/> reaches.</summary>
    /// <param name="newClient">Makes an HTTP client of the API (base address, CA, bearer token); each client gets two, one for its watch.</param>
    /// <param name="clients">How many clients run at once.</param>
    /// <param name="duration">How long they run.</param>
    /// <param name="ns">The namespace they share (created if missing).</param>
    /// <param name="names">How many ConfigMap names the clients share.</param>
    /// <param name="seed">The seed of the clients' draws (client i draws from seed + i).</param>
    public static async Task<MixedLoadResult> RunAsync(Func<HttpClient> newClient, int clients, TimeSpan duration, string ns, int names = 256, int seed = 20261129)
    {
        ArgumentNullException.ThrowIfNull(newClient);
        using (var setup = newClient())
        {
            using var content = Json($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
            using var created = await setup.PostAsync(new Uri("/api/v1/namespaces", UriKind.Relative), content).ConfigureAwait(false);
            if (created.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
            {
                throw new InvalidOperationException($"creating namespace {ns}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            }
        }

        var runs = Enumerable.Range(0, clients).Select(i => new ClientRun(newClient(), newClient(), ns, names, new Random(seed + i))).ToArray();
        var clock = Stopwatch.StartNew();
        var tasks = runs.Select(run => Task.Run(() => run.RunAsync(clock, duration))).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var run in runs)
        {
            run.Dispose();
        }

        return new MixedLoadResult(
            Verbs.ToDictionary(v => v, v => runs.Sum(r => r.Requests[v]), StringComparer.Ordinal),
            seconds,
            [.. runs.SelectMany(r => r.Latencies)],
            runs.Sum(r => r.NotFound),
            runs.Sum(r => r.Conflicts),
            [.. runs.SelectMany(r => r.Errors)],
            runs.Sum(r => r.WatchEvents),
            runs.Sum(r => r.Rewatches),
            runs.Sum(r => r.Relists));
    }

    private static StringContent Json(string json, string type = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        return content;
    }

    /// <summary>One client: its requests in a loop, its watch beside them.</summary>
    private sealed class ClientRun(HttpClient requests, HttpClient watcher, string ns, int names, Random random) : IDisposable
    {
        private readonly object _errorsLock = new();

        public Dictionary<string, int> Requests { get; } = Verbs.ToDictionary(v => v, _ => 0, StringComparer.Ordinal);

        public List<double> Latencies { get; } = [];

        public int NotFound { get; private set; }

        public int Conflicts { get; private set; }

        public List<string> Errors { get; } = [];

        public long WatchEvents { get; private set; }

        public int Rewatches { get; private set; }

        public int Relists { get; private set; }

        public async Task RunAsync(Stopwatch clock, TimeSpan duration)
        {
            using var watchEnd = new CancellationTokenSource();
            var watch = WatchAsync(watchEnd.Token);
            while (clock.Elapsed < duration)
            {
                await OneRequestAsync().ConfigureAwait(false);
            }

            await watchEnd.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }

        public void Dispose()
        {
            requests.Dispose();
            watcher.Dispose();
        }

        private void Error(string what)
        {
            lock (_errorsLock)
            {
                Errors.Add(what);
            }
        }

        /// <summary>One request, its verb drawn: get 30%, list 15%, create 20%, patch 25%, delete 10%.</summary>
        private async Task OneRequestAsync()
        {
            var draw = random.Next(100);
            var name = $"load-{random.Next(names):D4}";
            var collection = $"/api/v1/namespaces/{ns}/configmaps";
            var (verb, method, path, body, type) = draw switch
            {
                < 30 => ("get", HttpMethod.Get, $"{collection}/{name}", null, null),
                < 45 => ("list", HttpMethod.Get, collection, null, null),
                < 65 => ("create", HttpMethod.Post, collection, $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","labels":{"load":"mixed"}},"data":{"n":"0"}}""", "application/json"),
                < 90 => ("patch", HttpMethod.Patch, $"{collection}/{name}", $$$"""{"data":{"n":"{{{random.Next(1_000_000).ToString(CultureInfo.InvariantCulture)}}}"}}""", "application/merge-patch+json"),
                _ => ("delete", HttpMethod.Delete, $"{collection}/{name}", null, null),
            };
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (body is not null)
            {
                request.Content = Json(body, type!);
            }

            Requests[verb]++;
            var at = Stopwatch.GetTimestamp();
            try
            {
                using var response = await requests.SendAsync(request).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                Latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                switch ((int)response.StatusCode)
                {
                    case >= 200 and < 300:
                        break;
                    case 404 when verb is "get" or "patch" or "delete":
                        NotFound++;
                        break;
                    case 409 when verb == "create":
                        Conflicts++;
                        break;
                    default:
                        Error($"{method} {path} → {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
                        break;
                }
            }
            catch (HttpRequestException e)
            {
                Error($"{method} {path} → {e.Message}");
            }
        }

        /// <summary>
        /// A reflector's list and watch: list, then watch from the list's resourceVersion with a timeout of 5–15 s,
        /// reopened from the last resourceVersion heard whenever the server ends the stream, listed again on 410.
        /// </summary>
        private async Task WatchAsync(CancellationToken end)
        {
            var collection = $"/api/v1/namespaces/{ns}/configmaps";
            string? resourceVersion = null;
            while (!end.IsCancellationRequested)
            {
                try
                {
                    if (resourceVersion is null)
                    {
                        using var list = await watcher.GetAsync(new Uri(collection, UriKind.Relative), end).ConfigureAwait(false);
                        var text = await list.Content.ReadAsStringAsync(end).ConfigureAwait(false);
                        if (list.StatusCode != HttpStatusCode.OK)
                        {
                            Error($"GET {collection} (the watch's list) → {(int)list.StatusCode}: {text}");
                            return;
                        }

                        using var listed = JsonDocument.Parse(text);
                        resourceVersion = listed.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
                    }

                    var timeout = 5 + random.Next(11);
                    using var response = await watcher.GetAsync(new Uri($"{collection}?watch=true&resourceVersion={resourceVersion}&timeoutSeconds={timeout.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, end).ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Error($"GET {collection}?watch=true → {(int)response.StatusCode}");
                        return;
                    }

                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(end).ConfigureAwait(false));
                    while (await reader.ReadLineAsync(end).ConfigureAwait(false) is { } line)
                    {
                        using var change = JsonDocument.Parse(line);
                        var type = change.RootElement.GetProperty("type").GetString();
                        var obj = change.RootElement.GetProperty("object");
                        if (type == "ERROR")
                        {
                            if (obj.GetProperty("code").GetInt32() != 410)
                            {
                                Error($"watch ERROR event: {line}");
                                return;
                            }

                            Relists++;
                            resourceVersion = null;
                            break;
                        }

                        WatchEvents++;
                        resourceVersion = obj.GetProperty("metadata").GetProperty("resourceVersion").GetString();
                    }

                    Rewatches++;
                }
                catch (OperationCanceledException) when (end.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or JsonException or KeyNotFoundException)
                {
                    // Cancelling a stream being read may surface as an I/O error: only one not asked for is an error.
                    if (!end.IsCancellationRequested)
                    {
                        Error($"watch: {e.GetType().Name}: {e.Message}");
                    }

                    return;
                }
            }
        }
    }
}
