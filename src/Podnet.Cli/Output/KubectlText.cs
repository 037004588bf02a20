using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Views;

namespace Podnet.Cli.Output;

/// <summary>
/// Pods, nodes and events as <c>kubectl describe</c> prints them. The <c>get</c> cells (STATUS, READY, RESTARTS, a
/// node's STATUS) are the API server's printers in Podnet.Kube.Printing, which the CLI tables call.
/// </summary>
public static class KubectlText
{
    /// <summary>The Age column of describe's events: "45s", or "2m (x3 over 5m)" for repeated events.</summary>
    public static string EventAge(KubeObject ev, Func<DateTimeOffset?, string> age)
    {
        var count = ev["count"]?.GetValue<int>() ?? 1;
        var first = Timestamp(ev.GetString("firstTimestamp"));
        var last = Timestamp(ev.GetString("lastTimestamp"));
        return count > 1 ? $"{age(last)} (x{count} over {age(first)})" : age(first);
    }

    /// <summary>The parts of <c>kubectl describe pod</c> that explain a pod that is not running.</summary>
    public static string DescribePod(KubeObject pod, IReadOnlyList<KubeObject> events, Func<DateTimeOffset?, string> age)
    {
        var text = new StringBuilder();
        void Field(string name, string? value) => text.Append(CultureInfo.InvariantCulture, $"{name + ":",-18}{value}\n");
        var view = PodView.Of(pod);
        Field("Name", pod.Name);
        Field("Namespace", pod.Namespace);
        Field("Priority", pod["spec.priority"]?.ToJsonString() ?? "0");
        Field("Service Account", pod.GetString("spec.serviceAccountName"));
        Field("Node", view.NodeName is null ? "<none>" : $"{view.NodeName}/{pod.GetString("status.hostIP")}");
        var labels = pod.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}").ToList();
        Field("Labels", labels.Count == 0 ? "<none>" : string.Join("\n" + new string(' ', 18), labels));
        var annotations = pod.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}").ToList();
        Field("Annotations", annotations.Count == 0 ? "<none>" : string.Join("\n" + new string(' ', 18), annotations));
        Field("Status", pod.IsTerminating ? $"Terminating (lasts {age(pod.DeletionTimestamp)})" : view.Phase);
        Field("IP", view.PodIP ?? string.Empty);
        if (pod.OwnerReferences.FirstOrDefault(o => o.Controller) is { } owner)
        {
            Field("Controlled By", $"{owner.Kind}/{owner.Name}");
        }

        text.Append("Containers:\n");
        var statuses = (pod["status.containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var container in view.Containers)
        {
            var name = container["name"]?.GetValue<string>();
            text.Append(CultureInfo.InvariantCulture, $"  {name}:\n");
            text.Append(CultureInfo.InvariantCulture, $"    Image:          {container["image"]?.GetValue<string>()}\n");
            var status = statuses.FirstOrDefault(s => s["name"]?.GetValue<string>() == name);
            var waiting = status?["state"]?["waiting"]?["reason"]?.GetValue<string>();
            text.Append(CultureInfo.InvariantCulture, $"    State:          {(waiting is null ? (status?["state"]?["running"] is null ? "Waiting" : "Running") : "Waiting")}\n");
            if (waiting is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"      Reason:       {waiting}\n");
            }

            foreach (var section in new[] { "Limits", "Requests" })
            {
                if (container["resources"]?[section.ToLowerInvariant()] is JsonObject { Count: > 0 } resources)
                {
                    text.Append(CultureInfo.InvariantCulture, $"    {section}:\n");
                    foreach (var (resource, value) in resources.OrderBy(r => r.Key, StringComparer.Ordinal))
                    {
                        text.Append(CultureInfo.InvariantCulture, $"      {resource}:  {(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString())}\n");
                    }
                }
            }
        }

        var conditions = (pod["status.conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (conditions.Count > 0)
        {
            text.Append("Conditions:\n  Type                        Status\n");
            foreach (var condition in conditions)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {condition["type"]?.GetValue<string>(),-28}{condition["status"]?.GetValue<string>()}\n");
            }
        }

        text.Append(Events(events, age));
        return text.ToString();
    }

    /// <summary>
    /// The parts of <c>kubectl describe node</c> that explain a node's trouble: labels, taints, the Ready condition,
    /// capacity and allocatable (pods, <c>vpc.amazonaws.com/pod-eni</c>), and its events (the resource controller's
    /// TrunkENICreationFailed, Unsupported, …).
    /// </summary>
    public static string DescribeNode(NodeView node, IReadOnlyList<KubeObject> events, Func<DateTimeOffset?, string> age)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = new StringBuilder();
        void Field(string name, string? value) => text.Append(CultureInfo.InvariantCulture, $"{name + ":",-20}{value}\n");
        var indent = "\n" + new string(' ', 20);
        Field("Name", node.Name);
        Field("Roles", "<none>");
        var labels = node.Object.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}").ToList();
        Field("Labels", labels.Count == 0 ? "<none>" : string.Join(indent, labels));
        Field("Taints", node.Taints.Count == 0 ? "<none>" : string.Join(indent, node.Taints.Select(t => $"{t.Key}{(t.Value is null ? string.Empty : "=" + t.Value)}:{t.Effect}")));
        Field("Unschedulable", node.Unschedulable ? "true" : "false");
        text.Append(CultureInfo.InvariantCulture, $"Conditions:\n  Type    Status\n  Ready   {node.Condition("Ready") ?? "Unknown"}\n");
        foreach (var title in new[] { "Capacity", "Allocatable" })
        {
            // The quantities as the node reports them (8Gi, 1930m), as kubectl prints them.
            text.Append(title).Append(":\n");
            var resources = node.Object[$"status.{title.ToLowerInvariant()}"] as JsonObject ?? [];
            foreach (var (resource, value) in resources.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {resource + ":",-28}{(value is JsonValue v && v.TryGetValue<string>(out var q) ? q : value?.ToJsonString())}\n");
            }
        }

        text.Append(Events(events, age));
        return text.ToString();
    }

    public static string Events(IReadOnlyList<KubeObject> events, Func<DateTimeOffset?, string> age)
    {
        if (events.Count == 0)
        {
            return "Events:            <none>\n";
        }

        var table = new TextTable("Type", "Reason", "Age", "From", "Message") { Gap = 2 };
        table.Add("----", "------", "----", "----", "-------");
        foreach (var ev in events)
        {
            table.Add(ev.GetString("type") ?? string.Empty, ev.GetString("reason") ?? string.Empty, EventAge(ev, age), ev.GetString("source.component") ?? string.Empty, ev.GetString("message") ?? string.Empty);
        }

        var lines = table.ToString().TrimEnd('\n').Split('\n').Select(l => "  " + l);
        return "Events:\n" + string.Join("\n", lines) + "\n";
    }

    private static DateTimeOffset? Timestamp(string? text)
        => text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
