using Podnet.Aws.Ec2;
using Podnet.Cni;

namespace Podnet.Lint;

/// <summary>
/// An ENIConfig names the subnet of a node's pod interfaces: it must exist, be in the cluster's VPC, and be in the
/// zone of every node that uses it (an interface can only attach to an instance in its subnet's zone). ENIConfigs
/// named after a zone, as ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone expects, are checked against that zone.
/// </summary>
public sealed class EniConfigSubnets : ILintCheck
{
    public const string Id = "eniconfig-subnet";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cloud is not { } cloud)
        {
            yield break;
        }

        var subnets = cloud.Ec2View.DescribeSubnets().ToDictionary(s => s.SubnetId, StringComparer.Ordinal);
        var zones = subnets.Values.Select(s => s.AvailabilityZone).ToHashSet(StringComparer.Ordinal);
        var clusterVpc = context.World.Cluster?.ResourcesVpcConfig.VpcId;
        var settings = context.Settings ?? new CniSettings();
        foreach (var eniConfig in context.EniConfigs)
        {
            var obj = $"ENIConfig {eniConfig.Name}";
            var subnetId = eniConfig.GetString("spec.subnet") ?? string.Empty;
            if (!subnets.TryGetValue(subnetId, out var subnet))
            {
                yield return Finding(obj, $"spec.subnet: the subnet '{subnetId}' does not exist: nodes that use this ENIConfig get no pod interfaces", "use the ID of a subnet of the cluster's VPC in the nodes' zone (aws ec2 describe-subnets)");
                continue;
            }

            if (clusterVpc is not null && subnet.VpcId != clusterVpc)
            {
                yield return Finding(obj, $"spec.subnet: {subnet.SubnetId} is in {subnet.VpcId}, not in the cluster's VPC {clusterVpc}: an instance's interfaces must all be in its VPC", $"use a subnet of {clusterVpc} (add a secondary CIDR block to the VPC for pod subnets)");
                continue;
            }

            var users = context.Nodes.Where(n => EniConfigSelector.NameFor(n.Object, settings) == eniConfig.Name).ToList();
            var wrongZone = users.Where(n => LintContext.Zone(n) is { Length: > 0 } zone && zone != subnet.AvailabilityZone).ToList();
            if (wrongZone.Count > 0)
            {
                var node = wrongZone[0];
                yield return Finding(obj, $"spec.subnet: {subnet.SubnetId} is in {subnet.AvailabilityZone}, but node {node.Name}{(wrongZone.Count > 1 ? $" and {wrongZone.Count - 1} more" : string.Empty)} in {LintContext.Zone(node)} use{(wrongZone.Count > 1 ? string.Empty : "s")} this ENIConfig: their pod interfaces cannot be created", $"give nodes in {LintContext.Zone(node)} an ENIConfig with a subnet there (name ENIConfigs after zones and set ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone)");
            }
            else if (users.Count == 0 && zones.Contains(eniConfig.Name) && eniConfig.Name != subnet.AvailabilityZone)
            {
                yield return Finding(obj, $"spec.subnet: {subnet.SubnetId} is in {subnet.AvailabilityZone}, but the ENIConfig is named after zone {eniConfig.Name}: nodes there that use it will get no pod interfaces", $"use a subnet in {eniConfig.Name}");
            }
        }
    }

    private static LintFinding Finding(string obj, string message, string fix) => new(LintSeverity.Error, Id, obj, message, fix);
}
