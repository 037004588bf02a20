using System.Diagnostics.Tracing;

namespace Podnet.Benchmarks;

/// <summary>
/// Which types the program allocates, sampled in process from the runtime's <c>GCAllocationTick_V4</c> events (one
/// per about 100 KB allocated, naming the type of the object that crossed the mark), the same samples PerfView and
/// <c>dotnet-trace --profile gc-verbose</c> read. A type's share of the ticks is its share of the bytes allocated,
/// give or take the sampling. On while it lives; <see cref="Top"/> gives the types by sampled bytes.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    // The runtime provider's GC keyword; AllocationTick is at the verbose level.
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_lock)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }

    /// <summary>The <paramref name="count"/> types with the most bytes sampled, with their share of all sampled bytes.</summary>
    public IEnumerable<(string Type, long Bytes, double Share)> Top(int count)
    {
        lock (_lock)
        {
            var total = Math.Max(1, _bytes.Values.Sum());
            return [.. _bytes.OrderByDescending(b => b.Value).Take(count).Select(b => (b.Key, b.Value, (double)b.Value / total))];
        }
    }
}
