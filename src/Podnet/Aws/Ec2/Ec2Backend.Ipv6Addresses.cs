using System.Net;
using System.Net.Sockets;
using Podnet.Net;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    /// <summary>
    /// AssignIpv6Addresses: IPv6 addresses and /80 prefixes from the interface's subnet's /64. EC2 picks them across
    /// the /64, not lowest first; here each is the interface's seeded hash (<see cref="ResourceIdGenerator.Hex"/>),
    /// drawn again while it is reserved or taken, so a world gets the same addresses every run. All or nothing.
    /// </summary>
    /// <exception cref="AwsException">
    /// InvalidNetworkInterfaceID.NotFound; InvalidParameterValue for a subnet without an IPv6 block
    /// (<see cref="Ec2Errors.SubnetHasNoIpv6"/>), an address outside the /64 or reserved, or a prefix that is not a
    /// /80 of it; InvalidIPAddress.InUse; InvalidParameterCombination for a list and a count of one kind;
    /// MissingParameter when nothing is asked.
    /// </exception>
    public AssignIpv6AddressesResult AssignIpv6Addresses(AssignIpv6AddressesRequest request)
    {
        lock (_lock)
        {
            var eni = FindInterface(request.NetworkInterfaceId);
            if ((request.Ipv6Addresses is { Count: > 0 } && request.Ipv6AddressCount > 0) || (request.Ipv6Prefixes is { Count: > 0 } && request.Ipv6PrefixCount > 0))
            {
                throw Ec2Errors.AddressesAndCount();
            }

            if (request.Ipv6AddressCount < 0 || request.Ipv6PrefixCount < 0)
            {
                throw Ec2Errors.InvalidParameterValue("The number of addresses or prefixes to assign must not be negative.");
            }

            if (request.Ipv6Addresses is not { Count: > 0 } && request.Ipv6AddressCount == 0 && request.Ipv6Prefixes is not { Count: > 0 } && request.Ipv6PrefixCount == 0)
            {
                throw Ec2Errors.MissingParameter("ipv6Addresses, ipv6AddressCount, ipv6Prefixes or ipv6PrefixCount");
            }

            var subnet = FindSubnet(eni.SubnetId);
            var pool = subnet.Ipv6 ?? throw Ec2Errors.SubnetHasNoIpv6(subnet.Id);
            var addresses = new List<IPAddress>();
            var prefixes = new List<CidrBlock>();
            try
            {
                foreach (var text in request.Ipv6Addresses ?? [])
                {
                    if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                    {
                        throw Ec2Errors.InvalidParameterValue(text, "Ipv6Address", "This is not a valid IPv6 address.");
                    }

                    EnsureClaimed(pool.TryClaim(address), subnet, text);
                    addresses.Add(address);
                }

                for (var i = 0; i < request.Ipv6AddressCount; i++)
                {
                    addresses.Add(DrawIpv6Address(pool, eni.Id));
                }

                foreach (var text in request.Ipv6Prefixes ?? [])
                {
                    if (!CidrBlock.TryParse(text, out var prefix) || prefix.IsIPv4 || prefix.PrefixLength != AmazonIpv6Pool.DelegatedPrefixLength)
                    {
                        throw Ec2Errors.InvalidParameterValue(text, "Ipv6Prefix", "Only /80 IPv6 prefixes are supported.");
                    }

                    EnsureClaimed(pool.TryClaimPrefix(prefix), subnet, text);
                    prefixes.Add(prefix);
                }

                for (var i = 0; i < request.Ipv6PrefixCount; i++)
                {
                    prefixes.Add(DrawIpv6Prefix(pool, eni.Id));
                }
            }
            catch (AwsException)
            {
                addresses.ForEach(pool.Release);
                prefixes.ForEach(pool.Release);
                throw;
            }

            eni.Ipv6Addresses.AddRange(addresses);
            eni.Ipv6Prefixes.AddRange(prefixes);
            return new AssignIpv6AddressesResult(eni.Id, [.. addresses.Select(a => a.ToString())], [.. prefixes.Select(p => p.ToString())]);
        }
    }

    /// <summary>UnassignIpv6Addresses: gives back addresses and prefixes the interface holds; one it does not hold refuses the call.</summary>
    /// <exception cref="AwsException">InvalidNetworkInterfaceID.NotFound; InvalidParameterValue for one not assigned; MissingParameter when none is named.</exception>
    public UnassignIpv6AddressesResult UnassignIpv6Addresses(UnassignIpv6AddressesRequest request)
    {
        lock (_lock)
        {
            var eni = FindInterface(request.NetworkInterfaceId);
            var addresses = new List<IPAddress>();
            foreach (var text in request.Ipv6Addresses ?? [])
            {
                if (!IPAddress.TryParse(text, out var address) || !eni.Ipv6Addresses.Contains(address))
                {
                    throw Ec2Errors.AddressNotAssigned(text, eni.Id);
                }

                addresses.Add(address);
            }

            var prefixes = HeldPrefixes(request.Ipv6Prefixes, eni.Ipv6Prefixes, eni.Id);

            if (addresses.Count == 0 && prefixes.Count == 0)
            {
                throw Ec2Errors.MissingParameter("ipv6Addresses or ipv6Prefix");
            }

            var pool = FindSubnet(eni.SubnetId).Ipv6!;
            foreach (var address in addresses)
            {
                eni.Ipv6Addresses.Remove(address);
                pool.Release(address);
            }

            foreach (var prefix in prefixes)
            {
                eni.Ipv6Prefixes.Remove(prefix);
                pool.Release(prefix);
            }

            return new UnassignIpv6AddressesResult(eni.Id, [.. addresses.Select(a => a.ToString())], [.. prefixes.Select(p => p.ToString())]);
        }
    }

    /// <summary>An address of the /64 for <paramref name="interfaceId"/>: its seeded 64-bit interface identifier, drawn again while reserved or taken.</summary>
    private IPAddress DrawIpv6Address(Ipv6SubnetAddresses pool, string interfaceId)
    {
        while (true)
        {
            var address = pool.Cidr.AddressAt(AmazonIpv6Pool.ParseHash(_ids.Hex("ipv6-address", interfaceId, 16)));
            if (pool.TryClaim(address) == AddressClaim.Claimed)
            {
                return address;
            }
        }
    }

    /// <summary>A /80 of the /64 for <paramref name="interfaceId"/>: its seeded 16-bit index, drawn again while reserved or taken.</summary>
    private CidrBlock DrawIpv6Prefix(Ipv6SubnetAddresses pool, string interfaceId)
    {
        while (true)
        {
            var prefix = pool.PrefixAt((ushort)AmazonIpv6Pool.ParseHash(_ids.Hex("ipv6-prefix", interfaceId, 4)));
            if (pool.TryClaimPrefix(prefix) == AddressClaim.Claimed)
            {
                return prefix;
            }
        }
    }

    /// <summary>Gives back an interface's IPv6 addresses and prefixes when it is deleted.</summary>
    private static void ReleaseIpv6(SubnetEntity subnet, InterfaceEntity eni)
    {
        if (subnet.Ipv6 is not { } pool)
        {
            return;
        }

        eni.Ipv6Addresses.ForEach(pool.Release);
        eni.Ipv6Prefixes.ForEach(pool.Release);
    }
}
