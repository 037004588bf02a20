namespace Podnet.Kube.Selectors;

/// <summary>
/// One term of a field selector (fields.hasTerm / fields.notHasTerm): <see cref="Field"/> must equal
/// (<see cref="Equal"/>) or differ from <see cref="Value"/>. A field the object does not have counts as "".
/// </summary>
public sealed record FieldRequirement(string Field, bool Equal, string Value)
{
    public bool Matches(Func<string, string?> fieldValue)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        var actual = fieldValue(Field) ?? string.Empty;
        return string.Equals(actual, Value, StringComparison.Ordinal) == Equal;
    }

    /// <summary>"field=value" or "field!=value", the value escaped as fields.EscapeValue does.</summary>
    public override string ToString() => Field + (Equal ? "=" : "!=") + FieldSelector.EscapeValue(Value);
}
