using System.Net;
using Podnet.Net;

namespace Podnet.ResourceController;

/// <summary>
/// The warm pool of one Windows node in prefix mode (the VPC resource controller's <c>pool.Pool</c> for
/// <c>vpc.amazonaws.com/PrivateIPv4AddressFromPrefix</c>, pkg/pool/pool.go, fed by pkg/provider/prefix/provider.go):
/// /28 prefixes on the node's primary interface, each deconstructed into its 16 addresses
/// (<c>DeconstructIPsFromPrefix</c>), which are free (warm), assigned to a pod, or cooling down after their pod went
/// (<see cref="WindowsIpPool.CoolDown"/>). A pod gets an address of the prefix with the fewest free ones
/// (<c>assignResourceFromMinGroup</c>), so pods pack into prefixes and whole prefixes come free to be released.
/// </summary>
/// <param name="NodeName">The Windows node.</param>
/// <param name="PrimaryInterfaceId">Its instance's primary network interface, which holds the prefixes.</param>
/// <param name="Capacity">The node's advertised capacity: 16 addresses for each IPv4 address of the interface but its
/// primary one (<c>getCapacity</c> × <c>NumIPv4AddrPerPrefix</c>, pkg/provider/prefix/provider.go).</param>
public sealed record WindowsPrefixPool(string NodeName, string PrimaryInterfaceId, int Capacity)
{
    /// <summary><c>NumIPv4AddrPerPrefix</c> (pkg/pool/pool.go): the addresses of a /28.</summary>
    public const int AddressesPerPrefix = 16;

    /// <summary>Addresses (and prefixes, by their first address) in numeric order.</summary>
    private static readonly Comparer<string> ByAddress = Comparer<string>.Create((a, b)
        => IpAddressMath.ToNumber(IPAddress.Parse(a.Split('/')[0])).CompareTo(IpAddressMath.ToNumber(IPAddress.Parse(b.Split('/')[0]))));

    /// <summary>Free addresses of each prefix (the prefix as EC2 writes it, <c>a.b.c.d/28</c>), lowest first.</summary>
    public SortedDictionary<string, SortedSet<string>> Warm { get; } = new(ByAddress);

    /// <summary>Assigned addresses and their prefix, by pod UID.</summary>
    public Dictionary<string, (string Address, string Prefix)> Used { get; } = new(StringComparer.Ordinal);

    /// <summary>Released addresses, their prefix and when they are warm again.</summary>
    public Dictionary<string, (string Prefix, DateTimeOffset Until)> Cooling { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the subnet had a free /28 at the last prefix assignment (pool.go <c>prefixAvailable</c>): false after
    /// <c>InsufficientCidrBlocks</c>, when a pod finding the pool empty is told so and comes back in 2 minutes.
    /// </summary>
    public bool PrefixAvailable { get; set; } = true;

    /// <summary>Every address the pool holds (free, used, cooling).</summary>
    public int Total => Warm.Values.Sum(w => w.Count) + Used.Count + Cooling.Count;

    /// <summary>The prefixes none of whose addresses is used or cooling (<c>findFreeGroup</c>), lowest first.</summary>
    public IReadOnlyList<string> FreePrefixes => [.. Warm.Where(w => w.Value.Count == AddressesPerPrefix).Select(w => w.Key)];

    /// <summary>Adds a prefix the interface got: its 16 addresses are free.</summary>
    public void AddPrefix(string prefix) => Warm[prefix] = new SortedSet<string>(Deconstruct(prefix), ByAddress);

    /// <summary>Drops a free prefix the interface gave back.</summary>
    public void RemovePrefix(string prefix) => Warm.Remove(prefix);

    /// <summary>
    /// Takes a free address for the pod from the prefix with the fewest free addresses (lowest prefix on a tie, the
    /// lowest address in it); null when none is free.
    /// </summary>
    public string? Assign(string podUid)
    {
        if (Used.TryGetValue(podUid, out var held))
        {
            return held.Address;
        }

        var group = Warm.Where(w => w.Value.Count > 0).OrderBy(w => w.Value.Count).Select(w => w.Key).FirstOrDefault();
        if (group is null)
        {
            return null;
        }

        var address = Warm[group].Min!;
        Warm[group].Remove(address);
        Used[podUid] = (address, group);
        return address;
    }

    /// <summary>The pod's address cools down until <paramref name="now"/> + <see cref="WindowsIpPool.CoolDown"/>.</summary>
    public void Release(string podUid, DateTimeOffset now)
    {
        if (Used.Remove(podUid, out var held))
        {
            Cooling[held.Address] = (held.Prefix, now + WindowsIpPool.CoolDown);
        }
    }

    /// <summary>Addresses whose cooldown is over become free again; returns when the next one will, or null.</summary>
    public DateTimeOffset? Cool(DateTimeOffset now)
    {
        foreach (var (address, (prefix, _)) in Cooling.Where(c => c.Value.Until <= now).ToList())
        {
            Cooling.Remove(address);
            if (Warm.TryGetValue(prefix, out var free))
            {
                free.Add(address);
            }
        }

        return Cooling.Count == 0 ? null : Cooling.Values.Min(c => c.Until);
    }

    /// <summary>
    /// How many prefixes to add (positive) or release (negative) for <paramref name="targets"/>, as
    /// <c>getPDDeviation</c> counts them: with only a warm prefix target, that many free prefixes; otherwise enough
    /// prefixes for the used addresses plus the warm IP target, or for the minimum IP target if that needs more,
    /// against the prefixes held (all addresses, cooling ones included, in whole prefixes). Only free prefixes are
    /// released; the pool never holds more than <see cref="Capacity"/> addresses.
    /// </summary>
    public int PrefixDeviation(WindowsPrefixTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var free = FreePrefixes.Count;
        int deviation;
        if (targets.WarmPrefixOnly)
        {
            deviation = targets.WarmPrefixTarget - free;
        }
        else
        {
            var held = CeilDivision(Total, AddressesPerPrefix);
            var forWarm = CeilDivision(Used.Count + targets.EffectiveWarmIpTarget, AddressesPerPrefix);
            var forMinimum = CeilDivision(targets.EffectiveMinimumIpTarget, AddressesPerPrefix);
            deviation = Math.Max(forWarm, forMinimum) - held;
        }

        var room = (Capacity / AddressesPerPrefix) - Warm.Count;
        return deviation >= 0 ? Math.Min(deviation, Math.Max(room, 0)) : -Math.Min(-deviation, free);
    }

    /// <summary>The 16 addresses of a /28 prefix, lowest first (<c>DeconstructIPsFromPrefix</c>).</summary>
    public static IReadOnlyList<string> Deconstruct(string prefix)
    {
        var block = CidrBlock.Parse(prefix);
        return [.. Enumerable.Range(0, AddressesPerPrefix).Select(i => block.AddressAt((UInt128)i).ToString())];
    }

    private static int CeilDivision(int a, int b) => (a + b - 1) / b;
}
