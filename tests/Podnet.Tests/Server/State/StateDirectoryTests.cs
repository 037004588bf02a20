using Podnet.Server.State;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.State;

/// <summary>
/// <c>podnet up --state DIR</c> refuses a directory it cannot use — in use, not a database, of another Podnet — with
/// an <c>error:</c> line and exit code 2, before loading anything and without changing it.
/// </summary>
public sealed class StateDirectoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("podnet-state-").FullName;

    private string StatePath => Path.Combine(_directory, "state");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void StateInUse_IsAnError()
    {
        using var held = StateDirectory.Open(StatePath);

        var (exit, output, error) = PodnetCli.Run("up", "--state", StatePath, "--home", Path.Combine(_directory, "home"));

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"error: --state: {StatePath} is in use by another podnet up (it holds {StatePath}/lock); stop it first, or use another --state directory\n", error);
    }

    [Fact]
    public void CorruptState_IsAnError()
    {
        Directory.CreateDirectory(StatePath);
        var garbage = string.Concat(Enumerable.Repeat("not a database, a file that lost its pages ", 200));
        File.WriteAllText(Path.Combine(StatePath, "state.db"), garbage);

        var (exit, _, error) = PodnetCli.Run("up", "--state", StatePath, "--home", Path.Combine(_directory, "home"));

        Assert.Equal(2, exit);
        Assert.Equal($"error: --state: {StatePath}/state.db is not a Podnet state database, or is damaged (SQLite Error 26: 'file is not a database'); nothing was changed — use another --state directory\n", error);

        // Nothing was changed: the file is as it was.
        Assert.Equal(garbage, File.ReadAllText(Path.Combine(StatePath, "state.db")));
    }

    [Fact]
    public void OtherVersionState_IsAnError()
    {
        using (var state = StateDirectory.Open(StatePath))
        {
            state.Initialize([KeyValuePair.Create("world", "[]")], []);
            state.SetMeta([KeyValuePair.Create("podnet_version", "0.1.0+0123abc")]);
        }

        var (exit, _, error) = PodnetCli.Run("up", "--state", StatePath, "--home", Path.Combine(_directory, "home"));

        Assert.Equal(2, exit);
        Assert.Equal($"error: --state: {StatePath}/state.db was written by Podnet 0.1.0+0123abc; this is Podnet {StateDirectory.PodnetVersion}, and a journal replays only in the version that wrote it; nothing was changed — use that Podnet, or another --state directory\n", error);
    }

    [Fact]
    public void OtherSchemaState_IsAnError()
    {
        using (var state = StateDirectory.Open(StatePath))
        {
            state.Initialize([KeyValuePair.Create("world", "[]")], []);
            state.SetMeta([KeyValuePair.Create("schema", "99")]);
        }

        var (exit, _, error) = PodnetCli.Run("up", "--state", StatePath, "--home", Path.Combine(_directory, "home"));

        Assert.Equal(2, exit);
        Assert.StartsWith($"error: --state: {StatePath}/state.db has state schema 99; this Podnet", error, StringComparison.Ordinal);
    }
}
