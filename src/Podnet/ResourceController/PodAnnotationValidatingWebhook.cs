using Podnet.Kube.Admission;
using Podnet.Kube.Api;

namespace Podnet.ResourceController;

/// <summary>
/// The validating webhook <c>vpod.vpc.k8s.aws</c> on pod CREATE and UPDATE: no pod is created with the pod-eni
/// annotation, nobody changes the Fargate pod-sg annotation, and only the controller's users change pod-eni.
/// </summary>
public static class PodAnnotationValidatingWebhook
{
    public const string NotSetByMutatingWebhookMessage = "annotation is not set by mutating webhook";

    public const string NotSetByControllerMessage = "annotation is not set by vpc-resource-controller";

    public static string CreatedWithAnnotationMessage(string annotation) => $"pod cannot be created with {annotation} annotation";

    public static bool Matches(AdmissionRequest request)
        => request is { Operation: AdmissionOperation.Create or AdmissionOperation.Update, Resource: { Group: "", Kind: "Pod" }, SubResource: null };

    public static AdmissionWebhook ToWebhook() => new(ResourceControllerNames.ValidatingPodWebhook, false, FailurePolicy.Ignore, Matches, Handle);

    public static AdmissionResult Handle(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Operation switch
        {
            AdmissionOperation.Create => HandleCreate(request),
            AdmissionOperation.Update => HandleUpdate(request),
            _ => AdmissionResult.Allow(),
        };
    }

    /// <summary>
    /// A new pod may not carry the pod-eni annotation. A pod that arrives already running (a world's dump of a real
    /// cluster, see <see cref="PodMutatingWebhook.WasAlreadyRunning"/>) got it from the controller by an UPDATE long
    /// ago, so it is kept: it names the branch interface the pod runs on.
    /// </summary>
    private static AdmissionResult HandleCreate(AdmissionRequest request)
        => request.Object is { } pod && pod.Annotations.ContainsKey(ResourceControllerNames.PodEni) && !PodMutatingWebhook.WasAlreadyRunning(pod)
            ? Denied(CreatedWithAnnotationMessage(ResourceControllerNames.PodEni))
            : AdmissionResult.Allow();

    private static AdmissionResult HandleUpdate(AdmissionRequest request)
    {
        if (request.Object is not { } pod || request.OldObject is not { } old)
        {
            return AdmissionResult.Allow();
        }

        if (Annotation(pod, ResourceControllerNames.FargatePodSecurityGroupsAnnotation) != Annotation(old, ResourceControllerNames.FargatePodSecurityGroupsAnnotation))
        {
            return Denied(NotSetByMutatingWebhookMessage);
        }

        if (Annotation(pod, ResourceControllerNames.PodEni) != Annotation(old, ResourceControllerNames.PodEni)
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
