using Podnet.Kube.Printing;

namespace Podnet.Tests.Kube.Printing;

/// <summary>k8s.io/apimachinery duration.HumanDuration, case by case.</summary>
public class HumanDurationTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(117, "117s")]
    [InlineData(120, "2m")]
    [InlineData(192, "3m12s")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(5 * 3600 + 20 * 60, "5h20m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 15 * 3600, "3d15h")]
    [InlineData(100 * 86400, "100d")]
    [InlineData(3 * 365 * 86400 + 10 * 86400, "3y10d")]
    [InlineData(9 * 365 * 86400, "9y")]
    public void Format_MatchesKubectl(long seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Since_WithoutATimestamp_IsUnknown()
    {
        Assert.Equal("<unknown>", HumanDuration.Since(null, DateTimeOffset.UnixEpoch));
    }
}
