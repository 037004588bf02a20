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
        var patterns = filter.Values.Select(ToRegex).ToList();
        bool AnyMatches(IEnumerable<string?> values) => values.Any(v => v is not null && patterns.Exists(p => p.IsMatch(v)));

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

    private static Regex ToRegex(string pattern)
    {
        var escaped = Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal);
        return new Regex("^" + escaped + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }
}

internal static class Field
{
    public static IEnumerable<string?> One(string? value) => [value];

    public static IEnumerable<string?> Bool(bool value) => [value ? "true" : "false"];
}
