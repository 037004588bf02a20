using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Cni;
using Podnet.Kube.Serialization;

namespace Podnet.Aws.Eks;

/// <summary>
/// EKS add-ons (CreateAddon, DescribeAddon, UpdateAddon, DeleteAddon, ListAddons, DescribeUpdate,
/// DescribeAddonVersions, DescribeAddonConfiguration): EKS keeps each add-on's record and has its add-on manager
/// (<see cref="AddonInstaller"/>) apply the add-on to the cluster. The status follows what the cluster does: CREATING
/// or UPDATING until the add-on's workloads have rolled out, then ACTIVE; CREATE_FAILED or UPDATE_FAILED with a
/// <c>ConfigurationConflict</c> health issue when the apply met fields someone else changed; DELETING until its
/// objects are gone.
/// </summary>
public sealed partial class EksBackend
{
    private readonly Dictionary<(string Cluster, string Addon), AddonEntity> _addons = [];

    private readonly Dictionary<string, IAddonInstaller> _addonInstallers = new(StringComparer.Ordinal);

    /// <summary>
    /// Sets the add-on manager that applies add-ons to the cluster <paramref name="clusterName"/> (the world running
    /// that cluster sets it); without one an add-on has nothing to roll out and is ACTIVE at once.
    /// </summary>
    public void UseAddonInstaller(string clusterName, IAddonInstaller installer)
    {
        lock (_lock)
        {
            _addonInstallers[clusterName] = installer;
        }
    }

    private IAddonInstaller? AddonInstallerOf(string clusterName) => _addonInstallers.GetValueOrDefault(clusterName);

