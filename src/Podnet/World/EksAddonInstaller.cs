using System.Reflection;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Eks;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Kube.Patching;
using Podnet.Kube.Store;
using Podnet.Net;
using Podnet.NetworkPolicyController;

namespace Podnet.World;

/// <summary>
/// EKS's add-on manager in a world: where each add-on version and each configuration value lands in the cluster, for
/// the world loader (the add-ons a world's cluster starts with) and for the EKS API on a running world
/// (CreateAddon, UpdateAddon, DeleteAddon), which applies them to the control plane with server-side apply as the
/// field manager <c>eks</c>, as EKS does (AWS blog "Amazon EKS add-ons preserve customer edits": add-ons use
/// server-side apply). The add-on version sets each add-on's image tag (and so the VPC CNI release aws-node runs);
/// the vpc-cni add-on's configuration values land where its chart puts them — <c>env</c> on the aws-node container,
/// <c>init.env</c> on aws-vpc-cni-init, <c>enableNetworkPolicy</c>, <c>enableWindowsIpam</c> and
/// <c>enableWindowsPrefixDelegation</c> in the amazon-vpc-cni ConfigMap, <c>tolerations</c>, <c>affinity</c>,
/// <c>resources</c>, <c>podAnnotations</c>, <c>podLabels</c> and <c>updateStrategy</c> on the DaemonSet,
/// <c>livenessProbeTimeoutSeconds</c> and <c>readinessProbeTimeoutSeconds</c> on aws-node's probes, <c>nodeAgent</c>
/// on the network policy agent's container, and
/// <c>eniConfig</c> (with <c>create: true</c>) an ENIConfig per zone (aws/amazon-vpc-cni-k8s
/// charts/aws-vpc-cni/templates/eniconfig.yaml; values.yaml for where each key lands).
/// </summary>
/// <remarks>
/// An apply is a strategic merge of the add-on's objects, so a configuration value removed by a later update stays
/// on the object (the real server-side apply removes the fields its manager no longer applies).
/// </remarks>
public sealed class EksAddonInstaller : IAddonInstaller
{
    /// <summary>The field manager of EKS's add-on manager's server-side applies.</summary>
    public const string FieldManager = "eks";

    /// <summary>The source name of the add-ons' documents.</summary>
    internal const string Source = "<EKS add-ons>";

    /// <summary>The annotation that binds a service account to an IAM role (IAM roles for service accounts).</summary>
    private const string RoleArnAnnotation = "eks.amazonaws.com/role-arn";

    /// <summary>A pod spec's lists of containers, init containers first.</summary>
    private static readonly string[] ContainerLists = ["initContainers", "containers"];

    /// <summary>The amazon-vpc-cni ConfigMap's keys for the add-on's switches: the network policy controller and agent, Windows IPAM.</summary>
    private static readonly (string Value, string Key)[] ConfigMapKeys =
    [
        ("enableNetworkPolicy", PolicyEndpointsController.EnabledKey),
        ("enableWindowsIpam", "enable-windows-ipam"),
        ("enableWindowsPrefixDelegation", "enable-windows-prefix-delegation"),
    ];

    private readonly World _world;

    /// <summary>The add-on manager of <paramref name="world"/>'s cluster.</summary>
    public EksAddonInstaller(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
    }

    /// <summary>
    /// The add-ons' objects as EKS deploys them in a cluster of <paramref name="region"/> with the service range
    /// <paramref name="serviceCidr"/>: EksAddons.yaml with the images of <paramref name="versions"/> (by add-on name;
    /// an add-on without one keeps the default version) and vpc-cni's configuration values from
    /// <paramref name="values"/> in place, then the ENIConfigs its <c>eniConfig</c> creates.
    /// </summary>
    internal static IEnumerable<WorldDocument> Manifests(string region, CidrBlock serviceCidr, IReadOnlyDictionary<string, string> versions, IReadOnlyDictionary<string, JsonObject> values)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Podnet.World.EksAddons.yaml")
                           ?? throw new InvalidOperationException("the EKS add-ons are missing from the Podnet assembly");
        using var reader = new StreamReader(stream);
        var cni = values.GetValueOrDefault(AddonVersionCatalog.VpcCni) ?? [];

