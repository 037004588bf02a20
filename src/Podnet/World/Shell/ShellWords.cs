using System.Text;

namespace Podnet.World.Shell;

/// <summary>
/// A command line split into words the way a POSIX shell splits a simple command: blanks separate words, single
/// quotes keep everything literally, double quotes keep blanks (and let <c>\"</c>, <c>\\</c>, <c>\$</c> through), a
/// backslash outside quotes escapes the next character, and <c>$?</c> outside single quotes expands to the last exit
/// status. A <c>#</c> that starts a word starts a comment. Pipes, lists, redirections and other expansions are not
/// emulated: their characters stay in the words. Null when a quote is left open.
/// </summary>
internal static class ShellWords
{
    public static List<string>? Split(string line, int lastStatus)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is ' ' or '\t')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            if (c == '#' && !inWord)
            {
                break;
            }

            inWord = true;
            switch (c)
            {
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        return null;
                    }

                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i++;
                    while (i < line.Length && line[i] != '"')
                    {
                        if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$')
                        {
                            i++;
                        }
                        else if (line[i] == '$' && i + 1 < line.Length && line[i + 1] == '?')
                        {
                            word.Append(lastStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
                            i += 2;
                            continue;
                        }

                        word.Append(line[i]);
                        i++;
                    }

                    if (i >= line.Length)
                    {
                        return null;
                    }

                    break;
                case '\\' when i + 1 < line.Length:
                    word.Append(line[++i]);
                    break;
                case '$' when i + 1 < line.Length && line[i + 1] == '?':
                    word.Append(lastStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    i++;
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
