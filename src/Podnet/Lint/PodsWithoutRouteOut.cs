using System.Text.RegularExpressions;

namespace Podnet.Lint;

/// <summary>
/// Pods whose traffic to the Internet is dropped by the VPC's routes: the subnet of the interface it leaves by (the
/// node's subnet when SNATed; with AWS_VPC_K8S_CNI_EXTERNALSNAT=true or in strict mode the pod's own — an ENIConfig's
/// subnet, a branch interface's) has no route out, a blackhole, a NAT gateway without an internet gateway behind it, a
/// private NAT gateway (which never reaches the internet), or an internet gateway for an address without a public IPv4 address. Each running pod is asked as
/// <c>podnet reach POD 8.8.8.8 443</c> asks, so lint and reach cannot disagree; one finding per subnet.
/// </summary>
public sealed partial class PodsWithoutRouteOut : ILintCheck
{
    public const string Id = "pods-without-route-out";

    /// <summary>An address of the Internet to route to (Google Public DNS): only the route step's verdict is read.</summary>
    private const string InternetAddress = "8.8.8.8";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cloud is null)
        {
            yield break;
        }

        var bySubnet = new Dictionary<string, List<(string Pod, string Detail)>>(StringComparer.Ordinal);
        foreach (var pod in context.Pods.Where(p => p.PodIP is not null && !p.HostNetwork))
        {
            var result = context.Reachability.Evaluate($"{pod.Namespace}/{pod.Name}", InternetAddress, "443");
            if (result.Hops.FirstOrDefault(h => h.Kind == Podnet.Policy.HopKind.Route) is not { Allowed: false } route)
            {
                continue;
            }

            // Every route explanation names the subnet the packet leaves by first.
            var subnet = SubnetId().Match(route.Detail).Value;
            if (!bySubnet.TryGetValue(subnet, out var pods))
            {
                bySubnet[subnet] = pods = [];
            }

            pods.Add(($"{pod.Namespace}/{pod.Name}", route.Detail));
        }

        foreach (var (subnet, pods) in bySubnet.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var who = pods.Count == 1 ? $"pod {pods[0].Pod}" : $"{pods.Count} pods ({pods[0].Pod} and {pods.Count - 1} more)";
            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                $"Subnet {subnet}",
                $"{who} cannot reach the Internet ({InternetAddress}) by this subnet: {pods[0].Detail}",
                $"if they need it, associate {subnet} with a route table whose 0.0.0.0/0 route goes to an available public NAT gateway in a public subnet (aws ec2 associate-route-table), or let the CNI SNAT their traffic to the node's address (AWS_VPC_K8S_CNI_EXTERNALSNAT=false)");
        }
    }

    [GeneratedRegex("subnet-[0-9a-f]+", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetId();
}
