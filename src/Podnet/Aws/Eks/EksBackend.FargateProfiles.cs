using Podnet.Aws.Ec2;

namespace Podnet.Aws.Eks;

/// <summary>
/// Fargate profiles (CreateFargateProfile, DescribeFargateProfile, ListFargateProfiles, DeleteFargateProfile). The
/// error texts are EKS's own, as moto's EKS backend records them from the real API ("Obtained through cURL responses
/// from the actual APIs", <c>moto/eks/models.py</c>) and as aws-k8s-tester quotes the private-subnet refusal.
/// </summary>
public sealed partial class EksBackend
{
    /// <summary>EKS's limit on label pairs per Fargate profile selector.</summary>
    public const int MaxFargateSelectorLabels = 5;

    /// <summary>
    /// Creates a Fargate profile: CREATING, ACTIVE after <see cref="EksLifecycle.FargateProfileCreating"/> (at once
    /// when <see cref="CreateFargateProfileRequest.Existing"/>).
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>ResourceNotFoundException</c> for an unknown cluster; <c>ResourceInUseException</c> "A Fargate Profile
    /// already exists with this name in this cluster."; <c>InvalidParameterException</c> for no selector ("Fargate
    /// Profile requires at least one selector."), a selector without namespace, more than 5 labels in a selector, an
    /// unknown role, no subnet, a subnet outside the cluster's VPC, or a public one ("Subnet subnet-… provided in
    /// Fargate Profile is not a private subnet").
    /// </exception>
    public FargateProfile CreateFargateProfile(CreateFargateProfileRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            Expire();
            var cluster = FindCluster(request.ClusterName);
            if (cluster.FargateProfiles.ContainsKey(request.FargateProfileName))
            {
                throw EksErrors.ResourceInUse("A Fargate Profile already exists with this name in this cluster.");
            }

            if (request.Selectors.Count == 0)
            {
                throw EksErrors.InvalidParameter("Fargate Profile requires at least one selector.");
            }

            if (request.Selectors.Any(s => string.IsNullOrEmpty(s.Namespace)))
            {
                throw EksErrors.InvalidParameter("Fargate Profile must have at least one selector with at least one namespace value.");
            }

            if (request.Selectors.Any(s => s.Labels.Count > MaxFargateSelectorLabels))
            {
                throw EksErrors.InvalidParameter($"Request contains Selector with more than {MaxFargateSelectorLabels} Label pairs");
            }

            if (_iam.RoleNameOf(request.PodExecutionRoleArn) is null)
            {
                throw EksErrors.InvalidParameter($"The role with name {request.PodExecutionRoleArn} cannot be found.");
            }

            var subnets = DescribeSubnets(request.Subnets);
            if (subnets.Any(s => s.VpcId != cluster.Cluster.ResourcesVpcConfig.VpcId))
            {
                throw EksErrors.InvalidParameter("Subnets are not in the same VPC as the cluster.");
            }

            if (subnets.FirstOrDefault(IsPublic) is { } publicSubnet)
            {
                throw EksErrors.InvalidParameter($"Subnet {publicSubnet.SubnetId} provided in Fargate Profile is not a private subnet");
            }

            var now = _time.GetUtcNow();
            var profile = new FargateProfile(
                request.FargateProfileName,
                $"arn:aws:eks:{_options.Region}:{_options.AccountId}:fargateprofile/{request.ClusterName}/{request.FargateProfileName}/{_ids.NextRequestId()}",
                request.ClusterName,
                now,
                request.PodExecutionRoleArn,
                [.. request.Subnets],
                [.. request.Selectors],
                FargateProfileStatus.Creating,
                request.Tags ?? new Dictionary<string, string>());
            var entity = new FargateProfileEntity(profile) { ActiveAt = request.Existing ? now : now + EksLifecycle.FargateProfileCreating };
            cluster.FargateProfiles.Add(request.FargateProfileName, entity);
            return entity.Current(now);
        }
    }

    /// <summary>The profile as <c>aws eks describe-fargate-profile</c> shows it now.</summary>
    /// <exception cref="AwsException"><c>ResourceNotFoundException</c> "No Fargate Profile found with name: NAME.".</exception>
    public FargateProfile DescribeFargateProfile(string clusterName, string fargateProfileName)
    {
        lock (_lock)
        {
            Expire();
            return FindFargateProfile(clusterName, fargateProfileName).Current(_time.GetUtcNow());
        }
    }

    /// <summary>The cluster's Fargate profiles by name, those being created or deleted included (ListFargateProfiles).</summary>
    public IReadOnlyList<string> ListFargateProfiles(string clusterName)
    {
        lock (_lock)
        {
            Expire();
            return [.. FindCluster(clusterName).FargateProfiles.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The cluster's ACTIVE Fargate profiles, by name: those EKS's admission places pods by.</summary>
    public IReadOnlyList<FargateProfile> ActiveFargateProfiles(string clusterName)
    {
        lock (_lock)
        {
            Expire();
            var now = _time.GetUtcNow();
            return _clusters.TryGetValue(clusterName, out var cluster)
                ? [.. cluster.FargateProfiles.Values.Select(f => f.Current(now)).Where(f => f.Status == FargateProfileStatus.Active).OrderBy(f => f.FargateProfileName, StringComparer.Ordinal)]
                : [];
        }
    }

    /// <summary>Deletes a profile: DELETING, gone after <see cref="EksLifecycle.FargateProfileDeleting"/>.</summary>
    /// <exception cref="AwsException"><c>ResourceNotFoundException</c> for an unknown profile; <c>ResourceInUseException</c> while it is being deleted already.</exception>
    public FargateProfile DeleteFargateProfile(string clusterName, string fargateProfileName)
    {
        lock (_lock)
        {
            Expire();
            var profile = FindFargateProfile(clusterName, fargateProfileName);
            if (profile.GoneAt is not null)
            {
                throw EksErrors.ResourceInUse($"Fargate Profile {fargateProfileName} is already in progress with deletion");
            }

            profile.GoneAt = _time.GetUtcNow() + EksLifecycle.FargateProfileDeleting;
            return profile.Current(_time.GetUtcNow());
        }
    }

    /// <summary>
    /// A subnet EKS refuses for Fargate: its route table sends traffic to an internet gateway (the check aws-k8s-tester
    /// quotes: <c>isSubnetPrivate</c> on the subnet's routes), or, in a world that gives no routes, it is marked public
    /// by <c>MapPublicIpOnLaunch</c> as public subnets of an EKS VPC are.
    /// </summary>
    private bool IsPublic(Subnet subnet)
        => subnet.MapPublicIpOnLaunch
           || _ec2.RouteTableOfSubnet(subnet.SubnetId).Routes.Any(r => r.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) == true);

    private FargateProfileEntity FindFargateProfile(string clusterName, string fargateProfileName)
        => FindCluster(clusterName).FargateProfiles.GetValueOrDefault(fargateProfileName) ?? throw EksErrors.FargateProfileNotFound(fargateProfileName);

    private sealed class FargateProfileEntity(FargateProfile profile)
    {
        public FargateProfile Profile { get; } = profile;

        public DateTimeOffset ActiveAt { get; init; }

        /// <summary>When a profile being deleted is gone; null while it is not being deleted.</summary>
        public DateTimeOffset? GoneAt { get; set; }

        public FargateProfile Current(DateTimeOffset now) => Profile with
        {
            Status = GoneAt is not null ? FargateProfileStatus.Deleting : now < ActiveAt ? FargateProfileStatus.Creating : FargateProfileStatus.Active,
        };
    }
}
