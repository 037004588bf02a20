using Podnet.Aws.Ec2.Faults;

namespace Podnet.Tests.Aws.Ec2.Faults;

public class Ec2FaultSettingsTests
{
    [Fact]
    public void Parse_PercentagesAndFractions_ReadAsRates()
    {
        var settings = Ec2FaultSettings.Parse("RequestLimitExceeded=5%, InternalError=0.02,InsufficientFreeAddressesInSubnet=1%,EventualConsistency=10%,EventualConsistencySeconds=8s");

        Assert.Equal((0.05, 0.02, 0.01, 0.1, 8.0), (settings.RequestLimitExceeded, settings.InternalError, settings.InsufficientFreeAddressesInSubnet, settings.EventualConsistency, settings.EventualConsistencySeconds));
        Assert.Equal("RequestLimitExceeded=5%,InternalError=2%,InsufficientFreeAddressesInSubnet=1%,EventualConsistency=10%,EventualConsistencySeconds=8", settings.ToString());
    }

    [Fact]
    public void Parse_UnknownKey_NamesTheKnownOnes()
    {
        var error = Assert.Throws<FormatException>(() => Ec2FaultSettings.Parse("Throttling=5%"));
        Assert.Equal("\"Throttling\": unknown fault; known: RequestLimitExceeded, InternalError, InsufficientFreeAddressesInSubnet, EventualConsistency, EventualConsistencySeconds", error.Message);
    }

    [Theory]
    [InlineData("InternalError=150%", "InternalError=\"150%\": a rate is between 0 and 1 (0% and 100%)")]
    [InlineData("InternalError=often", "InternalError=\"often\": a rate is a fraction (0.05) or a percentage (5%)")]
    [InlineData("InternalError", "\"InternalError\": expected KEY=RATE, with KEY one of RequestLimitExceeded, InternalError, InsufficientFreeAddressesInSubnet, EventualConsistency, EventualConsistencySeconds")]
    [InlineData("RequestLimitExceeded=60%,InternalError=50%", "RequestLimitExceeded, InternalError and InsufficientFreeAddressesInSubnet together exceed 100% of calls")]
    public void Parse_BadRate_IsFormatError(string spec, string message)
        => Assert.Equal(message, Assert.Throws<FormatException>(() => Ec2FaultSettings.Parse(spec)).Message);
}
