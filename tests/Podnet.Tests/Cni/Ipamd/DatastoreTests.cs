using System.Net;
using Podnet.Cni.Ipamd;
using Podnet.Net;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cni.Ipamd;

public class DatastoreTests
{
    private readonly ManualTimeProvider _time = new();

    private static PodKey Pod(int i) => new("default", $"pod-{i}", $"sandbox-{i}");

    private static CidrBlock Ip(string address) => CidrBlock.Single(IPAddress.Parse(address));

    private Datastore SecondaryIpStore()
    {
        var store = new Datastore(_time, prefixDelegation: false, TimeSpan.FromSeconds(30));
        store.AddEni("eni-b", 1, isPrimary: false, isTrunk: false, isExcludedForPodIps: false, "subnet-1");
        store.AddEni("eni-a", 0, isPrimary: true, isTrunk: false, isExcludedForPodIps: false, "subnet-1");
        store.AddCidr("eni-b", Ip("10.0.0.20"), isPrefix: false);
        store.AddCidr("eni-a", Ip("10.0.0.12"), isPrefix: false);
        store.AddCidr("eni-a", Ip("10.0.0.11"), isPrefix: false);
        return store;
    }

    [Fact]
    public void Assign_ByDeviceNumberThenAddress_IdempotentPerKey_ThenNoneLeft()
    {
        var store = SecondaryIpStore();

        var first = store.AssignPodIPv4Address(Pod(1));
        Assert.Equal(("10.0.0.11", "eni-a", 0), (first.Address!.ToString(), first.EniId, first.DeviceNumber));
        Assert.Equal(first, store.AssignPodIPv4Address(Pod(1)));
        Assert.Equal("10.0.0.12", store.AssignPodIPv4Address(Pod(2)).Address!.ToString());
        Assert.Equal(("10.0.0.20", 1), (store.AssignPodIPv4Address(Pod(3)).Address!.ToString(), 1));

        var none = store.AssignPodIPv4Address(Pod(4));
        Assert.False(none.Success);
        Assert.Equal("AssignPodIPAddress: no available IP/Prefix addresses", none.Error);
        Assert.Equal(new DatastoreStats(3, 3, 0, 0), store.GetStats());
    }

    [Fact]
    public void Enis_SeesEveryChangeOfThePool()
    {
        // Enis is a snapshot kept until the pool changes: each kind of change must show in the next one.
        var store = SecondaryIpStore();
        static string Show(IReadOnlyList<EniInfo> enis) => string.Join(" ", enis.Select(e =>
            e.Id + ":" + string.Join(",", e.Cidrs.SelectMany(c => c.Addresses.Select(a => $"{c.Cidr}={a.Pod?.Name ?? (a.UnassignedTime is null ? "-" : "cool")}")))));

        var empty = store.Enis;
        Assert.Same(empty, store.Enis);
        store.AssignPodIPv4Address(Pod(1));
        Assert.Equal("eni-a:10.0.0.11/32=pod-1 eni-b:", Show(store.Enis));
        store.UnassignPodIPv4Address(Pod(1));
        Assert.Equal("eni-a:10.0.0.11/32=cool eni-b:", Show(store.Enis));
        Assert.True(store.RestoreAssignment(Pod(2), IPAddress.Parse("10.0.0.20")));
        Assert.Equal("eni-a:10.0.0.11/32=cool eni-b:10.0.0.20/32=pod-2", Show(store.Enis));
        store.AddEni("eni-c", 2, isPrimary: false, isTrunk: false, isExcludedForPodIps: false, "subnet-1");
        store.AddCidr("eni-c", Ip("10.0.0.30"), isPrefix: false);
        Assert.Equal(["eni-a", "eni-b", "eni-c"], store.Enis.Select(e => e.Id));
        Assert.Single(store.Enis[2].Cidrs);
        Assert.True(store.RemoveCidr("eni-c", Ip("10.0.0.30")));
        Assert.Empty(store.Enis[2].Cidrs);
        Assert.True(store.RemoveEni("eni-c"));
        Assert.Equal(["eni-a", "eni-b"], store.Enis.Select(e => e.Id));
    }

