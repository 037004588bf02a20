using Podnet.Aws.InstanceTypes;
using Podnet.Cni;

namespace Podnet.Tests.Cni;

public class MaxPodsCalculatorTests
{
    private static MaxPodsResult Calculate(MaxPodsOptions options, InstanceTypeCatalog? catalog = null)
    {
        Assert.True(MaxPodsCalculator.TryCalculate(options, catalog ?? InstanceTypeCatalog.Default, out var result, out var error), error?.Message);
        return result;
    }

    private static MaxPodsError Fail(MaxPodsOptions options, InstanceTypeCatalog? catalog = null)
    {
        Assert.False(MaxPodsCalculator.TryCalculate(options, catalog ?? InstanceTypeCatalog.Default, out _, out var error));
        return error;
    }

    private static int MaxPods(string type, string version = "1.9.0", bool custom = false, bool pd = false, int? maxEni = null, bool showMaxAllowed = false)
        => Calculate(new MaxPodsOptions(type, version)
        {
            CustomNetworking = custom,
            PrefixDelegation = pd,
            MaxEni = maxEni,
            ShowMaxAllowed = showMaxAllowed,
        }).MaxPods;

    [Fact]
    public void M5Large_Default_IsTheTableValue()
        => Assert.Equal(29, MaxPods("m5.large"));

    [Fact]
    public void M5Large_CustomNetworking_LeavesOutThePrimaryEni()
        => Assert.Equal(20, MaxPods("m5.large", custom: true));

    [Fact]
    public void M5Large_PrefixDelegation_IsCappedAt110()
        => Assert.Equal(110, MaxPods("m5.large", "1.9.0", pd: true));

    [Fact]
    public void M5Large_PrefixDelegation_ShowMaxAllowed_IsThePrefixFormula()
        => Assert.Equal(434, MaxPods("m5.large", pd: true, showMaxAllowed: true));

    [Fact]
    public void M5Large_CustomNetworkingAndPrefixDelegation_ShowMaxAllowed()
        => Assert.Equal(290, MaxPods("m5.large", custom: true, pd: true, showMaxAllowed: true));

    [Fact]
    public void T3Medium_CustomNetworking()
        => Assert.Equal(12, MaxPods("t3.medium", custom: true));

    [Fact]
    public void C5_4xlarge_CustomNetworking_IsCappedAt110_Under30VCpus()
    {
        Assert.Equal(110, MaxPods("c5.4xlarge", custom: true));
        Assert.Equal(205, MaxPods("c5.4xlarge", custom: true, showMaxAllowed: true));
    }

    [Fact]
    public void M5_24xlarge_IsCappedAt250_Above30VCpus()
    {
        Assert.Equal(250, MaxPods("m5.24xlarge"));
        Assert.Equal(737, MaxPods("m5.24xlarge", showMaxAllowed: true));
    }

    [Fact]
    public void CniMaxEni_LimitsTheEnis()
    {
        Assert.Equal(20, MaxPods("m5.large", maxEni: 2));
        Assert.Equal(29, MaxPods("m5.large", maxEni: 8));
        Assert.Equal(2, MaxPods("m5.large", custom: true, maxEni: 1));
    }

    [Fact]
    public void Cni18_WithPrefixDelegation_UsesTheSecondaryIpFormula()
    {
        var result = Calculate(new MaxPodsOptions("m5.large", "1.8.0") { PrefixDelegation = true, ShowMaxAllowed = true });
        Assert.Equal(29, result.MaxPods);
        Assert.False(result.PrefixDelegationSupported);
        Assert.False(result.PrefixDelegationUsed);
        Assert.Equal(29, MaxPods("m5.large", "1.8.0", pd: true));
    }

    [Theory]
    [InlineData("1.9.0", true)]
    [InlineData("1.10.0", true)]
    [InlineData("2.0.0", true)]
    [InlineData("1.8.9", false)]
    [InlineData("0.99.0", false)]
    public void PrefixDelegation_IsSupportedFromCni19(string version, bool supported)
        => Assert.Equal(supported, Calculate(new MaxPodsOptions("m5.large", version)).PrefixDelegationSupported);

    [Fact]
    public void XenType_WithPrefixDelegation_UsesTheSecondaryIpFormula()
    {
        // m4.large: xen, 2 ENIs, 10 IPv4 per ENI, 2 vCPUs.
        var result = Calculate(new MaxPodsOptions("m4.large", "1.9.0") { PrefixDelegation = true, ShowMaxAllowed = true });
        Assert.False(result.IsNitro);
        Assert.False(result.PrefixDelegationUsed);
        Assert.Equal(20, result.MaxPods);
    }

