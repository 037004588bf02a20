using System.Net;
using Podnet.Server.Aws;
using Podnet.Server.Kube;
using Podnet.Server.State;
using Podnet.World;

namespace Podnet.Server;

/// <summary>
/// What <c>podnet up</c> runs: a served account's control-plane loop, a Kubernetes API for each of its EKS clusters
/// and its AWS API, started and stopped together (the composition root of the served parts). A cluster created with
/// <c>aws eks create-cluster</c> gets its world and its own Kubernetes API port at once (its endpoint is shown once
/// it is ACTIVE); a deleted one loses both when EKS has finished deleting it.
/// </summary>
public sealed class PodnetServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly KubeApiServerOptions _kubeOptions;
    private readonly AuditLog? _audit;
    private readonly ServedState? _state;

    // The Kubernetes API of each served cluster by name; read by EKS's DescribeCluster on request threads.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ServedCluster Cluster, KubeApiServer Api)> _served = new(StringComparer.Ordinal);

    private AwsApiServer? _aws;

    private PodnetServer(ServedAccount account, KubeApiServerOptions kubeOptions, AuditLog? audit, ServedState? state)
    {
        Account = account;
        _kubeOptions = kubeOptions;
        _audit = audit;
        _state = state;
        _loop = Task.Run(() => account.RunAsync(ServeClustersAsync, _stop.Token));
    }

    /// <summary>The served account: its AWS, its clock, the worlds of its clusters.</summary>
    public ServedAccount Account { get; }

    /// <summary>The world <c>podnet up</c> loaded.</summary>
    public ServedCluster Cluster => Account.Primary;

    /// <summary>The Kubernetes API of the loaded world's cluster.</summary>
    /// <exception cref="InvalidOperationException">The loaded world has no cluster (or it was deleted).</exception>
    public KubeApiServer Kube => Account.Primary.World.Cluster is { } cluster && _served.TryGetValue(cluster.Name, out var served)
        ? served.Api
        : throw new InvalidOperationException("the loaded world has no EKS cluster served");

    /// <summary>The AWS API (EC2, IAM, STS, EKS) for the aws CLI.</summary>
    public AwsApiServer Aws => _aws!;

    /// <summary>The Kubernetes API of the cluster named <paramref name="name"/>, if one is served.</summary>
    public KubeApiServer? KubeOf(string name) => _served.TryGetValue(name, out var served) ? served.Api : null;

    /// <summary>The world of the cluster named <paramref name="name"/>, if one is served.</summary>
    public ServedCluster? ClusterNamed(string name) => _served.TryGetValue(name, out var served) ? served.Cluster : null;

    /// <summary>Starts the loop and the API servers for <paramref name="world"/> (loaded with an anchored clock), the AWS API on a free port.</summary>
    /// <param name="fastForward">The budget of controller waits that cost no real time (see <see cref="ServedAccount"/>).</param>
    public static Task<PodnetServer> StartAsync(Podnet.World.World world, KubeApiServerOptions options, TimeSpan fastForward, CancellationToken cancellation = default)
        => StartAsync(world, options, new AwsApiServerOptions { Address = options.Address }, fastForward, cancellation);

    /// <summary>
    /// Starts the loop, the Kubernetes API of the world's cluster (if it has one; on <paramref name="options"/>'
    /// port) and the AWS API for <paramref name="world"/> (loaded with an anchored clock).
    /// </summary>
    /// <param name="fastForward">The budget of controller waits that cost no real time (see <see cref="ServedAccount"/>).</param>
    public static Task<PodnetServer> StartAsync(Podnet.World.World world, KubeApiServerOptions options, AwsApiServerOptions awsOptions, TimeSpan fastForward, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        return StartAsync(new ServedAccount(world, fastForward), options, awsOptions, null, cancellation);
    }

    /// <summary>
    /// Starts the loop, the Kubernetes API of each of <paramref name="account"/>'s clusters (the loaded world's on
    /// <paramref name="options"/>' port, the others on free ports) and the AWS API. With <paramref name="state"/>
    /// (<c>podnet up --state</c>), the ports and certificates the state kept are served again, and those picked now are
    /// kept.
    /// </summary>
    public static async Task<PodnetServer> StartAsync(ServedAccount account, KubeApiServerOptions options, AwsApiServerOptions awsOptions, ServedState? state, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(awsOptions);
        AuditLog? audit = null;
        if (options.AuditLogPath is { } path)
        {
            audit = new AuditLog(new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)), account.Time);
        }

        // The AWS API starts after the first cluster's; a token is checked only once both serve. Off loopback only the
        // kubeconfig's token is accepted: the served AWS's keys are fixed and its signatures unchecked, so anyone who
        // can reach the port could make an EKS token.
        PodnetServer? started = null;
        options = options with
        {
            PrincipalOfAccessKey = IPAddress.IsLoopback(options.Address)
                ? key => started?._aws is { } aws && aws.Knows(key) ? aws.PrincipalOf(key).Arn : null
                : null,
        };
        var server = new PodnetServer(account, options, audit, state);
        started = server;
        foreach (var cluster in account.Clusters.Where(c => c.World.Cluster is not null))
        {
            await server.ServeAsync(cluster, cluster == account.Primary ? options : options with { Port = 0 }, cancellation).ConfigureAwait(false);
        }

        server._aws = await AwsApiServer.StartAsync(account.Primary, state?.ForAws(awsOptions) ?? awsOptions, server.EndpointOf, cancellation).ConfigureAwait(false);
        state?.Remember(server._aws);
        return server;
    }

    /// <summary>Stops the API servers, then the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_aws is not null)
        {
            await _aws.DisposeAsync().ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        foreach (var (_, (cluster, api)) in _served)
        {
            await api.DisposeAsync().ConfigureAwait(false);
            cluster.World.ControlPlane.Store.Audited = null;
        }

        _audit?.Dispose();
        Account.Dispose();
        _stop.Dispose();
    }

    private ServedEndpoint? EndpointOf(string name)
        => _served.TryGetValue(name, out var served) ? new ServedEndpoint(served.Api.Address.ToString().TrimEnd('/'), served.Api.Certificates?.AuthorityData) : null;

    private async Task ServeAsync(ServedCluster cluster, KubeApiServerOptions options, CancellationToken cancellation)
    {
        if (_audit is { } audit)
        {
            cluster.World.ControlPlane.Store.Audited = audit.Write;
        }

        var name = cluster.World.Cluster!.Name;
        var api = await KubeApiServer.StartAsync(cluster, _state?.ForCluster(name, options) ?? options, cancellation).ConfigureAwait(false);
        _state?.Remember(name, api);
        _served[name] = (cluster, api);
    }

    /// <summary>
    /// Brings the served clusters in line with EKS's (called by the loop, outside the gate): a cluster EKS has and no
    /// world serves gets a world (<see cref="ServedAccount.FollowEks"/>) and a Kubernetes API on a free port; a
    /// served cluster EKS no longer has loses both.
    /// </summary>
    private async Task ServeClustersAsync()
    {
        var (created, gone) = Account.FollowEks();
        foreach (var cluster in gone)
        {
            if (_served.TryRemove(cluster.World.Cluster!.Name, out var served))
            {
                await served.Api.DisposeAsync().ConfigureAwait(false);
                cluster.World.ControlPlane.Store.Audited = null;
            }
        }

        foreach (var cluster in created)
        {
            await ServeAsync(cluster, _kubeOptions with { Port = 0 }, _stop.Token).ConfigureAwait(false);
        }
    }
}
