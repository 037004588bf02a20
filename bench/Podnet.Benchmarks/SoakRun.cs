using System.Diagnostics;
using System.Globalization;
using Podnet.Aws.Ec2.Faults;
using Podnet.Check;

namespace Podnet.Benchmarks;

/// <summary>
/// The full form of the soak (<see cref="Soak"/>): one run, its progress and figures printed — pods Running, pods
/// deleted and created, EC2 calls and faults injected, branch interfaces left, violations, virtual and wall time,
/// CPU seconds and peak working set.
/// </summary>
public static class SoakRun
{
    /// <summary>10% of EC2 calls failing (5% throttled, 4% internal errors, 1% of address-taking calls out of addresses), and 10% of new interfaces invisible to describe for 5 s.</summary>
    public const string DefaultFaults = "RequestLimitExceeded=5%,InternalError=4%,InsufficientFreeAddressesInSubnet=1%,EventualConsistency=10%";

    /// <summary>Runs the soak of <paramref name="pods"/> pods; returns the exit code: 0 when every pod runs and no invariant is broken, else 1.</summary>
    public static int Run(int pods, Ec2FaultSettings faults, TextWriter output)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        output.WriteLine($"soak: {pods.ToString(CultureInfo.InvariantCulture)} pods, faults {faults}");
        var result = Soak.Run(pods, faults, progress: line => output.WriteLine("  " + line));
        process.Refresh();
        var injected = string.Join(", ", result.Injected.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key} {i.Value.ToString(CultureInfo.InvariantCulture)}"));
        output.WriteLine($"pods Running: {result.Running.ToString(CultureInfo.InvariantCulture)}/{result.Pods.ToString(CultureInfo.InvariantCulture)}; deleted {result.Deleted.ToString(CultureInfo.InvariantCulture)}, created {result.Created.ToString(CultureInfo.InvariantCulture)} by the waves");
        output.WriteLine($"EC2 calls: {result.Ec2Calls.ToString(CultureInfo.InvariantCulture)}; faults injected: {injected}");
        output.WriteLine($"branch interfaces: {result.BranchInterfaces.ToString(CultureInfo.InvariantCulture)}; violations: {result.Violations.Count.ToString(CultureInfo.InvariantCulture)}; settled: {(result.Settled ? "yes" : "no")}");
        output.WriteLine($"virtual time: {Podnet.Kube.Printing.HumanDuration.Format(result.VirtualTime)}; wall: {result.RealTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; CPU: {(process.TotalProcessorTime - cpu).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; peak working set: {(process.PeakWorkingSet64 / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)} MB");
        foreach (var violation in result.Violations)
        {
            output.WriteLine(violation);
        }

        return result.Violations.Count == 0 && result.Running == result.Pods ? 0 : 1;
    }
}
