namespace Podnet.Kube.Nodes;

/// <summary>
/// The kubelet's back-off for restarting a container that exited (kuberuntime_manager.go doBackOff over client-go's
/// flowcontrol.Backoff, with kubelet.go's initial 10 s and MaxContainerBackOff of 300 s): the first restart is at
/// once; a container that exits again within its back-off waits in <c>CrashLoopBackOff</c> until the back-off since
/// its exit has passed, and each restart doubles the back-off, up to five minutes. An entry not updated for twice the
/// maximum starts again from 10 s. The jitter flowcontrol can add is zero in the kubelet's back-off.
/// </summary>
internal sealed class ContainerRestartBackOff
{
    /// <summary>The first back-off (kubelet.go backOffPeriod).</summary>
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);

    /// <summary>The longest back-off (kubelet.go MaxContainerBackOff).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, (TimeSpan BackOff, DateTimeOffset LastUpdate)> _entries = new(StringComparer.Ordinal);

    /// <summary>The back-off now in force for <paramref name="key"/> (zero when there is none).</summary>
    public TimeSpan Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.BackOff : TimeSpan.Zero;

    /// <summary>Whether a container that exited at <paramref name="exitedAt"/> must still wait at <paramref name="now"/> (IsInBackOffSince).</summary>
    public bool IsInBackOffSince(string key, DateTimeOffset exitedAt, DateTimeOffset now)
        => _entries.TryGetValue(key, out var entry) && !HasExpired(exitedAt, entry.LastUpdate) && now - exitedAt < entry.BackOff;

    /// <summary>Records a restart: the first back-off, or twice the last one up to <see cref="Max"/> (Next).</summary>
    public void Next(string key, DateTimeOffset exitedAt, DateTimeOffset now)
    {
        var backOff = _entries.TryGetValue(key, out var entry) && !HasExpired(exitedAt, entry.LastUpdate)
            ? TimeSpan.FromTicks(Math.Min(entry.BackOff.Ticks * 2, Max.Ticks))
            : Initial;
        _entries[key] = (backOff, now);
    }

    /// <summary>Forgets the containers of a pod that is gone.</summary>
    public void Forget(string keyPrefix)
    {
        foreach (var key in _entries.Keys.Where(k => k.StartsWith(keyPrefix, StringComparison.Ordinal)).ToList())
        {
            _entries.Remove(key);
        }
    }

    private static bool HasExpired(DateTimeOffset eventTime, DateTimeOffset lastUpdate) => eventTime - lastUpdate > Max * 2;
}
