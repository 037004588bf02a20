using System.Text;

namespace Podnet.Kube.Selectors;

/// <summary>
/// Label key and value validation as k8s.io/apimachinery/pkg/util/validation does it (IsQualifiedName,
/// IsValidLabelValue), with the same messages. Lengths are counted in UTF-8 bytes, as Go's len() does.
/// </summary>
public static class LabelValidation
{
    public const int NameMaxLength = 63;
    public const int PrefixMaxLength = 253;
    public const int ValueMaxLength = 63;

    private const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string QualifiedNameErrMsg =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";
    private const string LabelValueErrMsg =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private const string Dns1123SubdomainErrMsg =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    /// <summary>Null when <paramref name="key"/> is a valid label key, else the messages joined with "; ".</summary>
    public static string? ValidateKey(string key)
    {
        var errors = KeyErrors(key);
        return errors.Count == 0 ? null : string.Join("; ", errors);
    }

    /// <summary>Null when <paramref name="value"/> is a valid label value, else the messages joined with "; ".</summary>
    public static string? ValidateValue(string value)
    {
        var errors = ValueErrors(value);
        return errors.Count == 0 ? null : string.Join("; ", errors);
    }

    /// <summary>Every message IsQualifiedName gives for <paramref name="key"/>; empty when valid.</summary>
    public static IReadOnlyList<string> KeyErrors(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var errors = new List<string>();
        var parts = key.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    errors.Add("prefix part must be non-empty");
                }
                else
                {
                    errors.AddRange(Dns1123SubdomainErrors(prefix).Select(e => "prefix part " + e));
                }

                break;
            default:
                errors.Add("a qualified name " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errors;
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (ByteLength(name) > NameMaxLength)
        {
            errors.Add("name part " + MaxLenError(NameMaxLength));
        }

        if (!IsQualifiedNamePart(name))
        {
            errors.Add("name part " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"));
        }

        return errors;
    }

    /// <summary>Every message IsValidLabelValue gives for <paramref name="value"/>; empty when valid.</summary>
    public static IReadOnlyList<string> ValueErrors(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (ByteLength(value) > ValueMaxLength)
        {
            errors.Add(MaxLenError(ValueMaxLength));
        }

        if (value.Length != 0 && !IsQualifiedNamePart(value))
        {
            errors.Add(RegexError(LabelValueErrMsg, LabelValueFmt, "MyValue", "my_value", "12345"));
        }

        return errors;
    }

    /// <summary>apimachinery's IsDNS1123Subdomain: its error texts for <paramref name="value"/> (none when valid).</summary>
    public static List<string> Dns1123SubdomainErrors(string value)
    {
        var errors = new List<string>();
        if (ByteLength(value) > PrefixMaxLength)
        {
            errors.Add(MaxLenError(PrefixMaxLength));
        }

        if (!IsDns1123Subdomain(value))
        {
            errors.Add(RegexError(Dns1123SubdomainErrMsg, Dns1123SubdomainFmt, "example.com"));
        }

        return errors;
    }

    /// <summary>^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$</summary>
    private static bool IsQualifiedNamePart(string name)
    {
        if (name.Length == 0 || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$</summary>
    private static bool IsDns1123Subdomain(string value)
    {
        foreach (var label in value.Split('.'))
        {
            if (label.Length == 0 || !IsLowerAlnum(label[0]) || !IsLowerAlnum(label[^1]))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!IsLowerAlnum(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    private static int ByteLength(string s) => Encoding.UTF8.GetByteCount(s);

    private static string MaxLenError(int length) => $"must be no more than {length} characters";

    // validation.RegexError: each example is followed by "', " and joined by " or ", hence the double spaces.
    private static string RegexError(string message, string format, params string[] examples)
    {
        var sb = new StringBuilder(message).Append(" (e.g. ");
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(" or ");
            }

            sb.Append('\'').Append(examples[i]).Append("', ");
        }

        return sb.Append("regex used for validation is '").Append(format).Append("')").ToString();
    }
}
