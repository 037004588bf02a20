using Podnet.Server.Aws;
using Podnet.Server.Kube;

namespace Podnet.Server;

/// <summary>
/// What <c>podnet up</c> runs: a served world's control-plane loop, its cluster's Kubernetes API and its AWS API,
/// started and stopped together (the composition root of the served parts).
/// </summary>
public sealed class PodnetServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private readonly AuditLog? _audit;

    private PodnetServer(ServedCluster cluster, KubeApiServer kube, AwsApiServer aws, AuditLog? audit)
    {
        Cluster = cluster;
        Kube = kube;
        Aws = aws;
        _audit = audit;
        _loop = Task.Run(() => cluster.RunAsync(_stop.Token));
    }

    public ServedCluster Cluster { get; }

    public KubeApiServer Kube { get; }

    /// <summary>The AWS API (EC2, IAM, STS, EKS) for the aws CLI.</summary>
    public AwsApiServer Aws { get; }

    /// <summary>Starts the loop and the API servers for <paramref name="world"/> (loaded with an anchored clock), the AWS API on a free port.</summary>
    /// <param name="fastForward">The budget of controller waits that cost no real time (see <see cref="ServedCluster"/>).</param>
    public static Task<PodnetServer> StartAsync(Podnet.World.World world, KubeApiServerOptions options, TimeSpan fastForward, CancellationToken cancellation = default)
        => StartAsync(world, options, new AwsApiServerOptions { Address = options.Address }, fastForward, cancellation);

    /// <summary>Starts the loop, the Kubernetes API and the AWS API for <paramref name="world"/> (loaded with an anchored clock).</summary>
    /// <param name="fastForward">The budget of controller waits that cost no real time (see <see cref="ServedCluster"/>).</param>
    public static async Task<PodnetServer> StartAsync(Podnet.World.World world, KubeApiServerOptions options, AwsApiServerOptions awsOptions, TimeSpan fastForward, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(options);
        var cluster = new ServedCluster(world, fastForward);
        AuditLog? audit = null;
        if (options.AuditLogPath is { } path)
        {
            audit = new AuditLog(new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)), world.Time);
            world.ControlPlane.Store.Audited = audit.Write;
        }

        var kube = await KubeApiServer.StartAsync(cluster, options, cancellation).ConfigureAwait(false);
        var served = new ServedEndpoint(kube.Address.ToString().TrimEnd('/'), kube.Certificates?.AuthorityData);
        var servedName = world.Cluster?.Name;
        var aws = await AwsApiServer.StartAsync(cluster, awsOptions, name => name == servedName ? served : null, cancellation).ConfigureAwait(false);
        return new PodnetServer(cluster, kube, aws, audit);
    }

    /// <summary>Stops the API servers, then the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        await Aws.DisposeAsync().ConfigureAwait(false);
        await Kube.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Cluster.World.ControlPlane.Store.Audited = null;
        _audit?.Dispose();
        Cluster.Dispose();
        _stop.Dispose();
    }
}
