using System.Globalization;
using System.Text;

namespace Podnet.Kube.Patching;

/// <summary>A JSON Pointer (RFC 6901): "" is the whole document, "/a/0/b~1c" has tokens a, 0 and b/c.</summary>
internal sealed class JsonPointer
{
    private JsonPointer(string text, IReadOnlyList<string> tokens)
    {
        Text = text;
        Tokens = tokens;
    }

    public string Text { get; }

    public IReadOnlyList<string> Tokens { get; }

    public bool IsRoot => Tokens.Count == 0;

    public static JsonPointer Parse(string text)
    {
        if (text.Length == 0)
        {
            return new JsonPointer(text, []);
        }

        if (text[0] != '/')
        {
            throw new PatchException($"invalid JSON pointer \"{text}\": a pointer must be empty or start with '/'");
        }

        var tokens = text[1..].Split('/').Select(raw => Unescape(raw, text)).ToList();
        return new JsonPointer(text, tokens);
    }

    /// <summary>True when <paramref name="other"/> points strictly inside the value this pointer names.</summary>
    public bool IsProperPrefixOf(JsonPointer other)
        => other.Tokens.Count > Tokens.Count && Tokens.Select((t, i) => t == other.Tokens[i]).All(same => same);

    /// <summary>
    /// An array index token: digits without leading zeros. Returns -1 for "-" (past the end) and throws otherwise.
    /// </summary>
    public int ArrayIndex(string token)
    {
        if (token == "-")
        {
            return -1;
        }

        var valid = token.Length > 0 && token.All(char.IsAsciiDigit) && (token.Length == 1 || token[0] != '0');
        if (!valid || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new PatchException($"invalid array index \"{token}\" in path \"{Text}\"");
        }

        return index;
    }

    public override string ToString() => Text;

    private static string Unescape(string raw, string text)
    {
        if (!raw.Contains('~', StringComparison.Ordinal))
        {
            return raw;
        }

        var builder = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '~')
            {
                builder.Append(raw[i]);
                continue;
            }

            var next = i + 1 < raw.Length ? raw[i + 1] : '\0';
            builder.Append(next switch
            {
                '0' => '~',
                '1' => '/',
                _ => throw new PatchException($"invalid JSON pointer \"{text}\": '~' must be followed by 0 or 1"),
            });
            i++;
        }

        return builder.ToString();
    }
}
