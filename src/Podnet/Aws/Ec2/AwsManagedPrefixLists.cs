namespace Podnet.Aws.Ec2;

/// <summary>
/// The AWS-managed prefix lists every region has (Amazon VPC User Guide, "AWS-managed prefix lists"): the gateway
/// endpoint lists <c>com.amazonaws.&lt;region&gt;.s3</c> and <c>com.amazonaws.&lt;region&gt;.dynamodb</c>, and
/// <c>com.amazonaws.global.cloudfront.origin-facing</c>. Their owner is <c>AWS</c>, their family IPv4, their state
/// <c>create-complete</c>; a customer can read and reference them but not modify or delete them.
/// <para>
/// The IDs are the real ones of each region where a public source shows them: the gateway lists from
/// <c>aws ec2 describe-prefix-lists</c> run in every region (sharadchhetri/aws README, an old dump: the us-west-2 and
/// us-east-1 IDs recur in many later templates and route tables, the others are as that dump shows them), the CloudFront lists from
/// templates that map regions to them (e.g. <c>us-west-2</c> → <c>pl-82a045eb</c>). A region not listed gets IDs drawn
/// from its seed like any other. The entries are a SAMPLE of each service's published ranges in that region (the same
/// describe-prefix-lists output; AWS's ip-ranges.json <c>S3</c>/<c>DYNAMODB</c>/<c>CLOUDFRONT_ORIGIN_FACING</c>
/// prefixes), not the whole current list, which AWS changes over time; a region without a sample has lists with no
/// entries, so nothing is routed or admitted by them.
/// </para>
/// </summary>
public static class AwsManagedPrefixLists
{
    /// <summary>The owner EC2 reports for an AWS-managed list (<c>OwnerId: AWS</c>).</summary>
    public const string Owner = "AWS";

    /// <summary>The CloudFront origin-facing list's name, the same in every region.</summary>
    public const string CloudFrontOriginFacing = "com.amazonaws.global.cloudfront.origin-facing";

    /// <summary>
    /// The CloudFront origin-facing list's MaxEntries: the weight it counts as against a security group's rules quota
    /// (Amazon VPC User Guide, "AWS-managed prefix lists": its weight is 55).
    /// </summary>
    public const int CloudFrontWeight = 55;

    /// <summary>One AWS-managed list of a region: its name, its ID there (null: drawn), its sample entries.</summary>
    public sealed record Definition(string Name, string? PrefixListId, IReadOnlyList<string> Entries);

    // Region → (s3 ID, s3 entries, dynamodb ID, dynamodb entries): describe-prefix-lists in each region.
    private static readonly Dictionary<string, (string S3Id, string[] S3, string DynamoId, string[] Dynamo)> Gateway = new(StringComparer.Ordinal)
    {
        ["us-east-1"] = ("pl-63a5400a", ["54.231.0.0/17", "52.216.0.0/15"], "pl-02cd2c6b", ["52.94.0.0/22", "52.119.224.0/20"]),
        ["us-east-2"] = ("pl-7ba54012", ["52.219.80.0/20", "52.219.96.0/20", "52.92.76.0/22"], "pl-4ca54025", ["52.94.4.0/24"]),
        ["us-west-1"] = ("pl-6ba54002", ["52.219.20.0/22", "54.231.232.0/21", "52.219.24.0/21", "52.92.48.0/22"], "pl-6ea54007", ["52.94.12.0/24"]),
        ["us-west-2"] = ("pl-68a54001", ["54.231.160.0/19", "52.218.128.0/17", "52.92.32.0/22"], "pl-00a54069", ["52.94.28.0/23"]),
        ["ap-south-1"] = ("pl-78a54011", ["52.92.248.0/22", "52.219.62.0/23", "52.219.64.0/22"], "pl-66a7420f", ["52.94.20.0/24"]),
        ["ap-southeast-1"] = ("pl-6fa54006", ["52.219.32.0/21", "52.219.40.0/22", "54.231.240.0/22", "52.219.76.0/22"], "pl-67a5400e", ["52.94.11.0/24"]),
        ["ap-southeast-2"] = ("pl-6ca54005", ["54.231.248.0/22", "54.231.252.0/24", "52.95.128.0/21"], "pl-62a5400b", ["52.94.13.0/24"]),
        ["ap-northeast-1"] = ("pl-61a54008", ["52.219.0.0/20", "54.231.224.0/21", "52.219.16.0/22", "52.219.68.0/22"], "pl-78a54011", ["52.94.8.0/24"]),
        ["ap-northeast-2"] = ("pl-78a54011", ["52.92.0.0/20", "52.219.60.0/23", "52.219.56.0/22"], "pl-48a54021", ["52.94.6.0/24"]),
        ["ca-central-1"] = ("pl-7da54014", ["52.95.146.0/23", "52.95.145.0/24", "52.92.84.0/22"], "pl-4ea54027", ["52.94.14.0/24"]),
        ["eu-central-1"] = ("pl-6ea54007", ["52.219.44.0/22", "54.231.192.0/20", "52.219.72.0/22"], "pl-66a5400f", ["52.94.17.0/24"]),
        ["eu-west-1"] = ("pl-6da54004", ["52.218.0.0/17", "54.231.128.0/19"], "pl-6fa54006", ["52.94.5.0/24", "52.119.240.0/21", "52.94.24.0/23"]),
        ["eu-west-2"] = ("pl-7ca54015", ["52.95.150.0/24", "52.92.88.0/22", "52.95.148.0/23"], "pl-b3a742da", ["52.94.15.0/24"]),
        ["eu-west-3"] = ("pl-23ad484a", ["52.95.154.0/23", "52.95.156.0/24"], "pl-abb451c2", ["52.94.16.0/24"]),
        ["sa-east-1"] = ("pl-6aa54003", ["52.95.138.0/24", "52.92.64.0/22", "52.95.163.0/24", "52.95.136.0/23", "52.92.72.0/22", "52.95.164.0/23"], "pl-60a54009", ["52.94.7.0/24"]),
    };

