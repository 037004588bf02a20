using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Api;

/// <summary>
/// A Kubernetes object of any kind, kept whole: every field survives a round trip. Immutable: the JSON is
/// copied in and out, and changes make a new object.
/// </summary>
/// <remarks>
/// The store may keep an object of a kind that is written much and read little (Events) compact (<see cref="Compact"/>):
/// its JSON text as UTF-8 and the identity fields every watcher reads (apiVersion, kind, name, namespace, uid,
/// resourceVersion), with the tree dropped — about a third of the memory of a <c>System.Text.Json</c> tree. Reading any
/// other field parses the text again once, and the object keeps the tree from then on.
/// </remarks>
public sealed class KubeObject
{
    /// <summary>The tree; null while the object is compact and no field beyond its identity was read.</summary>
    private JsonObject? _tree;

    /// <summary>The JSON text, while the object is compact (set before the tree is dropped, so a reader that finds no tree finds it).</summary>
    private byte[]? _utf8;

    /// <summary>How much of <see cref="_utf8"/> the text is: an object made as text keeps room after it for the store's stamps.</summary>
    private int _length;

    /// <summary>The JSON text of a compact object (valid while <see cref="_utf8"/> is set).</summary>
    private ReadOnlySpan<byte> Text => _utf8.AsSpan(0, _length);

    /// <summary>The identity fields of a compact object, read without the tree.</summary>
    private Identity? _identity;

    private static readonly IReadOnlyDictionary<string, string> NoEntries = new Dictionary<string, string>(StringComparer.Ordinal).AsReadOnly();

    private IReadOnlyDictionary<string, string>? _labels;
    private IReadOnlyDictionary<string, string>? _annotations;

    // Read once (the object does not change), and kept when the object is made compact: the garbage collector, the owner
    // index and every controller that finds what it owns ask for each object's owners, and parsing them was a twentieth
    // of what a security-group world allocates.
    private IReadOnlyList<OwnerReference>? _ownerReferences;

    private KubeObject(JsonObject json)
    {
        _tree = json;
    }

    /// <summary>The tree, parsed again from the JSON text if the object was made compact and this is the first read since.</summary>
    private JsonObject Json => Volatile.Read(ref _tree) ?? Parsed();

    private JsonObject Parsed()
    {
        var parsed = (JsonObject)JsonNode.Parse(Text)!;
        return Interlocked.CompareExchange(ref _tree, parsed, null) ?? parsed;
    }

    // The buffer and the writer Compact writes through on this thread (see there).
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_compactBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_compactWriter;

    /// <summary>This thread's writer (escaping as the API server does), reset onto this thread's emptied buffer.</summary>
    private static Utf8JsonWriter ThreadWriter(out ArrayBufferWriter<byte> buffer)
    {
        buffer = t_compactBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = t_compactWriter ??= new Utf8JsonWriter(buffer, Serialization.GoJsonEncoder.WriterOptions);
        writer.Reset(buffer);
        return writer;
    }

    /// <summary>
    /// Makes this object compact in place: its JSON text as UTF-8 and its identity fields, the tree dropped. Only for an
    /// object the store has just stored and nobody else has read (the store's per-kind strategy,
    /// <see cref="KubeResource.KeptCompact"/>); its content does not change, so a holder notices nothing but the cost
    /// of a later read.
    /// </summary>
    internal void Compact()
    {
        if (_utf8 is not null || _tree is not { } tree)
        {
            return;
        }

        // Written into a buffer this thread keeps, then copied once at its size: a buffer per object grew by doubling
        // and was thrown away (a twelfth of what a security-group world allocated went into it).
        // The writer too is the thread's own, reset onto the buffer: one per Event written was a twentieth of what the
        // recorder allocated.
        var writer = ThreadWriter(out var buffer);
        tree.WriteTo(writer);
        writer.Flush();

        Seal();
        _ = OwnerReferences; // read into their cache, which outlives the tree
        _labels = Labels;
        _annotations = Annotations;
        _length = buffer.WrittenCount;
        _utf8 = buffer.WrittenSpan.ToArray();
        Volatile.Write(ref _tree, null);
    }

