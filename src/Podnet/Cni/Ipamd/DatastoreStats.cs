namespace Podnet.Cni.Ipamd;

/// <summary>
/// The datastore's counts over the CIDRs of the current mode (<c>DataStoreStats</c>). Addresses in cooldown count
/// as available (aws/amazon-vpc-cni-k8s#2896), so a pool full of just-freed addresses does not grow.
/// <see cref="TotalIPs"/> is a Go int (64 bits) as in ipamd: an IPv6 /80 prefix counts 2^48 addresses.
/// </summary>
public sealed record DatastoreStats(long TotalIPs, int AssignedIPs, int CooldownIPs, int TotalPrefixes)
{
    public long AvailableIPs => TotalIPs - AssignedIPs;

    public override string ToString()
        => $"total IPs {TotalIPs}, assigned IPs {AssignedIPs}, cooldown IPs {CooldownIPs}, total prefixes {TotalPrefixes}";
}
