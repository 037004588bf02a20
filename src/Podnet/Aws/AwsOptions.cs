using Podnet.Aws.Ec2;

namespace Podnet.Aws;

/// <summary>
/// The account and region the emulated cloud answers for, the seed of its IDs, and the service quotas a user may
/// raise on AWS (defaults are AWS's).
/// </summary>
public sealed record AwsOptions
{
    public string Region { get; init; } = AwsRegions.Default;

    public string AccountId { get; init; } = "123456789012";

    public int Seed { get; init; } = 1;

    /// <summary>Security groups per network interface: 5 by default, at most 16.</summary>
    public int SecurityGroupsPerNetworkInterface { get; init; } = 5;

    /// <summary>Inbound (and, separately, outbound) rules per security group, counted per address family.</summary>
    public int RulesPerSecurityGroup { get; init; } = 60;

    public int CidrBlocksPerVpc { get; init; } = 5;

    public int SecurityGroupsPerVpc { get; init; } = 2500;

    /// <summary>EC2 API throttling; null (the default) means no throttling.</summary>
    public Ec2RateLimits? RateLimits { get; init; }

    /// <summary>Availability zones of the region; by default those a new account sees (<see cref="AwsRegions.ZonesOf"/>).</summary>
    public IReadOnlyList<string>? AvailabilityZones { get; init; }

    public IReadOnlyList<string> Zones => AvailabilityZones ?? AwsRegions.ZonesOf(Region);

    /// <summary>
    /// Zones (by name) where EKS has no capacity for a new cluster's control plane in this account, besides the zone
    /// IDs it never supports (<see cref="Eks.EksBackend.ZoneIdsWithoutControlPlane"/>): <c>create-cluster</c> with a
    /// subnet there fails with <c>UnsupportedAvailabilityZoneException</c>, seed 003's warning. A world's
    /// <c>Account</c> sets them (<c>ZonesWithoutEksCapacity</c>).
    /// </summary>
    public IReadOnlyList<string> ZonesWithoutEksCapacity { get; init; } = [];

    /// <summary>Checks the quotas the way AWS's Service Quotas console does.</summary>
    public void Validate()
    {
        if (SecurityGroupsPerNetworkInterface is < 1 or > 16)
        {
            throw new ArgumentException($"SecurityGroupsPerNetworkInterface is {SecurityGroupsPerNetworkInterface}: the quota can be set from 1 to 16");
        }

        if (RulesPerSecurityGroup < 1)
        {
            throw new ArgumentException($"RulesPerSecurityGroup is {RulesPerSecurityGroup}: it must be at least 1");
        }

        if (SecurityGroupsPerNetworkInterface * RulesPerSecurityGroup > 1000)
        {
            throw new ArgumentException(
                $"SecurityGroupsPerNetworkInterface ({SecurityGroupsPerNetworkInterface}) × RulesPerSecurityGroup ({RulesPerSecurityGroup}) exceeds 1,000, which AWS does not allow");
        }

        if (CidrBlocksPerVpc is < 1 or > 50)
        {
            throw new ArgumentException($"CidrBlocksPerVpc is {CidrBlocksPerVpc}: the quota can be set from 1 to 50");
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            throw new ArgumentException("Region is required");
        }

        if (AccountId.Length != 12 || !AccountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"AccountId '{AccountId}' is not a 12-digit AWS account ID");
        }
    }

    /// <summary>The DNS suffix of private names: <c>ec2.internal</c> in us-east-1, else <c>REGION.compute.internal</c>.</summary>
    public string PrivateDnsSuffix => Region == "us-east-1" ? "ec2.internal" : $"{Region}.compute.internal";

    /// <summary>The DNS suffix of public names: <c>compute-1.amazonaws.com</c> in us-east-1, else <c>REGION.compute.amazonaws.com</c>.</summary>
    public string PublicDnsSuffix => Region == "us-east-1" ? "compute-1.amazonaws.com" : $"{Region}.compute.amazonaws.com";

    /// <summary>The zone ID EC2 reports (us-west-2a → usw2-az1); the emulator maps letters to IDs in order.</summary>
    public string ZoneIdOf(string zone)
    {
        var letter = zone[^1];
        var parts = Region.Split('-');
        var direction = parts.Length > 1 ? Abbreviate(parts[1]) : string.Empty;
        var number = parts.Length > 2 ? parts[2] : string.Empty;
        return $"{parts[0]}{direction}{number}-az{letter - 'a' + 1}";
    }

    private static string Abbreviate(string direction) => direction switch
    {
        "northeast" => "ne",
        "northwest" => "nw",
        "southeast" => "se",
        "southwest" => "sw",
        _ => direction[..1],
    };
}
