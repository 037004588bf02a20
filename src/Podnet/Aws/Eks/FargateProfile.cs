namespace Podnet.Aws.Eks;

/// <summary>
/// A Fargate profile in the shape <c>aws eks describe-fargate-profile</c> prints: which pods (by namespace and labels)
/// EKS runs on Fargate, in which private subnets, with which pod execution role.
/// </summary>
/// <param name="FargateProfileName">The profile's name; the label <c>eks.amazonaws.com/fargate-profile</c> on its pods.</param>
/// <param name="FargateProfileArn"><c>arn:aws:eks:REGION:ACCOUNT:fargateprofile/CLUSTER/NAME/UUID</c>.</param>
/// <param name="ClusterName">The cluster it belongs to.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="PodExecutionRoleArn">The role the Fargate infrastructure pulls images and registers the node with.</param>
/// <param name="Subnets">Private subnets only: each pod gets its own network interface in one of them.</param>
/// <param name="Selectors">A pod that matches any one selector runs on Fargate.</param>
/// <param name="Status">CREATING, ACTIVE, DELETING (<see cref="FargateProfileStatus"/>).</param>
/// <param name="Tags">The profile's tags.</param>
public sealed record FargateProfile(
    string FargateProfileName,
    string FargateProfileArn,
    string ClusterName,
    DateTimeOffset CreatedAt,
    string PodExecutionRoleArn,
    IReadOnlyList<string> Subnets,
    IReadOnlyList<FargateProfileSelector> Selectors,
    string Status,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// One selector of a Fargate profile (<c>--selectors namespace=prod,labels={app=web}</c>): a pod in
/// <paramref name="Namespace"/> carrying every label of <paramref name="Labels"/> matches (no labels: every pod of the
/// namespace). EKS takes up to 5 label pairs per selector.
/// </summary>
public sealed record FargateProfileSelector(string Namespace, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>Whether a pod in <paramref name="podNamespace"/> with <paramref name="podLabels"/> matches.</summary>
    public bool Matches(string podNamespace, IReadOnlyDictionary<string, string> podLabels)
    {
        ArgumentNullException.ThrowIfNull(podLabels);
        return podNamespace == Namespace && Labels.All(l => podLabels.TryGetValue(l.Key, out var value) && value == l.Value);
    }
}

/// <summary>What <c>aws eks create-fargate-profile</c> sends.</summary>
/// <param name="Existing">The profile exists already (a world describes it): it is ACTIVE at once.</param>
public sealed record CreateFargateProfileRequest(
    string FargateProfileName,
    string ClusterName,
    string PodExecutionRoleArn,
    IReadOnlyList<string> Subnets,
    IReadOnlyList<FargateProfileSelector> Selectors,
    IReadOnlyDictionary<string, string>? Tags = null,
    bool Existing = false);

/// <summary>The statuses <c>describe-fargate-profile</c> reports.</summary>
public static class FargateProfileStatus
{
    public const string Creating = "CREATING";
    public const string Active = "ACTIVE";
    public const string Deleting = "DELETING";
}
