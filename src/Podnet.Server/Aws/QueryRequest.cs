using System.Globalization;
using Microsoft.AspNetCore.Http;
using Podnet.Aws;

namespace Podnet.Server.Aws;

/// <summary>
/// The parameters of a query-protocol request (EC2, IAM, STS, CloudFormation): a form of flat names, where a list is
/// <c>Prefix.N</c> (EC2) or <c>Prefix.member.N</c> (the others) and a structure's members are <c>Prefix.N.Member</c>,
/// as botocore's <c>QuerySerializer</c>/<c>EC2Serializer</c> write them. A view of one list item is a
/// <see cref="QueryRequest"/> of its own, with the prefix taken off.
/// </summary>
public sealed class QueryRequest
{
    private readonly IReadOnlyDictionary<string, string> _parameters;

    // Where this view sits in the whole request (IpPermissions.N.), and the names read so far, shared by all views
    // of one request: the test of the wire names against botocore's models checks them.
    private readonly string _path;
    private readonly ISet<string>? _reads;

    /// <summary>A request (or one item's view) of these parameters.</summary>
    public QueryRequest(IReadOnlyDictionary<string, string> parameters)
        : this(parameters, string.Empty, null)
    {
    }

    private QueryRequest(IReadOnlyDictionary<string, string> parameters, string path, ISet<string>? reads)
    {
        _parameters = parameters;
        _path = path;
        _reads = reads;
    }

    /// <summary>
    /// The same request, recording into <paramref name="reads"/> every parameter name the handlers ask for, with
    /// list indexes as <c>N</c> (<c>IpPermissions.N.Groups.N.GroupId</c>).
    /// </summary>
    internal QueryRequest Recording(ISet<string> reads) => new(_parameters, _path, reads);

    /// <summary>All parameters, by their wire names.</summary>
    public IReadOnlyDictionary<string, string> Parameters => _parameters;

    /// <summary>The operation (<c>Action</c>), e.g. <c>DescribeSecurityGroups</c>.</summary>
    public string? Action => Get("Action");

    /// <summary>The API version (<c>Version</c>): EC2 2016-11-15, IAM 2010-05-08, STS 2011-06-15.</summary>
    public string? Version => Get("Version");

    /// <summary>Reads the form body (and the query string, which carries the parameters of a GET).</summary>
    public static async Task<QueryRequest> ReadAsync(HttpRequest request)
    {
        // A parameter given twice counts once, with its first value, as a Java servlet's getParameter reads it
        // (StringValues.ToString would join them with commas: Version=2016-11-15,x named no service).
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            parameters[key] = value.FirstOrDefault() ?? string.Empty;
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync().ConfigureAwait(false);
            foreach (var (key, value) in form)
            {
                parameters[key] = value.FirstOrDefault() ?? string.Empty;
            }
        }

        return new QueryRequest(parameters);
    }

    /// <summary>
    /// The <c>Version</c> of a form body the reader refused (more parameters or longer names than it takes), read again
    /// without those limits from the buffered body, as a request of only that parameter; null when the body cannot be
    /// read again or names none.
    /// </summary>
    public static async Task<QueryRequest?> VersionOfRefusedFormAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Body.CanSeek)
        {
            return null;
        }

        request.Body.Position = 0;
        using var reader = new Microsoft.AspNetCore.WebUtilities.FormReader(request.Body)
        {
            ValueCountLimit = int.MaxValue,
            KeyLengthLimit = int.MaxValue,
            ValueLengthLimit = int.MaxValue,
        };
        try
        {
            var form = await reader.ReadFormAsync().ConfigureAwait(false);
            return form.TryGetValue("Version", out var version)
                ? new QueryRequest(new Dictionary<string, string>(StringComparer.Ordinal) { ["Version"] = version.FirstOrDefault() ?? string.Empty })
                : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Parses a form body (tests and routing).</summary>
    public static QueryRequest Parse(string form)
    {
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(form);
        return new QueryRequest(parsed.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal));
    }

    /// <summary>A parameter's value, or null when absent.</summary>
    public string? Get(string name)
    {
        _reads?.Add(_path + name);
        return _parameters.GetValueOrDefault(name);
    }

    /// <summary>A parameter that must be there; <paramref name="missing"/> makes the service's error otherwise.</summary>
    public string Required(string name, Func<string, AwsException> missing)
        => Get(name) is { Length: > 0 } value ? value : throw missing(name);

    /// <summary>An integer parameter; a value that is no integer is the service's <c>InvalidParameterValue</c>.</summary>
    public int? Int(string name)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new AwsException("InvalidParameterValue", $"Value ({text}) for parameter {name} is invalid. Expected: 'Integer'.");
    }

    /// <summary>A long parameter (<c>CurrentVersion</c>); a value that is no integer is the service's <c>InvalidParameterValue</c>.</summary>
    public long? Long(string name)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new AwsException("InvalidParameterValue", $"Value ({text}) for parameter {name} is invalid. Expected: 'Long'.");
    }

    /// <summary>A boolean parameter (<c>true</c>/<c>false</c>, as botocore writes them).</summary>
    public bool? Bool(string name) => Get(name) is { } text ? string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) : null;

    /// <summary>The values of an EC2 list of scalars, <c>Prefix.1</c>, <c>Prefix.2</c>, … in index order.</summary>
    public IReadOnlyList<string> List(string prefix)
    {
        _reads?.Add(_path + prefix + ".N");
        return [.. Indexed(prefix + ".").Where(e => e.Tail.Length == 0).Select(e => e.Value)];
    }

    /// <summary>The values of a query list of scalars, <c>Prefix.member.1</c>, … (IAM, STS, CloudFormation).</summary>
    public IReadOnlyList<string> Members(string prefix) => List(prefix + ".member");

    /// <summary>The items of an EC2 list of structures, <c>Prefix.N.Member…</c>, each a view with <c>Prefix.N.</c> taken off.</summary>
    public IReadOnlyList<QueryRequest> Structures(string prefix)
        => [.. Indexed(prefix + ".")
            .Where(e => e.Tail.Length > 0)
            .GroupBy(e => e.Index)
            .OrderBy(g => g.Key)
            .Select(g => new QueryRequest(g.ToDictionary(e => e.Tail, e => e.Value, StringComparer.Ordinal), _path + prefix + ".N.", _reads))];

    /// <summary>The items of a query list of structures, <c>Prefix.member.N.Member…</c>.</summary>
    public IReadOnlyList<QueryRequest> MemberStructures(string prefix) => Structures(prefix + ".member");

    /// <summary>Entries <c>{prefix}N</c> or <c>{prefix}N.rest</c>, ordered by N (numerically: 10 after 9).</summary>
    private IEnumerable<(int Index, string Tail, string Value)> Indexed(string prefix)
    {
        var entries = new List<(int Index, string Tail, string Value)>();
        foreach (var (key, value) in _parameters)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var tail = key.AsSpan(prefix.Length);
            var dot = tail.IndexOf('.');
            var number = dot < 0 ? tail : tail[..dot];
            if (int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                entries.Add((index, dot < 0 ? string.Empty : tail[(dot + 1)..].ToString(), value));
            }
        }

        return entries.OrderBy(e => e.Index).ThenBy(e => e.Tail, StringComparer.Ordinal);
    }
}
