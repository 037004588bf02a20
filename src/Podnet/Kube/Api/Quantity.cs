using System.Globalization;

namespace Podnet.Kube.Api;

/// <summary>
/// Kubernetes resource quantities ("100m", "2", "128Mi", "1Gi", "1e3"), as exact decimals in base units
/// (cores, bytes, or a plain count for extended resources such as <c>vpc.amazonaws.com/pod-eni</c>).
/// </summary>
public static class Quantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1000m), ("M", 1000_000m), ("G", 1000_000_000m),
        ("T", 1000_000_000_000m), ("P", 1000_000_000_000_000m), ("E", 1000_000_000_000_000_000m),
    ];

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        foreach (var (suffix, factor) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && decimal.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                value = number * factor;
                return true;
            }
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            value = plain;
            return true;
        }

        return false;
    }

    public static decimal Parse(string text)
        => TryParse(text, out var value) ? value : throw new FormatException($"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': \"{text}\"");

    /// <summary>CPU as kubectl prints it: whole cores plain, else millicores ("1930m").</summary>
    public static string FormatCpu(decimal cores)
        => cores == decimal.Truncate(cores) ? cores.ToString("0", CultureInfo.InvariantCulture) : (cores * 1000).ToString("0", CultureInfo.InvariantCulture) + "m";

    /// <summary>Memory in Ki, as the kubelet reports node capacity ("7910360Ki").</summary>
    public static string FormatKi(decimal bytes) => (bytes / 1024).ToString("0", CultureInfo.InvariantCulture) + "Ki";
}
