using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Serialization;

/// <summary>
/// Writes JSON as YAML the way go-yaml v2's emitter (a libyaml port, via sigs.k8s.io/yaml) writes it for
/// <c>kubectl get -o yaml</c>: block style, 2-space indent, list items at their parent key's indent, strings quoted only
/// when needed, multi-line strings as literal blocks, long strings folded after column 80.
/// </summary>
internal sealed class YamlManifestWriter
{
    private const int BestIndent = 2;
    private const int BestWidth = 80;

    private readonly StringBuilder _out = new();
    private int _column;

    private enum Style
    {
        Plain,
        SingleQuoted,
        DoubleQuoted,
        Literal,
    }

    public static string Write(JsonNode? node)
    {
        var writer = new YamlManifestWriter();
        writer.WriteRoot(node);
        return writer._out.ToString();
    }

    private void WriteRoot(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject { Count: > 0 } mapping:
                WriteMapping(mapping, indent: 0, sameLine: false);
                break;
            case JsonArray { Count: > 0 } sequence:
                WriteSequence(sequence, indent: 0, sameLine: false);
                break;
            default:
                WriteFlowOrScalar(node, continuationIndent: BestIndent, leadingSpace: false);
                break;
        }

        if (_column != 0)
        {
            Put('\n');
        }
    }

    private void WriteMapping(JsonObject mapping, int indent, bool sameLine)
    {
        var first = true;
        foreach (var (key, value) in mapping)
        {
            Indent(indent, newLine: !(first && sameLine));
            first = false;
            WriteString(key, continuationIndent: indent + BestIndent, isKey: true, leadingSpace: false);
            Put(':');
            switch (value)
            {
                case JsonObject { Count: > 0 } child:
                    WriteMapping(child, indent + BestIndent, sameLine: false);
                    break;
                case JsonArray { Count: > 0 } list:
                    // go-yaml writes a list under a key without indenting it ("indentless" sequence).
                    WriteSequence(list, indent, sameLine: false);
                    break;
                default:
                    WriteFlowOrScalar(value, indent + BestIndent, leadingSpace: true);
                    break;
            }
        }
    }

    private void WriteSequence(JsonArray sequence, int indent, bool sameLine)
    {
        var first = true;
        foreach (var item in sequence)
        {
            Indent(indent, newLine: !(first && sameLine));
            first = false;
            Put('-');
            switch (item)
            {
                case JsonObject { Count: > 0 } child:
                    WriteMapping(child, indent + BestIndent, sameLine: true);
                    break;
                case JsonArray { Count: > 0 } list:
                    WriteSequence(list, indent + BestIndent, sameLine: true);
                    break;
                default:
                    WriteFlowOrScalar(item, indent + BestIndent, leadingSpace: true);
                    break;
            }
        }
    }

    private void WriteFlowOrScalar(JsonNode? node, int continuationIndent, bool leadingSpace)
    {
        var text = node switch
        {
            null => "null",
            JsonObject => "{}",
            JsonArray => "[]",
            JsonValue value => ScalarText(value),
            _ => throw new ArgumentException($"unsupported JSON node {node.GetType().Name}", nameof(node)),
        };
        if (text is null)
        {
            WriteString(StringValue((JsonValue)node!), continuationIndent, isKey: false, leadingSpace);
            return;
        }

        if (leadingSpace)
        {
            Put(' ');
        }

        PutText(text);
    }

    /// <summary>The plain text of a non-string scalar, or null for a string.</summary>
    private static string? ScalarText(JsonValue value)
    {
        if (value.TryGetValue<double>(out var number) && !double.IsFinite(number))
        {
            return GoNumberFormat.Yaml(number);
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Null:
                return "null";
            case JsonValueKind.Number:
                // JSON text read back as YAML, as sigs.k8s.io/yaml's JSONToYAML does: ints stay ints, floats print as Go's %g.
                var json = value.ToJsonString();
                var resolved = YamlScalarResolver.ResolvePlain(json);
                return resolved.Kind switch
                {
                    YamlScalarKind.Int => resolved.Int.ToString(CultureInfo.InvariantCulture),
                    YamlScalarKind.UInt => resolved.UInt.ToString(CultureInfo.InvariantCulture),
                    YamlScalarKind.Float => GoNumberFormat.Yaml(resolved.Float),
                    _ => json,
                };
            default:
                return null;
        }
    }

    private static string StringValue(JsonValue value)
        => value.TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString()) ?? string.Empty;

    private void WriteString(string text, int continuationIndent, bool isKey, bool leadingSpace)
    {
        var runes = text.EnumerateRunes().ToArray();
        var analysis = Analyze(runes);
        Style style;
        if (text.Contains('\n', StringComparison.Ordinal))
        {
            style = isKey || !analysis.BlockAllowed ? Style.DoubleQuoted : Style.Literal;
        }
        else if (!YamlScalarResolver.NeedsQuotesToStayString(text))
        {
            style = analysis.BlockPlainAllowed ? Style.Plain : analysis.SingleQuotedAllowed ? Style.SingleQuoted : Style.DoubleQuoted;
        }
        else
        {
            style = Style.DoubleQuoted;
        }

        if (leadingSpace)
        {
            Put(' ');
        }

        var allowBreaks = !isKey;
        switch (style)
        {
            case Style.Plain:
                WritePlain(runes, continuationIndent, allowBreaks);
                break;
            case Style.SingleQuoted:
                WriteSingleQuoted(runes, continuationIndent, allowBreaks);
                break;
            case Style.DoubleQuoted:
                WriteDoubleQuoted(runes, continuationIndent, allowBreaks);
                break;
            default:
                WriteLiteral(runes, continuationIndent);
                break;
        }
    }

    private void WritePlain(Rune[] runes, int indent, bool allowBreaks)
    {
        var spaces = false;
        for (var i = 0; i < runes.Length; i++)
        {
            if (runes[i].Value == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && !IsSpaceAt(runes, i + 1))
                {
                    Indent(indent, newLine: true);
                }
                else
                {
                    Put(' ');
                }

                spaces = true;
            }
            else
            {
                Put(runes[i]);
                spaces = false;
            }
        }
    }

    private void WriteSingleQuoted(Rune[] runes, int indent, bool allowBreaks)
    {
        Put('\'');
        var spaces = false;
        for (var i = 0; i < runes.Length; i++)
        {
            if (runes[i].Value == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i != 0 && i != runes.Length - 1 && !IsSpaceAt(runes, i + 1))
                {
                    Indent(indent, newLine: true);
                }
                else
                {
                    Put(' ');
                }

                spaces = true;
            }
            else
            {
                Put(runes[i]);
                if (runes[i].Value == '\'')
                {
                    Put('\'');
                }

                spaces = false;
            }
        }

        Put('\'');
    }

    private void WriteDoubleQuoted(Rune[] runes, int indent, bool allowBreaks)
    {
        Put('"');
        var spaces = false;
        for (var i = 0; i < runes.Length; i++)
        {
            var c = runes[i].Value;
            if (!IsPrintable(c) || c == 0xFEFF || IsBreak(c) || c == '"' || c == '\\')
            {
                PutText(Escape(c));
                spaces = false;
            }
            else if (c == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i != 0 && i != runes.Length - 1)
                {
                    Indent(indent, newLine: true);
                    if (IsSpaceAt(runes, i + 1))
                    {
                        Put('\\');
                    }
                }
                else
                {
                    Put(' ');
                }

                spaces = true;
            }
            else
            {
                Put(runes[i]);
                spaces = false;
            }
        }

        Put('"');
    }

    private static string Escape(int c) => c switch
    {
        0x00 => "\\0",
        0x07 => "\\a",
        0x08 => "\\b",
        0x09 => "\\t",
        0x0A => "\\n",
        0x0B => "\\v",
        0x0C => "\\f",
        0x0D => "\\r",
        0x1B => "\\e",
        '"' => "\\\"",
        '\\' => "\\\\",
        0x85 => "\\N",
        0xA0 => "\\_",
        0x2028 => "\\L",
        0x2029 => "\\P",
        <= 0xFF => "\\x" + c.ToString("X2", CultureInfo.InvariantCulture),
        <= 0xFFFF => "\\u" + c.ToString("X4", CultureInfo.InvariantCulture),
        _ => "\\U" + c.ToString("X8", CultureInfo.InvariantCulture),
    };

    private void WriteLiteral(Rune[] runes, int indent)
    {
        Put('|');
        if (runes.Length > 0 && (runes[0].Value == ' ' || IsBreak(runes[0].Value)))
        {
            PutText(BestIndent.ToString(CultureInfo.InvariantCulture));
        }

        if (runes.Length == 0 || !IsBreak(runes[^1].Value))
        {
            Put('-');
        }
        else if (runes.Length == 1 || IsBreak(runes[^2].Value))
        {
            Put('+');
        }

        Put('\n');
        var breaks = true;
        foreach (var rune in runes)
        {
            if (IsBreak(rune.Value))
            {
                Put('\n');
                breaks = true;
            }
            else
            {
                if (breaks)
                {
                    Indent(indent, newLine: false);
                }

                Put(rune);
                breaks = false;
            }
        }
    }

    private void Indent(int indent, bool newLine)
    {
        if (newLine && _column != 0)
        {
            Put('\n');
        }

        while (_column < indent)
        {
            Put(' ');
        }
    }

    private void Put(char c)
    {
        _out.Append(c);
        _column = c == '\n' ? 0 : _column + 1;
    }

    private void Put(Rune rune)
    {
        _out.Append(rune.ToString());
        _column++;
    }

    private void PutText(string text)
    {
        foreach (var c in text)
        {
            Put(c);
        }
    }

    private static bool IsSpaceAt(Rune[] runes, int i) => i < runes.Length && runes[i].Value == ' ';

    private static bool IsBreak(int c) => c is '\r' or '\n' or 0x85 or 0x2028 or 0x2029;

    private static bool IsBlankOrEnd(Rune[] runes, int i)
        => i >= runes.Length || runes[i].Value is ' ' or '\t' or 0 || IsBreak(runes[i].Value);

    /// <summary>libyaml's printable set as go-yaml v2 checks it: characters outside the BMP count as unprintable.</summary>
    private static bool IsPrintable(int c)
        => c == 0x0A || c is >= 0x20 and <= 0x7E || c is >= 0xA0 and <= 0xD7FF || (c is >= 0xE000 and <= 0xFFFD && c != 0xFEFF);

    private readonly record struct ScalarAnalysis(bool BlockPlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed);

    /// <summary>yaml_emitter_analyze_scalar: which styles can carry the text unchanged.</summary>
    private static ScalarAnalysis Analyze(Rune[] runes)
    {
        if (runes.Length == 0)
        {
            return new ScalarAnalysis(BlockPlainAllowed: true, SingleQuotedAllowed: true, BlockAllowed: false);
        }

        bool blockIndicators = false, lineBreaks = false, special = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
        bool breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
        if (runes.Length >= 3
            && ((runes[0].Value == '-' && runes[1].Value == '-' && runes[2].Value == '-')
                || (runes[0].Value == '.' && runes[1].Value == '.' && runes[2].Value == '.')))
        {
            blockIndicators = true;
        }

        var precededByWhitespace = true;
        var followedByWhitespace = IsBlankOrEnd(runes, 1);
        for (var i = 0; i < runes.Length; i++)
        {
            var c = runes[i].Value;
            var first = i == 0;
            var last = i == runes.Length - 1;
            if (first)
            {
                if (c is '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`')
                {
                    blockIndicators = true;
                }

                if (c is '?' or ':' or '-' && followedByWhitespace)
                {
                    blockIndicators = true;
                }
            }
            else if ((c == ':' && followedByWhitespace) || (c == '#' && precededByWhitespace))
            {
                blockIndicators = true;
            }

            if (!IsPrintable(c))
            {
                special = true;
            }

            if (IsBreak(c))
            {
                lineBreaks = true;
            }

            if (c == ' ')
            {
                leadingSpace |= first;
                trailingSpace |= last;
                breakSpace |= previousBreak;
                previousSpace = true;
                previousBreak = false;
            }
            else if (IsBreak(c))
            {
                leadingBreak |= first;
                trailingBreak |= last;
                spaceBreak |= previousSpace;
                previousBreak = true;
                previousSpace = false;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }

            precededByWhitespace = IsBlankOrEnd(runes, i);
            followedByWhitespace = IsBlankOrEnd(runes, i + 2);
        }

        bool blockPlain = true, singleQuoted = true, block = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
        {
            blockPlain = false;
        }

        if (trailingSpace)
        {
            block = false;
        }

        if (breakSpace)
        {
            blockPlain = false;
            singleQuoted = false;
        }

        if (spaceBreak || special)
        {
            blockPlain = false;
            singleQuoted = false;
            block = false;
        }

        if (lineBreaks || blockIndicators)
        {
            blockPlain = false;
        }

        return new ScalarAnalysis(blockPlain, singleQuoted, block);
    }
}
