using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Podnet.Kube.Selectors;

/// <summary>
/// A Kubernetes field selector (fields.Selector), parsed as fields.ParseSelector does: comma-separated terms
/// "field=value", "field==value" or "field!=value", all of which must match. In a value, "\\", "\," and "\=" stand
/// for '\', ',' and '='; an unescaped ',' splits terms and an unescaped '=' in a value is an error. The field part
/// has no escapes: the first "!=", "==" or "=" splits it off. Immutable.
/// </summary>
public sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldRequirement> requirements)
    {
        Requirements = requirements;
    }

    /// <summary>The empty selector; matches every object.</summary>
    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The terms, in the order apimachinery keeps them (sorted by their source text).</summary>
    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool IsEverything => Requirements.Count == 0;

    /// <summary>
    /// Parses "metadata.name=foo,spec.nodeName!=,status.phase==Running". Empty text is <see cref="Everything"/>.
    /// Throws <see cref="SelectorException"/>: "invalid selector: '&lt;text&gt;'; can't understand '&lt;term&gt;'" for a term
    /// without an operator, "invalid field selector: invalid escape sequence: \x" for a bad escape, and
    /// "invalid field selector: unescaped character in value: 61" for a bare '=' or ',' in a value (sic: Go prints
    /// the rune with %v, i.e. its code point).
    /// </summary>
    public static FieldSelector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = SplitTerms(text);
        terms.Sort(StringComparer.Ordinal);
        var requirements = new List<FieldRequirement>(terms.Count);
        foreach (var term in terms)
        {
            if (term.Length == 0)
            {
                continue;
            }

            if (!TrySplitTerm(term, out var field, out var op, out var rawValue))
            {
                throw new SelectorException($"invalid selector: '{text}'; can't understand '{term}'");
            }

            requirements.Add(new FieldRequirement(field, op != "!=", UnescapeValue(rawValue)));
        }

        return requirements.Count == 0 ? Everything : new FieldSelector(requirements);
    }

    /// <summary>Parse without throwing; <paramref name="error"/> is the message <see cref="Parse"/> would throw.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out FieldSelector? selector, [NotNullWhen(false)] out string? error)
    {
        try
        {
            selector = Parse(text);
            error = null;
            return true;
        }
        catch (SelectorException e)
        {
            selector = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// True when every term matches. <paramref name="fieldValue"/> gives the object's value for a field path
    /// ("metadata.name") and null when the object has no such field, which compares as "".
    /// </summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        foreach (var requirement in Requirements)
        {
            if (!requirement.Matches(fieldValue))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The value an "=" term requires of <paramref name="field"/> (fields.Selector.RequiresExactMatch), e.g. to
    /// serve "spec.nodeName=node-1" from an index.
    /// </summary>
    public bool TryGetExactMatch(string field, [NotNullWhen(true)] out string? value)
    {
        foreach (var requirement in Requirements)
        {
            if (requirement.Equal && string.Equals(requirement.Field, field, StringComparison.Ordinal))
            {
                value = requirement.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The terms joined by ","; "==" prints as "=" and values are escaped, as fields.Selector.String() does.</summary>
    public override string ToString() => string.Join(",", Requirements.Select(r => r.ToString()));

    /// <summary>fields.EscapeValue: '\' → "\\", ',' → "\,", '=' → "\=".</summary>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '\\' or ',' or '=')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>fields.UnescapeValue; throws <see cref="SelectorException"/> with apimachinery's messages.</summary>
    public static string UnescapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length);
        var inSlash = false;
        foreach (var c in value)
        {
            if (inSlash)
            {
                if (c is not ('\\' or ',' or '='))
                {
                    throw new SelectorException($"invalid field selector: invalid escape sequence: \\{c}");
                }

                sb.Append(c);
                inSlash = false;
                continue;
            }

            switch (c)
            {
                case '\\':
                    inSlash = true;
                    break;
                case ',':
                case '=':
                    throw new SelectorException(
                        "invalid field selector: unescaped character in value: " + ((int)c).ToString(CultureInfo.InvariantCulture));
                default:
                    sb.Append(c);
                    break;
            }
        }

        if (inSlash)
        {
            throw new SelectorException("invalid field selector: invalid escape sequence: \\");
        }

        return sb.ToString();
    }

    // fields.splitTerms: split on unescaped commas, keeping the backslashes.
    private static List<string> SplitTerms(string text)
    {
        var terms = new List<string>();
        if (text.Length == 0)
        {
            return terms;
        }

        var start = 0;
        var inSlash = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inSlash)
            {
                inSlash = false;
            }
            else if (c == '\\')
            {
                inSlash = true;
            }
            else if (c == ',')
            {
                terms.Add(text[start..i]);
                start = i + 1;
            }
        }

        terms.Add(text[start..]);
        return terms;
    }

    // fields.splitTerm: the first position where "!=", "==" or "=" (in that order of preference) starts.
    private static bool TrySplitTerm(string term, out string field, out string op, out string value)
    {
        string[] operators = ["!=", "==", "="];
        for (var i = 0; i < term.Length; i++)
        {
            foreach (var candidate in operators)
            {
                if (string.CompareOrdinal(term, i, candidate, 0, candidate.Length) == 0)
                {
                    field = term[..i];
                    op = candidate;
                    value = term[(i + candidate.Length)..];
                    return true;
                }
            }
        }

        field = op = value = string.Empty;
        return false;
    }
}
