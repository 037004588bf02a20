using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// The default world served with no budget of free waits (<c>podnet up --clock real</c>) on a wall clock the test
/// moves: nothing happens by itself between two aws CLI calls, however slow the machine, and the test lets the
/// instance's boot pass when it chooses.
/// </summary>
public sealed class HeldClockServedWorld : ServedWorld
{
    /// <summary>The wall clock: the system's at the start, then only moved by <see cref="Advance"/>.</summary>
    public HeldWallClock Clock { get; } = new(TimeProvider.System.GetUtcNow());

    protected override TimeProvider Wall => Clock;

    protected override TimeSpan FastForward => TimeSpan.Zero;
}

/// <summary>A thread-safe wall clock that stands still until moved.</summary>
public sealed class HeldWallClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>An instance launched by the aws CLI through <c>podnet up</c>: pending, then running once it has booted.</summary>
public class InstanceLifecycleCliTests : IClassFixture<HeldClockServedWorld>
{
    private readonly HeldClockServedWorld _world;

    public InstanceLifecycleCliTests(HeldClockServedWorld world)
    {
        _world = world;
    }

    [Fact]
    public void RunInstances_ThroughTheCli_DescribeShowsPending_ThenRunningAfterItsBoot()
    {
        var backend = _world.Server.Cluster.World.Cloud!.Ec2Backend;
        var subnetId = _world.Server.Cluster.Read(() => backend.DescribeSubnets().First(s => s.CidrBlock == "192.168.96.0/19").SubnetId);

        var id = _world.AwsOk("ec2", "run-instances", "--image-id", "ami-0a1b2c3d4e5f60718", "--instance-type", "m5.large", "--subnet-id", subnetId,
            "--query", "Instances[0].InstanceId", "--output", "text");
        var pending = _world.AwsOk("ec2", "describe-instances", "--instance-ids", id,
            "--query", "Reservations[0].Instances[0].[State.Name,State.Code,StateTransitionReason]", "--output", "json");
        Assert.Equal("[\n    \"pending\",\n    0,\n    \"\"\n]", pending);

        // The boot passes: 10-20 s on the clock, as long as EC2 takes.
        _world.Clock.Advance(_world.Server.Cluster.Read(() => backend.PendingDuration(id)));

        var running = _world.AwsOk("ec2", "describe-instances", "--instance-ids", id,
            "--query", "Reservations[0].Instances[0].[State.Name,State.Code,StateTransitionReason]", "--output", "json");
        Assert.Equal("[\n    \"running\",\n    16,\n    \"\"\n]", running);
    }

    [Fact]
    public void RunInstances_ThroughTheCli_InAPublicSubnet_DescribeShowsItsPublicAddress_AnElasticIpTakesItsPlace_UntilItIsTerminated()
    {
        var backend = _world.Server.Cluster.World.Cloud!.Ec2Backend;
        var subnetId = _world.Server.Cluster.Read(() => backend.DescribeSubnets().First(s => s.CidrBlock == "192.168.0.0/19").SubnetId);

        var id = _world.AwsOk("ec2", "run-instances", "--image-id", "ami-0a1b2c3d4e5f60718", "--instance-type", "m5.large", "--subnet-id", subnetId,
            "--query", "Instances[0].InstanceId", "--output", "text");
        var shown = _world.AwsOk("ec2", "describe-instances", "--instance-ids", id, "--query",
            "Reservations[0].Instances[0].[PublicIpAddress,PublicDnsName,NetworkInterfaces[0].Association.PublicIp,NetworkInterfaces[0].Association.IpOwnerId]", "--output", "text");
        var fields = shown.Split('\t');
        Assert.Matches(@"^198\.18\.\d+\.\d+$", fields[0]);
        Assert.Equal([fields[0], $"ec2-{fields[0].Replace('.', '-')}.us-west-2.compute.amazonaws.com", fields[0], "amazon"], fields);
        var byAddress = _world.AwsOk("ec2", "describe-network-interfaces", "--filters", $"Name=association.public-ip,Values={fields[0]}",
            "--query", "NetworkInterfaces[0].[Attachment.InstanceId,Association.PublicDnsName]", "--output", "text");
        Assert.Equal($"{id}\t{fields[1]}", byAddress);

        // An Elastic IP takes the place of the launch address, and is shown with its allocation; taken off, the
        // instance gets a new address of Amazon's pool.
        var allocation = _world.AwsOk("ec2", "allocate-address", "--query", "[AllocationId,PublicIp]", "--output", "text").Trim().Split('\t');
        var association = _world.AwsOk("ec2", "associate-address", "--allocation-id", allocation[0], "--instance-id", id, "--query", "AssociationId", "--output", "text").Trim();
        Assert.Equal(
            $"{allocation[1]}\t123456789012",
            _world.AwsOk("ec2", "describe-instances", "--instance-ids", id, "--query", "Reservations[0].Instances[0].[PublicIpAddress,NetworkInterfaces[0].Association.IpOwnerId]", "--output", "text").Trim());
        Assert.Equal(
            $"{allocation[0]}\t{association}",
            _world.AwsOk("ec2", "describe-network-interfaces", "--filters", $"Name=association.public-ip,Values={allocation[1]}", "--query", "NetworkInterfaces[0].Association.[AllocationId,AssociationId]", "--output", "text").Trim());
        Assert.Equal(id, _world.AwsOk("ec2", "describe-addresses", "--filters", $"Name=instance-id,Values={id}", "--query", "Addresses[0].InstanceId", "--output", "text").Trim());
        _world.AwsOk("ec2", "disassociate-address", "--association-id", association);
        var renewed = _world.AwsOk("ec2", "describe-instances", "--instance-ids", id, "--query", "Reservations[0].Instances[0].PublicIpAddress", "--output", "text").Trim();
        Assert.Matches(@"^198\.18\.\d+\.\d+$", renewed);
        _world.AwsOk("ec2", "release-address", "--allocation-id", allocation[0]);

        _world.AwsOk("ec2", "terminate-instances", "--instance-ids", id);
        _world.Clock.Advance(_world.Server.Cluster.Read(() => backend.ShuttingDownDuration(id)));
        var terminated = _world.AwsOk("ec2", "describe-instances", "--instance-ids", id,
            "--query", "Reservations[0].Instances[0].[State.Name,PublicIpAddress,PublicDnsName]", "--output", "json");
        Assert.Equal("[\n    \"terminated\",\n    null,\n    \"\"\n]", terminated);
    }

