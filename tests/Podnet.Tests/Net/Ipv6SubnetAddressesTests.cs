using System.Net;
using Podnet.Net;

namespace Podnet.Tests.Net;

public class Ipv6SubnetAddressesTests
{
    private readonly Ipv6SubnetAddresses _pool = new(CidrBlock.Parse("2600:1f14:abc:de01::/64"));

    [Fact]
    public void TryClaim_FirstFourAndLast_AreReserved()
    {
        Assert.Equal(AddressClaim.Reserved, _pool.TryClaim(IPAddress.Parse("2600:1f14:abc:de01::3")));
        Assert.Equal(AddressClaim.Reserved, _pool.TryClaim(IPAddress.Parse("2600:1f14:abc:de01:ffff:ffff:ffff:ffff")));
        Assert.Equal(AddressClaim.Claimed, _pool.TryClaim(IPAddress.Parse("2600:1f14:abc:de01::4")));
        Assert.Equal(AddressClaim.InUse, _pool.TryClaim(IPAddress.Parse("2600:1f14:abc:de01::4")));
        Assert.Equal(AddressClaim.OutsideSubnet, _pool.TryClaim(IPAddress.Parse("2600:1f14:abc:de02::4")));
    }

    [Fact]
    public void TryClaimPrefix_HoldingAnAddress_IsInUse_AndReleaseFreesIt()
    {
        var prefix = _pool.PrefixAt(3);
        Assert.Equal("2600:1f14:abc:de01:3::/80", prefix.ToString());
        var inside = IPAddress.Parse("2600:1f14:abc:de01:3::9");
        Assert.Equal(AddressClaim.Claimed, _pool.TryClaim(inside));

        Assert.Equal(AddressClaim.InUse, _pool.TryClaimPrefix(prefix));
        _pool.Release(inside);
        Assert.Equal(AddressClaim.Claimed, _pool.TryClaimPrefix(prefix));
        Assert.Equal(AddressClaim.InUse, _pool.TryClaim(inside));
        Assert.Equal(AddressClaim.Reserved, _pool.TryClaimPrefix(_pool.PrefixAt(0)));
        Assert.Equal(AddressClaim.OutsideSubnet, _pool.TryClaimPrefix(CidrBlock.Parse("2600:1f14:abc:de01::/96")));
    }
}
