namespace Podnet.Kube.Selectors;

/// <summary>
/// The recursive-descent parser of k8s.io/apimachinery/pkg/labels/selector.go, step for step, so that what it accepts
/// and the error messages it gives match the API server:
/// <code>
///   selector    ::= requirement | requirement "," selector
///   requirement ::= ["!"] KEY [ ("in" | "notin") "(" values ")" | ("=" | "==" | "!=" | "&gt;" | "&lt;") VALUE ]
/// </code>
/// An exact-match VALUE may be empty ("a=" is a = ""); "()" and empty list items are the empty value; "in" and
/// "notin" are identifiers where a value is expected. Errors inside a requirement are prefixed with
/// "unable to parse requirement: "; key errors carry the "&lt;nil&gt;" path because the server parses without one.
/// </summary>
internal sealed class LabelSelectorParser
{
    private const string BinaryOperators = "in, notin, =, ==, !=, gt, lt";

    private readonly List<LabelScannedItem> _items;
    private int _position;

    private LabelSelectorParser(string text)
    {
        _items = LabelSelectorLexer.ScanAll(text);
    }

    private enum Context
    {
        KeyAndOperator,
        Values,
    }

    /// <summary>The requirements in the order written; throws <see cref="SelectorException"/>.</summary>
    public static List<LabelRequirement> Parse(string text) => new LabelSelectorParser(text).ParseAll();

