using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Podnet.Aws;
using Podnet.Aws.Iam;
using Podnet.Server.State;

namespace Podnet.Server.Aws;

/// <summary>What <c>podnet up</c> serves the AWS API on, and the credentials it hands the aws CLI.</summary>
public sealed record AwsApiServerOptions
{
    /// <summary>The address to listen on; loopback unless the user asks otherwise.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The access key of the account's administrator, which <c>podnet up</c> exports.</summary>
    public string AccessKeyId { get; init; } = "AKIAPODNETADMIN00001";

    /// <summary>Its secret key (the CLI needs one to sign; Podnet does not check signatures).</summary>
    public string SecretAccessKey { get; init; } = "podnet/emulated/secret/key/not/checked00";

    /// <summary>
    /// Access keys that act as a session of a role (key → role ARN): a call signed with one is allowed only what the
    /// role's attached policies allow, as the controllers' calls are (<c>UnauthorizedOperation</c> otherwise).
    /// </summary>
    public IReadOnlyDictionary<string, string> RoleAccessKeys { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>
/// The emulated AWS of a served world on one plain-HTTP port, for the real aws CLI: EC2 (query protocol, XML), IAM,
/// STS and CloudFormation (query protocol), EKS (rest-json). A request goes to the service named by its SigV4 credential scope,
/// else by the form's <c>Version</c>, else <c>/clusters…</c> paths go to EKS, as LocalStack routes
/// (localstack-core/localstack/aws/protocol/service_router.py). Signatures are not verified and unsigned requests
/// are accepted; any region is; the access key decides the principal EC2 authorizes.
/// </summary>
public sealed class AwsApiServer : IAsyncDisposable
{
    /// <summary>The most a request body may hold (1 MiB): a larger one is answered 413 before it is read.</summary>
    public const int MaxRequestBodyBytes = 1 << 20;

    private readonly WebApplication? _app;
    private readonly ServedCluster _cluster;
    private readonly AwsApiServerOptions _options;
    private readonly Ec2Api _ec2;
    private readonly IamApi _iam;
    private readonly StsApi _sts;
    private readonly EksApi _eks;
    private readonly CloudFormationApi _cloudFormation;

    private AwsApiServer(WebApplication? app, ServedCluster cluster, AwsApiServerOptions options, Func<string, ServedEndpoint?> endpoints)
    {
        _app = app;
        _cluster = cluster;
        _options = options;
        _ec2 = new Ec2Api(cluster);
        _iam = new IamApi(cluster);
        _sts = new StsApi(AccountId);
        _eks = new EksApi(cluster, endpoints);
        _cloudFormation = new CloudFormationApi(cluster);
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:40124</c> (what <c>AWS_ENDPOINT_URL</c> is set to).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The account the world's AWS answers for.</summary>
    public string AccountId => _cluster.World.Cloud?.Options.AccountId ?? "123456789012";

    /// <summary>The world's region (<c>AWS_DEFAULT_REGION</c>); requests signed for any region are answered all the same.</summary>
    public string Region => _cluster.World.Cloud?.Options.Region ?? AwsRegions.Default;

    /// <summary>The administrator's access key.</summary>
    public string AccessKeyId => _options.AccessKeyId;

    /// <summary>The administrator's secret key.</summary>
    public string SecretAccessKey => _options.SecretAccessKey;

    /// <summary>
    /// The environment that points the aws CLI (v1, or v2 from 2.13) here: endpoint, credentials, region, and no
    /// instance-metadata probe (botocore would otherwise look for credentials at a link-local address).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment =>
    [
        KeyValuePair.Create("AWS_ENDPOINT_URL", Address.ToString().TrimEnd('/')),
        KeyValuePair.Create("AWS_ACCESS_KEY_ID", AccessKeyId),
        KeyValuePair.Create("AWS_SECRET_ACCESS_KEY", SecretAccessKey),
        KeyValuePair.Create("AWS_DEFAULT_REGION", Region),
        KeyValuePair.Create("AWS_EC2_METADATA_DISABLED", "true"),
    ];

    /// <summary>Starts serving; the port is bound when this returns.</summary>
    /// <param name="cluster">The served world.</param>
    /// <param name="options">Address, port, credentials.</param>
    /// <param name="endpoints">The Kubernetes API serving a cluster of a name (EKS DescribeCluster's endpoint and CA), if any.</param>
    /// <param name="cancellation">Cancels the start.</param>
    public static async Task<AwsApiServer> StartAsync(ServedCluster cluster, AwsApiServerOptions options, Func<string, ServedEndpoint?>? endpoints = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Listen(options.Address, options.Port);
        });
        var app = builder.Build();
        var server = new AwsApiServer(app, cluster, options, endpoints ?? (_ => null));
        app.Run(context => cluster.Account.Journal is null
            ? server.HandleAsync(context)
            : RecordedRequest.CaptureAsync(RecordedRequest.AwsApi, context, server.HandleAsync));
        await app.StartAsync(cancellation).ConfigureAwait(false);
        server.Address = BoundAddress.Of(app, options.Address, "http");
        return server;
    }

    /// <summary>
    /// The AWS API of <paramref name="cluster"/>'s account with nothing served, to answer a journal's requests again
    /// (<see cref="ReplayAsync"/>) and to name the principal of an access key.
    /// </summary>
    internal static AwsApiServer Unserved(ServedCluster cluster, AwsApiServerOptions options) => new(null, cluster, options, _ => null);

    /// <summary>Answers a request of the journal again (a state directory's replay).</summary>
    internal Task ReplayAsync(HttpContext context) => HandleAsync(context);

    /// <summary>Stops serving.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app!.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The principal a request acts as: a session of the role a key of <see cref="AwsApiServerOptions.RoleAccessKeys"/>
    /// names, else the account's administrator (the CLI user of the seeds) — also for unknown keys and unsigned
    /// requests, as Podnet checks no credentials.
    /// </summary>
    public AwsPrincipal PrincipalFor(CredentialScope? scope) => PrincipalOf(scope?.AccessKeyId);

    /// <summary>Whether <paramref name="accessKeyId"/> is a key the account handed out: the administrator's or a role session's.</summary>
    public bool Knows(string accessKeyId) => accessKeyId == _options.AccessKeyId || _options.RoleAccessKeys.ContainsKey(accessKeyId);

    /// <summary>The principal an access key acts as: a session of its role (<see cref="AwsApiServerOptions.RoleAccessKeys"/>), else the administrator.</summary>
    public AwsPrincipal PrincipalOf(string? accessKeyId)
    {
        if (accessKeyId is not null && _options.RoleAccessKeys.TryGetValue(accessKeyId, out var roleArn))
        {
            return AwsPrincipal.AssumedRole(AccountId, roleArn[(roleArn.LastIndexOf('/') + 1)..], "podnet-cli");
        }

        return AwsPrincipal.Administrator(AccountId);
    }

    /// <summary>
    /// The service a request is for: the credential scope's, else the form's <c>Version</c>
    /// (<see cref="Ec2Api.ApiVersion"/>, <see cref="IamApi.ApiVersion"/>, <see cref="StsApi.ApiVersion"/>,
    /// <see cref="CloudFormationApi.ApiVersion"/>), else <c>eks</c> for <c>/clusters…</c> and <c>/addons…</c> paths;
    /// null when none says.
    /// </summary>
    public static string? ServiceOf(CredentialScope? scope, QueryRequest? query, PathString path)
        => scope?.Service
           ?? query?.Version switch
           {
               Ec2Api.ApiVersion => "ec2",
               IamApi.ApiVersion => "iam",
               StsApi.ApiVersion => "sts",
               CloudFormationApi.ApiVersion => "cloudformation",
               _ => null,
           }
           ?? (path.StartsWithSegments("/clusters", StringComparison.Ordinal) || path.StartsWithSegments("/addons", StringComparison.Ordinal) ? "eks" : null);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var requestId = Guid.NewGuid().ToString();
        var scope = CredentialScope.Parse(request.Headers.Authorization.FirstOrDefault());
        if (await OversizedBodies.RefuseDeclaredAsync(context, MaxRequestBodyBytes).ConfigureAwait(false))
        {
            await TooLargeAsync(context).ConfigureAwait(false);
            return;
        }

        QueryRequest? query;

        // Kept, so that a form the reader refuses can still be read for the service it names (its error's shape).
        if (request.HasFormContentType)
        {
            request.EnableBuffering(MaxRequestBodyBytes);
        }

        try
        {
            // A GET carries its parameters in the query string: one naming a Version but no Action is still that
            // service's request (EC2 answers it MissingAction), not one of no service.
            query = request.HasFormContentType || request.Query.ContainsKey("Action") || request.Query.ContainsKey("Version") ? await QueryRequest.ReadAsync(request).ConfigureAwait(false) : null;
        }
        catch (InvalidDataException)
        {
            // A form the reader refuses (more than 1,024 parameters, a name over 2,048 characters): the query
            // protocol's common error for a query string that does not follow its rules (AWS APIs' Common Errors).
            // The error is in the shape of the service the form names (its Version), as that service's own front end
            // would answer; EC2's when nothing names one.
            var named = scope?.Service ?? ServiceOf(null, await QueryRequest.VersionOfRefusedFormAsync(request).ConfigureAwait(false), request.Path) ?? "ec2";
            await ErrorAsync(context, named, new AwsException("InvalidQueryParameter", "The AWS query string is malformed or does not adhere to AWS standards."), requestId).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
            return;
        }

        var service = ServiceOf(scope, query, request.Path);
        var principal = PrincipalFor(scope);
        try
        {
            switch (service)
            {
                case "ec2":
                {
                    var action = RequiredAction(query);
                    await AwsAnswers.Ec2Async(context, action, _ec2.Handle(action, query!, principal), requestId).ConfigureAwait(false);
                    return;
                }

                case "iam":
                {
                    var action = RequiredAction(query);
                    await AwsAnswers.QueryAsync(context, AwsAnswers.IamNamespace, action, _iam.Handle(action, query!), requestId).ConfigureAwait(false);
                    return;
                }

                case "sts":
                {
                    var action = RequiredAction(query);
                    await AwsAnswers.QueryAsync(context, AwsAnswers.StsNamespace, action, _sts.Handle(action, principal), requestId).ConfigureAwait(false);
                    return;
                }

                case "cloudformation":
                {
                    var action = RequiredAction(query);
                    await AwsAnswers.QueryAsync(context, AwsAnswers.CloudFormationNamespace, action, _cloudFormation.Handle(action, query!), requestId).ConfigureAwait(false);
                    return;
                }

                case "eks":
                {
                    System.Text.Json.Nodes.JsonObject? input = null;
                    if (request.ContentLength is > 0 || request.Method == HttpMethods.Post)
                    {
                        using var document = await System.Text.Json.JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                        input = JsonLastWins.Node(document.RootElement) as System.Text.Json.Nodes.JsonObject;
                    }

                    // rest-json's querystring members (DeleteAddon's preserve, DescribeAddonVersions' addonName) are
                    // members of the operation's input as the body's are: the handler reads both from one object.
                    foreach (var (key, values) in request.Query)
                    {
                        input ??= [];
                        input[key] ??= values.ToString();
                    }

                    var (_, body) = _eks.Handle(request.Method, request.Path.Value ?? "/", input);
                    await AwsAnswers.JsonAsync(context, 200, body, requestId).ConfigureAwait(false);
                    return;
                }

                default:
                    throw new AwsException("InvalidAction", $"Podnet does not serve the service '{service ?? "(none named)"}': it serves ec2, iam, sts, cloudformation and eks.");
            }
        }
        catch (AwsException e)
        {
            await ErrorAsync(context, service, e, requestId).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException e)
        {
            await ErrorAsync(context, service, new AwsException("SerializationException", $"The request body is not JSON: {e.Message}"), requestId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException or NullReferenceException or NotSupportedException)
        {
            await ErrorAsync(context, service, new AwsException("InternalError", $"Podnet failed to answer: {e.Message}", 500), requestId).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A body over <see cref="MaxRequestBodyBytes"/>: AWS's front end refuses it with a bare 413 before any service
    /// reads it, so the SDKs see no error code but the status (aws/aws-sdk-js#614: "UnknownError with code 413").
    /// </summary>
    private static Task TooLargeAsync(HttpContext context)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }

        return Task.CompletedTask;
    }

    private static string RequiredAction(QueryRequest? query)
        => query?.Action is { Length: > 0 } action ? action : throw new AwsException("MissingAction", "The request must contain the parameter Action");

    private static Task ErrorAsync(HttpContext context, string? service, AwsException error, string requestId)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        return service switch
        {
            "ec2" => AwsAnswers.Ec2ErrorAsync(context, error, requestId),
            "eks" => AwsAnswers.JsonErrorAsync(context, error, requestId),
            "sts" => AwsAnswers.QueryErrorAsync(context, AwsAnswers.StsNamespace, error, requestId),
            "cloudformation" => AwsAnswers.QueryErrorAsync(context, AwsAnswers.CloudFormationNamespace, error, requestId),
            _ => AwsAnswers.QueryErrorAsync(context, AwsAnswers.IamNamespace, error, requestId),
        };
    }
}
