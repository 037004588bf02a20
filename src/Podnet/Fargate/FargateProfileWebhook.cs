using System.Text.Json.Nodes;
using Podnet.Aws.Eks;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.ResourceController;

namespace Podnet.Fargate;

/// <summary>
/// EKS's mutating webhook <c>0500-amazon-eks-fargate-mutation.amazonaws.com</c> on pod CREATE: a pod whose namespace
/// and labels match a selector of an ACTIVE Fargate profile of the cluster gets <c>schedulerName:
/// fargate-scheduler</c> and the label <c>eks.amazonaws.com/fargate-profile: NAME</c> (Amazon EKS User Guide, "Define
/// which Pods use AWS Fargate when launched": "If a Pod matches multiple Fargate profiles, you can specify which
/// profile a Pod uses by adding the label eks.amazonaws.com/fargate-profile"; else EKS picks one — here the first by
/// name, so runs repeat). It runs before the resource controller's <c>mpod.vpc.k8s.aws</c> (webhooks are called in
/// the order of their configurations' names), which then sees the label and writes the matching security groups
/// into <c>fargate.amazonaws.com/pod-sg</c>. Pods asking for another scheduler, DaemonSet pods (DaemonSets are not
/// supported on Fargate) and pods that arrive already running are left alone.
/// </summary>
public sealed class FargateProfileWebhook
{
    /// <summary>The webhook's name in EKS's MutatingWebhookConfiguration.</summary>
    public const string Name = "0500-amazon-eks-fargate-mutation.amazonaws.com";

    /// <summary>The scheduler that places Fargate pods.</summary>
    public const string SchedulerName = "fargate-scheduler";

    private readonly Func<IReadOnlyList<FargateProfile>> _profiles;

    /// <param name="profiles">The cluster's ACTIVE Fargate profiles, in name order.</param>
    public FargateProfileWebhook(Func<IReadOnlyList<FargateProfile>> profiles)
    {
        _profiles = profiles;
    }

    public AdmissionWebhook ToWebhook() => new(Name, true, FailurePolicy.Ignore, PodMutatingWebhook.Matches, Handle);

    public AdmissionResult Handle(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } pod || PodMutatingWebhook.WasAlreadyRunning(pod))
        {
            return AdmissionResult.Allow();
        }

        if (pod.Peek("spec.schedulerName") is JsonValue scheduler && scheduler.TryGetValue<string>(out var schedulerName) && schedulerName is not ("default-scheduler" or ""))
        {
            return AdmissionResult.Allow();
        }

        if (pod.Peek("metadata.ownerReferences") is JsonArray owners && owners.Any(o => o?["kind"]?.GetValue<string>() == "DaemonSet"))
        {
            return AdmissionResult.Allow();
        }

        if (ProfileFor(pod, pod.Namespace ?? request.Namespace ?? "default", _profiles()) is not { } profile)
        {
            return AdmissionResult.Allow();
        }

        return AdmissionResult.AllowChanged(pod
            .WithLabel(ResourceControllerNames.FargateProfileLabel, profile.FargateProfileName)
            .With(json => ((JsonObject)json["spec"]!)["schedulerName"] = SchedulerName));
    }

    /// <summary>The profile a pod runs by: the one its <c>eks.amazonaws.com/fargate-profile</c> label names if that matches, else the first that matches.</summary>
    public static FargateProfile? ProfileFor(KubeObject pod, string podNamespace, IReadOnlyList<FargateProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(profiles);
        var matching = profiles.Where(p => p.Selectors.Any(s => s.Matches(podNamespace, pod.Labels))).ToList();
        return pod.Labels.TryGetValue(ResourceControllerNames.FargateProfileLabel, out var named) && matching.FirstOrDefault(p => p.FargateProfileName == named) is { } chosen
            ? chosen
            : matching.FirstOrDefault();
    }
}
