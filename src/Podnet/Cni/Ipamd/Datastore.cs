using System.Net;
using Podnet.Net;

namespace Podnet.Cni.Ipamd;

/// <summary>
/// ipamd's in-memory view of one node's ENIs and pod addresses (<c>pkg/ipamd/datastore/data_store.go</c>, the
/// datastore of network card 0): ENIs with their CIDRs, and per address the pod holding it. Hands addresses to
/// pods and takes them back into cooldown. Thread-safe; every answer is a snapshot.
/// </summary>
public sealed class Datastore
{
    /// <summary><c>ErrNoAvailableIPInDataStore</c>.</summary>
    public const string NoAvailableAddresses = "AssignPodIPAddress: no available IP/Prefix addresses";

    /// <summary>Addresses in one /28 prefix.</summary>
    public const int AddressesPerPrefix = 16;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, EniState> _enis = new(StringComparer.Ordinal);

    // The last snapshot of Enis, until the pool next changes: ipamd's reconcile and the warm-pool checks read it on
    // every tick of every node, and a snapshot sorts and copies every address of the node.
    private IReadOnlyList<EniInfo>? _enisView;

    // What GetStats counts that only a change of the pool alters (totals, and when each free address was released);
    // a tick of ipamd asks for the stats several times, at 500 nodes every few virtual seconds.
    private StatsBasis? _statsBasis;

    private sealed record StatsBasis(long Total, int Assigned, int Prefixes, DateTimeOffset[] ReleasedAt);

    /// <summary>Counts the pool's changes: an ENI, a CIDR or an assignment added or removed (for callers that watch for change without comparing the pool).</summary>
    public long Version { get; private set; }

    /// <summary>The pool changed: what was derived from it is worked out again when next asked.</summary>
    private void Changed()
    {
        Version++;
        _enisView = null;
        _statsBasis = null;
    }

    /// <summary><c>AssignPodIPv6Address</c>'s refusal without prefix delegation (data_store.go).</summary>
    public const string Ipv6WithoutPrefixDelegation = "PD is not enabled. V6 is only supported in PD mode";

    /// <param name="ipv6">
    /// The datastore of an IPv6 node (ENABLE_IPv6): its CIDRs are IPv6 /80 prefixes (<c>AddIPv6CidrToStore</c>), from
    /// which pods get addresses (<see cref="AssignPodIPv6Address"/>); the counts are over them (<c>GetIPStats("6")</c>).
    /// </param>
    public Datastore(TimeProvider time, bool prefixDelegation, TimeSpan ipCooldown, bool ipv6 = false)
    {
        _time = time;
        PrefixDelegation = prefixDelegation;
        IpCooldown = ipCooldown;
        Ipv6 = ipv6;
    }

    public bool PrefixDelegation { get; }

    /// <summary>Whether pods get IPv6 addresses from /80 prefixes.</summary>
    public bool Ipv6 { get; }

    public TimeSpan IpCooldown { get; }

    /// <summary>
    /// The ENIs by device number. The real <c>eniPool</c> is a Go map, iterated in random order; the emulator walks
    /// it by device number ascending so that runs are reproducible.
    /// </summary>
    public IReadOnlyList<EniInfo> Enis
    {
        get
        {
            lock (_lock)
            {
                return _enisView ??= [.. Ordered().Select(e => e.ToInfo())];
            }
        }
    }

    public EniInfo? FindEni(string eniId)
    {
        lock (_lock)
        {
            return _enis.GetValueOrDefault(eniId)?.ToInfo();
        }
    }

    public int EniCount
    {
        get
        {
            lock (_lock)
            {
                return _enis.Count;
            }
        }
    }

    public int ExcludedEniCount
    {
        get
        {
            lock (_lock)
            {
                return _enis.Values.Count(e => e.IsExcludedForPodIps);
            }
        }
    }

    public bool HasTrunk
    {
        get
        {
            lock (_lock)
            {
                return _enis.Values.Any(e => e.IsTrunk);
            }
        }
    }

