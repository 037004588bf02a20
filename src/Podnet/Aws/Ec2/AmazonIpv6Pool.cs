using System.Globalization;
using Podnet.Net;

namespace Podnet.Aws.Ec2;

/// <summary>
/// Where EC2 draws a VPC's Amazon-provided IPv6 block from (<c>aws ec2 create-vpc --amazon-provided-ipv6-cidr-block</c>):
/// a /56 out of the region's Amazon pool (<c>Ipv6Pool: Amazon</c>, the network border group being the region). The
/// regional pools are the EC2 ranges AWS publishes in ip-ranges.json (service EC2, e.g. us-west-2
/// <c>2600:1f14::/35</c>, us-east-1 <c>2600:1f18::/33</c>, eu-west-1 <c>2a05:d018::/35</c>); a region not listed
/// draws from Amazon's <c>2600:1f00::/24</c>. Which /56 a VPC gets is EC2's choice; here it is the VPC's seeded hash
/// (<see cref="ResourceIdGenerator"/>), so a world loads with the same blocks every time.
/// </summary>
public static class AmazonIpv6Pool
{
    /// <summary>The prefix length of every Amazon-provided VPC block (Amazon VPC user guide, "IPv6 VPC CIDR blocks").</summary>
    public const int VpcPrefixLength = 56;

    /// <summary>The prefix length of a subnet's IPv6 block: EC2 takes only a /64 (API reference, CreateSubnet <c>Ipv6CidrBlock</c>).</summary>
    public const int SubnetPrefixLength = 64;

    /// <summary>The size of an IPv6 prefix EC2 delegates to an interface (<c>Ipv6PrefixCount</c>): a /80.</summary>
    public const int DelegatedPrefixLength = 80;

    /// <summary>The name describe-vpcs prints as <c>Ipv6Pool</c> for an Amazon-provided block.</summary>
    public const string PoolName = "Amazon";

    /// <summary>An Amazon-provided block's <c>IpSource</c> (botocore enum <c>IpSource</c>: amazon, byoip, none).</summary>
    public const string IpSource = "amazon";

    /// <summary>An Amazon-provided block's <c>Ipv6AddressAttribute</c>: its addresses are global unicast, so <c>public</c>.</summary>
    public const string AddressAttribute = "public";

    private static readonly Dictionary<string, string> Pools = new(StringComparer.Ordinal)
    {
        ["us-east-1"] = "2600:1f18::/33",
        ["us-east-2"] = "2600:1f16::/36",
        ["us-west-1"] = "2600:1f1c::/36",
        ["us-west-2"] = "2600:1f14::/35",
        ["eu-west-1"] = "2a05:d018::/35",
        ["eu-central-1"] = "2a05:d014::/35",
        ["ap-southeast-1"] = "2406:da18::/36",
        ["ap-northeast-1"] = "2406:da14::/36",
    };

    private static readonly CidrBlock Amazon = CidrBlock.Parse("2600:1f00::/24");

    /// <summary>The pool <paramref name="region"/>'s VPC blocks come from.</summary>
    public static CidrBlock PoolOf(string region) => Pools.TryGetValue(region, out var text) ? CidrBlock.Parse(text) : Amazon;

    /// <summary>
    /// The /56 numbered <paramref name="hash"/> (any 64-bit number; reduced modulo the pool's /56 count) in
    /// <paramref name="region"/>'s pool.
    /// </summary>
    public static CidrBlock VpcBlock(string region, ulong hash)
    {
        var pool = PoolOf(region);
        var blocks = UInt128.One << (VpcPrefixLength - pool.PrefixLength);
        var index = (UInt128)hash % blocks;
        return new CidrBlock(IpAddressMath.FromNumber(pool.First + (index << (128 - VpcPrefixLength)), System.Net.Sockets.AddressFamily.InterNetworkV6), VpcPrefixLength);
    }

    /// <summary>Parses a 16-hex-digit hash as <see cref="ResourceIdGenerator.Hex"/> gives it.</summary>
    internal static ulong ParseHash(string hex) => ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
