namespace Podnet.Aws;

/// <summary>
/// The commercial AWS regions an emulated account can be in, and the zones EC2's DescribeAvailabilityZones lists in
/// each (names are per account on AWS; these are the letters a new account sees). A world is in one region: the one
/// its subnets' zones name (seed 001's cluster is in eu-west-1), else us-west-2.
/// </summary>
public static class AwsRegions
{
    /// <summary>The region of a world whose subnets name no zone, and of the default world.</summary>
    public const string Default = "us-west-2";

    /// <summary>Region → the letters of its zones (us-west-2 → a, b, c, d).</summary>
    private static readonly Dictionary<string, string> ZoneLetters = new(StringComparer.Ordinal)
    {
        ["us-east-1"] = "abcdef",
        ["us-east-2"] = "abc",
        ["us-west-1"] = "bc",
        ["us-west-2"] = "abcd",
        ["af-south-1"] = "abc",
        ["ap-east-1"] = "abc",
        ["ap-south-1"] = "abc",
        ["ap-south-2"] = "abc",
        ["ap-southeast-1"] = "abc",
        ["ap-southeast-2"] = "abc",
        ["ap-southeast-3"] = "abc",
        ["ap-southeast-4"] = "abc",
        ["ap-northeast-1"] = "acd",
        ["ap-northeast-2"] = "abcd",
        ["ap-northeast-3"] = "abc",
        ["ca-central-1"] = "abd",
        ["ca-west-1"] = "abc",
        ["eu-central-1"] = "abc",
        ["eu-central-2"] = "abc",
        ["eu-west-1"] = "abc",
        ["eu-west-2"] = "abc",
        ["eu-west-3"] = "abc",
        ["eu-south-1"] = "abc",
        ["eu-south-2"] = "abc",
        ["eu-north-1"] = "abc",
        ["il-central-1"] = "abc",
        ["me-south-1"] = "abc",
        ["me-central-1"] = "abc",
        ["sa-east-1"] = "abc",
    };

    /// <summary>Every region, in the order above.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ZoneLetters.Keys];

    /// <summary>Whether <paramref name="region"/> is one of <see cref="Names"/>.</summary>
    public static bool IsKnown(string region) => ZoneLetters.ContainsKey(region);

    /// <summary>The zones of <paramref name="region"/> (eu-west-1a, eu-west-1b, eu-west-1c); a, b, c and d for a region not listed.</summary>
    public static IReadOnlyList<string> ZonesOf(string region)
        => [.. (ZoneLetters.GetValueOrDefault(region) ?? "abcd").Select(c => region + c)];

    /// <summary>The region a zone name belongs to: eu-west-1a → eu-west-1; null when the name is not REGION + letter.</summary>
    public static string? RegionOfZone(string zone)
        => zone.Length > 1 && char.IsAsciiLetterLower(zone[^1]) && char.IsAsciiDigit(zone[^2]) ? zone[..^1] : null;

    /// <summary>The region of a zone ID (euw1-az2 → eu-west-1), as <see cref="AwsOptions.ZoneIdOf"/> names them; null when none.</summary>
    public static string? RegionOfZoneId(string zoneId)
    {
        var dash = zoneId.IndexOf("-az", StringComparison.Ordinal);
        if (dash <= 0)
        {
            return null;
        }

        var prefix = zoneId[..(dash + 3)];
        return Names.FirstOrDefault(r => new AwsOptions { Region = r }.ZoneIdOf(r + "a").StartsWith(prefix, StringComparison.Ordinal));
    }
}
