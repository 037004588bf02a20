using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;

namespace Podnet.Cni;

/// <summary>
/// aws-node's init container, <c>aws-vpc-cni-init</c> (amazon-vpc-cni-k8s cmd/aws-vpc-cni-init/main.go), which copies the
/// CNI binaries to the node and sets the node's kernel parameters before aws-node starts. It reads its own environment,
/// not aws-node's: a setting that changes a kernel parameter (<c>DISABLE_TCP_EARLY_DEMUX</c>, <c>ENABLE_IPv6</c>,
/// <c>ENABLE_V6_EGRESS</c>, the latter two read by aws-node too: <see cref="CniSetting"/>) must be set on it too, by the add-on's <c>init.env</c> or by
/// <c>kubectl patch daemonset aws-node</c> on <c>initContainers</c>.
/// </summary>
public static class AwsVpcCniInit
{
    /// <summary>The init container's name in DaemonSet kube-system/aws-node.</summary>
    public const string ContainerName = "aws-vpc-cni-init";

    /// <summary>The kernel parameter <see cref="ForwardsIpv6"/> is about.</summary>
    public const string Ipv6ForwardingSysctl = "net/ipv6/conf/all/forwarding";

    /// <summary>
    /// The <c>kubectl patch</c> that sets <paramref name="name"/> to <paramref name="value"/> on the init container, as
    /// the VPC CNI's documentation gives it (a strategic merge of <c>initContainers</c> by name), in backquotes.
    /// </summary>
    public static string KubectlPatch(string name, string value)
        => $"`kubectl patch daemonset aws-node -n kube-system -p '{{\"spec\": {{\"template\": {{\"spec\": {{\"initContainers\": [{{\"env\":[{{\"name\":\"{name}\",\"value\":\"{value}\"}}],\"name\":\"{ContainerName}\"}}]}}}}}}}}'`";

    /// <summary>A variable of the init container's environment in <paramref name="awsNodeDaemonSet"/>; null when it is not set (or there is no such container).</summary>
    public static string? Env(KubeObject? awsNodeDaemonSet, string name)
    {
        foreach (var container in awsNodeDaemonSet?.Peek("spec.template.spec.initContainers") as JsonArray ?? [])
        {
            if (container is not JsonObject c || c["name"]?.GetValue<string>() != ContainerName)
            {
                continue;
            }

            foreach (var variable in c["env"] as JsonArray ?? [])
            {
                if (variable is JsonObject v && v["name"]?.GetValue<string>() == name)
                {
                    return v["value"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : string.Empty;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A boolean variable of the init container as main.go reads it (utils.GetBoolAsStringEnvVar: Go's
    /// <c>strconv.ParseBool</c> of the value, <paramref name="fallback"/> when it is unset or does not parse).
    /// </summary>
    public static bool Bool(KubeObject? awsNodeDaemonSet, string name, bool fallback)
        => GoStrconv.ParseBool(Env(awsNodeDaemonSet, name)) ?? fallback;

    /// <summary>
    /// Whether the init container turns IPv6 forwarding on for the node (main.go <c>configureIPv6Settings</c>: it sets
    /// <c>net/ipv6/conf/all/forwarding</c> to 1 when its ENABLE_IPv6 or its ENABLE_V6_EGRESS is true, and otherwise leaves
    /// the host's default, off). Without it the node drops what the egress-cni plugin's <c>v6if0</c> sends.
    /// </summary>
    public static bool ForwardsIpv6(KubeObject? awsNodeDaemonSet)
        => Bool(awsNodeDaemonSet, CniSetting.EnableIPv6.Name, false) || Bool(awsNodeDaemonSet, CniSetting.EnableV6Egress.Name, false);
}
