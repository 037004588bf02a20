using System.Text;
using System.Text.Unicode;

namespace Podnet.Kube.Serialization;

/// <summary>
/// JSON text made readable as Go's <c>encoding/json</c> reads it, which the API server decodes bodies with: invalid
/// UTF-8 and an escaped surrogate without its other half (<c>"\ud800"</c>) are taken as U+FFFD, the replacement
/// character (decode.go <c>unquoteBytes</c>: "Invalid surrogate; fall back to replacement rune", and "Coerce to
/// well-formed UTF-8"). System.Text.Json refuses both, only when the string is read: such a body was an internal error.
/// </summary>
public static class GoJsonStrings
{
    private static readonly byte[] EscapeStart = "\\u"u8.ToArray();

    /// <summary>
    /// <paramref name="json"/> with every invalid UTF-8 sequence and every unpaired surrogate escape replaced by U+FFFD;
    /// the same array when it has neither (the usual case, found with two scans).
    /// </summary>
    public static byte[] ReplaceInvalid(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (Utf8.IsValid(json) && !HasSurrogateEscape(json))
        {
            return json;
        }

        // Decoding replaces invalid UTF-8 with U+FFFD; then the escapes are walked, inside strings only.
        var text = Encoding.UTF8.GetString(json);
        var output = new StringBuilder(text.Length);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!inString)
            {
                inString = c == '"';
                output.Append(c);
                continue;
            }

            if (c == '"')
            {
                inString = false;
                output.Append(c);
                continue;
            }

            if (c != '\\' || i + 1 >= text.Length)
            {
                output.Append(c);
                continue;
            }

            if (text[i + 1] != 'u' || Hex4(text, i + 2) is not { } unit)
            {
                // Any other escape, its two characters as they are (an escaped quote does not end the string).
                output.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (char.IsHighSurrogate((char)unit) && i + 11 < text.Length && text[i + 6] == '\\' && text[i + 7] == 'u'
                && Hex4(text, i + 8) is { } low && char.IsLowSurrogate((char)low))
            {
                // A pair: both escapes as they are.
                output.Append(text, i, 12);
                i += 11;
                continue;
            }

            output.Append(char.IsSurrogate((char)unit) ? "\\ufffd" : text.AsSpan(i, 6));
            i += 5;
        }

        return Encoding.UTF8.GetBytes(output.ToString());
    }

    /// <summary>Whether <paramref name="json"/> has an escape that may be a surrogate's (<c>\uD…</c>), inside a string or not.</summary>
    private static bool HasSurrogateEscape(ReadOnlySpan<byte> json)
    {
        for (var at = json.IndexOf(EscapeStart); at >= 0; at = json.IndexOf(EscapeStart))
        {
            if (at + 2 < json.Length && json[at + 2] is (byte)'d' or (byte)'D')
            {
                return true;
            }

            json = json[(at + 2)..];
        }

        return false;
    }

    /// <summary>The four hex digits at <paramref name="at"/> as a UTF-16 unit; null when there are not four.</summary>
    private static int? Hex4(string text, int at)
        => at + 4 <= text.Length && int.TryParse(text.AsSpan(at, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var unit)
            ? unit
            : null;
}
