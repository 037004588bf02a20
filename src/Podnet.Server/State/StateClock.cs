namespace Podnet.Server.State;

/// <summary>
/// The wall clock a served account's virtual clock is anchored to (<see cref="Podnet.World.VirtualTimeProvider.AnchoredTo"/>)
/// when <c>podnet up --state</c> keeps a journal: the real clock, except while a journaled operation runs, when it
/// holds one reading — the one the journal records with the operation. An operation therefore reads one wall time
/// from start to end, and replaying it with the recorded reading held gives it the same virtual times, so the same
/// timestamps, deadlines (a branch interface's cooldown) and clock jumps as when it first ran.
/// </summary>
public sealed class StateClock : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly Lock _lock = new();
    private DateTimeOffset? _held;

    /// <param name="real">The wall clock (<see cref="TimeProvider.System"/>; tests give their own).</param>
    public StateClock(TimeProvider real)
    {
        ArgumentNullException.ThrowIfNull(real);
        _real = real;
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _held ?? _real.GetUtcNow();
        }
    }

    /// <summary>The real wall clock now, whatever is held.</summary>
    public DateTimeOffset RealNow => _real.GetUtcNow();

    /// <summary>Reads <paramref name="at"/> until <see cref="Release"/> (a journaled operation runs, or one is replayed).</summary>
    public void Hold(DateTimeOffset at)
    {
        lock (_lock)
        {
            _held = at;
        }
    }

    /// <summary>Follows the real clock again.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _held = null;
        }
    }
}
