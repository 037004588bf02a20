namespace Podnet.ResourceController;

/// <summary>
/// The warm pool of one Windows node's secondary IPv4 addresses (the VPC resource controller's <c>pool.Pool</c> for
/// <c>vpc.amazonaws.com/PrivateIPv4Address</c>, pkg/pool/pool.go): addresses on the node's primary interface that are
/// free (warm), assigned to a pod (by pod UID), or cooling down after their pod went (30 s, <c>CoolDownPeriod</c> in
/// pkg/config/type.go, so kube-proxy's rules for the old pod are gone before the address is reused).
/// </summary>
/// <param name="NodeName">The Windows node.</param>
/// <param name="PrimaryInterfaceId">Its instance's primary network interface, which holds the addresses.</param>
/// <param name="PrefixLength">The interface's subnet's prefix length, written after the address in the pod's annotation.</param>
/// <param name="Capacity">The node's advertised capacity: the interface's IPv4 addresses less its primary one.</param>
public sealed record WindowsIpPool(string NodeName, string PrimaryInterfaceId, int PrefixLength, int Capacity)
{
    /// <summary><c>CoolDownPeriod</c> (pkg/config/type.go): how long a released address waits before it is warm again.</summary>
    public static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(30);

    /// <summary>Free addresses, lowest first.</summary>
    public SortedSet<string> Warm { get; } = new(StringComparer.Ordinal);

    /// <summary>Assigned addresses by pod UID.</summary>
    public Dictionary<string, string> Used { get; } = new(StringComparer.Ordinal);

    /// <summary>Released addresses and when they are warm again.</summary>
    public Dictionary<string, DateTimeOffset> Cooling { get; } = new(StringComparer.Ordinal);

    /// <summary>Every address the pool holds on the interface.</summary>
    public int Total => Warm.Count + Used.Count + Cooling.Count;

    /// <summary>Takes the lowest warm address for the pod; null when none is warm.</summary>
    public string? Assign(string podUid)
    {
        if (Used.TryGetValue(podUid, out var held))
        {
            return held;
        }

        if (Warm.Min is not { } address)
        {
            return null;
        }

        Warm.Remove(address);
        Used[podUid] = address;
        return address;
    }

    /// <summary>The pod's address goes into cooldown until <paramref name="now"/> + <see cref="CoolDown"/>.</summary>
    public void Release(string podUid, DateTimeOffset now)
    {
        if (Used.Remove(podUid, out var address))
        {
            Cooling[address] = now + CoolDown;
        }
    }

    /// <summary>Addresses whose cooldown is over become warm; returns when the next one will, or null.</summary>
    public DateTimeOffset? Cool(DateTimeOffset now)
    {
        foreach (var (address, until) in Cooling.Where(c => c.Value <= now).ToList())
        {
            Cooling.Remove(address);
            Warm.Add(address);
        }

        return Cooling.Count == 0 ? null : Cooling.Values.Min();
    }

    /// <summary>
    /// How many addresses to add (positive) or release (negative) for the targets: in use plus the warm target, at least
    /// the minimum, at most the capacity (docs/windows/secondary_ip_mode_config_options.md's table). Only warm addresses
    /// are released; cooling ones count as held.
    /// </summary>
    public int Deviation(WindowsIpamSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var desired = Math.Min(Capacity, Math.Max(settings.MinimumIpTarget, Used.Count + settings.WarmIpTarget));
        var deviation = desired - Total;
        return deviation >= 0 ? deviation : -Math.Min(-deviation, Warm.Count);
    }
}
