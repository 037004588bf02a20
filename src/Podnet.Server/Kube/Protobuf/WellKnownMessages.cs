using System.Globalization;
using System.Text.Json.Nodes;

namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// The apimachinery messages whose JSON is not an object of their fields, and the runtime envelope.
/// </summary>
internal static class WellKnownMessages
{
    /// <summary>
    /// metav1.Time: meta/v1 generated.proto Timestamp {1: seconds int64, 2: nanos int32}. Its Unmarshal keeps only the
    /// seconds (time_proto.go) and an empty message is the zero time, which MarshalJSON writes as null;
    /// otherwise RFC 3339 in UTC ("2026-11-29T15:00:00Z").
    /// </summary>
    public static readonly ProtoMessage Time = new("Time",
    [
        new(1, "seconds", ProtoKind.Int64, Presence.Always),
        new(2, "nanos", ProtoKind.Int32, Presence.Always),
    ], RenderTime);

    /// <summary>
    /// intstr.IntOrString: util/intstr generated.proto {1: type int64 (0 Int, 1 String), 2: intVal int32, 3: strVal string};
    /// MarshalJSON writes the number or the string.
    /// </summary>
    public static readonly ProtoMessage IntOrString = new("IntOrString",
    [
        new(1, "type", ProtoKind.Int64, Presence.Always),
        new(2, "intVal", ProtoKind.Int32, Presence.Always),
        new(3, "strVal", ProtoKind.String, Presence.Always),
    ], m => m.Get(1, 0L) == 1 ? m.Get(3, "") : (JsonNode)m.Get(2, 0));

    /// <summary>
    /// resource.Quantity: api/resource generated.proto {1: string}. Written as kubectl's own (canonical) string;
    /// an empty one is the zero quantity, "0".
    /// </summary>
    public static readonly ProtoMessage Quantity = new("Quantity",
    [
        new(1, "string", ProtoKind.String, Presence.Always),
    ], m => m.Get(1, "") is { Length: > 0 } s ? s : "0");

    /// <summary>runtime.TypeMeta: runtime generated.proto {1: apiVersion, 2: kind}.</summary>
    public static readonly ProtoMessage TypeMeta = new("TypeMeta",
    [
        new(1, "apiVersion", ProtoKind.String, Presence.OmitEmpty),
        new(2, "kind", ProtoKind.String, Presence.OmitEmpty),
    ]);

    /// <summary>
    /// runtime.Unknown, the envelope after the "k8s\0" magic: runtime generated.proto
    /// {1: typeMeta, 2: raw (the object's own message), 3: contentEncoding, 4: contentType}.
    /// </summary>
    public static readonly ProtoMessage Unknown = new("Unknown",
    [
        new(1, "typeMeta", TypeMeta, Presence.Always),
        new(2, "raw", ProtoKind.Bytes, Presence.Always),
        new(3, "contentEncoding", ProtoKind.String, Presence.OmitEmpty),
        new(4, "contentType", ProtoKind.String, Presence.OmitEmpty),
    ]);

    private static JsonNode? RenderTime(DecodedMessage time)
    {
        if (time.Values.Count == 0)
        {
            return null;
        }

        // Beyond DateTimeOffset's years 1–9999 Go would still print a time; such a body is nonsense, so clamp rather than throw.
        var seconds = Math.Clamp(time.Get(1, 0L), DateTimeOffset.MinValue.ToUnixTimeSeconds(), DateTimeOffset.MaxValue.ToUnixTimeSeconds());
        return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