        // EKS pulls the add-ons' images from the ECR registry of the cluster's region (account 602401143452 in most).
        var manifests = reader.ReadToEnd().Replace($".dkr.ecr.{AwsRegions.Default}.amazonaws.com/", $".dkr.ecr.{region}.amazonaws.com/", StringComparison.Ordinal);
        foreach (var addon in WorldLoader.Parse([new WorldSource(Source, manifests)]).Concat(EniConfigs(cni)))
        {
            if (WorkloadAddon(addon) is { } name && versions.TryGetValue(name, out var version))
            {
                PinVersion(addon, name, version);
            }

            if (addon.Kind == "DaemonSet" && addon.Name == AwsNode.Component)
            {
                if (!serviceCidr.IsIPv4)
                {
                    // An IPv6 cluster (its Services' range is IPv6): EKS sets the add-on up for IPv6 before the user's
                    // configuration values, which may still change it.
                    ConfigureAwsNode(addon, Ipv6Values());
                }

                ConfigureAwsNode(addon, cni);
            }

            if (addon.Kind == "ConfigMap" && addon.Name == "amazon-vpc-cni")
            {
                foreach (var (key, data) in ConfigMapKeys)
                {
                    if (cni[key] is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        addon.Content["data"]![data] = text;
                    }
                }
            }

            if (addon.Kind == "Service" && addon.Name == "kube-dns")
            {
                // The cluster DNS address is the tenth of the service range: 10.100.0.10 or 172.20.0.10 on EKS.
                addon.Content["spec"]!["clusterIP"] = serviceCidr.AddressAt(10).ToString();
            }

            yield return addon;
        }
    }

    /// <summary>
    /// The add-on an object of <see cref="Manifests"/> belongs to: aws-node's objects, the amazon-vpc-cni ConfigMap
    /// and the ENIConfigs it creates are vpc-cni's; kube-proxy's and CoreDNS's (with the kube-dns Service) their own.
    /// </summary>
    internal static string? AddonOf(WorldDocument doc) => (doc.Kind, doc.Name) switch
    {
        (_, AwsNode.Component) or ("ConfigMap", "amazon-vpc-cni") or ("ENIConfig", _) => AddonVersionCatalog.VpcCni,
        (_, AddonVersionCatalog.KubeProxy) => AddonVersionCatalog.KubeProxy,
        (_, AddonVersionCatalog.CoreDns) or ("Service", "kube-dns") => AddonVersionCatalog.CoreDns,
        _ => null,
    };

    /// <summary>The add-on whose images a workload of EksAddons.yaml runs: aws-node is vpc-cni's, kube-proxy and coredns their own.</summary>
    private static string? WorkloadAddon(WorldDocument workload) => (workload.Kind, workload.Name) switch
    {
        ("DaemonSet", AwsNode.Component) => AddonVersionCatalog.VpcCni,
        ("DaemonSet", AddonVersionCatalog.KubeProxy) => AddonVersionCatalog.KubeProxy,
        ("Deployment", AddonVersionCatalog.CoreDns) => AddonVersionCatalog.CoreDns,
        _ => null,
    };

    /// <summary>
    /// An add-on version as EKS deploys it: every container image of the add-on gets the version's tag
    /// (amazon-k8s-cni and amazon-k8s-cni-init <c>v1.11.2-eksbuild.1</c>, aws-node's <c>VPC_CNI_VERSION</c> v1.11.2);
    /// kube-proxy's default image is the minimal one (<c>v1.29.0-minimal-eksbuild.1</c> for add-on v1.29.0-eksbuild.1). aws-node
    /// loses the default env entries its release does not read, as that release's manifest never had them.
    /// </summary>
    private static void PinVersion(WorldDocument workload, string addon, string version)
    {
        var spec = workload.Content["spec"]!["template"]!["spec"]!;
        var tag = addon == AddonVersionCatalog.KubeProxy ? version.Replace("-eksbuild.", "-minimal-eksbuild.", StringComparison.Ordinal) : version;
        if (addon == AddonVersionCatalog.VpcCni && CniRelease.FromTag(version) is { } pinned && spec["containers"] is JsonArray containers
            && containers.OfType<JsonObject>().FirstOrDefault(c => c["name"]?.GetValue<string>() == NetworkPolicyAgentImage.ContainerName) is { } agent)
        {
            // The network policy agent has a version of its own, which the release pins; a release before it has none.
            if (NetworkPolicyAgentImage.TagFor(pinned) is { } agentTag)
            {
                var agentImage = agent["image"]!.GetValue<string>();
                agent["image"] = $"{agentImage[..agentImage.LastIndexOf(':')]}:{agentTag}";
            }
            else
            {
                containers.Remove(agent);
            }
        }

        foreach (var container in ContainerLists.SelectMany(list => (spec[list] as JsonArray ?? []).OfType<JsonObject>()).Where(c => c["name"]?.GetValue<string>() != NetworkPolicyAgentImage.ContainerName))
        {
            var image = container["image"]!.GetValue<string>();
            container["image"] = $"{image[..image.LastIndexOf(':')]}:{tag}";
            foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>().Where(e => e["name"]?.GetValue<string>() == "VPC_CNI_VERSION"))
            {
                env["value"] = version[..version.IndexOf('-', StringComparison.Ordinal)];
            }

            // An older release's manifest does not carry the variables it does not read (no ENABLE_SUBNET_DISCOVERY
            // before 1.18.0): the add-on's defaults are that release's, not today's with an older image.
            if (addon == AddonVersionCatalog.VpcCni && CniRelease.FromImage(container["image"]!.GetValue<string>()) is { } release && container["env"] is JsonArray list)
            {
                foreach (var unread in list.OfType<JsonObject>().Where(e => CniSetting.All.Any(c => c.Name == e["name"]?.GetValue<string>() && !c.ReadBy(release))).ToList())
                {
                    list.Remove(unread);
                }
            }
        }
    }

    /// <summary>
    /// What EKS configures in the vpc-cni add-on of an <c>ipv6</c> cluster, as configuration values:
    /// <see cref="CniSettings.Ipv6ClusterEnvironment"/> on aws-node, and <c>ENABLE_IPv6=true</c> on aws-vpc-cni-init
    /// (which turns on the node's IPv6 forwarding: the chart's <c>init.env.ENABLE_IPv6</c>), and the network policy
    /// agent's <c>nodeAgent.enableIpv6</c>.
    /// </summary>
    private static JsonObject Ipv6Values()
    {
        var env = new JsonObject();
        foreach (var (name, value) in CniSettings.Ipv6ClusterEnvironment)
        {
            env[name] = value;
        }

        return new JsonObject
        {
            ["env"] = env,
            ["init"] = new JsonObject { ["env"] = new JsonObject { [CniSetting.EnableIPv6.Name] = "true" } },
            ["nodeAgent"] = new JsonObject { ["enableIpv6"] = "true" },
        };
    }

    /// <summary>The vpc-cni add-on's configuration values on the aws-node DaemonSet, where the add-on's chart puts them.</summary>
    private static void ConfigureAwsNode(WorldDocument daemonSet, JsonObject values)
    {
        var template = daemonSet.Content["spec"]!["template"]!;
        var spec = template["spec"]!;
        var awsNode = Container(spec, "containers", AwsNode.Component);
        SetEnv(awsNode, values["env"] as JsonObject);
        SetEnv(Container(spec, "initContainers", "aws-vpc-cni-init"), values["init"]?["env"] as JsonObject);
        if (spec["containers"]!.AsArray().OfType<JsonObject>().FirstOrDefault(c => c["name"]!.GetValue<string>() == NetworkPolicyAgentImage.ContainerName) is { } agent)
        {
            ConfigureAgent(agent, values);
        }

        if (values["resources"] is JsonObject resources)
        {
            awsNode["resources"] = resources.DeepClone();
        }

        // The chart writes each probe's timeoutSeconds from its own value (templates/daemonset.yaml).
        foreach (var (key, probe) in new[] { ("livenessProbeTimeoutSeconds", "livenessProbe"), ("readinessProbeTimeoutSeconds", "readinessProbe") })
        {
            if (values[key] is JsonValue timeout && awsNode[probe] is JsonObject handler)
            {
                handler["timeoutSeconds"] = timeout.DeepClone();
            }
        }

        foreach (var (key, target) in new[] { ("tolerations", spec), ("affinity", spec), ("updateStrategy", daemonSet.Content["spec"]!) })
        {
            if (values[key] is { } value)
            {
                target[key] = value.DeepClone();
            }
        }

        foreach (var (key, field) in new[] { ("podAnnotations", "annotations"), ("podLabels", "labels") })
        {
            foreach (var (name, value) in values[key] as JsonObject ?? [])
            {
                var metadata = template["metadata"] as JsonObject ?? (JsonObject)(template["metadata"] = new JsonObject());
                var map = metadata[field] as JsonObject ?? (JsonObject)(metadata[field] = new JsonObject());
                map[name] = value?.DeepClone();
            }
        }

        static JsonObject Container(JsonNode spec, string list, string name)
            => spec[list]!.AsArray().OfType<JsonObject>().First(c => c["name"]!.GetValue<string>() == name);

        static void SetEnv(JsonObject container, JsonObject? env)
        {
            if (env is null)
            {
                return;
            }

            var list = container["env"] as JsonArray ?? [];
            foreach (var (name, value) in env)
            {
                var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? string.Empty;
                var existing = list.OfType<JsonObject>().FirstOrDefault(e => e["name"]?.GetValue<string>() == name);
                if (existing is null)
                {
                    list.Add(new JsonObject { ["name"] = name, ["value"] = text });
                }
                else
                {
                    existing["value"] = text;
                }
            }

            container["env"] = list;
        }
    }

    /// <summary>
    /// The network policy agent's arguments from the configuration values, as the chart renders them:
    /// <c>--enable-network-policy</c> from <c>enableNetworkPolicy</c>, the others from <c>nodeAgent</c>
    /// (<c>enableIpv6</c>, <c>enableCloudWatchLogs</c>, <c>enablePolicyEventLogs</c>,
    /// <c>networkPolicyAgentLogFileLocation</c>, <c>metricsBindAddr</c> and <c>healthProbeBindAddr</c> as ports,
    /// <c>conntrackCacheCleanupPeriod</c>, <c>networkPolicyAgentLogLevel</c> as <c>--log-level</c>), and
    /// <c>nodeAgent.resources</c> and <c>nodeAgent.securityContext</c> on the container.
    /// </summary>
    private static void ConfigureAgent(JsonObject agent, JsonObject values)
    {
        var nodeAgent = values["nodeAgent"] as JsonObject ?? [];
        var arguments = new (string Flag, JsonNode? Value, string Prefix)[]
        {
            ("enable-ipv6", nodeAgent["enableIpv6"], string.Empty),
            ("enable-network-policy", values["enableNetworkPolicy"], string.Empty),
            ("enable-cloudwatch-logs", nodeAgent["enableCloudWatchLogs"], string.Empty),
            ("enable-policy-event-logs", nodeAgent["enablePolicyEventLogs"], string.Empty),
            ("log-file", nodeAgent["networkPolicyAgentLogFileLocation"], string.Empty),
            ("metrics-bind-addr", nodeAgent["metricsBindAddr"], ":"),
            ("health-probe-bind-addr", nodeAgent["healthProbeBindAddr"], ":"),
            ("conntrack-cache-cleanup-period", nodeAgent["conntrackCacheCleanupPeriod"], string.Empty),
            ("log-level", nodeAgent["networkPolicyAgentLogLevel"], string.Empty),
        };
        var args = agent["args"]!.AsArray();
        foreach (var (flag, value, prefix) in arguments)
        {
            if (value is not JsonValue given)
            {
                continue;
            }

            var text = given.TryGetValue<string>(out var s) ? s : given.ToJsonString();
            var index = args.Select(a => a!.GetValue<string>()).ToList().FindIndex(a => a.StartsWith($"--{flag}=", StringComparison.Ordinal));
            if (index < 0)
            {
                // A flag the release's manifest leaves at the agent's default (--log-level, "debug" in the agent's
                // pkg/config/controller_config.go, rendered by the chart only from mid-2025).
                args.Add($"--{flag}={prefix}{text}");
            }
            else
            {
                args[index] = $"--{flag}={prefix}{text}";
            }
        }

        foreach (var key in new[] { "resources", "securityContext" })
        {
            if (nodeAgent[key] is JsonObject value)
            {
                agent[key] = value.DeepClone();
            }
        }
    }

    /// <summary>
    /// The ENIConfigs the vpc-cni add-on creates from <c>eniConfig: {create: true, region, subnets: {ZONE: {id,
    /// securityGroups}}}</c>: one per zone, named as the zone, as charts/aws-vpc-cni/templates/eniconfig.yaml renders them.
    /// </summary>
    private static IEnumerable<WorldDocument> EniConfigs(JsonObject values)
    {
        if (values["eniConfig"] is not JsonObject config || config["create"] is not JsonValue create || !create.GetValue<bool>())
        {
            yield break;
        }

        var index = 0;
        foreach (var (zone, subnet) in config["subnets"] as JsonObject ?? [])
        {
            var spec = new JsonObject { ["subnet"] = subnet!["id"]!.DeepClone() };
            if (subnet["securityGroups"] is JsonArray groups)
            {
                spec["securityGroups"] = groups.DeepClone();
            }

            yield return new WorldDocument(Source, index++, 0, new JsonObject
            {
                ["apiVersion"] = "crd.k8s.amazonaws.com/v1alpha1",
                ["kind"] = "ENIConfig",
                ["metadata"] = new JsonObject { ["name"] = zone },
                ["spec"] = spec,
            });
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Every object of the add-on is checked before any is written, so a conflict leaves the cluster as it was. With
    /// OVERWRITE the apply is forced (EKS takes the fields over); with PRESERVE on an update the conflicting fields
    /// are applied with the values they have, so they keep them.
    /// </remarks>
    public IReadOnlyList<string> Apply(string clusterName, AddonDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var store = _world.ControlPlane.Store;
        var force = deployment.ResolveConflicts == ResolveConflicts.Overwrite;
        var preserve = deployment.ResolveConflicts == ResolveConflicts.Preserve && !deployment.Creating;
        var conflicts = new List<string>();
        var writes = new List<(KubeResource Resource, string? Namespace, string Name, JsonObject Applied)>();
        foreach (var doc in Objects(clusterName, deployment.AddonName, deployment.AddonVersion, deployment.ConfigurationValues))
        {
            var applied = doc.Content;
            if (deployment.ServiceAccountRoleArn is { } role && doc.Kind == "ServiceAccount")
            {
                var metadata = (JsonObject)applied["metadata"]!;
                var annotations = metadata["annotations"] as JsonObject ?? (JsonObject)(metadata["annotations"] = new JsonObject());
                annotations[RoleArnAnnotation] = role;
            }

            var resource = store.Resources.For(doc.ApiVersion, doc.Kind);
            var ns = resource.Namespaced ? applied["metadata"]?["namespace"]?.GetValue<string>() ?? "kube-system" : null;
            if (!force && store.TryGet(resource, ns, doc.Name) is { } current
                && ManagedFields.Conflicts(current.Raw, applied, FieldManager, KubePatchSchemas.Find(resource.ApiVersion, resource.Kind)) is { Count: > 0 } found)
            {
                if (preserve)
                {
                    var fields = found.Select(c => c.Field).ToHashSet(StringComparer.Ordinal);
                    foreach (var leaf in ManagedFields.Leaves(applied, KubePatchSchemas.Find(resource.ApiVersion, resource.Kind)).Where(l => fields.Contains(ManagedFields.Display(l))))
                    {
                        CopyLeaf(current.Raw, applied, leaf);
                    }
                }
                else
                {
                    // EKS names each object as Kind.group name (ServiceAccount name for the core group).
                    var kind = resource.Group.Length == 0 ? resource.Kind : $"{resource.Kind}.{resource.Group}";
                    conflicts.AddRange(found.Select(c => $"{kind} {doc.Name} - {c.Field}"));
                }
            }

            writes.Add((resource, ns, doc.Name, applied));
        }

        if (conflicts.Count > 0)
        {
            return conflicts;
        }

        var context = new RequestContext(AddonManagerUser) { FieldManager = FieldManager, Force = force || preserve };
        foreach (var (resource, ns, name, applied) in writes)
        {
            store.Patch(resource, ns, name, Podnet.Kube.Store.PatchType.Apply, applied, context);
        }

        return [];
    }

    /// <inheritdoc/>
    public bool IsRolledOut(string clusterName, string addonName)
    {
        var store = _world.ControlPlane.Store;
        foreach (var doc in Objects(clusterName, addonName, null, []).Where(d => d.Kind is "DaemonSet" or "Deployment"))
        {
            if (store.TryGet(store.Resources.For(doc.ApiVersion, doc.Kind), "kube-system", doc.Name) is not { } workload)
            {
                return false;
            }

            long Number(string path, long otherwise = 0) => workload[path] switch
            {
                JsonValue v when v.TryGetValue<long>(out var n) => n,
                JsonValue v when v.TryGetValue<int>(out var i) => i,
                _ => otherwise,
            };
            var replicas = doc.Kind == "DaemonSet" ? Number("status.desiredNumberScheduled") : Number("spec.replicas", 1);
            var rolledOut = doc.Kind == "DaemonSet"
                ? Number("status.updatedNumberScheduled") == replicas && Number("status.numberAvailable") == replicas
                : Number("status.updatedReplicas") == replicas && Number("status.availableReplicas") == replicas;
            if (Number("status.observedGeneration") < workload.Generation || !rolledOut)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    /// <remarks>The ENIConfigs the add-on created are those whose fields the <c>eks</c> manager owns.</remarks>
    public void Remove(string clusterName, string addonName)
    {
        var store = _world.ControlPlane.Store;
        var context = new RequestContext(AddonManagerUser);
        foreach (var (resource, ns, name) in Existing(clusterName, addonName))
        {
            store.Delete(resource, ns, name, context: context);
        }
    }

    /// <inheritdoc/>
    public bool IsRemoved(string clusterName, string addonName) => !Existing(clusterName, addonName).Any();

    /// <summary>The user EKS's add-on manager acts as in the cluster.</summary>
    private const string AddonManagerUser = "eks:addon-manager";

    /// <summary>The objects of an add-on at a version (the default when null) with its configuration values.</summary>
    private IEnumerable<WorldDocument> Objects(string clusterName, string addonName, string? version, JsonObject values)
    {
        if (_world.Cluster?.Name != clusterName || _world.Cloud is null)
        {
            throw new InvalidOperationException($"this world runs the cluster {_world.Cluster?.Name ?? "(none)"}, not {clusterName}");
        }

        var versions = version is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [addonName] = version };
        return Manifests(_world.Cloud.Options.Region, _world.ControlPlane.ServiceCidr, versions, new Dictionary<string, JsonObject> { [addonName] = values })
            .Where(d => AddonOf(d) == addonName);
    }

    /// <summary>The add-on's objects still in the cluster, with the ENIConfigs it created.</summary>
    private IEnumerable<(KubeResource Resource, string? Namespace, string Name)> Existing(string clusterName, string addonName)
    {
        var store = _world.ControlPlane.Store;
        foreach (var doc in Objects(clusterName, addonName, null, []))
        {
            var resource = store.Resources.For(doc.ApiVersion, doc.Kind);
            var ns = resource.Namespaced ? "kube-system" : null;
            if (store.TryGet(resource, ns, doc.Name) is not null)
            {
                yield return (resource, ns, doc.Name);
            }
        }

        if (addonName == AddonVersionCatalog.VpcCni && store.Resources.Find("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig") is { } eniConfigs)
        {
            foreach (var eniConfig in store.List(eniConfigs).Items.Where(e => (e.Raw["metadata"]?["managedFields"] as JsonArray ?? []).Any(m => m?["manager"]?.GetValue<string>() == FieldManager)))
            {
                yield return (eniConfigs, null, eniConfig.Name);
            }
        }
    }

    /// <summary>
    /// Sets the field at <paramref name="leaf"/> (a path of FieldsV1 tokens, <see cref="ManagedFields.Leaves"/>) of
    /// <paramref name="to"/> to its value in <paramref name="from"/>; list items are found by their merge key.
    /// </summary>
    private static void CopyLeaf(JsonObject from, JsonObject to, string leaf)
    {
        JsonNode? source = from;
        JsonNode? target = to;
        var tokens = leaf.Split('\u0001');
        for (var i = 0; i < tokens.Length && source is not null && target is not null; i++)
        {
            var token = tokens[i];
            if (token.StartsWith("f:", StringComparison.Ordinal))
            {
                var name = token[2..];
                if (i == tokens.Length - 1)
                {
                    ((JsonObject)target)[name] = source[name]?.DeepClone();
                    return;
                }

                (source, target) = (source[name], target[name]);
            }
            else if (token.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(token[2..]) is JsonObject key)
            {
                bool Matches(JsonNode? item) => item is JsonObject o && key.All(p => JsonNode.DeepEquals(o[p.Key], p.Value));
                (source, target) = ((source as JsonArray)?.FirstOrDefault(Matches), (target as JsonArray)?.FirstOrDefault(Matches));
            }
            else
            {
                // A set member or a list item's membership carries no value to keep.
                return;
            }
        }
    }

}
