using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Views;

namespace Podnet.Kube.Store;

/// <summary>The pods/eviction subresource: a delete that honours the pod's PodDisruptionBudget.</summary>
public sealed partial class ObjectStore
{
    /// <summary>
    /// Evicts a pod as the API server's eviction subresource does (k8s.io/kubernetes pkg/registry/core/pod/storage
    /// eviction.go, EvictionREST.Create): a pod already terminating, or done (Succeeded, Failed), is deleted at once, and
    /// so is a pod no PodDisruptionBudget selects; a pod one budget selects is deleted only if the budget's status (kept by
    /// the <see cref="Controllers.DisruptionController"/>) allows a disruption, which the eviction then takes off
    /// <c>status.disruptionsAllowed</c> and records in <c>status.disruptedPods</c> (checkAndDecrement), so evictions one
    /// after another cannot outrun the controller. A pod that is not Ready goes without taking one off while the budget
    /// is healthy (the default unhealthyPodEvictionPolicy, IfHealthyBudget). Returns the pod as it now is (terminating), or
    /// null when it is gone.
    /// </summary>
    /// <exception cref="KubeException">
    /// 429 TooManyRequests "Cannot evict pod as it would violate the pod's disruption budget." with the cause
    /// <c>DisruptionBudget</c> "The disruption budget NAME needs N healthy pods and has M currently" (or "… is still being
    /// processed by the server." before the controller has seen the budget's generation); 500 "This pod has more than one
    /// PodDisruptionBudget, which the eviction subresource does not support." (eviction.go's texts); 404 for a pod that is
    /// not there.
    /// </exception>
    public KubeObject? Evict(KubeResource pods, string @namespace, string name, DeleteOptions? options = null, RequestContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var pod = Get(pods, @namespace, name);
        var view = PodView.Of(pod);
        if (!pod.IsTerminating && view.Phase is not ("Succeeded" or "Failed"))
        {
            var budgets = Resources.For("policy/v1", "PodDisruptionBudget");
            var selecting = List(budgets, @namespace).Items
                .Where(b => Selectors.LabelSelector.OfSpec(b).Matches(pod.Labels))
                .ToList();
            if (selecting.Count > 1)
            {
                throw new KubeException("InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", 500);
            }

            if (selecting is [var budget])
            {
                var healthy = Status(budget, "currentHealthy");
                var desired = Status(budget, "desiredHealthy");
                var unhealthyMayGo = !view.IsReady && healthy >= desired && desired > 0;
                if (!unhealthyMayGo)
                {
                    if (Status(budget, "observedGeneration") < budget.Generation)
                    {
                        throw Refused(pods, name, $"The disruption budget {budget.Name} is still being processed by the server.");
                    }

                    if (Status(budget, "disruptionsAllowed") <= 0)
                    {
                        throw Refused(pods, name, $"The disruption budget {budget.Name} needs {desired} healthy pods and has {healthy} currently");
                    }

                    UpdateStatus(budget.With(json =>
                    {
                        var status = (JsonObject)json["status"]!;
                        status["disruptionsAllowed"] = (int)(Status(budget, "disruptionsAllowed") - 1);
                        var disrupted = status["disruptedPods"] as JsonObject ?? [];
                        disrupted[name] = KubeObject.FormatTimestamp(_time.GetUtcNow());
                        status["disruptedPods"] = disrupted;
                    }), RequestContext.Admin);
                }
            }
        }

        return Delete(pods, @namespace, name, options, context);
    }

    // A number as the controller wrote it (an int, a long) or as a client sent it (parsed JSON).
    private static long Status(KubeObject budget, string field)
        => budget.Peek("status")?[field] is JsonValue value && long.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : 0;

    private static KubeException Refused(KubeResource pods, string name, string cause)
        => new(
            "TooManyRequests",
            "Cannot evict pod as it would violate the pod's disruption budget.",
            429,
            name,
            pods.Plural,
            pods.Group,
            [new StatusCause("DisruptionBudget", cause, string.Empty)]);
}
