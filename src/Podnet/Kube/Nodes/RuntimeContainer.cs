using System.Text.Json.Nodes;
using Podnet.Kube.Nodes.Probes;

namespace Podnet.Kube.Nodes;

/// <summary>Where a container is in its life, as the kubelet's status shows it.</summary>
internal enum RuntimeContainerState
{
    /// <summary>Not started yet: waiting for the containers before it, or pulling its image (<c>ContainerCreating</c>).</summary>
    Creating,

    /// <summary>Running since <see cref="RuntimeContainer.StartedAt"/>.</summary>
    Running,

    /// <summary>Exited, waiting out its restart back-off (<c>CrashLoopBackOff</c>).</summary>
    BackOff,

    /// <summary>Exited and not restarted (restartPolicy Never).</summary>
    Terminated,

    /// <summary>Cannot start: its image is missing and its pull policy is <c>Never</c> (<c>ErrImageNeverPull</c>).</summary>
    ImageNeverPull,
}

/// <summary>
/// One container of a pod on a node, as the kubelet and its container runtime know it (kubecontainer.Status): the
/// instance running or last run, its restarts, its last termination, and its probe workers.
/// </summary>
internal sealed class RuntimeContainer(JsonObject spec)
{
    public JsonObject Spec { get; } = spec;

    public string Name => Spec["name"]?.GetValue<string>() ?? string.Empty;

    public string Image => Spec["image"]?.GetValue<string>() ?? string.Empty;

    public RuntimeContainerState State { get; set; } = RuntimeContainerState.Creating;

    /// <summary>How many times the container was restarted (instances run, less one).</summary>
    public int RestartCount { get; set; }

    /// <summary>Whether an instance of the container has ever started.</summary>
    public bool EverStarted { get; set; }

    /// <summary>The image pull under way for the next start, and when it ends; null when none is.</summary>
    public (ImagePull Pull, DateTimeOffset DoneAt)? Pulling { get; set; }

    /// <summary>When the instance running (or last run) started.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The runtime's ID of the instance (<c>containerd://…</c>).</summary>
    public string ContainerId { get; set; } = string.Empty;

    /// <summary>The last instance's end, as <c>lastState.terminated</c> shows it; null before the first exit.</summary>
    public JsonObject? LastTerminated { get; set; }

    /// <summary>When the last instance exited.</summary>
    public DateTimeOffset ExitedAt { get; set; }

    /// <summary>When the back-off ends and the container starts again.</summary>
    public DateTimeOffset RestartAt { get; set; }

    /// <summary>When the kubelet, syncing the pod in back-off, next reports it (on the pod worker's retry: 10 to 15 s, at the sync loop's next tick).</summary>
    public DateTimeOffset NextBackOffReport { get; set; }

    /// <summary>The waiting message of a container in back-off (kuberuntime_manager.go doBackOff).</summary>
    public string BackOffMessage { get; set; } = string.Empty;

    /// <summary>The probe workers of the running instance, startup first.</summary>
    public List<ProbeWorker> Workers { get; } = [];

    /// <summary>Started: running, and its startup probe (if any) has succeeded (containerStatus.started).</summary>
    public bool Started => State == RuntimeContainerState.Running && Workers.All(w => w.Type != ProbeType.Startup || w.Result == ProbeResult.Success);

    /// <summary>Ready: started, and its readiness probe (if any) passes.</summary>
    public bool Ready => Started && Workers.All(w => w.Type != ProbeType.Readiness || w.Result == ProbeResult.Success);

    /// <summary>The worker of a probe type, when the container has that probe.</summary>
    public ProbeWorker? Worker(ProbeType type) => Workers.FirstOrDefault(w => w.Type == type);
}