    [Fact]
    public void TerminateInstances_ThroughTheCli_ShuttingDownWithItsReason_ThenTerminatedWithoutItsInterface()
    {
        var backend = _world.Server.Cluster.World.Cloud!.Ec2Backend;
        var id = _world.Server.Cluster.Write(() =>
        {
            var subnetId = backend.DescribeSubnets().First(s => s.CidrBlock == "192.168.96.0/19").SubnetId;
            return backend.RunInstances(new Podnet.Aws.Ec2.RunInstancesRequest("m5.large", subnetId)).Instances[0].InstanceId;
        });
        _world.Clock.Advance(_world.Server.Cluster.Read(() => backend.PendingDuration(id)));

        var terminating = _world.AwsOk("ec2", "terminate-instances", "--instance-ids", id,
            "--query", "TerminatingInstances[0].[InstanceId,CurrentState.Name,CurrentState.Code,PreviousState.Name,PreviousState.Code]", "--output", "json");
        Assert.Equal($"[\n    \"{id}\",\n    \"shutting-down\",\n    32,\n    \"running\",\n    16\n]", terminating);

        const string query = "Reservations[0].Instances[0].[State.Name,State.Code,StateReason.Code,StateReason.Message,length(NetworkInterfaces)]";
        var shuttingDown = _world.AwsOk("ec2", "describe-instances", "--instance-ids", id, "--query", query, "--output", "json");
        Assert.Equal("[\n    \"shutting-down\",\n    32,\n    \"Client.UserInitiatedShutdown\",\n    \"Client.UserInitiatedShutdown: User initiated shutdown\",\n    1\n]", shuttingDown);

        // Its shutting-down passes: terminated, and its delete-on-termination primary interface is gone.
        _world.Clock.Advance(_world.Server.Cluster.Read(() => backend.ShuttingDownDuration(id)));
        var terminated = _world.AwsOk("ec2", "describe-instances", "--instance-ids", id,
            "--query", "Reservations[0].Instances[0].[State.Name,State.Code,StateTransitionReason,length(NetworkInterfaces)]", "--output", "json");
        var since = _world.Server.Cluster.Read(() => backend.ShuttingDownSince(id))!.Value.UtcDateTime;
        var reason = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"User initiated ({since:yyyy-MM-dd HH:mm:ss} GMT)");
        Assert.Equal($"[\n    \"terminated\",\n    48,\n    \"{reason}\",\n    0\n]", terminated);
    }

    [Fact]
    public async Task TerminateInstances_OfAManagedNodegroup_ThroughTheCli_TheGroupKeepsItsSize_AndTheNewNodeJoins()
    {
        var served = _world.Server.Cluster;
        var cloud = served.World.Cloud!;
        var cluster = served.World.Cluster!.Name;
        var lost = served.Read(() => cloud.Eks.NodegroupInstanceIds(cluster, "ng-1")[0]);

        var terminating = _world.AwsOk("ec2", "terminate-instances", "--instance-ids", lost, "--query", "TerminatingInstances[0].CurrentState.Name", "--output", "text");
        Assert.Equal("shutting-down", terminating);

        // The group's instances as EC2 lists them by EKS's tag: the lost one shutting down, a new one pending.
        var listed = _world.AwsOk("ec2", "describe-instances", "--filters", "Name=tag:eks:nodegroup-name,Values=ng-1",
            "--query", "Reservations[].Instances[].[InstanceId,State.Name]", "--output", "text");
        var states = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        var replacement = served.Read(() => Assert.Single(cloud.Eks.NodegroupInstanceIds(cluster, "ng-1"), id => !states.ContainsKey(id) || states[id] == "pending"));
        Assert.Equal("shutting-down", states[lost]);
        Assert.Equal("pending", states[replacement]);
        Assert.Equal(2, states.Values.Count(v => v == "running"));

        // EKS still shows the group ACTIVE with its desired size.
        var nodegroup = _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", cluster, "--nodegroup-name", "ng-1", "--query", "nodegroup.[status,scalingConfig.desiredSize]", "--output", "text");
        Assert.Equal("ACTIVE\t3", nodegroup);

        // The new instance boots and its kubelet registers its node.
        _world.Clock.Advance(served.Read(() => served.World.NodeBootDuration(replacement)) + TimeSpan.FromSeconds(1));
        await _world.WaitUntil(store => store.List("v1", "Node").Items.Any(n => new Podnet.Kube.Views.NodeView(n).InstanceId == replacement), "the replacement's node registers");
    }
}
