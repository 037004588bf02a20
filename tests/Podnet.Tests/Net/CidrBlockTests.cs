using System.Net;
using Podnet.Net;

namespace Podnet.Tests.Net;

public class CidrBlockTests
{
    [Theory]
    [InlineData("10.0.0.0/16", 65536)]
    [InlineData("192.168.1.0/24", 256)]
    [InlineData("192.168.1.16/28", 16)]
    [InlineData("10.0.0.5/32", 1)]
    public void Parse_Ipv4_GivesSize(string text, int size)
    {
        var cidr = CidrBlock.Parse(text);
        Assert.Equal((UInt128)size, cidr.Size);
        Assert.Equal(text, cidr.ToString());
    }

    [Fact]
    public void Parse_Ipv6_Works()
    {
        var cidr = CidrBlock.Parse("2600:1f14:abc:de00::/56");
        Assert.False(cidr.IsIPv4);
        Assert.Equal(56, cidr.PrefixLength);
        Assert.True(cidr.Contains(IPAddress.Parse("2600:1f14:abc:de12::1")));
        Assert.False(cidr.Contains(IPAddress.Parse("2600:1f14:abc:df00::1")));
    }

    [Theory]
    [InlineData("10.0.0.1/16", "host bits set")]
    [InlineData("10.0.0.0/33", "prefix length")]
    [InlineData("10.0.0/16", "not an IP address")]
    [InlineData("10.0.0.0", "expected address/prefix-length")]
    [InlineData("banana/8", "not an IP address")]
    [InlineData("", "required")]
    public void TryParse_RejectsBadBlocks_WithReason(string text, string reason)
    {
        Assert.False(CidrBlock.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseAllowingHostBits_MasksHostBits()
    {
        Assert.True(CidrBlock.TryParseAllowingHostBits("10.0.0.77/24", out var cidr, out _));
        Assert.Equal("10.0.0.0/24", cidr.ToString());
    }

    [Fact]
    public void Contains_And_Overlaps()
    {
        var vpc = CidrBlock.Parse("192.168.0.0/16");
        var subnet = CidrBlock.Parse("192.168.3.0/24");
        var other = CidrBlock.Parse("192.169.0.0/24");
        Assert.True(vpc.Contains(subnet));
        Assert.False(subnet.Contains(vpc));
        Assert.True(vpc.Overlaps(subnet));
        Assert.True(subnet.Overlaps(vpc));
        Assert.False(vpc.Overlaps(other));
        Assert.False(vpc.Contains(CidrBlock.Parse("::/0")));
        Assert.True(vpc.Contains(IPAddress.Parse("192.168.255.255")));
        Assert.False(vpc.Contains(IPAddress.Parse("192.169.0.0")));
    }

    [Fact]
    public void Split_GivesConsecutiveBlocksLowestFirst()
    {
        var parts = CidrBlock.Parse("10.0.0.0/24").Split(26).Select(c => c.ToString()).ToList();
        Assert.Equal(["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"], parts);
    }

    [Fact]
    public void Split_ToShorterPrefix_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => CidrBlock.Parse("10.0.0.0/24").Split(16).ToList());

    [Fact]
    public void AddressAt_And_OffsetOf_AreInverse()
    {
        var cidr = CidrBlock.Parse("192.168.1.0/24");
        Assert.Equal(IPAddress.Parse("192.168.1.37"), cidr.AddressAt(37));
        Assert.Equal((UInt128)37, cidr.OffsetOf(IPAddress.Parse("192.168.1.37")));
        Assert.Equal(IPAddress.Parse("192.168.1.255"), cidr.LastAddress);
        Assert.Throws<ArgumentOutOfRangeException>(() => cidr.AddressAt(256));
    }

    [Fact]
    public void Ordering_IsByFamilyThenAddressThenPrefix()
    {
        var sorted = new[] { "10.0.1.0/24", "10.0.0.0/16", "10.0.0.0/24" }.Select(CidrBlock.Parse).Order().Select(c => c.ToString());
        Assert.Equal(["10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24"], sorted);
    }
}
