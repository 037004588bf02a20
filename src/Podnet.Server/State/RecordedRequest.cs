using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Podnet.Server.State;

/// <summary>
/// A request to a served API as the journal keeps it: the API it went to (<see cref="Api"/>), and its method, scheme,
/// path, query string, headers and the body bytes the handler read. Replaying it runs the same handler on the same
/// bytes (<see cref="ToContext"/>), so it takes the same decisions — validation, admission, the names and IDs it
/// generates — as when it was first answered, as the API server's handlers are a function of the request and the
/// stored state.
/// </summary>
/// <param name="Api"><c>kube:CLUSTER</c> (the Kubernetes API of the cluster named CLUSTER) or <c>aws</c> (the account's AWS API).</param>
public sealed record RecordedRequest(string Api, string Method, string Scheme, string Path, string QueryString, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The <see cref="Api"/> of a request to the account's AWS API.</summary>
    public const string AwsApi = "aws";

    private static readonly AsyncLocal<Capture?> Current = new();

    /// <summary>The <see cref="Api"/> of a request to the Kubernetes API of the cluster named <paramref name="cluster"/>.</summary>
    public static string KubeApi(string cluster) => "kube:" + cluster;

    /// <summary>The <see cref="Api"/> of the request the current asynchronous flow is answering; null outside one.</summary>
    public static string? AnsweringApi => Current.Value?.Api;

    /// <summary>
    /// The request the current asynchronous flow is answering, recorded as far as it was read, for the journal: the
    /// first time only, so a handler that took the gate twice is journaled (and replayed) once; null after that, or
    /// outside a request.
    /// </summary>
    public static RecordedRequest? TakeAnswering()
    {
        var capture = Current.Value;
        if (capture is null || capture.Taken)
        {
            return null;
        }

        capture.Taken = true;
        return capture.Snapshot();
    }

    /// <summary>
    /// Runs <paramref name="handler"/> on <paramref name="context"/> with the request captured for the journal: the
    /// body is copied as the handler reads it (a handler reads all of a body before it writes anything), so limits
    /// and errors stay the handler's own.
    /// </summary>
    /// <param name="api">Which API answers (see <see cref="Api"/>).</param>
    public static async Task CaptureAsync(string api, HttpContext context, Func<HttpContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(handler);
        var original = context.Request.Body;
        var copy = new MemoryStream();
        var capture = new Capture(api, context.Request, copy);
        context.Request.Body = new TeeStream(original, copy);
        Current.Value = capture;
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        finally
        {
            Current.Value = null;
            context.Request.Body = original;
            await copy.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>An <see cref="HttpContext"/> that asks this request again, its response going nowhere (replay).</summary>
    public HttpContext ToContext()
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = Method;
        request.Scheme = Scheme;
        request.Path = new PathString(Path);
        request.QueryString = new QueryString(QueryString);
        foreach (var (name, value) in Headers)
        {
            request.Headers.Append(name, value);
        }

        request.Body = new MemoryStream(Body, writable: false);
        request.ContentLength = Body.Length;
        context.Response.Body = Stream.Null;
        return context;
    }

    /// <summary>The request as the journal's JSON column holds it.</summary>
    public string ToJson() => new JsonObject
    {
        ["api"] = Api,
        ["method"] = Method,
        ["scheme"] = Scheme,
        ["path"] = Path,
        ["query"] = QueryString,
        ["headers"] = new JsonArray([.. Headers.Select(h => (JsonNode)new JsonArray(h.Key, h.Value))]),
        ["body"] = Convert.ToBase64String(Body),
    }.ToJsonString();

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="FormatException">Not a recorded request.</exception>
    public static RecordedRequest FromJson(string json)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("a recorded request is a JSON object");
        string Text(string name) => node[name]?.GetValue<string>() ?? throw new FormatException($"a recorded request has no {name}");
        var headers = (node["headers"] as JsonArray ?? throw new FormatException("a recorded request has no headers"))
            .Select(h => KeyValuePair.Create(h![0]!.GetValue<string>(), h[1]!.GetValue<string>()))
            .ToList();
        return new RecordedRequest(Text("api"), Text("method"), Text("scheme"), Text("path"), Text("query"), headers, Convert.FromBase64String(Text("body")));
    }

    private sealed class Capture(string api, HttpRequest request, MemoryStream body)
    {
        public string Api => api;

        public bool Taken { get; set; }

        public RecordedRequest Snapshot()
            => new(api, request.Method, request.Scheme, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty,
                [.. request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? string.Empty)))], body.ToArray());
    }

    /// <summary>Reads from the request's body and keeps a copy of every byte read.</summary>
    private sealed class TeeStream(Stream source, MemoryStream copy) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = source.Read(buffer, offset, count);
            copy.Write(buffer, offset, read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            copy.Write(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
