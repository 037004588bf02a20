using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Tests.TestSupport;
using Xunit.Abstractions;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// Sends the served Kubernetes API requests drawn from mutations of valid ones — every verb and patch type, core and
/// group kinds and their subresources, odd paths, query parameters, headers and bodies — and holds every answer to
/// what the API server does with a client's mistakes: no 5xx, every error a <c>Status</c> (<c>kind: Status</c>,
/// <c>apiVersion: v1</c>, <c>status: Failure</c>, a reason, the HTTP code as its <c>code</c>), no .NET exception text,
/// and a plain GET still answered afterwards.
/// </summary>
/// <remarks>
/// In the suite the requests are the same on every run (a fixed seed and count), so CI never fails on an input no
/// earlier run saw. To look for new failures, draw fresh ones for a while:
/// <c>PODNET_KUBE_FUZZ_SECONDS=300 dotnet test -c Release --filter KubeApiFuzzTests</c>; a failure names its seed
/// and input, and <c>PODNET_KUBE_FUZZ_SEED=N</c> sends the same requests again (the world evolves with them, so
/// a seed replays its whole sequence).
/// </remarks>
public sealed class KubeApiFuzzTests(ServedWorld served, ITestOutputHelper output) : IClassFixture<ServedWorld>
{
    private const int FixedSeed = 20261201;

    private const int FixedRuns = 3000;

    /// <summary>The suite's time bound (the brief allows 40 s): a slow machine sends a shorter prefix of the same requests.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    /// <summary>Text that is .NET's, never the API server's.</summary>
    private static readonly string[] DotNetText = ["System.", "Exception", " at Podnet.", "Object reference"];

    /// <summary>The code <see cref="SendAsync"/> gives a request whose answer did not end within 30 s.</summary>
    private const int NoAnswer = -1;

    private static readonly string[] Verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    private static readonly string[] PatchTypes =
    [
        "application/merge-patch+json", "application/strategic-merge-patch+json", "application/json-patch+json", "application/apply-patch+yaml",
        "application/apply-patch+cbor", "application/json", "text/plain", "application/merge-patch+json; charset=utf-8",
    ];

    private static readonly string?[] Accepts =
    [
        null, "application/json", "*/*", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io", "application/vnd.kubernetes.protobuf", "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io",
        "application/yaml", "text/html", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", "application/cbor", ";;;", "application/json;as=Table;g=",
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    ];

    private static readonly string?[] ContentTypes =
    [
        "application/json", "application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "text/plain", "application/cbor",
        null, "application/json; charset=latin1", "application/x-www-form-urlencoded", "garbage", "application/json;;",
    ];

    private static readonly string[] QueryNames =
    [
        "labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "resourceVersionMatch", "timeoutSeconds", "dryRun",
        "fieldManager", "fieldValidation", "propagationPolicy", "gracePeriodSeconds", "orphanDependents", "watch", "allowWatchBookmarks",
        "sendInitialEvents", "pretty", "force", "container", "follow", "tailLines", "sinceSeconds", "previous", "includeUninitialized",
    ];

    private static readonly string[] QueryValues =
    [
        "", "0", "1", "-1", "500", "9999999999999999999", "true", "false", "All", "None", "Strict", "Warn", "Ignore", "strict", "NotOlderThan", "Exact",
        "Background", "Foreground", "Orphan", "orphan", "app=x", "app in (a,b)", "app notin ()", "!app", "app!=", "=x", "a=b,,c", "a==b", "x in (",
        "metadata.name=x", "metadata.namespace!=default", "spec.nodeName=", "status.phase=Running", "nope=1", "metadata.name", "metadata.name==a==b",
        "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIsInN0YXJ0IjoiYSJ9", "%ZZ", "\u0000", "\u00e9", new string('a', 300), "1.5", "0x10", "2147483648", "NaN",
        "kubectl-client-side-apply", "kubectl", "a\tb", "app=" + new string('v', 70),
    ];

