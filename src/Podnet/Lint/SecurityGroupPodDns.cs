namespace Podnet.Lint;

/// <summary>
/// Seed 000's trap: a pod with its own security groups resolves names through CoreDNS, which runs with the cluster
/// security group; unless the groups on both sides allow UDP/53 (and TCP/53), <c>curl my-app</c> fails while the
/// Service's pod IPs work. Each set of pods is tried against every CoreDNS pod, judged by security groups alone.
/// </summary>
public sealed class SecurityGroupPodDns : ILintCheck
{
    public const string Id = "security-group-pod-without-dns";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cloud is null)
        {
            yield break;
        }

        var coreDns = context.Pods.Where(p => p.Namespace == "kube-system" && p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns" && p.PodIP is not null).ToList();
        if (coreDns.Count == 0)
        {
            yield break;
        }

        foreach (var set in context.SecurityGroupPods)
        {
            if (set.Pods.FirstOrDefault(p => p.PodIP is not null) is not { } pod)
            {
                continue;
            }

            var failures = new List<string>();
            foreach (var dns in coreDns)
            {
                var result = context.Reachability.Evaluate($"{pod.Namespace}/{pod.Name}", $"kube-system/{dns.Name}", "53/udp");
                if (result.Allowed)
                {
                    failures.Clear();
                    break;
                }

                if (LintContext.SecurityGroupDenial(result) is { } failed)
                {
                    failures.Add($"to {dns.Name}: {failed.Detail}");
                }
            }

            if (failures.Count == 0)
            {
                continue;
            }

            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                set.Display,
                $"its security groups ({string.Join(", ", set.Groups.Select(context.Describe))}) allow no DNS path to CoreDNS, so Service names do not resolve (pod IPs still work); {failures[0]}",
                $"allow UDP and TCP 53 between the pod's groups and CoreDNS's: `aws ec2 authorize-security-group-ingress --group-id {context.ClusterSecurityGroup} --protocol udp --port 53 --source-group {set.Groups[0]}` (and --protocol tcp), and egress to it if the pod's groups restrict egress");
        }
    }
}
