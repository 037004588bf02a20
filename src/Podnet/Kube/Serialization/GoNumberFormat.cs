using System.Globalization;
using System.Text;

namespace Podnet.Kube.Serialization;

/// <summary>
/// Prints floating-point numbers the way Go does: encoding/json (what kubectl sends to the API server) and
/// strconv.FormatFloat(f, 'g', -1, bits) (what go-yaml writes, and what sigs.k8s.io/yaml makes of float keys).
/// </summary>
internal static class GoNumberFormat
{
    /// <summary>encoding/json's float64 text: plain decimal, exponent form below 1e-6 and from 1e21 ("1e+21", "1e-7").</summary>
    public static string Json(double value)
    {
        var (negative, digits, point) = Shortest(value, bits: 64);
        var abs = Math.Abs(value);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var text = Exponent(negative, digits, point);
            var e = text.IndexOf('e', StringComparison.Ordinal);
            var exponent = text[(e + 2)..].TrimStart('0');
            return text[..(e + 2)] + exponent;
        }

        return Fixed(negative, digits, point);
    }

    /// <summary>strconv.FormatFloat(value, 'g', -1, bits) for finite values ("1e+06", "1.5", "100000").</summary>
    public static string G(double value, int bits)
    {
        var (negative, digits, point) = Shortest(value, bits);
        // With the shortest precision Go switches to exponent form from an exponent of 6 (1e+06) or below -4.
        var exp = digits.Length == 0 ? -1 : point - 1;
        return exp < -4 || exp >= 6 ? Exponent(negative, digits, point) : Fixed(negative, digits, point);
    }

    /// <summary>go-yaml's float text: FormatFloat 'g' plus .inf / -.inf / .nan.</summary>
    public static string Yaml(double value) => value switch
    {
        double.PositiveInfinity => ".inf",
        double.NegativeInfinity => "-.inf",
        _ when double.IsNaN(value) => ".nan",
        _ => G(value, 64),
    };

    /// <summary>Shortest round-trip digits (no leading or trailing zeros) and the decimal point position: value = 0.digits × 10^point.</summary>
    private static (bool Negative, string Digits, int Point) Shortest(double value, int bits)
    {
        var text = bits == 32
            ? ((float)value).ToString("R", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

        var negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? text[..dot] : text;
        var fraction = dot >= 0 ? text[(dot + 1)..] : string.Empty;
        var all = intPart + fraction;
        var point = intPart.Length + exponent;
        var leading = all.Length - all.TrimStart('0').Length;
        all = all.TrimStart('0');
        point -= leading;
        all = all.TrimEnd('0');
        if (all.Length == 0)
        {
            point = 0;
        }

        return (negative, all, point);
    }

    private static string Exponent(bool negative, string digits, int point)
    {
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        sb.Append(digits.Length == 0 ? '0' : digits[0]);
        if (digits.Length > 1)
        {
            sb.Append('.').Append(digits, 1, digits.Length - 1);
        }

        var exp = digits.Length == 0 ? 0 : point - 1;
        sb.Append('e').Append(exp < 0 ? '-' : '+');
        var abs = Math.Abs(exp);
        if (abs < 10)
        {
            sb.Append('0');
        }

        sb.Append(abs.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static string Fixed(bool negative, string digits, int point)
    {
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (point > 0)
        {
            for (var i = 0; i < point; i++)
            {
                sb.Append(i < digits.Length ? digits[i] : '0');
            }
        }
        else
        {
            sb.Append('0');
        }

        if (digits.Length > point)
        {
            sb.Append('.');
            for (var i = point; i < digits.Length; i++)
            {
                sb.Append(i < 0 ? '0' : digits[i]);
            }
        }

        return sb.ToString();
    }
}
