using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// Records Events as a component does (kube-scheduler, kubelet, vpc-resource-controller …): an event equal to
/// an earlier one about the same object (same reason, message, type and source) bumps its count and last
/// timestamp instead of adding another, which kubectl describe shows as "(x3 over 2m)". An event the API server
/// refuses (a create in a namespace being terminated: 403 with the <c>NamespaceTerminating</c> cause) is dropped, as
/// client-go's recorder drops every event the server answers with an API error (tools/record/event.go
/// <c>recordEvent</c>: "Server rejected event … (will not retry!)").
/// </summary>
public sealed class EventRecorder
{
    private static readonly KubeResource Events = KubeResources.BuiltIn.Single(r => r is { Group: "", Kind: "Event" });

    private readonly ObjectStore _store;
    private readonly TimeProvider _time;

    /// <summary>Each source's correlator (component and host): every component process has its own broadcaster.</summary>
    private readonly Dictionary<Source, EventCorrelator> _correlators = [];
    private readonly Lock _lock = new();

    /// <summary>
    /// An event's source (v1 EventSource: component and host), the key of its correlator. A type of its own, not a tuple
    /// of strings, whose dictionary finds its comparer through shared generic code on every event.
    /// </summary>
    private readonly record struct Source(string Component, string? Host);

    /// <summary>The nanosecond the last new event was named after.</summary>
    private long _lastNanos;

    private int _rejected;

