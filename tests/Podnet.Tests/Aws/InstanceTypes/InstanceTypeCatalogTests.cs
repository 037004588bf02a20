using Podnet.Aws.InstanceTypes;

namespace Podnet.Tests.Aws.InstanceTypes;

public class InstanceTypeCatalogTests
{
    private static InstanceTypeCatalog Catalog => InstanceTypeCatalog.Default;

    [Fact]
    public void Embedded_HoldsEveryTypeOfBothTables()
    {
        Assert.Equal(1164, Catalog.All.Count(t => t.IsTrunkingCompatible is not null));
        Assert.Equal(1391, Catalog.All.Count(t => t.MaxPods is not null));
        Assert.Equal(1392, Catalog.Count);
    }

    [Fact]
    public void M5Large()
    {
        var m5 = Catalog.Find("m5.large")!;
        Assert.Equal((3, 10, true, 9, 29, 2), (m5.MaximumNetworkInterfaces, m5.Ipv4AddressesPerInterface, m5.IsTrunkingCompatible, m5.BranchInterfaces, m5.MaxPods, m5.DefaultVCpus));
        Assert.True(m5.IsNitro);
    }

    [Fact]
    public void T3Medium_IsNotTrunkingCompatible()
    {
        var t3 = Catalog.Find("t3.medium")!;
        Assert.Equal((3, 6, false, 0, 17), (t3.MaximumNetworkInterfaces, t3.Ipv4AddressesPerInterface, t3.IsTrunkingCompatible, t3.BranchInterfaces, t3.MaxPods));
    }

    [Fact]
    public void MaxPodsTable_MatchesTheFormula_ForEveryTypeWithLimits()
    {
        foreach (var type in Catalog.All.Where(t => t.MaxPods is not null && t.IsTrunkingCompatible is not null))
        {
            Assert.Equal(type.DefaultCardMaximumNetworkInterfaces * (type.Ipv4AddressesPerInterface - 1) + 2, type.MaxPods);
        }
    }

    [Fact]
    public void MultiCardType_KeepsItsCards()
    {
        var p4d = Catalog.Find("p4d.24xlarge")!;
        Assert.Equal(4, p4d.NetworkCards.Count);
        Assert.Equal(p4d.MaximumNetworkInterfaces, p4d.NetworkCards.Sum(c => c.MaximumNetworkInterfaces));
    }

    [Fact]
    public void BareMetal_IsNitro()
        => Assert.True(Catalog.Find("c5.metal")!.IsNitro);

    [Fact]
    public void Unknown_IsNull()
        => Assert.Null(Catalog.Find("m9.huge"));

    [Fact]
    public void Suggest_GivesTheNearestNameWithinTwoEdits()
    {
        Assert.Equal("m5.large", Catalog.Suggest("m5.larg"));
        Assert.Null(Catalog.Suggest("nothing-like-it"));
        Assert.Equal("instance type \"t3.mediun\" is not known (did you mean t3.medium?)", Catalog.NotKnownMessage("t3.mediun"));
        Assert.Equal("instance type \"zz\" is not known", Catalog.NotKnownMessage("zz"));
    }
}