    private static readonly string[] Subresources = ["status", "scale", "binding", "eviction", "log", "exec", "attach", "portforward", "proxy", "finalize", "ephemeralcontainers", "resize", "nope"];

    private static readonly string[] Names = ["fuzz-a", "fuzz-b", "coredns", "default", "kube-system", "aws-node", "fuzz-c"];

    private static readonly string[] Namespaces = ["default", "default", "fuzz", "kube-system", "missing-ns"];

    private sealed record Drawn(HttpMethod Method, string Path, string? Accept, string? ContentType, byte[]? Body, bool Watch);

    [Fact]
    public async Task MutatedRequests_AlwaysGetAStatusNever500()
    {
        var explore = int.TryParse(Environment.GetEnvironmentVariable("PODNET_KUBE_FUZZ_SECONDS"), out var seconds) ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PODNET_KUBE_FUZZ_SEED"), out var given) ? given : explore is null ? FixedSeed : Random.Shared.Next();
        var draw = new Random(seed);
        var resources = served.Server.Cluster.Read(() => served.Server.Cluster.Store.Resources.All.OrderBy(r => r.ApiVersion + "/" + r.Plural, StringComparer.Ordinal).ToList());
        var examples = resources.ToDictionary(r => r, Examples);
        using var client = served.Http();
        await EnsureNamespaceAsync(client);

        var clock = Stopwatch.StartNew();
        var runs = 0;
        var codes = new SortedDictionary<int, int>();
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        while (explore is null ? runs < FixedRuns && clock.Elapsed < Budget : clock.Elapsed < explore)
        {
            var inputSeed = draw.Next();
            var drawn = Draw(new Random(inputSeed), resources, examples);
            var what = $"input {runs} of seed {seed}: {drawn.Method} {drawn.Path} Accept={drawn.Accept} Content-Type={drawn.ContentType} body={Preview(drawn.Body)}";
            runs++;
            var (code, text) = await SendAsync(client, drawn);

            codes[code] = codes.GetValueOrDefault(code) + 1;
            if (Problem(code, text, bodyless: drawn.Method == HttpMethod.Head) is { } problem && failures.Count < 40)
            {
                failures.TryAdd(Kind(problem + " " + Message(text)), $"{problem}\n  {what}\n  answer {code}: {(text.Length > 600 ? text[..600] : text)}");
            }

            if (runs % 50 == 0)
            {
                await AssertStillServesAsync(client, what);
            }
        }

        await AssertStillServesAsync(client, $"the end of seed {seed}");
        output.WriteLine($"{runs} mutated requests of seed {seed} in {clock.Elapsed.TotalSeconds:F0} s: " + string.Join(", ", codes.Select(c => $"{c.Key} ×{c.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} kinds of wrong answers:\n" + string.Join("\n", failures.Values));
        Assert.True(runs > 100, $"only {runs} requests were sent");
        Assert.True(codes.Keys.Any(c => c < 300) && codes.Keys.Any(c => c >= 400), "the mutations should give both answers and errors");
    }

    // Each failure the fuzzing found, with the API server's answer.

    [Fact]
    public async Task DeleteCollection_OfNamespaces_IsMethodNotAllowedAndNotDiscovered()
    {
        using var client = served.Http();

        var (code, status) = await RequestAsync(client, HttpMethod.Delete, "/api/v1/namespaces", null, null);
        var discovery = JsonNode.Parse(await client.GetStringAsync("/api/v1"))!["resources"]!.AsArray().First(r => r!["name"]!.ToString() == "namespaces")!;

        AssertStatus(status, code, 405, "MethodNotAllowed");
        Assert.DoesNotContain("deletecollection", discovery["verbs"]!.AsArray().Select(v => v!.ToString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/namespaces/default")).StatusCode);
    }

    [Fact]
    public async Task Delete_DefaultNamespace_IsForbidden()
    {
        using var client = served.Http();

        var (code, status) = await RequestAsync(client, HttpMethod.Delete, "/api/v1/namespaces/default", null, null);

        AssertStatus(status, code, 403, "Forbidden", "namespaces \"default\" is forbidden: this namespace may not be deleted");
    }

    [Fact]
    public async Task Delete_OptionsOfTheWrongType_Is400InTheDecodersWords()
    {
        using var client = served.Http();

        var (code, status) = await RequestAsync(client, HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/nobody", """{"propagationPolicy":5}""", "application/json");

        AssertStatus(status, code, 400, "BadRequest", "json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation");
    }

    [Fact]
    public async Task Post_KeyGivenTwice_KeepsTheLastValue()
    {
        using var client = served.Http();

        var (code, created) = await RequestAsync(
            client, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"twice"},"data":{"k":"first"},"data":{"k":"second"}}""", "application/json");

        Assert.Equal(201, code);
        Assert.Equal("second", created!["data"]!["k"]!.ToString());
    }

    [Fact]
    public async Task Get_NameLongerThanKestrelsRequestLine_IsNotFound()
    {
        using var client = served.Http();
        var name = new string('n', 20000);

        var (code, status) = await RequestAsync(client, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/" + name, null, null);

        AssertStatus(status, code, 404, "NotFound", $"configmaps \"{name}\" not found");
    }

    [Fact]
    public async Task Post_KindOfTheWrongType_IsAnUnrecognizedObject()
    {
        using var client = served.Http();

        var (code, status) = await RequestAsync(client, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":5,"metadata":{"name":"x"}}""", "application/json");

        AssertStatus(status, code, 400, "BadRequest",
            """the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string ({"apiVersion":"v1","kind":5,"m ...)""");
    }

    [Fact]
    public async Task Post_UnknownFieldWithNonAsciiName_IsWarnedInUtf8()
    {
        using var client = served.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/configmaps?fieldValidation=Warn")
        {
            Content = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warned"},"dätä":{}}""", Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // HttpClient reads header bytes as Latin-1: the bytes are the UTF-8 text.
        var warning = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(Assert.Single(response.Headers.GetValues("Warning"))));
        Assert.Equal("299 - \"unknown field \\\"dätä\\\"\"", warning);
    }

    [Fact]
    public async Task Evict_GracePeriodOfTheWrongType_Is400InTheDecodersWords()
    {
        using var client = served.Http();

        var (code, status) = await RequestAsync(client, HttpMethod.Post, "/api/v1/namespaces/default/pods/nobody/eviction", """{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"nobody"},"deleteOptions":{"gracePeriodSeconds":"soon"}}""", "application/json");

        AssertStatus(status, code, 400, "BadRequest", "Eviction in version \"v1\" cannot be handled as a Eviction: json: cannot unmarshal string into Go struct field DeleteOptions.deleteOptions.gracePeriodSeconds of type int64");
    }

    [Fact]
    public async Task Scale_PutOfTheWrongTypeOrPatchToAString_Is400()
    {
        using var client = served.Http();

        // A Deployment of its own: the fuzz test shares this cluster and may have deleted any other.
        const string Scale = "/apis/apps/v1/namespaces/default/deployments/scaled/scale";
        var (createdCode, _) = await RequestAsync(
            client, HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"scaled"},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"scaled"}},"template":{"metadata":{"labels":{"app":"scaled"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""",
            "application/json");
        Assert.Equal(201, createdCode);

        var (putCode, put) = await RequestAsync(client, HttpMethod.Put, Scale, """{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"scaled"},"spec":{"replicas":"two"}}""", "application/json");
        var (patchCode, patch) = await RequestAsync(client, HttpMethod.Patch, Scale, "\"x\"", "application/merge-patch+json");

        AssertStatus(put, putCode, 400, "BadRequest", "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32");
        AssertStatus(patch, patchCode, 400, "BadRequest");
    }

    [Fact]
    public async Task Post_YamlNestedDeeperThanTheJsonReaderReads_Is400()
    {
        using var client = served.Http();
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);

        var (code, status) = await RequestAsync(client, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", $$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":{{deep}}}""", "application/yaml");

        AssertStatus(status, code, 400, "BadRequest", "error decoding YAML: the document is nested deeper than 64 levels");
    }

    [Fact]
    public async Task Post_NodeWithNumericAllocatable_IsCreatedAndABoolIsTheQuantityError()
    {
        using var client = served.Http();
        const string Node = """{"apiVersion":"v1","kind":"Node","metadata":{"name":"fuzz-node-NAME"},"status":{"allocatable":{"cpu":2,"memory":VALUE,"pods":"29"}}}""";

        var (createdCode, created) = await RequestAsync(client, HttpMethod.Post, "/api/v1/nodes", Node.Replace("NAME", "a", StringComparison.Ordinal).Replace("VALUE", "8388608", StringComparison.Ordinal), "application/json");
        var (code, status) = await RequestAsync(client, HttpMethod.Post, "/api/v1/nodes", Node.Replace("NAME", "b", StringComparison.Ordinal).Replace("VALUE", "true", StringComparison.Ordinal), "application/json");

        Assert.Equal(201, createdCode);
        Assert.Equal("fuzz-node-a", created!["metadata"]!["name"]!.ToString());
        AssertStatus(status, code, 400, "BadRequest", "Node in version \"v1\" cannot be handled as a Node: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }

    private static async Task<(int Code, JsonNode? Body)> RequestAsync(HttpClient client, HttpMethod method, string path, string? body, string? contentType)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text) : null);
    }

    private static void AssertStatus(JsonNode? status, int code, int expectedCode, string reason, string? message = null)
    {
        Assert.Equal(expectedCode, code);
        Assert.NotNull(status);
        Assert.Equal("Status", status["kind"]!.ToString());
        Assert.Equal("Failure", status["status"]!.ToString());
        Assert.Equal(expectedCode, status["code"]!.GetValue<int>());
        Assert.Equal(reason, status["reason"]!.ToString());
        if (message is not null)
        {
            Assert.Equal(message, status["message"]!.ToString());
        }
    }

    /// <summary>What is wrong with an answer, or null when it is one the API server could give.</summary>
    /// <remarks>A HEAD answer has no body to hold to anything but its code.</remarks>
    private static string? Problem(int code, string text, bool bodyless)
    {
        if (code == NoAnswer)
        {
            return "no whole answer within 30 s";
        }

        // The API server answers a client's request 5xx only for its own faults (an etcd timeout, a webhook down, a
        // panic — InternalError); none of those exist here, so any 5xx is Podnet's bug.
        if (code >= 500)
        {
            return $"a {code}";
        }

        if (DotNetText.FirstOrDefault(t => text.Contains(t, StringComparison.Ordinal)) is { } leak)
        {
            return $".NET text \"{leak}\" in the answer";
        }

        if (code < 400 || bodyless)
        {
            return null;
        }

        JsonNode? status;
        try
        {
            status = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return $"a {code} whose body is not a Status";
        }

        if (status is not JsonObject o || o["kind"]?.ToString() != "Status" || o["apiVersion"]?.ToString() != "v1" || o["status"]?.ToString() != "Failure")
        {
            return $"a {code} whose body is not a Failure Status";
        }

        if (o["reason"] is not JsonValue reason || reason.ToString().Length == 0)
        {
            return $"a {code} Status without a reason";
        }

        return o["code"] is JsonValue c && c.TryGetValue<int>(out var statusCode) && statusCode == code ? null : $"a {code} Status whose code is {o["code"]}";
    }

    /// <summary>The start of a Status's message (what tells one fault from another), or of the text.</summary>
    private static string Message(string text)
    {
        var message = text;
        try
        {
            message = (JsonNode.Parse(text) as JsonObject)?["message"]?.ToString() ?? text;
        }
        catch (JsonException)
        {
        }

        message = System.Text.RegularExpressions.Regex.Replace(message, "\"[^\"]*\"|\\([^)]*\\)", "…");
        return message.Length > 70 ? message[..70] : message;
    }

    /// <summary>The problem without names and numbers, to report each kind once.</summary>
    private static string Kind(string problem) => System.Text.RegularExpressions.Regex.Replace(problem, "[0-9]+", "N");

    /// <summary>The body as a failure shows it: whole up to 8,000 bytes, so the mutated field is in it.</summary>
    private static string Preview(byte[]? body)
        => body is null ? "(none)" : body.Length > 8000 ? Encoding.UTF8.GetString(body, 0, 8000) + $"… ({body.Length} bytes)" : Encoding.UTF8.GetString(body);

    private static async Task<(int Code, string Text)> SendAsync(HttpClient client, Drawn drawn)
    {
        using var request = new HttpRequestMessage(drawn.Method, drawn.Path);
        if (drawn.Accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", drawn.Accept);
        }

        if (drawn.Body is not null)
        {
            request.Content = new ByteArrayContent(drawn.Body);
            if (drawn.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", drawn.ContentType);
            }
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        HttpResponseMessage answered;
        try
        {
            answered = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            return (NoAnswer, string.Empty);
        }

        using var response = answered;

        // A watch that started streams until its timeout: read what comes in a moment, then leave (the server must
        // let it go). A watch refused is an answer like any other, read whole.
        var streaming = drawn.Watch && response.IsSuccessStatusCode;
        if (streaming)
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(100));
        }

        var text = new StringBuilder();
        try
        {
            using var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
            using var reader = new StreamReader(stream);
            var buffer = new char[8192];
            int read;
            while ((read = await reader.ReadAsync(buffer, cancel.Token)) > 0 && text.Length < 1 << 20)
            {
                text.Append(buffer, 0, read);
            }
        }
        catch (OperationCanceledException) when (streaming)
        {
        }
        catch (OperationCanceledException)
        {
            return (NoAnswer, text.ToString());
        }
        catch (IOException) when (streaming)
        {
        }

        return ((int)response.StatusCode, text.ToString());
    }

    private static async Task AssertStillServesAsync(HttpClient client, string after)
    {
        using var response = await client.GetAsync("/api/v1/namespaces/default");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/v1/namespaces/default answered {(int)response.StatusCode} after {after}");
    }

    private static async Task EnsureNamespaceAsync(HttpClient client)
    {
        using var content = new StringContent("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"fuzz"}}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/namespaces", content);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"namespace fuzz: {(int)response.StatusCode}");
    }

    /// <summary>Valid objects of a kind to mutate: a few stored ones, renamed, or a bare one when the store has none.</summary>
    private List<JsonObject> Examples(KubeResource resource)
    {
        var stored = served.Server.Cluster.Read(() => served.Server.Cluster.Store.List(resource).Items.Take(3).Select(o => JsonNode.Parse(o.ToJsonString())!.AsObject()).ToList());
        foreach (var obj in stored)
        {
            if (obj["metadata"] is JsonObject metadata)
            {
                metadata.Remove("resourceVersion");
                metadata.Remove("uid");
                metadata.Remove("creationTimestamp");
                metadata.Remove("managedFields");
                metadata.Remove("ownerReferences");
            }
        }

        return stored.Count > 0 ? stored : [new JsonObject { ["apiVersion"] = resource.ApiVersion, ["kind"] = resource.Kind, ["metadata"] = new JsonObject { ["name"] = "fuzz-a" } }];
    }

    private static Drawn Draw(Random random, List<KubeResource> resources, Dictionary<KubeResource, List<JsonObject>> examples)
    {
        var resource = resources[random.Next(resources.Count)];
        var verb = Verbs[random.Next(Verbs.Length)];
        var ns = resource.Namespaced ? Namespaces[random.Next(Namespaces.Length)] : null;
        var name = Names[random.Next(Names.Length)];
        var collection = verb is "list" or "watch" or "create" or "deletecollection";
        string? sub = !collection && random.Next(5) == 0 ? Subresources[random.Next(Subresources.Length)] : null;

        var segments = new List<string> { resource.Group.Length == 0 ? "api" : "apis" };
        if (resource.Group.Length > 0)
        {
            segments.Add(resource.Group);
        }

        segments.Add(resource.Version);
        if (ns is not null && !(collection && random.Next(4) == 0))
        {
            segments.Add("namespaces");
            segments.Add(ns);
        }

        segments.Add(resource.Plural);
        if (!collection)
        {
            segments.Add(name);
            if (sub is not null)
            {
                segments.Add(sub);
            }
        }

        MutatePath(random, segments);
        var path = "/" + string.Join('/', segments);
        var query = new List<string>();
        if (verb == "watch")
        {
            query.Add("watch=" + (random.Next(6) == 0 ? QueryValues[random.Next(QueryValues.Length)] : "true"));
        }

        var parameters = random.Next(3) == 0 ? 0 : random.Next(1, 4);
        for (var i = 0; i < parameters; i++)
        {
            var key = QueryNames[random.Next(QueryNames.Length)];
            var value = QueryValues[random.Next(QueryValues.Length)];
            query.Add(random.Next(10) == 0 ? key + "=" + value : Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(value));
        }

        if (query.Count > 0)
        {
            path += "?" + string.Join('&', query);
        }

        var method = verb switch
        {
            "get" or "list" or "watch" => HttpMethod.Get,
            "create" => HttpMethod.Post,
            "update" => HttpMethod.Put,
            "patch" => HttpMethod.Patch,
            _ => HttpMethod.Delete,
        };
        if (random.Next(25) == 0)
        {
            method = new HttpMethod(new[] { "HEAD", "OPTIONS", "FOO", "POST", "PUT" }[random.Next(5)]);
        }

        var accept = Accepts[random.Next(Accepts.Length)];
        string? contentType;
        byte[]? body = null;
        if (verb == "patch")
        {
            contentType = random.Next(8) == 0 ? ContentTypes[random.Next(ContentTypes.Length)] : PatchTypes[random.Next(PatchTypes.Length)];
            body = PatchBody(random, contentType, examples[resource]);
        }
        else
        {
            contentType = random.Next(4) == 0 ? ContentTypes[random.Next(ContentTypes.Length)] : "application/json";
            if (verb is "create" or "update" || method == HttpMethod.Post || method == HttpMethod.Put)
            {
                var example = examples[resource][random.Next(examples[resource].Count)].DeepClone().AsObject();
                if (example["metadata"] is JsonObject metadata && random.Next(4) != 0)
                {
                    metadata["name"] = random.Next(5) == 0 ? Names[random.Next(Names.Length)] + "x" : name;
                    if (resource.Namespaced && random.Next(3) != 0)
                    {
                        metadata["namespace"] = ns;
                    }
                    else
                    {
                        metadata.Remove("namespace");
                    }
                }

                if (sub == "eviction")
                {
                    example = new JsonObject { ["apiVersion"] = "policy/v1", ["kind"] = "Eviction", ["metadata"] = new JsonObject { ["name"] = name }, ["deleteOptions"] = new JsonObject { ["gracePeriodSeconds"] = 0 } };
                }

                body = MutateObject(random, example);
            }
            else if (method == HttpMethod.Delete && random.Next(2) == 0)
            {
                var options = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = "Background" };
                if (random.Next(2) == 0)
                {
                    options["gracePeriodSeconds"] = 0;
                }

                if (random.Next(3) == 0)
                {
                    options["preconditions"] = new JsonObject { ["uid"] = "x", ["resourceVersion"] = "1" };
                }

                body = MutateObject(random, options);
            }
        }

        // A list with watch=true among its drawn parameters is a watch too (the server decides by the parameter).
        var watch = method == HttpMethod.Get && System.Text.RegularExpressions.Regex.IsMatch(path, "[?&]watch=(true|1)(&|$)");
        return new Drawn(method, path, accept, contentType, body, watch);
    }

