using System.Globalization;
using System.Text.RegularExpressions;

namespace Podnet.Kube.Serialization;

internal enum YamlScalarKind
{
    String,
    Null,
    Bool,
    Int,
    UInt,
    Float,
    Timestamp,
}

internal readonly record struct YamlScalar(YamlScalarKind Kind, string Text, bool Bool = false, long Int = 0, ulong UInt = 0, double Float = 0);

/// <summary>
/// Types a YAML scalar the way go-yaml v2 (resolve.go, YAML 1.1 flavour) does, which is what sigs.k8s.io/yaml and
/// therefore kubectl use: yes/no/on/off/y/n are booleans, 0777 is octal, 1.20 is the float 1.2, timestamps stay strings.
/// </summary>
internal static partial class YamlScalarResolver
{
    public const string TagPrefix = "tag:yaml.org,2002:";
    public const string StrTag = TagPrefix + "str";
    public const string BoolTag = TagPrefix + "bool";
    public const string IntTag = TagPrefix + "int";
    public const string FloatTag = TagPrefix + "float";
    public const string NullTag = TagPrefix + "null";
    public const string TimestampTag = TagPrefix + "timestamp";
    public const string BinaryTag = TagPrefix + "binary";
    public const string MergeTag = TagPrefix + "merge";
    public const string MapTag = TagPrefix + "map";
    public const string SeqTag = TagPrefix + "seq";

    private static readonly Dictionary<string, YamlScalar> Known = BuildKnown();