    private List<LabelRequirement> ParseAll()
    {
        var requirements = new List<LabelRequirement>();
        while (true)
        {
            var (tok, lit) = Lookahead(Context.Values);
            switch (tok)
            {
                case LabelToken.Identifier:
                case LabelToken.DoesNotExist:
                    LabelRequirement requirement;
                    try
                    {
                        requirement = ParseRequirement();
                    }
                    catch (SelectorException e)
                    {
                        throw new SelectorException("unable to parse requirement: " + e.Message);
                    }

                    requirements.Add(requirement);
                    var (t, l) = Consume(Context.Values);
                    switch (t)
                    {
                        case LabelToken.EndOfString:
                            return requirements;
                        case LabelToken.Comma:
                            var (t2, l2) = Lookahead(Context.Values);
                            if (t2 != LabelToken.Identifier && t2 != LabelToken.DoesNotExist)
                            {
                                throw new SelectorException($"found '{l2}', expected: identifier after ','");
                            }

                            break;
                        default:
                            throw new SelectorException($"found '{l}', expected: ',' or 'end of string'");
                    }

                    break;
                case LabelToken.EndOfString:
                    return requirements;
                default:
                    throw new SelectorException($"found '{lit}', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private LabelRequirement ParseRequirement()
    {
        var (key, inferred) = ParseKeyAndInferOperator();
        if (inferred is { } unary)
        {
            return NewRequirement(key, unary, []);
        }

        var op = ParseOperator();
        var values = op is SelectorOperator.In or SelectorOperator.NotIn ? ParseValues() : ParseExactValue();

        // sets.String.List(): distinct and sorted.
        return NewRequirement(key, op, values.Order(StringComparer.Ordinal).ToArray());
    }

    private (string Key, SelectorOperator? Operator) ParseKeyAndInferOperator()
    {
        SelectorOperator? op = null;
        var (tok, literal) = Consume(Context.Values);
        if (tok == LabelToken.DoesNotExist)
        {
            op = SelectorOperator.DoesNotExist;
            (tok, literal) = Consume(Context.Values);
        }

        if (tok != LabelToken.Identifier)
        {
            throw new SelectorException($"found '{literal}', expected: identifier");
        }

        var keyErrors = LabelValidation.KeyErrors(literal);
        if (keyErrors.Count > 0)
        {
            throw new SelectorException(FieldErrors.Invalid(FieldErrors.NilPath, literal, string.Join("; ", keyErrors)));
        }

        var (next, _) = Lookahead(Context.Values);
        if ((next == LabelToken.EndOfString || next == LabelToken.Comma) && op is null)
        {
            op = SelectorOperator.Exists;
        }

        // "!key" followed by anything but ',' or the end stays DoesNotExist; the caller then finds the stray token.
        return (literal, op);
    }

    private SelectorOperator ParseOperator()
    {
        var (tok, lit) = Consume(Context.KeyAndOperator);
        return tok switch
        {
            LabelToken.In => SelectorOperator.In,
            LabelToken.Equals => SelectorOperator.Equals,
            LabelToken.DoubleEquals => SelectorOperator.Equals,
            LabelToken.GreaterThan => SelectorOperator.GreaterThan,
            LabelToken.LessThan => SelectorOperator.LessThan,
            LabelToken.NotIn => SelectorOperator.NotIn,
            LabelToken.NotEquals => SelectorOperator.NotEquals,
            _ => throw new SelectorException($"found '{lit}', expected: {BinaryOperators}"),
        };
    }

    private HashSet<string> ParseValues()
    {
        var (tok, lit) = Consume(Context.Values);
        if (tok != LabelToken.OpenPar)
        {
            // Sic: apimachinery has no comma before "expected" here.
            throw new SelectorException($"found '{lit}' expected: '('");
        }

        (tok, lit) = Lookahead(Context.Values);
        switch (tok)
        {
            case LabelToken.Identifier:
            case LabelToken.Comma:
                var values = ParseIdentifiersList();
                if (Consume(Context.Values).Token != LabelToken.ClosedPar)
                {
                    // Sic: apimachinery reports the literal after '(' here, not the offending one.
                    throw new SelectorException($"found '{lit}', expected: ')'");
                }

                return values;
            case LabelToken.ClosedPar:
                Consume(Context.Values);
                return new HashSet<string>(StringComparer.Ordinal) { string.Empty };
            default:
                throw new SelectorException($"found '{lit}', expected: ',', ')' or identifier");
        }
    }

    private HashSet<string> ParseIdentifiersList()
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var (tok, lit) = Consume(Context.Values);
            switch (tok)
            {
                case LabelToken.Identifier:
                    values.Add(lit);
                    var (tok2, lit2) = Lookahead(Context.Values);
                    switch (tok2)
                    {
                        case LabelToken.Comma:
                            continue;
                        case LabelToken.ClosedPar:
                            return values;
                        default:
                            throw new SelectorException($"found '{lit2}', expected: ',' or ')'");
                    }

                case LabelToken.Comma:
                    if (values.Count == 0)
                    {
                        values.Add(string.Empty); // "(,"
                    }

                    var (after, _) = Lookahead(Context.Values);
                    if (after == LabelToken.ClosedPar)
                    {
                        values.Add(string.Empty); // ",)"
                        return values;
                    }

                    if (after == LabelToken.Comma)
                    {
                        Consume(Context.Values);
                        values.Add(string.Empty); // ",,"
                    }

                    break;
                default:
                    throw new SelectorException($"found '{lit}', expected: ',', or identifier");
            }
        }
    }

    private HashSet<string> ParseExactValue()
    {
        var (next, _) = Lookahead(Context.Values);
        if (next == LabelToken.EndOfString || next == LabelToken.Comma)
        {
            return new HashSet<string>(StringComparer.Ordinal) { string.Empty };
        }

        var (tok, lit) = Consume(Context.Values);
        if (tok == LabelToken.Identifier)
        {
            return new HashSet<string>(StringComparer.Ordinal) { lit };
        }

        throw new SelectorException($"found '{lit}', expected: identifier");
    }

    private static LabelRequirement NewRequirement(string key, SelectorOperator op, string[] values)
    {
        var errors = LabelRequirement.Validate(key, op, values, path: null);
        if (errors.Count > 0)
        {
            throw new SelectorException(FieldErrors.Aggregate(errors));
        }

        return new LabelRequirement(key, op, values);
    }

    private LabelScannedItem Lookahead(Context context) => InContext(_items[_position], context);

    private LabelScannedItem Consume(Context context) => InContext(_items[_position++], context);

    // In a value position "in" and "notin" are plain identifiers ("x in (in,notin)").
    private static LabelScannedItem InContext(LabelScannedItem item, Context context)
        => context == Context.Values && item.Token is LabelToken.In or LabelToken.NotIn
            ? item with { Token = LabelToken.Identifier }
            : item;
}
