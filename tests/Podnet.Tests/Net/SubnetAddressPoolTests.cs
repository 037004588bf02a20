using System.Net;
using Podnet.Net;

namespace Podnet.Tests.Net;

public class SubnetAddressPoolTests
{
    private static SubnetAddressPool Pool(string cidr) => new(CidrBlock.Parse(cidr));

    [Theory]
    [InlineData("10.0.0.0/28", 11)]
    [InlineData("10.0.0.0/27", 27)]
    [InlineData("10.0.0.0/24", 251)]
    [InlineData("10.0.0.0/16", 65531)]
    public void UsableCount_ExcludesAwsReservedAddresses(string cidr, int usable)
    {
        var pool = Pool(cidr);
        Assert.Equal(usable, pool.UsableCount);
        Assert.Equal(usable, pool.FreeCount);
    }

    [Fact]
    public void FirstFourAndLast_AreReserved()
    {
        var pool = Pool("10.0.0.0/24");
        foreach (var reserved in new[] { "10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255" })
        {
            Assert.True(pool.IsReserved(IPAddress.Parse(reserved)));
            Assert.Equal(AddressClaim.Reserved, pool.TryAllocate(IPAddress.Parse(reserved)));
        }

        Assert.False(pool.IsReserved(IPAddress.Parse("10.0.0.4")));
        Assert.False(pool.IsReserved(IPAddress.Parse("10.0.0.254")));
    }

    [Fact]
    public void TryAllocateLowest_StartsAfterReserved_AndReusesReleased()
    {
        var pool = Pool("10.0.0.0/24");
        Assert.True(pool.TryAllocateLowest(out var first));
        Assert.True(pool.TryAllocateLowest(out var second));
        Assert.Equal(IPAddress.Parse("10.0.0.4"), first);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), second);
        Assert.Equal(249, pool.FreeCount);

        Assert.True(pool.Release(first));
        Assert.True(pool.TryAllocateLowest(out var again));
        Assert.Equal(first, again);
    }

    [Fact]
    public void TryAllocateLowest_ExhaustsAfterUsableCount()
    {
        var pool = Pool("10.0.0.0/28");
        var got = new List<IPAddress>();
        while (pool.TryAllocateLowest(out var address))
        {
            got.Add(address);
        }

        Assert.Equal(11, got.Count);
        Assert.Equal(IPAddress.Parse("10.0.0.14"), got[^1]);
        Assert.Equal(0, pool.FreeCount);
    }

    [Fact]
    public void TryAllocate_Specific_ReportsInUseAndOutside()
    {
        var pool = Pool("10.0.0.0/24");
        Assert.Equal(AddressClaim.Claimed, pool.TryAllocate(IPAddress.Parse("10.0.0.50")));
        Assert.Equal(AddressClaim.InUse, pool.TryAllocate(IPAddress.Parse("10.0.0.50")));
        Assert.Equal(AddressClaim.OutsideSubnet, pool.TryAllocate(IPAddress.Parse("10.0.1.50")));
        Assert.True(pool.IsAllocated(IPAddress.Parse("10.0.0.50")));
        Assert.Equal(250, pool.FreeCount);
    }

    [Fact]
    public void Release_OfUnallocatedOrReserved_ReturnsFalse()
    {
        var pool = Pool("10.0.0.0/24");
        Assert.False(pool.Release(IPAddress.Parse("10.0.0.9")));
        Assert.False(pool.Release(IPAddress.Parse("10.0.0.0")));
        Assert.Equal(251, pool.FreeCount);
    }

    [Fact]
    public void Prefix_IsAligned_AndSkipsBlocksWithReservedAddresses()
    {
        var pool = Pool("10.0.0.0/24");

        // 10.0.0.0/28 holds the four reserved addresses, so the first /28 handed out is 10.0.0.16/28.
        Assert.True(pool.TryAllocatePrefix(28, out var prefix));
        Assert.Equal("10.0.0.16/28", prefix.ToString());
        Assert.Equal(251 - 16, pool.FreeCount);
    }

    [Fact]
    public void Prefix_SkipsBlocksWithAnyAllocatedAddress()
    {
        var pool = Pool("10.0.0.0/24");
        Assert.Equal(AddressClaim.Claimed, pool.TryAllocate(IPAddress.Parse("10.0.0.20")));
        Assert.True(pool.TryAllocatePrefix(28, out var prefix));
        Assert.Equal("10.0.0.32/28", prefix.ToString());
    }

    [Fact]
    public void Prefix_LastBlockHoldsBroadcast_SoA24HasFourteenPrefixes()
    {
        var pool = Pool("10.0.0.0/24");
        var prefixes = new List<CidrBlock>();
        while (pool.TryAllocatePrefix(28, out var prefix))
        {
            prefixes.Add(prefix);
        }

        Assert.Equal(14, prefixes.Count);
        Assert.Equal("10.0.0.224/28", prefixes[^1].ToString());

        // What is left: .4-.15 and .240-.254.
        Assert.Equal(12 + 15, pool.FreeCount);
        Assert.True(pool.TryAllocateLowest(out var address));
        Assert.Equal(IPAddress.Parse("10.0.0.4"), address);
    }

    [Fact]
    public void Prefix_Specific_MustBeFreeAndUnreserved()
    {
        var pool = Pool("10.0.0.0/24");
        Assert.Equal(AddressClaim.Reserved, pool.TryAllocatePrefix(CidrBlock.Parse("10.0.0.0/28")));
        Assert.Equal(AddressClaim.Reserved, pool.TryAllocatePrefix(CidrBlock.Parse("10.0.0.240/28")));
        Assert.Equal(AddressClaim.Claimed, pool.TryAllocatePrefix(CidrBlock.Parse("10.0.0.48/28")));
        Assert.Equal(AddressClaim.InUse, pool.TryAllocatePrefix(CidrBlock.Parse("10.0.0.48/28")));
        Assert.Equal(AddressClaim.OutsideSubnet, pool.TryAllocatePrefix(CidrBlock.Parse("10.0.1.48/28")));
        Assert.True(pool.IsAllocated(IPAddress.Parse("10.0.0.63")));
    }

    [Fact]
    public void Prefix_Release_FreesAllSixteen()
    {
        var pool = Pool("10.0.0.0/24");
        Assert.True(pool.TryAllocatePrefix(28, out var prefix));
        Assert.True(pool.Release(prefix));
        Assert.Equal(251, pool.FreeCount);
        Assert.False(pool.Release(prefix));
    }

    [Fact]
    public void Prefix_InFragmentedSubnet_FindsOnlyWhollyFreeBlocks()
    {
        var pool = Pool("10.0.0.0/26");

        // One address in every /28 but the third: only 10.0.0.32/28 can be delegated.
        Assert.Equal(AddressClaim.Claimed, pool.TryAllocate(IPAddress.Parse("10.0.0.20")));
        Assert.Equal(AddressClaim.Claimed, pool.TryAllocate(IPAddress.Parse("10.0.0.50")));
        Assert.True(pool.TryAllocatePrefix(28, out var prefix));
        Assert.Equal("10.0.0.32/28", prefix.ToString());
        Assert.False(pool.TryAllocatePrefix(28, out _));
    }

    [Theory]
    [InlineData("10.0.0.0/15")]
    [InlineData("10.0.0.0/29")]
    [InlineData("2600::/64")]
    public void Constructor_RejectsNonSubnetSizes(string cidr)
        => Assert.Throws<ArgumentException>(() => Pool(cidr));
}
