using Podnet.Server;
using Podnet.Server.Aws;
using Podnet.Server.Kube;
using Podnet.Server.State;
using Podnet.World;

namespace Podnet.Tests.TestSupport;

/// <summary>
/// The default world served in process as <c>podnet up --state DIR --http</c> serves it: the state directory opened
/// (new or resumed), the servers on the ports it keeps. Dispose stops it cleanly (a crash is the kill test's, with a
/// child process).
/// </summary>
public sealed class StatefulServer : IAsyncDisposable
{
    private StatefulServer(StateDirectory directory, ServedState state, PodnetServer server)
    {
        Directory = directory;
        State = state;
        Server = server;
    }

    public StateDirectory Directory { get; }

    public ServedState State { get; }

    public PodnetServer Server { get; }

    /// <summary>Opens <paramref name="path"/> and serves its account; with <paramref name="faults"/>, as <c>--faults</c> sets them.</summary>
    public static async Task<StatefulServer> StartAsync(string path, Podnet.Aws.Ec2.Faults.Ec2FaultSettings? faults = null)
    {
        var directory = StateDirectory.Open(path);
        try
        {
            var state = await OpenAsync(directory);
            if (faults is not null)
            {
                state.Account.SetFaults(faults);
            }

            var server = await PodnetServer.StartAsync(state.Account, state.KubeOptions, new AwsApiServerOptions(), state);
            return new StatefulServer(directory, state, server);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Opens the account <paramref name="directory"/> keeps (new, or replayed), as <c>podnet up --state --http</c> does, without serving it.</summary>
    public static Task<ServedState> OpenAsync(StateDirectory directory)
        => ServedState.OpenAsync(directory, new StateClock(TimeProvider.System), null, (sources, time) => WorldLoader.Load(sources, time: time), TimeSpan.FromDays(1), TimeSpan.FromMinutes(10), new KubeApiServerOptions { Http = true }, new AwsApiServerOptions());

    /// <summary>A client of the Kubernetes API (plain HTTP: the cluster admin).</summary>
    public HttpClient Kube() => new() { BaseAddress = Server.Kube.Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A client of the AWS API.</summary>
    public HttpClient Aws() => new() { BaseAddress = Server.Aws.Address, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Dispose();
    }
}
