using System.Text.Json.Nodes;

namespace Podnet.Kube.Serialization;

/// <summary>
/// Reads the plain subset of YAML that manifests and worlds are almost always written in, without YamlDotNet, or
/// gives up: <see cref="TryRead"/> returns null at the first thing outside the subset, and the caller reads the whole
/// text with <see cref="YamlManifestReader"/> instead. So every error message, every anchor, tag, block or multi-line
/// scalar, escape and odd indentation still comes from YamlDotNet and sigs.k8s.io/yaml's rules; this reader only
/// makes the common case cheap. YamlDotNet allocates a token, an event and a mark per scalar: reading the
/// 12 MB world of 50,000 pods took it 1.7 s, most of a <c>podnet reach</c> on that world.
/// </summary>
/// <remarks>
/// The subset: documents separated by bare <c>---</c> lines; block mappings and block sequences indented with
/// spaces (a sequence may sit at its key's indent, as kubectl writes it; <c>- key: value</c> starts a mapping);
/// one-line flow mappings and sequences; plain scalars on one line; single-quoted scalars and double-quoted
/// scalars without escapes, on one line; <c>#</c> comments. Keys are plain words of letters, digits and
/// <c>-_./</c> (or quoted) that type as strings, each once per mapping. Values are typed by the same rules as
/// <see cref="YamlManifestReader"/>'s (go-yaml v2's resolve.go through <see cref="YamlScalarResolver"/>).
/// A test reads every YAML file of the repository and ../shared both ways and compares the JSON and lines.
/// </remarks>
internal sealed class YamlSubsetReader
{
    /// <summary>Deeper than this is left to YamlDotNet, which knows the depth limit's error.</summary>
    private const int MaxDepth = 64;

    /// <summary>Short values repeat (v1, Pod, TCP, label values); one string each keeps the read trees smaller.</summary>
    private const int MaxSharedLength = 24;

    private const int MaxSharedStrings = 1 << 16;