    /// <summary>
    /// Creates an add-on (<c>aws eks create-addon</c>) and has it applied to the cluster: the answer is CREATING.
    /// </summary>
    /// <exception cref="AwsException">
    /// ResourceNotFoundException (no such cluster), ResourceInUseException "Addon already exists.",
    /// InvalidParameterException for an add-on or version DescribeAddonVersions does not list for the cluster's
    /// Kubernetes version, for configuration values the version's schema refuses, or for a resolve-conflicts mode
    /// other than NONE, OVERWRITE, PRESERVE.
    /// </exception>
    public Addon CreateAddon(CreateAddonRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            var cluster = FindCluster(request.ClusterName).Cluster;
            Progress((request.ClusterName, request.AddonName));
            if (_addons.ContainsKey((request.ClusterName, request.AddonName)))
            {
                throw EksErrors.AddonExists();
            }

            var info = AddonVersionCatalog.Find(request.AddonName) ?? throw EksErrors.AddonNotSupported(request.AddonName, cluster.Version);
            string version;
            if (request.Existing)
            {
                // Installed back then: any version of EKS's form; without one, the version Podnet installs.
                version = request.AddonVersion ?? info.AddonVersions.First(v => v.Compatibilities.Any(c => c.DefaultVersion)).AddonVersion;
            }
            else
            {
                version = request.AddonVersion ?? AddonVersionCatalog.DefaultVersion(request.AddonName, cluster.Version) ?? throw EksErrors.AddonNotSupported(request.AddonName, cluster.Version);
                if (!AddonVersionCatalog.Supports(request.AddonName, version, cluster.Version))
                {
                    throw EksErrors.AddonVersionNotSupported();
                }
            }

            var mode = CheckedMode(request.ResolveConflicts);
            var values = ConfigurationValuesOf(request.AddonName, version, request.ConfigurationValues);
            CheckRole(request.ServiceAccountRoleArn);
            var now = _time.GetUtcNow();
            var entity = new AddonEntity(new Addon(
                request.AddonName,
                request.ClusterName,
                request.Existing ? AddonStatus.Active : AddonStatus.Creating,
                version,
                new AddonHealth([]),
                $"arn:aws:eks:{_options.Region}:{_options.AccountId}:addon/{request.ClusterName}/{request.AddonName}/{_ids.Uuid("eks-addon", $"{request.ClusterName}/{request.AddonName}")}",
                now,
                now,
                request.ServiceAccountRoleArn,
                request.Tags ?? new Dictionary<string, string>(),
                request.ConfigurationValues));
            if (!request.Existing && AddonInstallerOf(request.ClusterName) is { } installer)
            {
                entity.Conflicts = installer.Apply(request.ClusterName, new AddonDeployment(request.AddonName, version, values, mode, Creating: true, request.ServiceAccountRoleArn));
            }

            _addons.Add((request.ClusterName, request.AddonName), entity);
            return entity.Addon;
        }
    }

    /// <summary>The add-on as <c>aws eks describe-addon</c> prints it, its status brought up to date.</summary>
    /// <exception cref="AwsException">ResourceNotFoundException: no such cluster, or "No addon: NAME found in cluster: CLUSTER.".</exception>
    public Addon DescribeAddon(string clusterName, string addonName)
    {
        lock (_lock)
        {
            FindCluster(clusterName);
            var entity = FindAddon(clusterName, addonName);
            return entity.Addon;
        }
    }

    /// <summary>The names of the cluster's add-ons (<c>aws eks list-addons</c>), sorted.</summary>
    public IReadOnlyList<string> ListAddons(string clusterName)
    {
        lock (_lock)
        {
            FindCluster(clusterName);
            foreach (var key in _addons.Keys.Where(k => k.Cluster == clusterName).ToList())
            {
                Progress(key);
            }

            return [.. _addons.Keys.Where(k => k.Cluster == clusterName).Select(k => k.Addon).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Updates an add-on (<c>aws eks update-addon</c>): its version, configuration values or service account role,
    /// applied to the cluster as the resolve-conflicts mode says. The answer is the update, InProgress; the add-on is
    /// UPDATING.
    /// </summary>
    /// <exception cref="AwsException">
    /// ResourceNotFoundException (no such cluster or add-on), ResourceInUseException while the add-on is being
    /// created, updated or deleted, InvalidParameterException for a version DescribeAddonVersions does not list,
    /// configuration values the schema refuses, or an unknown resolve-conflicts mode.
    /// </exception>
    public Update UpdateAddon(UpdateAddonRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            var cluster = FindCluster(request.ClusterName).Cluster;
            var entity = FindAddon(request.ClusterName, request.AddonName);
            var current = entity.Addon;
            if (current.Status is AddonStatus.Creating or AddonStatus.Updating or AddonStatus.Deleting)
            {
                throw EksErrors.ResourceInUse($"Addon {request.AddonName} is in {current.Status} state and cannot be updated");
            }

            var version = request.AddonVersion ?? current.AddonVersion;
            if (version != current.AddonVersion && !AddonVersionCatalog.Supports(request.AddonName, version, cluster.Version))
            {
                throw EksErrors.AddonVersionNotSupported();
            }

            var mode = CheckedMode(request.ResolveConflicts);
            var text = request.ConfigurationValues ?? current.ConfigurationValues;
            var values = ConfigurationValuesOf(request.AddonName, version, text);
            CheckRole(request.ServiceAccountRoleArn);
            var role = request.ServiceAccountRoleArn ?? current.ServiceAccountRoleArn;

            var parameters = new List<UpdateParam>();
            foreach (var (type, value) in new[] { ("AddonVersion", request.AddonVersion), ("ServiceAccountRoleArn", request.ServiceAccountRoleArn), ("ResolveConflicts", request.ResolveConflicts), ("ConfigurationValues", request.ConfigurationValues) })
            {
                if (value is not null)
                {
                    parameters.Add(new UpdateParam(type, value));
                }
            }

            var now = _time.GetUtcNow();
            var update = new Update(_ids.Uuid("eks-addon-update", $"{request.ClusterName}/{request.AddonName}"), UpdateStatus.InProgress, "AddonUpdate", parameters, now, []);
            entity.Updates.Add(update);
            entity.Addon = current with
            {
                Status = AddonStatus.Updating,
                AddonVersion = version,
                ConfigurationValues = text,
                ServiceAccountRoleArn = role,
                ModifiedAt = now,
                Health = new AddonHealth([]),
            };
            entity.Conflicts = AddonInstallerOf(request.ClusterName)?.Apply(request.ClusterName, new AddonDeployment(request.AddonName, version, values, mode, Creating: false, role)) ?? [];
            return update;
        }
    }

    /// <summary>
    /// The IDs of the updates of a cluster (<c>aws eks list-updates --name CLUSTER</c>: its endpoint access and version updates), of
    /// one of its node groups (<c>--nodegroup-name</c>) or of one of its add-ons (<c>--addon-name</c>), oldest first.
    /// </summary>
    /// <exception cref="AwsException">ResourceNotFoundException: no such cluster, node group or add-on.</exception>
    public IReadOnlyList<string> ListUpdates(string clusterName, string? nodegroupName, string? addonName)
    {
        lock (_lock)
        {
            var cluster = FindCluster(clusterName);
            if (nodegroupName is not null)
            {
                return [.. FindNodegroup(clusterName, nodegroupName).Updates.Select(u => u.Update.Id)];
            }

            if (addonName is not null)
            {
                return [.. FindAddon(clusterName, addonName).Updates.Select(u => u.Id)];
            }

            return [.. cluster.Updates.Select(u => u.Update.Id)];
        }
    }

    /// <summary>An update of an add-on (<c>aws eks describe-update --name CLUSTER --addon-name NAME --update-id ID</c>), or without an add-on of the cluster itself.</summary>
    /// <exception cref="AwsException">ResourceNotFoundException: no such cluster, add-on or update.</exception>
    public Update DescribeUpdate(string clusterName, string updateId, string? addonName, string? nodegroupName = null)
    {
        lock (_lock)
        {
            var cluster = FindCluster(clusterName);
            if (nodegroupName is not null)
            {
                return FindNodegroup(clusterName, nodegroupName).Updates.FirstOrDefault(u => u.Update.Id == updateId) is { Update: { } found } entry
                    ? found.AsOf(entry.DoneAt, _time.GetUtcNow())
                    : throw new AwsException("ResourceNotFoundException", $"No update found for ID: {updateId}", 404);
            }

            if (addonName is not null)
            {
                FindAddon(clusterName, addonName);
            }
            else if (ClusterUpdate(cluster, updateId, _time.GetUtcNow()) is { } own)
            {
                return own;
            }

            return _addons.Where(a => a.Key.Cluster == clusterName && (addonName is null || a.Key.Addon == addonName))
                       .SelectMany(a => a.Value.Updates).FirstOrDefault(u => u.Id == updateId)
                   ?? throw new AwsException("ResourceNotFoundException", $"No update found for ID: {updateId}", 404);
        }
    }

    /// <summary>
    /// Deletes an add-on (<c>aws eks delete-addon</c>): its objects are removed from the cluster unless
    /// <paramref name="preserve"/> (<c>--preserve</c>) keeps them running, unmanaged. The answer is DELETING; the add-on
    /// is gone once its objects are.
    /// </summary>
    /// <exception cref="AwsException">ResourceNotFoundException: no such cluster or add-on.</exception>
    public Addon DeleteAddon(string clusterName, string addonName, bool preserve)
    {
        lock (_lock)
        {
            FindCluster(clusterName);
            var entity = FindAddon(clusterName, addonName);
            entity.Addon = entity.Addon with { Status = AddonStatus.Deleting };
            entity.Preserve = preserve;
            if (!preserve)
            {
                AddonInstallerOf(clusterName)?.Remove(clusterName, addonName);
            }

            return entity.Addon;
        }
    }

    /// <summary>The add-ons and versions EKS offers (<c>aws eks describe-addon-versions</c>), see <see cref="AddonVersionCatalog.Describe"/>.</summary>
    public static IReadOnlyList<AddonInfo> DescribeAddonVersions(string? addonName, string? kubernetesVersion)
        => AddonVersionCatalog.Describe(addonName, kubernetesVersion);

    /// <summary>
    /// The configuration schema of an add-on version (<c>aws eks describe-addon-configuration</c>): JSON Schema text,
    /// the one CreateAddon and UpdateAddon check configuration values against.
    /// </summary>
    /// <exception cref="AwsException">
    /// InvalidParameterException: a version DescribeAddonVersions does not list, or an add-on whose schema Podnet does
    /// not have (kube-proxy's and coredns's configure nothing Podnet emulates).
    /// </exception>
    public static string DescribeAddonConfiguration(string addonName, string addonVersion)
    {
        var info = AddonVersionCatalog.Find(addonName) ?? throw new AwsException("ResourceNotFoundException", $"Addon {addonName} not found", 404);
        if (info.AddonVersions.All(v => v.AddonVersion != addonVersion))
        {
            throw EksErrors.AddonVersionNotSupported();
        }

        return SchemaOf(addonName, addonVersion).ToJsonString();
    }

    /// <summary>The configuration schema of a version of an add-on whose values Podnet applies (vpc-cni).</summary>
    private static AddonConfigurationSchema SchemaOf(string addonName, string version)
        => addonName == AddonVersionCatalog.VpcCni
            ? AddonConfigurationSchema.VpcCni((CniRelease.FromTag(version) ?? CniSettings.DefaultRelease).Version)
            : throw EksErrors.InvalidParameter($"Podnet applies the configuration values of the {AddonVersionCatalog.VpcCni} add-on only, not of {addonName}, and has no configuration schema for it");

    /// <summary>
    /// The configuration values as EKS reads them: JSON or YAML text of an object (empty for none), valid against the
    /// add-on version's schema.
    /// </summary>
    private static JsonObject ConfigurationValuesOf(string addonName, string version, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            try
            {
                // EKS takes YAML as well as JSON (describe-addon-configuration's schema applies to either).
                var documents = YamlManifests.Parse(text, "configurationValues", yaml11Booleans: false);
                parsed = documents.Count == 1 ? documents[0].Content : null;
            }
            catch (ManifestSyntaxException e)
            {
                throw EksErrors.InvalidParameter($"ConfigurationValue provided in request is not supported: it is neither JSON nor YAML ({e.Message})");
            }
        }

        if (parsed is not JsonObject values)
        {
            throw EksErrors.ConfigurationValueNotSupported([$"$: {TypeName(parsed)} found, object expected"]);
        }

        if (values.Count == 0)
        {
            return values;
        }

        if (SchemaOf(addonName, version).Validate(values) is { Count: > 0 } errors)
        {
            throw EksErrors.ConfigurationValueNotSupported(errors.Select(e => e.Message));
        }

        return values;
    }

    private static string TypeName(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string CheckedMode(string? mode)
    {
        if (mode is null)
        {
            return ResolveConflicts.None;
        }

        return ResolveConflicts.All.Contains(mode)
            ? mode
            : throw EksErrors.InvalidParameter($"1 validation error detected: Value '{mode}' at 'resolveConflicts' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", ResolveConflicts.All)}]");
    }

    private void CheckRole(string? roleArn)
    {
        if (roleArn is not null && _iam.RoleNameOf(roleArn) is null)
        {
            throw EksErrors.InvalidParameter($"Role with arn: {roleArn}, does not exist.");
        }
    }

    /// <summary>The add-on, its status brought up to date; EKS's not-found error when there is none (any more).</summary>
    private AddonEntity FindAddon(string clusterName, string addonName)
    {
        Progress((clusterName, addonName));
        return _addons.GetValueOrDefault((clusterName, addonName)) ?? throw EksErrors.AddonNotFound(addonName, clusterName);
    }

    /// <summary>
    /// Moves an add-on on as its add-on manager's work in the cluster goes: an apply that met conflicts fails the
    /// create or update with a ConfigurationConflict issue; one whose workloads have rolled out makes it ACTIVE; a
    /// deleted add-on goes once its objects are gone.
    /// </summary>
    private void Progress((string Cluster, string Addon) key)
    {
        if (!_addons.TryGetValue(key, out var entity))
        {
            return;
        }

        var addon = entity.Addon;
        var installer = AddonInstallerOf(key.Cluster);
        switch (addon.Status)
        {
            case AddonStatus.Creating or AddonStatus.Updating when entity.Conflicts.Count > 0:
                var message = EksErrors.ConfigurationConflictMessage(entity.Conflicts);
                entity.Addon = addon with
                {
                    Status = addon.Status == AddonStatus.Creating ? AddonStatus.CreateFailed : AddonStatus.UpdateFailed,
                    Health = new AddonHealth([new AddonIssue("ConfigurationConflict", message, [])]),
                };
                FinishUpdate(entity, UpdateStatus.Failed, [new ErrorDetail("ConfigurationConflict", message, [])]);
                break;
            case AddonStatus.Creating or AddonStatus.Updating when installer is null || installer.IsRolledOut(key.Cluster, key.Addon):
                entity.Addon = addon with { Status = AddonStatus.Active };
                FinishUpdate(entity, UpdateStatus.Successful, []);
                break;
            case AddonStatus.Deleting when entity.Preserve || installer is null || installer.IsRemoved(key.Cluster, key.Addon):
                _addons.Remove(key);
                break;
        }
    }

    private static void FinishUpdate(AddonEntity entity, string status, IReadOnlyList<ErrorDetail> errors)
    {
        var last = entity.Updates.Count - 1;
        if (last >= 0 && entity.Updates[last].Status == UpdateStatus.InProgress)
        {
            entity.Updates[last] = entity.Updates[last] with { Status = status, Errors = errors };
        }
    }

    private sealed class AddonEntity(Addon addon)
    {
        public Addon Addon { get; set; } = addon;

        /// <summary>The conflicts that stopped the last apply (none: it was applied).</summary>
        public IReadOnlyList<string> Conflicts { get; set; } = [];

        /// <summary>The add-on's updates, oldest first.</summary>
        public List<Update> Updates { get; } = [];

        /// <summary>DeleteAddon with --preserve: the objects stay.</summary>
        public bool Preserve { get; set; }
    }
}
