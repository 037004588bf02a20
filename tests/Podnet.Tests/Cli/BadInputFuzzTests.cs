using System.Diagnostics;
using CsCheck;
using Podnet.Cli;
using Podnet.Tests.TestSupport;
using Xunit.Abstractions;

namespace Podnet.Tests.Cli;

/// <summary>
/// Mutates the examples and the NetworkPolicy cases for a bounded time and runs podnet's commands on them in
/// process: whatever the input, a command answers (exit 0, 1 or 2), never crashes (70), and every exit 2 says why on
/// an <c>error:</c> line that names the file or the world.
/// </summary>
public sealed class BadInputFuzzTests(ITestOutputHelper output)
{
    /// <summary>How long the fuzzer runs in the suite (CI allows 60 s in all).</summary>
    private const int Seconds = 25;

    /// <summary>A command that takes longer than this on one small input is a hang, not an answer.</summary>
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(20);

    private sealed record Seed(string Name, string Directory, string? Expected, string[] Row);

    [Fact]
    public void MutatedWorlds_AlwaysGetAnAnswerOrOneNamedError()
    {
        var seeds = Seeds();
        Assert.True(seeds.Count > 10, $"found only {seeds.Count} seed worlds");
        var runs = 0;
        var exits = new int[3];
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        // Half the inputs come from the examples (AWS worlds, few but slow), half from the NetworkPolicy cases.
        var examples = seeds.Count(s => s.Expected is null || !s.Directory.StartsWith(NetpolCorpus.Root, StringComparison.Ordinal));
        var seedIndex = Gen.OneOf(Gen.Int[0, examples - 1], Gen.Int[examples, seeds.Count - 1]);
        var gen = Gen.Select(seedIndex, Gen.Int[0, int.MaxValue], Gen.Int[0, 6]);
        gen.Sample(
            (index, mutationSeed, command) =>
            {
                var (exit, err, args, names) = RunOne(seeds[index], mutationSeed, command);
                Interlocked.Increment(ref runs);
                Assert.True(exit is 0 or 1 or 2, $"podnet {string.Join(' ', args)} exited {exit}:\n{err}");
                Interlocked.Increment(ref exits[exit]);
                if (exit == 2)
                {
                    var line = err.Split('\n').FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal));
                    Assert.True(line is not null, $"podnet {string.Join(' ', args)} exited 2 without an error: line:\n{err}");
                    Assert.True(names.Any(n => line.Contains(n, StringComparison.Ordinal)), $"podnet {string.Join(' ', args)}: the error names no file:\n{line}");
                    lock (errors)
                    {
                        var kind = Kind(line);
                        errors[kind] = errors.GetValueOrDefault(kind) + 1;
                    }
                }
            },
            time: Seconds,
            threads: 1,
            print: t => $"{seeds[t.Item1].Name}, mutation seed {t.Item2}, command {t.Item3}");

        output.WriteLine($"{runs} mutated inputs in {Seconds} s: exit 0 {exits[0]}, exit 1 {exits[1]}, exit 2 {exits[2]}");
        foreach (var (kind, count) in errors.OrderByDescending(e => e.Value))
        {
            output.WriteLine($"  {count,4}  {kind}");
        }

        Assert.True(runs > 20, $"only {runs} inputs ran");
        Assert.True(exits[2] > 0 && exits[0] + exits[1] > 0, "the mutations should give both answers and errors");
    }

    /// <summary>Runs one command on one mutated copy of a seed; the names are the world's folder and files and the table's.</summary>
    private static (int Exit, string Err, string[] Args, IReadOnlyList<string> Names) RunOne(Seed seed, int mutationSeed, int command)
    {
        var random = new Random(mutationSeed);
        var dir = Path.Combine(Path.GetTempPath(), $"podnet-fuzz-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var files = Directory.GetFiles(seed.Directory).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            var victim = files[random.Next(files.Count)];
            foreach (var file in files)
            {
                var target = Path.Combine(dir, Path.GetFileName(file));
                if (file == victim)
                {
                    File.WriteAllBytes(target, WorldMutator.Mutate(File.ReadAllText(file), Path.GetFileName(file), random).Bytes);
                }
                else
                {
                    File.Copy(file, target);
                }
            }

            string[] args = command switch
            {
                0 when seed.Expected is not null => ["test", dir, seed.Expected],
                1 when seed.Row.Length >= 3 => ["reach", dir, seed.Row[0], seed.Row[1], seed.Row[2]],
                2 => ["lint", dir],
                3 => ["matrix", dir],
                4 => ["netpol", "egress-for", dir],
                5 => ["report", dir, "-o", "-"],
                _ => ["run", dir, "-o", random.Next(2) == 0 ? "json" : "text"],
            };
            var clock = Stopwatch.StartNew();
            var (exit, _, err) = PodnetCli.Run(args);
            Assert.True(clock.Elapsed < Slow, $"podnet {string.Join(' ', args)} took {clock.Elapsed.TotalSeconds:F1} s");
            return (exit, err, args, [Path.GetFileName(dir), .. files.Select(f => Path.GetFileName(f)), "expected.tsv"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The examples with Kubernetes or AWS YAML, and every NetworkPolicy case, with a row to ask about.</summary>
    private static List<Seed> Seeds()
    {
        var seeds = new List<Seed>();
        foreach (var dir in Directory.GetDirectories(PodnetCli.Examples()).Order(StringComparer.Ordinal))
        {
            if (Directory.GetFiles(dir, "*.yaml").Length > 0)
            {
                var expected = Path.Combine(dir, "expected.tsv");
                seeds.Add(new Seed(Path.GetFileName(dir), dir, File.Exists(expected) ? expected : null, File.Exists(expected) ? NetpolCorpus.Rows(dir)[0] : ["kube-system/coredns", "kube-system/coredns", "53/udp"]));
            }
        }

        if (Directory.Exists(NetpolCorpus.Root))
        {
            foreach (var dir in Directory.GetDirectories(NetpolCorpus.Root).Order(StringComparer.Ordinal))
            {
                seeds.Add(new Seed(Path.GetFileName(dir), dir, Path.Combine(dir, "expected.tsv"), NetpolCorpus.Rows(dir)[0]));
            }
        }

        return seeds;
    }

    /// <summary>The error without names and values, to count errors by kind.</summary>
    private static string Kind(string line)
    {
        var text = line.Contains("): ", StringComparison.Ordinal) ? line[(line.IndexOf("): ", StringComparison.Ordinal) + 3)..] : line;
        text = System.Text.RegularExpressions.Regex.Replace(text, "\"[^\"]*\"", "\"…\"");
        text = System.Text.RegularExpressions.Regex.Replace(text, "[0-9]+", "N");
        return text.Length > 110 ? text[..110] : text;
    }
}
