using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Serialization;

/// <summary>
/// JSON text escaped as the API server writes it: Go's <c>encoding/json</c> (apimachinery's JSON serializer encodes with
/// it, HTML escaping on), which escapes only what JSON requires, <c>&lt;</c> <c>&gt;</c> <c>&amp;</c> and U+2028/U+2029
/// (encode.go <c>appendString</c>: <c>\u003c</c> <c>\u003e</c> <c>\u0026</c> in lower-case hex, <c>\n</c> <c>\r</c>
/// <c>\t</c>, since Go 1.22 <c>\b</c> <c>\f</c>, other control characters as <c>\u00XX</c>), and writes every other
/// character as it is: <c>"minor":"31+"</c> and <c>"é"</c>, where System.Text.Json's default encoder writes
/// <c>"31\u002B"</c> and <c>"\u00E9"</c>. The text means the same either way; <c>kubectl get --raw</c> and
/// <c>curl</c> show the difference.
/// </summary>
public sealed class GoJsonEncoder : JavaScriptEncoder
{
    /// <summary>The one instance (the encoder holds no state).</summary>
    public static GoJsonEncoder Instance { get; } = new();

    /// <summary>Options that write JSON text as the API server does (<see cref="JsonNode.ToJsonString"/>).</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new() { Encoder = Instance };

    /// <summary>
    /// <see cref="SerializerOptions"/> indented as Go's <c>json.MarshalIndent(v, "", "  ")</c> indents: what the API
    /// server's <c>responsewriters.WriteRawJSON</c> writes (<c>/version</c>).
    /// </summary>
    public static JsonSerializerOptions IndentedSerializerOptions { get; } = new() { Encoder = Instance, WriteIndented = true, IndentSize = 2, NewLine = "\n" };

    /// <summary>Writer options that write JSON text as the API server does.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Instance };

    // What Go escapes, as UTF-16 code units: the control characters, the quote, the backslash, HTML's three, and the two
    // line separators JavaScript would break a string at.
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"
        + "\"\\<>&\u2028\u2029");

    // The same as UTF-8 bytes, with the lead byte of U+2028/U+2029 (E2 80 A8/A9) standing for them, checked in full.
    private static readonly SearchValues<byte> EscapedUtf8 = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
         0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
         (byte)'"', (byte)'\\', (byte)'<', (byte)'>', (byte)'&', 0xE2]);

    private GoJsonEncoder()
    {
    }

    /// <inheritdoc/>
    public override int MaxOutputCharactersPerInputCharacter => 6;

    /// <inheritdoc/>
    public override bool WillEncode(int unicodeScalar)
        => unicodeScalar is < 0x20 or '"' or '\\' or '<' or '>' or '&' or 0x2028 or 0x2029;

    /// <inheritdoc/>
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
        => new ReadOnlySpan<char>(text, textLength).IndexOfAny(Escaped);

    /// <inheritdoc/>
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var offset = 0;
        while (true)
        {
            var found = utf8Text[offset..].IndexOfAny(EscapedUtf8);
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            if (utf8Text[at] != 0xE2 || (at + 2 < utf8Text.Length && utf8Text[at + 1] == 0x80 && utf8Text[at + 2] is 0xA8 or 0xA9))
            {
                return at;
            }

            offset = at + 1;
        }
    }

    /// <inheritdoc/>
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var output = new Span<char>(buffer, bufferLength);
        ReadOnlySpan<char> escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ when WillEncode(unicodeScalar) => $"\\u{unicodeScalar:x4}",
            _ => null,
        };

        if (escape.IsEmpty)
        {
            // Not escaped: the scalar as it is (one UTF-16 unit, or a surrogate pair).
            if (!new Rune(unicodeScalar).TryEncodeToUtf16(output, out numberOfCharactersWritten))
            {
                numberOfCharactersWritten = 0;
                return false;
            }

            return true;
        }

        if (!escape.TryCopyTo(output))
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        numberOfCharactersWritten = escape.Length;
        return true;
    }
}