    private static Dictionary<string, YamlScalar> BuildKnown()
    {
        var known = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
        foreach (var s in new[] { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" })
        {
            known[s] = new YamlScalar(YamlScalarKind.Bool, s, Bool: true);
        }

        foreach (var s in new[] { "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" })
        {
            known[s] = new YamlScalar(YamlScalarKind.Bool, s, Bool: false);
        }

        foreach (var s in new[] { "", "~", "null", "Null", "NULL" })
        {
            known[s] = new YamlScalar(YamlScalarKind.Null, s);
        }

        foreach (var s in new[] { ".nan", ".NaN", ".NAN" })
        {
            known[s] = new YamlScalar(YamlScalarKind.Float, s, Float: double.NaN);
        }

        foreach (var s in new[] { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" })
        {
            known[s] = new YamlScalar(YamlScalarKind.Float, s, Float: double.PositiveInfinity);
        }

        foreach (var s in new[] { "-.inf", "-.Inf", "-.INF" })
        {
            known[s] = new YamlScalar(YamlScalarKind.Float, s, Float: double.NegativeInfinity);
        }

        return known;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlStyleFloat();

    [GeneratedRegex(@"^\.[0-9]+([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DotFloat();

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Base60Float();

    [GeneratedRegex(@"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(?:Z|[+-]([0-9]{2}):([0-9]{2})))|(?: ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Timestamp();

    /// <summary>Types a plain (unquoted, untagged) scalar.</summary>
    public static YamlScalar ResolvePlain(string text) => ResolveImplicit(text, allowTimestamp: true);

    /// <summary>The spellings YAML 1.2's core schema reads as booleans (yes/no/on/off/y/n are YAML 1.1 only).</summary>
    public static bool IsCoreSchemaBool(string text) => text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE";

    /// <summary>
    /// Types a scalar carrying a tag (long form, e.g. tag:yaml.org,2002:int). Tags other than the core ones leave the text a
    /// string, as go-yaml v2 does. Returns an error text when the value can't have the tag ("cannot decode !!str `x` as a !!int").
    /// </summary>
    public static YamlScalar ResolveTagged(string tag, string text, out string? error)
    {
        error = null;
        switch (tag)
        {
            case StrTag:
            case BinaryTag:
                return new YamlScalar(YamlScalarKind.String, text);
            case BoolTag:
            case IntTag:
            case FloatTag:
            case NullTag:
            case TimestampTag:
                break;
            default:
                return new YamlScalar(YamlScalarKind.String, text);
        }

        var resolved = ResolveImplicit(text, allowTimestamp: tag == TimestampTag);
        var wanted = tag switch
        {
            BoolTag => YamlScalarKind.Bool,
            IntTag => YamlScalarKind.Int,
            FloatTag => YamlScalarKind.Float,
            NullTag => YamlScalarKind.Null,
            _ => YamlScalarKind.Timestamp,
        };
        if (resolved.Kind == wanted || (wanted == YamlScalarKind.Int && resolved.Kind == YamlScalarKind.UInt))
        {
            return resolved;
        }

        if (wanted == YamlScalarKind.Float && resolved.Kind == YamlScalarKind.Int)
        {
            return resolved with { Kind = YamlScalarKind.Float, Float = resolved.Int };
        }

        error = $"cannot decode {ShortTag(resolved.Kind)} `{text}` as a !!{tag[TagPrefix.Length..]}";
        return resolved;
    }

    /// <summary>
    /// True when a string must be quoted to read back as a string: it would resolve to another type, or looks like a
    /// YAML 1.1 base-60 number (go-yaml v2 quotes those for other parsers' sake), or is the merge key.
    /// </summary>
    public static bool NeedsQuotesToStayString(string text)
        => ResolveImplicit(text, allowTimestamp: true).Kind != YamlScalarKind.String
           || Base60Float().IsMatch(text)
           || text == "<<";

    private static string ShortTag(YamlScalarKind kind) => kind switch
    {
        YamlScalarKind.Null => "!!null",
        YamlScalarKind.Bool => "!!bool",
        YamlScalarKind.Int or YamlScalarKind.UInt => "!!int",
        YamlScalarKind.Float => "!!float",
        YamlScalarKind.Timestamp => "!!timestamp",
        _ => "!!str",
    };

    private static YamlScalar ResolveImplicit(string text, bool allowTimestamp)
    {
        var hint = text.Length == 0 ? 'N' : text[0] switch
        {
            '+' or '-' => 'S',
            >= '0' and <= '9' => 'D',
            'y' or 'Y' or 'n' or 'N' or 't' or 'T' or 'f' or 'F' or 'o' or 'O' or '~' => 'M',
            '.' => '.',
            _ => '\0',
        };
        if (hint == '\0')
        {
            return new YamlScalar(YamlScalarKind.String, text);
        }

        if (Known.TryGetValue(text, out var known))
        {
            return known;
        }

        if (hint == '.')
        {
            // Go's strconv.ParseFloat on the raw text; overflow to infinity is an error there, so it stays a string.
            if (DotFloat().IsMatch(text) && TryParseFiniteDouble(text, out var dot))
            {
                return new YamlScalar(YamlScalarKind.Float, text, Float: dot);
            }
        }
        else if (hint is 'D' or 'S')
        {
            if (allowTimestamp && IsTimestamp(text))
            {
                return new YamlScalar(YamlScalarKind.Timestamp, text);
            }

            var plain = text.Replace("_", string.Empty, StringComparison.Ordinal);
            if (TryParseGoInt(plain, out var signed))
            {
                return new YamlScalar(YamlScalarKind.Int, text, Int: signed);
            }

            if (TryParseGoUInt(plain, out var unsigned))
            {
                return new YamlScalar(YamlScalarKind.UInt, text, UInt: unsigned);
            }

            if (YamlStyleFloat().IsMatch(plain) && TryParseFiniteDouble(plain, out var number))
            {
                return new YamlScalar(YamlScalarKind.Float, text, Float: number);
            }
        }

        return new YamlScalar(YamlScalarKind.String, text);
    }

    private static bool TryParseFiniteDouble(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Go's strconv.ParseInt(s, 0, 64): optional sign, then 0x / 0o / 0b / leading-0 octal / decimal.</summary>
    private static bool TryParseGoInt(string s, out long value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }

        var negative = s[0] == '-';
        var body = s[0] is '-' or '+' ? s[1..] : s;
        if (!TryParseGoUInt(body, out var magnitude))
        {
            return false;
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }

        if (magnitude > long.MaxValue)
        {
            return false;
        }

        value = (long)magnitude;
        return true;
    }

    /// <summary>Go's strconv.ParseUint(s, 0, 64) (no sign accepted).</summary>
    private static bool TryParseGoUInt(string s, out ulong value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }

        var digits = s.AsSpan();
        uint radix = 10;
        if (s[0] == '0')
        {
            if (s.Length >= 3 && (s[1] | 0x20) is 'x' or 'o' or 'b')
            {
                radix = (s[1] | 0x20) switch { 'x' => 16, 'o' => 8, _ => 2 };
                digits = digits[2..];
            }
            else
            {
                radix = 8;
                digits = digits[1..];
            }
        }

        foreach (var c in digits)
        {
            var d = c switch
            {
                >= '0' and <= '9' => (uint)(c - '0'),
                >= 'a' and <= 'z' => (uint)(c - 'a' + 10),
                >= 'A' and <= 'Z' => (uint)(c - 'A' + 10),
                _ => uint.MaxValue,
            };
            if (d >= radix)
            {
                return false;
            }

            var next = (UInt128)value * radix + d;
            if (next > ulong.MaxValue)
            {
                return false;
            }

            value = (ulong)next;
        }

        return true;
    }

    /// <summary>The formats go-yaml v2 parseTimestamp accepts (Go time.Parse layouts with short date fields).</summary>
    private static bool IsTimestamp(string text)
    {
        var match = Timestamp().Match(text);
        if (!match.Success)
        {
            return false;
        }

        int Group(int i) => match.Groups[i].Success ? int.Parse(match.Groups[i].ValueSpan, CultureInfo.InvariantCulture) : 0;
        int year = Group(1), month = Group(2), day = Group(3);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month))
        {
            return false;
        }

        var hour = match.Groups[4].Success ? Group(4) : Group(9);
        var minute = match.Groups[4].Success ? Group(5) : Group(10);
        var second = match.Groups[4].Success ? Group(6) : Group(11);
        return hour < 24 && minute < 60 && second < 60 && Group(7) <= 24 && Group(8) <= 60;
    }
}
