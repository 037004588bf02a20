using System.Text.Json.Nodes;

namespace Podnet.Kube.Nodes.Probes;

/// <summary>
/// A container's probe with its timings, in seconds, as the kubelet's prober worker reads them (pkg/kubelet/prober/
/// worker.go). Missing timings take core/v1 SetDefaults_Probe's values (the API server fills them in; a world's pod
/// given with <c>status</c> may lack them): timeout 1 s, period 10 s, success threshold 1, failure threshold 3, no
/// initial delay.
/// </summary>
/// <param name="Handler">The probe object itself (<c>tcpSocket</c>, <c>httpGet</c>, <c>grpc</c> or <c>exec</c>, with the timings).</param>
/// <param name="InitialDelaySeconds">Seconds after the container starts before the first probe counts (worker.go doProbe).</param>
/// <param name="TimeoutSeconds">Seconds a probe waits for an answer before it fails.</param>
/// <param name="PeriodSeconds">Seconds between two probes (the worker's ticker).</param>
/// <param name="SuccessThreshold">Consecutive successes before a failed probe counts as passing again.</param>
/// <param name="FailureThreshold">Consecutive failures before the probe counts as failed.</param>
public sealed record ProbeSpec(JsonObject Handler, int InitialDelaySeconds, int TimeoutSeconds, int PeriodSeconds, int SuccessThreshold, int FailureThreshold)
{
    /// <summary>The default timeout, in seconds (SetDefaults_Probe).</summary>
    public const int DefaultTimeoutSeconds = 1;

    /// <summary>The default period, in seconds (SetDefaults_Probe).</summary>
    public const int DefaultPeriodSeconds = 10;

    /// <summary>The default success threshold (SetDefaults_Probe).</summary>
    public const int DefaultSuccessThreshold = 1;

    /// <summary>The default failure threshold (SetDefaults_Probe).</summary>
    public const int DefaultFailureThreshold = 3;

    /// <summary>The container's probe of <paramref name="type"/>, or null when it has none.</summary>
    public static ProbeSpec? Of(JsonObject container, ProbeType type)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container[type.Field()] is not JsonObject probe)
        {
            return null;
        }

        return new ProbeSpec(
            probe,
            Seconds(probe, "initialDelaySeconds", 0, 0),
            Seconds(probe, "timeoutSeconds", DefaultTimeoutSeconds, 1),
            Seconds(probe, "periodSeconds", DefaultPeriodSeconds, 1),
            Seconds(probe, "successThreshold", DefaultSuccessThreshold, 1),
            Seconds(probe, "failureThreshold", DefaultFailureThreshold, 1));
    }

    /// <summary>
    /// Fills the timings core/v1 SetDefaults_Probe and SetDefaults_HTTPGetAction give (path <c>/</c>, scheme
    /// <c>HTTP</c>), as the API server does to every container's probes.
    /// </summary>
    public static void ApplyDefaults(JsonObject probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        probe["timeoutSeconds"] ??= DefaultTimeoutSeconds;
        probe["periodSeconds"] ??= DefaultPeriodSeconds;
        probe["successThreshold"] ??= DefaultSuccessThreshold;
        probe["failureThreshold"] ??= DefaultFailureThreshold;
        if (probe["httpGet"] is JsonObject http)
        {
            http["path"] ??= "/";
            http["scheme"] ??= "HTTP";
        }
    }

    /// <summary>A timing field; a value below the API's minimum (validation refuses it) counts as the minimum.</summary>
    private static int Seconds(JsonObject probe, string field, int fallback, int minimum)
        => probe[field] is JsonValue v && v.TryGetValue<int>(out var value) ? Math.Max(value, minimum) : fallback;
}
