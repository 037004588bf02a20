using System.Globalization;
using Podnet.Aws.Ec2;
using Podnet.Aws.Iam;
using Podnet.Net;

namespace Podnet.Aws.Eks;

/// <summary>
/// EKS clusters and managed node groups. EKS acts on EC2 as the service itself: it creates the cluster security
/// group and launches the node group's instances into the chosen subnets, spread over their zones.
/// </summary>
public sealed partial class EksBackend
{
    public const string DefaultVersion = "1.31";

    /// <summary>The Kubernetes versions EKS offers for new clusters (standard and extended support).</summary>
    public static IReadOnlyList<string> OfferedVersions { get; } = ["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35"];

    /// <summary>
    /// Versions EKS offered once and no longer does (1.10, its first, to 1.27): a cluster of one exists only from
    /// back then — seeds 001 and 003 show 1.22 — so a world may describe one (see <see cref="CreateClusterRequest.Existing"/>).
    /// </summary>
    public static IReadOnlyList<string> RetiredVersions { get; } = [.. Enumerable.Range(10, 18).Select(minor => $"1.{minor}")];

    /// <summary>
    /// The zones (by zone ID) where EKS places no control plane, so a new cluster's subnets may not be there (Amazon
    /// EKS User Guide, "View Amazon EKS networking requirements for VPC and subnets": use1-az3, usw1-az2, cac1-az3).
    /// </summary>
    public static IReadOnlyList<string> ZoneIdsWithoutControlPlane { get; } = ["use1-az3", "usw1-az2", "cac1-az3"];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ClusterEntity> _clusters = new(StringComparer.Ordinal);
    private readonly AwsOptions _options;
    // EKS's own work inside AWS (a node group's instances, a cluster's interfaces) is no call of the account's EC2 API:
    // the service writes EC2's state directly, unthrottled, as AWS's own control plane does.
    private readonly Ec2Backend _ec2;

    // What Expire saw of EC2's terminations at its last look for lost instances, and whether a replacement is owed.
    private long _terminationsSeen;
    private bool _replacementOwed;
    private readonly IamBackend _iam;
    private readonly ResourceIdGenerator _ids;
    private readonly TimeProvider _time;

    public EksBackend(AwsOptions options, Ec2Backend ec2, IamBackend iam, ResourceIdGenerator ids, TimeProvider time)
    {
        _options = options;
        _ec2 = ec2;
        _iam = iam;
        _ids = ids;
        _time = time;
    }

    public Cluster CreateCluster(CreateClusterRequest request)
    {
        lock (_lock)
        {
            if (_clusters.ContainsKey(request.Name))
            {
                throw EksErrors.ResourceInUse($"Cluster already exists with name: {request.Name}");
            }

            var version = request.Version ?? DefaultVersion;
            if (!OfferedVersions.Contains(version) && !(request.Existing && RetiredVersions.Contains(version)))
            {
                // EKS's answer, then what it would take: its message names no version it offers.
                throw EksErrors.InvalidParameter($"unsupported Kubernetes version {version} (Amazon EKS offers {string.Join(", ", OfferedVersions)}{(request.Existing ? $"; a world may also describe a cluster of a version EKS offered before, {RetiredVersions[0]} to {RetiredVersions[^1]}" : string.Empty)})");
            }

            if (_iam.RoleNameOf(request.RoleArn) is null)
            {
                throw EksErrors.InvalidParameter($"Role with arn: {request.RoleArn}, does not exist.");
            }

            var subnets = DescribeSubnets(request.SubnetIds);
            if (subnets.Select(s => s.AvailabilityZone).Distinct().Count() < 2)
            {
                throw EksErrors.InvalidParameter("Subnets specified must be in at least two different AZs");
            }

            bool Unsupported(string zone) => ZoneIdsWithoutControlPlane.Contains(_options.ZoneIdOf(zone)) || _options.ZonesWithoutEksCapacity.Contains(zone);
            if (!request.Existing && subnets.FirstOrDefault(s => Unsupported(s.AvailabilityZone)) is { } unsupported)
            {
                var valid = _options.Zones.Where(z => !Unsupported(z));
                throw EksErrors.UnsupportedAvailabilityZone(request.Name, unsupported.AvailabilityZone, valid);
            }

            var vpcId = subnets[0].VpcId;
            if (subnets.Any(s => s.VpcId != vpcId))
            {
                throw EksErrors.InvalidParameter("Subnets specified must belong to the same VPC.");
            }

            var vpc = _ec2.DescribeVpcs(DescribeRequest.ForIds(vpcId))[0];
            var family = request.IpFamily ?? KubernetesNetworkConfigResponse.Ipv4;
            if (family is not (KubernetesNetworkConfigResponse.Ipv4 or KubernetesNetworkConfigResponse.Ipv6))
            {
                // The enum constraint of KubernetesNetworkConfigRequest.ipFamily in EKS's service model.
                throw EksErrors.InvalidParameter($"1 validation error detected: Value '{family}' at 'kubernetesNetworkConfig.ipFamily' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, ipv6]");
            }

            KubernetesNetworkConfigResponse network;
            if (family == KubernetesNetworkConfigResponse.Ipv6)
            {
                ValidateIpv6Network(request, vpc, subnets);
                network = new KubernetesNetworkConfigResponse(null, family, ServiceIpv6Cidr(request.Name));
            }
            else
            {
                var serviceCidr = request.ServiceIpv4Cidr ?? DefaultServiceCidr(vpc);
                ValidateServiceCidr(serviceCidr, vpc);
                network = new KubernetesNetworkConfigResponse(serviceCidr, family);
            }

            var additionalGroups = request.SecurityGroupIds ?? [];
            if (additionalGroups.Count > 0)
            {
                Wrap(() => _ec2.DescribeSecurityGroups(new DescribeRequest(additionalGroups)));
            }

            // EKS names the group after the cluster with a number of its own (eks-cluster-sg-my-cluster-1234567890);
            // here the number is derived from the cluster's name, so the group's name and ID are stable for a world.
            var number = _ids.Number("eks-cluster-sg", request.Name, 100_000_000, int.MaxValue);
            var groupName = $"eks-cluster-sg-{request.Name}-{number.ToString(CultureInfo.InvariantCulture)}";
            var groupId = _ec2.CreateSecurityGroup(new CreateSecurityGroupRequest(
                groupName,
                "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.",
                vpcId,
                [new Tag($"kubernetes.io/cluster/{request.Name}", "owned"), new Tag("aws:eks:cluster-name", request.Name), new Tag("Name", groupName)],
                request.Existing ? request.ClusterSecurityGroupId : null));
            _ec2.AuthorizeSecurityGroupIngress(groupId, [IpPermission.FromGroup("-1", null, null, groupId)]);
            if (network.IsIpv6)
            {
                // The cluster security group's outbound rule is "0.0.0.0/0 (IPv4) or ::/0 (IPv6)" (EKS user guide,
                // sec-group-reqs): an IPv6 cluster's pods and nodes send IPv6, which the group's IPv4 rule does not allow.
                _ec2.AuthorizeSecurityGroupEgress(groupId, [new IpPermission("-1", Ipv6Ranges: [new Ipv6Range("::/0")])]);
            }

            var cluster = new ClusterEntity(
                new Cluster(
                    request.Name,
                    $"arn:aws:eks:{_options.Region}:{_options.AccountId}:cluster/{request.Name}",
                    _time.GetUtcNow(),
                    version,
                    $"https://{_ids.Hex("eks-endpoint", request.Name, 32).ToUpperInvariant()}.gr7.{_options.Region}.eks.amazonaws.com",
                    request.RoleArn,
                    new VpcConfigResponse([.. request.SubnetIds], [.. additionalGroups], groupId, vpcId, request.EndpointPublicAccess ?? true, request.EndpointPrivateAccess ?? false, request.PublicAccessCidrs is { Count: > 0 } cidrs ? [.. cidrs] : ["0.0.0.0/0"]),
                    network,
                    request.Existing ? ClusterStatus.Active : ClusterStatus.Creating,
                    "eks.1",
                    request.Tags ?? new Dictionary<string, string>()))
            {
                // A cluster a world describes exists already; one created now takes EKS's provisioning time.
                ActiveAt = request.Existing ? _time.GetUtcNow() : _time.GetUtcNow() + EksLifecycle.ClusterCreating,
            };
            _clusters.Add(request.Name, cluster);
            return cluster.Current(_time.GetUtcNow());
        }
    }

