using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Views;

namespace Podnet.World;

/// <summary>A pod that has not come up, and why, as <c>kubectl describe</c> would show it.</summary>
/// <param name="Object">The pod: <c>Pod namespace/name</c>.</param>
/// <param name="Status">Its phase (and node, when it has one).</param>
/// <param name="Reason">Its Warning events, one per reason, newest first (<c>Reason: message; …</c>), else its PodScheduled condition, else that nothing has said why yet.</param>
public sealed record StuckObject(string Object, string Status, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Object} ({Status}): {Reason}";
}

/// <summary>
/// What is stuck in a world: the pods that are neither running nor finished, each with the reason its events give.
/// <c>podnet run</c> prints them when the world does not settle, and <c>podnet lint</c> reports them, so "Not settled"
/// never comes without a why.
/// </summary>
public static class StuckObjects
{
    /// <summary>The stuck pods, by namespace and name.</summary>
    public static IReadOnlyList<StuckObject> Find(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var stuck = new List<StuckObject>();
        foreach (var pod in world.ControlPlane.Store.List("v1", "Pod").Items)
        {
            if (Of(world, pod) is { } found)
            {
                stuck.Add(found);
            }
        }

        return [.. stuck.OrderBy(s => s.Object, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Why one pod has not come up, or null when it is running, finished or terminating: its phase (and node), and the
    /// reason its Warning events give (each reason once, newest first), else its PodScheduled condition.
    /// </summary>
    public static StuckObject? Of(World world, KubeObject pod)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(pod);
        var view = PodView.Of(pod);
        if (view.Phase is "Running" or "Succeeded" or "Failed" || view.IsTerminating)
        {
            return null;
        }

        // Each kind of warning once, newest first: the sandbox failing is often only the echo of an earlier cause
        // (BranchAllocationFailed: InvalidSecurityGroupID.NotFound), and that cause is what the user must fix.
        var warnings = world.ControlPlane.Events.About(pod)
            .Where(e => e.GetString("type") == "Warning" && !(view.NodeName is not null && e.GetString("reason") == "FailedScheduling"))
            .Reverse()
            .DistinctBy(e => e.GetString("reason"))
            .Select(e => $"{e.GetString("reason")}: {e.GetString("message")}")
            .ToList();
        var scheduled = (pod["status.conditions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.ToString() == "PodScheduled" && c["status"]?.ToString() == "False");
        var reason = warnings.Count > 0 ? string.Join("; ", warnings)
            : scheduled is not null ? $"{scheduled["reason"]}: {scheduled["message"]}"
            : "no event says why yet";
        return new StuckObject($"Pod {view.Namespace}/{view.Name}", view.NodeName is { } node ? $"{view.Phase} on {node}" : view.Phase, reason);
    }
}
