using System.Net;
using Podnet.Server.Aws;
using Podnet.Server.Kube;
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

    // The Kubernetes API of each served cluster by name; read by EKS's DescribeCluster on request threads.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ServedCluster Cluster, KubeApiServer Api)> _served = new(StringComparer.Ordinal);

    private AwsApiServer? _aws;

    private PodnetServer(ServedAccount account, KubeApiServerOptions kubeOptions, AuditLog? audit)
    {
        Account = account;
        _kubeOptions = kubeOptions;
        _audit = audit;
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
    public static async Task<PodnetServer> StartAsync(Podnet.World.World world, KubeApiServerOptions options, AwsApiServerOptions awsOptions, TimeSpan fastForward, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(options);
        var account = new ServedAccount(world, fastForward);
        AuditLog? audit = null;
        if (options.AuditLogPath is { } path)
        {
            audit = new AuditLog(new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)), world.Time);
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
        var server = new PodnetServer(account, options, audit);
        started = server;
        if (world.Cluster is { } cluster)
        {
            await server.ServeAsync(account.Primary, options, cancellation).ConfigureAwait(false);
        }

        server._aws = await AwsApiServer.StartAsync(account.Primary, awsOptions, server.EndpointOf, cancellation).ConfigureAwait(false);
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

        var api = await KubeApiServer.StartAsync(cluster, options, cancellation).ConfigureAwait(false);
        _served[cluster.World.Cluster!.Name] = (cluster, api);
    }

    /// <summary>
    /// Brings the served clusters in line with EKS's (called by the loop, outside the gate): a cluster EKS has and no
    /// world serves gets a world (<see cref="WorldLoader.ForCreatedCluster"/>) and a Kubernetes API on a free port; a
    /// served cluster EKS no longer has loses both.
    /// </summary>
    private async Task ServeClustersAsync()
    {
        var cloud = Account.Cloud!;
        var (created, gone) = Account.ClusterChanges();
        foreach (var cluster in gone)
        {
            Account.Remove(cluster);
            if (_served.TryRemove(cluster.World.Cluster!.Name, out var served))
            {
                await served.Api.DisposeAsync().ConfigureAwait(false);
                cluster.World.ControlPlane.Store.Audited = null;
            }
        }

        foreach (var cluster in created)
        {
            var world = Account.Read(() => WorldLoader.ForCreatedCluster(cloud, cluster, Account.Seed, Account.Time));
            var served = Account.Add(world);
            await ServeAsync(served, _kubeOptions with { Port = 0 }, _stop.Token).ConfigureAwait(false);
        }
    }
}
