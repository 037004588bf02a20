namespace Podnet.Kube.Controllers;

/// <summary>
/// client-go's EventCorrelator (tools/record/events_cache.go), which every component's event recorder runs before
/// it writes an Event, on virtual time:
/// <list type="bullet">
/// <item>Aggregation (EventAggregate, EventAggregatorByReasonFunc): events about one object from one source with one
/// type and reason but different messages are counted; from the 10th different message within 10 minutes they go
/// to one event whose message is <c>(combined from similar events): </c> and the newest message.</item>
/// <item>Observation (eventObserve): an event seen before under the same key adds to its count.</item>
/// <item>Spam filter (EventSourceObjectSpamFilter, getSpamKey): each source may write 25 events about one object at
/// once, then one every 5 minutes (a token bucket per source and object); the rest are dropped.</item>
/// </list>
/// </summary>
public sealed class EventCorrelator
{
    /// <summary>defaultAggregateMaxEvents: different messages that make events aggregate.</summary>
    public const int AggregateMaxEvents = 10;

    /// <summary>defaultAggregateIntervalInSeconds: how long a run of similar events is remembered.</summary>
    public static readonly TimeSpan AggregateInterval = TimeSpan.FromSeconds(600);

    /// <summary>defaultSpamBurst: events a source may write about one object at once.</summary>
    public const int SpamBurst = 25;

    /// <summary>defaultSpamQPS: one more event every 300 s.</summary>
    public const double SpamQps = 1.0 / 300.0;

    public const string CombinedPrefix = "(combined from similar events): ";

    private readonly Dictionary<string, Aggregate> _aggregates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SpamBucket> _spam = new(StringComparer.Ordinal);

    /// <summary>One event as a component reports it, before correlation.</summary>
    /// <param name="Object">The involved object's identity (its uid, or its name where it has none).</param>
    public readonly record struct Draft(string Object, string Component, string? Host, string Type, string Reason, string Message);

    /// <summary>What to write: under which key (an event already written under it is counted up) and with which message.</summary>
    public readonly record struct Correlated(string Key, string Message);

    /// <summary>
    /// Correlates one event at <paramref name="now"/>; null when the spam filter drops it. The aggregation state
    /// moves even for a dropped event, as in client-go, where the filter runs after aggregation.
    /// </summary>
    public Correlated? Correlate(Draft draft, DateTimeOffset now)
    {
        var source = $"{draft.Component}\u001f{draft.Host}\u001f{draft.Object}";
        var aggregateKey = $"{source}\u001f{draft.Type}\u001f{draft.Reason}";
        if (!_aggregates.TryGetValue(aggregateKey, out var aggregate) || now - aggregate.Last > AggregateInterval)
        {
            aggregate = new Aggregate();
            _aggregates[aggregateKey] = aggregate;
        }

        aggregate.Last = now;
        if (!aggregate.Messages.Contains(draft.Message))
        {
            aggregate.Messages.Add(draft.Message);
        }

        var correlated = new Correlated($"{aggregateKey}\u001f{draft.Message}", draft.Message);
        if (aggregate.Messages.Count >= AggregateMaxEvents)
        {
            // client-go pops an arbitrary message (sets.String.PopAny) to keep the set from growing; the oldest here,
            // so that runs are repeatable.
            aggregate.Messages.RemoveAt(0);
            correlated = new Correlated(aggregateKey, CombinedPrefix + draft.Message);
        }

        if (!_spam.TryGetValue(source, out var bucket))
        {
            bucket = new SpamBucket { Tokens = SpamBurst, At = now };
            _spam[source] = bucket;
        }

        bucket.Tokens = Math.Min(SpamBurst, bucket.Tokens + ((now - bucket.At).TotalSeconds * SpamQps));
        bucket.At = now;
        if (bucket.Tokens < 1)
        {
            return null;
        }

        bucket.Tokens -= 1;
        return correlated;
    }

    private sealed class Aggregate
    {
        public List<string> Messages { get; } = [];

        public DateTimeOffset Last { get; set; }
    }

    private sealed class SpamBucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset At { get; set; }
    }
}
