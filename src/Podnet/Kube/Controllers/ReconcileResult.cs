namespace Podnet.Kube.Controllers;

/// <summary>
/// What one reconcile of a key ended with (controller-runtime's <c>reconcile.Result</c> and its error,
/// sigs.k8s.io/controller-runtime/pkg/reconcile/reconcile.go): <see cref="Done"/> forgets the key's failures;
/// <see cref="After"/> forgets them too and reconciles the key again after the delay (not a failure);
/// <see cref="Failed"/> retries the key through the queue's rate limiter (internal/controller/controller.go
/// <c>reconcileHandler</c>).
/// </summary>
public readonly record struct ReconcileResult
{
    private ReconcileResult(TimeSpan? requeueAfter, Exception? error)
    {
        RequeueAfter = requeueAfter;
        Error = error;
    }

    /// <summary>Nothing more to do for the key until it changes.</summary>
    public static ReconcileResult Done { get; } = new(null, null);

    /// <summary>Reconcile the key again after <see cref="RequeueAfter"/>, or null.</summary>
    public TimeSpan? RequeueAfter { get; }

    /// <summary>Why the reconcile failed, or null.</summary>
    public Exception? Error { get; }

    /// <summary>Reconcile the key again once <paramref name="delay"/> has passed (zero or less: at once).</summary>
    public static ReconcileResult After(TimeSpan delay) => new(delay, null);

    /// <summary><see cref="After"/> when there is a delay, else <see cref="Done"/>.</summary>
    public static ReconcileResult AfterOrDone(TimeSpan? delay) => delay is { } d ? After(d) : Done;

    /// <summary>The reconcile failed: the key is retried with the rate limiter's backoff.</summary>
    public static ReconcileResult Failed(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(null, error);
    }
}
