namespace Podnet.Cni.Ipamd;

/// <summary>
/// The datastore's counts over the CIDRs of the current mode (<c>DataStoreStats</c>). Addresses in cooldown count
/// as available (aws/amazon-vpc-cni-k8s#2896), so a pool full of just-freed addresses does not grow.
/// </summary>
public sealed record DatastoreStats(int TotalIPs, int AssignedIPs, int CooldownIPs, int TotalPrefixes)
{
    public int AvailableIPs => TotalIPs - AssignedIPs;

    public override string ToString()
        => $"total IPs {TotalIPs}, assigned IPs {AssignedIPs}, cooldown IPs {CooldownIPs}, total prefixes {TotalPrefixes}";
}
