using System.Reflection;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Serialization;
using Podnet.Net;

namespace Podnet.World;

/// <summary>
/// Builds a world from YAML documents: AWS resources of <c>aws.podnet.dev/v1alpha1</c> into the emulated cloud,
/// Kubernetes objects into the control plane in the order Helm installs kinds. An object that carries
/// <c>status</c> is taken as it is (so a dump of a real cluster can be analysed). A world with no AWS resources is
/// policy-only. Any problem stops the load with a message that names the file, document, object and field.
/// </summary>
public static class WorldLoader
{
    public const string DefaultWorldName = "<default world>";

    /// <summary>Helm's install order: what others depend on first.</summary>
    private static readonly string[] KindOrder =
    [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget", "ServiceAccount", "Secret",
        "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
        "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ENIConfig", "SecurityGroupPolicy", "Service",
        "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "StatefulSet", "Job", "CronJob",
    ];

    public static World LoadDefault(int seed = 1, Action<World>? settleProgress = null) => Load([DefaultSource()], seed, settleProgress);

    /// <summary>The default world's YAML, for users to start from.</summary>
    public static WorldSource DefaultSource()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Podnet.World.DefaultWorld.yaml")
                           ?? throw new InvalidOperationException("the default world is missing from the Podnet assembly");
        using var reader = new StreamReader(stream);
        return new WorldSource(DefaultWorldName, reader.ReadToEnd());
    }

    /// <summary>
    /// Loads <paramref name="sources"/> into a new world and settles it; <paramref name="settleProgress"/> becomes the
    /// world's <see cref="World.SettleProgress"/> before anything runs.
    /// </summary>
    /// <exception cref="WorldException">The world is not valid: the message names the file, document, object and field.</exception>
    public static World Load(IReadOnlyList<WorldSource> sources, int seed = 1, Action<World>? settleProgress = null)
    {
        var documents = Parse(sources);
        var aws = documents.Where(d => d.ApiVersion.StartsWith(AwsWorldBuilder.ApiGroup + "/", StringComparison.Ordinal)).ToList();
        var kube = documents.Except(aws).ToList();

        var time = new VirtualTimeProvider(World.Epoch);
        AwsCloud? cloud = null;
        AwsWorldBuilder? builder = null;
        if (aws.Count > 0)
        {
            cloud = new AwsCloud(new AwsOptions { Seed = seed }, time);
            builder = new AwsWorldBuilder(cloud);
            builder.Apply(aws);
            if (builder.Clusters.Count > 1)
            {
                throw new WorldException($"{aws.First(d => d.Kind == "Cluster").Source}: a world holds one EKS cluster; found {builder.Clusters.Count}: {string.Join(", ", builder.Clusters.Select(c => c.Name))}");
            }
        }

        var cluster = builder?.Clusters.FirstOrDefault();
        var serviceCidr = cluster is null ? null : (CidrBlock?)CidrBlock.Parse(cluster.KubernetesNetworkConfig.ServiceIpv4Cidr);
        var world = new World(seed, cloud, serviceCidr, time) { NodegroupMaxPods = builder?.MaxPods ?? [], SettleProgress = settleProgress };
        if (cluster is not null)
        {
            world.StartClusterControllers(cluster);
        }

        world.ControlPlane.Bootstrap();
        world.Settle();
        if (cluster is not null)
        {
            kube = [.. Addons(kube, builder!.AddonConfiguration, world.ControlPlane.ServiceCidr), .. kube];
        }

        Apply(world, kube);
        return world;
    }

    /// <summary>
    /// The default add-ons of an EKS cluster, less the objects the world defines itself, with the vpc-cni add-on's
    /// configuration values (<c>env</c>) applied to the aws-node container.
    /// </summary>
    private static IEnumerable<WorldDocument> Addons(List<WorldDocument> world, IReadOnlyDictionary<string, JsonObject> configuration, CidrBlock serviceCidr)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Podnet.World.EksAddons.yaml")
                           ?? throw new InvalidOperationException("the EKS add-ons are missing from the Podnet assembly");
        using var reader = new StreamReader(stream);
        var defined = world.Select(Key).ToHashSet();
        foreach (var addon in Parse([new WorldSource("<EKS add-ons>", reader.ReadToEnd())]).Where(d => !defined.Contains(Key(d))))
        {
            if (addon.Kind == "DaemonSet" && addon.Name == "aws-node" && configuration.TryGetValue("vpc-cni", out var values) && values["env"] is JsonObject env)
            {
                var container = addon.Content["spec"]!["template"]!["spec"]!["containers"]!.AsArray().OfType<JsonObject>().First(c => c["name"]!.GetValue<string>() == "aws-node");
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

            if (addon.Kind == "ConfigMap" && addon.Name == "amazon-vpc-cni" && configuration.TryGetValue("vpc-cni", out var cni)
                && cni["enableNetworkPolicy"] is JsonValue enable && (enable.TryGetValue<bool>(out var on) ? on : string.Equals(enable.ToString(), "true", StringComparison.OrdinalIgnoreCase)))
            {
                // The add-on's enableNetworkPolicy turns on the network policy controller and agent.
                addon.Content["data"]!["enable-network-policy-controller"] = "true";
            }

            if (addon.Kind == "Service" && addon.Name == "kube-dns")
            {
                // The cluster DNS address is the tenth of the service range: 10.100.0.10 or 172.20.0.10 on EKS.
                addon.Content["spec"]!["clusterIP"] = serviceCidr.AddressAt(10).ToString();
            }

            yield return addon;
        }

        static (string Kind, string Namespace, string Name) Key(WorldDocument d)
            => (d.Kind, d.Content["metadata"]?["namespace"]?.GetValue<string>() ?? string.Empty, d.Name);
    }

    private static List<WorldDocument> Parse(IReadOnlyList<WorldSource> sources)
    {
        var documents = new List<WorldDocument>();
        foreach (var source in sources)
        {
            IReadOnlyList<YamlDocument> parsed;
            try
            {
                // Worlds read y/n/yes/no/on/off as strings: kubectl would make `name: y` a boolean the API server rejects.
                parsed = YamlManifests.Parse(source.Text, source.Name, yaml11Booleans: false);
            }
            catch (ManifestSyntaxException e)
            {
                throw new WorldException(e.Message, e);
            }

            foreach (var doc in parsed)
            {
                if (doc.Content is null)
                {
                    continue;
                }

                if (doc.Content is not JsonObject obj)
                {
                    throw new WorldException($"{source.Name}: document {doc.Index + 1} (line {doc.Line}): a document must be an object with apiVersion and kind");
                }

                var document = new WorldDocument(source.Name, doc.Index, doc.Line, obj);
                if (document.Kind == "List" && obj["items"] is JsonArray items)
                {
                    documents.AddRange(items.OfType<JsonObject>().Select(item => document with { Content = item }));
                    continue;
                }

                if (document.ApiVersion.Length == 0)
                {
                    throw document.Error("apiVersion", "Required value");
                }

                if (document.Kind.Length == 0)
                {
                    throw document.Error("kind", "Required value");
                }

                documents.Add(document);
            }
        }

        return documents;
    }

    private static void Apply(World world, List<WorldDocument> documents)
    {
        var store = world.ControlPlane.Store;
        int Rank(WorldDocument d) => Array.IndexOf(KindOrder, d.Kind) is var i and >= 0 ? i : Array.IndexOf(KindOrder, "Service") - 1;
        var ordered = documents.OrderBy(Rank).ToList();

        // Namespaces first, and their default service accounts, so pods in them are admitted.
        foreach (var batch in new[] { ordered.Where(d => d.Kind == "Namespace"), ordered.Where(d => d.Kind != "Namespace") })
        {
            foreach (var doc in batch)
            {
                try
                {
                    var obj = KubeObject.From(doc.Content);
                    var resource = store.Resources.For(obj);
                    if (resource.Namespaced && obj.Namespace is null)
                    {
                        obj = obj.WithMetadata("namespace", "default");
                    }

                    if (store.TryGet(resource, obj.Namespace, obj.Name) is { } existing)
                    {
                        // The bootstrap already made it (kube-system, default …): the world's copy wins.
                        store.Update(obj.WithMetadata("resourceVersion", existing.ResourceVersion));
                        continue;
                    }

                    store.Create(obj, new RequestContext(ObjectValidation.WorldLoaderUser), keepStatus: doc.Content["status"] is not null);
                }
                catch (KubeException e)
                {
                    throw new WorldException($"{doc.Where}: {e.KubectlText}", e);
                }
            }

            world.Settle();
        }
    }
}
