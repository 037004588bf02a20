namespace Podnet.Aws.Eks;

/// <summary>
/// How long EKS takes to change a cluster's or a managed node group's status by itself, in virtual time. The seeds
/// say only that each takes "several minutes" (seed 003: "Die Erstellung des Clusters dauert mehrere Minuten");
/// these are typical figures of the EKS console's progress for a new cluster and a small node group.
/// </summary>
public static class EksLifecycle
{
    /// <summary>CreateCluster until ACTIVE: the control plane is provisioned (typically about 10 minutes).</summary>
    public static readonly TimeSpan ClusterCreating = TimeSpan.FromMinutes(10);

    /// <summary>
    /// UpdateClusterConfig of the endpoint access until the update is Successful and the cluster ACTIVE again; the EKS user
    /// guide ("Cluster API server endpoint") says only to wait until describe-update shows it Successful. Unverified.
    /// </summary>
    public static readonly TimeSpan EndpointAccessUpdating = TimeSpan.FromMinutes(5);

    /// <summary>
    /// UpdateClusterVersion until the control plane runs the new version and the cluster is ACTIVE again. EKS gives no
    /// figure ("can take several minutes"); Podnet's. Unverified.
    /// </summary>
    public static readonly TimeSpan ClusterVersionUpdating = TimeSpan.FromMinutes(10);

    /// <summary>DeleteCluster until the cluster is gone.</summary>
    public static readonly TimeSpan ClusterDeleting = TimeSpan.FromMinutes(4);

    /// <summary>CreateNodegroup until ACTIVE: the instances boot and their nodes join.</summary>
    public static readonly TimeSpan NodegroupCreating = TimeSpan.FromMinutes(3);

    /// <summary>
    /// CreateNodegroup until CREATE_FAILED when instances boot but their nodes never join (<c>NodeCreationFailure</c>):
    /// EKS waits for them about 20 minutes (terraform-aws-eks#1910: "21 minutes. error waiting for EKS Node Group to
    /// create: unexpected state 'CREATE_FAILED'", the wait of a group whose nodes did not join).
    /// </summary>
    public static readonly TimeSpan NodeJoinTimeout = TimeSpan.FromMinutes(20);

    /// <summary>
    /// UpdateNodegroupConfig until the update is Successful and the group ACTIVE again (labels, taints and sizes take
    /// effect at once). EKS gives no figure; Podnet's. Unverified.
    /// </summary>
    public static readonly TimeSpan NodegroupConfigUpdating = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long EKS waits for the node of an instance a group lets go (scaled in, or the group deleted) to be drained
    /// before the instance is terminated anyway (EKS User Guide, "Delete a managed node group": "If the node hasn't been
    /// drained after 5 minutes, Amazon EKS lets Auto Scaling continue the forced termination of the instance").
    /// </summary>
    public static readonly TimeSpan NodeDrainTimeout = TimeSpan.FromMinutes(5);

    /// <summary>DeleteNodegroup until the group is gone at the earliest: its nodes are drained and its instances terminated.</summary>
    public static readonly TimeSpan NodegroupDeleting = TimeSpan.FromMinutes(3);

    /// <summary>CreateFargateProfile until ACTIVE (the console shows a few minutes; no pod is placed by it before).</summary>
    public static readonly TimeSpan FargateProfileCreating = TimeSpan.FromMinutes(2);

    /// <summary>DeleteFargateProfile until the profile is gone.</summary>
    public static readonly TimeSpan FargateProfileDeleting = TimeSpan.FromMinutes(2);
}

/// <summary>A cluster's <c>status</c> (botocore's eks model, ClusterStatus); FAILED and PENDING are not modelled.</summary>
public static class ClusterStatus
{
    public const string Creating = "CREATING";
    public const string Active = "ACTIVE";
    public const string Deleting = "DELETING";

    /// <summary>An update of the cluster's configuration is in progress (its endpoint access).</summary>
    public const string Updating = "UPDATING";
}

/// <summary>
/// A managed node group's <c>status</c> (botocore's eks model, NodegroupStatus); UPDATING and DELETE_FAILED are not
/// modelled. CREATE_FAILED is a group whose instances could not all be launched while it was being created, DEGRADED
/// an active group whose Auto Scaling group cannot launch the instances it needs; either has the cause in its health.
/// </summary>
public static class NodegroupStatus
{
    public const string Creating = "CREATING";
    public const string Active = "ACTIVE";
    public const string Deleting = "DELETING";
    public const string CreateFailed = "CREATE_FAILED";
    public const string Degraded = "DEGRADED";

    /// <summary>An update of the group's configuration is in progress (<c>UpdateNodegroupConfig</c>).</summary>
    public const string Updating = "UPDATING";
}
