using Podnet.Aws.Ec2.Faults;
using Podnet.Check;

namespace Podnet.Tests.Check;

/// <summary>The CI form of the soak (issue 15); the full form is <c>bench/Podnet.Benchmarks -- --soak 10000</c>.</summary>
public class SoakTests
{
    [Fact]
    public void TwoHundredPods_InWaves_WithTenPercentOfEc2CallsFailing_AllRun_NothingLeaksOrRepeats()
    {
        var faults = Ec2FaultSettings.Parse("RequestLimitExceeded=5%,InternalError=4%,InsufficientFreeAddressesInSubnet=1%,EventualConsistency=10%");

        var result = Soak.Run(200, faults, waves: 4, seed: 15);

        Assert.Empty(result.Violations);
        Assert.Equal(200, result.Running);
        Assert.Equal(100, result.BranchInterfaces);
        Assert.True(result.Deleted >= 400, $"the waves deleted {result.Deleted} pods");
        Assert.True(result.Injected.GetValueOrDefault("RequestLimitExceeded") > 0 && result.Injected.GetValueOrDefault("InternalError") > 0 && result.Injected.GetValueOrDefault("EventualConsistency") > 0,
            $"faults injected: {string.Join(", ", result.Injected.Select(i => $"{i.Key}={i.Value}"))} of {result.Ec2Calls} calls");
        Assert.InRange(result.Injected.GetValueOrDefault("RequestLimitExceeded") + result.Injected.GetValueOrDefault("InternalError"), result.Ec2Calls * 0.07, result.Ec2Calls * 0.11);
    }
}
