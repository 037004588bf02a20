using System.Net;

namespace Podnet.Net;

/// <summary>
/// IPv6 address accounting for one subnet's /64, as EC2 does it: the first four addresses and the last are reserved
/// (Amazon VPC user guide, "Subnet CIDR blocks": "The first four IPv6 addresses and the last IPv6 address in each
/// subnet IPv6 CIDR block are reserved"); every other address, and every /80 prefix (prefix delegation,
/// <c>Ipv6PrefixCount</c>) that holds neither a reserved nor an assigned address, can be assigned to one interface.
/// A /64 cannot be walked lowest-first as <see cref="SubnetAddressPool"/> walks an IPv4 block: EC2 picks IPv6
/// addresses and prefixes across the /64, so callers pick candidates (seeded, see Ec2Backend) and this keeps them
/// unique.
/// </summary>
public sealed class Ipv6SubnetAddresses
{
    /// <summary>Addresses reserved at the start of the /64 (network, VPC router, DNS, future use).</summary>
    public const int ReservedAtStart = 4;

    private readonly HashSet<UInt128> _addresses = [];
    private readonly HashSet<UInt128> _prefixes = [];

    /// <param name="cidr">The subnet's IPv6 block: a /64.</param>
    public Ipv6SubnetAddresses(CidrBlock cidr)
    {
        if (cidr.IsIPv4 || cidr.PrefixLength != 64)
        {
            throw new ArgumentException($"{cidr} is not an IPv6 /64, the only size of a subnet's IPv6 block", nameof(cidr));
        }

        Cidr = cidr;
    }

    /// <summary>The subnet's /64.</summary>
    public CidrBlock Cidr { get; }

    /// <summary>Assigned addresses and prefixes, together.</summary>
    public int Count => _addresses.Count + _prefixes.Count;

    /// <summary>Claims one address: outside the /64, reserved, assigned already, or inside an assigned prefix, it is refused.</summary>
    public AddressClaim TryClaim(IPAddress address)
    {
        if (!Cidr.Contains(address))
        {
            return AddressClaim.OutsideSubnet;
        }

        var offset = IpAddressMath.ToNumber(address) - Cidr.First;
        if (offset < ReservedAtStart || offset == Cidr.Size - 1)
        {
            return AddressClaim.Reserved;
        }

        if (_addresses.Contains(offset) || _prefixes.Contains(PrefixIndex(offset)))
        {
            return AddressClaim.InUse;
        }

        _addresses.Add(offset);
        return AddressClaim.Claimed;
    }

    /// <summary>Claims one /80: outside the /64, holding a reserved address, or holding an assigned address or prefix, it is refused.</summary>
    public AddressClaim TryClaimPrefix(CidrBlock prefix)
    {
        if (prefix.IsIPv4 || prefix.PrefixLength != 80 || !Cidr.Contains(prefix))
        {
            return AddressClaim.OutsideSubnet;
        }

        var index = PrefixIndex(prefix.First - Cidr.First);
        if (index == 0 || index == PrefixIndex(Cidr.Size - 1))
        {
            return AddressClaim.Reserved;
        }

        if (_prefixes.Contains(index) || _addresses.Any(a => PrefixIndex(a) == index))
        {
            return AddressClaim.InUse;
        }

        _prefixes.Add(index);
        return AddressClaim.Claimed;
    }

    /// <summary>The /80 numbered <paramref name="index"/> (0 to 65535) in the /64.</summary>
    public CidrBlock PrefixAt(ushort index) => new(Cidr.AddressAt((UInt128)index << 48), 80);

    /// <summary>Gives back an address claimed before.</summary>
    public void Release(IPAddress address) => _addresses.Remove(IpAddressMath.ToNumber(address) - Cidr.First);

    /// <summary>Gives back a prefix claimed before.</summary>
    public void Release(CidrBlock prefix) => _prefixes.Remove(PrefixIndex(prefix.First - Cidr.First));

    private static UInt128 PrefixIndex(UInt128 offset) => offset >> 48;
}
