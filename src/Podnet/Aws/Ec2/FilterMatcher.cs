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

        Func<T, bool>[] predicates = [.. filters.Select(Compile)];
        return items.Where(item => MatchesAll(predicates, item));
    }

    // Loops, not queries: the resource controller and ipamd describe interfaces by tag on every pass, and a query per
    // interface made iterators and closures per interface and tag (140 MB of a 10,000-pod world with security groups).
    private static bool MatchesAll(Func<T, bool>[] predicates, T item)
    {
        foreach (var predicate in predicates)
        {
            if (!predicate(item))
            {
                return false;
            }
        }

        return true;
    }

    private Func<T, bool> Compile(Filter filter)
    {
        Func<string, bool>[] patterns = [.. filter.Values.Select(ToMatcher)];
        bool Matches(string? value)
        {
            if (value is null)
            {
                return false;
            }

            foreach (var pattern in patterns)
            {
                if (pattern(value))
                {
                    return true;
                }
            }

            return false;
        }

        bool AnyMatches(IEnumerable<string?> values)
        {
            foreach (var value in values)
            {
                if (Matches(value))
                {
                    return true;
                }
            }

            return false;
        }

        // Made once per filter, not per item: a lambda inside the item's would be a new delegate for each.
        var key = filter.Name.StartsWith("tag:", StringComparison.Ordinal) ? filter.Name[4..] : null;
        Func<Tag, bool>? tagMatches = filter.Name switch
        {
            "tag-key" => tag => Matches(tag.Key),
            "tag-value" => tag => Matches(tag.Value),
            _ when key is not null => tag => tag.Key == key && Matches(tag.Value),
            _ => null,
        };
        if (tagMatches is not null)
        {
            return item => AnyTag(_tags(item), tagMatches);
        }

        if (!_fields.TryGetValue(filter.Name, out var field))
        {
            throw Ec2Errors.InvalidFilter(filter.Name);
        }

        return item => AnyMatches(field(item));
    }

    private static bool AnyTag(IReadOnlyList<Tag> tags, Func<Tag, bool> matches)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (matches(tags[i]))
            {
                return true;
            }
        }

        return false;
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
