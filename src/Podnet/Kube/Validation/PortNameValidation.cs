using System.Text.RegularExpressions;

namespace Podnet.Kube.Validation;

/// <summary>
/// apimachinery's validation.IsValidPortName: an IANA_SVC_NAME (RFC 6335) in lower case, at most 15 bytes, with a
/// letter, no leading, trailing or doubled hyphen. Container ports and NetworkPolicy named ports are checked by it.
/// </summary>
public static partial class PortNameValidation
{
    /// <summary>Every message IsValidPortName gives for <paramref name="name"/>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Errors(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var errors = new List<string>();
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 15)
        {
            errors.Add("must be no more than 15 bytes");
        }

        if (!Charset().IsMatch(name))
        {
            errors.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!OneLetter().IsMatch(name))
        {
            errors.Add("must contain at least one letter (a-z)");
        }

        if (name.Contains("--", StringComparison.Ordinal))
        {
            errors.Add("must not contain consecutive hyphens");
        }

        if (name.Length > 0 && (name[0] == '-' || name[^1] == '-'))
        {
            errors.Add("must not begin or end with a hyphen");
        }

        return errors;
    }

    [GeneratedRegex("^[-a-z0-9]+$")]
    private static partial Regex Charset();

    [GeneratedRegex("[a-z]")]
    private static partial Regex OneLetter();
}
