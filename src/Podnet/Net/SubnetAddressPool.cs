using System.Net;
using System.Numerics;

namespace Podnet.Net;

/// <summary>
/// IPv4 address accounting for one subnet, as AWS does it: the first four addresses (network, VPC router, DNS,
/// reserved for future use) and the last (broadcast) are never handed out; everything else is allocated lowest
/// first, singly or as aligned prefixes (prefix delegation hands out /28s).
/// </summary>
public sealed class SubnetAddressPool
{
    public const int ReservedAtStart = 4;
    public const int ReservedAtEnd = 1;

    private readonly ulong[] _used;
    private readonly int _size;
    private int _allocated;

    public SubnetAddressPool(CidrBlock cidr)
    {
        if (!cidr.IsIPv4)
        {
            throw new ArgumentException($"{cidr} is not an IPv4 block; only IPv4 subnets are accounted address by address", nameof(cidr));
        }

        if (cidr.PrefixLength is < 16 or > 28)
        {
            throw new ArgumentException($"{cidr} is not a valid subnet size: AWS subnets are /16 to /28", nameof(cidr));
        }

        Cidr = cidr;
        _size = (int)cidr.Size;
        _used = new ulong[(_size + 63) / 64];
    }

    public CidrBlock Cidr { get; }

    /// <summary>Addresses that can ever be handed out: the block less the five AWS reserves.</summary>
    public int UsableCount => _size - ReservedAtStart - ReservedAtEnd;

    public int AllocatedCount => _allocated;

    /// <summary>What EC2 reports as <c>AvailableIpAddressCount</c>.</summary>
    public int FreeCount => UsableCount - _allocated;

    public bool IsReserved(IPAddress address)
    {
        var offset = (int)Cidr.OffsetOf(address);
        return IsReservedOffset(offset);
    }

    public bool IsAllocated(IPAddress address)
    {
        if (!Cidr.Contains(address))
        {
            return false;
        }

        var offset = (int)Cidr.OffsetOf(address);
        return !IsReservedOffset(offset) && IsUsed(offset);
    }

    /// <summary>Takes the lowest free address; <c>false</c> when the subnet is exhausted.</summary>
    public bool TryAllocateLowest(out IPAddress address)
    {
        for (var word = 0; word < _used.Length; word++)
        {
            var free = ~_used[word];
            while (free != 0)
            {
                var offset = (word * 64) + BitOperations.TrailingZeroCount(free);
                if (offset >= _size)
                {
                    break;
                }

                if (!IsReservedOffset(offset))
                {
                    MarkUsed(offset);
                    address = Cidr.AddressAt((UInt128)offset);
                    return true;
                }

                free &= free - 1;
            }
        }

        address = IPAddress.None;
        return false;
    }

    /// <summary>Takes a specific address.</summary>
    public AddressClaim TryAllocate(IPAddress address)
    {
        if (!Cidr.Contains(address))
        {
            return AddressClaim.OutsideSubnet;
        }

        var offset = (int)Cidr.OffsetOf(address);
        if (IsReservedOffset(offset))
        {
            return AddressClaim.Reserved;
        }

        if (IsUsed(offset))
        {
            return AddressClaim.InUse;
        }

        MarkUsed(offset);
        return AddressClaim.Claimed;
    }

    /// <summary>
    /// Takes the lowest aligned block of the given prefix length whose every address is free and unreserved.
    /// </summary>
    public bool TryAllocatePrefix(int prefixLength, out CidrBlock prefix)
    {
        ValidatePrefixLength(prefixLength);
        var blockSize = 1 << (32 - prefixLength);
        for (var start = 0; start + blockSize <= _size; start += blockSize)
        {
            if (IsRangeFree(start, blockSize))
            {
                MarkRange(start, blockSize, used: true);
                prefix = new CidrBlock(Cidr.AddressAt((UInt128)start), prefixLength);
                return true;
            }
        }

        prefix = default;
        return false;
    }

    /// <summary>Takes a specific prefix.</summary>
    public AddressClaim TryAllocatePrefix(CidrBlock prefix)
    {
        ValidatePrefixLength(prefix.PrefixLength);
        if (!Cidr.Contains(prefix))
        {
            return AddressClaim.OutsideSubnet;
        }

        var start = (int)Cidr.OffsetOf(prefix.BaseAddress);
        var blockSize = (int)prefix.Size;
        if (start < ReservedAtStart || start + blockSize > _size - ReservedAtEnd)
        {
            return AddressClaim.Reserved;
        }

        if (!IsRangeFree(start, blockSize))
        {
            return AddressClaim.InUse;
        }

        MarkRange(start, blockSize, used: true);
        return AddressClaim.Claimed;
    }

    /// <summary>Gives an address back; returns <c>false</c> if it was not allocated.</summary>
    public bool Release(IPAddress address)
    {
        if (!IsAllocated(address))
        {
            return false;
        }

        var offset = (int)Cidr.OffsetOf(address);
        _used[offset >> 6] &= ~(1UL << (offset & 63));
        _allocated--;
        return true;
    }

    /// <summary>Gives a prefix back; every address in it must be allocated.</summary>
    public bool Release(CidrBlock prefix)
    {
        if (!Cidr.Contains(prefix))
        {
            return false;
        }

        var start = (int)Cidr.OffsetOf(prefix.BaseAddress);
        var blockSize = (int)prefix.Size;
        for (var i = start; i < start + blockSize; i++)
        {
            if (IsReservedOffset(i) || !IsUsed(i))
            {
                return false;
            }
        }

        MarkRange(start, blockSize, used: false);
        return true;
    }

    private static void ValidatePrefixLength(int prefixLength)
    {
        if (prefixLength is < 16 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "an IPv4 prefix inside a subnet is /16 to /32");
        }
    }

    private bool IsReservedOffset(int offset) => offset < ReservedAtStart || offset >= _size - ReservedAtEnd;

    private bool IsUsed(int offset) => (_used[offset >> 6] & (1UL << (offset & 63))) != 0;

    private void MarkUsed(int offset)
    {
        _used[offset >> 6] |= 1UL << (offset & 63);
        _allocated++;
    }

    private bool IsRangeFree(int start, int count)
    {
        if (start < ReservedAtStart || start + count > _size - ReservedAtEnd)
        {
            return false;
        }

        if (count < 64 && (start % count) == 0)
        {
            // An aligned block smaller than a word sits inside one word: one mask test.
            var mask = ((1UL << count) - 1) << (start & 63);
            return (_used[start >> 6] & mask) == 0;
        }

        if (count >= 64 && (start & 63) == 0)
        {
            for (var word = start >> 6; word < (start + count) >> 6; word++)
            {
                if (_used[word] != 0)
                {
                    return false;
                }
            }

            return true;
        }

        for (var i = start; i < start + count; i++)
        {
            if (IsUsed(i))
            {
                return false;
            }
        }

        return true;
    }

    private void MarkRange(int start, int count, bool used)
    {
        for (var i = start; i < start + count; i++)
        {
            if (used)
            {
                _used[i >> 6] |= 1UL << (i & 63);
            }
            else
            {
                _used[i >> 6] &= ~(1UL << (i & 63));
            }
        }

        _allocated += used ? count : -count;
    }
}

public enum AddressClaim
{
    Claimed,
    InUse,
    Reserved,
    OutsideSubnet,
}
