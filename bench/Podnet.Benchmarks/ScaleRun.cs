using System.Diagnostics;
using System.Globalization;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Benchmarks;

/// <summary>
/// One measured run of a scale world, in this process (so the peak working set is the run's own): generate, load
/// and settle, then count the pods Running. Prints one tab-separated row: variant, pods, nodes, running, settled,
/// virtual time, wall seconds, CPU seconds, peak working set (MB), allocated (MB), whole-kind lists, and the changes
/// settling made by kind and type (`Pod.status` = a change of the status alone).
/// </summary>
public static class ScaleRun
{
    public const string Header = "variant\tpods\tnodes\trunning\tsettled\tvirtual\twall_s\tcpu_s\tpeak_ws_mb\talloc_mb\twhole_kind_lists\twrites_by_kind";

    public static string Run(string variant, int pods)
    {
        var yaml = ScaleWorldGenerator.Yaml(variant, pods);

        // As `podnet run` collects (the CLI's Program.cs): no background generation-2 collections.
        System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.Batch;

        // With PODNET_ALLOC_BY_TYPE set: which types the run allocates, sampled (stderr, after the row).
        using var sampler = Environment.GetEnvironmentVariable("PODNET_ALLOC_BY_TYPE") is null ? null : new AllocationSampler();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var paused = GC.GetTotalPauseDuration();
        int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var clock = Stopwatch.StartNew();

        // Every change from the first step of settling on (the workloads are applied after it), by kind and type, a
        // status-only change counted apart: where the writes go.
        // Keyed by the strings the change already holds, so counting allocates nothing per write (it is in the measured
        // allocations).
        var writes = new Dictionary<(string Kind, string Type), int>();
        var typeNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var counting = false;
        var world = WorldLoader.Load([new WorldSource($"scale-{variant}-{pods}.yaml", yaml)], settleProgress: w =>
        {
            if (counting)
            {
                return;
            }

            counting = true;
            w.ControlPlane.Store.Subscribe(change =>
            {
                if (!typeNames.TryGetValue(change.TypeName, out var type))
                {
                    type = change.TypeName.ToLowerInvariant();
                    typeNames[change.TypeName] = type;
                }

                var key = (change.Object.Kind, change.Object.Kind != "Event" && change.OnlyStatusChanged ? "status" : type);
                writes[key] = writes.GetValueOrDefault(key) + 1;
            });
        });
        // Loading settles within podnet run's horizon (10 minutes of virtual time past the last change); a world whose
        // pods wait longer on EC2's rate limits (5,000 pods with security groups need about 28 minutes of the resource
        // controller's 12 calls/s) settles on here, so every variant is measured to the end.
        var settled = world.Settle(TimeSpan.FromHours(2));

        clock.Stop();
        process.Refresh();
        var podsNow = world.ControlPlane.Store.List("v1", "Pod").Items.Select(p => PodView.Of(p)).ToList();
        var running = podsNow.Count(p => p.Phase == "Running" && !p.Namespace.Equals("kube-system", StringComparison.Ordinal));
        var nodes = world.ControlPlane.Store.List("v1", "Node").Items.Count;
        var row = string.Join('\t',
            variant,
            (variant == "nodes" ? 0 : pods).ToString(CultureInfo.InvariantCulture),
            nodes.ToString(CultureInfo.InvariantCulture),
            running.ToString(CultureInfo.InvariantCulture),
            settled.Settled ? "yes" : "no",
            Podnet.Kube.Printing.HumanDuration.Format(world.Time.GetUtcNow() - World.World.Epoch),
            clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            (process.TotalProcessorTime - cpu).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            (process.PeakWorkingSet64 / (1024 * 1024)).ToString(CultureInfo.InvariantCulture),
            ((GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024 * 1024)).ToString(CultureInfo.InvariantCulture),
            string.Join(",", world.ControlPlane.Store.WholeKindLists.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")),
            string.Join(",", writes.OrderByDescending(w => w.Value).Select(w => $"{w.Key.Kind}.{w.Key.Type}={w.Value}")));

        // On stderr, beside the row: how much of the wall time the garbage collector paused the program, and how many
        // collections of each generation it made (a gen2 collection walks the whole live heap).
        Console.Error.WriteLine(FormattableString.Invariant(
            $"gc: paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:0.00} s, collections gen0 {GC.CollectionCount(0) - collections[0]}, gen1 {GC.CollectionCount(1) - collections[1]}, gen2 {GC.CollectionCount(2) - collections[2]}"));

        foreach (var (type, bytes, share) in sampler?.Top(40) ?? [])
        {
            Console.Error.WriteLine(FormattableString.Invariant($"alloc {share,6:P1} {bytes / (1024 * 1024),6} MB {type}"));
        }

        // With PODNET_HEAP_BY_KIND set: after the row's figures, the live heap and what three kinds cost as trees and as text.
        if (Environment.GetEnvironmentVariable("PODNET_HEAP_BY_KIND") is not null)
        {
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            Console.Error.WriteLine($"live heap {heap / (1024 * 1024)} MB");
            foreach (var kind in new[] { "Event", "Pod", "Node" })
            {
                var items = world.ControlPlane.Store.List("v1", kind).Items;
                var before = GC.GetTotalMemory(forceFullCollection: true);
                var copies = items.Select(i => i.ToJson()).ToList();
                var after = GC.GetTotalMemory(forceFullCollection: true);
                long text = items.Sum(i => (long)System.Text.Encoding.UTF8.GetByteCount(i.ToJsonString()));
                Console.Error.WriteLine($"{kind}: {items.Count} objects, trees {(after - before) / (1024 * 1024)} MB ({(after - before) / Math.Max(1, items.Count)} B each), JSON text {text / (1024 * 1024)} MB ({text / Math.Max(1, items.Count)} B each)");
                GC.KeepAlive(copies);
            }
        }

        return row;
    }
}
