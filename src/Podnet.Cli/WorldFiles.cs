using Podnet.World;

namespace Podnet.Cli;

/// <summary>Reads a world from disk: one file, or every .yaml/.yml/.json file of a directory (and below), in name order.</summary>
public static class WorldFiles
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Loads the world at <paramref name="path"/> (the default world when null), or says why not on <paramref name="error"/>.</summary>
    public static Podnet.World.World? TryLoad(string? path, TextWriter error)
    {
        try
        {
            return path is null ? WorldLoader.LoadDefault() : WorldLoader.Load(Read(path));
        }
        catch (WorldException e)
        {
            error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    public static IReadOnlyList<WorldSource> Read(string path)
    {
        if (File.Exists(path))
        {
            return [new WorldSource(path, File.ReadAllText(path))];
        }

        if (!Directory.Exists(path))
        {
            throw new WorldException($"{path}: no such file or directory");
        }

        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new WorldException($"{path}: the directory holds no .yaml, .yml or .json files");
        }

        return [.. files.Select(f => new WorldSource(Path.GetRelativePath(Directory.GetCurrentDirectory(), f), File.ReadAllText(f)))];
    }
}
