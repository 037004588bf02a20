using Podnet.World;

namespace Podnet.Tests.TestSupport;

/// <summary>Worlds from <c>examples/</c>, optionally edited (each file's text) and extended with more documents.</summary>
public static class ExampleWorlds
{
    public static Podnet.World.World Load(string name, Func<string, string>? edit = null, params string[] extra)
    {
        var folder = Path.Combine(PodnetCli.Examples(), name);
        var files = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => new WorldSource(f, (edit ?? (t => t))(File.ReadAllText(f))));
        return WorldLoader.Load([.. files, .. extra.Select((text, i) => new WorldSource($"extra-{i}.yaml", text))]);
    }

    /// <summary>The folder of an example, e.g. <c>examples/hello-eks</c>.</summary>
    public static string Folder(string name) => Path.Combine(PodnetCli.Examples(), name);

    /// <summary>The text of one file of an example, e.g. <c>("hello-eks", "cluster.yaml")</c>, for tests that edit it.</summary>
    public static string Text(string name, string file) => File.ReadAllText(Path.Combine(PodnetCli.Examples(), name, file));

    /// <summary>Calico's node agent as a DaemonSet: what makes Calico the cluster's NetworkPolicy enforcer.</summary>
    public const string CalicoDaemonSet = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: calico-node, namespace: kube-system}
        spec:
          selector: {matchLabels: {k8s-app: calico-node}}
          template:
            metadata: {labels: {k8s-app: calico-node}}
            spec: {hostNetwork: true, containers: [{name: calico-node, image: docker.io/calico/node:v3.28.0}]}
        """;

    /// <summary>
    /// Adds aws-node environment variables to the vpc-cni Addon of <c>security-groups-for-pods</c> (next to its
    /// ENABLE_POD_ENI); other files pass through unchanged.
    /// </summary>
    public static string WithCniEnv(string text, params (string Name, string Value)[] env)
        => env.Aggregate(text, (t, e) => t.Replace("      ENABLE_POD_ENI: \"true\"", $"      ENABLE_POD_ENI: \"true\"\n      {e.Name}: \"{e.Value}\"", StringComparison.Ordinal));

    /// <summary>Drops every document of <paramref name="kind"/> from a file's text.</summary>
    public static string WithoutKind(string text, string kind)
        => string.Join("---\n", text.Split("---\n").Where(d => !d.Contains($"kind: {kind}\n", StringComparison.Ordinal)));
}
