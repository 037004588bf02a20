namespace Podnet.Cni.Ipamd;

/// <summary>
/// One ENI of the node as the datastore tracks it (<c>ENI</c> in <c>data_store.go</c>). <see cref="IsExcludedForPodIps"/>
/// marks the primary ENI under custom networking: its addresses are never handed to pods.
/// </summary>
public sealed record EniInfo(
    string Id,
    int DeviceNumber,
    bool IsPrimary,
    bool IsTrunk,
    bool IsExcludedForPodIps,
    DateTimeOffset CreatedAt,
    string SubnetId,
    IReadOnlyList<CidrInfo> Cidrs)
{
    /// <summary>The CIDRs of the current mode (prefixes with prefix delegation, /32s without).</summary>
    public IEnumerable<CidrInfo> CidrsOfMode(bool prefixDelegation) => Cidrs.Where(c => c.IsPrefix == prefixDelegation);

    public int AssignedCount => Cidrs.Sum(c => c.AssignedCount);

    public bool HasPods => AssignedCount > 0;
}
