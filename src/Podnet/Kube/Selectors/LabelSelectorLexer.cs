using System.Text;

namespace Podnet.Kube.Selectors;

/// <summary>Tokens of the label selector string grammar (labels.Token).</summary>
internal enum LabelToken
{
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

internal readonly record struct LabelScannedItem(LabelToken Token, string Literal);

/// <summary>
/// The lexer of k8s.io/apimachinery/pkg/labels/selector.go: whitespace is ' ', '\t', '\r', '\n'; the special symbols
/// = ! ( ) , &gt; &lt; form the longest known operator; anything else runs up to the next special symbol or whitespace
/// and is a keyword ("in", "notin") or an identifier. A NUL character ends the input, as Go's read() makes it.
/// </summary>
internal sealed class LabelSelectorLexer
{
    private readonly string _text;
    private int _position;

    public LabelSelectorLexer(string text)
    {
        _text = text;
    }

    public static List<LabelScannedItem> ScanAll(string text)
    {
        var lexer = new LabelSelectorLexer(text);
        var items = new List<LabelScannedItem>();
        while (true)
        {
            var item = lexer.Lex();
            items.Add(item);
            if (item.Token == LabelToken.EndOfString)
            {
                return items;
            }
        }
    }

    public LabelScannedItem Lex()
    {
        var ch = SkipWhitespace(Read());
        if (ch == '\0')
        {
            return new LabelScannedItem(LabelToken.EndOfString, string.Empty);
        }

        Unread();
        return IsSpecialSymbol(ch) ? ScanSpecialSymbol() : ScanIdOrKeyword();
    }

    private static bool IsWhitespace(char ch) => ch is ' ' or '\t' or '\r' or '\n';

    private static bool IsSpecialSymbol(char ch) => ch is '=' or '!' or '(' or ')' or ',' or '>' or '<';

    private static LabelToken? Keyword(string literal) => literal switch
    {
        ")" => LabelToken.ClosedPar,
        "," => LabelToken.Comma,
        "!" => LabelToken.DoesNotExist,
        "==" => LabelToken.DoubleEquals,
        "=" => LabelToken.Equals,
        ">" => LabelToken.GreaterThan,
        "in" => LabelToken.In,
        "<" => LabelToken.LessThan,
        "!=" => LabelToken.NotEquals,
        "notin" => LabelToken.NotIn,
        "(" => LabelToken.OpenPar,
        _ => null,
    };

    private char Read() => _position < _text.Length ? _text[_position++] : '\0';

    private void Unread() => _position--;

    private char SkipWhitespace(char ch)
    {
        while (IsWhitespace(ch))
        {
            ch = Read();
        }

        return ch;
    }

    private LabelScannedItem ScanIdOrKeyword()
    {
        var sb = new StringBuilder();
        while (true)
        {
            var ch = Read();
            if (ch == '\0')
            {
                break;
            }

            if (IsSpecialSymbol(ch) || IsWhitespace(ch))
            {
                Unread();
                break;
            }

            sb.Append(ch);
        }

        var literal = sb.ToString();
        return new LabelScannedItem(Keyword(literal) ?? LabelToken.Identifier, literal);
    }

    private LabelScannedItem ScanSpecialSymbol()
    {
        LabelScannedItem? last = null;
        var sb = new StringBuilder();
        while (true)
        {
            var ch = Read();
            if (ch == '\0')
            {
                break;
            }

            if (!IsSpecialSymbol(ch))
            {
                Unread();
                break;
            }

            sb.Append(ch);
            var buffer = sb.ToString();
            if (Keyword(buffer) is { } token)
            {
                last = new LabelScannedItem(token, buffer);
            }
            else if (last is not null)
            {
                Unread();
                break;
            }
        }

        // Every single special symbol is a token, so this cannot happen; kept as apimachinery has it.
        return last ?? new LabelScannedItem(LabelToken.Error, $"error expected: keyword found '{sb}'");
    }
}
