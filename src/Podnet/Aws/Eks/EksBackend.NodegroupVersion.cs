using Podnet.Aws.Ec2;

namespace Podnet.Aws.Eks;

/// <summary>
/// UpdateNodegroupVersion: a managed node group's nodes replaced by nodes of the cluster's Kubernetes version, as EKS
/// rolls them (EKS User Guide, "Understand each phase of node updates"). EKS does the cloud's part here — the update, the
/// new instances, terminating the old ones — and the world does the Kubernetes part it asks for: cordoning and draining
/// the old nodes (<see cref="World.World"/>, which reads <see cref="NodegroupRollouts"/> and answers with
/// <see cref="NodegroupRolloutNodeDrained"/> or <see cref="NodegroupRolloutFailed"/>).
/// </summary>
public sealed partial class EksBackend
{
    /// <summary>
    /// Starts replacing a node group's nodes by nodes of <paramref name="request"/>'s version (<c>aws eks
    /// update-nodegroup-version --cluster-name … --nodegroup-name … [--kubernetes-version 1.32] [--force]</c>): a
    /// <c>VersionUpdate</c> with the parameters <c>Version</c> and <c>ReleaseVersion</c>, InProgress while the group is
    /// UPDATING. The scale-up phase launches new instances at once — the larger of twice the group's zones and its
    /// <c>maxUnavailable</c>, at most as many as it has nodes — and the first old instance terminated makes way for the
    /// rest, so the group ends with as many nodes as it had, all new. Once the new nodes are Ready, the world cordons the old ones
    /// and drains up to <c>maxUnavailable</c> at a time; each drained node's instance is terminated 60 seconds after its
    /// last pod went. The update is Successful, and the group at the new version, when the last old instance is gone.
    /// </summary>
    /// <remarks>
    /// EKS raises the Auto Scaling group's desired size by the surge, lets it replace each terminated old instance, and
    /// lowers it by the surge at the end (its scale-down phase); Podnet launches exactly one new instance per old one,
    /// which ends in the same nodes without the scale-down's extra terminations.
    /// </remarks>
    /// <exception cref="AwsException">
    /// <c>ResourceInUseException</c> "Cluster NAME is in UPDATING state and cannot be updated" while the cluster is not
    /// ACTIVE (<see cref="ActiveForUpdate"/>), "Nodegroup cannot be updated as it is currently not in Active State" unless
    /// the group is ACTIVE or DEGRADED; <c>InvalidParameterException</c> for a version other than the cluster's (the API reference:
    /// the group is updated "to match the cluster's current Kubernetes version"), and for <c>releaseVersion</c> and
    /// <c>launchTemplate</c>, which Podnet does not emulate (its groups run the latest AMI release of their version, as
    /// CreateNodegroup refuses them too).
    /// </exception>
    public Update UpdateNodegroupVersion(string clusterName, string nodegroupName, NodegroupVersionUpdate request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            var now = _time.GetUtcNow();

            // Not while the control plane changes (an update to the version this one would take is the usual case).
            var (cluster, current) = ActiveForUpdate(clusterName, now);
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            if (nodegroup.Current(now).Status is not (NodegroupStatus.Active or NodegroupStatus.Degraded))
            {
                throw EksErrors.ResourceInUse("Nodegroup cannot be updated as it is currently not in Active State");
            }

            if (request.ReleaseVersion is not null || request.LaunchTemplate)
            {
                throw EksErrors.InvalidParameter($"{(request.LaunchTemplate ? "launchTemplate" : "releaseVersion")} is not emulated by Podnet: its node groups run EKS's latest AMI release of their Kubernetes version");
            }

            var clusterVersion = current.Version;
            var version = request.Version ?? clusterVersion;
            if (version != clusterVersion)
            {
                throw EksErrors.InvalidParameter($"version {version} is not the cluster's ({clusterVersion}): a node group is updated to the cluster's Kubernetes version");
            }

            var old = nodegroup.InstanceIds.ToList();
            var group = nodegroup.Nodegroup;
            var maxUnavailable = MaxUnavailable(group.UpdateConfig, old.Count);
            var zones = old.Count == 0 ? 0 : _ec2.DescribeInstances(new DescribeRequest(old)).SelectMany(r => r.Instances).Select(i => i.Placement.AvailabilityZone).Distinct(StringComparer.Ordinal).Count();
            var update = new Update(
                _ids.Uuid("eks-nodegroup-update", $"{clusterName}/{nodegroupName}/{nodegroup.Updates.Count}"),
                UpdateStatus.InProgress,
                "VersionUpdate",
                [new UpdateParam("Version", version), new UpdateParam("ReleaseVersion", EksOptimizedAmi.ReleaseVersion(group.AmiType, version))],
                now,
                []);
            nodegroup.Updates.Add((update, DateTimeOffset.MaxValue));
            nodegroup.Rollout = new NodegroupEntity.VersionRollout(nodegroup.Updates.Count - 1, version, request.Force, maxUnavailable, old);
            if (old.Count == 0)
            {
                FinishRollout(nodegroup, now);
                return update;
            }

            // The scale-up phase: twice the zones ("to ensure at least one new instance comes up in every Availability
            // Zone"), or maxUnavailable if larger, never more than the nodes being replaced.
            var surge = Math.Min(old.Count, Math.Max(2 * zones, maxUnavailable));
            Scale(cluster, nodegroup, DescribeSubnets(group.Subnets), old.Count + surge);
            return update;
        }
    }

    /// <summary>A group's <c>maxUnavailable</c> for <paramref name="nodes"/> nodes (a percentage rounded down, at least 1).</summary>
    private static int MaxUnavailable(NodegroupUpdateConfig config, int nodes)
        => config.MaxUnavailable ?? Math.Max(1, nodes * (config.MaxUnavailablePercentage ?? 100) / 100);

    /// <summary>The version updates of the cluster's node groups in progress, for the world to cordon and drain their old nodes.</summary>
    public IReadOnlyList<NodegroupRolloutState> NodegroupRollouts(string clusterName)
    {
        lock (_lock)
        {
            // Asked at every step of a world: most of the time no group rolls.
            if (!_clusters.TryGetValue(clusterName, out var cluster) || !cluster.Nodegroups.Values.Any(n => n.Rollout is not null && n.GoneAt is null))
            {
                return [];
            }

            return [.. cluster.Nodegroups.Values
                .Where(n => n.Rollout is not null && n.GoneAt is null)
                .OrderBy(n => n.Nodegroup.NodegroupName, StringComparer.Ordinal)
                .Select(n =>
                {
                    var old = n.Rollout!.Old.ToHashSet(StringComparer.Ordinal);
                    return new NodegroupRolloutState(
                        n.Nodegroup.NodegroupName,
                        n.Rollout.Version,
                        n.Rollout.Force,
                        n.Rollout.MaxUnavailable,
                        [.. n.Rollout.Old],
                        [.. n.InstanceIds.Where(id => !old.Contains(id))],
                        n.Updates[n.Rollout.UpdateIndex].Update.CreatedAt);
                })];
        }
    }

    /// <summary>
    /// The world drained an old node of a rolling group (60 seconds ago): EKS terminates its instance, launches the next
    /// new one if the group still has fewer new instances than it had old, and finishes the update once no old instance
    /// is left.
    /// </summary>
    public void NodegroupRolloutNodeDrained(string clusterName, string nodegroupName, string instanceId)
    {
        lock (_lock)
        {
            var cluster = FindCluster(clusterName);
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            if (nodegroup.Rollout is not { } rollout || !rollout.Old.Remove(instanceId))
            {
                return;
            }

            // The old instances left and, in its place, as many new ones as the group had old (a new one EC2 refuses is
            // launched at the next drain).
            // Drained by the update already: out of the group and terminated at once.
            LetGo(nodegroup, instanceId);
            Terminate(nodegroup, instanceId);
            Scale(cluster, nodegroup, DescribeSubnets(nodegroup.Nodegroup.Subnets), rollout.Old.Count + rollout.OldCount);

            if (rollout.Old.Count == 0)
            {
                FinishRollout(nodegroup, _time.GetUtcNow());
            }
        }
    }

    /// <summary>
    /// The world could not drain a rolling group's node (a PodDisruptionBudget held a pod past EKS's 15 minutes, without
    /// <c>--force</c>): the update is Failed with <paramref name="error"/> and the group ACTIVE again at its old version,
    /// its nodes as they are (the new ones stay, the old ones cordoned), as EKS leaves them.
    /// </summary>
    public void NodegroupRolloutFailed(string clusterName, string nodegroupName, ErrorDetail error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_lock)
        {
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            if (nodegroup.Rollout is not { } rollout)
            {
                return;
            }

            var (update, _) = nodegroup.Updates[rollout.UpdateIndex];
            nodegroup.Updates[rollout.UpdateIndex] = (update with { Status = UpdateStatus.Failed, Errors = [error] }, _time.GetUtcNow());
            nodegroup.Rollout = null;
        }
    }

    /// <summary>The Kubernetes version an instance of a node group was launched with: its kubelet's.</summary>
    public string NodegroupInstanceVersion(string clusterName, string nodegroupName, string instanceId)
    {
        lock (_lock)
        {
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            return nodegroup.InstanceVersions.GetValueOrDefault(instanceId) ?? nodegroup.Nodegroup.Version;
        }
    }

    private static void FinishRollout(NodegroupEntity nodegroup, DateTimeOffset now)
    {
        var rollout = nodegroup.Rollout!;
        nodegroup.Nodegroup = nodegroup.Nodegroup with { Version = rollout.Version };
        nodegroup.Updates[rollout.UpdateIndex] = (nodegroup.Updates[rollout.UpdateIndex].Update, now);
        nodegroup.Rollout = null;
    }
}
