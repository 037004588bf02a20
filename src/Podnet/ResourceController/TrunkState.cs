namespace Podnet.ResourceController;

/// <summary>
/// What the controller keeps per trunk interface: the VLANs in use (1..120, lowest free first), the branches of
/// each pod, and the branches waiting in the delete queue for their cooldown.
/// </summary>
public sealed class TrunkState
{
    private readonly bool[] _vlans;
    private readonly Dictionary<string, List<BranchEni>> _byPod = new(StringComparer.Ordinal);
    private readonly List<QueuedBranch> _deleteQueue = [];

    public TrunkState(string nodeName, string instanceId, string trunkId, string subnetId, string subnetCidr, IReadOnlyList<string> groups, int branchLimit, int maxVlanId)
    {
        NodeName = nodeName;
        InstanceId = instanceId;
        TrunkId = trunkId;
        SubnetId = subnetId;
        SubnetCidr = subnetCidr;
        Groups = groups;
        BranchLimit = branchLimit;
        _vlans = new bool[maxVlanId + 1];
        _vlans[0] = true;
    }

    public string NodeName { get; }

    public string InstanceId { get; }

    public string TrunkId { get; }

    public string SubnetId { get; }

    public string SubnetCidr { get; }

    /// <summary>
    /// The IPv6 /64 of the instance's subnet, empty for an IPv4-only one: what the controller writes as a branch's
    /// <c>subnetV6Cidr</c> (<c>instanceSubnetV6CidrBlock</c>, cached from the subnet in pkg/aws/ec2/instance.go).
    /// </summary>
    public string SubnetV6Cidr { get; init; } = string.Empty;

    /// <summary>The groups of the trunk: what a pod gets when no policy matches it any more.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>The instance type's branch-interface count: the node's <c>vpc.amazonaws.com/pod-eni</c> capacity.</summary>
    public int BranchLimit { get; }

    public int InUse => _byPod.Values.Sum(b => b.Count);

    public IReadOnlyList<QueuedBranch> DeleteQueue => _deleteQueue;

    public IReadOnlyDictionary<string, List<BranchEni>> ByPod => _byPod;

    /// <summary>Whether N more branches fit: branches in use and cooling both count against the limit.</summary>
    public bool HasCapacity(int count) => InUse + _deleteQueue.Count + count <= BranchLimit;

    public int? TakeLowestFreeVlan()
    {
        for (var vlan = 1; vlan < _vlans.Length; vlan++)
        {
            if (!_vlans[vlan])
            {
                _vlans[vlan] = true;
                return vlan;
            }
        }

        return null;
    }

    public void ReserveVlan(int vlan)
    {
        if (vlan > 0 && vlan < _vlans.Length)
        {
            _vlans[vlan] = true;
        }
    }

    public void FreeVlan(int vlan)
    {
        if (vlan > 0 && vlan < _vlans.Length)
        {
            _vlans[vlan] = false;
        }
    }

    public bool HasPod(string podUid) => _byPod.ContainsKey(podUid);

    public void Assign(string podUid, IReadOnlyList<BranchEni> branches)
    {
        _byPod[podUid] = [.. branches];
        foreach (var branch in branches)
        {
            ReserveVlan(branch.VlanId);
        }
    }

    /// <summary>A released pod's branches start their cooldown.</summary>
    public IReadOnlyList<BranchEni> Release(string podUid, DateTimeOffset now)
    {
        if (!_byPod.Remove(podUid, out var branches))
        {
            return [];
        }

        foreach (var branch in branches)
        {
            Enqueue(branch, now);
        }

        return branches;
    }

    public void Enqueue(BranchEni branch, DateTimeOffset queuedAt) => _deleteQueue.Add(new QueuedBranch(branch, queuedAt));

    /// <summary>The queued branches whose cooldown has passed.</summary>
    public IReadOnlyList<QueuedBranch> Due(DateTimeOffset now, TimeSpan cooldown) => [.. _deleteQueue.Where(q => now - q.QueuedAt >= cooldown)];

    public void Deleted(QueuedBranch queued)
    {
        _deleteQueue.Remove(queued);
        FreeVlan(queued.Branch.VlanId);
    }

    /// <summary>
    /// A branch dropped from the queue without being deleted ("forgetting eni as max retries exceeded"): its VLAN
    /// stays marked used, as in the real controller.
    /// </summary>
    public void Forget(QueuedBranch queued) => _deleteQueue.Remove(queued);

    /// <summary>Whether <paramref name="vlan"/> is marked used on this trunk.</summary>
    public bool IsVlanUsed(int vlan) => vlan > 0 && vlan < _vlans.Length && _vlans[vlan];
}

/// <summary>A branch in the delete queue: queued at (the cooldown starts then; the minimum date means at once), and its failed delete passes.</summary>
public sealed record QueuedBranch(BranchEni Branch, DateTimeOffset QueuedAt)
{
    /// <summary><c>deleteRetryCount</c>: delete passes that failed.</summary>
    public int DeleteRetries { get; set; }
}
