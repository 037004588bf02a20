using Podnet.Cni;

namespace Podnet.Tests.Cni;

public class CniSettingsTests
{
    private static CniSettings From(params (string Key, string Value)[] env)
        => CniSettings.FromEnvironment(env.ToDictionary(e => e.Key, e => e.Value));

    [Fact]
    public void Defaults_AreTheRealOnes()
    {
        var settings = From();
        Assert.Equal((1, 0, 0, 0, false, false, "strict"), (settings.WarmEniTarget, settings.WarmIpTarget, settings.MinimumIpTarget, settings.WarmPrefixTarget, settings.CustomNetwork, settings.PrefixDelegation, settings.PodSecurityGroupEnforcingMode));
        Assert.Equal(TimeSpan.FromSeconds(30), settings.IpCooldown);
        Assert.Null(settings.MaxEni);
        Assert.Equal("k8s.amazonaws.com/eniConfig", settings.EniConfigLabelKey);
        Assert.Null(settings.ConfigError());
    }

    [Theory]
    [InlineData("-3", 1)]
    [InlineData("banana", 1)]
    [InlineData("0", 0)]
    [InlineData("2", 2)]
    public void WarmEniTarget_NegativeOrInvalid_ReadsAsOne(string value, int expected)
        => Assert.Equal(expected, From(("WARM_ENI_TARGET", value)).WarmEniTarget);

    [Fact]
    public void MaxEniBelowOne_IsIgnored()
        => Assert.Null(From(("MAX_ENI", "0")).MaxEni);

    [Fact]
    public void WarmIpDefined_ByEitherTarget()
    {
        Assert.True(From(("MINIMUM_IP_TARGET", "5")).WarmIpDefined);
        Assert.True(From(("WARM_IP_TARGET", "1")).WarmIpDefined);
        Assert.False(From(("WARM_IP_TARGET", "-1")).WarmIpDefined);
    }

    [Theory]
    [InlineData("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.11.2-eksbuild.1", "1.11.2", 1)]
    [InlineData("amazon-k8s-cni:v1.8.0", "1.8.0", 0)]
    [InlineData("registry:5000/amazon-k8s-cni:1.19", "1.19.0", 0)]
    [InlineData("amazon-k8s-cni:1.6.3-eksbuild.2", "1.6.3", 2)]
    public void Release_ComesFromTheImageTag(string image, string version, int eksBuild)
        => Assert.Equal(new CniRelease(Version.Parse(version), eksBuild), CniRelease.FromImage(image));

    [Fact]
    public void EksBuilds_OrderAfterTheirVersion_AndBeforeTheNext()
    {
        Assert.True(new CniRelease(1, 6, 3, 1) < new CniRelease(1, 6, 3, 2));
        Assert.True(new CniRelease(1, 6, 3) < new CniRelease(1, 6, 3, 2));
        Assert.True(new CniRelease(1, 6, 4) > new CniRelease(1, 6, 3, 2));
        Assert.Equal("1.6.3-eksbuild.2", new CniRelease(1, 6, 3, 2).ToString());
    }

    [Fact]
    public void SettingsTheReleaseDoesNotRead_KeepTheirDefault_AndAreListed()
    {
        var env = new Dictionary<string, string> { ["POD_SECURITY_GROUP_ENFORCING_MODE"] = "standard", ["ENABLE_POD_ENI"] = "true" };
        var old = CniSettings.FromEnvironment(env, "amazon-k8s-cni:v1.10.1-eksbuild.1");
        Assert.Equal(("strict", true), (old.PodSecurityGroupEnforcingMode, old.EnablePodEni));
        Assert.Equal([(CniSetting.PodSecurityGroupEnforcingMode, "standard")], old.Unread);

        var current = CniSettings.FromEnvironment(env, "amazon-k8s-cni:v1.11.0-eksbuild.1");
        Assert.Equal("standard", current.PodSecurityGroupEnforcingMode);
        Assert.Empty(current.Unread);
    }

