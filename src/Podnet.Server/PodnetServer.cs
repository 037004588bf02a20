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

    private PodnetServer(ServedCluster cluster, KubeApiServer kube)
    {
        Cluster = cluster;
        Kube = kube;
        _loop = Task.Run(() => cluster.RunAsync(_stop.Token));
    }

    public ServedCluster Cluster { get; }

    public KubeApiServer Kube { get; }

    /// <summary>Starts the loop and the API server for <paramref name="world"/> (loaded with an anchored clock).</summary>
    /// <param name="fastForward">The budget of controller waits that cost no real time (see <see cref="ServedCluster"/>).</param>
    public static async Task<PodnetServer> StartAsync(Podnet.World.World world, KubeApiServerOptions options, TimeSpan fastForward, CancellationToken cancellation = default)
    {
        var cluster = new ServedCluster(world, fastForward);
        var kube = await KubeApiServer.StartAsync(cluster, options, cancellation).ConfigureAwait(false);
        return new PodnetServer(cluster, kube);
    }

    /// <summary>Stops the API server, then the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        await Kube.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Cluster.Dispose();
        _stop.Dispose();
    }
}
