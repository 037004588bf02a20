using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Podnet.Aws.Eks;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Server.State;
using Podnet.Server.Tls;

namespace Podnet.Server.Kube;

/// <summary>What <c>podnet up</c> serves a cluster's Kubernetes API on.</summary>
public sealed record KubeApiServerOptions
{
    /// <summary>The address to listen on; loopback unless the user asks otherwise.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Plain HTTP (debugging): kubectl then sends no token, and every request is the cluster admin's. Only on a
    /// loopback address: anywhere else a request must carry a token, which needs HTTPS.
    /// </summary>
    public bool Http { get; init; }

    /// <summary>Where the audit log's JSON lines go; null keeps none.</summary>
    public string? AuditLogPath { get; init; }

    /// <summary>The bearer token of the cluster admin written into the kubeconfig.</summary>
    public string Token { get; init; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>The CA and serving certificate to serve with (a restarted <c>podnet up --state</c>'s); null makes new ones.</summary>
    public ServingCertificates? Certificates { get; init; }

    /// <summary>
    /// The IAM principal's ARN an access key of the served account belongs to (what EKS's authenticator learns from
    /// an <c>aws eks get-token</c> token), or null for a key the account does not have; null accepts no such token
    /// (<c>podnet up</c> on an address other than loopback: the served AWS's keys are fixed and its signatures
    /// unchecked, so anyone could make one).
    /// </summary>
    public Func<string, string?>? PrincipalOfAccessKey { get; init; }
}

/// <summary>
/// The Kubernetes API of one served cluster, for the real kubectl: version, discovery, OpenAPI v3, every resource
/// the store serves with its verbs and subresources, over HTTPS with a CA made in process (Kestrel). One port per
/// cluster, because kubectl caches discovery per host and port.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly ServedCluster _cluster;
    private readonly KubeApiServerOptions _options;
    private readonly ResourceHandler _resources;

    private KubeApiServer(WebApplication? app, ServedCluster cluster, KubeApiServerOptions options, ServingCertificates? certificates)
    {
        _app = app;
        _cluster = cluster;
        _options = options;
        Certificates = certificates;
        _resources = new ResourceHandler(cluster);
    }

    /// <summary>The server's base address, e.g. <c>https://127.0.0.1:40123</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The CA and serving certificate; null over plain HTTP.</summary>
    public ServingCertificates? Certificates { get; }

    /// <summary>The watches and exec sessions open now (the API server's <c>apiserver_longrunning_requests</c>).</summary>
    public LongRunningRequests LongRunning => _resources.LongRunning;

    /// <summary>The cluster admin's bearer token.</summary>
    public string Token => _options.Token;

    /// <summary>The cluster's ARN: the kubeconfig's cluster, context and user name.</summary>
    public string ClusterArn
        => _cluster.World.Cluster?.Arn ?? $"arn:aws:eks:{_cluster.World.Cloud?.Options.Region ?? "us-west-2"}:{_cluster.World.Cloud?.Options.AccountId ?? "123456789012"}:cluster/podnet";

    /// <summary>A kubeconfig for this server.</summary>
    public string Kubeconfig => Kube.Kubeconfig.Render(ClusterArn, Address.ToString().TrimEnd('/'), Certificates?.AuthorityData, Token);

    /// <summary>
    /// The Kubernetes version served, the cluster's as EKS has it now (<c>1.31</c>; the next minor once an
    /// <c>update-cluster-version</c> is done).
    /// </summary>
    public string KubernetesVersion
        => _cluster.World is { Cloud: { } cloud, Cluster: { } cluster } && cloud.Eks.ClusterExists(cluster.Name)
            ? _cluster.Read(() => cloud.Eks.DescribeCluster(cluster.Name).Version)
            : _cluster.World.Cluster?.Version ?? "1.31";

    /// <summary>
    /// Starts serving; the port is bound when this returns. A request body may hold up to
    /// <see cref="RequestBodies.MaxBytes"/>; every request but <c>/version</c> and the health checks needs the
    /// kubeconfig's bearer token (or an EKS token) over HTTPS, and is 401 <c>Unauthorized</c> without.
    /// </summary>
    /// <exception cref="ArgumentException">Plain HTTP on an address other than loopback (it would serve without tokens).</exception>
    public static async Task<KubeApiServer> StartAsync(ServedCluster cluster, KubeApiServerOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Http && !IPAddress.IsLoopback(options.Address))
        {
            throw new ArgumentException($"plain HTTP serves without tokens: only on a loopback address, not on {options.Address}", nameof(options));
        }

        var certificates = options.Http ? null : options.Certificates ?? ServingCertificates.Create(cluster.World.Cluster?.Name ?? "podnet", DateTimeOffset.UtcNow);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = RequestBodies.MaxBytes + 1;

            // The API server's request line and headers may hold 1 MiB together (secure_serving.go sets
            // http.Server.MaxHeaderBytes = 1 << 20): a long name in a URL is the API server's 404 or 422, where
            // Kestrel's 8 KiB request line made it a bare 414.
            kestrel.Limits.MaxRequestLineSize = 1 << 20;
            kestrel.Limits.MaxRequestHeadersTotalSize = 1 << 20;

            // Go writes header values as they are: a Warning naming a field with non-ASCII text (strconv.Quote keeps
            // it) goes out in UTF-8, where Kestrel's ASCII-only default threw.
            kestrel.ResponseHeaderEncodingSelector = _ => System.Text.Encoding.UTF8;
            kestrel.Listen(options.Address, options.Port, listen =>
            {
                if (certificates is not null)
                {
                    listen.UseHttps(certificates.Serving);
                }
            });
        });
        var app = builder.Build();
        var server = new KubeApiServer(app, cluster, options, certificates);
        app.UseWebSockets();
        var api = RecordedRequest.KubeApi(cluster.World.Cluster?.Name ?? string.Empty);
        app.Run(context => cluster.Account.Journal is null || HttpMethods.IsGet(context.Request.Method)
            ? server.HandleAsync(context)
            : RecordedRequest.CaptureAsync(api, context, server.HandleAsync));
        await app.StartAsync(cancellation).ConfigureAwait(false);
        server.Address = BoundAddress.Of(app, options.Address, options.Http ? "http" : "https");
        return server;
    }

    /// <summary>
    /// Answers a request of <paramref name="cluster"/>'s journal again, with nothing served (a state directory's replay:
    /// the same handler on the same request takes the same decisions).
    /// </summary>
    internal static Task ReplayAsync(ServedCluster cluster, KubeApiServerOptions options, HttpContext context)
        => new KubeApiServer(null, cluster, options, null).HandleAsync(context);

    /// <summary>Stops serving: open watches end, pending requests finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app!.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Certificates?.Dispose();
    }

    /// <summary>The user a request is made by, or null when its credentials are not valid.</summary>
    private RequestContext? Authenticate(HttpRequest request)
    {
        // kubectl sends no token over plain HTTP: there everything is the cluster admin (the --http debugging mode).
        if (!request.IsHttps)
        {
            return RequestContext.Admin;
        }

        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        var token = header["Bearer ".Length..].Trim();

        if (token == _options.Token)
        {
            return RequestContext.Admin;
        }

        // An EKS token (aws eks get-token) names its IAM principal; EKS makes the Kubernetes user of that name (the
        // cluster creator's access entry, with cluster-admin rights, which every Podnet user has).
        return EksToken.AccessKeyIdOf(token) is { } key && _options.PrincipalOfAccessKey?.Invoke(key) is { } principal
            ? new RequestContext(principal)
            : null;
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            var segments = (context.Request.Path.Value ?? "/").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments is ["version"] or ["healthz"] or ["livez"] or ["readyz"])
            {
                // Public, as the API server's system:public-info-viewer role makes them.
                await (segments[0] == "version"
                    // version.go's handler writes it with responsewriters.WriteRawJSON: json.MarshalIndent, two spaces.
                    ? HttpAnswers.RawJsonAsync(context, 200, VersionInfo().ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.IndentedSerializerOptions))
                    : HttpAnswers.RawJsonAsync(context, 200, "ok", "text/plain; charset=utf-8")).ConfigureAwait(false);
                return;
            }

            var user = (Authenticate(context.Request) ?? throw StatusResponses.Unauthorized()) with
            {
                RequestUri = context.Request.Path + context.Request.QueryString,
                UserAgent = context.Request.Headers.UserAgent.FirstOrDefault(),
            };
            await RouteAsync(context, segments, user).ConfigureAwait(false);
        }
        catch (KubeException e)
        {
            if (!context.Response.HasStarted)
            {
                await HttpAnswers.StatusAsync(context, e).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug of Podnet's, not of the request: the client gets the API server's InternalError Status rather than
            // a dropped connection, and the server keeps serving.
            if (!context.Response.HasStarted)
            {
                await HttpAnswers.StatusAsync(context, new KubeException("InternalError", $"Internal error occurred: {e.Message}", 500)).ConfigureAwait(false);
            }
        }
    }

    private async Task RouteAsync(HttpContext context, string[] segments, RequestContext user)
    {
        var served = _cluster.Store.Resources.All.Concat(SelfReviews.Resources).ToList();
        var request = context.Request;
        var get = request.Method == HttpMethods.Get;
        switch (segments)
        {
            case ["api"] or ["apis"] when get:
            {
                var core = segments[0] == "api";
                if (KubeMediaTypes.DiscoveryVersion(request) is { } version)
                {
                    var contentType = version == "v2" ? KubeMediaTypes.DiscoveryV2 : KubeMediaTypes.DiscoveryV2Beta1;
                    await HttpAnswers.JsonAsync(context, 200, Discovery.Aggregated(served, core, version), contentType).ConfigureAwait(false);
                }
                else
                {
                    await HttpAnswers.JsonAsync(context, 200, core ? Discovery.ApiVersions($"{request.Host}") : Discovery.ApiGroupList(served)).ConfigureAwait(false);
                }

                return;
            }

            case ["api", var version] when get:
                await HttpAnswers.JsonAsync(context, 200, Discovery.ApiResourceList(served, string.Empty, version) ?? throw StatusResponses.PathNotFound()).ConfigureAwait(false);
                return;
            case ["apis", var group] when get:
                await HttpAnswers.JsonAsync(context, 200, Discovery.ApiGroup(served, group) ?? throw StatusResponses.PathNotFound()).ConfigureAwait(false);
                return;
            case ["apis", var group, var version] when get:
                await HttpAnswers.JsonAsync(context, 200, Discovery.ApiResourceList(served, group, version) ?? throw StatusResponses.PathNotFound()).ConfigureAwait(false);
                return;
            case ["openapi", "v3"] when get:
                await HttpAnswers.JsonAsync(context, 200, OpenApiDocuments.Index(served, GitVersion)).ConfigureAwait(false);
                return;
            case ["openapi", "v3", "api", var version] when get:
                await HttpAnswers.JsonAsync(context, 200, OpenApiDocuments.Document(served, string.Empty, version, GitVersion) ?? throw StatusResponses.PathNotFound()).ConfigureAwait(false);
                return;
            case ["openapi", "v3", "apis", var group, var version] when get:
                await HttpAnswers.JsonAsync(context, 200, OpenApiDocuments.Document(served, group, version, GitVersion) ?? throw StatusResponses.PathNotFound()).ConfigureAwait(false);
                return;
            case ["apis", var group, var version, var plural] when SelfReviews.Find(group, version, plural) is { } review:
            {
                if (request.Method != HttpMethods.Post)
                {
                    throw StatusResponses.MethodNotSupported(request.Method, review.Plural);
                }

                var body = RequestBodies.ParseObject(request, await RequestBodies.ReadAsync(request, context.RequestAborted).ConfigureAwait(false));
                await HttpAnswers.JsonAsync(context, 201, SelfReviews.Answer(review, body, user)).ConfigureAwait(false);
                return;
            }

            case ["api", var version, .. var rest] when ApiPath.Parse(served, string.Empty, version, rest) is { } path:
                await _resources.HandleAsync(context, path, user).ConfigureAwait(false);
                return;
            case ["apis", var group, var version, .. var rest] when ApiPath.Parse(served, group, version, rest) is { } path:
                await _resources.HandleAsync(context, path, user).ConfigureAwait(false);
                return;
            default:
                throw StatusResponses.PathNotFound();
        }
    }

    /// <summary>
    /// The EKS build of the cluster's Kubernetes version, as <c>/version</c> reports it (<c>v1.22.11-eks-18ef993</c>;
    /// <see cref="EksKubernetesBuilds"/>).
    /// </summary>
    private string GitVersion => EksKubernetesBuilds.For(KubernetesVersion).GitVersion;

    /// <summary>
    /// <c>/version</c> as EKS answers it (apimachinery's <c>version.Info</c>): the minor version carries a <c>+</c>
    /// (<c>"31+"</c>), which the kubectl dispatcher reads to pick the kubectl of that minor version; the build's
    /// gitVersion, gitCommit, buildDate and goVersion from <see cref="EksKubernetesBuilds"/>. Where no full
    /// <c>/version</c> of the version's EKS build is on record, gitCommit, buildDate and goVersion are left out rather
    /// than made up (the real one always has them).
    /// </summary>
    private JsonObject VersionInfo()
    {
        var version = KubernetesVersion;
        var parts = version.Split('.');
        var build = EksKubernetesBuilds.For(version);
        var info = new JsonObject
        {
            ["major"] = parts[0],
            ["minor"] = (parts.Length > 1 ? parts[1] : "0") + "+",
            ["gitVersion"] = build.GitVersion,
        };
        if (build.GitCommit is not null)
        {
            info["gitCommit"] = build.GitCommit;
        }

        info["gitTreeState"] = "clean";
        if (build.BuildDate is not null)
        {
            info["buildDate"] = build.BuildDate;
        }

        if (build.GoVersion is not null)
        {
            info["goVersion"] = build.GoVersion;
        }

        info["compiler"] = "gc";
        info["platform"] = "linux/amd64";
        return info;
    }
}