    public EventRecorder(ObjectStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <inheritdoc cref="Record"/>
    public KubeObject? Normal(KubeObject about, string reason, EventMessage message, string component, string? host = null)
        => Record(about, "Normal", reason, message, component, host);

    /// <inheritdoc cref="Record"/>
    public KubeObject? Warning(KubeObject about, string reason, EventMessage message, string component, string? host = null)
        => Record(about, "Warning", reason, message, component, host);

    /// <summary>
    /// How many events the API server refused and the recorder dropped (client-go logs each as "Server rejected
    /// event"; the kubelet's <c>Killing</c> events of pods in a namespace being terminated are the usual ones).
    /// </summary>
    public int Rejected
    {
        get
        {
            lock (_lock)
            {
                return _rejected;
            }
        }
    }

    /// <summary>
    /// Records an event about <paramref name="about"/> through client-go's correlator (<see cref="EventCorrelator"/>):
    /// returns the Event written (new, or an earlier one counted up), or null when the spam filter dropped it or the
    /// API server refused it (<see cref="Rejected"/>).
    /// </summary>
    public KubeObject? Record(KubeObject about, string type, string reason, EventMessage message, string component, string? host)
    {
        var at = _time.GetUtcNow();
        var ns = about.Namespace ?? "default";
        KubeObject? existing;
        EventCorrelator correlator;
        EventCorrelator.Correlated correlated;
        EventCorrelator.Observation? earlier;
        lock (_lock)
        {
            var source = new Source(component, host);
            if (!_correlators.TryGetValue(source, out correlator!))
            {
                correlator = new EventCorrelator();
                _correlators[source] = correlator;
            }

            if (correlator.Correlate(new EventCorrelator.Draft(about.Uid ?? about.ToString(), type, reason, message.Identity), at) is not { } accepted)
            {
                return null;
            }

            correlated = accepted;

            // The correlator remembers what it wrote; the store decides what still exists.
            earlier = correlator.Written(correlated.Key);
            existing = earlier is { } seen ? _store.TryGet(Events, ns, seen.Name) : null;
        }

        // Made only for an event written, as its timestamp is formatted: the spam filter drops most of a waiting pod's
        // sandbox retries.
        var text = message.After(correlated.Combined ? EventCorrelator.CombinedPrefix : string.Empty);
        var now = KubeObject.FormatTimestamp(at);
        try
        {
            return existing is null
                ? Create(about, type, reason, text, component, host, at, now, ns, correlator, correlated.Key, earlier)
                : CountUp(existing, earlier!.Value, now, text, correlator, correlated.Key);
        }
        catch (KubeException)
        {
            // recordEvent: an API error (a *errors.StatusError) means "something about the request or object was
            // fatally wrong", and the event is not tried again.
            lock (_lock)
            {
                _rejected++;
            }

            return null;
        }
    }

    /// <summary>
    /// The correlator's patch of an earlier event: its count (the one the correlator remembers, as eventObserve takes
    /// <c>lastObservation.count + 1</c>) and last timestamp go up.
    /// </summary>
    /// <remarks>
    /// A new Event is stored as text, a counted-up one as a tree (<see cref="KubeResource.KeptCompact"/>); the store reads
    /// the stored version whole to compare the new one with it. The new version is made of that same reading's parts
    /// (<see cref="SharedSubtrees.NextVersion"/>, as a status update's is: nothing writes into them, an Event having no
    /// defaults), not from a second parse of the text into a copy. It carries the stored resourceVersion, so a count-up
    /// of a version replaced meanwhile is refused as before.
    /// </remarks>
    private KubeObject CountUp(KubeObject existing, EventCorrelator.Observation earlier, string now, string message, EventCorrelator correlator, EventCorrelator.EventKey key)
    {
        var stored = existing.Raw;
        var next = SharedSubtrees.NextVersion(stored, "count", "lastTimestamp", "message");
        var count = earlier.Count + 1;
        next["count"] = count;
        next["lastTimestamp"] = now;
        next["message"] = message;
        KubeObject.EnsureMetadata(next)["resourceVersion"] = existing.ResourceVersion;
        try
        {
            // The new version keeps its tree (KubeResource.KeptCompact), holding the parts lent as their parent.
            var counted = _store.UpdateHandedOver(KubeObject.Adopt(next), RequestContext.Admin);
            lock (_lock)
            {
                correlator.Write(key, earlier with { Count = count });
            }

            return counted;
        }
        catch
        {
            // The parts lent are the replaced version's on record again: a refused version is dropped whole, and is not
            // kept alive through the parts' parents.
            SharedSubtrees.Reclaim(stored);
            throw;
        }
    }

    /// <summary>
    /// A new Event (client-go <c>makeEvent</c>), created in the namespace of what it is about; or, where the correlator
    /// remembers an Event under the key that is gone (expired an hour after its last write, or deleted), that Event again
    /// under its name, its count and first timestamp continued (recordEvent: a patch answered NotFound is sent as a
    /// create of the observed event).
    /// </summary>
    private KubeObject Create(KubeObject about, string type, string reason, string message, string component, string? host, DateTimeOffset at, string now, string ns, EventCorrelator correlator, EventCorrelator.EventKey key, EventCorrelator.Observation? earlier)
    {
        EventCorrelator.Observation observation;
        string first;
        if (earlier is { } gone)
        {
            observation = gone with { Count = gone.Count + 1 };
            first = KubeObject.FormatTimestamp(gone.FirstTimestamp);
        }
        else
        {
            // client-go's makeEvent names an event "<object>.<%x of the time in nanoseconds>", unique because real time
            // moves between two events; virtual time does not, so two events at one instant take the next nanosecond.
            long nanos;
            lock (_lock)
            {
                nanos = Math.Max((at - DateTimeOffset.UnixEpoch).Ticks * 100, _lastNanos + 1);
                _lastNanos = nanos;
            }

            observation = new EventCorrelator.Observation(string.Create(CultureInfo.InvariantCulture, $"{about.Name}.{nanos:x}"), 1, at);
            first = now;
        }

        // Written as text, never built as a tree (KubeObject.Written): an Event is the object written most, and the store
        // keeps it as text. The store stamps uid, creationTimestamp and resourceVersion into it, and does not decode what
        // was made as a v1 Event.
        var made = KubeObject.Written("v1", "Event", ns, observation.Name, new EventBody(about, reason, message, component, host, observation.Count, first, now, type), WriteBody);
        var created = _store.CreateHandedOver(made, RequestContext.ServiceAccount("kube-system", component), keepStatus: false, keepUid: false, decoded: true);
        lock (_lock)
        {
            correlator.Write(key, observation);
        }

        return created;
    }

    /// <summary>What a new Event says besides its name and namespace (<see cref="WriteBody"/>): 1 and now for its count and first timestamp, or those continued when it is created again.</summary>
    private readonly record struct EventBody(KubeObject About, string Reason, string Message, string Component, string? Host, int Count, string First, string Now, string Type);

    /// <summary>A new Event's fields after its metadata, in the order and with the values client-go's makeEvent gives them.</summary>
    private static void WriteBody(Utf8JsonWriter writer, in EventBody e)
    {
        var about = e.About;
        writer.WriteStartObject("involvedObject");
        writer.WriteString("kind", about.Kind);
        if (about.Namespace is { } aboutNamespace)
        {
            writer.WriteString("namespace", aboutNamespace);
        }

        writer.WriteString("name", about.Name);
        WriteStringOrNull(writer, "uid", about.Uid);
        writer.WriteString("apiVersion", about.ApiVersion);
        WriteStringOrNull(writer, "resourceVersion", about.ResourceVersion);
        writer.WriteEndObject();
        writer.WriteString("reason", e.Reason);
        writer.WriteString("message", e.Message);
        writer.WriteStartObject("source");
        writer.WriteString("component", e.Component);
        if (e.Host is { } host)
        {
            writer.WriteString("host", host);
        }

        writer.WriteEndObject();
        writer.WriteString("firstTimestamp", e.First);
        writer.WriteString("lastTimestamp", e.Now);
        writer.WriteNumber("count", e.Count);
        writer.WriteString("type", e.Type);
        writer.WriteString("reportingComponent", e.Component);
        writer.WriteString("reportingInstance", e.Host ?? string.Empty);

        static void WriteStringOrNull(Utf8JsonWriter writer, string field, string? value)
        {
            if (value is null)
            {
                writer.WriteNull(field);
            }
            else
            {
                writer.WriteString(field, value);
            }
        }
    }

    /// <summary>
    /// The nanosecond a recorder's Event was named after (the hex after the last dot of its name), which orders events of
    /// one second as they were first recorded; <see cref="long.MaxValue"/> for an Event named otherwise.
    /// </summary>
    private static long RecordedAt(KubeObject recorded)
    {
        var name = recorded.Name;
        var dot = name.LastIndexOf('.');
        return dot >= 0 && long.TryParse(name.AsSpan(dot + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var nanos) && nanos >= 0 ? nanos : long.MaxValue;
    }

    /// <summary>The events about an object, by last occurrence, as kubectl describe sorts them.</summary>
    public IReadOnlyList<KubeObject> About(KubeObject obj)
    {
        lock (_lock)
        {
            var ns = obj.Namespace ?? "default";
            return [.. (obj.Uid is { } uid ? _store.ListByIndex(Events, ObjectStore.InvolvedObjectUidIndex, uid) : [])
                .Where(e => e.Namespace == ns)
                .OrderBy(e => e.GetString("lastTimestamp"), StringComparer.Ordinal)
                .ThenBy(RecordedAt)];
        }
    }
}
