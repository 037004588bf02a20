namespace Podnet.Kube.Controllers;

/// <summary>
/// client-go's EventCorrelator (tools/record/events_cache.go), which a component's event broadcaster runs before it
/// writes an Event, on virtual time. One per source (component and host), as each component process has its own:
/// <list type="bullet">
/// <item>Aggregation (EventAggregate, EventAggregatorByReasonFunc): events about one object with one type and reason
/// but different messages are counted; from the 10th different message within 10 minutes they go to one event whose
/// message is <c>(combined from similar events): </c> and the newest message.</item>
/// <item>Observation (eventObserve, the eventLogger): an event seen before under the same key adds to the count of
/// the Event written for it.</item>
/// <item>Spam filter (EventSourceObjectSpamFilter, getSpamKey): the source may write 25 events about one object at
/// once, then one every 5 minutes (a token bucket per object); the rest are dropped.</item>
/// </list>
/// Each of the three remembers at most <see cref="LruCacheEntries"/> keys, the least recently used forgotten first
/// (lru.New(maxLruCacheEntries)): an event whose key was forgotten starts a new Event, as with client-go.
/// </summary>
public sealed class EventCorrelator
{
    /// <summary>maxLruCacheEntries: the keys each of the correlator's caches remembers.</summary>
    public const int LruCacheEntries = 4096;

    /// <summary>defaultAggregateMaxEvents: different messages that make events aggregate.</summary>
    public const int AggregateMaxEvents = 10;

    /// <summary>defaultAggregateIntervalInSeconds: how long a run of similar events is remembered.</summary>
    public static readonly TimeSpan AggregateInterval = TimeSpan.FromSeconds(600);

    /// <summary>defaultSpamBurst: events a source may write about one object at once.</summary>
    public const int SpamBurst = 25;

    /// <summary>defaultSpamQPS: one more event every 300 s.</summary>
    public const double SpamQps = 1.0 / 300.0;

    public const string CombinedPrefix = "(combined from similar events): ";

    private readonly LruCache<AggregateKey, Aggregate> _aggregates = new(LruCacheEntries);
    private readonly LruCache<string, SpamBucket> _spam = new(LruCacheEntries);
    private readonly LruCache<EventKey, Observation> _written = new(LruCacheEntries);

    /// <summary>One event as the source reports it, before correlation.</summary>
    /// <param name="Object">The involved object's identity (its uid, or its name where it has none).</param>
    /// <param name="Message">What tells the message apart (<see cref="EventMessage.Identity"/>): the text, or what stands for it.</param>
    public readonly record struct Draft(string Object, string Type, string Reason, string Message);

    /// <summary>
    /// What an Event is counted under (getEventKey; the aggregate's key, without a message, once similar events are
    /// combined). A tuple of the strings the event already holds, not one joined string, so remembering it costs
    /// little.
    /// </summary>
    public readonly record struct EventKey(string Object, string Type, string Reason, string? Message);

    /// <summary>
    /// What similar events are aggregated under (EventAggregatorByReasonFunc's aggregate key, without the source, which
    /// is the correlator's own). A type of its own, not a tuple of strings: a dictionary keyed by a tuple of references
    /// finds its comparer through the runtime's shared generic code on every lookup, once per event reported.
    /// </summary>
    private readonly record struct AggregateKey(string Object, string Type, string Reason);

    /// <summary>
    /// What the correlator remembers of the Event last written under a key (events_cache.go <c>eventLog</c>): its name,
    /// its count and its first timestamp, which the next event under the key continues, whether it counts that Event up
    /// or, the Event being gone (expired, deleted), creates it again under the same name (recordEvent's create after a
    /// patch found nothing).
    /// </summary>
    /// <param name="FirstTimestamp">When the Event was first written (its <c>firstTimestamp</c> is this, to the second): a value, not the formatted text, which the recorder only makes again for an Event created anew.</param>
    public readonly record struct Observation(string Name, int Count, DateTimeOffset FirstTimestamp);

    /// <summary>What to write: under which key (an event already written under it is counted up) and how.</summary>
    /// <param name="Key">The key the event is counted under.</param>
    /// <param name="Combined">
    /// Similar events are combined: the message written is <see cref="CombinedPrefix"/> and the reported one, made by the
    /// recorder only for what is written (a kubelet retrying a sandbox every 10 s reports a new message each time, and the
    /// spam filter drops most of them).
    /// </param>
    public readonly record struct Correlated(EventKey Key, bool Combined);

    /// <summary>
    /// Correlates one event at <paramref name="now"/>; null when the spam filter drops it. The aggregation state
    /// moves even for a dropped event, as in client-go, where the filter runs after aggregation.
    /// </summary>
    public Correlated? Correlate(Draft draft, DateTimeOffset now)
    {
        var aggregateKey = new AggregateKey(draft.Object, draft.Type, draft.Reason);
        if (!_aggregates.TryGet(aggregateKey, out var aggregate) || now - aggregate.Last > AggregateInterval)
        {
            aggregate = new Aggregate();
            _aggregates.Add(aggregateKey, aggregate);
        }

        aggregate.Last = now;
        if (!aggregate.Messages.Contains(draft.Message))
        {
            aggregate.Messages.Add(draft.Message);
        }

        var correlated = new Correlated(new EventKey(draft.Object, draft.Type, draft.Reason, draft.Message), Combined: false);
        if (aggregate.Messages.Count >= AggregateMaxEvents)
        {
            // client-go pops an arbitrary message (sets.String.PopAny) to keep the set from growing; the oldest here,
            // so that runs are repeatable.
            aggregate.Messages.RemoveAt(0);
            correlated = new Correlated(new EventKey(draft.Object, draft.Type, draft.Reason, null), Combined: true);
        }

        if (!_spam.TryGet(draft.Object, out var bucket))
        {
            bucket = new SpamBucket { Tokens = SpamBurst, At = now };
            _spam.Add(draft.Object, bucket);
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

    /// <summary>The Event last written under <paramref name="key"/>, while it is remembered (eventLogger.lastEventObservationFromCache).</summary>
    public Observation? Written(EventKey key) => _written.TryGet(key, out var observation) ? observation : null;

    /// <summary>Remembers the Event written under <paramref name="key"/> (eventLogger.updateState).</summary>
    public void Write(EventKey key, Observation observation) => _written.Add(key, observation);

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
