using System.Diagnostics;
using System.Globalization;
using Podnet.Kube.Serialization;
using Podnet.Policy;
using Podnet.World;

namespace Podnet.Benchmarks;

/// <summary>
/// Where the time of <c>podnet reach</c> and <c>podnet matrix</c> on a large world goes, in this process: the
/// generated policy-only world of N pods (<see cref="PolicyWorldGenerator"/>) read as YAML, loaded (read, checked,
/// written into the store; the YAML is read twice before, the second time warm, so that the load's time beyond
/// reading shows), <see cref="Reachability"/> built, one query, and the TCP/80 matrix by set algebra — then
/// the matrix of the security-group world of 10,000 pods (<see cref="SecurityGroupWorldGenerator"/>, 1,000
/// NetworkPolicies, 300 groups) three times, warm. Each step is one tab-separated row: step, wall ms, CPU ms (all
/// threads: the YAML is read on every core), allocated MB.
/// </summary>
public static class LoadRun
{
    public const string Header = "step\twall_ms\tcpu_ms\talloc_mb";

    public static IEnumerable<string> Run(int pods, bool securityGroups)
    {
        var yaml = PolicyWorldGenerator.Yaml(pods);
        var name = $"generated-{pods}.yaml";
        yield return Step($"read the YAML ({yaml.Length / (1024 * 1024)} MB)", () => YamlManifests.Parse(yaml, name, yaml11Booleans: false).Count);
        // Read again, warm: the load below reads the same text, so what it takes beyond this is checking the
        // documents and writing them into the store.
        yield return Step("read the YAML again (warm)", () => YamlManifests.Parse(yaml, name, yaml11Booleans: false).Count);
        Podnet.World.World world = null!;
        yield return Step($"load the world of {pods:N0} pods (reading included)", () => world = WorldLoader.Load([new WorldSource(name, yaml)]));
        Reachability reach = null!;
        yield return Step("build Reachability (policies compiled)", () => reach = new Reachability(world));
        yield return Step("one reach query", () => reach.Evaluate("ns-3/web-0", "ns-7/api-1", "TCP/80").Allowed);
        yield return Step("the TCP/80 matrix by set algebra", () => ConnectivityMatrix.Compute(reach).Classes);
        yield return Step($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB", () => 0);
        if (!securityGroups)
        {
            yield break;
        }

        Podnet.World.World groups = null!;
        yield return Step("build the security-group world of 10,000 pods", () => groups = SecurityGroupWorldGenerator.Build(10_000, groups: 300));
        for (var i = 1; i <= 3; i++)
        {
            yield return Step($"its matrix by set algebra, run {i}", () => ConnectivityMatrix.Compute(groups).Classes);
        }
    }

    private static string Step(string step, Func<object> work)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        work();
        clock.Stop();
        process.Refresh();
        return string.Join('\t',
            step,
            clock.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture),
            (process.TotalProcessorTime - cpu).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture),
            ((GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024 * 1024)).ToString(CultureInfo.InvariantCulture));
    }
}