    private static void MutatePath(Random random, List<string> segments)
    {
        if (random.Next(4) != 0)
        {
            return;
        }

        var at = random.Next(segments.Count);
        switch (random.Next(10))
        {
            case 0:
                segments.Insert(at + 1, new[] { "extra", "status", "namespaces", "", "x" }[random.Next(5)]);
                break;
            case 1 when segments.Count > 1:
                segments.RemoveAt(at);
                break;
            case 2:
                segments[at] = new[] { "v9", "v1beta1", "v2alpha1", "nope.example.com", "apps", "core", "v1" }[random.Next(7)];
                break;
            case 3:
                segments.Insert(at, "..");
                break;
            case 4:
                // Not %00: Kestrel refuses a path with a NUL in it with a bare 400 before any handler sees it (Go's
                // net/http passes it on) — a difference of the HTTP server, left as it is.
                segments[at] = segments[at] + new[] { "%2F", "%2e%2e", "%zz", "%20", "%C3%A9", "%FF", "%2fx", "%0A" }[random.Next(8)];
                break;
            case 5:
                segments[^1] = new string('n', new[] { 64, 254, 300, 5000, 20000 }[random.Next(5)]);
                break;
            case 6:
                segments[at] = segments[at].ToUpperInvariant();
                break;
            case 7:
                segments[^1] = new[] { "a_b", "A", "-a", "a.", "a..b", "😀", ".", "a b", "a:b", "%2E" }[random.Next(10)];
                break;
            case 8:
                segments.Add(string.Empty);
                break;
            default:
                segments.Insert(random.Next(segments.Count + 1), "namespaces");
                break;
        }
    }

