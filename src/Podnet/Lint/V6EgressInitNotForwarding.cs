using Podnet.Cni;

namespace Podnet.Lint;

/// <summary>
/// An IPv4 cluster with ENABLE_V6_EGRESS=true on aws-node but not on its init container. aws-vpc-cni-init turns the
/// node's IPv6 forwarding on only when its own ENABLE_V6_EGRESS (or ENABLE_IPv6) is true (cmd/aws-vpc-cni-init main.go
/// <c>configureIPv6Settings</c>; the VPC CNI's README: "This environment variable must be set for both the
/// aws-vpc-cni-init and aws-node containers in order for this feature to work properly"). The egress-cni plugin still
/// gives new pods their <c>fd00::ac:00/118</c> address, and their IPv6 goes no further than the node. <c>reach</c> says
/// the same for such a pod (<see cref="AwsVpcCniInit.ForwardsIpv6"/>).
/// </summary>
public sealed class V6EgressInitNotForwarding : ILintCheck
{
    public const string Id = "cni-v6-egress-init-not-set";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Settings is not { AsksV6Egress: true } settings
            || settings.Unread.Any(u => u.Setting == CniSetting.EnableV6Egress)
            || context.AwsNodeDaemonSet is not { } awsNode
            || AwsVpcCniInit.ForwardsIpv6(awsNode))
        {
            yield break;
        }

        yield return new LintFinding(
            LintSeverity.Error,
            Id,
            "DaemonSet kube-system/aws-node",
            $"ENABLE_V6_EGRESS=true on aws-node but not on {AwsVpcCniInit.ContainerName}, which turns the nodes' IPv6 forwarding ({AwsVpcCniInit.Ipv6ForwardingSysctl}) on only when its own {CniSetting.EnableV6Egress.Name} is true: new pods get an IPv6 address of {CniSettings.V6EgressRange}, and their IPv6 traffic goes no further than their node",
            $"the add-on's configuration values {{\"init\":{{\"env\":{{\"{CniSetting.EnableV6Egress.Name}\":\"true\"}}}}}}, or {AwsVpcCniInit.KubectlPatch(CniSetting.EnableV6Egress.Name, "true")}; then replace the nodes (the init container runs when aws-node starts)");
    }
}
