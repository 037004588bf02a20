using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Podnet.Net;

/// <summary>
/// An IPv4 or IPv6 CIDR block. Built on <see cref="IPNetwork"/>; adds the arithmetic that VPCs, subnets and
/// prefix delegation need (containment of blocks, overlap, splitting, addressing by offset).
/// </summary>
public readonly record struct CidrBlock : IComparable<CidrBlock>
{
    public CidrBlock(IPAddress baseAddress, int prefixLength)
        : this(new IPNetwork(baseAddress, prefixLength))
    {
    }

    public CidrBlock(IPNetwork network)
    {
        Network = network;
    }

    public IPNetwork Network { get; }

    public IPAddress BaseAddress => Network.BaseAddress;

    public int PrefixLength => Network.PrefixLength;

    public AddressFamily Family => BaseAddress.AddressFamily;

    public bool IsIPv4 => Family == AddressFamily.InterNetwork;

    public int AddressBits => IpAddressMath.BitLength(Family);

    /// <summary>Number of addresses in the block; saturates at <see cref="UInt128.MaxValue"/> for an IPv6 /0.</summary>
    public UInt128 Size => AddressBits - PrefixLength >= 128 ? UInt128.MaxValue : UInt128.One << (AddressBits - PrefixLength);

    public UInt128 First => IpAddressMath.ToNumber(BaseAddress);

    public UInt128 Last => First + (Size == UInt128.MaxValue ? UInt128.MaxValue : Size - 1);

    public IPAddress LastAddress => IpAddressMath.FromNumber(Last, Family);

    /// <summary>Parses a block whose host bits are zero ("10.0.0.0/16"), as EC2 requires.</summary>
    public static CidrBlock Parse(string text)
    {
        if (!TryParse(text, out var block, out var error))
        {
            throw new FormatException(error);
        }

        return block;
    }

    public static bool TryParse(string? text, out CidrBlock block) => TryParse(text, out block, out _);

    public static bool TryParse(string? text, out CidrBlock block, [NotNullWhen(false)] out string? error)
        => TryParseCore(text, allowHostBits: false, out block, out error);

    /// <summary>
    /// Parses a block that may have host bits set ("10.0.0.1/24" → 10.0.0.0/24), as NetworkPolicy ipBlock allows.
    /// </summary>
    public static bool TryParseAllowingHostBits(string? text, out CidrBlock block, [NotNullWhen(false)] out string? error)
        => TryParseCore(text, allowHostBits: true, out block, out error);

    private static bool TryParseCore(string? text, bool allowHostBits, out CidrBlock block, [NotNullWhen(false)] out string? error)
    {
        block = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a CIDR block is required";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
        {
            error = $"'{text}' is not a CIDR block (expected address/prefix-length, e.g. 10.0.0.0/16)";
            return false;
        }

        if (!IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || (address.AddressFamily == AddressFamily.InterNetwork && text.AsSpan(0, slash).Count('.') != 3))
        {
            error = $"'{text}' is not a CIDR block: '{text[..slash]}' is not an IP address";
            return false;
        }

        var bits = IpAddressMath.BitLength(address.AddressFamily);
        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > bits)
        {
            error = $"'{text}' is not a CIDR block: the prefix length must be a number from 0 to {bits}";
            return false;
        }

        var number = IpAddressMath.ToNumber(address);
        var hostMask = prefix == 0 ? (bits == 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1) : (UInt128.One << (bits - prefix)) - 1;
        if ((number & hostMask) != 0)
        {
            if (!allowHostBits)
            {
                error = $"'{text}' is not a CIDR block: it has host bits set (did you mean {IpAddressMath.FromNumber(number & ~hostMask, address.AddressFamily)}/{prefix}?)";
                return false;
            }

            number &= ~hostMask;
        }

        block = new CidrBlock(IpAddressMath.FromNumber(number, address.AddressFamily), prefix);
        error = null;
        return true;
    }

    public static CidrBlock Single(IPAddress address) => new(address, IpAddressMath.BitLength(address.AddressFamily));

    public bool Contains(IPAddress address) => address.AddressFamily == Family && Network.Contains(address);

    public bool Contains(CidrBlock other)
        => other.Family == Family && other.PrefixLength >= PrefixLength && Contains(other.BaseAddress);

    public bool Overlaps(CidrBlock other)
        => other.Family == Family && (Contains(other.BaseAddress) || other.Contains(BaseAddress));

    /// <summary>The address at <paramref name="offset"/> from the start of the block.</summary>
    public IPAddress AddressAt(UInt128 offset)
    {
        if (offset >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"outside {this}");
        }

        return IpAddressMath.FromNumber(First + offset, Family);
    }

    /// <summary>The offset of <paramref name="address"/> from the start of the block.</summary>
    public UInt128 OffsetOf(IPAddress address)
    {
        if (!Contains(address))
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, $"outside {this}");
        }

        return IpAddressMath.ToNumber(address) - First;
    }

    /// <summary>Splits the block into consecutive blocks of the longer prefix length, lowest first.</summary>
    public IEnumerable<CidrBlock> Split(int newPrefixLength)
    {
        if (newPrefixLength < PrefixLength || newPrefixLength > AddressBits)
        {
            throw new ArgumentOutOfRangeException(nameof(newPrefixLength), newPrefixLength, $"must be between {PrefixLength} and {AddressBits} to split {this}");
        }

        return SplitIterator(newPrefixLength);
    }

    private IEnumerable<CidrBlock> SplitIterator(int newPrefixLength)
    {
        var step = UInt128.One << (AddressBits - newPrefixLength);
        var count = UInt128.One << (newPrefixLength - PrefixLength);
        for (UInt128 i = 0; i < count; i++)
        {
            yield return new CidrBlock(IpAddressMath.FromNumber(First + (i * step), Family), newPrefixLength);
        }
    }

    public int CompareTo(CidrBlock other)
    {
        var byFamily = ((int)Family).CompareTo((int)other.Family); // not the enum's CompareTo(object), which boxes
        if (byFamily != 0)
        {
            return byFamily;
        }

        var byStart = First.CompareTo(other.First);
        return byStart != 0 ? byStart : PrefixLength.CompareTo(other.PrefixLength);
    }

    public static bool operator <(CidrBlock left, CidrBlock right) => left.CompareTo(right) < 0;

    public static bool operator <=(CidrBlock left, CidrBlock right) => left.CompareTo(right) <= 0;

    public static bool operator >(CidrBlock left, CidrBlock right) => left.CompareTo(right) > 0;

    public static bool operator >=(CidrBlock left, CidrBlock right) => left.CompareTo(right) >= 0;

    public override string ToString() => Network.ToString();
}
