using System.Diagnostics;
using System.Globalization;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Benchmarks;

/// <summary>
/// One measured run of a scale world, in this process (so the peak working set is the run's own): generate, load
/// and settle, then count the pods Running. Prints one tab-separated row: variant, pods, nodes, running, settled,
/// virtual time, wall seconds, CPU seconds, peak working set (MB), allocated (MB).
/// </summary>
public static class ScaleRun
{
    public const string Header = "variant\tpods\tnodes\trunning\tsettled\tvirtual\twall_s\tcpu_s\tpeak_ws_mb\talloc_mb\twhole_kind_lists";

    public static string Run(string variant, int pods)
    {
        var yaml = ScaleWorldGenerator.Yaml(variant, pods);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var world = WorldLoader.Load([new WorldSource($"scale-{variant}-{pods}.yaml", yaml)]);
        var settled = world.Settle(TimeSpan.Zero);

        clock.Stop();
        process.Refresh();
        var podsNow = world.ControlPlane.Store.List("v1", "Pod").Items.Select(p => new PodView(p)).ToList();
        var running = podsNow.Count(p => p.Phase == "Running" && !p.Namespace.Equals("kube-system", StringComparison.Ordinal));
        var nodes = world.ControlPlane.Store.List("v1", "Node").Items.Count;
        return string.Join('\t',
            variant,
            pods.ToString(CultureInfo.InvariantCulture),
            nodes.ToString(CultureInfo.InvariantCulture),
            running.ToString(CultureInfo.InvariantCulture),
            settled.Settled ? "yes" : "no",
            Podnet.Kube.Printing.HumanDuration.Format(world.Time.GetUtcNow() - World.World.Epoch),
            clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            (process.TotalProcessorTime - cpu).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            (process.PeakWorkingSet64 / (1024 * 1024)).ToString(CultureInfo.InvariantCulture),
            ((GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024 * 1024)).ToString(CultureInfo.InvariantCulture),
            string.Join(",", world.ControlPlane.Store.WholeKindLists.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
    }
}
