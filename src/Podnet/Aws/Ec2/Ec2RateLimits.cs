using System.Collections.Frozen;

namespace Podnet.Aws.Ec2;

/// <summary>
/// EC2 API throttling as AWS documents it ("Request throttling for the Amazon EC2 API"): every action draws one
/// token from the bucket of its category, or from a bucket of its own for the actions AWS lists separately;
/// RunInstances and TerminateInstances also draw one resource token per instance.
/// </summary>
public sealed record Ec2RateLimits
{
    public const string NonMutating = "non-mutating";
    public const string UnfilteredNonMutating = "unfiltered-non-mutating";
    public const string Mutating = "mutating";
    public const string ResourceIntensive = "resource-intensive";
    public const string RunInstancesResources = "RunInstances:instances";
    public const string TerminateInstancesResources = "TerminateInstances:instances";

    private static readonly FrozenSet<string> UnfilteredCapable = FrozenSet.Create(
        StringComparer.Ordinal,
        "DescribeInstances", "DescribeInstanceStatus", "DescribeNetworkInterfaces", "DescribeSecurityGroups",
        "DescribeSnapshots", "DescribeSpotInstanceRequests", "DescribeVolumes");

    private static readonly FrozenSet<string> ResourceIntensiveActions = FrozenSet.Create(
        StringComparer.Ordinal,
        "AcceptVpcPeeringConnection", "AuthorizeSecurityGroupIngress", "CancelSpotInstanceRequests", "CreateKeyPair",
        "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
        "RevokeSecurityGroupIngress", "RequestSpotInstances");

    /// <summary>AWS's default bucket sizes and refill rates.</summary>
    public static Ec2RateLimits AwsDefaults { get; } = new()
    {
        Buckets = new Dictionary<string, TokenBucketSettings>(StringComparer.Ordinal)
        {
            [NonMutating] = new(100, 20),
            [UnfilteredNonMutating] = new(50, 10),
            [Mutating] = new(50, 5),
            [ResourceIntensive] = new(50, 5),
            ["AssignPrivateIpAddresses"] = new(100, 5),
            ["UnassignPrivateIpAddresses"] = new(100, 5),
            ["AssignIpv6Addresses"] = new(100, 5),
            ["CreateNetworkInterface"] = new(100, 5),
            ["DeleteNetworkInterface"] = new(100, 5),
            ["ModifyNetworkInterfaceAttribute"] = new(100, 5),
            ["CreateTags"] = new(100, 10),
            ["DeleteTags"] = new(100, 10),
            ["RunInstances"] = new(5, 2),
            ["TerminateInstances"] = new(100, 5),
            [RunInstancesResources] = new(1000, 2),
            [TerminateInstancesResources] = new(1000, 20),
        },
    };

    /// <summary>Bucket settings by category name or, for separately throttled actions, by action name.</summary>
    public IReadOnlyDictionary<string, TokenBucketSettings> Buckets { get; init; } = new Dictionary<string, TokenBucketSettings>();

    /// <summary>A copy with one bucket changed (or added).</summary>
    public Ec2RateLimits With(string bucket, int capacity, double refillPerSecond)
    {
        var buckets = new Dictionary<string, TokenBucketSettings>(Buckets, StringComparer.Ordinal)
        {
            [bucket] = new(capacity, refillPerSecond),
        };
        return this with { Buckets = buckets };
    }

    /// <summary>Which bucket a call draws from.</summary>
    public string BucketFor(string action, bool filteredOrPaginated)
    {
        if (Buckets.ContainsKey(action))
        {
            return action;
        }

        if (IsNonMutating(action))
        {
            return !filteredOrPaginated && UnfilteredCapable.Contains(action) ? UnfilteredNonMutating : NonMutating;
        }

        return ResourceIntensiveActions.Contains(action) ? ResourceIntensive : Mutating;
    }

    public static bool IsNonMutating(string action)
        => action.StartsWith("Describe", StringComparison.Ordinal) || action.StartsWith("List", StringComparison.Ordinal)
           || action.StartsWith("Search", StringComparison.Ordinal) || action.StartsWith("Get", StringComparison.Ordinal);
}
