using Podnet.Server.Kube;

namespace Podnet.Server;

/// <summary>
/// What <c>podnet up</c> runs: a served world's control-plane loop and its cluster's Kubernetes API, started and
/// stopped together (the composition root of the served parts).
/// </summary>
public sealed class PodnetServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private readonly AuditLog? _audit;

    private PodnetServer(ServedCluster cluster, KubeApiServer kube, AuditLog? audit)
    {
        Cluster = cluster;
        Kube = kube;
        _audit = audit;
        _loop = Task.Run(() => cluster.RunAsync(_stop.Token));
    }

    public ServedCluster Cluster { get; }

    public KubeApiServer Kube { get; }

    /// <summary>Starts the loop and the API server for <paramref name="world"/> (loaded with an anchored clock).</summary>
    /// <param name="fastForward">The budget of controller waits that cost no real time (see <see cref="ServedCluster"/>).</param>
    public static async Task<PodnetServer> StartAsync(Podnet.World.World world, KubeApiServerOptions options, TimeSpan fastForward, CancellationToken cancellation = default)
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
        return new PodnetServer(cluster, kube, audit);
    }

    /// <summary>Stops the API server, then the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        await Kube.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Cluster.World.ControlPlane.Store.Audited = null;
        _audit?.Dispose();
        Cluster.Dispose();
        _stop.Dispose();
    }
}
