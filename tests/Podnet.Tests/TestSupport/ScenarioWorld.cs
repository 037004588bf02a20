using Podnet.World;

namespace Podnet.Tests.TestSupport;

/// <summary>
/// A world on disk, for the commands that read one (<c>run</c>, <c>reach</c>, <c>lint</c>): an example's files, each
/// edited, plus extra documents, written to a temporary directory that is deleted on dispose. <see cref="Load"/>
/// settles the same files in process, to find the names of generated objects.
/// </summary>
public sealed class ScenarioWorld : IDisposable
{
    public ScenarioWorld(string example, Func<string, string>? edit = null, params string[] extra)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("podnet-scenario-").FullName;
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(PodnetCli.Examples(), example), "*.yaml"))
        {
            File.WriteAllText(Path.Combine(Directory, Path.GetFileName(file)), (edit ?? (t => t))(File.ReadAllText(file)));
        }

        for (var i = 0; i < extra.Length; i++)
        {
            File.WriteAllText(Path.Combine(Directory, $"zz-extra-{i}.yaml"), extra[i]);
        }
    }

    /// <summary>The world's directory, as the commands take it.</summary>
    public string Directory { get; }

    /// <summary>The world loaded and settled in process.</summary>
    public Podnet.World.World Load()
        => WorldLoader.Load([.. System.IO.Directory.GetFiles(Directory, "*.yaml").Order(StringComparer.Ordinal).Select(f => new WorldSource(f, File.ReadAllText(f)))]);

    /// <summary>The add-ons EKS installs (aws-node, kube-proxy, CoreDNS), as a world document to edit, e.g. to pin aws-node's image.</summary>
    public static string EksAddons()
    {
        using var stream = typeof(WorldLoader).Assembly.GetManifestResourceStream("Podnet.World.EksAddons.yaml")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }
}
