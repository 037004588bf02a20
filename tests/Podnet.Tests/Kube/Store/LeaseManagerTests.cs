using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Store;

/// <summary>The etcd3 lease manager's reuse of leases (k8s.io/apiserver pkg/storage/etcd3 lease_manager.go).</summary>
public class LeaseManagerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ReuseWindow_IsFivePercentOfTheTimeToLive_AtMostAMinute()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), LeaseManager.ReuseFor(TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromSeconds(30), LeaseManager.ReuseFor(TimeSpan.FromMinutes(10)));
        Assert.Equal(TimeSpan.Zero, LeaseManager.ReuseFor(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Lease_HoldsAThousandWrites_TheNextTakesANewOne()
    {
        var leases = new LeaseManager(TimeSpan.FromHours(1));
        for (var i = 0; i <= LeaseManager.MaxObjectsPerLease; i++)
        {
            leases.Attach(Start, ("default", $"e{i}"), i);
        }

        Assert.Equal(Start + TimeSpan.FromSeconds(3660), leases.NextExpiry);
        Assert.Empty(leases.TakeDue(Start + TimeSpan.FromSeconds(3659)));

        var due = leases.TakeDue(Start + TimeSpan.FromSeconds(3660)).ToList();

        Assert.Equal([LeaseManager.MaxObjectsPerLease, 1], due.Select(l => l.Attached.Count));
        Assert.Equal(("default", "e1000"), due[1].Attached[0].Key);
        Assert.Null(leases.NextExpiry);
    }

    [Fact]
    public void WriteAfterTheReuseWindow_TakesANewLease_WhichRunsOutLater()
    {
        var leases = new LeaseManager(TimeSpan.FromHours(1));
        leases.Attach(Start, ("default", "a"), 1);
        leases.Attach(Start + TimeSpan.FromSeconds(59), ("default", "b"), 2);
        leases.Attach(Start + TimeSpan.FromSeconds(60), ("default", "c"), 3);

        var first = Assert.Single(leases.TakeDue(Start + TimeSpan.FromSeconds(3660)));
        Assert.Equal([1L, 2L], first.Attached.Select(a => a.Version));
        Assert.Equal(Start + TimeSpan.FromSeconds(60 + 3660), leases.NextExpiry);
    }
}