    /// <summary>
    /// Where the metadata of an object made as text (<see cref="Written{TState}"/>) closes in <see cref="_utf8"/>: what the
    /// store stamps on a create goes there (<see cref="TryStampInText"/>). Zero for any other object, and once the tree is
    /// parsed or written.
    /// </summary>
    private int _metadataEnd;

    /// <summary>Writes the fields of an object made as text that follow its metadata (<see cref="Written{TState}"/>).</summary>
    internal delegate void BodyWriter<TState>(Utf8JsonWriter writer, in TState state);

    /// <summary>
    /// A new object made as JSON text, never built as a tree: <c>{"apiVersion","kind","metadata":{"name","namespace"}</c>,
    /// then the fields <paramref name="body"/> writes, escaped as the API server writes them. It is what
    /// <see cref="Compact"/> would have made of the same object as a tree, field for field, and reads as such; it has no
    /// labels, annotations, owners or finalizers. For the object written most (the event recorder's Events), which the
    /// store keeps as text: a tree of some forty nodes per Event, built only to be written out and dropped, was an
    /// eighth of what a settle allocated. The store stamps a create's uid, creationTimestamp and resourceVersion into the
    /// text (<see cref="TryStampInText"/>).
    /// </summary>
    /// <param name="body">Writes the fields after metadata, in their order, through the writer it is given (static, over <paramref name="state"/>).</param>
    internal static KubeObject Written<TState>(string apiVersion, string kind, string @namespace, string name, in TState state, BodyWriter<TState> body)
    {
        var writer = ThreadWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("apiVersion", apiVersion);
        writer.WriteString("kind", kind);
        writer.WriteStartObject("metadata");
        writer.WriteString("name", name);
        writer.WriteString("namespace", @namespace);
        writer.Flush();
        var metadataEnd = buffer.WrittenCount;
        writer.WriteEndObject();
        body(writer, state);
        writer.WriteEndObject();
        writer.Flush();

        // Made with room for what a create stamps (uid, creationTimestamp, resourceVersion), which goes in place.
        var text = new byte[buffer.WrittenCount + StampRoom];
        buffer.WrittenSpan.CopyTo(text);
        return new KubeObject(text, buffer.WrittenCount, metadataEnd, new Identity(apiVersion, kind, name, @namespace, null, null, null, []));
    }

    /// <summary>
    /// The room an object made as text keeps for the store's stamps on a create: <c>,"uid":"</c> and a UUID (45 bytes),
    /// <c>,"creationTimestamp":"</c> and a timestamp (41), <c>,"resourceVersion":"</c> and up to 20 digits (41).
    /// </summary>
    private const int StampRoom = 127;

    private KubeObject(byte[] utf8, int length, int metadataEnd, Identity identity)
    {
        _utf8 = utf8;
        _length = length;
        _metadataEnd = metadataEnd;
        _identity = identity;
        _labels = NoEntries;
        _annotations = NoEntries;
        _ownerReferences = [];
    }

    /// <summary>
    /// This compact object with another resourceVersion, as a new compact object made in its text (the value replaced
    /// where its metadata has it, the text otherwise the same, as the tree would write it); null for an object whose tree
    /// was made or read, whose metadata has no plain resourceVersion, or a value JSON would escape. For the store's stamp
    /// of a version it reports (the DELETED version of an expired or deleted Event), which as a tree was parsed from the
    /// text and copied: two trees, each twice the text's size, for a version only a watch history keeps.
    /// </summary>
    internal KubeObject? WithResourceVersionInText(string resourceVersion)
    {
        if (!IsCompactUnread || _identity is not { } identity || !IsPlainText(resourceVersion))
        {
            return null;
        }

        var text = Text;
        var reader = new Utf8JsonReader(text);
        if (!Seek(ref reader, ResourceVersionPath) || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return null;
        }

        var from = (int)reader.TokenStartIndex + 1;
        var to = from + reader.ValueSpan.Length;
        var stamped = new byte[_length - (to - from) + resourceVersion.Length];
        text[..from].CopyTo(stamped);
        var at = from + Encoding.ASCII.GetBytes(resourceVersion, stamped.AsSpan(from));
        text[to..].CopyTo(stamped.AsSpan(at));
        return new KubeObject(stamped, stamped.Length, 0, identity with { ResourceVersion = resourceVersion })
        {
            _labels = Labels,
            _annotations = Annotations,
            _ownerReferences = OwnerReferences,
        };
    }

