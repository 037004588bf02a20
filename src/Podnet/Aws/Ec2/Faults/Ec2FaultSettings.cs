using System.Globalization;

namespace Podnet.Aws.Ec2.Faults;

/// <summary>
/// Which EC2 faults to inject and how often, each named by the error code EC2 answers with: a rate is the share
/// of calls (0 to 1) that fail that way. <see cref="RequestLimitExceeded"/> and <see cref="InternalError"/> hit
/// any action; <see cref="InsufficientFreeAddressesInSubnet"/> only the actions that take addresses from a subnet
/// (CreateNetworkInterface, AssignPrivateIpAddresses); <see cref="EventualConsistency"/> is the share of new network
/// interfaces that DescribeNetworkInterfaces by ID does not find (<c>InvalidNetworkInterfaceID.NotFound</c>) for
/// <see cref="EventualConsistencySeconds"/> of virtual time after CreateNetworkInterface returned them — EC2's
/// eventual consistency (EC2 API reference, "Eventual consistency in the Amazon EC2 API").
/// </summary>
/// <remarks>
/// Written as <c>KEY=RATE,…</c> for <c>podnet up --faults</c> and as a map under an <c>Account</c>'s
/// <c>spec.Faults</c> in a world; a rate is a fraction (<c>0.05</c>) or a percentage (<c>5%</c>).
/// </remarks>
public sealed record Ec2FaultSettings
{
    /// <summary>The keys, as written in <c>--faults</c> and in <c>spec.Faults</c>.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        nameof(RequestLimitExceeded), nameof(InternalError), nameof(InsufficientFreeAddressesInSubnet), nameof(EventualConsistency), nameof(EventualConsistencySeconds),
    ];

    /// <summary>Share of calls throttled: <c>RequestLimitExceeded</c> "Request limit exceeded." (HTTP 503).</summary>
    public double RequestLimitExceeded { get; init; }

    /// <summary>Share of calls that fail inside EC2: <c>InternalError</c> "An internal error has occurred" (HTTP 500).</summary>
    public double InternalError { get; init; }

    /// <summary>Share of address-taking calls refused with <c>InsufficientFreeAddressesInSubnet</c>, however many addresses are free.</summary>
    public double InsufficientFreeAddressesInSubnet { get; init; }

    /// <summary>Share of new network interfaces that DescribeNetworkInterfaces by ID does not find for a while.</summary>
    public double EventualConsistency { get; init; }

    /// <summary>How long (virtual seconds) a new interface stays invisible to describe by ID; 5 by default.</summary>
    public double EventualConsistencySeconds { get; init; } = 5;

    /// <summary>Whether any fault is injected at all.</summary>
    public bool Any => RequestLimitExceeded > 0 || InternalError > 0 || InsufficientFreeAddressesInSubnet > 0 || EventualConsistency > 0;

    /// <summary>The settings of <c>--faults</c>: <c>KEY=RATE</c> pairs separated by commas.</summary>
    /// <exception cref="FormatException">An unknown key, a malformed pair, or a rate out of range; the message names it.</exception>
    public static Ec2FaultSettings Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"\"{part}\": expected KEY=RATE, with KEY one of {string.Join(", ", Keys)}");
            }

            pairs.Add(new(part[..eq].Trim(), part[(eq + 1)..].Trim()));
        }

        return From(pairs);
    }

    /// <summary>The settings from key and value pairs (a world's <c>spec.Faults</c> map).</summary>
    /// <exception cref="FormatException">An unknown key or a value out of range; the message names it.</exception>
    public static Ec2FaultSettings From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var settings = new Ec2FaultSettings();
        foreach (var (key, value) in pairs)
        {
            settings = key switch
            {
                nameof(RequestLimitExceeded) => settings with { RequestLimitExceeded = Rate(key, value) },
                nameof(InternalError) => settings with { InternalError = Rate(key, value) },
                nameof(InsufficientFreeAddressesInSubnet) => settings with { InsufficientFreeAddressesInSubnet = Rate(key, value) },
                nameof(EventualConsistency) => settings with { EventualConsistency = Rate(key, value) },
                nameof(EventualConsistencySeconds) => settings with { EventualConsistencySeconds = Seconds(key, value) },
                _ => throw new FormatException($"\"{key}\": unknown fault; known: {string.Join(", ", Keys)}"),
            };
        }

        if (settings.RequestLimitExceeded + settings.InternalError + settings.InsufficientFreeAddressesInSubnet > 1)
        {
            throw new FormatException("RequestLimitExceeded, InternalError and InsufficientFreeAddressesInSubnet together exceed 100% of calls");
        }

        return settings;
    }

    /// <summary>The settings written back as <c>--faults</c> takes them, zero rates left out.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        void Add(string key, double rate)
        {
            if (rate > 0)
            {
                parts.Add($"{key}={(rate * 100).ToString("0.###", CultureInfo.InvariantCulture)}%");
            }
        }

        Add(nameof(RequestLimitExceeded), RequestLimitExceeded);
        Add(nameof(InternalError), InternalError);
        Add(nameof(InsufficientFreeAddressesInSubnet), InsufficientFreeAddressesInSubnet);
        Add(nameof(EventualConsistency), EventualConsistency);
        if (EventualConsistency > 0)
        {
            parts.Add($"{nameof(EventualConsistencySeconds)}={EventualConsistencySeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        return string.Join(',', parts);
    }

    private static double Rate(string key, string text)
    {
        var percent = text.EndsWith('%');
        if (!double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
        {
            throw new FormatException($"{key}=\"{text}\": a rate is a fraction (0.05) or a percentage (5%)");
        }

        var rate = percent ? value / 100 : value;
        return rate is >= 0 and <= 1 ? rate : throw new FormatException($"{key}=\"{text}\": a rate is between 0 and 1 (0% and 100%)");
    }

    private static double Seconds(string key, string text)
        => double.TryParse(text.EndsWith('s') ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 3600
            ? value
            : throw new FormatException($"{key}=\"{text}\": seconds from 0 to 3600");
}
