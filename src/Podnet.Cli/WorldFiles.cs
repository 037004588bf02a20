using System.Globalization;
using Podnet.Cli.Output;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Cli;

/// <summary>Reads a world from disk: one file, or every .yaml/.yml/.json file of a directory (and below), in name order.</summary>
public static class WorldFiles
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>
    /// Loads the world at <paramref name="path"/> (the default world when null), or says why not on
    /// <paramref name="error"/>. Settling a world that takes longer than a second shows a progress line on a terminal:
    /// pods Running of all pods, and the virtual time settling has reached.
    /// </summary>
    public static Podnet.World.World? TryLoad(string? path, TextWriter error)
    {
        try
        {
            return ProgressLine.Run(error, "loading the world", line =>
            {
                Action<Podnet.World.World>? report = line.IsShown ? w => line.Report(() => Describe(w)) : null;
                return path is null ? WorldLoader.LoadDefault(settleProgress: report) : WorldLoader.Load(Read(path), settleProgress: report);
            });
        }
        catch (WorldException e)
        {
            error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    private static string Describe(Podnet.World.World world)
    {
        var pods = world.ControlPlane.Store.List("v1", "Pod").Items;
        var running = pods.Count(p => new PodView(p).Phase == "Running");
        var elapsed = world.Time.GetUtcNow() - Podnet.World.World.Epoch;
        return string.Create(CultureInfo.InvariantCulture, $"settling the world: {running:N0}/{pods.Count:N0} pods Running, {Podnet.World.World.HumanDuration(elapsed)} of virtual time");
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