    /// <summary><c>AddENI</c>: a new ENI without addresses, created now. False when the ENI is already known.</summary>
    public bool AddEni(string eniId, int deviceNumber, bool isPrimary, bool isTrunk, bool isExcludedForPodIps, string subnetId)
    {
        lock (_lock)
        {
            Changed();
            return _enis.TryAdd(eniId, new EniState(eniId, deviceNumber, isPrimary, isTrunk, isExcludedForPodIps, _time.GetUtcNow(), subnetId));
        }
    }

    /// <summary><c>AddIPv4CidrToStore</c>: a /32 secondary address or a /28 prefix of an ENI. False when already there.</summary>
    public bool AddCidr(string eniId, CidrBlock cidr, bool isPrefix)
    {
        lock (_lock)
        {
            Changed();
            var eni = _enis.GetValueOrDefault(eniId) ?? throw new InvalidOperationException($"datastore: unknown ENI {eniId}");
            if (eni.Cidrs.Exists(c => c.Cidr == cidr))
            {
                return false;
            }

            eni.Cidrs.Add(new CidrState(cidr, isPrefix));
            eni.Cidrs.Sort((a, b) => a.Cidr.CompareTo(b.Cidr));
            return true;
        }
    }

    /// <summary>
    /// <c>DelIPv4CidrFromStore</c>: removes a CIDR; unless forced, not one with addresses handed to pods. False when
    /// the CIDR is unknown or in use.
    /// </summary>
    public bool RemoveCidr(string eniId, CidrBlock cidr, bool force = false)
    {
        lock (_lock)
        {
            Changed();
            if (_enis.GetValueOrDefault(eniId) is not { } eni || eni.Cidrs.Find(c => c.Cidr == cidr) is not { } state)
            {
                return false;
            }

            if (!force && state.AssignedCount > 0)
            {
                return false;
            }

            eni.Cidrs.Remove(state);
            return true;
        }
    }

    /// <summary>Forgets an ENI (after it is detached and deleted).</summary>
    public bool RemoveEni(string eniId)
    {
        lock (_lock)
        {
            Changed();
            return _enis.Remove(eniId);
        }
    }

    /// <summary>
    /// <c>GetIPStats</c> over the CIDRs of the current mode. ENIs excluded for pod IPs (the primary under custom
    /// networking) are left out: none of their addresses can ever be handed to a pod.
    /// </summary>
    public DatastoreStats GetStats()
    {
        lock (_lock)
        {
            var basis = _statsBasis ??= Basis();

            // An address is in cooldown while now - released <= IpCooldown (AddressInfo.InCooldown): those released at
            // or after now - IpCooldown, counted in the sorted release times.
            var since = _time.GetUtcNow() - IpCooldown;
            var first = Array.BinarySearch(basis.ReleasedAt, since);
            if (first < 0)
            {
                first = ~first;
            }
            else
            {
                while (first > 0 && basis.ReleasedAt[first - 1] == since)
                {
                    first--;
                }
            }

            return new DatastoreStats(basis.Total, basis.Assigned, basis.ReleasedAt.Length - first, basis.Prefixes);
        }

        StatsBasis Basis()
        {
            long total = 0;
            int assigned = 0, prefixes = 0;
            var released = new List<DateTimeOffset>();
            foreach (var cidr in _enis.Values.Where(e => !e.IsExcludedForPodIps).SelectMany(e => e.Cidrs).Where(c => Ipv6 || c.IsPrefix == PrefixDelegation))
            {
                total += cidr.Size;
                assigned += cidr.AssignedCount;
                prefixes += cidr.IsPrefix ? 1 : 0;
                // GetIPStats("6") counts no cooldown.
                foreach (var address in Ipv6 ? Enumerable.Empty<AddressState>() : cidr.Addresses)
                {
                    if (address.Pod is null && address.UnassignedTime is { } at)
                    {
                        released.Add(at);
                    }
                }
            }

            released.Sort();
            return new StatsBasis(total, assigned, prefixes, [.. released]);
        }
    }

