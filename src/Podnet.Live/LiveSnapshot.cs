using System.Text.Json.Nodes;
using Podnet.Kube.Serialization;
using Podnet.World;

namespace Podnet.Live;

/// <summary>
/// What was read of a live cluster, as a world: the AWS documents (<see cref="AwsDocuments"/>) and the Kubernetes
/// documents (<see cref="KubernetesDocuments"/>), with notes on what a world cannot say. <c>podnet reach
/// --kubeconfig</c> loads <see cref="Sources"/> as <c>podnet reach DIR</c> loads the files <see cref="WriteTo"/>
/// writes, so both decide alike.
/// </summary>
public sealed record LiveSnapshot(IReadOnlyList<JsonObject> AwsDocuments, IReadOnlyList<JsonObject> KubernetesDocuments, IReadOnlyList<string> Notes)
{
    /// <summary>The file of the AWS documents in a snapshot's directory.</summary>
    public const string AwsFile = "aws.yaml";

    /// <summary>The file of the Kubernetes documents in a snapshot's directory.</summary>
    public const string KubernetesFile = "kubernetes.yaml";

    /// <summary>
    /// Reads the cluster of <paramref name="source"/>: its Kubernetes objects, then the EC2 side of the instances its
    /// nodes run on (<c>spec.providerID</c> <c>aws:///ZONE/INSTANCE</c>). A cluster whose nodes are no EC2 instances
    /// (kind, minikube) gives a policy-only world and no EC2 call.
    /// </summary>
    /// <param name="source">The kubeconfig, context and region.</param>
    /// <param name="endpointUrl">EC2's endpoint, as the aws CLI's <c>--endpoint-url</c>; null for the SDK's resolution.</param>
    /// <param name="cancel">Stops the reading.</param>
    /// <exception cref="LiveClusterException">Either API could not be read.</exception>
    public static async Task<LiveSnapshot> ReadAsync(LiveClusterSource source, string? endpointUrl = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        IReadOnlyList<JsonObject> objects;
        string version;
        using (var kubernetes = KubernetesReader.Open(source))
        {
            version = await kubernetes.VersionAsync(cancel).ConfigureAwait(false);
            objects = await kubernetes.ListAsync(cancel).ConfigureAwait(false);
        }

        var nodes = objects.Where(o => o["kind"]?.GetValue<string>() == "Node").ToList();
        var instanceIds = nodes.Select(InstanceId).OfType<string>().ToList();
        var notes = new List<string>();
        IReadOnlyList<JsonObject> aws = [];
        if (instanceIds.Count > 0)
        {
            var region = source.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
                         ?? nodes.Select(n => n["metadata"]?["labels"]?["topology.kubernetes.io/region"]?.GetValue<string>()).FirstOrDefault(r => r is not null);
            using var ec2 = Ec2Reader.Open(region, endpointUrl);
            var inventory = await ec2.ReadForInstancesAsync(instanceIds, cancel).ConfigureAwait(false);
            var kubernetesService = objects.FirstOrDefault(o => o["kind"]?.GetValue<string>() == "Service" && o["metadata"]?["namespace"]?.GetValue<string>() == "default" && o["metadata"]?["name"]?.GetValue<string>() == "kubernetes");
            var kubernetesIp = kubernetesService?["spec"]?["clusterIP"]?.GetValue<string>();
            var ipv6 = System.Net.IPAddress.TryParse(kubernetesIp, out var serviceAddress) && serviceAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            var facts = new Podnet.Live.AwsDocuments.ClusterFacts(version, Podnet.Live.AwsDocuments.ServiceCidr(kubernetesIp), MaxPods(nodes), ipv6 ? "ipv6" : null);
            var result = Podnet.Live.AwsDocuments.From(inventory, facts);
            aws = result.Documents;
            notes.AddRange(result.Notes);
        }
        else
        {
            notes.Add("no node has an EC2 providerID (aws:///ZONE/i-…): the world is policy-only, and NetworkPolicy alone decides");
        }

        return new LiveSnapshot(aws, Podnet.Live.KubernetesDocuments.From(objects), notes);
    }

    /// <summary>The snapshot as the world loader reads it, named after where it came from.</summary>
    public IReadOnlyList<WorldSource> Sources(string name)
    {
        var sources = new List<WorldSource>();
        if (AwsDocuments.Count > 0)
        {
            sources.Add(new WorldSource($"{name}: {AwsFile}", Yaml(AwsDocuments)));
        }

        sources.Add(new WorldSource($"{name}: {KubernetesFile}", Yaml(KubernetesDocuments)));
        return sources;
    }

    /// <summary>Writes the snapshot's files into <paramref name="directory"/> (made if missing); returns their paths.</summary>
    public IReadOnlyList<string> WriteTo(string directory, string origin)
    {
        Directory.CreateDirectory(directory);
        var header = $"# A world made by `podnet snapshot` from {origin}.\n"
                     + string.Concat(Notes.Select(n => $"# note: {KubernetesReader.OneLine(n)}\n"));
        var written = new List<string>();
        var aws = Path.Combine(directory, AwsFile);
        if (AwsDocuments.Count > 0)
        {
            File.WriteAllText(aws, header + Yaml(AwsDocuments));
            written.Add(aws);
        }
        else
        {
            File.Delete(aws);
        }

        var kube = Path.Combine(directory, KubernetesFile);
        File.WriteAllText(kube, header + Yaml(KubernetesDocuments));
        written.Add(kube);
        return written;
    }

    private static string Yaml(IReadOnlyList<JsonObject> documents) => YamlManifests.ToYamlDocuments(documents);

    /// <summary>The instance of a node: <c>aws:///us-west-2a/i-0123…</c>'s last segment.</summary>
    internal static string? InstanceId(JsonObject node)
        => node["spec"]?["providerID"]?.GetValue<string>() is { } id && id.StartsWith("aws://", StringComparison.Ordinal) && id[(id.LastIndexOf('/') + 1)..] is var instance && instance.StartsWith("i-", StringComparison.Ordinal)
            ? instance
            : null;

    /// <summary>Each node group's pods per node (<c>status.capacity.pods</c>, the kubelet's --max-pods), when its nodes agree.</summary>
    private static Dictionary<string, int> MaxPods(IEnumerable<JsonObject> nodes)
        => nodes.Select(n => (Group: n["metadata"]?["labels"]?["eks.amazonaws.com/nodegroup"]?.GetValue<string>(), Pods: n["status"]?["capacity"]?["pods"]?.GetValue<string>()))
            .Where(n => n.Group is not null && int.TryParse(n.Pods, System.Globalization.CultureInfo.InvariantCulture, out _))
            .GroupBy(n => n.Group!, StringComparer.Ordinal)
            .Where(g => g.Select(n => n.Pods).Distinct(StringComparer.Ordinal).Count() == 1)
            .ToDictionary(g => g.Key, g => int.Parse(g.First().Pods!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
