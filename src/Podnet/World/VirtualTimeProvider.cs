namespace Podnet.World;

/// <summary>
/// Time that moves only when the world says so, so a controller that waits 60 s costs nothing: the world jumps
/// to the next moment something is due.
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now;

    public VirtualTimeProvider(DateTimeOffset start)
    {
        _now = start;
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), by, "time does not go backwards");
        }

        lock (_lock)
        {
            _now += by;
        }
    }

    public void AdvanceTo(DateTimeOffset when)
    {
        lock (_lock)
        {
            if (when > _now)
            {
                _now = when;
            }
        }
    }
}
