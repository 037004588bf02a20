namespace Podnet.Kube.Nodes.Probes;

/// <summary>
/// One probe of one container instance, as the kubelet's prober worker runs it (pkg/kubelet/prober/worker.go): a
/// ticker every <see cref="ProbeSpec.PeriodSeconds"/> from the container's start; a tick before
/// <see cref="ProbeSpec.InitialDelaySeconds"/> has passed, or (for liveness and readiness) before the startup probe has
/// succeeded, does nothing; the result changes only after <see cref="ProbeSpec.FailureThreshold"/> consecutive failures
/// or <see cref="ProbeSpec.SuccessThreshold"/> consecutive successes. Readiness starts as Failure, liveness as
/// Success, startup as Unknown (worker.go newWorker). A failed liveness or startup result puts the worker on hold
/// until the container is restarted (a new container gets a new worker).
/// </summary>
/// <remarks>
/// The kubelet's ticker runs as long as the container does (worker.go run), so a probe that passes now fails at the
/// first tick after a rule that let it through is removed. A passing run changes nothing (no event, no status), so
/// the emulator lets a probe that passes steadily rest and <see cref="Resume"/>s it when something that could change
/// its verdict changed (a security group, a NetworkPolicy, the pod): it then runs at the ticker's next tick, the very
/// tick the kubelet's ticker would run it at. So the cost of a settled cluster is nil and that of a change one run per
/// resting probe and period, however many changes the period holds. A probe whose connection is dropped answers only
/// when its timeout runs out (<see cref="ProbeFailure.TimedOut"/>): its result comes <see cref="ProbeSpec.TimeoutSeconds"/>
/// after the tick, and the next tick is the next one of the ticker after that (Go's ticker drops the ticks missed).
/// </remarks>
internal sealed class ProbeWorker
{
    private readonly DateTimeOffset _containerStarted;
    private ProbeResult _lastRun = ProbeResult.Unknown;
    private int _resultRun;
    private DateTimeOffset _nextTick;
    private DateTimeOffset _pendingTick;
    private (DateTimeOffset At, ProbeFailure Failure)? _pending;
    private bool _onHold;
    private bool _steady;

    public ProbeWorker(ProbeType type, ProbeSpec spec, DateTimeOffset containerStarted)
    {
        Type = type;
        Spec = spec;
        _containerStarted = containerStarted;
        _nextTick = containerStarted;
        Result = type switch
        {
            ProbeType.Readiness => ProbeResult.Failure,
            ProbeType.Liveness => ProbeResult.Success,
            _ => ProbeResult.Unknown,
        };
    }

    public ProbeType Type { get; }

    public ProbeSpec Spec { get; }

    /// <summary>The result the kubelet acts on.</summary>
    public ProbeResult Result { get; private set; }

    /// <summary>When the worker next has something to do (a tick, or the answer of a probe waiting for its timeout); null when it is idle.</summary>
    public DateTimeOffset? Due => _pending?.At ?? (_onHold || _steady ? null : _nextTick);

    /// <summary>
    /// Does what is due at <paramref name="now"/>: applies a timed-out probe's failure, or runs a tick. Returns the
    /// failures to report as <c>Unhealthy</c> events (each failed run is one, below the threshold too: prober.go
    /// records the event for every failed probe).
    /// </summary>
    /// <param name="now">The moment it is.</param>
    /// <param name="containerStarted">Whether the container counts as started (its startup probe, if any, has succeeded).</param>
    /// <param name="run">Runs the probe once: null when it passes, else why it failed.</param>
    public ProbeFailure? Step(DateTimeOffset now, bool containerStarted, Func<ProbeFailure?> run)
    {
        if (_pending is { } pending && pending.At <= now)
        {
            _pending = null;
            Record(ProbeResult.Failure);
            NextTickAfter(_pendingTick, now);
            return pending.Failure;
        }

        if (Due is not { } due || due > now)
        {
            return null;
        }

        var tick = _nextTick;
        NextTickAfter(tick, now);

        // worker.go doProbe: startup stops probing once the container has started; the others wait for it.
        if (Type == ProbeType.Startup ? containerStarted : !containerStarted)
        {
            return null;
        }

        if ((tick - _containerStarted).TotalSeconds < Spec.InitialDelaySeconds)
        {
            return null;
        }

        var failure = run();
        if (failure is null)
        {
            Record(ProbeResult.Success);
            return null;
        }

        if (failure.TimedOut && Spec.TimeoutSeconds > 0)
        {
            _pending = (tick + TimeSpan.FromSeconds(Spec.TimeoutSeconds), failure);
            _pendingTick = tick;
            return null;
        }

        Record(ProbeResult.Failure);
        return failure;
    }

    /// <summary>worker.go doProbe's thresholds: the result changes after enough runs in a row.</summary>
    private void Record(ProbeResult result)
    {
        if (_lastRun == result)
        {
            _resultRun++;
        }
        else
        {
            _lastRun = result;
            _resultRun = 1;
        }

        var threshold = result == ProbeResult.Failure ? Spec.FailureThreshold : Spec.SuccessThreshold;
        if (_resultRun < threshold)
        {
            return;
        }

        Result = result;
        if (result == ProbeResult.Failure && Type is ProbeType.Liveness or ProbeType.Startup)
        {
            // The container will be killed: stop probing until a new container (worker.go: onHold).
            _onHold = true;
            _resultRun = 0;
        }

        _steady = result == ProbeResult.Success;
    }

    /// <summary>
    /// Wakes a probe that rests passing steadily (see the remarks): it runs again at the ticker's first tick at or after
    /// <paramref name="now"/>. A startup probe that has succeeded stays done (worker.go doProbe stops probing once the
    /// container has started); a worker on hold waits for its container's restart. Returns whether it woke.
    /// </summary>
    public bool Resume(DateTimeOffset now)
    {
        if (!_steady || _onHold || Type == ProbeType.Startup)
        {
            return false;
        }

        _steady = false;
        var period = TimeSpan.FromSeconds(Spec.PeriodSeconds);
        while (_nextTick < now)
        {
            _nextTick += period;
        }

        return true;
    }

    private void NextTickAfter(DateTimeOffset tick, DateTimeOffset now)
    {
        var period = TimeSpan.FromSeconds(Spec.PeriodSeconds);
        _nextTick = tick + period;
        while (_nextTick < now)
        {
            _nextTick += period;
        }
    }
}
