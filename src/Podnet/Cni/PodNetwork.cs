namespace Podnet.Cni;

/// <summary>
/// What the VPC CNI set up for one pod, as the policy engine needs it: the address, the interface it lives on (a
/// branch interface and VLAN for a pod with security groups), and the node's SNAT and enforcing-mode settings at the
/// time of the pod's ADD (a later change applies to pods created afterwards).
/// </summary>
public sealed record PodNetwork(
    string Namespace,
    string Name,
    string NodeName,
    string PodIp,
    string EniId,
    int DeviceNumber,
    int? BranchVlanId,
    CniSettings Settings)
{
    public bool IsBranch => BranchVlanId is not null;

    /// <summary>A pod with security groups in strict mode: every packet, same node included, passes its branch interface, unSNATed.</summary>
    public bool IsStrictBranch => IsBranch && PodSecurityGroupEnforcingMode == "strict";

    public string PodSecurityGroupEnforcingMode => Settings.PodSecurityGroupEnforcingMode;

    public bool ExternalSnat => Settings.ExternalSnat;

    public IReadOnlyList<Podnet.Net.CidrBlock> ExcludeSnatCidrs => Settings.ExcludeSnatCidrs;
}
