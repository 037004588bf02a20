using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Podnet.Aws;
using Podnet.Aws.Ec2;

namespace Podnet.Server.Aws;

/// <summary>
/// EC2's pagination of the <c>Describe*</c> answers, in one place for every paginated operation: <c>MaxResults</c>
/// bounds the items of one answer and <c>NextToken</c> resumes where the last answer stopped; an answer that stopped
/// early carries <c>nextToken</c>. Which operations page and by which result list is botocore's
/// <c>data/ec2/2016-11-15/paginators-1.json</c>; the bounds are the model's <c>…MaxResults</c> shapes (5..1000, 5..100
/// for DescribeInstanceTypes' <c>DITMaxResults</c>, 5..255 for trunk associations). Without either parameter EC2 answers
/// everything at once, as before. The aws CLI follows the tokens and merges the pages (api-server.md §3.4); the
/// page is cut from the answer the operation wrote, so the operations themselves know nothing of paging.
/// </summary>
/// <remarks>
/// A token is the offset of the next item and a digest of the request it continues (every parameter but
/// <c>NextToken</c> and <c>MaxResults</c>), so a token from another request or another operation is refused, as EC2
/// refuses tokens it did not issue for that request.
/// </remarks>
public sealed class Ec2Pagination
{
    /// <summary>
    /// A paginated operation: the element of its answer holding the items, the <c>MaxResults</c> bounds, and the IDs
    /// parameter EC2 refuses together with <c>MaxResults</c> (<c>IdsWireName</c> is that list's name in EC2's error).
    /// </summary>
    private sealed record Operation(string ResultElement, int Min, int Max, string? IdsParameter = null, string? IdsWireName = null);

    // The model's documentation says "You cannot specify this parameter and the instance IDs parameter in the same
    // request" for DescribeInstances and the same of the network interface IDs for DescribeNetworkInterfaces.
    private static readonly Dictionary<string, Operation> Operations = new(StringComparer.Ordinal)
    {
        ["DescribeVpcs"] = new("vpcSet", 5, 1000),
        ["DescribeSubnets"] = new("subnetSet", 5, 1000),
        ["DescribeSecurityGroups"] = new("securityGroupInfo", 5, 1000),
        ["DescribeSecurityGroupRules"] = new("securityGroupRuleSet", 5, 1000),
        ["DescribeNetworkInterfaces"] = new("networkInterfaceSet", 5, 1000, "NetworkInterfaceId", "networkInterfaceIdSet"),
        ["DescribeInstances"] = new("reservationSet", 5, 1000, "InstanceId", "instancesSet"),
        ["DescribeInstanceTypes"] = new("instanceTypeSet", 5, 100),
        ["DescribeTrunkInterfaceAssociations"] = new("interfaceAssociationSet", 5, 255),
        ["DescribeManagedPrefixLists"] = new("prefixListSet", 1, 100),
        ["GetManagedPrefixListEntries"] = new("entrySet", 1, 100),
    };

    private const string TokenPrefix = "pn1.";

    private readonly Operation _operation;
    private readonly int? _maxResults;
    private readonly int _offset;
    private readonly string _digest;

    private Ec2Pagination(Operation operation, int? maxResults, int offset, string digest)
    {
        _operation = operation;
        _maxResults = maxResults;
        _offset = offset;
        _digest = digest;
    }

    /// <summary>
    /// The paging <paramref name="query"/> asks of <paramref name="action"/>, checked before the operation runs; null
    /// when the operation does not page or the request names neither <c>MaxResults</c> nor <c>NextToken</c>.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidParameterValue</c> for a <c>MaxResults</c> out of bounds ("Value ( 1 ) for parameter maxResults is
    /// invalid. Expecting a value greater than 5.", as EC2 answers, aws/aws-sdk-ruby#2575) or a token not issued for
    /// this request ("Value ( x ) for parameter NextToken is invalid. The token is invalid.", as EC2 answers,
    /// boto/boto3#2673); <c>InvalidParameterCombination</c> for <c>MaxResults</c> with explicit IDs where EC2 refuses
    /// it ("The parameter instancesSet cannot be used with the parameter maxResults").
    /// </exception>
    public static Ec2Pagination? Begin(string action, QueryRequest query)
    {
        if (!Operations.TryGetValue(action, out var operation))
        {
            return null;
        }

        var maxResults = query.Int("MaxResults");
        var token = query.Get("NextToken");
        if (maxResults is null && string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (maxResults is { } max)
        {
            if (max < operation.Min)
            {
                throw Ec2Errors.InvalidParameterValue($"Value ( {max} ) for parameter maxResults is invalid. Expecting a value greater than {operation.Min}.");
            }

            // EC2's text for too large a value is not public: worded like its text for too small a one.
            if (max > operation.Max)
            {
                throw Ec2Errors.InvalidParameterValue($"Value ( {max} ) for parameter maxResults is invalid. Expecting a value less than {operation.Max}.");
            }

            if (operation.IdsParameter is { } ids && query.List(ids).Count > 0)
            {
                throw new AwsException("InvalidParameterCombination", $"The parameter {operation.IdsWireName} cannot be used with the parameter maxResults");
            }
        }

        var digest = Digest(action, query);
        var offset = string.IsNullOrEmpty(token) ? 0 : Offset(token, digest);
        return new Ec2Pagination(operation, maxResults, offset, digest);
    }

    /// <summary>
    /// The page of <paramref name="members"/> (an operation's whole answer): its result list from the token's
    /// offset, at most <c>MaxResults</c> items, and a <c>nextToken</c> when items are left.
    /// </summary>
    public IReadOnlyList<XElement?> Cut(IReadOnlyList<XElement?> members)
    {
        var list = members.FirstOrDefault(m => m?.Name.LocalName == _operation.ResultElement);
        if (list is null)
        {
            return members;
        }

        var items = list.Elements().ToList();
        var end = _maxResults is { } max ? Math.Min(items.Count, _offset + max) : items.Count;
        var page = new XElement(list.Name, items.Skip(_offset).Take(Math.Max(0, end - _offset)));
        var next = end < items.Count ? AwsXml.Text("nextToken", Token(end, _digest)) : null;
        return [.. members.Select(m => ReferenceEquals(m, list) ? page : m), next];
    }

    private static string Token(int offset, string digest)
        => TokenPrefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(offset.ToString(CultureInfo.InvariantCulture) + ":" + digest));

    private static int Offset(string token, string digest)
    {
        var invalid = Ec2Errors.InvalidParameterValue($"Value ( {token} ) for parameter NextToken is invalid. The token is invalid.");
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            throw invalid;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(token[TokenPrefix.Length..]));
        }
        catch (FormatException)
        {
            throw invalid;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && text[(colon + 1)..] == digest
            && int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw invalid;
    }

    /// <summary>The request a token continues: the operation and every parameter but the paging ones, in name order.</summary>
    private static string Digest(string action, QueryRequest query)
    {
        var text = new StringBuilder(action);
        foreach (var (name, value) in query.Parameters.Where(p => p.Key is not ("NextToken" or "MaxResults" or "Action")).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append('=').Append(value);
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
