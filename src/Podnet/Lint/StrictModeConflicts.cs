using Podnet.Cni;
using Podnet.Kube.Selectors;
using Podnet.Policy;

namespace Podnet.Lint;

/// <summary>
/// What strict mode (POD_SECURITY_GROUP_ENFORCING_MODE=strict, the default) does not support for pods with security
/// groups (seed 000): NodeLocal DNSCache, Calico network policy, and NodePort/LoadBalancer Services with instance
/// targets and externalTrafficPolicy: Local. All three need CNI 1.11.0 or later in standard mode.
/// </summary>
public sealed class StrictModeConflicts : ILintCheck
{
    public const string NodeLocalDnsId = "strict-mode-nodelocal-dnscache";
    public const string CalicoId = "strict-mode-calico";
    public const string LocalTrafficId = "strict-mode-external-traffic-policy-local";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.UsesSecurityGroupsForPods || context.Settings is not { } settings)
        {
            yield break;
        }

        // The same gate ipamd's settings apply (CniSettings.FromEnvironment): before 1.11.0 the variable is not read.
        var standardSupported = CniSetting.PodSecurityGroupEnforcingMode.ReadBy(settings.Release);
        var fix = standardSupported
            ? "`kubectl set env daemonset aws-node -n kube-system POD_SECURITY_GROUP_ENFORCING_MODE=standard` (applies to pods created afterwards)"
            : $"upgrade the VPC CNI to {CniSetting.PodSecurityGroupEnforcingMode.Since} or later (it is {settings.Release}), then `kubectl set env daemonset aws-node -n kube-system POD_SECURITY_GROUP_ENFORCING_MODE=standard`";
        var mode = !standardSupported ? $"CNI {settings.Release} has only strict mode"
            : context.StrictMode ? "POD_SECURITY_GROUP_ENFORCING_MODE is strict" : "strict mode (the mode they were created in: a change applies to pods created afterwards)";

        var strict = !standardSupported || context.StrictMode;

        // The same cache reach puts on the DNS path: one lookup, not a second rule for finding it.
        if (strict && NodeLocalDns.Find(context.Store) is { } cache)
        {
            yield return new LintFinding(LintSeverity.Warning, NodeLocalDnsId, $"DaemonSet {cache.DaemonSet.Namespace}/{cache.DaemonSet.Name}",
                $"the cluster uses NodeLocal DNSCache and security groups for pods, but {mode}: pods with security groups are supported with NodeLocal DNSCache only in standard mode{FailingDns(context, cache)}", fix);
        }

        if (strict && context.Enforcer == NetworkPolicyEnforcer.Calico && context.SecurityGroupPods.Count > 0 && NetworkPolicyEnforcer.CalicoDaemonSet(context.World) is { } calico)
        {
            var pods = context.SecurityGroupPods.Sum(s => s.Pods.Count);
            yield return new LintFinding(LintSeverity.Warning, CalicoId, $"DaemonSet {calico.Namespace}/{calico.Name}",
                $"Calico enforces NetworkPolicy, but {mode}: traffic to and from the {pods} pods with security groups is not governed by Calico policies, only by their security groups", fix);
        }

        // Decided per pod, by the mode of its CNI ADD, as reach decides the connection: a pod created in strict mode
        // stays in it after the setting changes.
        foreach (var finding in LocalTrafficFindings(context, mode, fix))
        {
            yield return finding;
        }
    }

    /// <summary>
    /// NodePort and LoadBalancer Services with <c>externalTrafficPolicy: Local</c> and instance targets
    /// (<see cref="ExternalTrafficPolicy"/>) in front of pods with security groups that reach cannot reach through them:
    /// the pods whose connection <see cref="Reachability.ExternalTrafficLocalFailure"/> says fails (strict mode at
    /// their creation), with its reason, the text reach's last step gives for a client at a node's address and port.
    /// </summary>
    private static IEnumerable<LintFinding> LocalTrafficFindings(LintContext context, string mode, string fix)
    {
        foreach (var service in context.Store.List("v1", "Service").Items)
        {
            if (!ExternalTrafficPolicy.IsLocal(service) || !ExternalTrafficPolicy.InstanceTargets(service)
                || service["spec.selector"] is not System.Text.Json.Nodes.JsonObject selector || selector.Count == 0)
            {
                continue;
            }

            var labels = LabelSelector.FromSet(selector.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty));
            var failing = context.SecurityGroupPods.Where(s => s.Namespace == service.Namespace)
                .SelectMany(s => s.Pods).Where(p => labels.Matches(p.Object.Labels))
                .Select(p => (Pod: p, Why: context.Reachability.ExternalTrafficLocalFailure(p)))
                .Where(p => p.Why is not null).ToList();
            if (failing.Count == 0)
            {
                continue;
            }

            var type = service.GetString("spec.type");
            yield return new LintFinding(LintSeverity.Warning, LocalTrafficId, $"Service {service.Namespace}/{service.Name}",
                $"type {type} with externalTrafficPolicy: Local sends instance-target traffic to pods with security groups ({failing[0].Pod.Namespace}/{failing[0].Pod.Name}{(failing.Count > 1 ? " and others" : string.Empty)}), which {mode} does not support: {failing[0].Why}",
                fix + ", or use IP targets (service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip)");
        }
    }

    /// <summary>
    /// The pods with security groups whose resolver the cache serves and whose query to it <c>reach</c> denies (the
    /// same decision: <see cref="Reachability"/>), as "; DNS fails for Pod ns/name (…): why"; empty when none.
    /// </summary>
    private static string FailingDns(LintContext context, NodeLocalDns cache)
    {
        var store = context.Store;
        var clusterDns = Podnet.Net.IpAddressText.ParseOrNull(store.TryGet(store.Resources.For("v1", "Service"), "kube-system", "kube-dns")?.GetString("spec.clusterIP"));
        var failing = new List<(string Pod, string Why)>();
        foreach (var pod in context.SecurityGroupPods.SelectMany(s => s.Pods).Where(p => p.PodIP is not null))
        {
            if (NodeLocalDns.ResolverOf(pod, clusterDns) is { } resolver && cache.Serves(resolver)
                && context.Reachability.Evaluate($"{pod.Namespace}/{pod.Name}", resolver.ToString(), "53/udp") is { Allowed: false } result)
            {
                failing.Add(($"Pod {pod.Namespace}/{pod.Name}", result.Hops.LastOrDefault(h => !h.Allowed)?.Detail ?? string.Empty));
            }
        }

        return failing.Count == 0
            ? string.Empty
            : $"; DNS fails for {failing[0].Pod}{(failing.Count > 1 ? $" and {failing.Count - 1} more" : string.Empty)}: {failing[0].Why}";
    }
}
