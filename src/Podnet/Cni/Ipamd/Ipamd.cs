using System.Globalization;
using System.Net;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.InstanceTypes;
using Podnet.Net;

namespace Podnet.Cni.Ipamd;

/// <summary>
/// One node's ipamd (the <c>aws-node</c> agent's IP address manager, <c>pkg/ipamd/ipamd.go</c>): keeps a warm pool
/// of ENIs and addresses on the node's instance through EC2 and hands addresses to pods. The caller drives it:
/// <see cref="InitializeAsync"/> once (again after a failure, as the container restarts), then
/// <see cref="ReconcileAsync"/> whenever the delay it returns has passed. Not reentrant: one caller loop per node;
/// <see cref="Assign"/> and <see cref="Release"/> may be called at any time.
/// </summary>
public sealed class Ipamd
{
    /// <summary><c>ipPoolMonitorInterval</c>.</summary>
    public static readonly TimeSpan PoolMonitorInterval = TimeSpan.FromSeconds(5);

    /// <summary><c>decreaseIPPoolInterval</c>: the pool shrinks at most this often.</summary>
    public static readonly TimeSpan DecreaseIpPoolInterval = TimeSpan.FromSeconds(30);

    /// <summary>An ENI younger than this is never freed.</summary>
    public static readonly TimeSpan MinimumEniAge = TimeSpan.FromMinutes(1);

    /// <summary>No allocation for this long after <c>InsufficientCidrBlocks</c>/<c>InsufficientFreeAddressesInSubnet</c>.</summary>
    public static readonly TimeSpan InsufficientCidrCooldown = TimeSpan.FromSeconds(120);

    /// <summary><c>nodeIPPoolReconcileInterval</c>: the attached ENIs are re-read from EC2 this often, if the pool was left alone that long.</summary>
    public static readonly TimeSpan EniReconcileInterval = TimeSpan.FromSeconds(60);

    public const int LogCapacity = 500;

    /// <summary><c>maxENIEC2APIRetries</c> (pkg/awsutils/awsutils.go): tries of a detach or a delete before ipamd gives up.</summary>
    public const int MaxEniEc2ApiRetries = 12;

    public const string EniDescriptionPrefix = "aws-K8S-";
    public const string InstanceIdTagKey = "node.k8s.amazonaws.com/instance_id";
    public const string CreatedAtTagKey = "node.k8s.amazonaws.com/createdAt";
    public const string ClusterNameTagKey = "cluster.k8s.amazonaws.com/name";
    public const string OwnerTagKey = "eks:eni:owner";
    public const string OwnerTagValue = "amazon-vpc-cni";
    public const string NoManageTagKey = "node.k8s.amazonaws.com/no_manage";

    public const string NoEniConfigError = "eniconfig: eniconfig is not available";
    public const string CustomNetworkingInitError = "Failed to attach any ENIs for custom networking";
    public const string InsufficientAddressesAdvice = "Unable to attach IPs/Prefixes for the ENI, subnet doesn't seem to have enough IPs/Prefixes. Consider using new subnet or carve a reserved range using create-subnet-cidr-reservation";
    public const string MaxEniReached = "Skipping ENI allocation as the max ENI limit is already reached";
    public const string NonSchedulableNoAttach = "AWS CNI is on a non schedulable node, will not try to attach any new IPs or ENIs right now";
    public const string NonSchedulableNoDetach = "AWS CNI is on a non schedulable node, not detaching any ENIs";
    public const string NoValidSubnets = "no valid subnets available for ENI creation - all subnets are either not tagged or tagged with kubernetes.io/role/cni=0";

    /// <summary>The subnet tag of subnet discovery (<c>subnetDiscoveryTagKey</c> in pkg/awsutils/awsutils.go): "1" opts a subnet in, "0" out.</summary>
    public const string SubnetDiscoveryTagKey = "kubernetes.io/role/cni";

    /// <summary>Subnet tags that tie a subnet to clusters (<c>clusterTagKeyPrefix</c>).</summary>
    public const string ClusterTagKeyPrefix = "kubernetes.io/cluster/";

    private readonly IEc2 _ec2;
    private readonly TimeProvider _time;
    private readonly CniSettings _settings;
    private readonly Instance _instance;
    private readonly InstanceTypeInfo _instanceType;
    private readonly int _maxPods;
    private readonly Func<EniConfigSpec?> _eniConfig;
    private readonly Func<bool> _nodeUnschedulable;
    private readonly Lock _logLock = new();
    private readonly Queue<string> _log = new();
    private string? _lastLine;

    private Datastore _datastore;
    private string _primarySubnetId = string.Empty;
    private IReadOnlyList<string> _primaryGroups = [];
    private int _unmanagedEnis;
    private DateTimeOffset? _lastDecrease;
    private DateTimeOffset? _lastInsufficientCidrError;
    private bool _insufficientCooldownLogged;
    private DateTimeOffset _lastPoolAction;

