using System.Text;
using System.Text.Json;
using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;
using Podnet.Kube.Selectors;
using Podnet.Kube.Views;

namespace Podnet.Cli.Output;

/// <summary>What <c>podnet run</c> prints for a settled world.</summary>
public static class WorldText
{
    /// <summary>
    /// The world as the seeds show it: pods (only those <paramref name="selector"/> matches, as <c>kubectl get pods -l</c>),
    /// nodes, network interfaces, subnets, security groups (<c>aws ec2 describe-security-groups --output text</c>),
    /// ipamd's logs, then <c>kubectl describe</c> of every node with a Warning event, every selected pod that is not
    /// Running, and each object of <paramref name="describe"/> (pods and nodes asked for with <c>--describe</c>).
    /// </summary>
    public static string Render(Podnet.World.World world, Podnet.World.SettleResult? settled = null, string? selector = null, IReadOnlyList<KubeObject>? describe = null)
    {
        var selected = selector is null ? LabelSelector.Everything : LabelSelector.Parse(selector);
        var store = world.ControlPlane.Store;
        var text = new StringBuilder();
        if (settled is { Settled: false })
        {
            // Say what is stuck and why, not only that something is.
            var stuck = Podnet.World.StuckObjects.Find(world);
            text.Append(stuck.Count == 0
                ? "# Not settled: a controller is still retrying, though every pod is running (see the events below).\n\n"
                : $"# Not settled: {stuck.Count} pod{(stuck.Count == 1 ? " is" : "s are")} not running, and controllers are still retrying:\n"
                  + string.Concat(stuck.Select(s => $"#   {s}\n")) + "\n");
        }

        AppendUnreadSettings(world, text);

        var pods = new TextTable("NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES");
        var podList = store.List("v1", "Pod").Items.Where(p => selected.Matches(p.Labels)).ToList();
        foreach (var pod in podList)
        {
            var view = PodView.Of(pod);
            pods.Add(pod.Namespace ?? string.Empty, pod.Name, PodPrinter.Ready(pod), PodPrinter.Status(pod), PodPrinter.Restarts(pod, world.Time.GetUtcNow()), world.Age(pod.CreationTimestamp), view.PodIP ?? "<none>", view.NodeName ?? "<none>", "<none>", "<none>");
        }

        text.Append("$ kubectl get pods -A -o wide").Append(selector is null ? string.Empty : $" -l {selector}").Append('\n').Append(podList.Count == 0 ? "No resources found\n" : pods.ToString()).Append('\n');
        AppendStartup(podList, text);

        var nodes = store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();
        if (nodes.Count > 0)
        {
            var table = new TextTable("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "ZONE", "INSTANCE-TYPE", "POD-ENI", "MAX-PODS");
            foreach (var node in nodes)
            {
                table.Add(
                    node.Name,
                    NodePrinter.Status(node.Object),
                    "<none>",
                    world.Age(node.Object.CreationTimestamp),
                    node.Object.GetString("status.nodeInfo.kubeletVersion") ?? string.Empty,
                    node.InternalIP ?? "<none>",
                    node.Object.Labels.GetValueOrDefault("topology.kubernetes.io/zone", string.Empty),
                    node.Object.Labels.GetValueOrDefault("node.kubernetes.io/instance-type", string.Empty),
                    Capacity(node, "vpc.amazonaws.com/pod-eni"),
                    Capacity(node, "pods"));
            }

            text.Append("$ kubectl get nodes -L topology.kubernetes.io/zone,node.kubernetes.io/instance-type\n").Append(table).Append('\n');
        }

        if (world.Cloud is { } cloud)
        {
            var ec2 = cloud.Ec2View;
            var subnets = ec2.DescribeSubnets();
            var vlans = ec2.DescribeTrunkInterfaceAssociations().ToDictionary(a => a.BranchInterfaceId, a => a.VlanId);
            var enis = new TextTable("NETWORK INTERFACE", "TYPE", "DESCRIPTION", "SUBNET", "ADDRESSES", "SECURITY GROUPS", "INSTANCE", "DEVICE", "VLAN");
            foreach (var eni in ec2.DescribeNetworkInterfaces().OrderBy(e => e.Attachment?.InstanceId ?? "~", StringComparer.Ordinal).ThenBy(e => e.Attachment?.DeviceIndex ?? int.MaxValue))
            {
                var addresses = eni.PrivateIpAddresses.Select(a => a.PrivateIpAddress).Concat(eni.Ipv4Prefixes.Select(p => p.Ipv4Prefix));
                enis.Add(
                    eni.NetworkInterfaceId,
                    eni.InterfaceType,
                    eni.Description.Length == 0 ? "-" : eni.Description,
                    eni.SubnetId,
                    string.Join(",", addresses),
                    string.Join(",", eni.Groups.Select(g => g.GroupId)),
                    eni.Attachment?.InstanceId ?? "-",
                    eni.Attachment?.DeviceIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    vlans.TryGetValue(eni.NetworkInterfaceId, out var vlan) ? vlan.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-");
            }

            text.Append("$ aws ec2 describe-network-interfaces\n").Append(enis).Append('\n');

            var subnetTable = new TextTable("SUBNET", "NAME", "ZONE", "CIDR", "AVAILABLE IPS");
            foreach (var subnet in subnets)
            {
                subnetTable.Add(subnet.SubnetId, subnet.Tags.FirstOrDefault(t => t.Key == "Name")?.Value ?? "-", subnet.AvailabilityZone, subnet.CidrBlock, subnet.AvailableIpAddressCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            text.Append("$ aws ec2 describe-subnets\n").Append(subnetTable).Append('\n');

            // The groups with their rules, as the aws CLI prints them in text (the form the seeds' commands use).
            var groups = JsonSerializer.SerializeToNode(new { SecurityGroups = ec2.DescribeSecurityGroups() }, AwsJson.Options);
            text.Append("$ aws ec2 describe-security-groups --output text\n").Append(AwsText.Format(groups)).Append('\n');
        }

        AppendIpamdLogs(world, text);

        // Nodes with a Warning (the resource controller's TrunkENICreationFailed, say) and pods that are not Running:
        // where a user looks next; then what was asked for, each object once.
        var described = new HashSet<(string Kind, string? Namespace, string Name)>();
        var asked = describe ?? [];
        foreach (var obj in nodes.Select(n => n.Object).Where(n => world.ControlPlane.Events.About(n).Any(e => e.GetString("type") == "Warning"))
                     .Concat(podList.Where(p => PodPrinter.Status(p) != "Running"))
                     .Concat(asked)
                     .Where(o => described.Add((o.Kind, o.Namespace, o.Name))))
        {
            var events = world.ControlPlane.Events.About(obj);
            if (obj.Kind == "Node")
            {
                text.Append("$ kubectl describe node ").Append(obj.Name).Append('\n');
                text.Append(KubectlText.DescribeNode(new NodeView(obj), events, world.Age)).Append('\n');
            }
            else
            {
                text.Append("$ kubectl describe pod -n ").Append(obj.Namespace).Append(' ').Append(obj.Name).Append('\n');
                text.Append(KubectlText.DescribePod(obj, events, world.Age)).Append('\n');
            }
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>
    /// How long pods took from creation to Running (their containers' start), on virtual time: where rate limits,
    /// warm pools and branch interfaces show up.
    /// </summary>
    private static void AppendStartup(IReadOnlyList<KubeObject> pods, StringBuilder text)
    {
        var started = pods
            .Select(p => (Pod: p, Started: (p["status.containerStatuses"] as System.Text.Json.Nodes.JsonArray)?.FirstOrDefault()?["state"]?["running"]?["startedAt"]?.GetValue<string>()))
            .Where(p => p.Started is not null && p.Pod.CreationTimestamp is not null && !PodView.Of(p.Pod).HostNetwork)
            .Select(p => (p.Pod, Latency: DateTimeOffset.Parse(p.Started!, System.Globalization.CultureInfo.InvariantCulture) - p.Pod.CreationTimestamp!.Value))
            .OrderBy(p => p.Latency)
            .ToList();
        if (started.Count == 0)
        {
            return;
        }

        string At(double q) => Podnet.Kube.Printing.HumanDuration.Format(started[(int)Math.Min(started.Count - 1, Math.Floor(q * started.Count))].Latency);
        var slowest = started[^1];
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"# Start-up, creation to Running ({started.Count} pods not on the host network): p50 {At(0.5)}, p90 {At(0.9)}, max {Podnet.Kube.Printing.HumanDuration.Format(slowest.Latency)} ({slowest.Pod.Namespace}/{slowest.Pod.Name})\n\n");
    }

    /// <summary>
    /// aws-node settings the VPC CNI release in use does not read (it has no such setting yet), from the same
    /// <see cref="Podnet.Cni.CniSettings.Unread"/> that ipamd's emulation and <c>podnet lint</c> use: the setting
    /// has no effect, and <c>run</c> says so instead of leaving it to be found out.
    /// </summary>
    private static void AppendUnreadSettings(Podnet.World.World world, StringBuilder text)
    {
        if (Podnet.Cni.AwsNode.DaemonSetSettings(world.ControlPlane.Store) is not { Unread.Count: > 0 } settings)
        {
            return;
        }

        foreach (var (setting, value) in settings.Unread)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"# Not read: aws-node's {setting.Name}=\"{value}\" has no effect, the VPC CNI {settings.Release} does not read it (it is read from {setting.Since} on)\n");
        }

        text.Append('\n');
    }

    /// <summary>ipamd's last words on nodes where pods wait for addresses or aws-node is not ready.</summary>
    private static void AppendIpamdLogs(Podnet.World.World world, StringBuilder text)
    {
        if (world.AwsNode is not { } awsNode)
        {
            return;
        }

        var store = world.ControlPlane.Store;

        // The nodes with a pod still in ContainerCreating, and each node's aws-node pod, read once: asking every pod
        // for every node was the whole output's cost at 10,000 pods (nodes × pods).
        var waitingOn = new HashSet<string>(StringComparer.Ordinal);
        var awsNodePods = new Dictionary<string, PodView>(StringComparer.Ordinal);
        foreach (var pod in store.List("v1", "Pod").Items.Select(p => PodView.Of(p)))
        {
            if (pod.NodeName is not { } nodeName)
            {
                continue;
            }

            if (PodPrinter.Status(pod.Object) == "ContainerCreating")
            {
                waitingOn.Add(nodeName);
            }

            if (Podnet.Cni.AwsNode.IsAwsNodePod(pod.Object))
            {
                awsNodePods.TryAdd(nodeName, pod);
            }
        }

        foreach (var node in store.List("v1", "Node").Items.Select(n => new NodeView(n)))
        {
            var ipamd = awsNode.IpamdOf(node.Name);
            var waiting = waitingOn.Contains(node.Name);
            if (ipamd is null || (ipamd.Initialized && !waiting))
            {
                continue;
            }

            var awsNodePod = awsNodePods.GetValueOrDefault(node.Name);
            text.Append("$ kubectl logs -n kube-system ").Append(awsNodePod?.Name ?? "aws-node").Append(" | tail   # ipamd on ").Append(node.Name).Append('\n');
            foreach (var line in ipamd.Log.TakeLast(8))
            {
                text.Append(line).Append('\n');
            }

            text.Append('\n');
        }
    }

    private static string Capacity(NodeView node, string resource)
        => node.Capacity.TryGetValue(resource, out var value) ? value.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : "<none>";
}