    // Region → the CloudFront origin-facing list's ID there (templates mapping regions to it).
    private static readonly Dictionary<string, string> CloudFront = new(StringComparer.Ordinal)
    {
        ["us-east-1"] = "pl-3b927c52",
        ["us-east-2"] = "pl-b6a144df",
        ["us-west-1"] = "pl-4ea04527",
        ["us-west-2"] = "pl-82a045eb",
        ["eu-west-1"] = "pl-4fa04526",
        ["eu-west-3"] = "pl-75b1541c",
        ["sa-east-1"] = "pl-5da64334",
        ["ap-southeast-1"] = "pl-31a34658",
        ["ap-northeast-1"] = "pl-58a04531",
    };

    // A sample of ip-ranges.json's CLOUDFRONT_ORIGIN_FACING prefixes (region GLOBAL).
    private static readonly string[] CloudFrontEntries = ["3.172.0.0/18"];

    /// <summary>The name of a region's gateway-endpoint list for <paramref name="service"/> (<c>s3</c>, <c>dynamodb</c>): <c>com.amazonaws.us-west-2.s3</c>.</summary>
    public static string GatewayListName(string region, string service) => $"com.amazonaws.{region}.{service}";

    /// <summary>The AWS-managed lists of <paramref name="region"/>: s3, dynamodb, CloudFront origin-facing, in that order.</summary>
    public static IReadOnlyList<Definition> For(string region)
    {
        var known = Gateway.TryGetValue(region, out var gateway);
        return
        [
            new Definition(GatewayListName(region, "s3"), known ? gateway.S3Id : null, known ? gateway.S3 : []),
            new Definition(GatewayListName(region, "dynamodb"), known ? gateway.DynamoId : null, known ? gateway.Dynamo : []),
            new Definition(CloudFrontOriginFacing, CloudFront.GetValueOrDefault(region), CloudFrontEntries),
        ];
    }

    /// <summary>
    /// Whether EC2 reserves <paramref name="name"/> for its own lists: it begins with <c>com.amazonaws.</c>,
    /// <c>com.amazon.</c> or <c>com.aws.</c>, dot included (floci-io/floci#2273, checked against AWS: <c>com.amazonaws-probe</c> is accepted).
    /// </summary>
    public static bool IsReservedName(string name)
        => name.StartsWith("com.amazonaws.", StringComparison.Ordinal) || name.StartsWith("com.amazon.", StringComparison.Ordinal) || name.StartsWith("com.aws.", StringComparison.Ordinal);
}
