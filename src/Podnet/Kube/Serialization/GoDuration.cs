using System.Globalization;
using System.Text;

namespace Podnet.Kube.Serialization;

/// <summary>Go's <c>time.Duration.String</c> for durations truncated to the millisecond, as the kubelet prints them in events.</summary>
public static class GoDuration
{
    /// <summary>
    /// The duration as Go prints it after <c>Truncate(time.Millisecond)</c>: <c>0s</c>, <c>523ms</c>, <c>9.897s</c>,
    /// <c>1m2.5s</c>, <c>1h0m0s</c> (src/time/time.go, Duration.String).
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        var ms = (long)Math.Floor(duration.TotalMilliseconds);
        if (ms <= 0)
        {
            return "0s";
        }

        if (ms < 1000)
        {
            return ms.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var text = new StringBuilder();
        var hours = ms / 3_600_000;
        var minutes = ms / 60_000 % 60;
        var seconds = ms / 1000 % 60;
        var fraction = ms % 1000;
        if (hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (hours > 0 || minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        text.Append(seconds.ToString(CultureInfo.InvariantCulture));
        if (fraction > 0)
        {
            text.Append('.').Append(fraction.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0'));
        }

        return text.Append('s').ToString();
    }
}
