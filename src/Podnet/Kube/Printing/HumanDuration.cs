using System.Globalization;

namespace Podnet.Kube.Printing;

/// <summary>
/// Ages as kubectl and the API server's table printers write them: k8s.io/apimachinery/pkg/util/duration
/// HumanDuration ("45s", "3m12s", "5h", "3d15h", "2y30d") and printers.go translateTimestampSince.
/// </summary>
public static class HumanDuration
{
    /// <summary>
    /// duration.HumanDuration: a duration in its most readable unit, truncated as Go's integer division does.
    /// Within two seconds below zero (clock skew) is "0s"; further below is "&lt;invalid&gt;".
    /// </summary>
    public static string Format(TimeSpan d)
    {
        string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return S(seconds) + "s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? S(minutes) + "m" : $"{S(minutes)}m{S(seconds % 60)}s";
        }

        if (minutes < 180)
        {
            return S(minutes) + "m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? S(hours) + "h" : $"{S(hours)}h{S(minutes % 60)}m";
        }

        if (hours < 48)
        {
            return S(hours) + "h";
        }

        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? S(hours / 24) + "d" : $"{S(hours / 24)}d{S(hours % 24)}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return S(hours / 24) + "d";
        }

        if (hours < 24 * 365 * 8)
        {
            var days = hours / 24 % 365;
            return days == 0 ? S(hours / 24 / 365) + "y" : $"{S(hours / 24 / 365)}y{S(days)}d";
        }

        return S(hours / 24 / 365) + "y";
    }

    /// <summary>
    /// printers.go translateTimestampSince (and meta/table ConvertToHumanReadableDateType): the age of
    /// <paramref name="timestamp"/> at <paramref name="now"/>, or "&lt;unknown&gt;" when there is none.
    /// </summary>
    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now)
        => timestamp is { } t ? Format(now - t) : "<unknown>";
}