    private static readonly string[] ResourceVersionPath = ["metadata", "resourceVersion"];

    /// <summary>Whether the object was made as text (<see cref="Written{TState}"/>), is not stored yet, and nobody has read its tree since.</summary>
    internal bool IsWrittenUnread => _metadataEnd > 0 && Volatile.Read(ref _tree) is null;

    /// <summary>
    /// Adds a metadata field to an object made as text that nobody has read as a tree, in the text itself (after the
    /// fields its metadata has, as setting it in the tree would place it): the store's stamps on a create. False, with
    /// nothing changed, for any other object, or a value that JSON would escape (none of the store's stamps).
    /// </summary>
    internal bool TryStampInText(string field, string value)
    {
        if (!IsWrittenUnread || !IsPlainText(field) || !IsPlainText(value))
        {
            return false;
        }

        var text = _utf8!;
        var end = _metadataEnd;
        // ,"field":"value", in the room kept after the text (the rest moved up; Span.CopyTo allows the overlap), or in
        // a larger copy once the room is used up.
        var added = field.Length + value.Length + 6;
        var stamped = _length + added <= text.Length ? text : new byte[_length + added];
        text.AsSpan(end, _length - end).CopyTo(stamped.AsSpan(end + added));
        if (!ReferenceEquals(stamped, text))
        {
            text.AsSpan(0, end).CopyTo(stamped);
        }

        var at = end;
        stamped[at++] = (byte)',';
        stamped[at++] = (byte)'"';
        at += Encoding.ASCII.GetBytes(field, stamped.AsSpan(at));
        stamped[at++] = (byte)'"';
        stamped[at++] = (byte)':';
        stamped[at++] = (byte)'"';
        at += Encoding.ASCII.GetBytes(value, stamped.AsSpan(at));
        stamped[at++] = (byte)'"';

        _utf8 = stamped;
        _length += added;
        _metadataEnd = at;
        _identity = field switch
        {
            "uid" => _identity! with { Uid = value },
            "resourceVersion" => _identity! with { ResourceVersion = value },
            _ => _identity,
        };
        _facts = null;
        return true;
    }

    /// <summary>Whether JSON writes <paramref name="text"/> as it is (ASCII letters, digits and <c>-.:_</c>).</summary>
    private static bool IsPlainText(string text) => !text.AsSpan().ContainsAnyExcept(PlainText);

    private static readonly SearchValues<char> PlainText = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:_");

    /// <summary>
    /// The string at a dotted path of JSON text, read by a reader without building the tree (null when absent or not a
    /// string): an index or describe's sort reads one field of an Event kept as text.
    /// </summary>
    private static string? ScanString(ReadOnlySpan<byte> utf8, string[] segments)
    {
        var reader = new Utf8JsonReader(utf8);
        return Seek(ref reader, segments) && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>
    /// Moves a reader at the start of a JSON object onto the value at a dotted path (<paramref name="segments"/>, each an
    /// object's property), skipping everything else; false when the path is not there.
    /// </summary>
    private static bool Seek(ref Utf8JsonReader reader, string[] segments)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var depth = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueTextEquals(segments[depth]);
            reader.Read();
            if (!found)
            {
                reader.Skip();
                continue;
            }

            if (depth == segments.Length - 1)
            {
                return true;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            depth++;
        }

        return false;
    }

    /// <summary>
    /// Remembers the identity fields (name, namespace, uid, resourceVersion, deletion, finalizers) of an object the
    /// store has just stored, so that every later read of them is a field, not two lookups in the tree: controllers ask
    /// them of every object they list (a twentieth of a security-group world). Nobody writes a stored object; the store's
    /// own in-place stamps forget them again (<see cref="Writable"/>). An object made as text takes no more stamps in its
    /// text once stored (<see cref="TryStampInText"/> refuses it): others may hold it from then on.
    /// </summary>
    internal void Seal()
    {
        _identity ??= new Identity(ApiVersion, Kind, Name, Namespace, Uid, ResourceVersion, Metadata("deletionTimestamp"), Finalizers);
        _metadataEnd = 0;
    }

