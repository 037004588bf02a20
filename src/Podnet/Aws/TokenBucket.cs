namespace Podnet.Aws;

/// <summary>A token bucket as AWS throttles with it: starts full, refills continuously up to its capacity.</summary>
public sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private double _tokens;
    private long _lastRefill;

    public TokenBucket(TokenBucketSettings settings, TimeProvider time)
    {
        Settings = settings;
        _time = time;
        _tokens = settings.Capacity;
        _lastRefill = time.GetTimestamp();
    }

    public TokenBucketSettings Settings { get; }

    public double Available
    {
        get
        {
            Refill();
            return _tokens;
        }
    }

    /// <summary>Takes <paramref name="count"/> tokens if they are there; otherwise takes none.</summary>
    public bool TryTake(int count = 1)
    {
        Refill();
        if (_tokens < count)
        {
            return false;
        }

        _tokens -= count;
        return true;
    }

    /// <summary>
    /// Reserves <paramref name="count"/> tokens now, going into debt if they are not there, and says how long the
    /// caller must wait before using them (golang.org/x/time/rate's <c>Limiter.Reserve</c>, behind client-go's
    /// token-bucket rate limiter): callers are served in the order they asked, each waiting only for its own tokens.
    /// </summary>
    public TimeSpan Reserve(int count = 1)
    {
        Refill();
        _tokens -= count;
        return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / Settings.RefillPerSecond);
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastRefill, now);
        _lastRefill = now;
        _tokens = Math.Min(Settings.Capacity, _tokens + (elapsed.TotalSeconds * Settings.RefillPerSecond));
    }
}

public sealed record TokenBucketSettings(int Capacity, double RefillPerSecond)
{
    public void Validate(string name)
    {
        if (Capacity < 1 || RefillPerSecond <= 0)
        {
            throw new ArgumentException($"rate limit '{name}': capacity must be at least 1 and the refill rate above 0 (got {Capacity}, {RefillPerSecond}/s)");
        }
    }
}
