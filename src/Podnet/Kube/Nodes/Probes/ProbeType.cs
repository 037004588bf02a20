namespace Podnet.Kube.Nodes.Probes;

/// <summary>
/// The three probes a container may have (pkg/kubelet/prober/prober.go <c>probeType</c>): a startup probe holds the
/// others back until it succeeds; a failing liveness or startup probe gets the container restarted; a failing
/// readiness probe takes the pod out of Ready (and so out of its Services' endpoints).
/// </summary>
public enum ProbeType
{
    /// <summary><c>startupProbe</c>.</summary>
    Startup,

    /// <summary><c>livenessProbe</c>.</summary>
    Liveness,

    /// <summary><c>readinessProbe</c>.</summary>
    Readiness,
}

/// <summary>The words and spec field of each <see cref="ProbeType"/>.</summary>
public static class ProbeTypes
{
    /// <summary>The container field holding the probe: <c>startupProbe</c>, <c>livenessProbe</c>, <c>readinessProbe</c>.</summary>
    public static string Field(this ProbeType type) => type switch
    {
        ProbeType.Startup => "startupProbe",
        ProbeType.Liveness => "livenessProbe",
        _ => "readinessProbe",
    };

    /// <summary>
    /// The word the kubelet's events use (prober.go: <c>probeType.String()</c> in "%s probe failed: %s"):
    /// Startup, Liveness, Readiness.
    /// </summary>
    public static string EventWord(this ProbeType type) => type.ToString();
}