    /// <summary>
    /// Takes over what <paramref name="previous"/> has read already of the parts this version holds as the very same
    /// nodes (its labels, annotations and owner references), as the store has a new version share the unchanged parts of
    /// the one it replaces (<see cref="SharedSubtrees.ShareUnchanged"/>): otherwise every reader parsed them again after
    /// each status write of a pod. Nothing is taken of a part that is not shared, or of a version held as text.
    /// </summary>
    internal void ReuseReads(KubeObject previous)
    {
        if (Volatile.Read(ref _tree)?["metadata"] is not JsonObject metadata || Volatile.Read(ref previous._tree)?["metadata"] is not JsonObject kept)
        {
            return;
        }

        if (_labels is null && previous._labels is { } labels && Shared("labels"))
        {
            _labels = labels;
        }

        if (_annotations is null && previous._annotations is { } annotations && Shared("annotations"))
        {
            _annotations = annotations;
        }

        if (_ownerReferences is null && previous._ownerReferences is { } owners && Shared("ownerReferences"))
        {
            _ownerReferences = owners;
        }

        bool Shared(string field)
            => metadata.TryGetPropertyValue(field, out var part) && part is not null && kept.TryGetPropertyValue(field, out var before) && ReferenceEquals(part, before);
    }

    /// <summary>Whether the object is compact and its tree not parsed again (for tests and measurement).</summary>
    internal bool IsCompactUnread => _utf8 is not null && Volatile.Read(ref _tree) is null;

    /// <summary>An in-place change to an object the store just made: the text no longer says what the tree does.</summary>
    private JsonObject Writable()
    {
        var tree = Json;
        _utf8 = null;
        _metadataEnd = 0;
        _identity = null;
        _ownerReferences = null;
        _facts = null;
        return tree;
    }

    /// <summary>What a typed view has read of this version (<see cref="Facts{T}"/>); null until a view asks.</summary>
    private object? _facts;

    /// <summary>
    /// The facts a typed view reads of this object (a pod's node, phase, readiness, requests …), made once per object
    /// version by <paramref name="make"/> and kept with it, so every controller that views the same version reads them
    /// once between them: a pod is viewed by the scheduler, its kubelet, aws-node, its ReplicaSet's controller and the
    /// endpoints controller, each reading the same fields of the same version again. Only for a stored object or one
    /// nobody changes any more; the store's own in-place stamps forget them (<see cref="Writable"/>).
    /// </summary>
    internal T Facts<T>(Func<KubeObject, T> make)
        where T : class
    {
        if (Volatile.Read(ref _facts) is T known)
        {
            return known;
        }

        var made = make(this);
        return Interlocked.CompareExchange(ref _facts, made, null) as T ?? made;
    }

    /// <summary>What every controller's handler reads of any change it is given, so a compact object is not parsed to be passed over.</summary>
    private sealed record Identity(
        string ApiVersion,
        string Kind,
        string Name,
        string? Namespace,
        string? Uid,
        string? ResourceVersion,
        string? DeletionTimestamp,
        IReadOnlyList<string> Finalizers);

    /// <summary>
    /// The object's own JSON, for read-only views inside the core that must not pay for a copy on every read
    /// (the object is immutable only as long as nobody writes through this).
    /// </summary>
    internal JsonObject Raw => Json;

    public static KubeObject From(JsonObject json) => new((JsonObject)json.DeepClone());

    /// <summary>
    /// Wraps <paramref name="json"/> without a copy: only for JSON the caller has just made and hands over (a patch's
    /// result, a managedFields record), so that no one else can write through it. Saves the copy <see cref="From"/> makes.
    /// </summary>
    internal static KubeObject Adopt(JsonObject json) => new(json);

    /// <summary>
    /// Sets a metadata field on this very object, without a copy: only for an object the store has just made for a
    /// write and nobody else holds yet, as <see cref="StampResourceVersion"/>.
    /// </summary>
    internal KubeObject SetMetadataInPlace(string field, JsonNode? value)
    {
        EnsureMetadata(Writable())[field] = value;
        return this;
    }

