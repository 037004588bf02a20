using Podnet.Kube.Api;

namespace Podnet.Kube.Admission;

public enum AdmissionOperation
{
    Create,
    Update,
    Delete,
}

/// <summary>What admission sees of one request, like <c>admission.k8s.io/v1</c> AdmissionRequest.</summary>
public sealed record AdmissionRequest(
    AdmissionOperation Operation,
    KubeResource Resource,
    string? Namespace,
    string Name,
    KubeObject? Object,
    KubeObject? OldObject,
    string UserName,
    string? SubResource = null)
{
    /// <summary>
    /// <see cref="Object"/> was made for this write and nobody else holds it (the store's own copy of what was sent,
    /// or JSON handed over to the store): a built-in mutating plugin may change its JSON in place and hand back a new
    /// <see cref="KubeObject"/> over it, instead of copying the whole object to default one field. False for what a
    /// webhook returned, and by default.
    /// </summary>
    public bool Owned { get; init; }
}

/// <summary>
/// A webhook's answer: allowed (a mutating webhook may return the changed object) or denied with a message (and
/// optionally a code and reason, as in the AdmissionReview response's <c>status</c>).
/// </summary>
public sealed record AdmissionResult(bool Allowed, KubeObject? Patched = null, string? Message = null, int Code = 0, string Reason = "")
{
    /// <summary>
    /// <see cref="Patched"/> was made for this answer and nothing else holds it (<see cref="AllowChanged"/>): the write
    /// takes it over, and the built-in plugins that run again change it in place, as the API server's run on its own
    /// copy of the object with the webhook's patch applied (mutating.go <c>callAttrMutatingHook</c>). Otherwise they copy
    /// it first: a webhook may answer with an object it keeps.
    /// </summary>
    public bool PatchedIsOwn { get; init; }

    public static AdmissionResult Allow(KubeObject? patched = null) => new(true, patched);

    /// <summary>Allowed with <paramref name="changed"/>, a changed copy made for this answer (<see cref="PatchedIsOwn"/>).</summary>
    public static AdmissionResult AllowChanged(KubeObject changed) => new(true, changed) { PatchedIsOwn = true };

    public static AdmissionResult Deny(string message, int code = 0, string reason = "") => new(false, null, message, code, reason);
}

public enum FailurePolicy
{
    Fail,
    Ignore,
}

/// <summary>An in-process admission webhook, registered the way a MutatingWebhookConfiguration or
/// ValidatingWebhookConfiguration would be.</summary>
public sealed record AdmissionWebhook(
    string Name,
    bool Mutating,
    FailurePolicy FailurePolicy,
    Func<AdmissionRequest, bool> Matches,
    Func<AdmissionRequest, AdmissionResult> Handle);