    [Fact]
    public void InvalidConfigurations_AreRejected_InIpamdsWords()
    {
        // Fidelity fix: isConfigValid's own texts (pkg/ipamd/ipamd.go), one for IPv6 with custom networking or
        // without prefix delegation; the custom-networking line was a paraphrase of it.
        const string ipv6Mode = "IPv6 is supported only in Prefix Delegation mode. Custom Networking is not supported in IPv6 mode. Please set the env variables accordingly.";
        Assert.Equal(ipv6Mode, From(("ENABLE_IPv6", "true"), ("ENABLE_IPv4", "false"), ("ENABLE_PREFIX_DELEGATION", "true"), ("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true")).ConfigError());
        Assert.Equal(ipv6Mode, From(("ENABLE_IPv6", "true"), ("ENABLE_IPv4", "false")).ConfigError());
        Assert.Null(From(("ENABLE_IPv6", "true"), ("ENABLE_IPv4", "false"), ("ENABLE_PREFIX_DELEGATION", "true"), ("WARM_PREFIX_TARGET", "1")).ConfigError());
        Assert.Equal("IPv4 and IPv6 are both enabled. VPC CNI currently does not support dual stack mode", From(("ENABLE_IPv6", "true")).ConfigError());
        Assert.Equal("IPv4 and IPv6 are both disabled. One of them have to be enabled", From(("ENABLE_IPv4", "false")).ConfigError());
        Assert.StartsWith("Setting WARM_PREFIX_TARGET = 0 is not supported", From(("ENABLE_PREFIX_DELEGATION", "true"), ("WARM_PREFIX_TARGET", "0")).ConfigError(), StringComparison.Ordinal);
        Assert.Null(From(("ENABLE_PREFIX_DELEGATION", "true"), ("WARM_PREFIX_TARGET", "1")).ConfigError());
    }

    [Fact]
    public void ExcludeSnatCidrs_AreParsed()
        => Assert.Equal(["10.0.0.0/8", "172.16.0.0/12"], From(("AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS", "10.0.0.0/8, 172.16.0.0/12,bogus")).ExcludeSnatCidrs.Select(c => c.ToString()));

    [Fact]
    public void EgressPlugin_Defaults_V6Off_V4On()
    {
        var settings = From();
        Assert.False(settings.EnableV6Egress);
        Assert.True(settings.EnableV4Egress);
        Assert.False(settings.ServesV6Egress(nodeHasIpv6: true));
    }

    [Theory]
    [InlineData("v1.12.6-eksbuild.2", false)]
    [InlineData("v1.13.0-eksbuild.1", true)]
    public void EnableV6Egress_IsReadFrom1_13_0(string tag, bool read)
    {
        var settings = CniSettings.FromEnvironment(new Dictionary<string, string> { ["ENABLE_V6_EGRESS"] = "true" }, $"602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:{tag}");

        Assert.Equal(read, settings.EnableV6Egress);
        Assert.Equal(!read, settings.Unread.Any(u => u.Setting == CniSetting.EnableV6Egress));
    }

    [Fact]
    public void EnableV4Egress_Before1_15_1_IsNotRead_AndStaysOn()
    {
        var settings = CniSettings.FromEnvironment(new Dictionary<string, string> { ["ENABLE_V4_EGRESS"] = "false" }, "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.15.0-eksbuild.2");

        Assert.True(settings.EnableV4Egress);
        Assert.Contains(settings.Unread, u => u.Setting == CniSetting.EnableV4Egress);
        Assert.False(From(("ENABLE_V4_EGRESS", "false")).EnableV4Egress);
    }

    [Theory]
    [InlineData("v1.17.0-eksbuild.1", true)]
    [InlineData("v1.17.1-eksbuild.1", false)]
    public void V6EgressNodeError_OnANodeWithoutIpv6_StopsAwsNodeOnlyBefore1_17_1(string tag, bool stops)
    {
        var settings = CniSettings.FromEnvironment(new Dictionary<string, string> { ["ENABLE_V6_EGRESS"] = "true" }, $"602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:{tag}");

        Assert.Equal(stops ? CniSettings.V6EgressWithoutAddressMessage : null, settings.V6EgressNodeError(nodeHasIpv6: false));
        Assert.Null(settings.V6EgressNodeError(nodeHasIpv6: true));
        Assert.False(settings.ServesV6Egress(nodeHasIpv6: false));
        Assert.True(settings.ServesV6Egress(nodeHasIpv6: true));
    }

    [Fact]
    public void EnableV6Egress_InIpv6Mode_ServesNothing()
    {
        var settings = From(("ENABLE_V6_EGRESS", "true"), ("ENABLE_IPv6", "true"), ("ENABLE_IPv4", "false"), ("ENABLE_PREFIX_DELEGATION", "true"));

        Assert.False(settings.ServesV6Egress(nodeHasIpv6: true));
        Assert.Null(settings.V6EgressNodeError(nodeHasIpv6: false));
    }
}
