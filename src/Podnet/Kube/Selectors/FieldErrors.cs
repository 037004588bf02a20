using System.Globalization;
using System.Text;

namespace Podnet.Kube.Selectors;

/// <summary>
/// Formats validation errors the way k8s.io/apimachinery/pkg/util/validation/field does
/// (<c>path: Invalid value: "v": detail</c>) and joins them like utilerrors.NewAggregate.
/// </summary>
internal static class FieldErrors
{
    /// <summary>What a nil <c>*field.Path</c> prints as; the label parser validates keys with a nil path.</summary>
    public const string NilPath = "<nil>";

    public static string Invalid(string path, string value, string detail)
        => $"{path}: Invalid value: {GoQuote(value)}: {detail}";

    /// <summary>An invalid list value, rendered as JSON like field.Error does for slices.</summary>
    public static string Invalid(string path, IReadOnlyList<string> values, string detail)
        => $"{path}: Invalid value: [{string.Join(",", values.Select(GoQuote))}]: {detail}";

    public static string Required(string path, string detail) => $"{path}: Required value: {detail}";

    public static string Forbidden(string path, string detail) => $"{path}: Forbidden: {detail}";

    public static string Child(string? path, string name) => string.IsNullOrEmpty(path) ? name : path + "." + name;

    public static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    public static string Key(string path, string key) => path + "[" + key + "]";

    /// <summary>One message for one error, "[a, b]" for several, duplicates dropped (utilerrors.aggregate.Error).</summary>
    public static string Aggregate(IReadOnlyList<string> errors)
    {
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    /// <summary>Go's %q for the strings that appear in selectors.</summary>
    public static string GoQuote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
