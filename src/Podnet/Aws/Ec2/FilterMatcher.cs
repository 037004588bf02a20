using System.Text.RegularExpressions;

namespace Podnet.Aws.Ec2;

/// <summary>
/// EC2 describe filtering: values of one filter are ORed, filters are ANDed, <c>*</c> and <c>?</c> are wildcards,
/// <c>tag:KEY</c> and <c>tag-key</c> work on every taggable resource, an unknown filter name is an error.
/// </summary>
internal sealed class FilterMatcher<T>
{
    private readonly IReadOnlyDictionary<string, Func<T, IEnumerable<string?>>> _fields;
    private readonly Func<T, IReadOnlyList<Tag>> _tags;

    public FilterMatcher(IReadOnlyDictionary<string, Func<T, IEnumerable<string?>>> fields, Func<T, IReadOnlyList<Tag>> tags)
    {
        _fields = fields;
        _tags = tags;
    }

    public IEnumerable<T> Apply(IEnumerable<T> items, IReadOnlyList<Filter>? filters)
    {
        if (filters is null || filters.Count == 0)
        {
            return items;
        }

        var predicates = filters.Select(Compile).ToList();
        return items.Where(item => predicates.TrueForAll(p => p(item)));
    }

    private Func<T, bool> Compile(Filter filter)
    {
        var patterns = filter.Values.Select(ToMatcher).ToList();
        bool AnyMatches(IEnumerable<string?> values) => values.Any(v => v is not null && patterns.Exists(p => p(v)));

        if (filter.Name.StartsWith("tag:", StringComparison.Ordinal))
        {
            var key = filter.Name[4..];
            return item => AnyMatches(_tags(item).Where(t => t.Key == key).Select(t => t.Value));
        }

        if (filter.Name == "tag-key")
        {
            return item => AnyMatches(_tags(item).Select(t => t.Key));
        }

        if (filter.Name == "tag-value")
        {
            return item => AnyMatches(_tags(item).Select(t => t.Value));
        }

        if (!_fields.TryGetValue(filter.Name, out var field))
        {
            throw Ec2Errors.InvalidFilter(filter.Name);
        }

        return item => AnyMatches(field(item));
    }

    /// <summary>
    /// EC2's filter wildcards (<c>*</c> any run, <c>?</c> one character) as an anchored expression (a value without
    /// them is compared as it is). The non-backtracking
    /// engine matches in time linear in the value, so no wall-clock timeout is needed: a timeout made ipamd's describe
    /// call fail on a machine busy enough to stall the thread for a second, which the core must not depend on.
    /// </summary>
    private static Func<string, bool> ToMatcher(string pattern)
    {
        if (pattern.AsSpan().IndexOfAny('*', '?') < 0)
        {
            return value => string.Equals(value, pattern, StringComparison.Ordinal);
        }

        var escaped = Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal);
        return new Regex("^" + escaped + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking).IsMatch;
    }
}

internal static class Field
{
    public static IEnumerable<string?> One(string? value) => [value];

    public static IEnumerable<string?> Bool(bool value) => [value ? "true" : "false"];
}
