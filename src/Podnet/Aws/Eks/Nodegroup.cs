namespace Podnet.Aws.Eks;

/// <summary>A managed node group in the shape <c>aws eks describe-nodegroup</c> prints.</summary>
/// <remarks>Its <see cref="Health"/> is EKS's <c>health</c>: no issue while it is healthy.</remarks>
public sealed record Nodegroup(
    string NodegroupName,
    string NodegroupArn,
    string ClusterName,
    string Version,
    DateTimeOffset CreatedAt,
    string Status,
    string CapacityType,
    NodegroupScalingConfig ScalingConfig,
    IReadOnlyList<string> InstanceTypes,
    IReadOnlyList<string> Subnets,
    string AmiType,
    string NodeRole,
    IReadOnlyDictionary<string, string> Labels,
    NodegroupResources Resources,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<NodegroupTaint> Taints)
{
    /// <summary>EKS's <c>health</c> of the group: its issues (none while it is healthy).</summary>
    public NodegroupHealth Health { get; init; } = NodegroupHealth.Healthy;

    /// <summary>EKS's <c>updateConfig</c> of the group (<see cref="NodegroupUpdateConfig.Default"/> unless changed).</summary>
    public NodegroupUpdateConfig UpdateConfig { get; init; } = NodegroupUpdateConfig.Default;

    /// <summary>The root device disk size of its instances, GiB (EKS's default: 20, or 50 for a Windows AMI type).</summary>
    public int DiskSize { get; init; } = 20;
}

/// <summary>
/// A taint EKS puts on every node of a managed node group (<c>aws eks create-nodegroup --taints
/// key=dedicated,value=gpu,effect=NO_SCHEDULE</c>): EKS's effect names, which the nodes carry as Kubernetes'
/// (<see cref="KubernetesEffect"/>).
/// </summary>
/// <param name="Key">The taint's key, a label key (e.g. <c>dedicated</c>).</param>
/// <param name="Value">Its value, or null.</param>
/// <param name="Effect"><c>NO_SCHEDULE</c>, <c>NO_EXECUTE</c> or <c>PREFER_NO_SCHEDULE</c>.</param>
public sealed record NodegroupTaint(string Key, string? Value, string Effect)
{
    /// <summary>EKS's effects, in the order its API documents them.</summary>
    public static IReadOnlyList<string> Effects { get; } = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"];

    /// <summary>The effect as the Node's <c>spec.taints[].effect</c> says it: NoSchedule, NoExecute, PreferNoSchedule.</summary>
    public string KubernetesEffect => Effect switch
    {
        "NO_SCHEDULE" => "NoSchedule",
        "NO_EXECUTE" => "NoExecute",
        "PREFER_NO_SCHEDULE" => "PreferNoSchedule",
        _ => throw new InvalidOperationException($"not an EKS taint effect: {Effect}"),
    };
}

public sealed record NodegroupScalingConfig(int MinSize, int MaxSize, int DesiredSize);

public sealed record NodegroupResources(IReadOnlyList<AutoScalingGroup> AutoScalingGroups);

public sealed record AutoScalingGroup(string Name);

/// <summary>
/// CreateNodegroup's request (botocore <c>CreateNodegroupRequest</c>). <paramref name="AmiType"/> null is the CLI without
/// <c>--ami-type</c>: EKS gives the group the default of the cluster's version (<see cref="AmiTypes.DefaultFor"/>).
/// </summary>
public sealed record CreateNodegroupRequest(
    string ClusterName,
    string NodegroupName,
    string NodeRole,
    IReadOnlyList<string> Subnets,
    IReadOnlyList<string>? InstanceTypes = null,
    NodegroupScalingConfig? ScalingConfig = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    string? AmiType = null,
    IReadOnlyList<NodegroupTaint>? Taints = null,
    IReadOnlyList<ExistingInstance>? Instances = null)
{
    /// <summary>
    /// <c>--kubernetes-version</c>: "By default, the Kubernetes version of the cluster is used, and this is the only accepted
    /// specified value" (CreateNodegroup, Amazon EKS API reference); null for the cluster's.
    /// </summary>
    public string? Version { get; init; }

    /// <summary><c>--capacity-type</c>: <c>ON_DEMAND</c> (the default; SPOT and CAPACITY_BLOCK are not emulated).</summary>
    public string? CapacityType { get; init; }

    /// <summary><c>--disk-size</c> in GiB; null for EKS's default, 20 (50 for a Windows AMI type).</summary>
    public int? DiskSize { get; init; }

    /// <summary><c>--update-config</c>; null for EKS's default (<see cref="NodegroupUpdateConfig.Default"/>).</summary>
    public NodegroupUpdateConfig? UpdateConfig { get; init; }
}