    /// <summary>The metadata fields every write stamps anew, which a comparison of two versions' content skips.</summary>
    internal static readonly string[] VersionAndOwnership = ["resourceVersion", "managedFields"];

    /// <summary>Whether two versions of an object differ in status (and resourceVersion or managedFields) only.</summary>
    public static bool EqualButStatus(KubeObject a, KubeObject b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return EqualExcept(a.Json, b.Json, "status", VersionAndOwnership);
    }

    /// <summary>
    /// Whether two objects are equal but for the top-level field <paramref name="field"/> and the metadata fields
    /// <paramref name="metadataFields"/>, without copying either.
    /// </summary>
    /// <remarks>
    /// Every write asks this of the version it makes and the stored one (a no-op write keeps the stored object), and
    /// most writes change something. So the fields where a change usually is are compared first: the top-level values
    /// (an Event counted up differs in <c>count</c> and <c>lastTimestamp</c>), then <c>status</c>, then the rest. Nothing
    /// is allocated (a delegate and two arrays per call before).
    /// </remarks>
    internal static bool EqualExcept(JsonObject a, JsonObject b, string? field, IReadOnlyCollection<string> metadataFields)
    {
        if (CountWithout(a, field) != CountWithout(b, field))
        {
            return false;
        }

        foreach (var (key, value) in a.Fields())
        {
            if (key != field && value is not JsonObject and not JsonArray && !SameField(b, key, value))
            {
                return false;
            }
        }

        if (field != "status" && a["status"] is (JsonObject or JsonArray) and var status && !SameField(b, "status", status))
        {
            return false;
        }

        foreach (var (key, value) in a.Fields())
        {
            if (key == field || key == "status" || value is not (JsonObject or JsonArray))
            {
                continue;
            }

            if (key == "metadata" && value is JsonObject ma && b[key] is JsonObject mb)
            {
                if (CountBut(ma, metadataFields) != CountBut(mb, metadataFields))
                {
                    return false;
                }

                foreach (var (name, item) in ma.Fields())
                {
                    if (!metadataFields.Contains(name) && !SameField(mb, name, item))
                    {
                        return false;
                    }
                }
            }
            else if (!SameField(b, key, value))
            {
                return false;
            }
        }

        return true;

        static bool SameField(JsonObject o, string key, JsonNode? value)
            => o.TryGetPropertyValue(key, out var other) && SharedSubtrees.Equal(value, other);

        static int CountWithout(JsonObject o, string? skipped) => o.Count - (skipped is not null && o.ContainsKey(skipped) ? 1 : 0);
    }

    private static int CountBut(JsonObject o, IReadOnlyCollection<string> skipped)
    {
        var count = o.Count;
        foreach (var name in skipped)
        {
            if (o.ContainsKey(name))
            {
                count--;
            }
        }

        return count;
    }

    public static KubeObject Parse(string json)
        => JsonNode.Parse(json) is JsonObject obj ? new KubeObject(obj) : throw new FormatException("a Kubernetes object must be a JSON object");

