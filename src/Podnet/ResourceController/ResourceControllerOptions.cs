namespace Podnet.ResourceController;

/// <summary>The VPC resource controller's flags and timers, with their defaults (security-groups-for-pods.md §1, §6, §7).</summary>
public sealed record ResourceControllerOptions
{
    public const string Version = "v1.7.19";

    /// <summary><c>--user-client-qps</c> / <c>--user-client-burst</c>: the token bucket of its EC2 calls.</summary>
    public double UserClientQps { get; init; } = 12;

    public int UserClientBurst { get; init; } = 18;

    /// <summary>Workers of the branch-interface pool; more pods than this wait for a free worker.</summary>
    public int BranchWorkers { get; init; } = 30;

    /// <summary>How often a failed branch allocation is retried before the controller gives up on the pod.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The branch cooldown when the amazon-vpc-cni ConfigMap does not set <c>branch-eni-cooldown</c>.</summary>
    public TimeSpan DefaultCooldown { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Cooldowns below this are read as this.</summary>
    public TimeSpan MinimumCooldown { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node's delete queue is processed.</summary>
    public TimeSpan DeleteQueueInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after a node is deleted its branch interfaces are deleted.</summary>
    public TimeSpan NodeDeleteDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>VLAN IDs per trunk: 1 to this.</summary>
    public int MaxVlanId { get; init; } = 120;
}
