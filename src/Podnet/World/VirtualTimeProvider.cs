namespace Podnet.World;

/// <summary>
/// Time that moves only when the world says so, so a controller that waits 60 s costs nothing: the world jumps
/// to the next moment something is due.
/// </summary>
/// <remarks>
/// <para>
/// Anchored to a wall clock (<see cref="AnchoredTo"/>, for <c>podnet up</c>), virtual time is the wall clock minus a
/// <see cref="Lag"/>: it moves with real time, and a jump to the next moment something is due only shrinks the lag.
/// It never passes the wall clock, so no timestamp a client reads lies in the future (kubectl computes
/// <c>describe</c>'s ages and event ages from its own wall clock and prints <c>&lt;invalid&gt;</c> for a future
/// one). The lag the clock starts with is the budget of waits that cost no real time; once it is spent, waits
/// take the real time they take on EKS.
/// </para>
/// </remarks>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly TimeProvider? _wall;
    private DateTimeOffset _now;
    private TimeSpan _lag;

    public VirtualTimeProvider(DateTimeOffset start)
    {
        _now = start;
    }

    private VirtualTimeProvider(TimeProvider wall, TimeSpan lead)
    {
        _wall = wall;
        _lag = lead;
    }

    /// <summary>
    /// A clock that starts <paramref name="lead"/> behind <paramref name="wall"/> and then moves with it; jumps
    /// (<see cref="AdvanceTo"/>) spend the lead and stop at the wall clock.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative lead.</exception>
    public static VirtualTimeProvider AnchoredTo(TimeProvider wall, TimeSpan lead)
    {
        ArgumentNullException.ThrowIfNull(wall);
        ArgumentOutOfRangeException.ThrowIfLessThan(lead, TimeSpan.Zero);
        return new VirtualTimeProvider(wall, lead);
    }

    /// <summary>Whether the clock follows a wall clock (see <see cref="AnchoredTo"/>).</summary>
    public bool IsAnchored => _wall is not null;

    /// <summary>How far behind the wall clock virtual time is; zero for a clock that is not anchored.</summary>
    public TimeSpan Lag
    {
        get
        {
            lock (_lock)
            {
                return _lag;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _wall is null ? _now : _wall.GetUtcNow() - _lag;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Whether <paramref name="when"/> can be reached now: always, unless it lies after the wall clock.</summary>
    public bool CanReach(DateTimeOffset when) => _wall is null || when <= _wall.GetUtcNow();

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), by, "time does not go backwards");
        }

        AdvanceTo(GetUtcNow() + by);
    }

    /// <summary>Moves to <paramref name="when"/> if it is later; an anchored clock stops at the wall clock.</summary>
    public void AdvanceTo(DateTimeOffset when)
    {
        lock (_lock)
        {
            if (_wall is null)
            {
                if (when > _now)
                {
                    _now = when;
                }

                return;
            }

            var wall = _wall.GetUtcNow();
            if (when > wall - _lag)
            {
                _lag = when >= wall ? TimeSpan.Zero : wall - when;
            }
        }
    }

    /// <summary>
    /// Jumps ahead so that the lag is at most <paramref name="most"/> (zero: virtual time is the wall clock from now
    /// on). What happened before keeps its timestamps; only the budget of free waits shrinks.
    /// </summary>
    public void LimitLag(TimeSpan most)
    {
        lock (_lock)
        {
            if (_lag > most)
            {
                _lag = most < TimeSpan.Zero ? TimeSpan.Zero : most;
            }
        }
    }
}