    [Fact]
    public void BareMetal_HasNoHypervisor_SoTheScriptUsesTheSecondaryIpFormula()
    {
        // c5.metal: 15 ENIs, 50 IPv4 per ENI, 96 vCPUs; EC2 reports no hypervisor for bare metal.
        var result = Calculate(new MaxPodsOptions("c5.metal", "1.9.0") { PrefixDelegation = true, ShowMaxAllowed = true });
        Assert.False(result.IsNitro);
        Assert.Equal(737, result.MaxPods);
    }

    [Fact]
    public void Result_CarriesTheInputsUsed()
    {
        var result = Calculate(new MaxPodsOptions("m5.large", "1.19.2") { CustomNetworking = true, PrefixDelegation = true, MaxEni = 2 });
        Assert.Equal(
            new MaxPodsResult(
                MaxPods: 110,
                InstanceType: "m5.large",
                CniVersion: new Version(1, 19, 2),
                IsNitro: true,
                InstanceEnis: 3,
                Ipv4AddressesPerInterface: 10,
                DefaultVCpus: 2,
                MaxEni: 2,
                CustomNetworking: true,
                EnisForPods: 1,
                PrefixDelegationEnabled: true,
                PrefixDelegationSupported: true,
                PrefixDelegationUsed: true,
                MaxAllowed: 146,
                Ceiling: 110),
            result);
    }

    [Fact]
    public void MultiCardType_UsesTheDefaultCard()
    {
        var p4d = InstanceTypeCatalog.Default.Find("p4d.24xlarge")!;
        var result = Calculate(new MaxPodsOptions("p4d.24xlarge", "1.9.0") { ShowMaxAllowed = true });
        Assert.Equal(p4d.DefaultCardMaximumNetworkInterfaces, result.InstanceEnis);
        Assert.True(result.InstanceEnis < p4d.MaximumNetworkInterfaces);
    }

    [Fact]
    public void UnknownType_IsAnError_WithSuggestion()
    {
        var error = Fail(new MaxPodsOptions("m5.larg", "1.9.0"));
        Assert.Equal(new MaxPodsError(MaxPodsInput.InstanceType, "instance type \"m5.larg\" is not known (did you mean m5.large?)"), error);
    }

    [Theory]
    [InlineData("1.9")]
    [InlineData("v1.9")]
    [InlineData("1.9.0-rc1")]
    [InlineData("V1.9.0")]
    [InlineData("1.x.0")]
    [InlineData("")]
    public void MalformedCniVersion_IsAnError(string version)
    {
        var error = Fail(new MaxPodsOptions("m5.large", version));
        Assert.Equal(MaxPodsInput.CniVersion, error.Input);
        Assert.Contains("X.Y.Z", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositiveMaxEni_IsAnError(int maxEni)
        => Assert.Equal(MaxPodsInput.MaxEni, Fail(new MaxPodsOptions("m5.large", "1.9.0") { MaxEni = maxEni }).Input);

    [Fact]
    public void TypeWithoutNetworkLimits_IsAnError()
    {
        var catalog = new InstanceTypeCatalog([Type("x1.odd", vCpus: 4, enis: null, ips: null)]);
        var error = Fail(new MaxPodsOptions("x1.odd", "1.9.0"), catalog);
        Assert.Equal(MaxPodsInput.InstanceType, error.Input);
        Assert.Contains("network limits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeWithoutVCpus_IsAnError_UnlessTheCeilingIsNotNeeded()
    {
        var catalog = new InstanceTypeCatalog([Type("x1.odd", vCpus: null, enis: 4, ips: 15)]);
        var error = Fail(new MaxPodsOptions("x1.odd", "1.9.0"), catalog);
        Assert.Equal(MaxPodsInput.InstanceType, error.Input);
        Assert.Contains("vCPU", error.Message, StringComparison.Ordinal);
        Assert.Equal(58, Calculate(new MaxPodsOptions("x1.odd", "1.9.0") { ShowMaxAllowed = true }, catalog).MaxPods);
    }

    private static InstanceTypeInfo Type(string name, int? vCpus, int? enis, int? ips) => new(
        InstanceType: name,
        DefaultVCpus: vCpus,
        MemoryMiB: null,
        Hypervisor: "nitro",
        BareMetal: false,
        MaximumNetworkInterfaces: enis,
        Ipv4AddressesPerInterface: ips,
        Ipv6AddressesPerInterface: null,
        Ipv6Supported: null,
        DefaultNetworkCardIndex: 0,
        NetworkCards: enis is { } n ? [new NetworkCardInfo(0, n)] : [],
        IsTrunkingCompatible: null,
        BranchInterfaces: 0,
        MaxPods: null);
}