    [Fact]
    public void Release_PutsAddressInCooldown_CountedAsAvailable_NotReusedUntilCooldownEnds()
    {
        var store = new Datastore(_time, prefixDelegation: false, TimeSpan.FromSeconds(30));
        store.AddEni("eni-a", 0, true, false, false, "subnet-1");
        store.AddCidr("eni-a", Ip("10.0.0.11"), false);
        var address = store.AssignPodIPv4Address(Pod(1)).Address;

        var released = store.UnassignPodIPv4Address(Pod(1));
        Assert.Equal(address, released!.Address);
        Assert.Equal(_time.GetUtcNow(), released.UnassignedTime);
        Assert.Null(store.UnassignPodIPv4Address(Pod(1)));

        // Cooldown addresses are available in the stats (#2896) but not handed out.
        Assert.Equal(new DatastoreStats(1, 0, 1, 0), store.GetStats());
        Assert.Equal(1, store.GetStats().AvailableIPs);
        Assert.False(store.AssignPodIPv4Address(Pod(2)).Success);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(store.AssignPodIPv4Address(Pod(2)).Success);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DatastoreStats(1, 0, 0, 0), store.GetStats());
        Assert.Equal(address, store.AssignPodIPv4Address(Pod(2)).Address);
    }

    [Fact]
    public void Assign_SkipsExcludedEnis_AndCidrsOfTheOtherMode()
    {
        var store = new Datastore(_time, prefixDelegation: false, TimeSpan.FromSeconds(30));
        store.AddEni("eni-a", 0, isPrimary: true, isTrunk: false, isExcludedForPodIps: true, "subnet-1");
        store.AddEni("eni-b", 1, false, false, false, "subnet-2");
        store.AddCidr("eni-a", Ip("10.0.0.11"), false);
        store.AddCidr("eni-b", CidrBlock.Parse("10.0.64.16/28"), isPrefix: true);
        store.AddCidr("eni-b", Ip("10.0.64.5"), false);

        Assert.Equal(("10.0.64.5", "eni-b"), (store.AssignPodIPv4Address(Pod(1)).Address!.ToString(), store.FindAddress(Pod(1))!.Value.Eni.Id));
        Assert.False(store.AssignPodIPv4Address(Pod(2)).Success);

        // The excluded ENI's address and the prefix are not in the secondary-IP stats.
        Assert.Equal(new DatastoreStats(1, 1, 0, 0), store.GetStats());
    }

    /// <summary>
    /// A CIDR's part of the ENI view is kept until an address of it changes (an assignment, a release, an address
    /// forgotten once its cooldown passed): the other CIDRs' parts are the same objects, and the changed one shows each change.
    /// </summary>
    [Fact]
    public void Enis_KeepsACidrsInfoUntilOneOfItsAddressesChanges()
    {
        var store = new Datastore(_time, prefixDelegation: true, TimeSpan.FromSeconds(30));
        store.AddEni("eni-a", 0, true, false, false, "subnet-1");
        store.AddCidr("eni-a", CidrBlock.Parse("10.0.0.16/28"), true);
        store.AddCidr("eni-a", CidrBlock.Parse("10.0.0.32/28"), true);
        CidrInfo Cidr(string cidr) => store.Enis[0].Cidrs.Single(c => c.Cidr.ToString() == cidr);
        static string Show(CidrInfo c) => string.Join(",", c.Addresses.Select(a => $"{a.Address}={a.Pod?.Name ?? (a.UnassignedTime is null ? "-" : "cool")}"));

        store.AssignPodIPv4Address(Pod(1));
        var (used, untouched) = (Cidr("10.0.0.16/28"), Cidr("10.0.0.32/28"));
        store.AssignPodIPv4Address(Pod(2));

        Assert.Same(untouched, Cidr("10.0.0.32/28"));
        Assert.NotSame(used, Cidr("10.0.0.16/28"));
        Assert.Equal("10.0.0.16=pod-1", Show(used));
        Assert.Equal("10.0.0.16=pod-1,10.0.0.17=pod-2", Show(Cidr("10.0.0.16/28")));
        store.UnassignPodIPv4Address(Pod(1));
        store.UnassignPodIPv4Address(Pod(2));
        Assert.Equal("10.0.0.16=cool,10.0.0.17=cool", Show(Cidr("10.0.0.16/28")));

        // Past the cooldown the lowest address is handed out again and the other one forgotten.
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("10.0.0.16", store.AssignPodIPv4Address(Pod(3)).Address!.ToString());
        Assert.Equal("10.0.0.16=pod-3", Show(Cidr("10.0.0.16/28")));
        Assert.Same(untouched, Cidr("10.0.0.32/28"));
    }

    [Fact]
    public void PrefixDelegation_HandsOutLowestNeverUsed_ThenReusesOutOfCooldown()
    {
        var store = new Datastore(_time, prefixDelegation: true, TimeSpan.FromSeconds(30));
        store.AddEni("eni-a", 0, true, false, false, "subnet-1");
        store.AddCidr("eni-a", CidrBlock.Parse("10.0.0.32/28"), true);
        store.AddCidr("eni-a", CidrBlock.Parse("10.0.0.16/28"), true);

        Assert.Equal("10.0.0.16", store.AssignPodIPv4Address(Pod(1)).Address!.ToString());
        Assert.Equal("10.0.0.17", store.AssignPodIPv4Address(Pod(2)).Address!.ToString());
        store.UnassignPodIPv4Address(Pod(1));
        Assert.Equal("10.0.0.18", store.AssignPodIPv4Address(Pod(3)).Address!.ToString());
        Assert.Equal(new DatastoreStats(32, 2, 1, 2), store.GetStats());
        Assert.Equal(1, store.FreePrefixes);

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("10.0.0.16", store.AssignPodIPv4Address(Pod(4)).Address!.ToString());
        Assert.Equal(["10.0.0.32/28"], store.FindFreeableCidrs("eni-a").Select(c => c.Cidr.ToString()));
        Assert.False(store.RemoveCidr("eni-a", CidrBlock.Parse("10.0.0.16/28")));
        Assert.True(store.RemoveCidr("eni-a", CidrBlock.Parse("10.0.0.32/28")));
    }

    [Fact]
    public void GetStats_CountsCooldownUntilItsLastInstant_AndSeesEveryChange()
    {
        // The stats keep what only a change of the pool alters; the cooldown count still follows the clock.
        var store = SecondaryIpStore();
        store.AssignPodIPv4Address(Pod(1));
        store.AssignPodIPv4Address(Pod(2));
        store.UnassignPodIPv4Address(Pod(1));
        _time.Advance(TimeSpan.FromSeconds(10));
        store.UnassignPodIPv4Address(Pod(2));
        Assert.Equal(new DatastoreStats(3, 0, 2, 0), store.GetStats());

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(new DatastoreStats(3, 0, 2, 0), store.GetStats());

        // Released exactly 30 s ago is still cooling down (now - released <= cooldown); a tick later it is not.
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new DatastoreStats(3, 0, 1, 0), store.GetStats());

        store.AssignPodIPv4Address(Pod(3));
        Assert.Equal(new DatastoreStats(3, 1, 1, 0), store.GetStats());
        store.AddCidr("eni-b", Ip("10.0.0.21"), isPrefix: false);
        Assert.Equal(new DatastoreStats(4, 1, 1, 0), store.GetStats());
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(new DatastoreStats(4, 1, 0, 0), store.GetStats());
    }
}