    /// <summary><c>GetFreePrefixes</c>: prefixes with no address handed out (prefix-delegation mode).</summary>
    public int FreePrefixes
    {
        get
        {
            lock (_lock)
            {
                if (!PrefixDelegation)
                {
                    return 0;
                }

                // A loop: ipamd asks this on every look at the pool.
                var free = 0;
                foreach (var eni in _enis.Values)
                {
                    if (eni.IsExcludedForPodIps)
                    {
                        continue;
                    }

                    foreach (var cidr in eni.Cidrs)
                    {
                        if (cidr.IsPrefix && cidr.AssignedCount == 0)
                        {
                            free++;
                        }
                    }
                }

                return free;
            }
        }
    }

    /// <summary>
    /// <c>AssignPodIPv4Address</c>: the same address again for a key that holds one; else walks the ENIs (device
    /// number ascending, excluded ENIs skipped) and their CIDRs of the current mode (ascending), and in the first
    /// CIDR with room takes the first unassigned address out of cooldown, else the lowest address never handed out.
    /// </summary>
    public AssignResult AssignPodIPv4Address(PodKey key)
    {
        lock (_lock)
        {
            Changed();
            if (FindByKey(key) is var (heldOn, _, held))
            {
                return AssignResult.Assigned(held.Address, heldOn.Id, heldOn.DeviceNumber);
            }

            return AssignFirstUnused(key, c => c.IsPrefix == PrefixDelegation, _time.GetUtcNow());
        }
    }

    /// <summary>
    /// Hands <paramref name="key"/> the first unused address of the first CIDR <paramref name="usable"/> admits, walking
    /// the ENIs that take pod addresses by device number (the IPv4 and IPv6 assignments' common search). Under the lock.
    /// </summary>
    private AssignResult AssignFirstUnused(PodKey key, Func<CidrState, bool> usable, DateTimeOffset now)
    {
        foreach (var eni in Ordered().Where(e => !e.IsExcludedForPodIps))
        {
            foreach (var cidr in eni.Cidrs.Where(usable))
            {
                if (UnusedAddress(cidr, now) is not { } address)
                {
                    continue;
                }

                var state = cidr.Address(address);
                state.Pod = key;
                state.AssignedTime = now;
                return AssignResult.Assigned(address, eni.Id, eni.DeviceNumber);
            }
        }

        return AssignResult.Failed(NoAvailableAddresses);
    }

    /// <summary>
    /// <c>AssignPodIPv6Address</c>: the same address again for a key that holds one; else the first free address of
    /// the first /80 prefix (in IPv6 prefix-delegation mode the datastore holds the primary ENI and its one prefix),
    /// as <see cref="AssignPodIPv4Address"/> finds one in a CIDR.
    /// </summary>
    public AssignResult AssignPodIPv6Address(PodKey key)
    {
        lock (_lock)
        {
            if (!PrefixDelegation)
            {
                return AssignResult.Failed(Ipv6WithoutPrefixDelegation);
            }

            Changed();
            if (FindByKey(key) is var (heldOn, _, held))
            {
                return AssignResult.Assigned(held.Address, heldOn.Id, heldOn.DeviceNumber);
            }

            return AssignFirstUnused(key, c => c.IsPrefix && !c.Cidr.IsIPv4, _time.GetUtcNow());
        }
    }

    /// <summary>
    /// <c>UnassignPodIPAddress</c>: the key's address goes back to the pool and into cooldown. Null for a key that
    /// holds no address (<c>datastore: unknown pod</c>).
    /// </summary>
    public AddressInfo? UnassignPodIPv4Address(PodKey key)
    {
        lock (_lock)
        {
            Changed();
            if (FindByKey(key) is not var (_, _, held))
            {
                return null;
            }

            held.Pod = null;
            held.UnassignedTime = _time.GetUtcNow();
            return held.ToInfo();
        }
    }

