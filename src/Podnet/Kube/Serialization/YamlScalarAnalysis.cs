using System.Text;

namespace Podnet.Kube.Serialization;

/// <summary>
/// Which YAML styles can carry a string unchanged, as libyaml's <c>yaml_emitter_analyze_scalar</c> decides it in
/// go-yaml v2 (the emitter behind <c>kubectl get -o yaml</c>). YamlDotNet's emitter has its own, more permissive
/// analysis — it writes tabs and other unprintable characters plain and strings of line breaks alone as literal
/// blocks, which do not read back as the same string — so <see cref="YamlEventWriter"/> picks the style with this one.
/// </summary>
/// <param name="BlockPlainAllowed">The string may be written plain (unquoted) in block context.</param>
/// <param name="SingleQuotedAllowed">The string may be written single-quoted.</param>
/// <param name="BlockAllowed">The string may be written as a literal block (<c>|</c>).</param>
internal readonly record struct YamlScalarAnalysis(bool BlockPlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed)
{
    private static bool IsBreak(int c) => c is '\r' or '\n' or 0x85 or 0x2028 or 0x2029;

    private static bool IsBlankOrEnd(Rune[] runes, int i)
        => i >= runes.Length || runes[i].Value is ' ' or '\t' or 0 || IsBreak(runes[i].Value);

    /// <summary>libyaml's printable set as go-yaml v2 checks it: characters outside the BMP count as unprintable.</summary>
    private static bool IsPrintable(int c)
        => c == 0x0A || c is >= 0x20 and <= 0x7E || c is >= 0xA0 and <= 0xD7FF || (c is >= 0xE000 and <= 0xFFFD && c != 0xFEFF);

    /// <summary>Analyzes <paramref name="text"/> as libyaml's yaml_emitter_analyze_scalar does.</summary>
    public static YamlScalarAnalysis Of(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        if (runes.Length == 0)
        {
            return new YamlScalarAnalysis(BlockPlainAllowed: true, SingleQuotedAllowed: true, BlockAllowed: false);
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

        return new YamlScalarAnalysis(blockPlain, singleQuoted, block);
    }
}
