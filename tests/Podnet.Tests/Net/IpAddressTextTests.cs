using System.Net;
using Podnet.Net;

namespace Podnet.Tests.Net;

/// <summary>Addresses as Kubernetes parses them (ParseIPSloppy), not as .NET does.</summary>
public class IpAddressTextTests
{
    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("10.0.0.01", "10.0.0.1")]
    [InlineData("10.0.0.010", "10.0.0.10")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1")]
    public void Accepted_AsKubernetesReadsThem(string text, string value)
    {
        Assert.True(IpAddressText.TryParse(text, out var address));
        Assert.Equal(IPAddress.Parse(value), address);
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("167772161")]
    [InlineData("0x0A000001")]
    [InlineData("300.1.1.1")]
    [InlineData("10.0.0.1.")]
    [InlineData("fe80::1%eth0")]
    [InlineData("")]
    [InlineData("not-an-ip")]
    public void Rejected_WhereKubernetesRejectsThem(string text) => Assert.False(IpAddressText.TryParse(text, out _));
}
