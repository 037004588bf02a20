using Podnet.Aws.InstanceTypes;
using Podnet.Cni;

namespace Podnet.Aws.Eks;

/// <summary>
/// The max pods EKS gives the nodes of a managed node group it launches with its own launch template (no AMI ID of
/// the user's): with the vpc-cni add-on set to <c>ENABLE_PREFIX_DELEGATION=true</c> when the group is created, the
/// value <c>max-pods-calculator.sh --cni-prefix-delegation-enabled</c> recommends for the add-on's CNI version —
/// capped at 110, or 250 above 30 vCPUs ("Managed node groups enforces a maximum number on the value of maxPods");
/// for a group of several instance types the smallest of their values ("the smallest number of maximum Pods across
/// all instance types … is applied to all nodes"). Both from the EKS user guide, "Assign more IP addresses to
/// Amazon EKS nodes with prefixes" (cni-increase-ip-addresses-procedure). Without prefix delegation the AMI's
/// table value (<c>eni-max-pods.txt</c>) stands. Custom networking is not taken into account: EKS does not lower
/// max pods for it (the VPC CNI's issues #331, #1480; seed 003 sets it by hand).
/// </summary>
public static class NodegroupMaxPods
{
    /// <summary>
    /// Max pods for the group's nodes, or null when EKS leaves the AMI's table value (prefix delegation off, or a CNI
    /// before 1.9, or no type whose limits are known).
    /// </summary>
    /// <param name="instanceTypes">The node group's instance types (EKS's default t3.medium when none were given).</param>
    /// <param name="addon">The vpc-cni add-on's settings when the node group is created (its <c>env</c> and version).</param>
    /// <param name="catalog">Instance-type limits (ENIs, IPv4 addresses per ENI, vCPUs, hypervisor).</param>
    public static int? For(IReadOnlyList<string> instanceTypes, CniSettings addon, InstanceTypeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(instanceTypes);
        ArgumentNullException.ThrowIfNull(addon);
        ArgumentNullException.ThrowIfNull(catalog);
        if (!addon.PrefixDelegation)
        {
            return null;
        }

        int? smallest = null;
        foreach (var type in instanceTypes)
        {
            var options = new MaxPodsOptions(type, addon.CniVersion.ToString(3)) { PrefixDelegation = true };
            if (MaxPodsCalculator.TryCalculate(options, catalog, out var result, out _) && result.PrefixDelegationUsed)
            {
                smallest = Math.Min(smallest ?? int.MaxValue, result.MaxPods);
            }
        }

        return smallest;
    }
}
