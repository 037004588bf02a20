using System.Globalization;

namespace Podnet.Aws.Eks;

/// <summary>A cluster's own updates: its endpoint access (UpdateClusterConfig) and its Kubernetes version (UpdateClusterVersion).</summary>
public sealed partial class EksBackend
{
    /// <summary>
    /// Changes how the cluster's API server endpoint is reached (<c>aws eks update-cluster-config --resources-vpc-config
    /// endpointPublicAccess=…,endpointPrivateAccess=…,publicAccessCidrs=…</c>): an <c>EndpointAccessUpdate</c> with the
    /// parameters given, <c>InProgress</c> while the cluster is UPDATING (<see cref="EksLifecycle.EndpointAccessUpdating"/>),
    /// then <c>Successful</c> with the new access in force; nodes reach the API server by it from then on.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidParameterException</c> "Cluster is already at the desired configuration with endpointPrivateAccess: …"
    /// when nothing would change (eksctl#4043 quotes it); <c>ResourceInUseException</c> while the cluster is not ACTIVE
    /// (in the add-ons' words: EKS's own text for a cluster was not found).
    /// </exception>
    public Update UpdateClusterEndpointAccess(string clusterName, bool? publicAccess, bool? privateAccess, IReadOnlyList<string>? publicAccessCidrs)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var (entity, current) = ActiveForUpdate(clusterName, now);

            var was = current.ResourcesVpcConfig;
            var config = was with
            {
                EndpointPublicAccess = publicAccess ?? was.EndpointPublicAccess,
                EndpointPrivateAccess = privateAccess ?? was.EndpointPrivateAccess,
                PublicAccessCidrs = publicAccessCidrs is { Count: > 0 } cidrs ? [.. cidrs] : was.PublicAccessCidrs,
            };
            if (config.EndpointPublicAccess == was.EndpointPublicAccess && config.EndpointPrivateAccess == was.EndpointPrivateAccess && config.PublicAccessCidrs.SequenceEqual(was.PublicAccessCidrs, StringComparer.Ordinal))
            {
                throw EksErrors.InvalidParameter($"Cluster is already at the desired configuration with endpointPrivateAccess: {Lower(was.EndpointPrivateAccess)} , endpointPublicAccess: {Lower(was.EndpointPublicAccess)}, and Public Endpoint Restrictions: [{string.Join(", ", was.PublicAccessCidrs)}]");
            }

            var parameters = new List<UpdateParam>();
            if (publicAccess is { } p)
            {
                parameters.Add(new UpdateParam("EndpointPublicAccess", Lower(p)));
            }

            if (privateAccess is { } q)
            {
                parameters.Add(new UpdateParam("EndpointPrivateAccess", Lower(q)));
            }

            if (publicAccessCidrs is { Count: > 0 })
            {
                parameters.Add(new UpdateParam("PublicAccessCidrs", System.Text.Json.JsonSerializer.Serialize(publicAccessCidrs)));
            }

            var update = new Update(_ids.Uuid("eks-cluster-update", $"{clusterName}/{entity.Updates.Count}"), UpdateStatus.InProgress, "EndpointAccessUpdate", parameters, now, []);
            entity.Updates.Add((update, current with { ResourcesVpcConfig = config }, now + EksLifecycle.EndpointAccessUpdating));
            return update;
        }

        static string Lower(bool value) => value ? "true" : "false";
    }

    /// <summary>
    /// Updates the cluster's control plane to the next Kubernetes minor version (<c>aws eks update-cluster-version --name
    /// … --kubernetes-version 1.32</c>): a <c>VersionUpdate</c> with the parameters <c>Version</c> and
    /// <c>PlatformVersion</c>, InProgress while the cluster is UPDATING (<see cref="EksLifecycle.ClusterVersionUpdating"/>),
    /// then Successful with the cluster at that version — its API server reports it, new node groups take it. The node
    /// groups keep theirs (their kubelets one minor behind, which Kubernetes' skew policy allows) until they are updated
    /// themselves, which Podnet does not emulate.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidParameterException</c> "Unsupported Kubernetes minor version update from 1.31 to 1.33" for anything but
    /// the next minor version (the same version and a downgrade too: terraform-aws-eks#2607, rancher#21043, rancher#28939),
    /// "unsupported Kubernetes version" for one EKS does not offer, "Nodegroups ng-1 must be updated to match cluster
    /// version 1.32 before updating cluster version" while a managed node group is at another version (several named
    /// with commas: EKS's separator was not found); <c>ResourceInUseException</c> while the cluster is not ACTIVE.
    /// </exception>
    public Update UpdateClusterVersion(string clusterName, string version)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var (entity, current) = ActiveForUpdate(clusterName, now);

            if (!OfferedVersions.Contains(version))
            {
                throw EksErrors.InvalidParameter("unsupported Kubernetes version");
            }

            if (Minor(version) != Minor(current.Version) + 1)
            {
                throw EksErrors.InvalidParameter($"Unsupported Kubernetes minor version update from {current.Version} to {version}");
            }

            // The managed node groups must be at the control plane's version before it moves on (EKS user guide, "Update
            // existing cluster to new Kubernetes version"; terraform-provider-aws#19478 quotes the text).
            var behind = entity.Nodegroups.Values.Where(n => n.GoneAt is null && n.Nodegroup.Version != current.Version).Select(n => n.Nodegroup.NodegroupName).Order(StringComparer.Ordinal).ToList();
            if (behind.Count > 0)
            {
                throw EksErrors.InvalidParameter($"Nodegroups {string.Join(",", behind)} must be updated to match cluster version {current.Version} before updating cluster version");
            }

            const string platformVersion = "eks.1";
            var update = new Update(
                _ids.Uuid("eks-cluster-update", $"{clusterName}/{entity.Updates.Count}"),
                UpdateStatus.InProgress,
                "VersionUpdate",
                [new UpdateParam("Version", version), new UpdateParam("PlatformVersion", platformVersion)],
                now,
                []);
            entity.Updates.Add((update, current with { Version = version, PlatformVersion = platformVersion }, now + EksLifecycle.ClusterVersionUpdating));
            return update;
        }

        static int Minor(string version) => int.Parse(version.AsSpan(version.IndexOf('.', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
    }

    /// <summary>An update of the cluster itself (<see cref="UpdateClusterEndpointAccess"/>) by its ID, as it is now; null when it has none of that ID.</summary>
    private static Update? ClusterUpdate(ClusterEntity cluster, string updateId, DateTimeOffset now)
        => cluster.Updates.FirstOrDefault(u => u.Update.Id == updateId) is { Update: { } update } found ? update.AsOf(found.DoneAt, now) : null;

    /// <summary>The cluster and how it is now, which must be ACTIVE to take an update (only one runs at a time).</summary>
    /// <exception cref="AwsException">
    /// <c>ResourceInUseException</c> "Cluster NAME is in UPDATING state and cannot be updated": the add-ons' form of the
    /// refusal (EksBackend.Addons); EKS's own text for a cluster was not found.
    /// </exception>
    private (ClusterEntity Entity, Cluster Current) ActiveForUpdate(string clusterName, DateTimeOffset now)
    {
        var entity = FindCluster(clusterName);
        var current = entity.Current(now);
        return current.Status == ClusterStatus.Active
            ? (entity, current)
            : throw EksErrors.ResourceInUse($"Cluster {clusterName} is in {current.Status} state and cannot be updated");
    }
}
