using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Composition;
using Podnet.Cni;
using Podnet.Kube.Admission;
using Podnet.Kube.Patching;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Serialization;
using Podnet.Kube.Validation;
using Podnet.Net;

namespace Podnet.World;

/// <summary>
/// Builds a world from YAML documents: AWS resources of <c>aws.podnet.dev/v1alpha1</c> into the emulated cloud,
/// Kubernetes objects into the control plane in the order Helm installs kinds. An object that carries
/// <c>status</c> is taken as it is (so a dump of a real cluster can be analysed). A world with no AWS resources is
/// policy-only. <c>Patch</c> documents (<see cref="WorldPatch"/>) then change objects as <c>kubectl patch</c> would. Any problem stops the load with a message that names the file, document, object and field.
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

    public static World LoadDefault(int seed = 1, Action<World>? settleProgress = null, VirtualTimeProvider? time = null) => Load([DefaultSource()], seed, settleProgress, time);

    /// <summary>The default world's YAML, for users to start from.</summary>
    public static WorldSource DefaultSource()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Podnet.World.DefaultWorld.yaml")
                           ?? throw new InvalidOperationException("the default world is missing from the Podnet assembly");
        using var reader = new StreamReader(stream);
        return new WorldSource(DefaultWorldName, reader.ReadToEnd());
    }

    /// <summary>
    /// The documents that own, directly or through their dependents, a pod given already running: found by the uids
    /// in ownerReferences, as a dump (<c>podnet snapshot</c>) keeps them. Empty when no document has a uid.
    /// </summary>
    private static HashSet<WorldDocument> OwnersOfRunningPods(List<WorldDocument> documents)
    {
        var byUid = new Dictionary<string, WorldDocument>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            if (doc.Content["metadata"]?["uid"] is JsonValue uid && uid.TryGetValue<string>(out var text))
            {
                byUid.TryAdd(text, doc);
            }
        }

        var owners = new HashSet<WorldDocument>();
        if (byUid.Count == 0)
        {
            return owners;
        }

        var pending = new Stack<WorldDocument>(documents.Where(d => d.Kind == "Pod" && d.Content["status"]?["podIP"] is not null));
        while (pending.TryPop(out var doc))
        {
            foreach (var reference in (doc.Content["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (reference["uid"] is JsonValue uid && uid.TryGetValue<string>(out var text) && byUid.TryGetValue(text, out var owner) && owners.Add(owner))
                {
                    pending.Push(owner);
                }
            }
        }

        return owners;
    }

    /// <summary>The kinds that make pods (and pods themselves): what a user applies once the cluster's nodes are Ready.</summary>
    private static readonly HashSet<string> WorkloadKinds = ["Pod", "ReplicationController", "ReplicaSet", "Deployment", "StatefulSet", "Job", "CronJob"];

    /// <summary>The user EKS creates a new cluster's default add-ons as (its audit log's <c>eks:addon-manager</c>).</summary>
    private const string EksAddonManager = "eks:addon-manager";

    /// <summary>
    /// Loads <paramref name="sources"/> into a new world and settles it; <paramref name="settleProgress"/> becomes the
    /// world's <see cref="World.SettleProgress"/> before anything runs. Virtual time starts at <see cref="World.Epoch"/>
    /// unless <paramref name="time"/> is given (<c>podnet up</c> gives a clock anchored to the wall clock).
    /// </summary>
    /// <exception cref="WorldException">The world is not valid: the message names the file, document, object and field.</exception>
    public static World Load(IReadOnlyList<WorldSource> sources, int seed = 1, Action<World>? settleProgress = null, VirtualTimeProvider? time = null)
    {
        var documents = Parse(sources);
        var aws = documents.Where(d => d.ApiVersion.StartsWith(AwsWorldBuilder.ApiGroup + "/", StringComparison.Ordinal)).ToList();
        var patches = documents.Where(WorldPatch.Is).ToList();
        var kube = documents.Except(aws).Except(patches).ToList();

        // The composition root news every part; the loader only says what the world holds.
        var composition = new ClusterBuilder(seed, time);
        AwsCloud? cloud = null;
        AwsWorldBuilder? builder = null;
        if (aws.Count > 0)
        {
            var region = Region(aws);
            cloud = composition.AddAccount(new AwsOptions { Seed = seed, Region = region, ZonesWithoutEksCapacity = ZonesWithoutEksCapacity(aws, region) });
            builder = new AwsWorldBuilder(cloud);
            builder.Apply(aws);

            // The account's EC2 misbehaves from here on: its resources exist, the controllers meet the faults.
            cloud.Faults.Settings = Faults(aws);
            if (builder.Clusters.Count > 1)
            {
                throw new WorldException($"{aws.First(d => d.Kind == "Cluster").Source}: a world holds one EKS cluster; found {builder.Clusters.Count}: {string.Join(", ", builder.Clusters.Select(c => c.Name))}");
            }
        }

        var cluster = builder?.Clusters.FirstOrDefault();
        if (cluster is not null)
        {
            composition.UseEksCluster(cluster);
        }

        // The world's own node groups were up when it began (the builder's BootedBefore); instances launched from now on boot first.
        var world = composition.UseNodegroupMaxPods(builder?.MaxPods ?? []).UseSettleProgress(settleProgress).Build();
        world.ControlPlane.Bootstrap();
        if (cluster is not null)
        {
            EksCustomResourceDefinitions.Create(world.ControlPlane.Store, world.Time);
        }

        world.Settle();
        if (cluster is not null)
        {
            kube = [.. Addons(kube, builder!, world.ControlPlane.ServiceCidr, cloud!.Options.Region), .. kube];
            RefuseUnsupportedCniSettings(kube, aws);
        }

        // A world may name its security groups (the cluster's among them) where its pods' groups are given by ID.
        builder?.ResolveSecurityGroupNames(kube);

        Apply(world, kube);
        foreach (var patch in patches)
        {
            WorldPatch.Apply(world, patch);
        }

        return world;
    }

    /// <summary>
    /// The Kubernetes side of a cluster created now in <paramref name="cloud"/> (<c>aws eks create-cluster</c> on a served
    /// account): a new control plane on the account's clock with the cluster's controllers, bootstrapped, and the
    /// cluster's default add-ons (vpc-cni's aws-node, kube-proxy, CoreDNS at their default versions) created as EKS
    /// creates them. Nothing runs yet: whoever serves the world runs its control plane (it does not settle here, so
    /// an anchored clock is not moved).
    /// </summary>
    /// <param name="cloud">The account the cluster was created in.</param>
    /// <param name="cluster">The cluster, as EKS created it.</param>
    /// <param name="seed">Seeds the control plane's generated names and UIDs.</param>
    /// <param name="time">The account's clock (the one <paramref name="cloud"/> reads).</param>
    public static World ForCreatedCluster(AwsCloud cloud, Aws.Eks.Cluster cluster, int seed, VirtualTimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(cluster);
        // Its node groups are created from now on: their instances boot before their nodes register.
        var world = new ClusterBuilder(seed, time).UseAccount(cloud).UseEksCluster(cluster).Build();
        world.ControlPlane.Bootstrap();
        EksCustomResourceDefinitions.Create(world.ControlPlane.Store, time);
        var store = world.ControlPlane.Store;
        var eks = new RequestContext(EksAddonManager);
        foreach (var addon in Addons([], new AwsWorldBuilder(cloud), world.ControlPlane.ServiceCidr, cloud.Options.Region))
        {
            var obj = KubeObject.From(addon.Content);
            var resource = store.Resources.For(obj);
            obj = resource.Namespaced && obj.Namespace is null ? obj.WithMetadata("namespace", "default") : obj;
            if (store.TryGet(resource, obj.Namespace, obj.Name) is null)
            {
                store.Create(obj, eks);
            }
        }

        return world;
    }

    /// <summary>
    /// The default add-ons of an EKS cluster, less the objects the world defines itself, as the world's Addon documents
    /// install them (versions and configuration values land where <see cref="EksAddonInstaller.Manifests"/> puts them).
    /// </summary>
    private static IEnumerable<WorldDocument> Addons(List<WorldDocument> world, AwsWorldBuilder builder, CidrBlock serviceCidr, string region)
    {
        var defined = world.Select(Key).ToHashSet();
        return EksAddonInstaller.Manifests(region, serviceCidr, builder.AddonVersions, builder.AddonConfiguration).Where(d => !defined.Contains(Key(d)));

        static (string Kind, string Namespace, string Name) Key(WorldDocument d)
            => (d.Kind, Metadata(d, "namespace") ?? string.Empty, d.Name);
    }

    /// <summary>
    /// The EC2 faults an <c>Account</c> asks for: <c>spec.Faults</c>, a map of <see cref="Aws.Ec2.Faults.Ec2FaultSettings.Keys"/>
    /// to rates (<c>RequestLimitExceeded: 5%</c>); none when no Account sets it.
    /// </summary>
    private static Aws.Ec2.Faults.Ec2FaultSettings Faults(List<WorldDocument> aws)
    {
        var settings = new Aws.Ec2.Faults.Ec2FaultSettings();
        foreach (var doc in aws.Where(d => d.Kind == "Account"))
        {
            switch (DocumentFields.Spec(doc)["Faults"])
            {
                case null:
                    continue;
                case JsonObject map:
                    try
                    {
                        settings = Aws.Ec2.Faults.Ec2FaultSettings.From(map.Select(p => new KeyValuePair<string, string>(p.Key, DocumentFields.StringAt(doc, p.Value, $"spec.Faults.{p.Key}") ?? string.Empty)));
                    }
                    catch (FormatException e)
                    {
                        throw doc.Error("spec.Faults", "Invalid value: " + e.Message);
                    }

                    break;
                default:
                    throw doc.Error("spec.Faults", $"must be a map of {string.Join(", ", Aws.Ec2.Faults.Ec2FaultSettings.Keys)} to rates (5% or 0.05)");
            }
        }

        return settings;
    }

    /// <summary>The zones an <c>Account</c> marks as without EKS capacity (<c>spec.ZonesWithoutEksCapacity</c>), checked to be the region's.</summary>
    private static List<string> ZonesWithoutEksCapacity(List<WorldDocument> aws, string region)
    {
        var zones = new List<string>();
        foreach (var doc in aws.Where(d => d.Kind == "Account"))
        {
            foreach (var zone in DocumentFields.Strings(doc, "ZonesWithoutEksCapacity"))
            {
                if (!AwsRegions.ZonesOf(region).Contains(zone))
                {
                    throw doc.Error("spec.ZonesWithoutEksCapacity", $"Unsupported value: \"{zone}\": supported values: {string.Join(", ", AwsRegions.ZonesOf(region).Select(z => $"\"{z}\""))}");
                }

                zones.Add(zone);
            }
        }

        return zones;
    }

    /// <summary>
    /// The region the world's AWS resources are in: the one its subnets' zones name (<c>AvailabilityZone:
    /// eu-west-1a</c> or <c>AvailabilityZoneId: euw1-az1</c>), so that zones, node names
    /// (<c>ip-192-168-3-47.eu-west-1.compute.internal</c>) and ARNs follow it; us-west-2 when no subnet names a zone.
    /// </summary>
    /// <exception cref="WorldException">A zone of no known region, or subnets in two regions.</exception>
    private static string Region(List<WorldDocument> aws)
    {
        (string Region, WorldDocument Doc, string Zone)? first = null;
        foreach (var doc in aws.Where(d => d.Kind == "Account"))
        {
            var region = DocumentFields.String(doc, "Region") ?? AwsRegions.Default;
            if (!AwsRegions.IsKnown(region))
            {
                throw doc.Error("spec.Region", $"Unsupported value: \"{region}\": supported values: {string.Join(", ", AwsRegions.Names.Select(r => $"\"{r}\""))}");
            }

            if (first is { } other && other.Region != region)
            {
                throw doc.Error("spec.Region", $"Invalid value: \"{region}\": a world is one account in one region, and {other.Doc.Where} is in {other.Region}");
            }

            first ??= (region, doc, region);
        }

        foreach (var doc in aws.Where(d => d.Kind == "Subnet"))
        {
            string? region;
            string field;
            string zone;
            if (DocumentFields.String(doc, "AvailabilityZone") is { } name)
            {
                (region, field, zone) = (AwsRegions.RegionOfZone(name), "spec.AvailabilityZone", name);
            }
            else if (DocumentFields.String(doc, "AvailabilityZoneId") is { } id)
            {
                (region, field, zone) = (AwsRegions.RegionOfZoneId(id), "spec.AvailabilityZoneId", id);
            }
            else
            {
                continue;
            }

            if (region is null || !AwsRegions.IsKnown(region))
            {
                throw doc.Error(field, $"Invalid value: \"{zone}\": not a zone of an AWS region (regions: {string.Join(", ", AwsRegions.Names)})");
            }

            if (first is { } seen && seen.Region != region)
            {
                throw doc.Error(field, $"Invalid value: \"{zone}\": a world is one region, and {seen.Doc.Where} is in {seen.Region} ({seen.Zone})");
            }

            first ??= (region, doc, zone);
        }

        return first?.Region ?? AwsRegions.Default;
    }

    /// <summary>
    /// A VPC CNI setting that the aws-node release in use reads but Podnet does not emulate (IPv6, multiple network
    /// cards: <see cref="CniSettings.Unsupported"/>) is an error naming the field that sets it — the Addon's
    /// configuration value, or the env entry of the world's own aws-node DaemonSet — never a setting silently ignored.
    /// </summary>
    private static void RefuseUnsupportedCniSettings(IReadOnlyList<WorldDocument> kube, IReadOnlyList<WorldDocument> aws)
    {
        var daemonSet = kube.FirstOrDefault(d => d.Kind == "DaemonSet" && d.Name == AwsNode.Component && (Metadata(d, "namespace") ?? "default") == "kube-system");
        if (daemonSet?.Content["spec"]?["template"]?["spec"]?["containers"] is not JsonArray containers
            || AwsNode.CniContainer([.. containers.OfType<JsonObject>()]) is not { } container
            || CniSettings.FromContainer(container).Unsupported() is not [var (setting, value, reason), ..])
        {
            return;
        }

        var problem = $"Unsupported value: \"{value}\": {reason}";
        var addon = aws.LastOrDefault(d => d.Kind == "Addon" && DocumentFields.Spec(d)["ConfigurationValues"]?["env"]?[setting.Name] is not null);
        if (addon is not null && daemonSet.Source == EksAddonInstaller.Source)
        {
            throw addon.Error($"spec.ConfigurationValues.env.{setting.Name}", problem);
        }

        var env = container["env"] as JsonArray ?? [];
        var entry = env.Select((e, i) => (Entry: e, Index: i)).Last(e => e.Entry?["name"]?.GetValue<string>() == setting.Name).Index;
        throw daemonSet.Error($"spec.template.spec.containers[{containers.IndexOf(container)}].env[{entry}].value", problem);
    }

    /// <summary>The documents of <paramref name="sources"/>, each checked to have an apiVersion and a kind (a List's items one by one).</summary>
    /// <exception cref="WorldException">A syntax error, a document that is not an object, or no documents at all.</exception>
    internal static List<WorldDocument> Parse(IReadOnlyList<WorldSource> sources)
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
                    for (var i = 0; i < items.Count; i++)
                    {
                        documents.Add(Checked(items[i] is JsonObject item ? document with { Content = item } : throw document.Error($"items[{i}]", "must be an object with apiVersion and kind")));
                    }

                    continue;
                }

                documents.Add(Checked(document));
            }
        }

        if (documents.Count == 0 && sources.Count > 0)
        {
            // An empty world is almost always a mistake (a wrong path, a truncated file), and would settle to nothing.
            throw new WorldException($"{string.Join(", ", sources.Select(s => s.Name))}: no objects (only empty documents or comments)");
        }

        return documents;
    }

    /// <summary>A document whose apiVersion and kind are strings and present, as kubectl requires before it sends anything.</summary>
    private static WorldDocument Checked(WorldDocument document)
    {
        if (GoJsonDecoder.FirstError(document.Content, GoTypes.TypeMeta) is { } error)
        {
            throw new WorldException($"{document.Where}: unable to decode: {error}");
        }

        if (document.ApiVersion.Length == 0)
        {
            throw document.Error("apiVersion", "Required value");
        }

        if (document.Kind.Length == 0)
        {
            throw document.Error("kind", "Required value");
        }

        return document;
    }

    /// <summary>
    /// Everything that can be said about the documents before one is applied, so a bad world changes nothing: each
    /// kind is one the API server serves (or a CRD of the world defines), each object decodes into its kind's type,
    /// no object is defined twice, and no two pods claim one address.
    /// </summary>
    private static void Check(KubeResources resources, List<WorldDocument> documents)
    {
        var defined = documents.Where(d => d.Kind == "CustomResourceDefinition").SelectMany(DefinedKinds).ToHashSet();
        var objects = new Dictionary<(string Group, string Kind, string Namespace, string Name), WorldDocument>();
        var addresses = new Dictionary<IPAddress, (WorldDocument Document, string Pod)>();
        var uids = new Dictionary<string, WorldDocument>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            if (Metadata(doc, "uid") is { } uid && !uids.TryAdd(uid, doc))
            {
                // A dump's uids are kept (ownerReferences name owners by them): two objects cannot share one.
                throw doc.Error("metadata.uid", $"Duplicate value: \"{uid}\": {uids[uid].Where} has this uid too");
            }

            if (resources.Find(doc.ApiVersion, doc.Kind) is null && !defined.Contains((doc.ApiVersion, doc.Kind)))
            {
                // kubectl's RESTMapper answer for a mistyped kind or version: the object would never reach the cluster.
                throw new WorldException($"{doc.Where}: no matches for kind \"{doc.Kind}\" in version \"{doc.ApiVersion}\" (ensure CRDs are installed first)");
            }

            var resource = resources.For(doc.ApiVersion, doc.Kind);
            if (KindStrategies.Decode(resource, doc.Content, doc.Name) is { } decodeError)
            {
                throw new WorldException($"{doc.Where}: {decodeError.KubectlText}", decodeError);
            }

            var ns = resource.Namespaced ? Metadata(doc, "namespace") ?? "default" : string.Empty;
            if (doc.Name.Length > 0 && !objects.TryAdd((resource.Group, resource.Kind, ns, doc.Name), doc))
            {
                // kubectl apply would let the later copy win without a word; a world defines each object once.
                var where = ns.Length == 0 ? string.Empty : $" in namespace \"{ns}\"";
                throw new WorldException($"{doc.Where}: {resource.QualifiedResource} \"{doc.Name}\"{where} is defined twice; the first is {objects[(resource.Group, resource.Kind, ns, doc.Name)].Where}");
            }

            // Pods on the host network share their node's address.
            if (!(doc.Content["spec"] is JsonObject spec && spec["hostNetwork"] is JsonValue h && h.TryGetValue<bool>(out var onHost) && onHost))
            {
                CheckAddresses(doc, ns, resource, addresses);
            }
        }
    }

    /// <summary>Two pods with one address would make every verdict about that address a guess.</summary>
    private static void CheckAddresses(WorldDocument doc, string ns, KubeResource resource, Dictionary<IPAddress, (WorldDocument Document, string Pod)> addresses)
    {
        if (resource is not { Group: "", Kind: "Pod" })
        {
            return;
        }

        foreach (var text in PodStrategy.Addresses(doc.Content))
        {
            if (IpAddressText.TryParse(text, out var address) && !addresses.TryAdd(address, (doc, $"{ns}/{doc.Name}")))
            {
                var first = addresses[address];
                throw new WorldException($"{doc.Where}: status.podIP: Duplicate value: \"{text}\": Pod {first.Pod} has this address too ({first.Document.Where})");
            }
        }
    }

    /// <summary>The (apiVersion, kind) pairs a CustomResourceDefinition document serves.</summary>
    private static IEnumerable<(string ApiVersion, string Kind)> DefinedKinds(WorldDocument crd)
    {
        var spec = crd.Content["spec"] as JsonObject;
        var group = spec?["group"] is JsonValue g && g.TryGetValue<string>(out var gs) ? gs : string.Empty;
        var kind = spec?["names"] is JsonObject names && names["kind"] is JsonValue k && k.TryGetValue<string>(out var ks) ? ks : string.Empty;
        foreach (var version in (spec?["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (version["name"] is JsonValue v && v.TryGetValue<string>(out var name))
            {
                yield return ($"{group}/{name}", kind);
            }
        }
    }

    private static string? Metadata(WorldDocument doc, string field)
        => doc.Content["metadata"] is JsonObject metadata && metadata[field] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    /// <summary>
    /// A world's <c>Node</c> document in a world with a cluster: the node is the one its node group's kubelet
    /// registered, and the document changes it as <c>kubectl label</c>, <c>kubectl annotate</c> and <c>kubectl
    /// taint</c> would (a strategic merge patch of its metadata and spec), before aws-node starts there — so a node
    /// keeps its zone, instance type and addresses, and an annotation such as <c>k8s.amazonaws.com/eniConfig</c>
    /// picks its ENIConfig as on EKS. The document's <c>status</c> is the kubelet's to write and is not taken.
    /// </summary>
    /// <exception cref="WorldException">No node of the world has the document's name.</exception>
    private static void OverlayNode(World world, WorldDocument doc, KubeObject overlay)
    {
        var store = world.ControlPlane.Store;
        var nodes = store.Resources.For("v1", "Node");
        if (store.TryGet(nodes, null, overlay.Name) is not { } node)
        {
            var names = store.List("v1", "Node").Items.Select(n => n.Name).Order(StringComparer.Ordinal).ToList();
            throw doc.Error("metadata.name", $"Not found: \"{overlay.Name}\": a Node document changes a node the world's node groups registered; they are {(names.Count == 0 ? "none" : string.Join(", ", names))}");
        }

        var patch = overlay.ToJson();
        patch.Remove("status");
        var merged = (JsonObject)StrategicMergePatch.Apply(node.ToJson(), patch, "v1", "Node");
        store.Update(KubeObject.From(merged).WithMetadata("resourceVersion", node.ResourceVersion), new RequestContext(ObjectValidation.WorldLoaderUser));
    }

    private static void Apply(World world, List<WorldDocument> documents)
    {
        var store = world.ControlPlane.Store;
        Check(store.Resources, documents);
        int Rank(WorldDocument d) => Array.IndexOf(KindOrder, d.Kind) is var i and >= 0 ? i : Array.IndexOf(KindOrder, "Service") - 1;
        var ordered = documents.OrderBy(Rank).ToList();

        // Namespaces first, and their default service accounts, so pods in them are admitted. The world's workloads
        // come last, once the cluster has settled: on EKS the node group's nodes are Ready (aws-node running) before
        // anyone applies a Deployment, so its pods are scheduled at once, with no FailedScheduling for the not-ready
        // taint. The add-ons' CoreDNS is created with the cluster, before nodes are Ready, and keeps that event.
        // A pod given already running (with its address) is not applied by a user: it was there when the world
        // begins, so it comes with the cluster, before ipamd reads what its node's interfaces already hold.
        // So do its owners (a dump's ReplicaSet and Deployment, by the uids its ownerReferences name): the garbage
        // collector deletes an object whose owners are all absent (attemptToDeleteItem), and in the world they exist.
        var withCluster = OwnersOfRunningPods(ordered);
        bool Workload(WorldDocument d) => WorkloadKinds.Contains(d.Kind) && d.Source != EksAddonInstaller.Source
                                          && !(d.Kind == "Pod" && d.Content["status"]?["podIP"] is not null)
                                          && !withCluster.Contains(d);
        // The batches are taken before any is written: the store keeps each document's JSON as the object it creates
        // (handed over, not copied), so what decides a document's batch is read while it is still as written.
        var batches = new[] { ordered.Where(d => d.Kind == "Namespace").ToList(), ordered.Where(d => d.Kind != "Namespace" && !Workload(d)).ToList(), ordered.Where(Workload).ToList() };
        var loader = new RequestContext(ObjectValidation.WorldLoaderUser);
        foreach (var batch in batches)
        {
            foreach (var doc in batch)
            {
                // A document without a name gets one from the store: its errors name it as written.
                var where = doc.Name.Length == 0 ? doc.Where : null;
                try
                {
                    var resource = store.Resources.For(doc.ApiVersion, doc.Kind);
                    var ns = resource.Namespaced ? Metadata(doc, "namespace") ?? "default" : null;
                    if (resource is { Group: "", Kind: "Node" } && !world.IsPolicyOnly)
                    {
                        OverlayNode(world, doc, KubeObject.From(doc.Content));
                        continue;
                    }

                    if (store.TryGet(resource, ns, doc.Name) is { } existing)
                    {
                        // The bootstrap already made it (kube-system, default …): the world's copy wins, as the
                        // object the bootstrap made (a dump's uid for it names the dumped cluster's object).
                        var obj = KubeObject.From(doc.Content);
                        obj = resource.Namespaced && obj.Namespace is null ? obj.WithMetadata("namespace", "default") : obj;
                        store.Update(obj.WithMetadata("resourceVersion", existing.ResourceVersion).WithMetadata("uid", existing.Uid));
                        continue;
                    }

                    // A List's item is a node of its list: the store gets a copy of it, as an object of its own.
                    var json = doc.Content.Parent is null ? doc.Content : (JsonObject)doc.Content.DeepClone();
                    if (ns is not null && Metadata(doc, "namespace") is null)
                    {
                        KubeObject.EnsureMetadata(json)["namespace"] = ns;
                    }

                    // A dump's uids are kept, so its objects' ownerReferences still name their owners. The document was
                    // decoded by Check: a built-in kind's decoding cannot change since, a custom resource's can (its
                    // CustomResourceDefinition was created in between), so only the latter is decoded again.
                    store.CreateHandedOver(json, loader, keepStatus: json["status"] is not null, keepUid: true, decoded: !resource.IsCustomResource);
                }
                catch (KubeException e)
                {
                    throw new WorldException($"{where ?? doc.Where}: {e.KubectlText}", e);
                }
            }

            world.Settle();
        }
    }
}