    /// <param name="nodeUnschedulable">
    /// Whether the node is unschedulable now (<c>isNodeNonSchedulable</c>: the taint
    /// <c>node.kubernetes.io/unschedulable:NoSchedule</c>, which the node lifecycle controller puts on a cordoned node);
    /// null for a node that always is schedulable.
    /// </param>
    public Ipamd(IEc2 ec2, TimeProvider time, CniSettings settings, Instance instance, InstanceTypeInfo instanceType, int maxPods, Func<EniConfigSpec?> eniConfig, Func<bool>? nodeUnschedulable = null)
    {
        _nodeUnschedulable = nodeUnschedulable ?? (() => false);
        _ec2 = ec2;
        _time = time;
        _settings = settings;
        _instance = instance;
        _instanceType = instanceType;
        _maxPods = maxPods;
        _eniConfig = eniConfig;

        // Prefix delegation needs Nitro; ipamd warns and falls back to secondary IPs (IPv4).
        PrefixDelegation = settings.PrefixDelegation && instanceType.IsNitro;
        MaxEni = WarmPool.MaxEni(settings, instanceType);
        MaxIpsPerEni = WarmPool.MaxIpsPerEni(instanceType, PrefixDelegation);
        MaxPrefixesPerEni = WarmPool.MaxPrefixesPerEni(instanceType);
        _datastore = NewDatastore();
    }

    /// <summary>
    /// IPv6 mode (ENABLE_IPv6 with prefix delegation): one /80 prefix on the primary ENI serves every pod; no warm
    /// pool, no secondary ENIs ("Outside of Security Groups for Pods, no additional ENIs are attached in IPv6 mode.
    /// The prefix used for the primary ENI is more than enough for all pods", StartNodeIPPoolManager in
    /// pkg/ipamd/ipamd.go).
    /// </summary>
    public bool Ipv6 => _settings.EnableIPv6;

    public bool Initialized { get; private set; }

    /// <summary>Why the last <see cref="InitializeAsync"/> failed (ipamd would exit and aws-node stay unready); null otherwise.</summary>
    public string? InitError { get; private set; }

    /// <summary>Prefix delegation in effect: asked for and the instance is Nitro.</summary>
    public bool PrefixDelegation { get; }

    public int MaxEni { get; }

    /// <summary>Pod addresses per ENI (×16 per prefix with prefix delegation).</summary>
    public int MaxIpsPerEni { get; }

    public int MaxPrefixesPerEni { get; }

    public int MaxPods => _maxPods;

    public string InstanceId => _instance.InstanceId;

    public DatastoreStats Stats => _datastore.GetStats();

    /// <summary>The node's ENIs as the datastore knows them, by device number.</summary>
    public IReadOnlyList<EniInfo> Enis => _datastore.Enis;

    public Datastore Datastore => _datastore;

    /// <summary>What ipamd logged, oldest first, newest last; at most <see cref="LogCapacity"/> lines, a repeat of the last line is not added again.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_logLock)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>
    /// <c>nodeInit</c>: reads the instance's attached ENIs from EC2 into a fresh datastore (the primary's secondary
    /// addresses and prefixes too), then grows the pool once if it is too low. With custom networking, a pool still
    /// empty afterwards fails initialization.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Initialized = false;
        InitError = null;
        _datastore = NewDatastore();
        _unmanagedEnis = 0;
        _lastDecrease = null;
        _lastInsufficientCidrError = null;
        _lastPoolAction = _time.GetUtcNow();

        if (_settings.ConfigError() is { } configError)
        {
            Fail(configError);
            return;
        }

        if (_settings.Unsupported() is [var unsupported, ..])
        {
            // Podnet refuses worlds with these settings; one set later through the API stops ipamd rather than being ignored.
            Fail($"{unsupported.Setting.Name}={unsupported.Value} is not supported by Podnet: {unsupported.Reason}");
            return;
        }

        if (_settings.PrefixDelegation && !PrefixDelegation)
        {
            if (Ipv6)
            {
                // isConfigValid: IPv6 has no secondary-IP mode to fall back to.
                Fail($"Prefix Delegation is not supported on non-nitro instance {_instanceType.InstanceType}. IPv6 is only supported in Prefix delegation Mode. ");
                return;
            }

            Record($"Prefix delegation is not supported on non-nitro instance {_instanceType.InstanceType}; falling back to secondary IP mode");
        }

        try
        {
            var attached = await DescribeAttachedAsync(cancellationToken).ConfigureAwait(false);
            var primary = attached.FirstOrDefault(e => e.Attachment!.DeviceIndex == 0);
            if (primary is null)
            {
                Fail($"Failed to find the primary ENI of instance {_instance.InstanceId}");
                return;
            }

            // aws-node's generateJSON (cmd/aws-vpc-cni/main.go) reads IMDS ipv6 for ENABLE_V6_EGRESS: before 1.17.1 a node
            // without one stops aws-node (no CNI configuration, the node stays NotReady); from 1.17.1 it warns and the
            // egress plugin stays off, so pods get no IPv6 egress.
            var nodeHasIpv6 = primary.Ipv6Addresses.Count > 0;
            if (_settings.V6EgressNodeError(nodeHasIpv6) is { } egressError)
            {
                Fail(egressError);
                return;
            }

            if (_settings.AsksV6Egress && !nodeHasIpv6)
            {
                Record(CniSettings.V6EgressWithoutAddressMessage);
            }

            _primarySubnetId = primary.SubnetId;
            _primaryGroups = [.. primary.Groups.Select(g => g.GroupId).Order(StringComparer.Ordinal)];
            if (Ipv6)
            {
                await SetupIpv6PrimaryAsync(primary, cancellationToken).ConfigureAwait(false);
                Initialized = true;
                Record($"Successfully initialized ipamd on {_instance.InstanceId}: {_datastore.EniCount} ENIs, {Describe(_datastore.GetStats())}");
                return;
            }

            foreach (var eni in attached)
            {
                SetupEni(eni);
            }

            if (!_settings.DisableNetworkResourceProvisioning && IsPoolTooLow())
            {
                await IncreasePoolAsync(cancellationToken).ConfigureAwait(false);
                if (_settings.CustomNetwork && _datastore.GetStats().TotalIPs == 0)
                {
                    Fail(CustomNetworkingInitError);
                    return;
                }
            }
        }
        catch (AwsException e)
        {
            Fail("ipamd init: failed to read the instance's ENIs: " + Describe(e));
            return;
        }

