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

    /// <summary>Drops every document of <paramref name="kind"/> from a file's text.</summary>
    public static string WithoutKind(string text, string kind)
        => string.Join("---\n", text.Split("---\n").Where(d => !d.Contains($"kind: {kind}\n", StringComparison.Ordinal)));
}
