using System.Globalization;
using System.Text;
using Podnet.Cli.Output;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Cli;

/// <summary>Reads a world from disk: one file, or every .yaml/.yml/.json file of a directory (and below), in name order.</summary>
public static class WorldFiles
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>UTF-8 that refuses invalid bytes instead of turning them into U+FFFD (kubectl refuses them too).</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Loads the world at <paramref name="path"/> (the default world when null), or says why not on
    /// <paramref name="error"/>. Settling a world that takes longer than a second shows a progress line on a terminal:
    /// pods Running of all pods, and the virtual time settling has reached.
    /// </summary>
    public static Podnet.World.World? TryLoad(string? path, TextWriter error, VirtualTimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return Load(path is null ? [WorldLoader.DefaultSource()] : Read(path), error, time);
        }
        catch (WorldException e)
        {
            error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// Loads a world from its text (<paramref name="sources"/>) with the progress line of <see cref="TryLoad"/> on
    /// <paramref name="error"/>.
    /// </summary>
    /// <exception cref="WorldException">The world is not valid.</exception>
    public static Podnet.World.World Load(IReadOnlyList<WorldSource> sources, TextWriter error, VirtualTimeProvider? time = null)
        => ProgressLine.Run(error, "loading the world", line =>
        {
            Action<Podnet.World.World>? report = line.IsShown ? w => line.Report(() => Describe(w)) : null;
            return WorldLoader.Load(sources, settleProgress: report, time: time);
        });

    private static string Describe(Podnet.World.World world)
    {
        var pods = world.ControlPlane.Store.List("v1", "Pod").Items;
        var running = pods.Count(p => PodView.Of(p).Phase == "Running");
        var elapsed = world.Time.GetUtcNow() - Podnet.World.World.Epoch;
        return string.Create(CultureInfo.InvariantCulture, $"settling the world: {running:N0}/{pods.Count:N0} pods Running, {Podnet.Kube.Printing.HumanDuration.Format(elapsed)} of virtual time");
    }

    /// <summary>
    /// The world's files as text. Symbolic links are followed once (a loop or a link to nothing is an error, not a
    /// hang); a file that cannot be read, or is not UTF-8, stops the load with its name.
    /// </summary>
    public static IReadOnlyList<WorldSource> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var target = Resolve(path);
        if (target is FileInfo)
        {
            return [ReadFile(path)];
        }

        var files = new List<string>();
        Walk(path, new HashSet<string>(StringComparer.Ordinal) { target.FullName }, files);
        if (files.Count == 0)
        {
            throw new WorldException($"{path}: the directory holds no .yaml, .yml or .json files");
        }

        return [.. files.Order(StringComparer.Ordinal).Select(f => ReadFile(Path.GetRelativePath(Directory.GetCurrentDirectory(), f)))];
    }

    /// <summary>Collects the world files under <paramref name="directory"/>; <paramref name="visited"/> holds real paths, so a link back up is an error.</summary>
    private static void Walk(string directory, HashSet<string> visited, List<string> files)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorldException($"{directory}: cannot be read: {e.Message}", e);
        }

        foreach (var entry in entries)
        {
            if (entry.Contains('\uFFFD', StringComparison.Ordinal))
            {
                // .NET decodes a name that is not UTF-8 with replacement characters, and can then not open it.
                throw new WorldException($"{entry}: the name is not valid UTF-8 (shown with \uFFFD where the bad bytes are); rename it");
            }

            var target = Resolve(entry);
            if (target is DirectoryInfo dir)
            {
                if (!visited.Add(dir.FullName))
                {
                    throw new WorldException($"{entry}: a symbolic link loop (it leads back to {dir.FullName}, already read)");
                }

                Walk(entry, visited, files);
            }
            else if (Extensions.Contains(Path.GetExtension(entry), StringComparer.OrdinalIgnoreCase))
            {
                files.Add(entry);
            }
        }
    }

    /// <summary>The file or directory <paramref name="entry"/> names, through symbolic links.</summary>
    private static FileSystemInfo Resolve(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            throw new WorldException($"\"{entry}\": an empty path names no file or directory");
        }

        FileSystemInfo info = Directory.Exists(entry) ? new DirectoryInfo(entry) : new FileInfo(entry);
        try
        {
            if (info.LinkTarget is not null)
            {
                var final = info.ResolveLinkTarget(returnFinalTarget: true);
                if (final is null || !final.Exists)
                {
                    throw new WorldException($"{entry}: a symbolic link to {info.LinkTarget}, which does not exist");
                }

                return final;
            }
        }
        catch (IOException e)
        {
            throw new WorldException($"{entry}: a symbolic link that cannot be followed (a loop?): {e.Message}", e);
        }

        if (!info.Exists)
        {
            throw new WorldException($"{entry}: no such file or directory");
        }

        return info;
    }

    private static WorldSource ReadFile(string file) => new(file, ReadText(file));

    /// <summary>A file's text, strictly UTF-8 (a byte-order mark is dropped); any failure is a <see cref="WorldException"/> naming the file.</summary>
    public static string ReadText(string file)
    {
        try
        {
            return StrictUtf8.GetString(File.ReadAllBytes(file)).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException e)
        {
            throw new WorldException($"{file}: not UTF-8 text (invalid byte at offset {e.Index}); YAML and JSON files must be UTF-8", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorldException($"{file}: cannot be read: {e.Message}", e);
        }
    }
}
