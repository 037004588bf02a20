using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;

namespace Podnet.ResourceController;

/// <summary>
/// The mutating webhook <c>mpod.vpc.k8s.aws</c> on pod CREATE. Host-network pods are left alone; Fargate pods get
/// the matching security groups in <c>fargate.amazonaws.com/pod-sg</c> (or lose a user-set value when nothing
/// matches); Windows pods (a <c>kubernetes.io/os: windows</c> node selector) never get pod-eni, whatever policy
/// matches them — with Windows IPAM enabled they get <c>vpc.amazonaws.com/PrivateIPv4Address: 1</c> in the first
/// container's requests and limits, else nothing (<c>HandleWindowsPod</c>); other pods matching a SecurityGroupPolicy
/// get <c>vpc.amazonaws.com/pod-eni: "1"</c> in the first container's requests and limits. A failed lookup denies.
/// A pod that arrives already running (a world's pod given with <c>status.podIP</c>) is left as it is: it was created
/// before, and the webhook acts on CREATE only (<c>config/webhook/manifests.yaml</c>: <c>operations: [CREATE]</c>).
/// </summary>
public sealed class PodMutatingWebhook
{
    /// <summary>The pod-eni count the webhook writes, whatever the pod asked for.</summary>
    public const string ResourceLimit = "1";

    /// <summary>The start of the denial when the matching fails; the error follows.</summary>
    public const string MatchFailedMessage = "Failed to get Matching SGP for Pods, rejecting event";

    private static readonly string[] OsLabels = ["kubernetes.io/os", "beta.kubernetes.io/os"];

    private readonly SecurityGroupPolicyMatcher _matcher;
    private readonly Func<bool> _windowsIpamEnabled;

    /// <param name="matcher">The SecurityGroupPolicy lookup.</param>
    /// <param name="windowsIpamEnabled">Whether Windows IPAM is on now (<see cref="WindowsIpamSettings"/>); off when null.</param>
    public PodMutatingWebhook(SecurityGroupPolicyMatcher matcher, Func<bool>? windowsIpamEnabled = null)
    {
        _matcher = matcher;
        _windowsIpamEnabled = windowsIpamEnabled ?? (() => false);
    }

    public static bool Matches(AdmissionRequest request)
        => request is { Operation: AdmissionOperation.Create, Resource: { Group: "", Kind: "Pod" }, SubResource: null };

    public AdmissionWebhook ToWebhook() => new(ResourceControllerNames.MutatingPodWebhook, true, FailurePolicy.Ignore, Matches, Handle);

    public AdmissionResult Handle(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } pod || pod.Peek("spec.containers") is not JsonArray { Count: > 0 } containers || containers[0] is not JsonObject)
        {
            return AdmissionResult.Allow();
        }

        if (WasAlreadyRunning(pod))
        {
            return AdmissionResult.Allow();
        }

        // An empty namespace is taken from the request, so the ServiceAccount is looked up where the pod goes.
        if (pod.Namespace is null && request.Namespace is { Length: > 0 } ns)
        {
            pod = pod.WithMetadata("namespace", ns);
        }

        if (pod.Peek("spec.hostNetwork") is JsonValue hostNetwork && hostNetwork.TryGetValue<bool>(out var isHostNetwork) && isHostNetwork)
        {
            return AdmissionResult.Allow();
        }

        if (pod.Labels.ContainsKey(ResourceControllerNames.FargateProfileLabel))
        {
            return HandleFargate(pod);
        }

        if (IsWindows(pod))
        {
            // HandleWindowsPod (webhooks/core/pod_webhook.go): no SecurityGroupPolicy lookup at all.
            return _windowsIpamEnabled() ? AdmissionResult.AllowChanged(pod.With(json => Request(json, ResourceControllerNames.PrivateIPv4Address))) : AdmissionResult.Allow();
        }

        var match = _matcher.Match(pod);
        if (match.Failed)
        {
            return Denied(match);
        }

        if (match.GroupIds.Count == 0)
        {
            return AdmissionResult.Allow();
        }

        return AdmissionResult.AllowChanged(pod.With(json => Request(json, ResourceControllerNames.PodEni)));
    }

    /// <summary>One of <paramref name="resource"/> in the first container's limits and requests, whatever it asked for.</summary>
    private static void Request(JsonObject pod, string resource)
    {
        var resources = ((JsonObject)pod["spec"]!["containers"]![0]!).GetOrAddObject("resources");
        resources.GetOrAddObject("limits")[resource] = ResourceLimit;
        resources.GetOrAddObject("requests")[resource] = ResourceLimit;
    }

    private AdmissionResult HandleFargate(KubeObject pod)
    {
        var match = _matcher.Match(pod);
        if (match.Failed)
        {
            return Denied(match);
        }

        if (match.GroupIds.Count > 0)
        {
            return AdmissionResult.AllowChanged(pod.WithAnnotation(ResourceControllerNames.FargatePodSecurityGroupsAnnotation, string.Join(",", match.GroupIds)));
        }

        // Only the webhook may set the annotation: a value the user gave is dropped.
        return pod.Annotations.ContainsKey(ResourceControllerNames.FargatePodSecurityGroupsAnnotation)
            ? AdmissionResult.AllowChanged(pod.WithAnnotation(ResourceControllerNames.FargatePodSecurityGroupsAnnotation, null))
            : AdmissionResult.Allow();
    }

    /// <summary>
    /// A pod that already has an address: the API server clears a new pod's status (the pod strategy's
    /// PrepareForCreate), so only a world's pod given as running (a dump of a real cluster) reaches CREATE with one.
    /// That pod was created before this webhook or policy could see it, and mpod.vpc.k8s.aws is registered for
    /// CREATE only, so it never gets the pod-eni request — nor, therefore, a branch interface from the resource
    /// controller, which acts only on pods with the request (<c>branchENIProvider.CreateAndAnnotateResources</c>).
    /// </summary>
    public static bool WasAlreadyRunning(KubeObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Peek("status.podIP") is JsonValue ip && ip.TryGetValue<string>(out var text) && text.Length > 0;
    }

    private static AdmissionResult Denied(SecurityGroupMatch match)
        => AdmissionResult.Deny($"{MatchFailedMessage}, error {match.Error}", 403, "Forbidden");

    /// <summary>
    /// A Windows pod as the webhook tells it (<c>hasWindowsNodeSelector</c>, <c>webhooks/core/pod_webhook.go</c>):
    /// node selector <c>kubernetes.io/os</c> or <c>beta.kubernetes.io/os</c> = <c>windows</c>. Such a pod never gets
    /// the pod-eni request (<c>HandleWindowsPod</c> only injects Windows IPAM's resource), so no branch interface: a
    /// SecurityGroupPolicy that selects it has no effect, and it has its node's groups (containers-roadmap#1083).
    /// </summary>
    public static bool IsWindows(KubeObject pod)
        => pod is not null && pod.Peek("spec.nodeSelector") is JsonObject selector
           && OsLabels.Any(label => selector[label] is JsonValue v && v.TryGetValue<string>(out var os) && os == "windows");
}