/// <summary>
/// An instance a node group runs already (a world's, e.g. a snapshot of a real node group): launched first, as it is,
/// with its own IDs, address and subnet (one of the node group's), so its node keeps its name
/// (<c>ip-10-0-1-23.REGION.compute.internal</c>). Not part of EKS's API: EKS launches a node group's instances itself.
/// </summary>
/// <param name="InstanceId">The instance's ID (<c>i-…</c>).</param>
/// <param name="PrivateIpAddress">Its primary private IPv4 address.</param>
/// <param name="SubnetId">Its subnet, one of the node group's.</param>
/// <param name="InstanceType">Its type; the node group's first when null.</param>
/// <param name="NetworkInterfaceId">Its primary interface's ID; EC2 draws one when null.</param>
/// <param name="MacAddress">Its primary interface's MAC address; EC2 draws one when null.</param>
public sealed record ExistingInstance(string InstanceId, string PrivateIpAddress, string SubnetId, string? InstanceType = null, string? NetworkInterfaceId = null, string? MacAddress = null);

/// <summary>
/// UpdateNodegroupConfig's arguments (<c>aws eks update-nodegroup-config --labels addOrUpdateLabels={…},removeLabels=…
/// --taints … --scaling-config minSize=…,maxSize=…,desiredSize=… --update-config maxUnavailable=…</c>): each null
/// member leaves that part of the group as it is; a scaling member not given keeps its value.
/// </summary>
/// <param name="AddOrUpdateLabels">Kubernetes labels to add to the group's nodes, or to change.</param>
/// <param name="RemoveLabels">Label keys to take off the group's nodes.</param>
/// <param name="AddOrUpdateTaints">Taints to add, or to change (by key and effect).</param>
/// <param name="RemoveTaints">Taints to take off (by key and effect).</param>
/// <param name="MinSize">The Auto Scaling group's minimum size.</param>
/// <param name="MaxSize">Its maximum size (at most <see cref="EksErrors.MaxNodesPerNodegroup"/>).</param>
/// <param name="DesiredSize">How many nodes the group should run.</param>
/// <param name="MaxUnavailable">How many nodes a version or launch template update may take down at once.</param>
/// <param name="MaxUnavailablePercentage">The same as a percentage of the group's nodes.</param>
public sealed record NodegroupConfigUpdate(
    IReadOnlyDictionary<string, string>? AddOrUpdateLabels = null,
    IReadOnlyList<string>? RemoveLabels = null,
    IReadOnlyList<NodegroupTaint>? AddOrUpdateTaints = null,
    IReadOnlyList<NodegroupTaint>? RemoveTaints = null,
    int? MinSize = null,
    int? MaxSize = null,
    int? DesiredSize = null,
    int? MaxUnavailable = null,
    int? MaxUnavailablePercentage = null);

/// <summary>
/// A node group's <c>updateConfig</c>: how many nodes (or what share of them) an update may take down at once; EKS's
/// default is one node.
/// </summary>
public sealed record NodegroupUpdateConfig(int? MaxUnavailable, int? MaxUnavailablePercentage)
{
    /// <summary>EKS's default: <c>{"maxUnavailable": 1}</c>.</summary>
    public static NodegroupUpdateConfig Default { get; } = new(1, null);

    /// <summary>
    /// The configuration CreateNodegroup or UpdateNodegroupConfig asks for, checked against the group's
    /// <paramref name="maxSize"/>: null when neither member is given.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidParameterException</c> "max-unavailable must be within the range 1 and max size of the node group"
    /// (terraform-provider-aws#26551 quotes it); a percentage outside 1–100, or both members, in Podnet's words.
    /// </exception>
    public static NodegroupUpdateConfig? Checked(int? maxUnavailable, int? maxUnavailablePercentage, int maxSize)
    {
        if (maxUnavailable is { } count && (count < 1 || count > maxSize))
        {
            throw EksErrors.InvalidParameter("max-unavailable must be within the range 1 and max size of the node group");
        }

        if (maxUnavailablePercentage is { } percentage && (percentage is < 1 or > 100 || maxUnavailable is not null))
        {
            throw EksErrors.InvalidParameter("updateConfig takes one of maxUnavailable (1 to the group's maxSize) and maxUnavailablePercentage (1 to 100)");
        }

        return maxUnavailable is null && maxUnavailablePercentage is null ? null : new(maxUnavailable, maxUnavailablePercentage);
    }
}
