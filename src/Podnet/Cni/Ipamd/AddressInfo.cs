using System.Net;

namespace Podnet.Cni.Ipamd;

/// <summary>
/// One address of a CIDR as the datastore tracks it (<c>AddressInfo</c> in <c>data_store.go</c>): the pod holding it,
/// when it was handed out, and when it was last given back (the start of its IP_COOLDOWN_PERIOD). An address the
/// datastore has never handed out has no entry at all.
/// </summary>
public sealed record AddressInfo(IPAddress Address, PodKey? Pod, DateTimeOffset? AssignedTime, DateTimeOffset? UnassignedTime)
{
    public bool IsAssigned => Pod is not null;

    /// <summary>ipamd's <c>inCoolingPeriod</c>: <c>time.Since(UnassignedTime) &lt;= cooldown</c>.</summary>
    public bool InCooldown(DateTimeOffset now, TimeSpan cooldown) => InCooldown(IsAssigned, UnassignedTime, now, cooldown);

    /// <summary><see cref="InCooldown(DateTimeOffset, TimeSpan)"/> of an address's state, for the datastore's own entries.</summary>
    internal static bool InCooldown(bool assigned, DateTimeOffset? unassignedTime, DateTimeOffset now, TimeSpan cooldown)
        => !assigned && unassignedTime is { } released && now - released <= cooldown;
}
