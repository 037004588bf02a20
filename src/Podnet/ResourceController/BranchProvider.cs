using Podnet.Aws;
using Podnet.Aws.Ec2;

namespace Podnet.ResourceController;

/// <summary>
/// What the VPC resource controller's reconcilers share, as the branch provider holds it
/// (aws/amazon-vpc-resource-controller-k8s pkg/provider/branch/provider.go <c>branchENIProvider</c>): the trunk of each
/// managed node (<c>trunkENICache</c>), the EC2 clients and their client-side token bucket (pkg/aws/ec2/api/wrapper.go,
/// <c>--user-client-qps</c>/<c>--user-client-burst</c>), the branch cooldown in force (pkg/config/cooldown.go), and
/// the interfaces left to the garbage collector. The node reconciler creates and removes trunks; the pod reconciler
/// gives pods branches on them; the configuration reconciler sets the cooldown.
/// </summary>
public sealed class BranchProvider
{
    private readonly TimeProvider _time;
    private readonly TokenBucket _bucket;

    /// <summary>When each piece of work that reserved calls may make them.</summary>
    private readonly Dictionary<string, DateTimeOffset> _reservations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrunkState> _trunks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _leftBehind = new(StringComparer.Ordinal);

    /// <param name="time">The world's clock, which the token bucket refills on.</param>
    /// <param name="cloud">The emulated AWS account the controller's clients call.</param>
    /// <param name="clusterName">The cluster whose <c>kubernetes.io/cluster/…</c> tag the controller's interfaces carry.</param>
    /// <param name="clusterRoleArn">The cluster's IAM role: interface changes are made as this role, session <see cref="VpcResourceController.Component"/>.</param>
    /// <param name="options">The controller's flags and timers.</param>
    public BranchProvider(TimeProvider time, AwsCloud cloud, string clusterName, string clusterRoleArn, ResourceControllerOptions options)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        Cloud = cloud;
        ClusterName = clusterName;
        Options = options;
        Cooldown = options.DefaultCooldown;
        // Both SDK clients retry with the standard retryer, 3 attempts (MaxRetries in pkg/aws/ec2/api/wrapper.go).
        User = new StandardRetryer(cloud.Ec2ForRole(clusterRoleArn, VpcResourceController.Component), StandardRetryer.ResourceControllerMaxAttempts);
        Service = new StandardRetryer(cloud.Ec2For(Aws.Iam.AwsPrincipal.Service("eks.amazonaws.com")), StandardRetryer.ResourceControllerMaxAttempts);
        _bucket = new TokenBucket(new TokenBucketSettings(options.UserClientBurst, options.UserClientQps), time);
    }

    /// <summary>The emulated AWS account.</summary>
    public AwsCloud Cloud { get; }

    /// <summary>The cluster the controller serves.</summary>
    public string ClusterName { get; }

    /// <summary>The controller's flags and timers.</summary>
    public ResourceControllerOptions Options { get; }

    /// <summary>EC2 as the cluster role (interface creation, attachment and deletion): IAM applies.</summary>
    public IEc2 User { get; }

    /// <summary>EC2 as EKS itself (describes, trunk associations).</summary>
    public IEc2 Service { get; }

    /// <summary>The branch cooldown now in force (the ConfigMap's <c>branch-eni-cooldown</c>, at least 30 s).</summary>
    public TimeSpan Cooldown { get; internal set; }

    /// <summary>The trunk of each managed node, by node name.</summary>
    public IReadOnlyDictionary<string, TrunkState> Trunks => _trunks;

    /// <summary>
    /// Interfaces the controller gave up on (a creation's failed clean-up, a branch forgotten after
    /// <see cref="VpcResourceController.MaxDeleteRetries"/> failed deletes, a deleted node's branch it could not
    /// delete) that the garbage collector has not deleted yet.
    /// </summary>
    public IReadOnlyCollection<string> LeftBehind => _leftBehind;

    /// <summary>Records a node's initialised trunk (<c>trunkENICache[nodeName]</c>).</summary>
    internal void AddTrunk(TrunkState trunk) => _trunks[trunk.NodeName] = trunk;

    /// <summary>Forgets a deleted node's trunk.</summary>
    internal void RemoveTrunk(string nodeName) => _trunks.Remove(nodeName);

    /// <summary>Records an interface only the garbage collector will delete.</summary>
    internal void LeaveBehind(string networkInterfaceId) => _leftBehind.Add(networkInterfaceId);

    /// <summary>Keeps only the left-behind interfaces the garbage collector still sees.</summary>
    internal void KeepLeftBehind(IEnumerable<string> stillSeen) => _leftBehind.IntersectWith(stillSeen);

    /// <summary>The tags of every interface the controller creates (pkg/aws/ec2/api/helper.go).</summary>
    internal List<Tag> Tags(string instanceId) =>
    [
        new("eks:eni:owner", VpcResourceController.OwnerTagValue),
        new($"kubernetes.io/cluster/{ClusterName}", "owned"),
        new("node.k8s.amazonaws.com/instance_id", instanceId),
    ];

    /// <summary>
    /// The controller's client-side token bucket (client-go's token-bucket rate limiter, x/time/rate underneath): the
    /// work named <paramref name="work"/> reserves its calls the first time it asks and waits its turn; null when it
    /// may go now, else how long to wait. Asking again before the turn comes reserves nothing more.
    /// </summary>
    internal TimeSpan? Throttled(string work, int calls)
    {
        var now = _time.GetUtcNow();
        if (_reservations.Remove(work, out var turn))
        {
            if (turn <= now)
            {
                return null;
            }

            _reservations[work] = turn;
            return turn - now;
        }

        var wait = _bucket.Reserve(Math.Min(calls, Options.UserClientBurst));
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        _reservations[work] = now + wait;
        return wait;
    }

    /// <summary>
    /// <c>DeleteNetworkInterface</c> of pkg/aws/ec2/api/helper.go: retried on any error with <c>defaultBackOff</c> (100 ms
    /// ×3, 7 steps, cap 10 s; the waits take no virtual time here), the last error returned.
    /// </summary>
    internal void DeleteNetworkInterface(string networkInterfaceId)
    {
        for (var step = 1; ; step++)
        {
            try
            {
                User.DeleteNetworkInterfaceAsync(networkInterfaceId).GetAwaiter().GetResult();
                return;
            }
            catch (AwsException) when (step < 7)
            {
                // retry.OnError(defaultBackOff, func(err error) bool { return true }, …): every error is retried.
            }
        }
    }
}
