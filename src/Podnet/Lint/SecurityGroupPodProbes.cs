using System.Text.Json.Nodes;
using Podnet.Kube.Views;

namespace Podnet.Lint;

/// <summary>
/// The kubelet probes a pod from its node, which speaks with the primary interface's groups (the cluster security
/// group on EKS). A pod with its own groups must admit those probes, or it never becomes Ready; in strict mode TCP
/// probes also need DISABLE_TCP_EARLY_DEMUX=true on aws-vpc-cni-init, because the reply leaves by the branch
/// interface while the kernel's early demux expects it on the host.
/// </summary>
public sealed class SecurityGroupPodProbes : ILintCheck
{
    public const string Id = "security-group-pod-blocks-probes";
    public const string EarlyDemuxId = "tcp-early-demux-enabled";

    private static readonly string[] ProbeKinds = ["startupProbe", "livenessProbe", "readinessProbe"];

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cloud is null)
        {
            yield break;
        }

        var anyProbed = false;
        foreach (var set in context.SecurityGroupPods)
        {
            if (set.Pods.FirstOrDefault(p => p.PodIP is not null && p.NodeName is not null) is not { } pod)
            {
                continue;
            }

            var ports = ProbePorts(pod).Distinct().ToList();
            anyProbed |= ports.Count > 0;
            foreach (var port in ports)
            {
                var result = context.Reachability.Evaluate($"node/{pod.NodeName}", $"{pod.Namespace}/{pod.Name}", $"{port}/tcp");
                if (LintContext.SecurityGroupDenial(result) is not { } failed)
                {
                    continue;
                }

                yield return new LintFinding(
                    LintSeverity.Warning,
                    Id,
                    set.Display,
                    $"the kubelet probes TCP/{port} from node {pod.NodeName}, but its security groups do not let the probe in, so the pod never becomes Ready: {failed.Detail}",
                    $"`aws ec2 authorize-security-group-ingress --group-id {set.Groups[0]} --protocol tcp --port {port} --source-group {context.ClusterSecurityGroup}`");
            }
        }

        if (anyProbed && context.StrictMode && context.Settings is { } settings && !EarlyDemuxDisabled(context))
        {
            yield return new LintFinding(
                LintSeverity.Warning,
                EarlyDemuxId,
                "DaemonSet kube-system/aws-node",
                $"pods with security groups have TCP probes, POD_SECURITY_GROUP_ENFORCING_MODE is strict (CNI {settings.CniVersion.ToString(3)}) and DISABLE_TCP_EARLY_DEMUX is not \"true\" on aws-vpc-cni-init: the kubelet's TCP connections to pods on branch interfaces fail",
                $"{Podnet.Cni.AwsVpcCniInit.KubectlPatch(Podnet.Cni.TcpEarlyDemux.EnvName, "true")}, or use POD_SECURITY_GROUP_ENFORCING_MODE=standard");
        }
    }

    /// <summary>Numeric ports of the pod's TCP and HTTP probes (named ports resolved on the container), which the kubelet opens from the node.</summary>
    private static IEnumerable<int> ProbePorts(PodView pod)
        => pod.Containers.SelectMany(container => ProbeKinds
            .Select(kind => container[kind] is JsonObject probe ? ContainerProbe.Port(container, probe) : null)
            .OfType<int>());

    private static bool EarlyDemuxDisabled(LintContext context) => Podnet.Cni.TcpEarlyDemux.Disabled(context.AwsNodeDaemonSet);
}