    /// <summary>The cluster as <c>aws eks describe-cluster</c> shows it now: CREATING until it is provisioned, DELETING while it goes.</summary>
    /// <exception cref="AwsException"><c>ResourceNotFoundException</c> "No cluster found for name: NAME." (also once a deleted cluster is gone).</exception>
    public Cluster DescribeCluster(string name)
    {
        lock (_lock)
        {
            return FindCluster(name).Current(_time.GetUtcNow());
        }
    }

    /// <summary>Whether a cluster of that name exists (being created or deleted included).</summary>
    public bool ClusterExists(string name)
    {
        lock (_lock)
        {
            Expire();
            return _clusters.ContainsKey(name);
        }
    }

    /// <summary>The account's clusters by name, those being created or deleted included (ListClusters).</summary>
    public IReadOnlyList<string> ListClusters()
    {
        lock (_lock)
        {
            Expire();
            return [.. _clusters.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// The earliest moment a cluster or node group changes status by itself (CREATING → ACTIVE, DELETING → gone, an
    /// endpoint access update done and the cluster ACTIVE again, a new group whose nodes have not joined CREATE_FAILED),
    /// or null when none is in progress: what a caller waiting on EKS waits for.
    /// </summary>
    public DateTimeOffset? NextTransition
    {
        get
        {
            lock (_lock)
            {
                Expire();
                var now = _time.GetUtcNow();
                return _clusters.Values
                    .SelectMany(c => c.Nodegroups.Values.SelectMany(n => new[] { n.ActiveAt, n.GoneAt, n.CreationNodeMissing ? n.Nodegroup.CreatedAt + EksLifecycle.NodeJoinTimeout : null }
                            .Concat(n.Updates.Select(u => (DateTimeOffset?)u.DoneAt))
                            .Concat(n.Terminating.Select(t => (DateTimeOffset?)(t.Since + EksLifecycle.NodeDrainTimeout))))
                        .Concat(c.FargateProfiles.Values.SelectMany(f => new[] { f.ActiveAt, f.GoneAt }))
                        .Concat(c.Updates.Select(u => (DateTimeOffset?)u.DoneAt))
                        .Append(c.ActiveAt).Append(c.GoneAt))
                    .Where(at => at > now && at != DateTimeOffset.MaxValue)
                    .Min();
            }
        }
    }

    public Nodegroup CreateNodegroup(CreateNodegroupRequest request)
    {
        lock (_lock)
        {
            var cluster = FindCluster(request.ClusterName);
            if (cluster.Nodegroups.ContainsKey(request.NodegroupName))
            {
                throw EksErrors.ResourceInUse($"NodeGroup already exists with name {request.NodegroupName} and cluster name {request.ClusterName}");
            }

            if (_iam.RoleNameOf(request.NodeRole) is null)
            {
                throw EksErrors.InvalidParameter($"The role with name {request.NodeRole} cannot be found.");
            }

            var scaling = request.ScalingConfig ?? new NodegroupScalingConfig(1, 2, 2);
            if (scaling.MinSize < 0 || scaling.MaxSize < 1 || scaling.DesiredSize < scaling.MinSize || scaling.DesiredSize > scaling.MaxSize)
            {
                throw EksErrors.InvalidParameter($"scalingConfig is invalid: minSize {scaling.MinSize} <= desiredSize {scaling.DesiredSize} <= maxSize {scaling.MaxSize} is required, and maxSize must be at least 1");
            }

            if (scaling.MaxSize > EksErrors.MaxNodesPerNodegroup)
            {
                throw EksErrors.NodegroupTooLarge(scaling.MaxSize);
            }

            // The API's constraints on labels and taints (CreateNodegroup in the Amazon EKS API reference).
            foreach (var (key, value) in request.Labels ?? new Dictionary<string, string>())
            {
                var length = $"[Member must have length less than or equal to {EksErrors.MaxLabelOrTaintLength}, Member must have length greater than or equal to 1]";
                if (key.Length is < 1 or > EksErrors.MaxLabelOrTaintLength)
                {
                    throw EksErrors.NodegroupConstraint(key, "labels", $"Map keys must satisfy constraint: {length}");
                }

                if (value.Length is < 1 or > EksErrors.MaxLabelOrTaintLength)
                {
                    throw EksErrors.NodegroupConstraint(value, "labels", $"Map value must satisfy constraint: {length}");
                }
            }

            if (request.Taints is { Count: > EksErrors.MaxTaintsPerNodegroup } many)
            {
                throw EksErrors.NodegroupConstraint($"{many.Count} taints", "taints", $"Member must have length less than or equal to {EksErrors.MaxTaintsPerNodegroup}");
            }

            foreach (var taint in request.Taints ?? [])
            {
                if (taint.Key.Length is < 1 or > EksErrors.MaxLabelOrTaintLength)
                {
                    throw EksErrors.NodegroupConstraint(taint.Key, "taints.member.key", $"Member must have length less than or equal to {EksErrors.MaxLabelOrTaintLength}");
                }

                if (taint.Value?.Length > EksErrors.MaxLabelOrTaintLength)
                {
                    throw EksErrors.NodegroupConstraint(taint.Value, "taints.member.value", $"Member must have length less than or equal to {EksErrors.MaxLabelOrTaintLength}");
                }

                if (!NodegroupTaint.Effects.Contains(taint.Effect))
                {
                    throw EksErrors.InvalidParameter($"Taint effect {taint.Effect} is not valid; valid values: {string.Join(", ", NodegroupTaint.Effects)}");
                }
            }

            // Without --ami-type EKS picks the version's default (AL2 before 1.30, AL2023 from it); a type it publishes
            // no AMI of for the version is refused.
            var clusterVersion = cluster.Current(_time.GetUtcNow()).Version;
            var amiType = request.AmiType ?? AmiTypes.DefaultFor(clusterVersion);
            if (!AmiTypes.All.Contains(amiType, StringComparer.Ordinal))
            {
                throw AmiTypes.Invalid(amiType);
            }

            if (request.Version is { } requested && requested != clusterVersion)
            {
                // EKS's text was not found; its API reference: the cluster's version "is the only accepted specified value".
                throw EksErrors.InvalidParameter($"version {requested} is not the cluster's ({clusterVersion}): CreateNodegroup accepts only the cluster's Kubernetes version");
            }

            if (request.CapacityType is { } capacity && capacity != "ON_DEMAND")
            {
                throw EksErrors.InvalidParameter(capacity is "SPOT" or "CAPACITY_BLOCK"
                    ? $"capacityType {capacity} is not emulated by Podnet: its node groups are ON_DEMAND"
                    : $"capacityType must be one of ON_DEMAND, SPOT, CAPACITY_BLOCK, not {capacity}");
            }

            if (request.DiskSize is < 1)
            {
                throw EksErrors.InvalidParameter($"diskSize must be at least 1 GiB, not {request.DiskSize}");
            }

            var updateConfig = NodegroupUpdateConfig.Checked(request.UpdateConfig?.MaxUnavailable, request.UpdateConfig?.MaxUnavailablePercentage, scaling.MaxSize);

            if (AmiTypes.NotOffered(amiType, clusterVersion) is { } notOffered)
            {
                throw notOffered;
            }

            var instanceTypes = request.InstanceTypes is { Count: > 0 } given ? given : ["t3.medium"];
            foreach (var type in instanceTypes)
            {
                if (_ec2.InstanceTypes.Find(type) is not { HasNetworkLimits: true })
                {
                    throw EksErrors.InvalidParameter($"Instance type {type} is not supported.");
                }
            }

            var subnets = DescribeSubnets(request.Subnets);
            if (subnets.Any(s => s.VpcId != cluster.Cluster.ResourcesVpcConfig.VpcId))
            {
                throw EksErrors.InvalidParameter("Subnets are not in the same VPC as the cluster.");
            }

            var nodegroup = new NodegroupEntity(
                new Nodegroup(
                    request.NodegroupName,
                    $"arn:aws:eks:{_options.Region}:{_options.AccountId}:nodegroup/{request.ClusterName}/{request.NodegroupName}/{_ids.Uuid("eks-nodegroup", $"{request.ClusterName}/{request.NodegroupName}")}",
                    request.ClusterName,
                    clusterVersion,
                    _time.GetUtcNow(),
                    NodegroupStatus.Creating,
                    "ON_DEMAND",
                    scaling,
                    [.. instanceTypes],
                    [.. request.Subnets],
                    amiType,
                    request.NodeRole,
                    request.Labels ?? new Dictionary<string, string>(),
                    new NodegroupResources([new AutoScalingGroup($"eks-{request.NodegroupName}-{_ids.Uuid("eks-nodegroup-asg", $"{request.ClusterName}/{request.NodegroupName}")}")]),
                    request.Tags ?? new Dictionary<string, string>(),
                    [.. request.Taints ?? []])
                {
                    UpdateConfig = updateConfig ?? NodegroupUpdateConfig.Default,
                    DiskSize = request.DiskSize ?? (AmiTypes.IsWindows(amiType) ? 50 : 20),
                })
            {
                // The instances launch at once; EKS reports the group ACTIVE once its nodes have joined.
                ActiveAt = _time.GetUtcNow() + EksLifecycle.NodegroupCreating,
            };
            foreach (var existing in request.Instances ?? [])
            {
                if (!request.Subnets.Contains(existing.SubnetId, StringComparer.Ordinal))
                {
                    throw EksErrors.InvalidParameter($"Instance {existing.InstanceId} is in {existing.SubnetId}, which is not one of the node group's subnets.");
                }

                nodegroup.Existing.Enqueue(existing);
            }

            // A public subnet (its table routes 0.0.0.0/0 to an internet gateway) that does not map public IPs on
            // launch would give nodes no way to the cluster's public endpoint: EKS fails the group for it, launching
            // nothing.
            var noPublicIps = subnets.Where(s => !s.MapPublicIpOnLaunch && RoutesToInternetGateway(s.SubnetId)).Select(s => s.SubnetId).ToList();
            if (noPublicIps.Count > 0)
            {
                nodegroup.Issue = NodegroupIssue.ForSubnetsWithoutPublicIps(noPublicIps, request.NodegroupName);
                nodegroup.CreateFailed = true;
                cluster.Nodegroups.Add(request.NodegroupName, nodegroup);
                return nodegroup.Current(_time.GetUtcNow());
            }

            // EKS takes the request; an instance EC2 will not launch (a full subnet, the cluster security group
            // gone) fails the creation afterwards: the group goes CREATE_FAILED with the cause in its health, and
            // the instances launched stay.
            Scale(cluster, nodegroup, subnets, scaling.DesiredSize);
            nodegroup.CreationInstances.UnionWith(nodegroup.InstanceIds);
            nodegroup.CreateFailed = nodegroup.LaunchError is not null;
            cluster.Nodegroups.Add(request.NodegroupName, nodegroup);
            return nodegroup.Current(_time.GetUtcNow());
        }
    }

    /// <summary>Whether the subnet's route table (its own, else the VPC's main one) sends 0.0.0.0/0 to an internet gateway: a public subnet.</summary>
    private bool RoutesToInternetGateway(string subnetId)
        => _ec2.RouteTableOfSubnet(subnetId).Routes.Any(r => r.DestinationCidrBlock == "0.0.0.0/0" && r.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) == true);

    /// <summary>
    /// Why EKS failed the node group's creation before launching anything (<c>Ec2SubnetInvalidConfiguration</c>), or
    /// null. A world's node group with such an issue is bad input, as one that cannot launch is.
    /// </summary>
    public NodegroupIssue? NodegroupCreationIssue(string clusterName, string nodegroupName)
    {
        lock (_lock)
        {
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            return nodegroup.Issue is { Code: NodegroupIssue.Codes.Ec2SubnetInvalidConfiguration } issue ? issue : null;
        }
    }

    /// <summary>
    /// What EC2 answered the node group's last launch that failed, while that failure stands (the group is
    /// CREATE_FAILED or DEGRADED for it), else null. A world's node group that cannot launch its instances is bad input.
    /// </summary>
    public AwsException? NodegroupLaunchError(string clusterName, string nodegroupName)
    {
        lock (_lock)
        {
            return FindNodegroup(clusterName, nodegroupName).LaunchError;
        }
    }

    /// <summary>The node group as <c>aws eks describe-nodegroup</c> shows it now (CREATING, ACTIVE, DELETING, CREATE_FAILED, DEGRADED), with its health.</summary>
    /// <exception cref="AwsException"><c>ResourceNotFoundException</c> "No node group found for name: NAME." (also once a deleted group is gone).</exception>
    public Nodegroup DescribeNodegroup(string clusterName, string nodegroupName)
    {
        lock (_lock)
        {
            return FindNodegroup(clusterName, nodegroupName).Current(_time.GetUtcNow());
        }
    }

    /// <summary>The cluster's node groups by name, those being created or deleted included (ListNodegroups).</summary>
    public IReadOnlyList<string> ListNodegroups(string clusterName)
    {
        lock (_lock)
        {
            return [.. FindCluster(clusterName).Nodegroups.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Changes the desired size: new instances are launched, or the newest ones terminated.</summary>
    public Nodegroup UpdateNodegroupDesiredSize(string clusterName, string nodegroupName, int desiredSize)
    {
        lock (_lock)
        {
            var cluster = FindCluster(clusterName);
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            var scaling = nodegroup.Nodegroup.ScalingConfig;
            if (desiredSize < scaling.MinSize || desiredSize > scaling.MaxSize)
            {
                throw EksErrors.InvalidParameter($"desiredSize {desiredSize} must be between minSize {scaling.MinSize} and maxSize {scaling.MaxSize}");
            }

            // A launch EC2 refuses does not fail the update: the group is DEGRADED until its Auto Scaling group can launch.
            nodegroup.Nodegroup = nodegroup.Nodegroup with { ScalingConfig = scaling with { DesiredSize = desiredSize } };
            Scale(cluster, nodegroup, DescribeSubnets(nodegroup.Nodegroup.Subnets), desiredSize);
            return nodegroup.Current(_time.GetUtcNow());
        }
    }

    /// <summary>
    /// Deletes a node group: its nodes are drained and its instances terminated (<see cref="LetGo"/>; what they leave
    /// behind stays), and the group shows DELETING until EKS has finished and its last instance is terminated, then is
    /// gone.
    /// </summary>
    /// <returns>The group as DeleteNodegroup answers: DELETING.</returns>
    /// <exception cref="AwsException"><c>ResourceNotFoundException</c> for an unknown group; <c>ResourceInUseException</c> while it is being deleted already.</exception>
    public Nodegroup DeleteNodegroup(string clusterName, string nodegroupName)
    {
        lock (_lock)
        {
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            if (nodegroup.GoneAt is not null)
            {
                throw EksErrors.ResourceInUse($"Nodegroup {nodegroupName} is already in progress with deletion");
            }

            while (nodegroup.InstanceIds.Count > 0)
            {
                LetGo(nodegroup, nodegroup.InstanceIds[^1]);
            }

            nodegroup.GoneAt = _time.GetUtcNow() + EksLifecycle.NodegroupDeleting;
            return nodegroup.Current(_time.GetUtcNow());
        }
    }

    /// <summary>
    /// Deletes a cluster once it has no node groups (EKS refuses otherwise, also while they are being deleted): it
    /// shows DELETING, then is gone with its cluster security group — unless something still uses the group, which
    /// then stays behind, as on AWS.
    /// </summary>
    /// <returns>The cluster as DeleteCluster answers: DELETING.</returns>
    /// <exception cref="AwsException"><c>ResourceNotFoundException</c> for an unknown cluster; <c>ResourceInUseException</c> "Cluster has nodegroups attached".</exception>
    public Cluster DeleteCluster(string name)
    {
        lock (_lock)
        {
            Expire();
            var cluster = FindCluster(name);
            if (cluster.Nodegroups.Count > 0)
            {
                throw EksErrors.ResourceInUse("Cluster has nodegroups attached");
            }

            cluster.GoneAt ??= _time.GetUtcNow() + EksLifecycle.ClusterDeleting;
            return cluster.Current(_time.GetUtcNow());
        }
    }

    /// <summary>The instances a node group runs now, oldest first.</summary>
    public IReadOnlyList<string> NodegroupInstanceIds(string clusterName, string nodegroupName)
    {
        lock (_lock)
        {
            return [.. FindNodegroup(clusterName, nodegroupName).InstanceIds];
        }
    }

    /// <summary>
    /// What EKS sees of a node group's instance whose node has not joined the cluster though the instance has booted
    /// (its kubelet cannot reach the API server): the group stays CREATING while it is being created, and is
    /// CREATE_FAILED with the health issue <c>NodeCreationFailure</c> ("Instances failed to join the kubernetes
    /// cluster", the instances as its <c>resourceIds</c>) once <see cref="EksLifecycle.NodeJoinTimeout"/> has passed
    /// since its creation; an ACTIVE group is DEGRADED with that issue while such an instance runs. Told by whoever runs
    /// the cluster's nodes (<see cref="World.World"/>), as EKS watches the cluster for them. Once at most per instance.
    /// </summary>
    public void NodeNotJoined(string clusterName, string nodegroupName, string instanceId)
    {
        lock (_lock)
        {
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            nodegroup.NotJoined.Add(instanceId);
        }
    }

    /// <summary>
    /// The node of an instance <see cref="NodeNotJoined"/> named has joined after all (its way to the API server was
    /// mended; the kubelet tries to register until it can). A group that was CREATE_FAILED for it stays so, as EKS does
    /// not look again (aws/containers-roadmap#764); one still CREATING, or DEGRADED, recovers.
    /// </summary>
    public void NodeJoined(string clusterName, string nodegroupName, string instanceId)
    {
        lock (_lock)
        {
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            if (nodegroup.JoinFailed(_time.GetUtcNow()) is { } issue && nodegroup.CreationNodeMissing)
            {
                nodegroup.CreateFailed = true;
                nodegroup.Issue ??= issue;
            }

            nodegroup.NotJoined.Remove(instanceId);
        }
    }

    private void Scale(ClusterEntity cluster, NodegroupEntity nodegroup, IReadOnlyList<Subnet> subnets, int desired)
    {
        var group = nodegroup.Nodegroup;
        while (nodegroup.InstanceIds.Count > desired)
        {
            LetGo(nodegroup, nodegroup.InstanceIds[^1]);
        }

        // Like the Auto Scaling group behind a node group, launch round-robin over the subnets (and so the zones).
        // A launch EC2 refuses stops the round: the group records why (its health) and tries again at a later look.
        while (nodegroup.InstanceIds.Count < desired)
        {
            var existing = nodegroup.Existing.TryPeek(out var e) ? e : null;
            var subnet = existing is null ? subnets[nodegroup.Launched % subnets.Count] : subnets.First(s => s.SubnetId == existing.SubnetId);
            if (!TryLaunch(cluster, nodegroup, subnet, existing))
            {
                return;
            }

            if (existing is not null)
            {
                nodegroup.Existing.Dequeue();
            }
        }

        nodegroup.LaunchError = null;
        nodegroup.Issue = null;
    }

    /// <summary>
    /// Takes an instance out of the group (it no longer counts toward the desired size) to be terminated once its node
    /// is drained: "Before each instance is terminated, Amazon EKS sends a signal to drain that node … If the node
    /// hasn't been drained after 5 minutes, Amazon EKS lets Auto Scaling continue the forced termination of the
    /// instance" (EKS User Guide, "Delete a managed node group"; the Auto Scaling group's termination lifecycle hook,
    /// which scaling in goes through as well). The world drains the node (<see cref="NodegroupTerminations"/>,
    /// <see cref="NodegroupNodeDrained"/>); <see cref="Expire"/> terminates what is still waiting after
    /// <see cref="EksLifecycle.NodeDrainTimeout"/>.
    /// </summary>
    private void LetGo(NodegroupEntity nodegroup, string instanceId)
    {
        nodegroup.InstanceIds.Remove(instanceId);
        nodegroup.NotJoined.Remove(instanceId);
        nodegroup.Terminating.Add((instanceId, _time.GetUtcNow()));
    }

    /// <summary>Terminates an instance the group let go (<see cref="LetGo"/>): its node is drained, or the wait is over.</summary>
    private void Terminate(NodegroupEntity nodegroup, string instanceId)
    {
        if (nodegroup.Terminating.RemoveAll(t => t.InstanceId == instanceId) > 0)
        {
            _ec2.TerminateInstances([instanceId]);
        }
    }

    /// <summary>
    /// The instances of the cluster's node groups waiting for their nodes to be drained before they are terminated
    /// (scaled in, or their group deleted), in the order they were let go; empty at once when there are none (asked at
    /// every step of a world).
    /// </summary>
    public IReadOnlyList<NodegroupTermination> NodegroupTerminations(string clusterName)
    {
        lock (_lock)
        {
            if (!_clusters.TryGetValue(clusterName, out var cluster) || !cluster.Nodegroups.Values.Any(n => n.Terminating.Count > 0))
            {
                return [];
            }

            Expire();

            return [.. cluster.Nodegroups.Values
                .OrderBy(n => n.Nodegroup.NodegroupName, StringComparer.Ordinal)
                .SelectMany(n => n.Terminating.Select(t => new NodegroupTermination(n.Nodegroup.NodegroupName, t.InstanceId)))];
        }
    }

    /// <summary>
    /// The world drained the node of an instance its group let go (<see cref="NodegroupTerminations"/>): EKS completes the
    /// lifecycle action and the instance is terminated. Nothing happens for an instance not waiting (terminated already).
    /// </summary>
    public void NodegroupNodeDrained(string clusterName, string nodegroupName, string instanceId)
    {
        lock (_lock)
        {
            if (_clusters.TryGetValue(clusterName, out var cluster) && cluster.Nodegroups.TryGetValue(nodegroupName, out var nodegroup))
            {
                Terminate(nodegroup, instanceId);
            }
        }
    }

    /// <summary>
    /// <see cref="Launch"/>, with a refusal from EC2 kept as the group's launch error and health issue
    /// (<see cref="NodegroupIssue.ForLaunchFailure"/>); false when EC2 refused.
    /// </summary>
    private bool TryLaunch(ClusterEntity cluster, NodegroupEntity nodegroup, Subnet subnet, ExistingInstance? existing)
    {
        try
        {
            Launch(cluster, nodegroup, subnet, existing);
            return true;
        }
        catch (AwsException e)
        {
            nodegroup.LaunchError = e;
            nodegroup.Issue = NodegroupIssue.ForLaunchFailure(e, subnet.SubnetId, cluster.Cluster.ResourcesVpcConfig.ClusterSecurityGroupId, nodegroup.Nodegroup.Resources.AutoScalingGroups[0].Name);
            return false;
        }
    }

    /// <summary>
    /// The node group's Auto Scaling group replacing the instances that stopped running behind EKS's back (terminated
    /// through EC2's API, a Spot interruption): each such instance is replaced by a new one launched at once, so the
    /// group keeps its desired size (EKS's <c>scalingConfig</c> does not change). The EC2 Auto Scaling User Guide,
    /// "Health checks for instances in an Auto Scaling group": an instance in a state other than running is unhealthy
    /// (an unexpected termination, by a user or a Spot interruption, included), and "when Amazon EC2 Auto Scaling
    /// determines that an InService instance is unhealthy, it replaces it with a new instance to maintain the desired
    /// capacity of the group"; "while the instance is terminating, another scaling activity launches a new instance"
    /// ("View the reason for health check failures"). The new instance goes to the group's subnet (zone) with the
    /// fewest of its instances (the group's balanced placement), ties in the group's subnet order; it boots and its
    /// node joins as any launched instance's does. A launch EC2 refuses (a full subnet) is tried again at the next
    /// look. Instances EKS terminates itself (scaling in, deleting the group) leave the group first and are not
    /// replaced.
    /// </summary>
    /// <returns>False when a launch was refused, so a later look must try again.</returns>
    private bool ReplaceLost(ClusterEntity cluster, NodegroupEntity nodegroup)
    {
        if (nodegroup.GoneAt is not null)
        {
            return true;
        }

        var lost = nodegroup.InstanceIds.Where(id => _ec2.TerminatesAt(id) is not null).ToList();
        if (lost.Count == 0)
        {
            return true;
        }

        var subnets = _ec2.DescribeSubnets(new DescribeRequest(nodegroup.Nodegroup.Subnets));
        foreach (var id in lost)
        {
            var kept = nodegroup.InstanceIds.Where(i => !lost.Contains(i, StringComparer.Ordinal)).ToList();
            var keptSubnets = kept.Count == 0 ? [] : _ec2.DescribeInstances(new DescribeRequest(kept)).SelectMany(r => r.Instances).Select(i => i.SubnetId).ToList();
            var subnetId = nodegroup.Nodegroup.Subnets.OrderBy(s => keptSubnets.Count(k => k == s)).First();
            if (!TryLaunch(cluster, nodegroup, subnets.First(s => s.SubnetId == subnetId), null))
            {
                // EC2 refused the launch: the lost instance stays counted until a later look launches its
                // replacement, and the group is DEGRADED meanwhile.
                return false;
            }

            nodegroup.InstanceIds.Remove(id);
            nodegroup.NotJoined.Remove(id);
        }

        nodegroup.LaunchError = null;
        nodegroup.Issue = null;
        return true;
    }

    /// <summary>Launches one instance of the node group in <paramref name="subnet"/> (<paramref name="existing"/>: one the world declares running already).</summary>
    private void Launch(ClusterEntity cluster, NodegroupEntity nodegroup, Subnet subnet, ExistingInstance? existing)
    {
        var group = nodegroup.Nodegroup;
        var reservation = _ec2.RunInstances(new RunInstancesRequest(
            existing?.InstanceType ?? group.InstanceTypes[0],
            subnet.SubnetId,
            PrivateIpAddress: existing?.PrivateIpAddress,
            InstanceId: existing?.InstanceId,
            NetworkInterfaceId: existing?.NetworkInterfaceId,
            MacAddress: existing?.MacAddress,
            SecurityGroupIds: [cluster.Cluster.ResourcesVpcConfig.ClusterSecurityGroupId],
            Tags:
            [
                new Tag("eks:cluster-name", group.ClusterName),
                new Tag("eks:nodegroup-name", group.NodegroupName),
                new Tag($"kubernetes.io/cluster/{group.ClusterName}", "owned"),
                new Tag("aws:autoscaling:groupName", group.Resources.AutoScalingGroups[0].Name),
            ],
            IamInstanceProfileRoleArn: group.NodeRole));
        if (cluster.Cluster.KubernetesNetworkConfig.IsIpv6 && existing is null)
        {
            // A node of an IPv6 cluster has an IPv6 address beside its IPv4 one (its kubelet's --node-ip, and
            // what ipamd reads as the primary IPv6): EKS's launch template asks for one on the primary interface
            // (Ipv6AddressCount 1), from the subnet's /64. An existing instance (a world's, a snapshot's) has
            // the addresses its NetworkInterface document gives it.
            // A subnet with AssignIpv6AddressOnCreation has given it one already, and EC2 gives no second.
            var primary = reservation.Instances[0].NetworkInterfaces.First(n => n.Attachment.DeviceIndex == 0).NetworkInterfaceId;
            if (_ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(primary))[0].Ipv6Addresses.Count == 0)
            {
                _ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(primary, Ipv6AddressCount: 1));
            }
        }

        nodegroup.InstanceIds.Add(reservation.Instances[0].InstanceId);
        nodegroup.InstanceVersions[reservation.Instances[0].InstanceId] = nodegroup.Rollout?.Version ?? group.Version;
        nodegroup.Launched++;
    }

    private List<Subnet> DescribeSubnets(IReadOnlyList<string> subnetIds)
    {
        if (subnetIds.Count == 0)
        {
            throw EksErrors.InvalidParameter("At least one subnet is required.");
        }

        return [.. Wrap(() => _ec2.DescribeSubnets(new DescribeRequest(subnetIds)))];
    }

    /// <summary>EKS reports EC2 problems with its request as its own InvalidParameterException.</summary>
    private static T Wrap<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (AwsException e)
        {
            throw EksErrors.InvalidParameter(e.Message);
        }
    }

    /// <summary>10.100.0.0/16 unless the VPC uses 10.0.0.0/8 space, then 172.20.0.0/16 (as the EKS AMI computes it).</summary>
    private static string DefaultServiceCidr(Vpc vpc)
        => vpc.CidrBlockAssociationSet.Any(a => a.CidrBlock.StartsWith("10.", StringComparison.Ordinal)) ? "172.20.0.0/16" : "10.100.0.0/16";

    /// <summary>
    /// What an <c>ipv6</c> cluster needs: "the VPC and subnets that you specify for cluster creation must have both
    /// IPv4 and IPv6 CIDR blocks assigned to them", and no <c>serviceIpv4Cidr</c> ("Don't specify a value if you
    /// select ipv6 for ipFamily") — both from the EKS API reference (KubernetesNetworkConfigRequest). EKS's exact
    /// wording of these refusals is not in the reference; the messages quote the documented requirement.
    /// </summary>
    private static void ValidateIpv6Network(CreateClusterRequest request, Vpc vpc, IReadOnlyList<Subnet> subnets)
    {
        if (request.ServiceIpv4Cidr is { } given)
        {
            throw EksErrors.InvalidParameter($"serviceIpv4Cidr {given} cannot be specified for a cluster of the ipv6 family: Kubernetes assigns Services IPv6 addresses from the unique local address range (fc00::/7)");
        }

        if (vpc.Ipv6CidrBlockAssociationSet.Count == 0)
        {
            throw EksErrors.InvalidParameter($"The VPC {vpc.VpcId} has no IPv6 CIDR block: for ipFamily ipv6 the VPC and subnets that you specify must have both IPv4 and IPv6 CIDR blocks assigned to them");
        }

        if (subnets.FirstOrDefault(s => s.Ipv6CidrBlockAssociationSet.Count == 0) is { } ipv4Only)
        {
            throw EksErrors.InvalidParameter($"The subnet {ipv4Only.SubnetId} has no IPv6 CIDR block: for ipFamily ipv6 the VPC and subnets that you specify must have both IPv4 and IPv6 CIDR blocks assigned to them");
        }
    }

    /// <summary>
    /// The /108 of the unique local range EKS gives an <c>ipv6</c> cluster's Services (<c>serviceIpv6Cidr</c>, e.g.
    /// <c>fd30:1c53:5f8a::/108</c>): an RFC 4193 local prefix (fd and a 40-bit global ID) with the rest zero. EKS's
    /// global ID is random; Podnet's is hashed from the cluster's name, so it is the same on every run of a world.
    /// </summary>
    private string ServiceIpv6Cidr(string clusterName)
    {
        var id = _ids.Hex("eks-service-ipv6", clusterName, 10);
        return $"fd{id[..2]}:{id[2..6]}:{id[6..10]}::/108";
    }

    private static void ValidateServiceCidr(string text, Vpc vpc)
    {
        CidrBlock[] privateRanges = [CidrBlock.Parse("10.0.0.0/8"), CidrBlock.Parse("172.16.0.0/12"), CidrBlock.Parse("192.168.0.0/16")];
        if (!CidrBlock.TryParse(text, out var cidr) || !cidr.IsIPv4 || cidr.PrefixLength is < 12 or > 24 || !privateRanges.Any(r => r.Contains(cidr)))
        {
            throw EksErrors.InvalidParameter($"serviceIpv4Cidr {text} must be a /12 to /24 block within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16");
        }

        if (vpc.CidrBlockAssociationSet.Any(a => CidrBlock.Parse(a.CidrBlock).Overlaps(cidr)))
        {
            throw EksErrors.InvalidParameter($"serviceIpv4Cidr {text} overlaps the VPC's CIDR blocks");
        }
    }

    private ClusterEntity FindCluster(string name)
    {
        Expire();
        return _clusters.GetValueOrDefault(name) ?? throw EksErrors.ClusterNotFound(name);
    }

    /// <summary>
    /// Ends the deletions whose time has come: a deleted node group or cluster is gone (the cluster's security group
    /// with it, when nothing uses it any more); and node groups replace the instances they lost
    /// (<see cref="ReplaceLost"/>). Called under the lock by every operation, so a status is always read as of now.
    /// </summary>
    private void Expire()
    {
        var now = _time.GetUtcNow();

        // Instances are lost only by TerminateInstances, so the groups are looked at when EC2 terminated one since the
        // last look, or a replacement was refused then; not on every call (the Fargate webhook asks on every pod create).
        var terminations = _ec2.TerminationsOrdered;
        var lookForLost = terminations != _terminationsSeen || _replacementOwed;
        _terminationsSeen = terminations;
        _replacementOwed = false;
        foreach (var cluster in _clusters.Values.ToList())
        {
            foreach (var nodegroup in cluster.Nodegroups.Values.Where(n => n.Terminating.Count > 0))
            {
                foreach (var (id, _) in nodegroup.Terminating.Where(t => t.Since + EksLifecycle.NodeDrainTimeout <= now).ToList())
                {
                    Terminate(nodegroup, id);
                }
            }

            foreach (var (name, _) in cluster.Nodegroups.Where(n => n.Value.GoneAt <= now && n.Value.Terminating.Count == 0).ToList())
            {
                cluster.Nodegroups.Remove(name);
            }

            foreach (var nodegroup in cluster.Nodegroups.Values)
            {
                if (lookForLost)
                {
                    _replacementOwed |= !ReplaceLost(cluster, nodegroup);
                }

                if (nodegroup.GoneAt is null && !nodegroup.CreateFailed && nodegroup.InstanceIds.Count < nodegroup.Nodegroup.ScalingConfig.DesiredSize)
                {
                    // A launch refused before (a full subnet): the Auto Scaling group tries again. A subnet gone
                    // since leaves the group as it is.
                    try
                    {
                        Scale(cluster, nodegroup, _ec2.DescribeSubnets(new DescribeRequest(nodegroup.Nodegroup.Subnets)), nodegroup.Nodegroup.ScalingConfig.DesiredSize);
                    }
                    catch (AwsException e) when (e.Code == Ec2Errors.Codes.InvalidSubnetIdNotFound)
                    {
                    }
                }
            }

            foreach (var (name, _) in cluster.FargateProfiles.Where(f => f.Value.GoneAt <= now).ToList())
            {
                cluster.FargateProfiles.Remove(name);
            }

            if (cluster.GoneAt <= now)
            {
                try
                {
                    _ec2.DeleteSecurityGroup(cluster.Cluster.ResourcesVpcConfig.ClusterSecurityGroupId);
                }
                catch (AwsException e) when (e.Code is Ec2Errors.Codes.DependencyViolation or Ec2Errors.Codes.GroupNotFound)
                {
                    // Left behind with whatever still uses it, as on AWS.
                }

                _clusters.Remove(cluster.Cluster.Name);
            }
        }
    }

    private NodegroupEntity FindNodegroup(string clusterName, string nodegroupName)
        => FindCluster(clusterName).Nodegroups.GetValueOrDefault(nodegroupName) ?? throw EksErrors.NodegroupNotFound(nodegroupName);

    private sealed class ClusterEntity(Cluster cluster)
    {
        public Cluster Cluster { get; } = cluster;

        public Dictionary<string, NodegroupEntity> Nodegroups { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, FargateProfileEntity> FargateProfiles { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset ActiveAt { get; init; }

        /// <summary>When a cluster being deleted is gone; null while it is not being deleted.</summary>
        public DateTimeOffset? GoneAt { get; set; }

        /// <summary>
        /// The cluster's updates, first to last (<see cref="UpdateClusterEndpointAccess"/>, <see cref="UpdateClusterVersion"/>,
        /// DescribeUpdate): each with the cluster as it makes it and when that takes effect; the last done one's is the
        /// cluster's.
        /// </summary>
        public List<(Update Update, Cluster After, DateTimeOffset DoneAt)> Updates { get; } = [];

        /// <summary>
        /// The cluster as DescribeCluster shows it: DELETING, CREATING until its creation time is up, UPDATING while an
        /// update is in progress, else ACTIVE; an update's configuration or version once it is done.
        /// </summary>
        public Cluster Current(DateTimeOffset now)
        {
            // Each update was made while the one before was done (only an ACTIVE cluster takes one): the last one
            // decides, and until it is done the one before it (or the creation's) is in force.
            var updating = Updates.Count > 0 && now < Updates[^1].DoneAt;
            var inForce = Updates.Count - (updating ? 2 : 1);
            return (inForce >= 0 ? Updates[inForce].After : Cluster) with
            {
                Status = GoneAt is not null ? ClusterStatus.Deleting : now < ActiveAt ? ClusterStatus.Creating : updating ? ClusterStatus.Updating : ClusterStatus.Active,
            };
        }
    }

    private sealed class NodegroupEntity(Nodegroup nodegroup)
    {
        public Nodegroup Nodegroup { get; set; } = nodegroup;

        /// <summary>
        /// The group's updates (UpdateNodegroupConfig, UpdateNodegroupVersion), oldest first, each with when it is done
        /// (<see cref="DateTimeOffset.MaxValue"/> while a version update rolls: it is done when its last old node goes).
        /// </summary>
        public List<(Update Update, DateTimeOffset DoneAt)> Updates { get; } = [];

        /// <summary>The version update rolling the group's nodes (<see cref="UpdateNodegroupVersion"/>); null when none is.</summary>
        public VersionRollout? Rollout { get; set; }

        /// <summary>The Kubernetes version each instance was launched with, by ID (a rolling group has two).</summary>
        public Dictionary<string, string> InstanceVersions { get; } = new(StringComparer.Ordinal);

        /// <summary>A version update in progress: which update it is, the version, and the old instances still to go.</summary>
        public sealed class VersionRollout(int updateIndex, string version, bool force, int maxUnavailable, List<string> old)
        {
            public int UpdateIndex { get; } = updateIndex;

            public string Version { get; } = version;

            public bool Force { get; } = force;

            public int MaxUnavailable { get; } = maxUnavailable;

            /// <summary>The old instances still running, in launch order (the order they are drained in).</summary>
            public List<string> Old { get; } = old;

            /// <summary>How many old instances there were: as many new ones are launched.</summary>
            public int OldCount { get; } = old.Count;
        }

        /// <summary>The group's labels and taints as created and after each change (<see cref="NodegroupConfig"/>).</summary>
        public List<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<NodegroupTaint> Taints)> ConfigHistory { get; } = [(nodegroup.Labels, nodegroup.Taints)];

        public DateTimeOffset ActiveAt { get; init; }

        /// <summary>When a node group being deleted is gone (not before its last instance is terminated); null while it is not being deleted.</summary>
        public DateTimeOffset? GoneAt { get; set; }

        /// <summary>
        /// The instances the group has let go (scaled in, or the group deleted) that wait for their nodes to be drained
        /// before they are terminated (the Auto Scaling group's termination lifecycle hook, Terminating:Wait), in the
        /// order they were let go, each with when that was.
        /// </summary>
        public List<(string InstanceId, DateTimeOffset Since)> Terminating { get; } = [];

        /// <summary>
        /// The group as DescribeNodegroup shows it at <paramref name="now"/>: DELETING, CREATING until its creation
        /// time is up, then CREATE_FAILED when a launch failed while it was created, DEGRADED while a later launch
        /// fails, else ACTIVE; the failure's issue is in its health once it is no longer CREATING.
        /// </summary>
        /// <remarks>
        /// A group whose instances booted without their nodes joining while it was being created (<see cref="CreationNodeMissing"/>)
        /// is CREATING until <see cref="EksLifecycle.NodeJoinTimeout"/> after its creation, then CREATE_FAILED with
        /// <c>NodeCreationFailure</c>, unless they all joined in time.
        /// </remarks>
        public Nodegroup Current(DateTimeOffset now)
        {
            var joinIssue = JoinFailed(now);
            NodegroupIssue[] issues = [.. new[] { Issue, Issue?.Code == NodegroupIssue.Codes.NodeCreationFailure ? null : joinIssue }.OfType<NodegroupIssue>()];
            var status = GoneAt is not null ? NodegroupStatus.Deleting
                : now < ActiveAt ? NodegroupStatus.Creating
                : CreateFailed ? NodegroupStatus.CreateFailed
                : CreationNodeMissing ? joinIssue is null ? NodegroupStatus.Creating : NodegroupStatus.CreateFailed
                : Updates.Count > 0 && now < Updates[^1].DoneAt ? NodegroupStatus.Updating
                : issues.Length > 0 ? NodegroupStatus.Degraded
                : NodegroupStatus.Active;
            return Nodegroup with
            {
                Status = status,
                Health = issues.Length == 0 || status == NodegroupStatus.Creating ? NodegroupHealth.Healthy : new NodegroupHealth(issues),
            };
        }

        /// <summary>
        /// The <c>NodeCreationFailure</c> issue of the instances whose nodes have not joined, once EKS gives up on them:
        /// <see cref="EksLifecycle.NodeJoinTimeout"/> after the group's creation for those of its creation, at once for
        /// later ones (a scale-up, a replacement); null while none is missing or EKS still waits.
        /// </summary>
        public NodegroupIssue? JoinFailed(DateTimeOffset now)
            => NotJoined.Count == 0 || (CreationNodeMissing && now < Nodegroup.CreatedAt + EksLifecycle.NodeJoinTimeout)
                ? null
                : NodegroupIssue.ForNodesNotJoined([.. NotJoined]);

        /// <summary>The instances that booted without their nodes joining the cluster (<see cref="NodeNotJoined"/>), by ID.</summary>
        public SortedSet<string> NotJoined { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether an instance of the group's creation has not joined: the creation waits for it, and then fails.</summary>
        public bool CreationNodeMissing => NotJoined.Overlaps(CreationInstances);

        /// <summary>The instances CreateNodegroup launched (a later scale-up's or replacement's are not the creation's).</summary>
        public HashSet<string> CreationInstances { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether a launch failed while the group was created: it is CREATE_FAILED for good and launches no more.</summary>
        public bool CreateFailed { get; set; }

        /// <summary>What EC2 answered the last failed launch, while the group has not launched what it needs since.</summary>
        public AwsException? LaunchError { get; set; }

        /// <summary>The health issue of <see cref="LaunchError"/>.</summary>
        public NodegroupIssue? Issue { get; set; }

        public List<string> InstanceIds { get; } = [];

        public int Launched { get; set; }

        /// <summary>The instances the group runs already (<see cref="CreateNodegroupRequest.Instances"/>), launched before any new one.</summary>
        public Queue<ExistingInstance> Existing { get; } = new();
    }
}
