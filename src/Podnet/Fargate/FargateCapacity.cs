using System.Globalization;
using Podnet.Kube.Api;
using Podnet.Kube.Views;

namespace Podnet.Fargate;

/// <summary>
/// The vCPU and memory Fargate provisions for a pod, as its <c>CapacityProvisioned</c> annotation says them
/// (<c>0.25vCPU 0.5GB</c>). From the EKS user guide, "Understand Fargate Pod configuration details": the larger of the
/// largest init container's requests and the sum of the other containers' requests, plus 256 MB of memory for the
/// kubelet, kube-proxy and containerd, rounded up to the first of Fargate's vCPU and memory combinations that holds it
/// (no requests: the smallest, .25 vCPU and 0.5 GB).
/// </summary>
/// <param name="VCpu">The vCPUs: 0.25, 0.5, 1, 2, 4, 8 or 16.</param>
/// <param name="MemoryMiB">The memory in MiB (a multiple of 512).</param>
public sealed record FargateCapacity(decimal VCpu, int MemoryMiB)
{
    /// <summary>The pod annotation the Fargate scheduler writes.</summary>
    public const string Annotation = "CapacityProvisioned";

    /// <summary>
    /// The reason of the <c>PodScheduled=False</c> condition the fargate-scheduler writes on a pod whose requests no
    /// combination holds (<see cref="For"/> is null); it provisions nothing and the pod stays Pending. Condition as a
    /// user's pod showed it (aws/eks-distro-prow-jobs#11, "Reduce Fargate Task Size").
    /// </summary>
    public const string ExceedsMaxReason = "POD_CPU_MEM_EXCEEDS_MAX_FARGATE_SIZE";

    /// <summary>That condition's message.</summary>
    public const string ExceedsMaxMessage = "Your pod's cpu/memory requirements exceed the max Fargate configuration";

    /// <summary>The memory Fargate adds to every pod's requests for the Kubernetes components on the micro-VM.</summary>
    public const int KubernetesComponentsMiB = 256;

    /// <summary>
    /// Fargate's combinations, smallest first: .25 vCPU with 0.5, 1 or 2 GB; .5 with 1 to 4 GB; 1 with 2 to 8 GB; 2 with
    /// 4 to 16 GB and 4 with 8 to 30 GB in 1 GB steps; 8 with 16 to 60 GB in 4 GB steps; 16 with 32 to 120 GB in 8 GB steps.
    /// </summary>
    public static IReadOnlyList<FargateCapacity> Combinations { get; } =
    [
        .. new[] { 512, 1024, 2048 }.Select(m => new FargateCapacity(0.25m, m)),
        .. Gigabytes(1, 4, 1).Select(m => new FargateCapacity(0.5m, m)),
        .. Gigabytes(2, 8, 1).Select(m => new FargateCapacity(1, m)),
        .. Gigabytes(4, 16, 1).Select(m => new FargateCapacity(2, m)),
        .. Gigabytes(8, 30, 1).Select(m => new FargateCapacity(4, m)),
        .. Gigabytes(16, 60, 4).Select(m => new FargateCapacity(8, m)),
        .. Gigabytes(32, 120, 8).Select(m => new FargateCapacity(16, m)),
    ];

    /// <summary>The capacity for <paramref name="pod"/>; null when its requests exceed every combination (16 vCPU, 120 GB).</summary>
    public static FargateCapacity? For(PodView pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        static (decimal Cpu, decimal Memory) Requests(System.Text.Json.Nodes.JsonObject container)
        {
            var requests = container["resources"]?["requests"];
            var cpu = requests?["cpu"] is { } c && Quantity.TryParse(c.ToString(), out var cores) ? cores : 0;
            var memory = requests?["memory"] is { } m && Quantity.TryParse(m.ToString(), out var bytes) ? bytes : 0;
            return (cpu, memory);
        }

        var running = pod.Containers.Select(Requests).Aggregate((Cpu: 0m, Memory: 0m), (sum, r) => (sum.Cpu + r.Cpu, sum.Memory + r.Memory));
        var init = pod.InitContainers.Select(Requests).Aggregate((Cpu: 0m, Memory: 0m), (max, r) => (Math.Max(max.Cpu, r.Cpu), Math.Max(max.Memory, r.Memory)));
        var cpu = Math.Max(running.Cpu, init.Cpu);
        var memoryMiB = (Math.Max(running.Memory, init.Memory) / (1024 * 1024)) + KubernetesComponentsMiB;
        return Combinations.FirstOrDefault(c => c.VCpu >= cpu && c.MemoryMiB >= memoryMiB);
    }

    /// <summary>The annotation's value: <c>0.25vCPU 0.5GB</c>, <c>1vCPU 3GB</c>.</summary>
    public override string ToString()
        => $"{VCpu.ToString("0.##", CultureInfo.InvariantCulture)}vCPU {(MemoryMiB / 1024m).ToString("0.#", CultureInfo.InvariantCulture)}GB";

    private static IEnumerable<int> Gigabytes(int from, int to, int step)
    {
        for (var gb = from; gb <= to; gb += step)
        {
            yield return gb * 1024;
        }
    }
}
