using System.Globalization;
using System.Text;

namespace Podnet.Kube.Selectors;

/// <summary>
/// One requirement of a label selector (labels.Requirement): a key, an operator and the values it relates them to.
/// The positional constructor does not validate, like Go's zero value; use <see cref="Create"/> for the checks of
/// labels.NewRequirement.
/// </summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>
    /// Builds a requirement with labels.NewRequirement's checks: a valid key, values that fit the operator, valid
    /// label values. Throws <see cref="SelectorException"/> with the aggregated field errors otherwise.
    /// </summary>
    public static LabelRequirement Create(string key, SelectorOperator op, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(values);
        var vals = values.ToArray();
        var errors = Validate(key, op, vals, path: null);
        if (errors.Count > 0)
        {
            throw new SelectorException(FieldErrors.Aggregate(errors));
        }

        return new LabelRequirement(key, op, vals);
    }

    /// <summary>
    /// Whether <paramref name="labels"/> satisfy the requirement. "=", "in" and gt/lt need the key; "!=" and "notin"
    /// match when the key is missing; gt/lt compare 64-bit integers and fail on a label that is not one.
    /// </summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case SelectorOperator.Equals:
            case SelectorOperator.In:
                return has && HasValue(value!);
            case SelectorOperator.NotEquals:
            case SelectorOperator.NotIn:
                return !has || !HasValue(value!);
            case SelectorOperator.Exists:
                return has;
            case SelectorOperator.DoesNotExist:
                return !has;
            case SelectorOperator.GreaterThan:
            case SelectorOperator.LessThan:
                if (!has || !TryParseInt64(value!, out var actual) || Values.Count != 1 || !TryParseInt64(Values[0], out var bound))
                {
                    return false;
                }

                return Operator == SelectorOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    /// <summary>Requirement.String(): "k=v", "k!=v", "k in (a,b)", "k notin (a,b)", "k&gt;1", "k&lt;1", "k", "!k"; values sorted.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Operator == SelectorOperator.DoesNotExist)
        {
            sb.Append('!');
        }

        sb.Append(Key);
        switch (Operator)
        {
            case SelectorOperator.Equals:
                sb.Append('=');
                break;
            case SelectorOperator.NotEquals:
                sb.Append("!=");
                break;
            case SelectorOperator.In:
                sb.Append(" in (");
                break;
            case SelectorOperator.NotIn:
                sb.Append(" notin (");
                break;
            case SelectorOperator.GreaterThan:
                sb.Append('>');
                break;
            case SelectorOperator.LessThan:
                sb.Append('<');
                break;
            default:
                return sb.ToString();
        }

        sb.AppendJoin(',', Values.Order(StringComparer.Ordinal));
        if (Operator is SelectorOperator.In or SelectorOperator.NotIn)
        {
            sb.Append(')');
        }

        return sb.ToString();
    }

    public bool Equals(LabelRequirement? other)
        => other is not null && Key == other.Key && Operator == other.Operator && Values.SequenceEqual(other.Values);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Key, StringComparer.Ordinal);
        hash.Add(Operator);
        foreach (var v in Values)
        {
            hash.Add(v, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>
    /// labels.NewRequirement's checks. <paramref name="path"/> is the field path the errors hang off; null gives
    /// "key", "values[0]" like the string parser (which passes no path).
    /// </summary>
    internal static List<string> Validate(string key, SelectorOperator op, IReadOnlyList<string> values, string? path)
    {
        var errors = new List<string>();
        var keyErrors = LabelValidation.KeyErrors(key);
        if (keyErrors.Count > 0)
        {
            errors.Add(FieldErrors.Invalid(FieldErrors.Child(path, "key"), key, string.Join("; ", keyErrors)));
        }

        var valuePath = FieldErrors.Child(path, "values");
        switch (op)
        {
            case SelectorOperator.In:
            case SelectorOperator.NotIn:
                if (values.Count == 0)
                {
                    errors.Add(FieldErrors.Invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
                }

                break;
            case SelectorOperator.Equals:
            case SelectorOperator.NotEquals:
                if (values.Count != 1)
                {
                    errors.Add(FieldErrors.Invalid(valuePath, values, "exact-match compatibility requires one single value"));
                }

                break;
            case SelectorOperator.Exists:
            case SelectorOperator.DoesNotExist:
                if (values.Count != 0)
                {
                    errors.Add(FieldErrors.Invalid(valuePath, values, "values set must be empty for exists and does not exist"));
                }

                break;
            case SelectorOperator.GreaterThan:
            case SelectorOperator.LessThan:
                if (values.Count != 1)
                {
                    errors.Add(FieldErrors.Invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
                }

                for (var i = 0; i < values.Count; i++)
                {
                    if (!TryParseInt64(values[i], out _))
                    {
                        errors.Add(FieldErrors.Invalid(FieldErrors.Index(valuePath, i), values[i], "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }

                break;
            default:
                errors.Add($"{FieldErrors.Child(path, "operator")}: Unsupported value: {FieldErrors.GoQuote(op.ToString())}");
                break;
        }

        for (var i = 0; i < values.Count; i++)
        {
            var valueErrors = LabelValidation.ValueErrors(values[i]);
            if (valueErrors.Count > 0)
            {
                errors.Add(FieldErrors.Invalid(FieldErrors.Key(FieldErrors.Index(valuePath, i), key), values[i], string.Join("; ", valueErrors)));
            }
        }

        return errors;
    }

    /// <summary>strconv.ParseInt(s, 10, 64): optional sign, decimal digits, nothing else.</summary>
    internal static bool TryParseInt64(string s, out long value)
        => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private bool HasValue(string value)
    {
        // By index: the list's enumerator is an allocation, and every selector match of every pod change asks this.
        for (var i = 0; i < Values.Count; i++)
        {
            if (string.Equals(Values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
