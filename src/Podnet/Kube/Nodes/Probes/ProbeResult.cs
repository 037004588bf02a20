namespace Podnet.Kube.Nodes.Probes;

/// <summary>A probe worker's result as the kubelet's results manager holds it (pkg/kubelet/prober/results).</summary>
public enum ProbeResult
{
    /// <summary>Not known yet: a startup probe before its first answer.</summary>
    Unknown,

    /// <summary>The probe passes (past its success threshold).</summary>
    Success,

    /// <summary>The probe fails (past its failure threshold).</summary>
    Failure,
}

/// <summary>
/// Why one run of a probe failed: the output the kubelet puts after "… probe failed: ", and whether the probe waited
/// its whole <c>timeoutSeconds</c> for an answer (a connection the path drops), so that its result, and its
/// <c>Unhealthy</c> event, come that much after the probe began.
/// </summary>
/// <param name="Output">The prober's output, e.g. <c>dial tcp 10.0.1.5:80: i/o timeout</c>.</param>
/// <param name="TimedOut">True when the answer comes only when the probe's timeout runs out.</param>
public sealed record ProbeFailure(string Output, bool TimedOut);
