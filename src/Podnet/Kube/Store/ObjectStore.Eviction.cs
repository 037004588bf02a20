using System.Globalization;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Views;

namespace Podnet.Kube.Store;

/// <summary>The pods/eviction subresource: a delete that honours the pod's PodDisruptionBudget.</summary>
public sealed partial class ObjectStore
{
    /// <summary>
    /// Evicts a pod as the API server's eviction subresource does (k8s.io/kubernetes pkg/registry/core/pod/storage
    /// eviction.go, EvictionREST.Create): a pod already terminating, or done (Succeeded, Failed), is deleted at once; a
    /// pod no PodDisruptionBudget selects is deleted; a pod one budget selects is deleted only while the budget allows a
    /// disruption, which is worked out here as the disruption controller would (pkg/controller/disruption
    /// disruption.go, getExpectedPodCount and countHealthyPods): healthy pods are the budget's Ready pods not being
    /// deleted, expected pods those it selects not being deleted, and the desired healthy count is <c>minAvailable</c>
    /// (a percentage of expected rounded up) or expected less <c>maxUnavailable</c> (a percentage rounded up). A pod that
    /// is not Ready may go while the budget is healthy (the default unhealthyPodEvictionPolicy, IfHealthyBudget).
    /// Returns the pod as it now is (terminating), or null when it is gone.
    /// </summary>
    /// <remarks>
    /// The API server reads the budget's <c>status.disruptionsAllowed</c>, kept by the disruption controller, and takes
    /// one off it per eviction; Podnet has no disruption controller and counts the pods at each eviction instead, which
    /// gives the same answer for evictions one after another (an evicted pod is terminating, so no longer healthy).
    /// </remarks>
    /// <exception cref="KubeException">
    /// 429 TooManyRequests "Cannot evict pod as it would violate the pod's disruption budget." with the cause
    /// <c>DisruptionBudget</c> "The disruption budget NAME needs N healthy pods and has M currently"; 500 "This pod has
    /// more than one PodDisruptionBudget, which the eviction subresource does not support." (eviction.go's texts); 404 for
    /// a pod that is not there.
    /// </exception>
    public KubeObject? Evict(KubeResource pods, string @namespace, string name, DeleteOptions? options = null, RequestContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var pod = Get(pods, @namespace, name);
        var view = new PodView(pod);
        if (!pod.IsTerminating && view.Phase is not ("Succeeded" or "Failed"))
        {
            var budgets = List(Resources.For("policy/v1", "PodDisruptionBudget"), @namespace).Items
                .Where(b => LabelSelector.FromLabelSelector(b.Peek("spec.selector")) is { IsEverything: false } selector && selector.Matches(pod.Labels))
                .ToList();
            if (budgets.Count > 1)
            {
                throw new KubeException("InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", 500);
            }

            if (budgets is [var budget])
            {
                var (healthy, desired) = Budget(budget, pods, @namespace);
                var allowed = view.IsReady ? healthy - desired > 0 : healthy >= desired;
                if (!allowed)
                {
                    throw new KubeException(
                        "TooManyRequests",
                        "Cannot evict pod as it would violate the pod's disruption budget.",
                        429,
                        name,
                        pods.Plural,
                        pods.Group,
                        [new StatusCause("DisruptionBudget", $"The disruption budget {budget.Name} needs {desired} healthy pods and has {healthy} currently", string.Empty)]);
                }
            }
        }

        return Delete(pods, @namespace, name, options, context);
    }

    /// <summary>A budget's healthy pods now and how many it must keep (disruption.go's currentHealthy and desiredHealthy).</summary>
    private (int Healthy, int Desired) Budget(KubeObject budget, KubeResource pods, string @namespace)
    {
        var selector = LabelSelector.FromLabelSelector(budget.Peek("spec.selector"));
        var selected = List(pods, @namespace).Items.Where(p => !p.IsTerminating && selector.Matches(p.Labels)).Select(p => new PodView(p)).ToList();
        var expected = selected.Count;
        var healthy = selected.Count(p => p.IsReady);
        int desired;
        if (budget.Peek("spec.maxUnavailable") is { } maxUnavailable)
        {
            desired = Math.Max(0, expected - Scaled(maxUnavailable.ToString(), expected));
        }
        else
        {
            desired = budget.Peek("spec.minAvailable") is { } minAvailable ? Scaled(minAvailable.ToString(), expected) : 0;
        }

        return (healthy, desired);

        // intstr.GetScaledValueFromIntOrPercent with roundUp: an integer as it is, a percentage of the total rounded up.
        // A value that is neither (validation keeps it out of a served budget) counts as 0.
        static int Scaled(string value, int total)
            => value.EndsWith('%')
                ? int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) ? (int)Math.Ceiling(percent * total / 100.0) : 0
                : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
    }
}
