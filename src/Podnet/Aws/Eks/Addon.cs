namespace Podnet.Aws.Eks;

/// <summary>
/// An EKS add-on in the shape <c>aws eks describe-addon</c> prints (botocore eks <c>Addon</c>): the software EKS
/// deploys into the cluster and keeps at a version and configuration.
/// </summary>
/// <param name="AddonName">The add-on's name (<c>vpc-cni</c>, <c>kube-proxy</c>, <c>coredns</c>).</param>
/// <param name="ClusterName">The cluster it is installed in.</param>
/// <param name="Status">
/// One of <see cref="AddonStatus"/>: CREATING until the add-on's workloads have rolled out, then ACTIVE; UPDATING
/// likewise; CREATE_FAILED or UPDATE_FAILED when EKS's apply met conflicts (see <see cref="Health"/>); DELETING until
/// its objects are gone.
/// </param>
/// <param name="AddonVersion">The add-on version (<c>v1.19.2-eksbuild.1</c>).</param>
/// <param name="Health">The add-on's issues (e.g. <c>ConfigurationConflict</c>); empty when healthy.</param>
/// <param name="AddonArn"><c>arn:aws:eks:REGION:ACCOUNT:addon/CLUSTER/NAME/UUID</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ModifiedAt">When it was last created or updated.</param>
/// <param name="ServiceAccountRoleArn">The IAM role bound to the add-on's service account, or null (the node role).</param>
/// <param name="Tags">Its tags.</param>
/// <param name="ConfigurationValues">The configuration values as given (JSON text), or null.</param>
public sealed record Addon(
    string AddonName,
    string ClusterName,
    string Status,
    string AddonVersion,
    AddonHealth Health,
    string AddonArn,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    string? ServiceAccountRoleArn,
    IReadOnlyDictionary<string, string> Tags,
    string? ConfigurationValues);

/// <summary>An add-on's health (botocore <c>AddonHealth</c>): its issues.</summary>
public sealed record AddonHealth(IReadOnlyList<AddonIssue> Issues);

/// <summary>
/// An add-on issue (botocore <c>AddonIssue</c>): a code of <c>AddonIssueCode</c> (e.g. <c>ConfigurationConflict</c>),
/// EKS's message, and the resources it concerns.
/// </summary>
public sealed record AddonIssue(string Code, string Message, IReadOnlyList<string> ResourceIds);

/// <summary>The values of botocore's <c>AddonStatus</c>.</summary>
public static class AddonStatus
{
    public const string Creating = "CREATING";
    public const string Active = "ACTIVE";
    public const string CreateFailed = "CREATE_FAILED";
    public const string Updating = "UPDATING";
    public const string Deleting = "DELETING";
    public const string UpdateFailed = "UPDATE_FAILED";
}

/// <summary>
/// How EKS resolves a field of the add-on's objects that someone else changed (botocore <c>ResolveConflicts</c>):
/// <c>NONE</c> fails the create or update, <c>OVERWRITE</c> puts EKS's value back, <c>PRESERVE</c> (on update) keeps
/// the changed value.
/// </summary>
public static class ResolveConflicts
{
    public const string None = "NONE";
    public const string Overwrite = "OVERWRITE";
    public const string Preserve = "PRESERVE";

    /// <summary>The values the API accepts, in botocore's order.</summary>
    public static IReadOnlyList<string> All { get; } = [Overwrite, None, Preserve];
}

/// <summary>What <c>aws eks create-addon</c> sends (botocore <c>CreateAddonRequest</c>).</summary>
/// <param name="ClusterName">The cluster.</param>
/// <param name="AddonName">The add-on (one DescribeAddonVersions lists).</param>
/// <param name="AddonVersion">The version, or null for the cluster version's default.</param>
/// <param name="ServiceAccountRoleArn">An IAM role for the add-on's service account, or null.</param>
/// <param name="ResolveConflicts">NONE (the default), OVERWRITE or PRESERVE.</param>
/// <param name="ConfigurationValues">JSON text checked against DescribeAddonConfiguration's schema, or null.</param>
/// <param name="Tags">Tags, or null.</param>
/// <param name="Existing">
/// The add-on is already installed and is being described (a world's <c>Addon</c> document): it is ACTIVE at once,
/// nothing is applied (the world loader puts its objects), and any version of EKS's form is taken, as
/// <see cref="CreateClusterRequest.Existing"/> takes versions EKS no longer offers.
/// </param>
public sealed record CreateAddonRequest(
    string ClusterName,
    string AddonName,
    string? AddonVersion = null,
    string? ServiceAccountRoleArn = null,
    string? ResolveConflicts = null,
    string? ConfigurationValues = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    bool Existing = false);

/// <summary>What <c>aws eks update-addon</c> sends (botocore <c>UpdateAddonRequest</c>); null members are left as they are.</summary>
public sealed record UpdateAddonRequest(
    string ClusterName,
    string AddonName,
    string? AddonVersion = null,
    string? ServiceAccountRoleArn = null,
    string? ResolveConflicts = null,
    string? ConfigurationValues = null);