    /// <summary>
    /// Characters YAML reads as line breaks besides \n and \r (NEL, LS, PS), that it refuses (other C0 and C1
    /// controls, U+FFFE/U+FFFF) or that mark encodings (a byte order mark): a text with any is left to YamlDotNet.
    /// </summary>
    private static readonly System.Buffers.SearchValues<char> NotPlain = System.Buffers.SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + "\u007F\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F"
        + "\u2028\u2029\uFEFF\uFFFE\uFFFF");

    private readonly string _text;
    private readonly string _source;
    private readonly bool _yaml11Booleans;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _stringLookup;

    /// <summary>Line starts (offsets into the text), and where each line's content ends (before its line break).</summary>
    private readonly List<int> _starts = [];

    private readonly List<int> _ends = [];

    /// <summary>The line being read (0-based) and the column within it.</summary>
    private int _line;

    private YamlSubsetReader(string text, string source, bool yaml11Booleans)
    {
        _text = text;
        _source = source;
        _yaml11Booleans = yaml11Booleans;
        _stringLookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// The documents of <paramref name="text"/> as <see cref="YamlManifestReader.ReadAll"/> would give them (same JSON,
    /// same 1-based start lines), or null when the text uses anything outside the subset described on the type.
    /// </summary>
    public static List<YamlDocument>? TryRead(string text, string source, bool yaml11Booleans)
    {
        var reader = new YamlSubsetReader(text, source, yaml11Booleans);
        return reader.SplitLines() ? reader.ReadDocuments() : null;
    }

    private bool SplitLines()
    {
        if (_text.AsSpan().IndexOfAny(NotPlain) >= 0)
        {
            return false;
        }

        var start = 0;
        while (start <= _text.Length)
        {
            var next = _text.AsSpan(start).IndexOfAny('\n', '\r');
            var end = next < 0 ? _text.Length : start + next;
            if (end < _text.Length && _text[end] == '\r' && (end + 1 >= _text.Length || _text[end + 1] != '\n'))
            {
                // A lone carriage return is a line break to YAML; rare enough to leave to YamlDotNet.
                return false;
            }

            _starts.Add(start);
            _ends.Add(end);
            if (next < 0)
            {
                break;
            }

            start = end + (_text[end] == '\r' ? 2 : 1);
        }

        return true;
    }

    private List<YamlDocument>? ReadDocuments()
    {
        var documents = new List<YamlDocument>();
        _line = 0;
        while (true)
        {
            if (!SkipToContent())
            {
                return documents;
            }

            int startLine;
            if (IsDocumentStart(_line))
            {
                startLine = _line + 1;
                _line++;
                if (!SkipToContent() || IsDocumentStart(_line))
                {
                    // "---" followed by nothing: an empty document (null), as YamlDotNet reads it.
                    documents.Add(new YamlDocument(_source, documents.Count, startLine, null));
                    continue;
                }
            }
            else
            {
                startLine = _line + 1;
            }

            var indent = Indent(_line);
            if (indent != 0 || !ReadBlockNode(indent, 0, out var content) || content is null)
            {
                return null;
            }

            if (SkipToContent() && !IsDocumentStart(_line))
            {
                return null;
            }

            documents.Add(new YamlDocument(_source, documents.Count, startLine, content));
        }
    }

    /// <summary>Moves past blank and comment lines; false at the end of the text.</summary>
    private bool SkipToContent()
    {
        while (_line < _starts.Count)
        {
            var span = LineSpan(_line).TrimStart(' ');
            if (span.Length > 0 && span[0] != '#')
            {
                return true;
            }

            _line++;
        }

        return false;
    }

    private ReadOnlySpan<char> LineSpan(int line) => _text.AsSpan(_starts[line], _ends[line] - _starts[line]);

    private bool IsDocumentStart(int line) => LineSpan(line).TrimEnd(' ') is "---";

    /// <summary>The line's indent in spaces; -1 when a tab is in it (left to YamlDotNet).</summary>
    private int Indent(int line)
    {
        var span = LineSpan(line);
        if (span.Contains('\t'))
        {
            return -1;
        }

        var indent = 0;
        while (indent < span.Length && span[indent] == ' ')
        {
            indent++;
        }

        return indent;
    }

    /// <summary>The next content line's indent, -1 at the end of the text or at a document start.</summary>
    private int NextIndent()
    {
        if (!SkipToContent() || IsDocumentStart(_line))
        {
            return -1;
        }

        return Indent(_line) is var indent and >= 0 ? indent : int.MinValue;
    }

    /// <summary>A block node whose first line is <see cref="_line"/>, starting at column <paramref name="column"/>.</summary>
    private bool ReadBlockNode(int column, int depth, out JsonNode? node)
    {
        node = null;
        if (depth > MaxDepth)
        {
            return false;
        }

        var span = LineSpan(_line)[column..];
        if (IsSequenceEntry(span))
        {
            return ReadBlockSequence(column, depth, out node);
        }

        if (span[0] is '{' or '[')
        {
            var at = column;
            if (!ReadFlowNode(ref at, depth, out node) || !RestIsEmpty(at))
            {
                return false;
            }

            _line++;
            return true;
        }

        return ReadBlockMapping(column, depth, out node);
    }

    private static bool IsSequenceEntry(ReadOnlySpan<char> span) => span.Length > 0 && span[0] == '-' && (span.Length == 1 || span[1] == ' ');

    private bool ReadBlockSequence(int indent, int depth, out JsonNode? node)
    {
        node = null;
        var array = new JsonArray();
        while (true)
        {
            var span = LineSpan(_line);
            var rest = span[(indent + 1)..];
            var itemColumn = indent + 1 + (rest.Length - rest.TrimStart(' ').Length);
            JsonNode? item;
            if (itemColumn >= span.Length || span[itemColumn] == '#')
            {
                // "-" alone: the item is the block below, or null.
                if (!ReadBlockBelow(indent, depth, compactSequence: false, out item))
                {
                    return false;
                }
            }
            else if (IsSequenceEntry(span[itemColumn..]))
            {
                // "- - x": a sequence in a sequence on one line.
                return false;
            }
            else if (LooksLikeMappingEntry(span, itemColumn))
            {
                // "- key: value": a mapping whose keys sit at the item's column.
                if (!ReadBlockMapping(itemColumn, depth + 1, out item))
                {
                    return false;
                }
            }
            else if (!ReadInlineValueLine(itemColumn, depth, out item))
            {
                return false;
            }

            array.Add(item);
            if (!ContinuesAt(indent, out var next))
            {
                return false;
            }

            if (next < indent || !IsSequenceEntry(LineSpan(_line)[indent..]))
            {
                node = array;
                return true;
            }
        }
    }

    /// <summary>
    /// The value of a "key:" or "-" that ends its line: the block indented below it (with
    /// <paramref name="compactSequence"/>, also a sequence at the key's own indent, as kubectl writes lists), or null.
    /// </summary>
    private bool ReadBlockBelow(int indent, int depth, bool compactSequence, out JsonNode? node)
    {
        node = null;
        _line++;
        var below = NextIndent();
        if (below == int.MinValue)
        {
            return false;
        }

        return below > indent || (compactSequence && below == indent && IsSequenceEntry(LineSpan(_line)[below..]))
            ? ReadBlockNode(below, depth + 1, out node)
            : true;
    }

    /// <summary>A value that starts at <paramref name="column"/> and ends its line (<see cref="ReadInlineValue"/>); moves to the next line.</summary>
    private bool ReadInlineValueLine(int column, int depth, out JsonNode? node)
    {
        if (!ReadInlineValue(ref column, depth + 1, out node))
        {
            return false;
        }

        _line++;
        return true;
    }

    /// <summary>
    /// The indent of the next content line after a node of a collection at <paramref name="indent"/>; false when that
    /// line is indented deeper (a plain scalar going on over lines, or an error: YamlDotNet knows which) or has a tab.
    /// </summary>
    private bool ContinuesAt(int indent, out int next)
    {
        next = NextIndent();
        return next != int.MinValue && next <= indent;
    }

    /// <summary>Whether the text at <paramref name="column"/> is "key:" followed by a space or the line's end.</summary>
    private bool LooksLikeMappingEntry(ReadOnlySpan<char> line, int column)
    {
        var at = column;
        return ScanKey(line, ref at, out _);
    }

    private bool ReadBlockMapping(int indent, int depth, out JsonNode? node)
    {
        node = null;
        if (depth > MaxDepth)
        {
            return false;
        }

        var mapping = new JsonObject();
        while (true)
        {
            var span = LineSpan(_line);
            var at = indent;
            if (!ScanKey(span, ref at, out var key) || mapping.ContainsKey(key))
            {
                // Not a key, or a key written twice (YamlDotNet's error names both lines).
                return false;
            }

            // After "key:": the value on this line, or the block below.
            while (at < span.Length && span[at] == ' ')
            {
                at++;
            }

            var read = at >= span.Length || span[at] == '#'
                ? ReadBlockBelow(indent, depth, compactSequence: true, out var value)
                : ReadInlineValueLine(at, depth, out value);
            if (!read)
            {
                return false;
            }

            mapping[key] = value;
            if (!ContinuesAt(indent, out var next))
            {
                return false;
            }

            // The mapping ends at a line indented less, or at a sequence entry at its own indent (it was a sequence
            // item's mapping; anywhere else that line is an error its reader finds).
            if (next < indent || IsSequenceEntry(LineSpan(_line)[indent..]))
            {
                node = mapping;
                return true;
            }
        }
    }

    /// <summary>
    /// A key (a plain word of letters, digits and -_./ that types as a string, or a quoted one) and its colon, which
    /// must be followed by a space or the line's end; <paramref name="at"/> moves past the colon.
    /// </summary>
    private bool ScanKey(ReadOnlySpan<char> line, ref int at, out string key)
    {
        key = string.Empty;
        if (at >= line.Length)
        {
            return false;
        }

        var start = at;
        if (line[at] is '"' or '\'')
        {
            if (!ScanQuoted(line, ref at, out key))
            {
                return false;
            }
        }
        else
        {
            while (at < line.Length && IsKeyChar(line[at]))
            {
                at++;
            }

            if (at == start || line[start] == '-' || line[start] == '.')
            {
                return false;
            }

            key = Share(line[start..at], alwaysShare: true);
            if (Resolve(key).Kind != YamlScalarKind.String)
            {
                // true:, 1:, null: … — keys that YamlManifestReader types first; rare, left to it.
                return false;
            }
        }

        if (at >= line.Length || line[at] != ':' || (at + 1 < line.Length && line[at + 1] != ' '))
        {
            return false;
        }

        at++;
        return true;
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/';

    /// <summary>A value after "key: " or "- ": a flow collection, a quoted scalar or a one-line plain scalar, then at most a comment.</summary>
    private bool ReadInlineValue(ref int at, int depth, out JsonNode? value)
    {
        value = null;
        var line = LineSpan(_line);
        var c = line[at];
        if (c is '{' or '[')
        {
            return ReadFlowNode(ref at, depth, out value) && RestIsEmpty(at);
        }

        if (c is '"' or '\'')
        {
            if (!ScanQuoted(line, ref at, out var quoted))
            {
                return false;
            }

            value = JsonValue.Create(quoted);
            return RestIsEmpty(at);
        }

        if (!IsPlainStart(line, at))
        {
            return false;
        }

        // A plain scalar runs to the line's end or a comment (" #"); ": " inside would make it a mapping.
        var start = at;
        var end = line.Length;
        var comment = line[start..].IndexOf(" #", StringComparison.Ordinal);
        if (comment >= 0)
        {
            end = start + comment;
        }

        var text = line[start..end].TrimEnd(' ');
        if (text.Contains(": ", StringComparison.Ordinal) || text[^1] == ':')
        {
            return false;
        }

        at = line.Length;
        return ToJson(text, out value);
    }

    /// <summary>Whether a plain scalar may start here (not an indicator: anchors, tags, block scalars, directives …).</summary>
    private static bool IsPlainStart(ReadOnlySpan<char> line, int at)
    {
        var c = line[at];
        if (c == '-')
        {
            // -1, -foo; "- " is a sequence entry and "-" alone or before a flow indicator is left to YamlDotNet.
            return at + 1 < line.Length && line[at + 1] is not ' ' and not ',' and not '[' and not ']' and not '{' and not '}';
        }

        // "?x" and ":x" are plain scalars to YAML 1.2 and not to every YAML 1.1 reader: left to YamlDotNet.
        return c is not ('?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or ' ');
    }

    /// <summary>Spaces and at most a comment to the end of the line.</summary>
    private bool RestIsEmpty(int at)
    {
        var line = LineSpan(_line);
        if (at < line.Length && line[at] != ' ')
        {
            return false;
        }

        var rest = line[at..].TrimStart(' ');
        return rest.Length == 0 || rest[0] == '#';
    }

    /// <summary>
    /// A single-quoted scalar ('' is a quote) or a double-quoted one without escapes, closed on this line; after it, a
    /// space, a flow indicator, a colon or the line's end.
    /// </summary>
    private bool ScanQuoted(ReadOnlySpan<char> line, ref int at, out string value)
    {
        value = string.Empty;
        var quote = line[at];
        var start = at + 1;
        if (quote == '"')
        {
            var close = line[start..].IndexOfAny('"', '\\');
            if (close < 0 || line[start + close] == '\\')
            {
                return false;
            }

            value = Share(line.Slice(start, close), alwaysShare: false);
            at = start + close + 1;
        }
        else
        {
            var builder = new System.Text.StringBuilder();
            var i = start;
            while (true)
            {
                var close = line[i..].IndexOf('\'');
                if (close < 0)
                {
                    return false;
                }

                builder.Append(line.Slice(i, close));
                i += close + 1;
                if (i < line.Length && line[i] == '\'')
                {
                    builder.Append('\'');
                    i++;
                    continue;
                }

                break;
            }

            value = builder.ToString();
            at = i;
        }

        return at >= line.Length || line[at] is ' ' or ',' or ']' or '}' or ':';
    }

    /// <summary>A flow mapping or sequence, or a scalar inside one, closed on this line.</summary>
    private bool ReadFlowNode(ref int at, int depth, out JsonNode? node)
    {
        node = null;
        if (depth > MaxDepth)
        {
            return false;
        }

        var line = LineSpan(_line);
        SkipSpaces(line, ref at);
        if (at >= line.Length)
        {
            return false;
        }

        switch (line[at])
        {
            case '{':
            {
                var mapping = new JsonObject();
                if (OpensEmpty(line, ref at, '}'))
                {
                    node = mapping;
                    return true;
                }

                while (true)
                {
                    SkipSpaces(line, ref at);
                    if (!ReadFlowKey(line, ref at, out var key) || mapping.ContainsKey(key))
                    {
                        return false;
                    }

                    SkipSpaces(line, ref at);
                    if (at + 1 >= line.Length || line[at] != ':' || line[at + 1] != ' ')
                    {
                        // "key:value" after a quoted key is JSON's way, which YAML readers differ on: left to YamlDotNet.
                        return false;
                    }

                    at++;
                    SkipSpaces(line, ref at);
                    if (at >= line.Length || line[at] is ',' or '}')
                    {
                        return false;
                    }

                    if (!ReadFlowNode(ref at, depth + 1, out var value))
                    {
                        return false;
                    }

                    mapping[key] = value;
                    if (!FlowSeparator(line, ref at, '}', out var closed))
                    {
                        return false;
                    }

                    if (closed)
                    {
                        node = mapping;
                        return true;
                    }
                }
            }

            case '[':
            {
                var array = new JsonArray();
                if (OpensEmpty(line, ref at, ']'))
                {
                    node = array;
                    return true;
                }

                while (true)
                {
                    if (!ReadFlowNode(ref at, depth + 1, out var item))
                    {
                        return false;
                    }

                    array.Add(item);
                    if (!FlowSeparator(line, ref at, ']', out var closed))
                    {
                        return false;
                    }

                    if (closed)
                    {
                        node = array;
                        return true;
                    }
                }
            }

            default:
                return ReadFlowScalar(line, ref at, out node);
        }
    }

    /// <summary>Moves past an opening bracket; true, and past the closing one, when nothing is between them.</summary>
    private static bool OpensEmpty(ReadOnlySpan<char> line, ref int at, char close)
    {
        at++;
        SkipSpaces(line, ref at);
        if (at < line.Length && line[at] == close)
        {
            at++;
            return true;
        }

        return false;
    }

    /// <summary>After a flow entry: "," and another entry (not the closing bracket: no trailing comma), or the closing bracket.</summary>
    private static bool FlowSeparator(ReadOnlySpan<char> line, ref int at, char close, out bool closed)
    {
        closed = false;
        SkipSpaces(line, ref at);
        if (at >= line.Length)
        {
            return false;
        }

        if (line[at] == close)
        {
            at++;
            closed = true;
            return true;
        }

        if (line[at] != ',')
        {
            return false;
        }

        at++;
        SkipSpaces(line, ref at);
        return at < line.Length && line[at] != close && line[at] != ',';
    }

    private static void SkipSpaces(ReadOnlySpan<char> line, ref int at)
    {
        while (at < line.Length && line[at] == ' ')
        {
            at++;
        }
    }

    /// <summary>
    /// A scalar in a flow collection: quoted (its value in <paramref name="quoted"/>), or plain up to a flow indicator
    /// or ": " (its text in <paramref name="plain"/>). A plain one holding a colon or a comment is left to YamlDotNet.
    /// </summary>
    private bool ScanFlowScalar(ReadOnlySpan<char> line, ref int at, out string? quoted, out ReadOnlySpan<char> plain)
    {
        quoted = null;
        plain = default;
        if (at >= line.Length)
        {
            return false;
        }

        if (line[at] is '"' or '\'')
        {
            return ScanQuoted(line, ref at, out quoted);
        }

        if (!IsPlainStart(line, at))
        {
            return false;
        }

        var start = at;
        while (at < line.Length && line[at] is not (',' or '[' or ']' or '{' or '}' or ':' or '#'))
        {
            at++;
        }

        if (at < line.Length && line[at] is ':' && !(at + 1 >= line.Length || line[at + 1] is ' ' or ',' or '}' or ']'))
        {
            // "a:b" is one scalar in YAML; rare in manifests (URLs, IPv6): left to YamlDotNet.
            return false;
        }

        if (at < line.Length && line[at] is '#' or '[' or '{')
        {
            return false;
        }

        plain = line[start..at].TrimEnd(' ');
        return plain.Length > 0;
    }

    /// <summary>A flow mapping's key: quoted, or plain and typed as a string.</summary>
    private bool ReadFlowKey(ReadOnlySpan<char> line, ref int at, out string key)
    {
        key = string.Empty;
        if (!ScanFlowScalar(line, ref at, out var quoted, out var plain))
        {
            return false;
        }

        key = Share(quoted ?? plain, alwaysShare: true);
        return quoted is not null || Resolve(key).Kind == YamlScalarKind.String;
    }

    /// <summary>A scalar value in a flow collection, typed as <see cref="YamlManifestReader"/> types it.</summary>
    private bool ReadFlowScalar(ReadOnlySpan<char> line, ref int at, out JsonNode? node)
    {
        node = null;
        if (!ScanFlowScalar(line, ref at, out var quoted, out var plain))
        {
            return false;
        }

        if (quoted is not null)
        {
            node = JsonValue.Create(quoted);
            return true;
        }

        return ToJson(plain, out node);
    }

    /// <summary>Types a plain scalar as <see cref="YamlManifestReader"/> does, including its YAML 1.2 booleans option.</summary>
    private YamlScalar Resolve(string value)
    {
        var plain = YamlScalarResolver.ResolvePlain(value);
        return !_yaml11Booleans && plain.Kind == YamlScalarKind.Bool && !YamlScalarResolver.IsCoreSchemaBool(value)
            ? new YamlScalar(YamlScalarKind.String, value)
            : plain;
    }

    private bool ToJson(ReadOnlySpan<char> text, out JsonNode? node) => YamlManifestReader.TryScalarToJson(Resolve(Share(text, alwaysShare: false)), out node);

    /// <summary>One string per short text (keys always): values repeat across a world's objects.</summary>
    private string Share(ReadOnlySpan<char> text, bool alwaysShare)
    {
        if (!alwaysShare && text.Length > MaxSharedLength)
        {
            return text.ToString();
        }

        if (_stringLookup.TryGetValue(text, out var shared))
        {
            return shared;
        }

        var made = text.ToString();
        if (_strings.Count < MaxSharedStrings)
        {
            _strings[made] = made;
        }

        return made;
    }

    private string Share(string text, bool alwaysShare) => Share(text.AsSpan(), alwaysShare);
}
