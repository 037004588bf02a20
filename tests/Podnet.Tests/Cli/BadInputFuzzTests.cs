using System.Diagnostics;
using Podnet.Cli;
using Podnet.Tests.TestSupport;
using Xunit.Abstractions;

namespace Podnet.Tests.Cli;

/// <summary>
/// Mutates the examples and the NetworkPolicy cases and runs podnet's commands on them in process: whatever the
/// input, a command answers (exit 0, 1 or 2) within <see cref="Slow"/>, never crashes (70), and every exit 2 says why
/// on an <c>error:</c> line that names the file or the world.
/// </summary>
/// <remarks>
/// In the suite the inputs are the same on every run (a fixed seed and count), so CI never fails on an input that no
/// earlier run saw. To look for new failures, draw fresh inputs for a while:
/// <c>PODNET_FUZZ_SECONDS=600 dotnet test -c Release --filter BadInputFuzzTests</c>; a failure names its seed, and
/// <c>PODNET_FUZZ_SEED=N</c> draws the same inputs again.
/// </remarks>
public sealed class BadInputFuzzTests(ITestOutputHelper output)
{
    /// <summary>The suite's fixed inputs: the seed they are drawn from, and how many.</summary>
    private const int FixedSeed = 20261129;

    private const int FixedRuns = 1000;

    /// <summary>The suite's time bound (CI allows 60 s): a slow machine runs a shorter prefix of the same inputs.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(50);

    /// <summary>A command that takes longer than this on one small input is a hang, not an answer.</summary>
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(20);

    private sealed record Seed(string Name, string Directory, string? Expected, string[] Row);

    [Fact]
    public void MutatedWorlds_AlwaysGetAnAnswerOrOneNamedError()
    {
        var seeds = Seeds();
        Assert.True(seeds.Count > 10, $"found only {seeds.Count} seed worlds");
        var explore = int.TryParse(Environment.GetEnvironmentVariable("PODNET_FUZZ_SECONDS"), out var seconds) ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PODNET_FUZZ_SEED"), out var given) ? given : explore is null ? FixedSeed : Random.Shared.Next();
        var draw = new Random(seed);
        var clock = Stopwatch.StartNew();
        var runs = 0;
        var exits = new int[3];
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);

        // Half the inputs come from the examples (AWS worlds, few but slow), half from the NetworkPolicy cases.
        var examples = seeds.Count(s => s.Expected is null || !s.Directory.StartsWith(NetpolCorpus.Root, StringComparison.Ordinal));
        while (explore is null ? runs < FixedRuns && clock.Elapsed < Budget : clock.Elapsed < explore)
        {
            var index = draw.Next(2) == 0 ? draw.Next(examples) : draw.Next(examples, seeds.Count);
            var mutationSeed = draw.Next();
            var command = draw.Next(7);
            var (exit, err, args, names) = RunOne(seeds[index], mutationSeed, command);
            var what = $"podnet {string.Join(' ', args)} (input {runs} of seed {seed}: {seeds[index].Name}, mutation {mutationSeed})";
            runs++;
            Assert.True(exit is 0 or 1 or 2, $"{what} exited {exit}:\n{err}");
            exits[exit]++;
            if (exit == 2)
            {
                var line = err.Split('\n').FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal));
                Assert.True(line is not null, $"{what} exited 2 without an error: line:\n{err}");
                Assert.True(names.Any(n => line.Contains(n, StringComparison.Ordinal)), $"{what}: the error names no file:\n{line}");
                var kind = Kind(line);
                errors[kind] = errors.GetValueOrDefault(kind) + 1;
            }
        }

        output.WriteLine($"{runs} mutated inputs of seed {seed} in {clock.Elapsed.TotalSeconds:F0} s: exit 0 {exits[0]}, exit 1 {exits[1]}, exit 2 {exits[2]}");
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
        var keep = false;
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
            // On a worker thread, so that a command that never ends fails this test instead of hanging the suite.
            var clock = Stopwatch.StartNew();
            var run = Task.Run(() => PodnetCli.Run(args));
            if (!run.Wait(Slow))
            {
                keep = true;
                Assert.Fail($"podnet {string.Join(' ', args)} did not finish within {Slow.TotalSeconds} s (the input is kept in {dir})");
            }

            var (exit, _, err) = run.Result;
            Assert.True(clock.Elapsed < Slow, $"podnet {string.Join(' ', args)} took {clock.Elapsed.TotalSeconds:F1} s");
            return (exit, err, args, [Path.GetFileName(dir), .. files.Select(f => Path.GetFileName(f)), "expected.tsv"]);
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(dir, recursive: true);
            }
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