    private static byte[] PatchBody(Random random, string? contentType, List<JsonObject> examples)
    {
        JsonNode patch = contentType switch
        {
            "application/json-patch+json" => new JsonArray(new[]
            {
                new JsonObject { ["op"] = "add", ["path"] = "/metadata/labels", ["value"] = new JsonObject { ["fuzz"] = "x" } },
                new JsonObject { ["op"] = "replace", ["path"] = "/spec/replicas", ["value"] = 2 },
                new JsonObject { ["op"] = "remove", ["path"] = "/metadata/annotations" },
                new JsonObject { ["op"] = "test", ["path"] = "/metadata/name", ["value"] = "fuzz-a" },
                new JsonObject { ["op"] = "move", ["from"] = "/metadata/labels", ["path"] = "/metadata/annotations" },
                new JsonObject { ["op"] = "copy", ["from"] = "/spec", ["path"] = "/status" },
                new JsonObject { ["op"] = "nope", ["path"] = "/x" },
                new JsonObject { ["op"] = "add", ["path"] = "/metadata/labels/a~1b", ["value"] = "y" },
                new JsonObject { ["op"] = "add", ["path"] = "/spec/containers/-", ["value"] = new JsonObject { ["name"] = "c", ["image"] = "i" } },
                new JsonObject { ["op"] = "replace", ["path"] = "/spec/containers/99/image", ["value"] = "i" },
            }.Where(_ => random.Next(3) == 0).Select(o => o.DeepClone()).ToArray()),
            "application/apply-patch+yaml" => examples[random.Next(examples.Count)].DeepClone(),
            _ => random.Next(2) == 0
                ? new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["fuzz"] = "y" }, ["annotations"] = null } }
                : new JsonObject { ["spec"] = Pick(random, examples[random.Next(examples.Count)]["spec"]?.DeepClone()) ?? new JsonObject() },
        };
        if (contentType == "application/apply-patch+yaml" && patch["metadata"] is JsonObject metadata)
        {
            metadata["name"] = "fuzz-a";
        }

        return MutateNode(random, patch);
    }

    private static JsonNode? Pick(Random random, JsonNode? node) => random.Next(3) == 0 ? null : node;

    private static byte[] MutateObject(Random random, JsonObject obj) => MutateNode(random, obj);

    /// <summary>A mutation of a valid body, as bytes: a value replaced, a key dropped or added, or the text broken.</summary>
    private static byte[] MutateNode(Random random, JsonNode node)
    {
        var choice = random.Next(14);
        if (choice < 3)
        {
            return Encoding.UTF8.GetBytes(node.ToJsonString());
        }

        if (choice < 8)
        {
            var holders = new List<(JsonNode Holder, object Key)>();
            Collect(node, holders, 0);
            if (holders.Count > 0)
            {
                var (holder, key) = holders[random.Next(holders.Count)];
                var value = Hostile(random);
                if (holder is JsonObject o)
                {
                    var name = (string)key;
                    if (random.Next(4) == 0)
                    {
                        o.Remove(name);
                    }
                    else
                    {
                        o[name] = value;
                    }
                }
                else if (holder is JsonArray a)
                {
                    a[(int)key] = value;
                }
            }

            if (random.Next(4) == 0 && node is JsonObject top)
            {
                top[new[] { "apiVersion", "kind" }[random.Next(2)]] = new[] { "v1", "apps/v1", "Pod", "ConfigMap", "v2", "", "List", "Status", "networking.k8s.io/v1" }[random.Next(9)];
            }

            return Encoding.UTF8.GetBytes(node.ToJsonString());
        }

        var text = Encoding.UTF8.GetBytes(node.ToJsonString());
        switch (choice)
        {
            case 8:
                return text[..random.Next(text.Length + 1)];
            case 9:
            {
                // Invalid UTF-8 inside the text (inside a string or not).
                var at = random.Next(text.Length + 1);
                return [.. text[..at], .. new[] { new byte[] { 0xFF }, [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x00] }[random.Next(5)], .. text[at..]];
            }

            case 10:
            {
                // A key twice (Go's decoder keeps the last one; strict field validation names it).
                var json = Encoding.UTF8.GetString(text);
                return json.StartsWith('{') && json.Length > 2 ? Encoding.UTF8.GetBytes("{\"metadata\":{\"name\":\"dup\"}," + json[1..]) : text;
            }

            case 11:
                return Encoding.UTF8.GetBytes(new[] { "null", "[]", "\"x\"", "5", "", "{}", " ", "{\"a\":1}{\"b\":2}", "---\n", "[{}]", "true" }[random.Next(11)]);
            case 12:
                return Encoding.UTF8.GetBytes(new string('[', 20000) + new string(']', 20000));
            default:
                return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text).Replace("\"", "'", StringComparison.Ordinal));
        }
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> holders, int depth)
    {
        if (depth > 12)
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    holders.Add((o, key));
                    if (child is not null)
                    {
                        Collect(child, holders, depth + 1);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    holders.Add((a, i));
                    if (a[i] is { } child)
                    {
                        Collect(child, holders, depth + 1);
                    }
                }

                break;
        }
    }

    private static JsonNode? Hostile(Random random) => random.Next(22) switch
    {
        0 => 5,
        1 => -1,
        2 => JsonNode.Parse("1e400"),
        3 => JsonNode.Parse("99999999999999999999999"),
        4 => 4294967296L,
        5 => 80.5,
        6 => true,
        7 => string.Empty,
        8 => "Foo",
        9 => null,
        10 => new JsonArray(),
        11 => new JsonObject(),
        12 => new JsonObject { ["a"] = 5 },
        13 => new JsonArray("a", 5, null),
        14 => Deep(random.Next(2) == 0 ? 40 : 200),
        15 => new string('x', 70000),
        16 => "ü\u2028<&>",
        17 => "-1",
        18 => "2026-13-45T99:99:99Z",
        19 => "10.0.0.0/33",
        20 => JsonNode.Parse("-0"),
        _ => "a\u0000b",
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonObject { ["x"] = 1 };
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["a"] = node };
        }

        return node;
    }
}
