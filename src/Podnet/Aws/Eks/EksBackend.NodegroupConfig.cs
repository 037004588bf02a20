using System.Globalization;

namespace Podnet.Aws.Eks;

/// <summary>UpdateNodegroupConfig: a managed node group's labels, taints, sizes and update configuration.</summary>
public sealed partial class EksBackend
{
    /// <summary>
    /// Changes a node group's configuration (<c>aws eks update-nodegroup-config</c>): its Kubernetes labels and taints,
    /// which EKS puts on the group's nodes (those running too, not only new ones: <see cref="NodegroupConfig"/>),
    /// its sizes (instances are launched, or the newest terminated, at once) and its <c>updateConfig</c>. The answer is a
    /// <c>ConfigUpdate</c> with the parameters given (botocore's <c>UpdateParamType</c>: <c>LabelsToAdd</c>,
    /// <c>LabelsToRemove</c>, <c>TaintsToAdd</c>, <c>TaintsToRemove</c>, <c>MinSize</c>, <c>MaxSize</c>,
    /// <c>DesiredSize</c>, <c>MaxUnavailable</c>, <c>MaxUnavailablePercentage</c>), InProgress while the group is
    /// UPDATING (<see cref="EksLifecycle.NodegroupConfigUpdating"/>), then Successful.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>ResourceInUseException</c> "Nodegroup cannot be updated as it is currently not in Active State" unless the group
    /// is ACTIVE or DEGRADED (karpenter-provider-aws#133 quotes it); <c>InvalidParameterException</c> with EKS's texts for
    /// sizes that do not fit ("Minimum capacity 8 can't be greater than desired size 4", terraform-aws-eks#3306;
    /// "desiredSize can't be greater than maxSize"; "Either all or at least one of minSize, maxSize, desiredSize must be
    /// provided", rancher#33302; "max-unavailable must be within the range 1 and max size of the node group",
    /// terraform-provider-aws#26551), and in Podnet's words for an update that changes nothing.
    /// </exception>
    public Update UpdateNodegroupConfig(string clusterName, string nodegroupName, NodegroupConfigUpdate request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            var cluster = FindCluster(clusterName);
            var nodegroup = FindNodegroup(clusterName, nodegroupName);
            var now = _time.GetUtcNow();
            if (nodegroup.Current(now).Status is not (NodegroupStatus.Active or NodegroupStatus.Degraded))
            {
                throw EksErrors.ResourceInUse("Nodegroup cannot be updated as it is currently not in Active State");
            }

            var was = nodegroup.Nodegroup;
            var sizing = request.MinSize is not null || request.MaxSize is not null || request.DesiredSize is not null;
            var scaling = new NodegroupScalingConfig(
                request.MinSize ?? was.ScalingConfig.MinSize,
                request.MaxSize ?? was.ScalingConfig.MaxSize,
                request.DesiredSize ?? was.ScalingConfig.DesiredSize);
            if (scaling.MaxSize > EksErrors.MaxNodesPerNodegroup)
            {
                throw EksErrors.NodegroupTooLarge(scaling.MaxSize);
            }

            if (scaling.MinSize > scaling.DesiredSize)
            {
                throw EksErrors.InvalidParameter($"Minimum capacity {scaling.MinSize} can't be greater than desired size {scaling.DesiredSize}");
            }

            if (scaling.DesiredSize > scaling.MaxSize)
            {
                throw EksErrors.InvalidParameter("desiredSize can't be greater than maxSize");
            }

            var updateConfig = NodegroupUpdateConfig.Checked(request.MaxUnavailable, request.MaxUnavailablePercentage, scaling.MaxSize) ?? was.UpdateConfig;

            var labels = new Dictionary<string, string>(was.Labels, StringComparer.Ordinal);
            foreach (var key in request.RemoveLabels ?? [])
            {
                labels.Remove(key);
            }

            foreach (var (key, value) in request.AddOrUpdateLabels ?? new Dictionary<string, string>())
            {
                labels[key] = value;
            }

            // A taint is one per key and effect, as on a Node.
            static bool Same(NodegroupTaint a, NodegroupTaint b) => a.Key == b.Key && a.Effect == b.Effect;
            var taints = was.Taints.Where(t => !(request.RemoveTaints ?? []).Any(r => Same(r, t)) && !(request.AddOrUpdateTaints ?? []).Any(a => Same(a, t)))
                .Concat(request.AddOrUpdateTaints ?? [])
                .ToList();
            var parameters = new List<UpdateParam>();
            void Param(string type, object? value)
            {
                if (value is not null)
                {
                    parameters.Add(new UpdateParam(type, value as string ?? System.Text.Json.JsonSerializer.Serialize(value)));
                }
            }

            Param("LabelsToAdd", request.AddOrUpdateLabels);
            Param("LabelsToRemove", request.RemoveLabels);
            Param("TaintsToAdd", request.AddOrUpdateTaints?.Select(t => new { key = t.Key, value = t.Value, effect = t.Effect }).ToList());
            Param("TaintsToRemove", request.RemoveTaints?.Select(t => new { key = t.Key, value = t.Value, effect = t.Effect }).ToList());
            Param("MinSize", request.MinSize?.ToString(CultureInfo.InvariantCulture));
            Param("MaxSize", request.MaxSize?.ToString(CultureInfo.InvariantCulture));
            Param("DesiredSize", request.DesiredSize?.ToString(CultureInfo.InvariantCulture));
            Param("MaxUnavailable", request.MaxUnavailable?.ToString(CultureInfo.InvariantCulture));
            Param("MaxUnavailablePercentage", request.MaxUnavailablePercentage?.ToString(CultureInfo.InvariantCulture));
            if (parameters.Count == 0)
            {
                // EKS's text for an empty update was not found.
                throw EksErrors.InvalidParameter("UpdateNodegroupConfig needs at least one of labels, taints, scalingConfig and updateConfig");
            }

            var labelsOrTaintsChanged = !labels.OrderBy(l => l.Key, StringComparer.Ordinal).SequenceEqual(was.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)) || !taints.SequenceEqual(was.Taints);
            nodegroup.Nodegroup = was with { Labels = labels, Taints = taints, ScalingConfig = scaling, UpdateConfig = updateConfig };
            if (labelsOrTaintsChanged)
            {
                nodegroup.ConfigHistory.Add((labels, taints));
                _nodegroupConfigsVersion++;
            }

