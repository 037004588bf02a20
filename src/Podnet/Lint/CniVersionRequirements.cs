using Podnet.Kube.Views;

namespace Podnet.Lint;

/// <summary>
/// Version floors of security groups for pods (seed 000): ENABLE_POD_ENI needs CNI 1.7.7 or later, and up to
/// 1.10.2 a pod with security groups must not set terminationGracePeriodSeconds to 0.
/// </summary>
public sealed class CniVersionRequirements : ILintCheck
{
    public const string PodEniVersionId = "pod-eni-needs-cni-1.7.7";
    public const string GracePeriodId = "zero-grace-period-with-cni-1.10.2";

    private static readonly Version PodEniSince = new(1, 7, 7);
    private static readonly Version ZeroGraceUntil = new(1, 10, 2);

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Settings is not { } settings)
        {
            yield break;
        }

        var version = settings.CniVersion.ToString(3);
        if (settings.EnablePodEni && settings.CniVersion < PodEniSince)
        {
            yield return new LintFinding(LintSeverity.Error, PodEniVersionId, "DaemonSet kube-system/aws-node",
                $"ENABLE_POD_ENI is true, but the VPC CNI is {version}: security groups for pods need 1.7.7 or later",
                "update the vpc-cni add-on to 1.7.7 or later (`aws eks update-addon --addon-name vpc-cni --addon-version …`)");
        }

        if (settings.CniVersion > ZeroGraceUntil)
        {
            yield break;
        }

        foreach (var set in context.SecurityGroupPods)
        {
            var zero = set.Pods.Where(ZeroGracePeriod).ToList();
            if (zero.Count > 0)
            {
                yield return new LintFinding(LintSeverity.Error, GracePeriodId, set.Display,
                    $"sets terminationGracePeriodSeconds: 0 and gets security groups, which the VPC CNI {version} (1.10.2 or older) does not allow",
                    "set terminationGracePeriodSeconds above 0 (or leave it out: 30), or update the VPC CNI to a later version");
            }
        }
    }

    private static bool ZeroGracePeriod(PodView pod)
        => pod.Object.ToJson()["spec"]?["terminationGracePeriodSeconds"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<long>(out var seconds) && seconds == 0;
}