        Initialized = true;
        Record($"Successfully initialized ipamd on {_instance.InstanceId}: {_datastore.EniCount} ENIs, {Describe(_datastore.GetStats())}");
    }

    /// <summary>
    /// One turn of ipamd's pool loop (<c>updateIPPoolIfRequired</c>, then <c>nodeIPPoolReconcile</c>): grow the pool
    /// when it is too low, shrink it when too high, free at most one unneeded ENI, and re-read the attached ENIs
    /// every minute. Returns when to run next.
    /// </summary>
    public async Task<TimeSpan> ReconcileAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Initialized || Ipv6)
        {
            // StartNodeIPPoolManager returns at once in IPv6 mode: the node's one prefix is never grown or freed.
            return PoolMonitorInterval;
        }

        if (!_settings.DisableNetworkResourceProvisioning)
        {
            if (IsPoolTooLow())
            {
                await IncreasePoolAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (IsPoolTooHigh())
            {
                await DecreasePoolAsync(cancellationToken).ConfigureAwait(false);
            }

            if (WarmPool.ShouldRemoveExtraEnis(_settings, _datastore.GetStats(), PrefixDelegation, MaxIpsPerEni, () => _datastore.Enis))
            {
                await TryFreeEniAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_time.GetUtcNow() - _lastPoolAction > EniReconcileInterval)
        {
            await ReconcileEnisAsync(cancellationToken).ConfigureAwait(false);
        }

        return PoolMonitorInterval;
    }

    /// <summary>CNI ADD: an address for the pod (the same one again for a sandbox that has one).</summary>
    public AssignResult Assign(PodKey key)
    {
        if (!Initialized)
        {
            return AssignResult.Failed("ipamd is not ready: " + (InitError ?? "not initialized"));
        }

        // AssignPodIPAddress: "Currently it's either v4 or v6. Dual Stack mode isn't supported."
        return Ipv6 ? _datastore.AssignPodIPv6Address(key) : _datastore.AssignPodIPv4Address(key);
    }

    /// <summary>CNI DEL: gives the pod's address back (into cooldown); null for a sandbox that holds none. Either family.</summary>
    public AddressInfo? Release(PodKey key) => _datastore.UnassignPodIPv4Address(key);

    private bool IsPoolTooLow()
        => WarmPool.PoolTooLow(_settings, _datastore.GetStats(), _datastore.FreePrefixes, PrefixDelegation, MaxIpsPerEni, _maxPods);

    private bool IsPoolTooHigh()
        => WarmPool.PoolTooHigh(_settings, _datastore.GetStats(), _datastore.FreePrefixes, PrefixDelegation);

    private PoolTarget Target() => WarmPool.TargetState(_settings, _datastore.GetStats(), _datastore.FreePrefixes, PrefixDelegation);

    private bool HasRoomForEni()
        => WarmPool.HasRoomForEni(
            _datastore.EniCount,
            _datastore.ExcludedEniCount,
            MaxEni,
            _unmanagedEnis,
            WarmPool.TrunkReserve(_settings, _instanceType, _datastore.HasTrunk));

    /// <summary><c>increaseDatastorePool</c>: addresses on an existing ENI first, else a new ENI if there is room.</summary>
    private async Task IncreasePoolAsync(CancellationToken cancellationToken)
    {
        // isENIAttachmentAllowed: a cordoned node gets no new addresses or ENIs unless AWS_MANAGE_ENIS_NON_SCHEDULABLE.
        if (!_settings.ManageEnisOnUnschedulable && _nodeUnschedulable())
        {
            Record(NonSchedulableNoAttach);
            return;
        }

        var target = Target();
        if (target.Enabled && target.Short == 0)
        {
            return;
        }

        if (InInsufficientCidrCooldown())
        {
            if (!_insufficientCooldownLogged)
            {
                _insufficientCooldownLogged = true;
                Record($"Recently we had InsufficientCidr error hence will wait for {InsufficientCidrCooldown.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s before retrying");
            }

            return;
        }

        var (increased, error) = await TryAssignCidrsAsync(cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            Record(error.Value.Message);
            if (IsInsufficientAddresses(error.Value.Exception))
            {
                NoteInsufficientAddresses();
                return;
            }
        }

        if (increased)
        {
            _lastPoolAction = _time.GetUtcNow();
            Record("Successfully increased IP pool, " + Describe(_datastore.GetStats()));
            return;
        }

        if (HasRoomForEni())
        {
            await TryAllocateEniAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Record(MaxEniReached);
        }
    }

    /// <summary>
    /// <c>tryAssignIPs</c>/<c>tryAssignPrefixes</c>: the first ENI with room for more (not the trunk, not the primary
    /// under custom networking) gets them: secondary IPs the shortfall with WARM_IP/MIN_IP or else enough to fill
    /// the ENI; prefixes <see cref="WarmPool.PrefixesNeeded"/>. On an EC2 error ipamd retries with one;
    /// <c>PrivateIpAddressLimitExceeded</c> means the datastore is behind, so it re-reads the ENI from EC2.
    /// </summary>
    private async Task<(bool Increased, (string Message, AwsException Exception)? Error)> TryAssignCidrsAsync(CancellationToken cancellationToken)
    {
        var target = Target();
        int toAllocate;
        int perEni;
        if (PrefixDelegation)
        {
            toAllocate = WarmPool.PrefixesNeeded(_settings, _datastore.GetStats(), _datastore.FreePrefixes, MaxPrefixesPerEni);
            perEni = MaxPrefixesPerEni;
        }
        else
        {
            toAllocate = target.Enabled ? target.Short : MaxIpsPerEni;
            perEni = MaxIpsPerEni;
        }

        foreach (var eni in _datastore.Enis)
        {
            if (eni.IsExcludedForPodIps || eni.IsTrunk || (_settings.CustomNetwork && eni.IsPrimary) || eni.Cidrs.Count >= perEni)
            {
                continue;
            }

            var count = Math.Min(perEni - eni.Cidrs.Count, toAllocate);
            try
            {
                var result = await AllocCidrsAsync(eni.Id, count, cancellationToken).ConfigureAwait(false);
                AddCidrs(eni.Id, result.AssignedPrivateIpAddresses, result.AssignedIpv4Prefixes);
                return (true, null);
            }
            catch (AwsException e) when (e.Code != Ec2Errors.Codes.PrivateIpAddressLimitExceeded)
            {
                // tryAssignIPs / tryAssignPrefixes (pkg/ipamd/ipamd.go) word the two cases differently; the "one" error is
                // wrapped with errors.Wrap, so the prefix case prints EC2's error twice, as ipamd's log does.
                Record(PrefixDelegation
                    ? $"failed to allocate all available IPv4 Prefixes on ENI {eni.Id}, err: {Describe(e)}"
                    : $"failed to allocate all available IP addresses on ENI {eni.Id}, err: {Describe(e)}");
                try
                {
                    var result = await AllocCidrsAsync(eni.Id, 1, cancellationToken).ConfigureAwait(false);
                    AddCidrs(eni.Id, result.AssignedPrivateIpAddresses, result.AssignedIpv4Prefixes);
                    return (true, null);
                }
                catch (AwsException retry) when (_settings.EnableSubnetDiscovery && IsInsufficientAddresses(retry))
                {
                    // tryAssignIPs/tryAssignPrefixes: with subnet discovery an ENI whose subnet is full is skipped, so that
                    // the pool grows by a new ENI in another subnet instead.
                    continue;
                }
                catch (AwsException retry) when (retry.Code != Ec2Errors.Codes.PrivateIpAddressLimitExceeded)
                {
                    return (false, (PrefixDelegation
                        ? $"failed to allocate one IPv4 prefix on ENI {eni.Id}, err: {Describe(retry)}: {Describe(retry)}"
                        : $"failed to allocate one IP addresses on ENI {eni.Id}, err : {Describe(retry)}", retry));
                }
                catch (AwsException)
                {
                    await ReadCidrsFromEc2Async(eni.Id, cancellationToken).ConfigureAwait(false);
                    return (true, null);
                }
            }
            catch (AwsException)
            {
                await ReadCidrsFromEc2Async(eni.Id, cancellationToken).ConfigureAwait(false);
                return (true, null);
            }
        }

        return (false, null);
    }

    private Task<AssignPrivateIpAddressesResult> AllocCidrsAsync(string eniId, int count, CancellationToken cancellationToken)
        => _ec2.AssignPrivateIpAddressesAsync(
            PrefixDelegation
                ? new AssignPrivateIpAddressesRequest(eniId, Ipv4PrefixCount: count)
                : new AssignPrivateIpAddressesRequest(eniId, SecondaryPrivateIpAddressCount: count),
            cancellationToken);

    private async Task ReadCidrsFromEc2Async(string eniId, CancellationToken cancellationToken)
    {
        var found = await _ec2.DescribeNetworkInterfacesAsync(DescribeRequest.ForIds(eniId), cancellationToken).ConfigureAwait(false);
        foreach (var eni in found)
        {
            AddCidrs(eni.NetworkInterfaceId, [.. eni.PrivateIpAddresses.Where(a => !a.Primary).Select(a => a.PrivateIpAddress)], [.. eni.Ipv4Prefixes.Select(p => p.Ipv4Prefix)]);
        }
    }

    /// <summary>
    /// <c>tryAllocateENI</c> + <c>AllocENI</c>: create an ENI (in the ENIConfig's subnet with custom networking),
    /// attach it at the lowest free device index, mark it delete-on-termination, and add it to the datastore. A
    /// failed attach deletes the new ENI again.
    /// </summary>
    private async Task TryAllocateEniAsync(CancellationToken cancellationToken)
    {
        var subnetId = _primarySubnetId;
        var groups = _primaryGroups;
        if (_settings.CustomNetwork)
        {
            var spec = _eniConfig();
            if (spec is null)
            {
                Record("Failed to get pod ENI config: " + NoEniConfigError);
                return;
            }

            Record($"ipamd: using custom network config: [{string.Join(' ', spec.SecurityGroups)}], {spec.Subnet}");
            subnetId = spec.Subnet;
            if (spec.SecurityGroups.Count > 0)
            {
                groups = spec.SecurityGroups;
            }
            else if (_settings.CniVersion < new Version(1, 8, 0))
            {
                // Before 1.8.0 an ENIConfig without groups left the choice to EC2: the VPC's default group.
                groups = [];
                Record("No custom networking security group found, the VPC's default security group applies");
            }
            else
            {
                Record($"No custom networking security group found, will use the node's primary ENI's SG: [{string.Join(' ', _primaryGroups)}]");
            }
        }

        var stats = _datastore.GetStats();
        var resources = WarmPool.ResourcesForNewEni(_settings, stats, _datastore.FreePrefixes, PrefixDelegation, MaxIpsPerEni, MaxPrefixesPerEni);
        if (resources <= 0)
        {
            return;
        }

        IReadOnlyList<string> subnets = [subnetId];
        if (!_settings.CustomNetwork && _settings.EnableSubnetDiscovery)
        {
            subnets = await DiscoverSubnetsAsync(cancellationToken).ConfigureAwait(false);
            if (subnets.Count == 0)
            {
                Record("Failed to increase pool size due to not able to allocate ENI AllocENI: failed to create ENI: " + NoValidSubnets);
                return;
            }
        }

        NetworkInterface? created = null;
        AwsException? failure = null;
        foreach (var subnet in subnets)
        {
            // createENI tries the subnets in order (most free addresses first) until one takes the ENI.
            Record($"Creating ENI with security groups: [{string.Join(' ', groups)}] in subnet: {subnet}");
            try
            {
                created = await _ec2.CreateNetworkInterfaceAsync(
                    new CreateNetworkInterfaceRequest(
                        subnet,
                        Groups: groups,
                        Description: EniDescriptionPrefix + _instance.InstanceId,
                        SecondaryPrivateIpAddressCount: PrefixDelegation ? 0 : resources,
                        Ipv4PrefixCount: PrefixDelegation ? resources : 0,
                        Tags: EniTags()),
                    cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (AwsException e)
            {
                failure = e;
            }
        }

        if (created is null)
        {
            // AllocENI and createENI (pkg/awsutils/awsutils.go, v1.19.2) wrap EC2's error twice.
            Record("Failed to increase pool size due to not able to allocate ENI AllocENI: failed to create ENI: failed to create network interface: " + Describe(failure!));
            if (IsInsufficientAddresses(failure!))
            {
                NoteInsufficientAddresses();
            }

            return;
        }

        int deviceIndex;
        string attachmentId;
        try
        {
            deviceIndex = await FreeDeviceIndexAsync(cancellationToken).ConfigureAwait(false);
            attachmentId = await _ec2.AttachNetworkInterfaceAsync(
                new AttachNetworkInterfaceRequest(created.NetworkInterfaceId, _instance.InstanceId, deviceIndex), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsException e)
        {
            await DeleteQuietlyAsync(created.NetworkInterfaceId, cancellationToken).ConfigureAwait(false);
            Record("Failed to increase pool size due to not able to allocate ENI AllocENI: error attaching ENI: attachENI: failed to attach ENI: " + Describe(e));
            return;
        }

        try
        {
            await _ec2.ModifyNetworkInterfaceAttributeAsync(
                new ModifyNetworkInterfaceAttributeRequest(created.NetworkInterfaceId, AttachmentId: attachmentId, DeleteOnTermination: true), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsException e)
        {
            await FreeEniAsync(created.NetworkInterfaceId, cancellationToken).ConfigureAwait(false);
            Record("Failed to increase pool size due to not able to allocate ENI AllocENI: unable to change the ENI's attribute: " + Describe(e));
            return;
        }

        _datastore.AddEni(created.NetworkInterfaceId, deviceIndex, isPrimary: false, isTrunk: false, isExcludedForPodIps: false, created.SubnetId);
        AddCidrs(
            created.NetworkInterfaceId,
            [.. created.PrivateIpAddresses.Where(a => !a.Primary).Select(a => a.PrivateIpAddress)],
            [.. created.Ipv4Prefixes.Select(p => p.Ipv4Prefix)]);
        _lastPoolAction = _time.GetUtcNow();
        Record($"Created and attached ENI {created.NetworkInterfaceId} at device index {deviceIndex} in subnet {created.SubnetId}");
        Record("Successfully increased IP pool, " + Describe(_datastore.GetStats()));
    }

    /// <summary>
    /// <c>GetVpcSubnets</c> and <c>isSubnetValidForENICreation</c> (pkg/awsutils/awsutils.go): the subnets of the node's
    /// VPC and zone, most free addresses first, that may take a new ENI — tagged <c>kubernetes.io/role/cni</c> (not
    /// "0"), or the primary interface's subnet unless it is tagged "0"; a subnet tagged for other clusters only
    /// (<c>kubernetes.io/cluster/NAME</c>, with CLUSTER_NAME set) is left out. If DescribeSubnets fails, the primary
    /// interface's subnet.
    /// </summary>
    private async Task<IReadOnlyList<string>> DiscoverSubnetsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Subnet> found;
        try
        {
            found = await _ec2.DescribeSubnetsAsync(
                DescribeRequest.Where(new Filter("vpc-id", _instance.VpcId ?? string.Empty), new Filter("availability-zone", _instance.Placement.AvailabilityZone)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (AwsException e)
        {
            Record("Failed to call ec2:DescribeSubnets: AllocENI: unable to describe subnets: " + Describe(e));
            Record("Defaulting to same subnet as the primary interface for the new ENI");
            return [_primarySubnetId];
        }

        return [.. found.OrderByDescending(s => s.AvailableIpAddressCount).Where(IsValidForEni).Select(s => s.SubnetId)];
    }

    private bool IsValidForEni(Subnet subnet)
    {
        var tag = subnet.Tags.FirstOrDefault(t => t.Key == SubnetDiscoveryTagKey)?.Value ?? string.Empty;
        if (tag == "0")
        {
            return false;
        }

        if (tag.Length == 0)
        {
            return subnet.SubnetId == _primarySubnetId;
        }

        var clusterTags = subnet.Tags.Where(t => t.Key.StartsWith(ClusterTagKeyPrefix, StringComparison.Ordinal)).ToList();
        return _settings.ClusterName.Length == 0 || clusterTags.Count == 0 || clusterTags.Any(t => t.Key == ClusterTagKeyPrefix + _settings.ClusterName);
    }

    private List<Tag> EniTags()
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [InstanceIdTagKey] = _instance.InstanceId,
            [CreatedAtTagKey] = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (_settings.ClusterName.Length > 0)
        {
            tags[ClusterNameTagKey] = _settings.ClusterName;
            tags[OwnerTagKey] = OwnerTagValue;
        }

        foreach (var (key, value) in _settings.AdditionalEniTags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            tags[key] = value;
        }

        return [.. tags.Select(t => new Tag(t.Key, t.Value))];
    }

    /// <summary><c>awsGetFreeDeviceNumber</c>: the lowest device index not in use on network card 0.</summary>
    private async Task<int> FreeDeviceIndexAsync(CancellationToken cancellationToken)
    {
        var reservations = await _ec2.DescribeInstancesAsync(DescribeRequest.ForIds(_instance.InstanceId), cancellationToken).ConfigureAwait(false);
        var used = reservations.SelectMany(r => r.Instances).SelectMany(i => i.NetworkInterfaces)
            .Where(n => n.Attachment.NetworkCardIndex == 0)
            .Select(n => n.Attachment.DeviceIndex)
            .ToHashSet();
        var index = 0;
        while (used.Contains(index))
        {
            index++;
        }

        return index;
    }

    /// <summary><c>decreaseDatastorePool</c> (at most every 30 s): <c>tryUnassignCidrsFromAll</c> gives back up to <c>over</c> CIDRs with no pods.</summary>
    private async Task DecreasePoolAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_lastDecrease is { } last && now - last <= DecreaseIpPoolInterval)
        {
            return;
        }

        var over = WarmPool.CidrsToRelease(_settings, _datastore.GetStats(), _datastore.FreePrefixes, PrefixDelegation);
        var freed = 0;
        foreach (var eni in _datastore.Enis)
        {
            if (over <= 0)
            {
                break;
            }

            if (eni.IsExcludedForPodIps)
            {
                continue;
            }

            var cidrs = _datastore.FindFreeableCidrs(eni.Id).Take(over).Where(c => _datastore.RemoveCidr(eni.Id, c.Cidr)).ToList();
            if (cidrs.Count == 0)
            {
                continue;
            }

            try
            {
                await _ec2.UnassignPrivateIpAddressesAsync(
                    PrefixDelegation
                        ? new UnassignPrivateIpAddressesRequest(eni.Id, Ipv4Prefixes: [.. cidrs.Select(c => c.Cidr.ToString())])
                        : new UnassignPrivateIpAddressesRequest(eni.Id, PrivateIpAddresses: [.. cidrs.Select(c => c.Cidr.BaseAddress.ToString())]),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (AwsException e)
            {
                Record($"Failed to unassign {string.Join(' ', cidrs.Select(c => c.Cidr.ToString()))} from ENI {eni.Id}: {Describe(e)}");
            }

            over -= cidrs.Count;
            freed += cidrs.Count;
        }

        _lastDecrease = now;
        _lastPoolAction = now;
        if (freed > 0)
        {
            Record("Successfully decreased IP pool, " + Describe(_datastore.GetStats()));
        }
    }

    /// <summary><c>tryFreeENI</c>: frees one deletable ENI, if any.</summary>
    private async Task TryFreeEniAsync(CancellationToken cancellationToken)
    {
        // tryFreeENI: nor are ENIs detached from a cordoned node, unless AWS_MANAGE_ENIS_NON_SCHEDULABLE.
        if (!_settings.ManageEnisOnUnschedulable && _nodeUnschedulable())
        {
            Record(NonSchedulableNoDetach);
            return;
        }

        var now = _time.GetUtcNow();
        var eni = WarmPool.GetDeletableEni(_settings, _datastore.Enis, PrefixDelegation, now, _settings.IpCooldown, MinimumEniAge);
        if (eni is null || !_datastore.RemoveEni(eni.Id))
        {
            return;
        }

        _lastPoolAction = now;
        if (await FreeEniAsync(eni.Id, cancellationToken).ConfigureAwait(false))
        {
            Record($"Successfully freed ENI: {eni.Id}, " + Describe(_datastore.GetStats()));
        }
    }

    /// <summary>
    /// <c>freeENI</c> (pkg/awsutils/awsutils.go): find the attachment (an ENI EC2 does not find is taken as freed
    /// already), detach it — retried, <see cref="MaxEniEc2ApiRetries"/> tries — then <see cref="DeleteEniAsync"/>.
    /// The backoff between tries (200 ms doubling, the 2 s after the detach) takes no virtual time here.
    /// </summary>
    private async Task<bool> FreeEniAsync(string eniId, CancellationToken cancellationToken)
    {
        NetworkInterfaceAttachment? attachment;
        try
        {
            var found = await _ec2.DescribeNetworkInterfacesAsync(DescribeRequest.ForIds(eniId), cancellationToken).ConfigureAwait(false);
            attachment = found.Count > 0 ? found[0].Attachment : null;
        }
        catch (AwsException e) when (e.Code == Ec2Errors.Codes.NetworkInterfaceNotFound)
        {
            Record($"ENI {eniId} not found. It seems to be already freed");
            return true;
        }
        catch (AwsException e)
        {
            Record($"Failed to retrieve ENI {eniId} attachment id: {Describe(e)}");
            return false;
        }

        if (attachment is not null)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _ec2.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest(attachment.AttachmentId), cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (AwsException e) when (attempt < MaxEniEc2ApiRetries)
                {
                    Record($"Failed to detach ENI {eniId} {Describe(e)}");
                }
                catch (AwsException e)
                {
                    Record($"Failed to detach ENI {eniId} {Describe(e)}");
                    return false;
                }
            }
        }

        return await DeleteEniAsync(eniId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>deleteENI</c> (pkg/awsutils/awsutils.go): DeleteNetworkInterface, retried on any error,
    /// <see cref="MaxEniEc2ApiRetries"/> tries in all; <c>InvalidNetworkInterfaceID.NotFound</c> means deleted already.
    /// </summary>
    private async Task<bool> DeleteEniAsync(string eniId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _ec2.DeleteNetworkInterfaceAsync(eniId, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (AwsException e) when (e.Code == Ec2Errors.Codes.NetworkInterfaceNotFound)
            {
                Record($"ENI {eniId} has already been deleted");
                return true;
            }
            catch (AwsException e) when (attempt >= MaxEniEc2ApiRetries)
            {
                Record($"Failed to free ENI {eniId}: {Describe(e)}");
                return false;
            }
            catch (AwsException)
            {
                // retry.NWithBackoff(…, maxENIEC2APIRetries, …): try again.
            }
        }
    }

    private async Task DeleteQuietlyAsync(string eniId, CancellationToken cancellationToken)
    {
        if (!await DeleteEniAsync(eniId, cancellationToken).ConfigureAwait(false))
        {
            Record("Failed to delete newly created untagged ENI!");
        }
    }

    /// <summary>
    /// <c>nodeIPPoolReconcile</c>, for ENIs only: ENIs attached behind ipamd's back (a trunk the resource controller
    /// attached) join the datastore; ENIs no longer attached leave it.
    /// </summary>
    private async Task ReconcileEnisAsync(CancellationToken cancellationToken)
    {
        _lastPoolAction = _time.GetUtcNow();
        IReadOnlyList<NetworkInterface> attached;
        try
        {
            attached = await DescribeAttachedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AwsException e)
        {
            Record("IP pool reconcile: failed to get attached ENIs: " + Describe(e));
            return;
        }

        var known = _datastore.Enis;
        _unmanagedEnis = 0;
        foreach (var eni in attached)
        {
            if (known.All(k => k.Id != eni.NetworkInterfaceId) && SetupEni(eni))
            {
                Record($"Reconcile: added ENI {eni.NetworkInterfaceId} at device index {eni.Attachment!.DeviceIndex}");
            }
        }

        foreach (var gone in known.Where(k => attached.All(a => a.NetworkInterfaceId != k.Id)))
        {
            _datastore.RemoveEni(gone.Id);
            Record($"Reconcile: removed ENI {gone.Id}, no longer attached");
        }
    }

    private async Task<IReadOnlyList<NetworkInterface>> DescribeAttachedAsync(CancellationToken cancellationToken)
    {
        var enis = await _ec2.DescribeNetworkInterfacesAsync(
            DescribeRequest.Where(new Filter("attachment.instance-id", _instance.InstanceId)), cancellationToken).ConfigureAwait(false);

        // Only network card 0 is managed (multi-card is ENABLE_MULTI_NIC's business).
        return [.. enis.Where(e => e.Attachment is { NetworkCardIndex: 0 }).OrderBy(e => e.Attachment!.DeviceIndex)];
    }

    /// <summary>
    /// <c>setupENI</c> for an ENI found attached: adds it with its secondary addresses and prefixes; under custom
    /// networking the primary is excluded for pods and its prefixes are not read. ENIs tagged no_manage are counted,
    /// not managed. False when the ENI is not managed.
    /// </summary>
    private bool SetupEni(NetworkInterface eni)
    {
        if (IsUnmanaged(eni))
        {
            _unmanagedEnis++;
            return false;
        }

        var isPrimary = eni.Attachment!.DeviceIndex == 0;
        var isTrunk = eni.InterfaceType == NetworkInterfaceTypes.Trunk;
        var excluded = isPrimary && _settings.CustomNetwork;
        _datastore.AddEni(eni.NetworkInterfaceId, eni.Attachment.DeviceIndex, isPrimary, isTrunk, excluded, eni.SubnetId);
        if (!isTrunk)
        {
            AddCidrs(
                eni.NetworkInterfaceId,
                [.. eni.PrivateIpAddresses.Where(a => !a.Primary).Select(a => a.PrivateIpAddress)],
                excluded ? [] : [.. eni.Ipv4Prefixes.Select(p => p.Ipv4Prefix)]);
        }

        return true;
    }

    /// <summary>
    /// <c>setupENI</c> of the primary ENI in IPv6 mode, with <c>assignIPv6Prefix</c>: the /80 prefixes EC2 has on
    /// the ENI (one left from before a restart), else one assigned now (<c>AllocIPv6Prefixes</c>:
    /// AssignIpv6Addresses with Ipv6PrefixCount 1); only the first goes to the datastore ("VPC CNI will only attach
    /// a single v6 prefix and it will not attempt to free any additional Prefixes"). Other ENIs are skipped, as
    /// ipamd's <c>filterUnmanagedENIs</c> skips those it did not create in v6 PD mode.
    /// </summary>
    private async Task SetupIpv6PrimaryAsync(NetworkInterface primary, CancellationToken cancellationToken)
    {
        _datastore.AddEni(primary.NetworkInterfaceId, primary.Attachment!.DeviceIndex, isPrimary: true, isTrunk: false, isExcludedForPodIps: false, primary.SubnetId);
        var prefixes = primary.Ipv6Prefixes.Select(p => p.Ipv6Prefix).ToList();
        if (prefixes.Count == 0)
        {
            var assigned = await _ec2.AssignIpv6AddressesAsync(new AssignIpv6AddressesRequest(primary.NetworkInterfaceId, Ipv6PrefixCount: 1), cancellationToken).ConfigureAwait(false);
            prefixes.AddRange(assigned.AssignedIpv6Prefixes);
        }

        _datastore.AddCidr(primary.NetworkInterfaceId, CidrBlock.Parse(prefixes[0]), isPrefix: true);
        // setupENI logs the ENI's metadata as read before assignIPv6Prefix: the prefixes it had then.
        Record($"Found IPv6 ENI {primary.NetworkInterfaceId} having {primary.Ipv6Addresses.Count} secondary IPs and {primary.Ipv6Prefixes.Count} Prefixes and isTrunk: false");
    }

    private Datastore NewDatastore() => new(_time, PrefixDelegation, _settings.IpCooldown, Ipv6);

    private static bool IsUnmanaged(NetworkInterface eni)
        => eni.Attachment!.DeviceIndex != 0 && eni.TagSet.Any(t => t.Key == NoManageTagKey && t.Value == "true");

    private void AddCidrs(string eniId, IReadOnlyList<string> addresses, IReadOnlyList<string> prefixes)
    {
        foreach (var address in addresses)
        {
            _datastore.AddCidr(eniId, CidrBlock.Single(IPAddress.Parse(address)), isPrefix: false);
        }

        foreach (var prefix in prefixes)
        {
            _datastore.AddCidr(eniId, CidrBlock.Parse(prefix), isPrefix: true);
        }
    }

    private bool InInsufficientCidrCooldown()
        => _lastInsufficientCidrError is { } last && _time.GetUtcNow() - last <= InsufficientCidrCooldown;

    private void NoteInsufficientAddresses()
    {
        _lastInsufficientCidrError = _time.GetUtcNow();
        _insufficientCooldownLogged = false;
        Record(InsufficientAddressesAdvice);
    }

    /// <summary><c>containsInsufficientCIDRsOrSubnetIPs</c> (pkg/ipamd/ipamd.go): the subnet has no room for the addresses or prefixes asked for.</summary>
    private static bool IsInsufficientAddresses(AwsException e) => e.Code is Ec2Errors.Codes.InsufficientFreeAddressesInSubnet or Ec2Errors.Codes.InsufficientCidrBlocks;

    private void Fail(string error)
    {
        InitError = error;
        Initialized = false;
        Record(error);
    }

    private void Record(string line)
    {
        lock (_logLock)
        {
            if (line == _lastLine)
            {
                return;
            }

            _lastLine = line;
            _log.Enqueue(line);
            while (_log.Count > LogCapacity)
            {
                _log.Dequeue();
            }
        }
    }

    private static string Describe(DatastoreStats stats) => $"total: {stats.TotalIPs}, used: {stats.AssignedIPs}";

    /// <summary>An EC2 error as the AWS SDK for Go v2 prints it, with its status, request ID, code and message.</summary>
    private static string Describe(AwsException e) => e.SdkText;
}