            if (sizing)
            {
                // A launch EC2 refuses does not fail the update: the group is DEGRADED until its Auto Scaling group can launch.
                Scale(cluster, nodegroup, DescribeSubnets(nodegroup.Nodegroup.Subnets), scaling.DesiredSize);
            }

            var update = new Update(_ids.Uuid("eks-nodegroup-update", $"{clusterName}/{nodegroupName}/{nodegroup.Updates.Count}"), UpdateStatus.InProgress, "ConfigUpdate", parameters, now, []);
            nodegroup.Updates.Add((update, now + EksLifecycle.NodegroupConfigUpdating));
            return update;
        }
    }

    private long _nodegroupConfigsVersion;

    /// <summary>How many times any node group's labels or taints have changed: a cheap look before a walk of the groups.</summary>
    public long NodegroupConfigsVersion
    {
        get
        {
            lock (_lock)
            {
                return _nodegroupConfigsVersion;
            }
        }
    }

    /// <summary>
    /// A node group's labels and taints at <paramref name="generation"/> (0: as created; each change of them by
    /// UpdateNodegroupConfig is the next), or now when null, with the generation they are: the world puts a change on
    /// the group's running nodes (EKS updates the nodes' labels and taints without replacing them), from what each
    /// node was given to what the group has now.
    /// </summary>
    public (int Generation, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<NodegroupTaint> Taints) NodegroupConfig(string clusterName, string nodegroupName, int? generation = null)
    {
        lock (_lock)
        {
            var history = FindNodegroup(clusterName, nodegroupName).ConfigHistory;
            var at = generation ?? history.Count - 1;
            return (at, history[at].Labels, history[at].Taints);
        }
    }
}
