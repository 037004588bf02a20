using Podnet.Kube.Admission;
using Podnet.Kube.Api;

namespace Podnet.ResourceController;

/// <summary>
/// The validating webhook <c>vpod.vpc.k8s.aws</c> on pod CREATE and UPDATE: no pod is created with the pod-eni
/// annotation, nobody changes the Fargate pod-sg annotation, and only the controller's users change pod-eni. With
/// Windows IPAM enabled, Windows IPAM's <c>vpc.amazonaws.com/PrivateIPv4Address</c> annotation is guarded the same way
/// (<c>getAnnotationKeysToBeValidated</c>, webhooks/core/annotation_validation_webhook.go: only then, so that an old
/// self-managed controller's annotations are not blocked).
/// </summary>
public static class PodAnnotationValidatingWebhook
{
    public const string NotSetByMutatingWebhookMessage = "annotation is not set by mutating webhook";

    public const string NotSetByControllerMessage = "annotation is not set by vpc-resource-controller";

    public static string CreatedWithAnnotationMessage(string annotation) => $"pod cannot be created with {annotation} annotation";

    public static bool Matches(AdmissionRequest request)
        => request is { Operation: AdmissionOperation.Create or AdmissionOperation.Update, Resource: { Group: "", Kind: "Pod" }, SubResource: null };

    /// <param name="windowsIpamEnabled">Whether Windows IPAM is on now (<see cref="WindowsIpamSettings"/>); off when null.</param>
    public static AdmissionWebhook ToWebhook(Func<bool>? windowsIpamEnabled = null)
        => new(ResourceControllerNames.ValidatingPodWebhook, false, FailurePolicy.Ignore, Matches, request => Handle(request, windowsIpamEnabled?.Invoke() == true));

    /// <param name="request">The pod CREATE or UPDATE.</param>
    /// <param name="windowsIpamEnabled">Whether Windows IPAM's annotation is guarded too.</param>
    public static AdmissionResult Handle(AdmissionRequest request, bool windowsIpamEnabled = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        string[] guarded = windowsIpamEnabled ? [ResourceControllerNames.PodEni, ResourceControllerNames.PrivateIPv4Address] : [ResourceControllerNames.PodEni];
        return request.Operation switch
        {
            AdmissionOperation.Create => HandleCreate(request, guarded),
            AdmissionOperation.Update => HandleUpdate(request, guarded),
            _ => AdmissionResult.Allow(),
        };
    }

    /// <summary>
    /// A new pod may not carry the pod-eni annotation. A pod that arrives already running (a world's dump of a real
    /// cluster, see <see cref="PodMutatingWebhook.WasAlreadyRunning"/>) got it from the controller by an UPDATE long
    /// ago, so it is kept: it names the branch interface the pod runs on.
    /// </summary>
    private static AdmissionResult HandleCreate(AdmissionRequest request, string[] guarded)
        => request.Object is { } pod && !PodMutatingWebhook.WasAlreadyRunning(pod) && guarded.FirstOrDefault(pod.Annotations.ContainsKey) is { } annotation
            ? Denied(CreatedWithAnnotationMessage(annotation))
            : AdmissionResult.Allow();

    private static AdmissionResult HandleUpdate(AdmissionRequest request, string[] guarded)
    {
        if (request.Object is not { } pod || request.OldObject is not { } old)
        {
            return AdmissionResult.Allow();
        }

        if (Annotation(pod, ResourceControllerNames.FargatePodSecurityGroupsAnnotation) != Annotation(old, ResourceControllerNames.FargatePodSecurityGroupsAnnotation))
        {
            return Denied(NotSetByMutatingWebhookMessage);
        }

        if (guarded.Any(key => Annotation(pod, key) != Annotation(old, key))
            && !ResourceControllerNames.IsController(request.UserName))
        {
            return Denied(NotSetByControllerMessage);
        }

        return AdmissionResult.Allow();
    }

    /// <summary>An annotation as a Go map reads it: missing is the empty string.</summary>
    private static string Annotation(KubeObject pod, string key) => pod.Annotations.GetValueOrDefault(key, string.Empty);

    private static AdmissionResult Denied(string message) => AdmissionResult.Deny(message, 403, "Forbidden");
}
