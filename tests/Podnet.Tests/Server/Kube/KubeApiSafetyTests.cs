using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Server.Kube;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// The served Kubernetes API's limits and its answers to clients that misbehave: bodies over the API server's limit,
/// bodies no decoder reads, requests without valid credentials, clients that vanish mid-watch or mid-exec, and a
/// watcher that stops reading.
/// </summary>
public sealed class KubeApiSafetyTests : IClassFixture<ServedWorld>
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private readonly ServedWorld _served;

    public KubeApiSafetyTests(ServedWorld served)
    {
        _served = served;
    }

    private static async Task<(HttpStatusCode Code, JsonNode? Status)> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text) : null);
    }

    private static void AssertStatus(JsonNode? status, int code, string reason, string? message = null)
    {
        Assert.NotNull(status);
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal(code, status["code"]!.GetValue<int>());
        Assert.Equal(reason, status["reason"]!.GetValue<string>());
        if (message is not null)
        {
            Assert.Equal(message, status["message"]!.GetValue<string>());
        }
    }

    /// <summary>A ConfigMap's JSON padded with spaces after it to <paramref name="size"/> bytes (still one valid JSON document).</summary>
    private static byte[] ConfigMapOfSize(string name, int size)
    {
        var json = Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}"}}""");
        var body = new byte[size];
        json.CopyTo(body, 0);
        body.AsSpan(json.Length).Fill((byte)' ');
        return body;
    }

    [Fact]
    public async Task Post_BodyOverLimit_Is413()
    {
        using var client = _served.Http();
        using var content = new ByteArrayContent(ConfigMapOfSize("too-large", RequestBodies.MaxBytes + 1));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (code, status) = await SendAsync(client, HttpMethod.Post, ConfigMaps, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        AssertStatus(status, 413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyManyTimesTheLimit_IsAnswered413NotABrokenPipe(bool chunked)
    {
        // Far larger than the socket buffers, so the client is still writing when the server decides: the server reads
        // the rest before answering (as Go's net/http does), or the client sees a broken pipe instead of the Status.
        using var client = _served.Http();
        var bytes = ConfigMapOfSize("far-too-large", 4 * RequestBodies.MaxBytes);
        using HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (code, status) = await SendAsync(client, HttpMethod.Post, ConfigMaps, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        AssertStatus(status, 413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_Is413()
    {
        // No Content-Length: the server learns the size only by reading, and stops one byte past the limit.
        using var client = _served.Http();
        using var content = new StreamContent(new UnknownLengthStream(ConfigMapOfSize("too-large-chunked", RequestBodies.MaxBytes + 4096)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (code, status) = await SendAsync(client, HttpMethod.Post, ConfigMaps, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        AssertStatus(status, 413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
    }

    [Fact]
    public async Task Post_BodyOfExactlyTheLimit_IsCreated()
    {
        using var client = _served.Http();
        using var content = new ByteArrayContent(ConfigMapOfSize("at-the-limit", RequestBodies.MaxBytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (code, _) = await SendAsync(client, HttpMethod.Post, ConfigMaps, content);

        Assert.Equal(HttpStatusCode.Created, code);
    }

    [Theory]
    [InlineData("POST", "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",", "error decoding JSON: ")]
    [InlineData("POST", "application/vnd.kubernetes.protobuf", "not protobuf", "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")]
    [InlineData("POST", "application/yaml", "metadata: [unclosed", "error decoding YAML: ")]
    [InlineData("PATCH", "application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n", "error decoding YAML: ")]
    [InlineData("PATCH", "application/merge-patch+json", "{\"data\":", "error decoding JSON: ")]
    [InlineData("PATCH", "application/json-patch+json", "[{\"op\":", "error decoding JSON: ")]
    public async Task MalformedBody_IsBadRequest_WithTheDecodersMessage(string method, string contentType, string body, string messageStart)
    {
        using var client = _served.Http();
        var path = method == "POST" ? ConfigMaps : ConfigMaps + "/malformed?fieldManager=test";
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var (code, status) = await SendAsync(client, new HttpMethod(method), path, content);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        AssertStatus(status, 400, "BadRequest");
        Assert.StartsWith(messageStart, status!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoBearerToken_Is401()
    {
        using var client = _served.Http();
        client.DefaultRequestHeaders.Authorization = null;

        var (code, status) = await SendAsync(client, HttpMethod.Get, ConfigMaps, null);

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        AssertStatus(status, 401, "Unauthorized", "Unauthorized");
    }

    [Theory]
    [InlineData("Bearer not-the-token")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("Bearer k8s-aws-v1.")]
    public async Task InvalidCredentials_Are401(string authorization)
    {
        using var client = _served.Http();
        client.DefaultRequestHeaders.Authorization = null;
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        var (code, status) = await SendAsync(client, HttpMethod.Get, ConfigMaps, null);

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        AssertStatus(status, 401, "Unauthorized", "Unauthorized");
    }

    /// <summary>The token <c>aws eks get-token</c> makes for <paramref name="accessKeyId"/>: a presigned STS GetCallerIdentity URL.</summary>
    private string EksTokenOf(string accessKeyId)
    {
        var url = $"{_served.Server.Aws.Address.ToString().TrimEnd('/')}/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                  + $"&X-Amz-Credential={accessKeyId}%2F20261129%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20261129T120000Z&X-Amz-Expires=60"
                  + "&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=00";
        return EksToken.Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(url)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    [Fact]
    public async Task EksToken_OfTheAccountsKey_IsAccepted_OfAnUnknownKey_Is401()
    {
        using var client = _served.Http();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EksTokenOf(_served.Server.Aws.AccessKeyId));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, ConfigMaps, null)).Code);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EksTokenOf("AKIAUNKNOWNKEY000001"));
        var (code, status) = await SendAsync(client, HttpMethod.Get, ConfigMaps, null);
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        AssertStatus(status, 401, "Unauthorized");
    }

    [Fact]
    public async Task PlainHttp_OnAnAddressOtherThanLoopback_IsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => KubeApiServer.StartAsync(_served.Server.Cluster, new KubeApiServerOptions { Address = IPAddress.Any, Http = true }));
        Assert.StartsWith("plain HTTP serves without tokens: only on a loopback address, not on 0.0.0.0", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A TLS connection to the served API that trusts its CA, as a client that can be cut off abruptly.</summary>
    private sealed class RawConnection : IDisposable
    {
        private readonly TcpClient _tcp;

        private RawConnection(TcpClient tcp, SslStream tls)
        {
            _tcp = tcp;
            Tls = tls;
        }

        public SslStream Tls { get; }

        /// <summary>Connects with a receive buffer of <paramref name="receiveBuffer"/> bytes, sends a GET of <paramref name="path"/> and reads the answer's head.</summary>
        public static async Task<(RawConnection Connection, string Head)> GetAsync(ServedWorld served, string path, int? receiveBuffer = null)
        {
            var address = served.Server.Kube.Address;
            var tcp = new TcpClient();
            if (receiveBuffer is { } size)
            {
                tcp.ReceiveBufferSize = size;
            }

            await tcp.ConnectAsync(address.Host, address.Port);
            var authority = served.Server.Kube.Certificates!.Authority;
            var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is X509Certificate2 served && chain.Build(served);
            });
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = address.Host, ApplicationProtocols = [SslApplicationProtocol.Http11] });
            await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {served.Server.Kube.Token}\r\n\r\n"));
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await tls.ReadAsync(one) == 1)
            {
                head.Append((char)one[0]);
            }

            return (new RawConnection(tcp, tls), head.ToString());
        }

        /// <summary>Resets the connection (RST: no TLS close, no FIN), as a killed process or a dropped network does.</summary>
        public void Reset()
        {
            _tcp.Client.LingerState = new LingerOption(true, 0);
            _tcp.Client.Close();
        }

        public void Dispose()
        {
            Tls.Dispose();
            _tcp.Dispose();
        }
    }

    private static async Task WaitForAsync(Func<bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Watch_ClientDisconnects_LeavesNoWatch()
    {
        var store = _served.Server.Cluster.Store;
        var api = _served.Server.Kube;
        var (connection, head) = await RawConnection.GetAsync(_served, ConfigMaps + "?watch=true");
        using (connection)
        {
            Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
            await WaitForAsync(() => store.OpenWatches == 1 && api.LongRunning.Open("WATCH") == 1, "the watch to open");

            connection.Reset();

            // Kestrel notices the reset and aborts the request; the watch ends with it, even with no change to send.
            await WaitForAsync(() => store.OpenWatches == 0 && api.LongRunning.Open("WATCH") == 0, "the watch to close");
        }
    }

    [Fact]
    public async Task Exec_ClientDisconnects_LeavesNoSession()
    {
        var store = _served.Server.Cluster.Store;
        var pod = _served.Server.Cluster.Read(() => store.List("v1", "Pod", "kube-system").Items.First(p => p.GetString("status.phase") == "Running" && p.Name.StartsWith("coredns", StringComparison.Ordinal)));
        var api = _served.Server.Kube;
        var authority = api.Certificates!.Authority;
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ExecStream.Protocol);
        socket.Options.SetRequestHeader("Authorization", $"Bearer {api.Token}");
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is X509Certificate2 served && chain.Build(served);
        };
        var uri = new Uri($"wss://{api.Address.Authority}/api/v1/namespaces/kube-system/pods/{pod.Name}/exec?command=%2Fbin%2Fsh&stdin=true&stdout=true&stderr=true");
        await socket.ConnectAsync(uri, CancellationToken.None);
        Assert.Equal(ExecStream.Protocol, socket.SubProtocol);
        await WaitForAsync(() => api.LongRunning.Open("CONNECT") == 1, "the exec session to open");

        // Half a line of input, then the client is gone without closing the WebSocket.
        await socket.SendAsync(Encoding.UTF8.GetBytes("\0hostna"), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        socket.Abort();

        await WaitForAsync(() => api.LongRunning.Open("CONNECT") == 0, "the exec session to end");
    }

    [Fact]
    public async Task Watch_ClientStopsReading_IsClosedAsTheApiServerClosesIt()
    {
        var store = _served.Server.Cluster.Store;
        var api = _served.Server.Kube;
        var configMaps = store.Resources.For("v1", "ConfigMap");
        _served.Server.Cluster.Write(() => store.Create(Podnet.Kube.Api.KubeObject.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"slow","namespace":"default"}}""")));
        var terminated = store.TerminatedWatchers;

        // A small receive window, and nothing read: the socket's buffers fill, then Kestrel's, then the watch's 200.
        var (connection, head) = await RawConnection.GetAsync(_served, ConfigMaps + "?watch=true&fieldSelector=metadata.name%3Dslow&resourceVersion=" + store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), receiveBuffer: 4096);
        using (connection)
        {
            Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
            await WaitForAsync(() => api.LongRunning.Open("WATCH") == 1, "the watch to open");
            var value = new string('x', 64 * 1024);
            var writes = 0;
            while (store.TerminatedWatchers == terminated && writes < 2_000)
            {
                var n = writes++;
                _served.Server.Cluster.Write(() => store.Patch(configMaps, "default", "slow", Podnet.Kube.Store.PatchType.Merge, new JsonObject { ["data"] = new JsonObject { ["v"] = value + n } }));
            }

            Assert.Equal(terminated + 1, store.TerminatedWatchers);
            Assert.True(writes > store.WatchBufferSize, $"closed after {writes} writes, fewer than the buffer's {store.WatchBufferSize}");
            Assert.Equal(0, store.OpenWatches);

            // The client reads again: what the socket held, then the end of the chunked stream — no ERROR event, the
            // stream just ends, as the API server ends a watcher it closed (the client then watches again).
            using var rest = new MemoryStream();
            var buffer = new byte[64 * 1024];
            var reading = Task.Run(async () =>
            {
                int read;
                while ((read = await connection.Tls.ReadAsync(buffer)) > 0)
                {
                    rest.Write(buffer, 0, read);
                    if (rest.Length >= 5 && Encoding.ASCII.GetString(rest.GetBuffer(), (int)rest.Length - 5, 5) == "0\r\n\r\n")
                    {
                        return;
                    }
                }
            });
            await reading.WaitAsync(TimeSpan.FromSeconds(60));
            var text = Encoding.UTF8.GetString(rest.GetBuffer(), 0, (int)rest.Length);

            // The chunked stream's last chunk, after the chunks the socket held — or alone, when the watcher was closed
            // before any of its events had left the server (a CI run read exactly "0\r\n\r\n": no chunk, then the end).
            Assert.Matches("(^|\r\n)0\r\n\r\n\\z", text);
            Assert.DoesNotContain("\"type\":\"ERROR\"", text, StringComparison.Ordinal);
            await WaitForAsync(() => api.LongRunning.Open("WATCH") == 0, "the watch request to end");
        }
    }

    /// <summary>A stream whose length is not known, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
