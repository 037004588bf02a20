using Podnet.Cni;

namespace Podnet.Lint;

/// <summary>
/// aws-node settings that ipamd refuses at start (<see cref="CniSettings.ConfigError"/>: <c>isConfigValid</c> in
/// pkg/ipamd/ipamd.go, and the WARM_PREFIX_TARGET check of cmd/aws-vpc-cni/main.go): ipamd logs the reason and
/// exits, aws-node never becomes ready and neither does any node it runs on. The most likely one is seed 003's:
/// custom networking in a cluster of the IPv6 family ("Wenn Ihr Cluster die IPv6-Familie verwendet, können Sie keine
/// benutzerdefinierten Netzwerke verwenden"), which ipamd refuses with "Custom Networking is not supported in IPv6
/// mode".
/// </summary>
public sealed class CniConfigInvalid : ILintCheck
{
    public const string Id = "cni-config-invalid";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Settings is not { } settings || settings.ConfigError() is not { } error)
        {
            yield break;
        }

        var fix = settings is { EnableIPv6: true, CustomNetwork: true }
            ? "remove AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG (and the ENIConfigs): custom networking cannot be used in a cluster of the IPv6 family (seed 003), and is not needed there — every pod takes an address of its node's /80 prefix, so IPv4 addresses do not run out, which is what seed 003 suggests an IPv6 cluster for"
            : "set the env variables as ipamd asks (aws eks update-addon --configuration-values, or the world's Addon ConfigurationValues)";
        yield return new LintFinding(
            LintSeverity.Error,
            Id,
            $"DaemonSet kube-system/{AwsNode.Component}",
            $"ipamd refuses these settings and exits (\"{error}\"): aws-node never becomes ready, its nodes stay NotReady and no pod gets an address",
            fix);
    }
}