    /// <summary>
    /// Gives a key the address it held before a restart (ipamd's checkpoint, <c>/var/run/aws-node/ipam.json</c>);
    /// false when the datastore has no such address or another key holds it.
    /// </summary>
    public bool RestoreAssignment(PodKey key, IPAddress address)
    {
        lock (_lock)
        {
            Changed();
            if (FindByKey(key) is not null)
            {
                return false;
            }

            foreach (var eni in _enis.Values)
            {
                foreach (var cidr in eni.Cidrs.Where(c => c.Cidr.Contains(address)))
                {
                    if (cidr.Find(address)?.Pod is not null)
                    {
                        return false;
                    }

                    var state = cidr.Address(address);
                    state.Pod = key;
                    state.AssignedTime = _time.GetUtcNow();
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Every address handed out, by key (what ipamd checkpoints).</summary>
    public IReadOnlyList<(PodKey Key, IPAddress Address)> Allocations()
    {
        lock (_lock)
        {
            return [.. _enis.Values.SelectMany(e => e.Cidrs).SelectMany(c => c.Addresses).Where(a => a.Pod is not null).Select(a => (a.Pod!.Value, a.Address))];
        }
    }

    /// <summary>The ENI and address a key holds, if any.</summary>
    public (EniInfo Eni, AddressInfo Address)? FindAddress(PodKey key)
    {
        lock (_lock)
        {
            return FindByKey(key) is var (eni, _, address) ? (eni.ToInfo(), address.ToInfo()) : null;
        }
    }

    /// <summary><c>FindFreeableCidrs</c>: the CIDRs of the current mode on an ENI with no address handed out.</summary>
    public IReadOnlyList<CidrInfo> FindFreeableCidrs(string eniId)
    {
        lock (_lock)
        {
            return _enis.GetValueOrDefault(eniId) is { } eni
                ? [.. eni.Cidrs.Where(c => c.IsPrefix == PrefixDelegation && c.AssignedCount == 0).Select(c => c.ToInfo())]
                : [];
        }
    }

    private IEnumerable<EniState> Ordered() => _enis.Values.OrderBy(e => e.DeviceNumber).ThenBy(e => e.Id, StringComparer.Ordinal);

    private (EniState Eni, CidrState Cidr, AddressState Address)? FindByKey(PodKey key)
    {
        foreach (var eni in _enis.Values)
        {
            foreach (var cidr in eni.Cidrs)
            {
                foreach (var address in cidr.Addresses)
                {
                    if (address.Pod == key)
                    {
                        return (eni, cidr, address);
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// <c>getUnusedIP</c>: the first unassigned address out of cooldown (the real code then drops every such stale
    /// entry, which changes nothing observable), else the lowest address of the CIDR with no entry.
    /// </summary>
    private IPAddress? UnusedAddress(CidrState cidr, DateTimeOffset now)
    {
        // The lowest address handed out before and out of its cooldown is taken; the other such entries are dropped
        // (as getUnusedIP deletes what it passes over). A loop, not a sorted query: every ADD runs this.
        AddressState? lowest = null;
        List<AddressState>? stale = null;
        foreach (var address in cidr.Addresses)
        {
            if (address.Pod is not null || address.InCooldown(now, IpCooldown))
            {
                continue;
            }

            if (lowest is null)
            {
                lowest = address;
                continue;
            }

            var lower = IpAddressMath.ToNumber(address.Address) < IpAddressMath.ToNumber(lowest.Address);
            (stale ??= []).Add(lower ? lowest : address);
            if (lower)
            {
                lowest = address;
            }
        }

        // Dropped lowest first, as before: the order of removals decides where the dictionary puts later entries.
        stale?.Sort(static (a, b) => IpAddressMath.ToNumber(a.Address).CompareTo(IpAddressMath.ToNumber(b.Address)));
        foreach (var passed in stale ?? [])
        {
            cidr.Forget(passed.Address);
        }

        if (lowest is not null)
        {
            return lowest.Address;
        }

        for (UInt128 offset = 0; offset < cidr.Cidr.Size; offset++)
        {
            var address = cidr.Cidr.AddressAt(offset);
            if (cidr.Find(address) is null)
            {
                return address;
            }
        }

        return null;
    }

    private sealed class EniState(string id, int deviceNumber, bool isPrimary, bool isTrunk, bool isExcluded, DateTimeOffset createdAt, string subnetId)
    {
        public string Id { get; } = id;

        public int DeviceNumber { get; } = deviceNumber;

        public bool IsPrimary { get; } = isPrimary;

        public bool IsTrunk { get; } = isTrunk;

        public bool IsExcludedForPodIps { get; } = isExcluded;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public string SubnetId { get; } = subnetId;

        public List<CidrState> Cidrs { get; } = [];

        public EniInfo ToInfo() => new(Id, DeviceNumber, IsPrimary, IsTrunk, IsExcludedForPodIps, CreatedAt, SubnetId, [.. Cidrs.Select(c => c.ToInfo())]);
    }

    private sealed class CidrState(CidrBlock cidr, bool isPrefix)
    {
        public CidrBlock Cidr { get; } = cidr;

        public bool IsPrefix { get; } = isPrefix;

        /// <summary>Addresses in the CIDR: 1, 16 for a /28, 2^48 for an IPv6 /80 (a Go int, as in <c>CidrInfo.Size</c>).</summary>
        public long Size => (long)Cidr.Size;

        private readonly Dictionary<IPAddress, AddressState> _addresses = [];

        /// <summary>What <see cref="ToInfo"/> made, until an address of the CIDR changes (<see cref="Changed"/>).</summary>
        private CidrInfo? _info;

        /// <summary>The addresses handed out so far, in the order they were first handed out.</summary>
        public Dictionary<IPAddress, AddressState>.ValueCollection Addresses => _addresses.Values;

        /// <summary>The state of <paramref name="address"/>, or null when the CIDR has not handed it out.</summary>
        public AddressState? Find(IPAddress address) => _addresses.GetValueOrDefault(address);

        /// <summary>The state of <paramref name="address"/>, kept from now on (made for an address the CIDR has not handed out yet).</summary>
        public AddressState Address(IPAddress address)
        {
            if (!_addresses.TryGetValue(address, out var state))
            {
                state = new AddressState(this, address);
                _addresses[address] = state;
                Changed();
            }

            return state;
        }

        /// <summary>Forgets an address whose cooldown has passed.</summary>
        public void Forget(IPAddress address)
        {
            _addresses.Remove(address);
            Changed();
        }

        /// <summary>An address of the CIDR was added, dropped, assigned or released: its info is made again when next asked.</summary>
        public void Changed() => _info = null;

        public int AssignedCount
        {
            get
            {
                var count = 0;
                foreach (var address in _addresses.Values)
                {
                    if (address.Pod is not null)
                    {
                        count++;
                    }
                }

                return count;
            }
        }

        /// <remarks>
        /// Kept until an address of this CIDR changes: the datastore's view of its ENIs is made again after every
        /// assignment, and sorting every CIDR's addresses each time was a fiftieth of what a settle allocated, while an
        /// assignment changes one CIDR.
        /// </remarks>
        public CidrInfo ToInfo() => _info ??= new(Cidr, IsPrefix, [.. _addresses.Values.OrderBy(a => IpAddressMath.ToNumber(a.Address)).Select(a => a.ToInfo())]);
    }

    /// <summary>An address of a CIDR; a change to it tells the CIDR (<see cref="CidrState.Changed"/>).</summary>
    private sealed class AddressState(CidrState cidr, IPAddress address)
    {
        private PodKey? _pod;
        private DateTimeOffset? _assignedTime;
        private DateTimeOffset? _unassignedTime;

        public IPAddress Address { get; } = address;

        public PodKey? Pod
        {
            get => _pod;
            set
            {
                _pod = value;
                cidr.Changed();
            }
        }

        public DateTimeOffset? AssignedTime
        {
            get => _assignedTime;
            set
            {
                _assignedTime = value;
                cidr.Changed();
            }
        }

        public DateTimeOffset? UnassignedTime
        {
            get => _unassignedTime;
            set
            {
                _unassignedTime = value;
                cidr.Changed();
            }
        }

        public AddressInfo ToInfo() => new(Address, Pod, AssignedTime, UnassignedTime);

        /// <summary><see cref="AddressInfo.InCooldown"/>, without making the info.</summary>
        public bool InCooldown(DateTimeOffset now, TimeSpan cooldown)
            => AddressInfo.InCooldown(Pod is not null, UnassignedTime, now, cooldown);
    }
}
