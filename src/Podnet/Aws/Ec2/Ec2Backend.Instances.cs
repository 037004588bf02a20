using System.Globalization;
using System.Net;
using Podnet.Aws.InstanceTypes;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, InstanceEntity> _instances = new(StringComparer.Ordinal);
    private long _terminationsOrdered;

    // The instances that may still change state, by the moment they next do: launched (at RunningAt) and terminating
    // (at TerminatedAt). What settles instances and finds the next transition reads the front of it only, instead of
    // every instance of the account on every describe (10,000 nodes' ipamds describing their interfaces while
    // thousands of instances were pending). An entry whose moment is no longer the instance's next transition (a
    // pending instance terminated, or counted as up from the start) is stale and dropped when it comes to the front.
    private readonly PriorityQueue<InstanceEntity, DateTimeOffset> _changing = new();

    /// <summary>Instances launched until this moment were up when the account's world began (see <see cref="MarkUpUntil"/>).</summary>
    private DateTimeOffset? _upUntil;

    /// <summary>Counts the actions that launch or terminate instances (<see cref="InstancesVersion"/>).</summary>
    private long _instancesVersion;

    /// <summary>
    /// A number that changes whenever an instance is launched or begins to terminate, or <see cref="MarkUpUntil"/>
    /// moves: a reader of the instances can tell it has seen them all as they are. The moves that follow from time alone
    /// (pending to running, shutting-down to terminated) do not change it; <see cref="NextInstanceTransition"/> says when
    /// the next is.
    /// </summary>
    public long InstancesVersion
    {
        get
        {
            lock (_lock)
            {
                return _instancesVersion;
            }
        }
    }

    /// <summary>
    /// How long an instance launched while the world runs stays <c>pending</c> before it is <c>running</c>: the
    /// instance "is preparing to enter the running state" (EC2 User Guide, "Amazon EC2 instance state changes"). AWS
    /// publishes no figure for how long; Podnet takes 10 to 20 s, decided by the world's seed and
    /// the instance ID so runs repeat, which ends before the node's kubelet registers
    /// (<c>World.NodeBootDuration</c>, 40 to 60 s after the launch).
    /// </summary>
    public TimeSpan PendingDuration(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{Options.Seed}/pending/{instanceId}"));
        return TimeSpan.FromMilliseconds(10_000 + (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash) % 10_000));
    }

    /// <summary>
    /// How long a terminated instance stays <c>shutting-down</c> (32) before it is <c>terminated</c> (48): EC2
    /// returns shutting-down from TerminateInstances and "the instance is preparing to be terminated" until then (EC2
    /// User Guide, "Amazon EC2 instance state changes"). AWS publishes no figure; EKS event logs show the node of a
    /// terminated instance deleted as not existing in the cloud provider (which needs <c>terminated</c>,
    /// cloud-provider-aws pkg/providers/v1/aws.go InstanceExistsByProviderID) within the minute its kubelet's node
    /// went NotReady, so Podnet takes 20 to 40 s, decided by the world's seed and the instance ID so runs repeat.
    /// </summary>
    public TimeSpan ShuttingDownDuration(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{Options.Seed}/shutting-down/{instanceId}"));
        return TimeSpan.FromMilliseconds(20_000 + (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash) % 20_000));
    }

    /// <summary>
    /// When the instance began shutting down (the TerminateInstances call), or null while it is pending or running:
    /// its operating system, and so the node's kubelet, stops then.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidInstanceID.NotFound</c>.</exception>
    public DateTimeOffset? ShuttingDownSince(string instanceId)
    {
        lock (_lock)
        {
            return FindInstance(instanceId).ShutdownAt;
        }
    }

    /// <summary>
    /// When a terminating instance reaches <c>terminated</c> (the time TerminateInstances fixed), or null for one that
    /// is pending or running, or not in this account: cloud-provider-aws counts an instance until then.
    /// </summary>
    public DateTimeOffset? TerminatesAt(string instanceId)
    {
        lock (_lock)
        {
            return _instances.GetValueOrDefault(instanceId)?.TerminatedAt;
        }
    }

    /// <summary>
    /// How many instances TerminateInstances has begun terminating so far, in this account: a caller that watches
    /// for lost instances (an Auto Scaling group's health check) looks again only when this moved, instead of asking
    /// after every instance on every call.
    /// </summary>
    public long TerminationsOrdered
    {
        get
        {
            lock (_lock)
            {
                return _terminationsOrdered;
            }
        }
    }

    /// <summary>
    /// Declares the instances launched up to <paramref name="moment"/> up already: a world's own node groups were
    /// running when it began, so they show <c>running</c> from their launch; instances launched later are
    /// <c>pending</c> for their <see cref="PendingDuration"/>. Only the first call counts: a cluster created later on
    /// a served account does not make the instances that are booting then run at once.
    /// </summary>
    public void MarkUpUntil(DateTimeOffset moment)
    {
        lock (_lock)
        {
            _upUntil ??= moment;
            _instancesVersion++;
        }
    }

    /// <summary>
    /// The earliest moment a pending instance becomes running or a shutting-down one terminated, or null when none
    /// is on its way: a world settling, or a served account whose user waits (<c>aws ec2 wait instance-running</c>,
    /// <c>instance-terminated</c>), advances virtual time to it. Reading it applies the terminations already due.
    /// </summary>
    public DateTimeOffset? NextInstanceTransition
    {
        get
        {
            lock (_lock)
            {
                SettleInstances();
                while (_changing.TryPeek(out var instance, out var at))
                {
                    if (NextInstanceTransitionOf(instance) == at)
                    {
                        return at;
                    }

                    _changing.Dequeue();
                }

                return null;
            }
        }
    }

    public Reservation RunInstances(RunInstancesRequest request)
    {
        lock (_lock)
        {
            // Addresses of interfaces whose instance terminated since are free again.
            SettleInstances();
            var type = InstanceTypes.Find(request.InstanceType);
            if (type is null || !type.HasNetworkLimits)
            {
                throw Ec2Errors.InvalidParameterValue($"Invalid value '{request.InstanceType}' for InstanceType.");
            }

            if (request.MinCount < 1 || request.MaxCount < request.MinCount)
            {
                throw Ec2Errors.InvalidParameterValue($"MinCount ({request.MinCount}) must be at least 1 and no more than MaxCount ({request.MaxCount}).");
            }

            if (request.PrivateIpAddress is not null && request.MaxCount > 1)
            {
                throw Ec2Errors.AddressWithManyInstances();
            }

            if (request.InstanceId is not null && request.MaxCount > 1)
            {
                // A given instance (a world's running one) is one instance.
                throw Ec2Errors.InvalidParameterValue($"An existing instance ({request.InstanceId}) is launched alone: MaxCount must be 1, not {request.MaxCount}.");
            }

            if (request.InstanceId is not null && (!IsWellFormedId(request.InstanceId, "i") || _instances.ContainsKey(request.InstanceId)))
            {
                // Checked before anything is claimed; NewId below takes it.
                throw IsWellFormedId(request.InstanceId, "i")
                    ? Ec2Errors.InvalidParameterValue(request.InstanceId, "InstanceId", "An object with this ID already exists.")
                    : Ec2Errors.MalformedId("InvalidInstanceID.Malformed", "i", request.InstanceId);
            }

            var subnet = FindSubnet(request.SubnetId);
            var vpc = _vpcs[subnet.VpcId];
            var groups = ResolveInterfaceGroups(
                request.SecurityGroupIds,
                subnet,
                id => Ec2Errors.GroupNotFoundInVpc(id, vpc.Id));

            // EC2 launches as many as fit, down to MinCount.
            var count = Math.Min(request.MaxCount, subnet.Pool.FreeCount);
            if (count < request.MinCount)
            {
                throw Ec2Errors.InsufficientFreeAddressesForInstances(subnet.Id);
            }

            if (subnet.MapPublicIpOnLaunch && _publicIps.Count + count > PublicIpPoolSize)
            {
                throw Ec2Errors.InsufficientAddressCapacity();
            }

            var tags = TagsOf(request.Tags);
            // An instance is what it is launched as (subnet, type, image, tags — an EKS node group's name among them);
            // the nth alike is told by n, so a node group's third node keeps its ID whatever else the account runs.
            var identity = $"{subnet.Id}|{type.InstanceType}|{request.ImageId}|{Identity(tags)}";
            var reservationId = _ids.Next("r", identity);
            var launched = new List<InstanceEntity>(count);
            foreach (var _ in Enumerable.Range(0, count))
            {
                var instanceId = NewId("i", request.InstanceId, "InvalidInstanceID.Malformed", identity);
                var eni = CreateInterfaceEntity(subnet, NetworkInterfaceTypes.Interface, [.. groups], string.Empty, [], request.PrivateIpAddress, _ => { }, instanceId, request.NetworkInterfaceId, request.MacAddress);
                if (subnet.MapPublicIpOnLaunch)
                {
                    eni.PublicIp = PublicIpOf(instanceId);
                    eni.LaunchedWithPublicIp = true;
                }

                var profile = request.IamInstanceProfileRoleArn is { } roleArn
                    ? new IamInstanceProfile($"arn:aws:iam::{AccountId}:instance-profile/{roleArn[(roleArn.LastIndexOf('/') + 1)..]}", roleArn)
                    : null;
                var launchTime = _time.GetUtcNow();
                var instance = new InstanceEntity(instanceId, reservationId, request.ImageId, type, subnet.Id, subnet.VpcId, subnet.AvailabilityZone, eni.PrimaryAddress, launchTime)
                {
                    RunningAt = launchTime + PendingDuration(instanceId),
                    IamInstanceProfile = profile,
                    Tags = [.. tags],
                };
                _instances.Add(instance.Id, instance);
                _instancesVersion++;
                _changing.Enqueue(instance, instance.RunningAt);
                eni.Attachment = new AttachmentState(_ids.Next("eni-attach", $"{eni.Id}|{instance.Id}|0|0"), instance.Id, 0, 0, instance.LaunchTime, DeleteOnTermination: true);
                launched.Add(instance);
            }

            // The answer shows the instances pending, even a world's own that run from their launch (the moment they
            // were up until is declared after they are launched); describe-instances shows each as it is then.
            return new Reservation(reservationId, AccountId, [.. launched.Select(i => ToInstance(i) with { State = InstanceState.Pending })]);
        }
    }

    /// <summary>
    /// Terminates instances: each pending or running one is <c>shutting-down</c> at once and <c>terminated</c> after
    /// its <see cref="ShuttingDownDuration"/>, when its interfaces are detached and those marked delete-on-termination
    /// deleted. The answer is each instance's change: running (or pending) to shutting-down; shutting-down or
    /// terminated to itself for one already on its way (EC2's answer to a repeated call).
    /// </summary>
    /// <exception cref="AwsException"><c>MissingParameter</c> without IDs; <c>InvalidInstanceID.NotFound</c>.</exception>
    public IReadOnlyList<InstanceStateChange> TerminateInstances(IReadOnlyList<string> instanceIds)
    {
        lock (_lock)
        {
            if (instanceIds.Count == 0)
            {
                throw Ec2Errors.MissingParameter("InstanceId");
            }

            SettleInstances();
            var instances = instanceIds.Distinct(StringComparer.Ordinal).Select(FindInstance).ToList();
            var changes = new List<InstanceStateChange>();
            var now = _time.GetUtcNow();
            foreach (var instance in instances)
            {
                var previous = StateOf(instance);
                if (instance.ShutdownAt is null)
                {
                    instance.ShutdownAt = now;
                    _instancesVersion++;
                    instance.TerminatedAt = now + ShuttingDownDuration(instance.Id);
                    _terminationsOrdered++;
                    _changing.Enqueue(instance, instance.TerminatedAt.Value);
                    instance.StateTransitionReason = UserInitiated(now);
                }

                changes.Add(new InstanceStateChange(instance.Id, StateOf(instance), previous));
            }

            return changes;
        }
    }

    public IReadOnlyList<Reservation> DescribeInstances(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            SettleInstances();
            var selected = Select(request.Ids, id => _instances.GetValueOrDefault(id), Ec2Errors.InstanceNotFound, _instances.Values);
            var instances = InstanceFilters.Apply(selected.Select(ToInstance), request.Filters).ToList();
            return [.. instances
                .GroupBy(i => _instances[i.InstanceId].ReservationId)
                .Select(g => new Reservation(g.Key, AccountId, [.. g]))];
        }
    }

    public IReadOnlyList<InstanceTypeInfo> DescribeInstanceTypes(IReadOnlyList<string>? instanceTypes = null)
    {
        if (instanceTypes is null || instanceTypes.Count == 0)
        {
            return [.. InstanceTypes.All];
        }

        var unknown = instanceTypes.Where(t => InstanceTypes.Find(t) is null).ToList();
        if (unknown.Count > 0)
        {
            throw Ec2Errors.InvalidInstanceType(unknown);
        }

        return [.. instanceTypes.Distinct(StringComparer.Ordinal).Select(t => InstanceTypes.Find(t)!)];
    }

    /// <summary>EC2's reason for a state change a user asked for: <c>User initiated (2026-11-30 02:00:00 GMT)</c>.</summary>
    private static string UserInitiated(DateTimeOffset at)
        => string.Create(CultureInfo.InvariantCulture, $"User initiated ({at.UtcDateTime:yyyy-MM-dd HH:mm:ss} GMT)");

    /// <summary>
    /// The instance's state now: terminated from <see cref="InstanceEntity.TerminatedAt"/>, shutting-down from the
    /// TerminateInstances call until then; otherwise running from its launch when the world began with it, else from
    /// <see cref="InstanceEntity.RunningAt"/>, pending until then. Decided when read, on the backend's clock, so a
    /// resumed <c>podnet up --state</c> (which replays on the recorded clock) sees the same.
    /// </summary>
    private InstanceState StateOf(InstanceEntity instance)
    {
        var now = _time.GetUtcNow();
        return instance.TerminatedAt <= now ? InstanceState.Terminated
            : instance.ShutdownAt is not null ? InstanceState.ShuttingDown
            : instance.LaunchTime <= _upUntil || now >= instance.RunningAt ? InstanceState.Running
            : InstanceState.Pending;
    }

    /// <summary>
    /// Applies what the clock has made true of instances: the interfaces of each instance that has reached
    /// <c>terminated</c> are detached, and those marked delete-on-termination deleted (<see cref="Terminate"/>).
    /// Until then a shutting-down instance keeps them attached, as on EC2. Called under the lock by the operations
    /// that show instances or interfaces or take addresses, so every reader sees the same.
    /// </summary>
    private void SettleInstances()
    {
        // Time only moves on: an instance whose moment has come is running, terminated, or (a pending one terminated
        // since) shutting down with a later entry of its own; a running instance changes again only through
        // TerminateInstances, which queues it again.
        var now = _time.GetUtcNow();
        while (_changing.TryPeek(out var instance, out var at) && at <= now)
        {
            _changing.Dequeue();
            if (!instance.InterfacesReleased && StateOf(instance) == InstanceState.Terminated)
            {
                Terminate(instance);
            }
        }
    }

    /// <summary>When a pending instance becomes running or a shutting-down one terminated; null for one that changes no more by itself.</summary>
    private DateTimeOffset? NextInstanceTransitionOf(InstanceEntity instance)
    {
        var state = StateOf(instance);
        return state == InstanceState.Pending ? instance.RunningAt : state == InstanceState.ShuttingDown ? instance.TerminatedAt : null;
    }

    private InstanceEntity FindInstance(string id) => _instances.GetValueOrDefault(id) ?? throw Ec2Errors.InstanceNotFound(id);

    /// <summary>
    /// Reaching terminated detaches every interface; those marked delete-on-termination go (a trunk takes its VLAN
    /// associations with it), the rest stay available. Branch interfaces are never attached, so they are left
    /// behind exactly as on AWS, for the resource controller's garbage collector.
    /// </summary>
    private void Terminate(InstanceEntity instance)
    {
        foreach (var eni in AttachedTo(instance.Id).ToList())
        {
            // The public address EC2 gave at launch goes back to Amazon's pool with the instance.
            if (eni.PublicIp is { } publicIp)
            {
                _publicIps.Remove(publicIp);
                eni.PublicIp = null;
            }

            eni.LaunchedWithPublicIp = false;

            var deleteOnTermination = eni.Attachment!.DeleteOnTermination;
            eni.Attachment = null;
            if (!deleteOnTermination)
            {
                continue;
            }

            foreach (var association in AssociationsOf(eni.Id).ToList())
            {
                RemoveAssociation(association);
            }

            RemoveInterface(eni);
        }

        instance.InterfacesReleased = true;
    }

    /// <summary>
    /// The public IPv4 addresses EC2 has given instances at launch and not taken back (<see cref="PublicIpOf"/>).
    /// </summary>
    private readonly HashSet<IPAddress> _publicIps = [];

    // Amazon's pool of public addresses, emulated by RFC 2544's benchmarking range 198.18.0.0/16 (never a real
    // public address, and outside 198.19.0.0/16, which a VPC may use): 65,534 addresses.
    private const int PublicIpPoolSize = 65_534;

    /// <summary>
    /// The public IPv4 address EC2 gives an instance launched into a subnet with <c>MapPublicIpOnLaunch</c> (the
    /// "auto-assign public IP" of the EC2 console), one of Amazon's pool rather than the account's: drawn from the
    /// instance's ID (<paramref name="identity"/>), so an instance keeps its address whatever else the account launches,
    /// the next free one on a clash.
    /// </summary>
    private IPAddress PublicIpOf(string identity)
    {
        var start = (int)(System.IO.Hashing.XxHash3.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(identity)) % PublicIpPoolSize);
        for (var i = 0; i < PublicIpPoolSize; i++)
        {
            var n = ((start + i) % PublicIpPoolSize) + 1;
            var address = new IPAddress([198, 18, (byte)(n >> 8), (byte)(n & 0xFF)]);
            if (_publicIps.Add(address))
            {
                return address;
            }
        }

        // RunInstances checked that the pool has an address for every instance it launches.
        throw new System.Diagnostics.UnreachableException("the public address pool is full");
    }

    private Instance ToInstance(InstanceEntity instance)
    {
        var state = StateOf(instance);
        var running = state != InstanceState.Terminated;
        var interfaces = AttachedTo(instance.Id).OrderBy(e => e.Attachment!.NetworkCardIndex).ThenBy(e => e.Attachment!.DeviceIndex).ToList();
        var primary = interfaces.FirstOrDefault(e => e.Attachment!.DeviceIndex == 0);
        var publicAddress = primary is null ? null : AssociationOf(primary);
        return new Instance(
            instance.Id,
            instance.ImageId,
            state,
            instance.StateTransitionReason,
            instance.ShutdownAt is null ? null : StateReason.UserInitiatedShutdown,
            instance.Type.InstanceType,
            new Placement(instance.AvailabilityZone),
            running ? instance.SubnetId : null,
            running ? instance.VpcId : null,
            running ? instance.PrimaryAddress.ToString() : null,
            running ? PrivateDnsName(instance.PrimaryAddress) : string.Empty,
            instance.LaunchTime,
            primary is null ? [] : GroupIdentifiers(primary.GroupIds),
            [.. interfaces.Select(e => new InstanceNetworkInterface(
                e.Id,
                e.SubnetId,
                e.VpcId,
                e.MacAddress,
                e.PrimaryAddress.ToString(),
                PrivateDnsName(e.PrimaryAddress),
                "in-use",
                e.Type,
                new InstanceNetworkInterfaceAttachment(e.Attachment!.Id, e.Attachment.DeviceIndex, e.Attachment.NetworkCardIndex, "attached", e.Attachment.AttachTime, e.Attachment.DeleteOnTermination),
                GroupIdentifiers(e.GroupIds),
                PrivateAddressesOf(e),
                [.. e.Prefixes.Select(p => new Ipv4PrefixSpecification(p.ToString()))])
            {
                Association = AssociationOf(e),
            })],
            instance.IamInstanceProfile,
            [.. instance.Tags])
        {
            PublicIpAddress = publicAddress?.PublicIp,
            PublicDnsName = publicAddress?.PublicDnsName ?? string.Empty,
        };
    }

    private static readonly FilterMatcher<Instance> InstanceFilters = new(
        new Dictionary<string, Func<Instance, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["instance-id"] = i => Field.One(i.InstanceId),
            ["instance-type"] = i => Field.One(i.InstanceType),
            ["instance-state-name"] = i => Field.One(i.State.Name),
            ["instance-state-code"] = i => Field.One(i.State.Code.ToString(CultureInfo.InvariantCulture)),
            ["availability-zone"] = i => Field.One(i.Placement.AvailabilityZone),
            ["subnet-id"] = i => Field.One(i.SubnetId),
            ["vpc-id"] = i => Field.One(i.VpcId),
            ["image-id"] = i => Field.One(i.ImageId),
            ["private-ip-address"] = i => Field.One(i.PrivateIpAddress),
            ["private-dns-name"] = i => Field.One(i.PrivateDnsName),
            ["ip-address"] = i => Field.One(i.PublicIpAddress),
            ["dns-name"] = i => Field.One(i.PublicDnsName is { Length: > 0 } name ? name : null),
            ["network-interface.association.public-ip"] = i => i.NetworkInterfaces.Select(n => n.Association?.PublicIp),
            ["network-interface.network-interface-id"] = i => i.NetworkInterfaces.Select(n => n.NetworkInterfaceId),
            ["network-interface.addresses.private-ip-address"] = i => i.NetworkInterfaces.SelectMany(n => n.PrivateIpAddresses).Select(a => a.PrivateIpAddress),

            // The node name a kubelet registers with, which seed 003 looks an instance up by.
            ["network-interface.private-dns-name"] = i => i.NetworkInterfaces.Select(n => n.PrivateDnsName),
            ["instance.group-id"] = i => i.SecurityGroups.Select(g => g.GroupId),
            ["iam-instance-profile.arn"] = i => Field.One(i.IamInstanceProfile?.Arn),
        },
        i => i.Tags);

    private sealed class InstanceEntity(
        string id, string reservationId, string imageId, InstanceTypeInfo type, string subnetId, string vpcId, string zone, IPAddress primaryAddress, DateTimeOffset launchTime)
    {
        public string Id { get; } = id;

        public string ReservationId { get; } = reservationId;

        public string ImageId { get; } = imageId;

        public InstanceTypeInfo Type { get; } = type;

        public string SubnetId { get; } = subnetId;

        public string VpcId { get; } = vpcId;

        public string AvailabilityZone { get; } = zone;

        public IPAddress PrimaryAddress { get; } = primaryAddress;

        public DateTimeOffset LaunchTime { get; } = launchTime;

        /// <summary>When TerminateInstances was called for it (it is shutting-down from then), or null.</summary>
        public DateTimeOffset? ShutdownAt { get; set; }

        /// <summary>When it is terminated: <see cref="ShutdownAt"/> and its <see cref="ShuttingDownDuration"/>.</summary>
        public DateTimeOffset? TerminatedAt { get; set; }

        /// <summary>Whether its interfaces have been detached (and deleted where marked) on reaching terminated.</summary>
        public bool InterfacesReleased { get; set; }

        /// <summary>When it is running, if it was launched while the world ran.</summary>
        public DateTimeOffset RunningAt { get; init; }

        public string StateTransitionReason { get; set; } = string.Empty;

        public IamInstanceProfile? IamInstanceProfile { get; init; }

        public List<Tag> Tags { get; set; } = [];
    }
}
