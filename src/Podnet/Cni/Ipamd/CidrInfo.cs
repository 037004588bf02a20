using Podnet.Net;

namespace Podnet.Cni.Ipamd;

/// <summary>
/// One CIDR of an ENI (<c>CidrInfo</c>): a /32 secondary address in secondary-IP mode or a /28 prefix (16 addresses)
/// in prefix-delegation mode, or an IPv6 /80 prefix on an IPv6 node, with the addresses of it the datastore has handed out or holds in cooldown.
/// </summary>
public sealed record CidrInfo(CidrBlock Cidr, bool IsPrefix, IReadOnlyList<AddressInfo> Addresses)
{
    /// <summary>Addresses in the CIDR: 1 for a /32, 16 for a /28, 2^48 for an IPv6 /80.</summary>
    public long Size => (long)Cidr.Size;

    public int AssignedCount => Addresses.Count(a => a.IsAssigned);

    public int CooldownCount(DateTimeOffset now, TimeSpan cooldown) => Addresses.Count(a => a.InCooldown(now, cooldown));
}
