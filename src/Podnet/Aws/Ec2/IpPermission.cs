namespace Podnet.Aws.Ec2;

/// <summary>
/// EC2's <c>IpPermission</c>: a protocol and port range with any number of sources (or destinations, for egress).
/// Protocol is <c>-1</c> (all), <c>tcp</c>, <c>udp</c>, <c>icmp</c>, <c>icmpv6</c> or a protocol number; for ICMP
/// the "ports" are the type and code (-1 = all).
/// </summary>
public sealed record IpPermission(
    string IpProtocol,
    int? FromPort = null,
    int? ToPort = null,
    IReadOnlyList<IpRange>? IpRanges = null,
    IReadOnlyList<Ipv6Range>? Ipv6Ranges = null,
    IReadOnlyList<PrefixListId>? PrefixListIds = null,
    IReadOnlyList<UserIdGroupPair>? UserIdGroupPairs = null)
{
    public static IpPermission Tcp(int port, params string[] cidrs) => Tcp(port, port, cidrs);

    public static IpPermission Tcp(int fromPort, int toPort, params string[] cidrs)
        => new("tcp", fromPort, toPort, IpRanges: [.. cidrs.Select(c => new IpRange(c))]);

    public static IpPermission Udp(int port, params string[] cidrs)
        => new("udp", port, port, IpRanges: [.. cidrs.Select(c => new IpRange(c))]);

    public static IpPermission AllTraffic(params string[] cidrs)
        => new("-1", IpRanges: [.. cidrs.Select(c => new IpRange(c))]);

    public static IpPermission FromGroup(string protocol, int? fromPort, int? toPort, params string[] groupIds)
        => new(protocol, fromPort, toPort, UserIdGroupPairs: [.. groupIds.Select(g => new UserIdGroupPair(g))]);
}

public sealed record IpRange(string CidrIp, string? Description = null);

public sealed record Ipv6Range(string CidrIpv6, string? Description = null);

public sealed record PrefixListId(string Id, string? Description = null);

public sealed record UserIdGroupPair(string GroupId, string? UserId = null, string? VpcId = null, string? Description = null);