    public static KubeObject Create(string apiVersion, string kind, string name, string? @namespace = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (@namespace is not null)
        {
            metadata["namespace"] = @namespace;
        }

        return new KubeObject(new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata });
    }

    public string ApiVersion => _identity?.ApiVersion ?? String("apiVersion") ?? string.Empty;

    public string Kind => _identity?.Kind ?? String("kind") ?? string.Empty;

    public string Name => _identity?.Name ?? Metadata("name") ?? string.Empty;

    public string? GenerateName => Metadata("generateName");

    public string? Namespace => _identity is { } identity ? identity.Namespace : Metadata("namespace") is { Length: > 0 } ns ? ns : null;

    public string? Uid => _identity is { } identity ? identity.Uid : Metadata("uid");

    public string? ResourceVersion => _identity is { } identity ? identity.ResourceVersion : Metadata("resourceVersion") is { Length: > 0 } rv ? rv : null;

    public long Generation => MetadataLong("generation") ?? 0;

    /// <summary><c>metadata.deletionGracePeriodSeconds</c>: the grace period of the delete that made the object terminating, or null.</summary>
    public long? DeletionGracePeriodSeconds => MetadataLong("deletionGracePeriodSeconds");

    public DateTimeOffset? CreationTimestamp => ParseTimestamp(Metadata("creationTimestamp"));

    public DateTimeOffset? DeletionTimestamp => ParseTimestamp(_identity is { } identity ? identity.DeletionTimestamp : Metadata("deletionTimestamp"));

    public bool IsTerminating => DeletionTimestamp is not null;

    public IReadOnlyDictionary<string, string> Labels => _labels ??= StringMap("labels");

    public IReadOnlyDictionary<string, string> Annotations => _annotations ??= StringMap("annotations");

    /// <summary>
    /// One label's value, or null when absent, read without building <see cref="Labels"/>: for checks that controllers
    /// make on every change they see (a dictionary of all labels per change was a fiftieth of a 10,000-pod settle).
    /// </summary>
    public string? Label(string key)
        => _labels is { } labels ? labels.GetValueOrDefault(key)
            : (Json["metadata"] as JsonObject)?["labels"] is JsonObject map && map[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public IReadOnlyList<string> Finalizers
        => _identity is { } identity ? identity.Finalizers : (Json["metadata"] as JsonObject)?["finalizers"] is JsonArray a ? [.. a.Select(f => f is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty)] : [];

    public IReadOnlyList<OwnerReference> OwnerReferences
        => _ownerReferences ??= (Json["metadata"] as JsonObject)?["ownerReferences"] is JsonArray a ? [.. a.OfType<JsonObject>().Select(OwnerReference.FromJson)] : [];

    /// <summary>Reads a copy of the value at a dotted path (<c>spec.nodeName</c>); null when absent.</summary>
    public JsonNode? this[string path] => Peek(path)?.DeepClone();

    /// <summary>A string at a dotted path, or null.</summary>
    /// <remarks>An object kept as text and not read as a tree since is read by a reader over the text, not parsed.</remarks>
    public string? GetString(string path)
        => _utf8 is not null && Volatile.Read(ref _tree) is null ? ScanString(Text, Segments(path))
            : Peek(path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The value at a dotted path without copying it; callers inside the core only read it.</summary>
    internal JsonNode? Peek(string path)
    {
        JsonNode? node = Json;
        foreach (var part in Segments(path))
        {
            if (node is not JsonObject o)
            {
                return null;
            }

            node = o[part];
        }

        return node;
    }

    // The parts of each dotted path read so far: the paths are the code's own ("spec.nodeName", "involvedObject.uid"),
    // asked of every object a controller or an index reads, and cutting them up again was a string per part per read.
    // Bounded, in case paths come from outside (a field selector's): past the bound a path is cut up each time.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> PathSegments = new(StringComparer.Ordinal);

    private const int PathSegmentsKept = 4096;

    private static string[] Segments(string path)
    {
        if (PathSegments.TryGetValue(path, out var segments))
        {
            return segments;
        }

        segments = path.Split('.');
        if (PathSegments.Count < PathSegmentsKept)
        {
            PathSegments.TryAdd(path, segments);
        }

        return segments;
    }

    /// <summary>A deep copy of the whole object.</summary>
    /// <remarks>A compact object not read since is parsed from its text into the copy, not parsed, kept and then copied.</remarks>
    public JsonObject ToJson()
        => _utf8 is not null && Volatile.Read(ref _tree) is null ? (JsonObject)JsonNode.Parse(Text)! : (JsonObject)Json.DeepClone();

    /// <summary>A changed copy; <paramref name="change"/> edits a deep copy of the JSON.</summary>
    public KubeObject With(Action<JsonObject> change)
    {
        var copy = ToJson();
        change(copy);
        return new KubeObject(copy);
    }

    public KubeObject WithMetadata(string field, JsonNode? value) => With(o => EnsureMetadata(o)[field] = value);

    /// <summary>
    /// Sets metadata.resourceVersion on this very object, without a copy: only for an object the store has just
    /// made for a write and nobody else holds yet (a copy of a whole object per write is what it saves).
    /// </summary>
    /// <remarks>An object made as text and not stored yet takes it in its text (<see cref="TryStampInText"/>), any other in its tree.</remarks>
    internal KubeObject StampResourceVersion(string resourceVersion)
    {
        if (!TryStampInText("resourceVersion", resourceVersion))
        {
            EnsureMetadata(Writable())["resourceVersion"] = resourceVersion;
        }

        return this;
    }

    public KubeObject WithLabel(string key, string? value) => WithMapEntry("labels", key, value);

    public KubeObject WithAnnotation(string key, string? value) => WithMapEntry("annotations", key, value);

    public override string ToString() => $"{Kind}/{(Namespace is null ? string.Empty : Namespace + "/")}{Name}";

    /// <summary>
    /// The object as compact JSON text, escaped as the API server writes it (<see cref="Serialization.GoJsonEncoder"/>);
    /// from the kept text when the object is compact and unread.
    /// </summary>
    public string ToJsonString() => _utf8 is not null && Volatile.Read(ref _tree) is null ? Encoding.UTF8.GetString(Text) : Json.ToJsonString(Serialization.GoJsonEncoder.SerializerOptions);

    internal static JsonObject EnsureMetadata(JsonObject json)
    {
        if (json["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            json["metadata"] = metadata;
        }

        return metadata;
    }

    /// <summary>
    /// A metav1.Time as the API server writes it (RFC 3339 in UTC, whole seconds: <c>2026-11-30T14:04:20Z</c>).
    /// Written through the sortable "s" format, which .NET formats without parsing a pattern: every write stamps one
    /// (a custom pattern took five times as long).
    /// </summary>
    public static string FormatTimestamp(DateTimeOffset time)
        => string.Create(20, time.UtcDateTime, static (span, utc) =>
        {
            utc.TryFormat(span, out _, "s", CultureInfo.InvariantCulture);
            span[19] = 'Z';
        });

    private KubeObject WithMapEntry(string map, string key, string? value) => With(o =>
    {
        var metadata = EnsureMetadata(o);
        if (metadata[map] is not JsonObject entries)
        {
            entries = [];
            metadata[map] = entries;
        }

        if (value is null)
        {
            entries.Remove(key);
        }
        else
        {
            entries[key] = value;
        }
    });

    private string? String(string field) => Json[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private long? MetadataLong(string field)
        => (Json["metadata"] as JsonObject)?[field] is JsonValue v && (v.TryGetValue<long>(out var l) || (v.TryGetValue<int>(out var i) && (l = i) == i)) ? l : null;

    private string? Metadata(string field) => (Json["metadata"] as JsonObject)?[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private IReadOnlyDictionary<string, string> StringMap(string field)
    {
        if ((Json["metadata"] as JsonObject)?[field] is not JsonObject { Count: > 0 } map)
        {
            return NoEntries;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        {
            foreach (var (key, value) in map)
            {
                result[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? string.Empty;
            }
        }

        return result;
    }

    /// <summary>A metav1.Time as the API server writes it (RFC 3339, UTC), or null for none or an unreadable one.</summary>
    public static DateTimeOffset? ParseTimestamp(string? text)
        => text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

public sealed record OwnerReference(string ApiVersion, string Kind, string Name, string Uid, bool Controller, bool BlockOwnerDeletion)
{
    public static OwnerReference FromJson(JsonObject json) => new(
        json["apiVersion"]?.GetValue<string>() ?? string.Empty,
        json["kind"]?.GetValue<string>() ?? string.Empty,
        json["name"]?.GetValue<string>() ?? string.Empty,
        json["uid"]?.GetValue<string>() ?? string.Empty,
        json["controller"] is JsonValue c && c.TryGetValue<bool>(out var controller) && controller,
        json["blockOwnerDeletion"] is JsonValue b && b.TryGetValue<bool>(out var block) && block);

    public static OwnerReference ControllerOf(KubeObject owner)
        => new(owner.ApiVersion, owner.Kind, owner.Name, owner.Uid ?? string.Empty, true, true);

    public JsonObject ToJson() => new()
    {
        ["apiVersion"] = ApiVersion,
        ["kind"] = Kind,
        ["name"] = Name,
        ["uid"] = Uid,
        ["controller"] = Controller,
        ["blockOwnerDeletion"] = BlockOwnerDeletion,
    };
}
