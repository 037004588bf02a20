using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// <c>kubectl get events</c>: LAST SEEN TYPE REASON OBJECT MESSAGE | SUBOBJECT SOURCE FIRST SEEN COUNT NAME, by
/// pkg/printers/internalversion/printers.go printEvent. The server prints an events.k8s.io/v1 Event after
/// converting it to the core shape, so both shapes are read here (regarding/note/deprecated* for the new API).
/// </summary>
public static class EventPrinter
{
    /// <summary>The event columns of printers.go AddHandlers (COUNT is declared a string but sent as an integer, as Go does).</summary>
    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        TableColumn.Text("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
        TableColumn.Text("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
        TableColumn.Text("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        TableColumn.Text("Object", "The object that this event is about."),
        TableColumn.Wide("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
        TableColumn.Wide("Source", "The component reporting this event. Should be a short machine understandable string."),
        TableColumn.Text("Message", "A human-readable description of the status of this operation."),
        TableColumn.Wide("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
        TableColumn.Wide("Count", "The number of times this event has occurred."),
        new("Name", "string", "name", TableColumn.NameDescription, 1),
    ];

    /// <summary>The event printer registered for core/v1 and events.k8s.io/v1 Event.</summary>
    public static TablePrinter Printer { get; } = new(Columns, Cells);

    private static JsonNode?[] Cells(KubeObject ev, DateTimeOffset now)
    {
        JsonNode? Field(string core, string events) => ev.Peek(core) ?? ev.Peek(events);
        string Text(string core, string events) => Field(core, events) is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;

        var firstAt = TablePrinter.Timestamp(Field("firstTimestamp", "deprecatedFirstTimestamp"));
        var first = firstAt is null ? HumanDuration.Since(TablePrinter.Timestamp(ev.Peek("eventTime")), now) : HumanDuration.Since(firstAt, now);
        var lastAt = TablePrinter.Timestamp(Field("lastTimestamp", "deprecatedLastTimestamp"));
        var last = lastAt is null ? first : HumanDuration.Since(lastAt, now);
        var count = TablePrinter.Integer(Field("count", "deprecatedCount")) ?? 0;
        if (ev.Peek("series") is JsonObject series)
        {
            last = HumanDuration.Since(TablePrinter.Timestamp(series["lastObservedTime"]), now);
            count = TablePrinter.Integer(series["count"]) ?? 0;
        }
        else if (count == 0)
        {
            // Singleton events of the new API carry no count.
            count = 1;
        }

        var kind = Text("involvedObject.kind", "regarding.kind").ToLowerInvariant();
        var name = Text("involvedObject.name", "regarding.name");
        var component = FirstNonEmpty(Text("source.component", "deprecatedSource.component"), TablePrinter.Text(ev, "reportingController"));
        var host = FirstNonEmpty(Text("source.host", "deprecatedSource.host"), TablePrinter.Text(ev, "reportingInstance"));
        return
        [
            last,
            TablePrinter.Text(ev, "type"),
            TablePrinter.Text(ev, "reason"),
            name.Length > 0 ? $"{kind}/{name}" : kind,
            Text("involvedObject.fieldPath", "regarding.fieldPath"),
            host.Length == 0 ? component : $"{component}, {host}",
            Text("message", "note").Trim(),
            first,
            count,
            ev.Name,
        ];
    }

    private static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;
}
