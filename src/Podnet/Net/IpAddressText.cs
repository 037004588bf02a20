using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Podnet.Net;

/// <summary>
/// IP addresses as Kubernetes reads them: k8s.io/utils/net.ParseIPSloppy (Go 1.16's net.ParseIP), which takes
/// dotted-quad IPv4 with leading zeros as decimal (<c>10.0.0.010</c> is 10.0.0.10) and rejects the short forms
/// .NET's parser accepts (<c>10.1</c>, <c>167772161</c>, <c>0x0a000001</c>), and .NET's octal reading of a leading 0.
/// Compare the parsed values, never the text.
/// </summary>
public static class IpAddressText
{
    /// <summary>Parses <paramref name="text"/> as ParseIPSloppy does; false when Kubernetes would reject it.</summary>
    public static bool TryParse(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            // IPv6 (an IPv4 tail allowed); Go takes no zone, no brackets and no port.
            if (text.AsSpan().IndexOfAny("%[]/ ") >= 0 || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            // Go keeps an IPv4-mapped address (::ffff:10.0.0.1) as the IPv4 address it maps (To4 is not nil).
            address = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
            return true;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            // dtoi: decimal digits only, any number of leading zeros, at most 255.
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit)
                || !int.TryParse(parts[i].TrimStart('0') is { Length: > 0 } digits ? digits : "0", NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || value > 255)
            {
                return false;
            }

            bytes[i] = (byte)value;
        }

        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>The address, or null when Kubernetes would reject the text.</summary>
    public static IPAddress? ParseOrNull(string? text) => TryParse(text, out var address) ? address : null;

    /// <summary>
    /// An address and port as clients and kube-proxy's rules write them (RFC 3986's host:port, Go's
    /// net.JoinHostPort): <c>10.100.0.10:53</c>, <c>[fd00:10:100::a]:53</c>.
    /// </summary>
    public static string WithPort(string address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{text}" : $"{address}:{text}";
    }
}
