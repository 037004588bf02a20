using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Kube.Printing;
using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.Cli.Output;

/// <summary>
/// <c>podnet report</c>'s page: one self-contained HTML file (inline CSS and script, no network) with the VPC (its
/// CIDR blocks and subnets with their free addresses), the nodes with their network interfaces — primary,
/// secondary (<c>aws-K8S-…</c>), trunk and branch (with VLAN and security groups) — and which pod holds each
/// address, the security groups, the pods, and the connectivity matrix on one port, each cell explained (the hops
/// of <c>podnet reach</c>) on hover and on click.
/// </summary>
public static class ReportHtml
{
    /// <summary>Above this many pods the matrix has a row per class of alike pods instead of a row per pod.</summary>
    public const int MaxPodRows = 300;

    /// <summary>Above this many classes the cells carry the verdict only (explaining every pair would dominate).</summary>
    public const int MaxExplainedClasses = 150;

    /// <summary>The page for <paramref name="world"/>, titled <paramref name="title"/>, with the matrix on <paramref name="port"/>.</summary>
    public static string Render(Podnet.World.World world, string title, PortSpec port, ProgressLine? progress = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        var html = new StringBuilder();
        var store = world.ControlPlane.Store;
        var pods = store.List("v1", "Pod").Items.Select(p => PodView.Of(p)).ToList();
        var nodes = store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();

        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append(CultureInfo.InvariantCulture, $"<title>podnet report: {E(title)}</title>\n<style>\n{Css}</style>\n</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<header><h1>podnet report</h1><p class=\"sub\">{E(title)}")
            .Append(world.Cluster is { } cluster ? $" · EKS cluster <b>{E(cluster.Name)}</b> (Kubernetes {E(cluster.Version)})" : world.IsPolicyOnly ? " · policy-only world" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $" · {nodes.Count} nodes · {pods.Count} pods</p></header>\n");

        if (world.Cloud is { } cloud)
        {
            AppendVpcs(html, cloud.Ec2View);
            AppendNodes(html, cloud.Ec2View, nodes, pods);
            AppendSecurityGroups(html, cloud.Ec2View);
        }

        AppendPods(html, world, pods);
        AppendMatrix(html, new Reachability(world), port, progress);
        html.Append("<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendVpcs(StringBuilder html, IEc2View ec2)
    {
        var subnets = ec2.DescribeSubnets();
        foreach (var vpc in ec2.DescribeVpcs())
        {
            var blocks = string.Join(", ", vpc.CidrBlockAssociationSet.Select(b => b.CidrBlock));
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"vpc\"><h2>VPC <code>{E(vpc.VpcId)}</code> {E(Name(vpc.Tags))}</h2><p>CIDR blocks: {E(blocks)}</p>\n");
            html.Append("<table class=\"grid\"><thead><tr><th>Subnet</th><th>Name</th><th>Zone</th><th>CIDR</th><th>Free addresses</th><th></th></tr></thead><tbody>\n");
            foreach (var subnet in subnets.Where(s => s.VpcId == vpc.VpcId))
            {
                // EC2 reserves five addresses of every subnet (network, router, DNS, future, broadcast).
                var usable = Math.Max(1, (1L << (32 - int.Parse(subnet.CidrBlock[(subnet.CidrBlock.IndexOf('/', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture))) - 5);
                var used = 100.0 * (usable - subnet.AvailableIpAddressCount) / usable;
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(subnet.SubnetId)}</code></td><td>{E(Name(subnet.Tags))}</td><td>{E(subnet.AvailabilityZone)}</td><td>{E(subnet.CidrBlock)}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{subnet.AvailableIpAddressCount:N0} of {usable:N0}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td><div class=\"bar\" title=\"{used:0.#}% in use\"><div style=\"width:{used:0.##}%\"></div></div></td></tr>\n");
            }

            html.Append("</tbody></table></section>\n");
        }
    }

    private static void AppendNodes(StringBuilder html, IEc2View ec2, IReadOnlyList<NodeView> nodes, IReadOnlyList<PodView> pods)
    {
        var holders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pod in pods.Where(p => p.PodIP is not null && !p.HostNetwork))
        {
            holders.TryAdd(pod.PodIP!, $"{pod.Namespace}/{pod.Name}");
        }

        var interfaces = ec2.DescribeNetworkInterfaces();
        var trunkOf = ec2.DescribeTrunkInterfaceAssociations().ToDictionary(a => a.BranchInterfaceId, a => (a.TrunkInterfaceId, a.VlanId), StringComparer.Ordinal);
        var byInstance = interfaces.Where(i => i.Attachment?.InstanceId is not null).ToLookup(i => i.Attachment!.InstanceId!, StringComparer.Ordinal);
        var branchesOf = interfaces.Where(i => trunkOf.ContainsKey(i.NetworkInterfaceId)).ToLookup(i => trunkOf[i.NetworkInterfaceId].TrunkInterfaceId, StringComparer.Ordinal);

        html.Append("<section id=\"nodes\"><h2>Nodes and their network interfaces</h2>\n<div class=\"nodes\">\n");
        foreach (var node in nodes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"node\"><h3>{E(node.Name)}</h3><p class=\"sub\">")
                .Append(E(node.Object.Labels.GetValueOrDefault("node.kubernetes.io/instance-type", "?"))).Append(" · ")
                .Append(E(node.Object.Labels.GetValueOrDefault("topology.kubernetes.io/zone", "?"))).Append(" · ")
                .Append(E(NodePrinter.Status(node.Object))).Append(" · max pods ")
                .Append(E(node.Capacity.TryGetValue("pods", out var max) ? max.ToString("0", CultureInfo.InvariantCulture) : "?"))
                .Append(node.Capacity.TryGetValue("vpc.amazonaws.com/pod-eni", out var podEni) ? $" · pod-eni {podEni.ToString("0", CultureInfo.InvariantCulture)}" : string.Empty)
                .Append("</p>\n");
            foreach (var eni in (node.InstanceId is { } id ? byInstance[id] : []).OrderBy(i => i.Attachment!.DeviceIndex))
            {
                AppendInterface(html, eni, eni.Attachment!.DeviceIndex == 0 ? "primary" : eni.InterfaceType == NetworkInterfaceTypes.Trunk ? "trunk" : "secondary", null, node, holders);
                foreach (var branch in branchesOf[eni.NetworkInterfaceId].OrderBy(b => trunkOf[b.NetworkInterfaceId].VlanId))
                {
                    AppendInterface(html, branch, "branch", trunkOf[branch.NetworkInterfaceId].VlanId, node, holders);
                }
            }

            html.Append("</div>\n");
        }

        html.Append("</div></section>\n");
    }

    private static void AppendInterface(StringBuilder html, NetworkInterface eni, string role, int? vlan, NodeView node, IReadOnlyDictionary<string, string> holders)
    {
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"eni {role}\"><div class=\"eni-head\"><span class=\"tag\">{role}{(vlan is { } v ? $" · VLAN {v}" : string.Empty)}</span> <code>{E(eni.NetworkInterfaceId)}</code> in <code>{E(eni.SubnetId)}</code></div>")
            .Append("<div class=\"groups\">").AppendJoin(" ", eni.Groups.Select(g => $"<span class=\"sg\" title=\"{E(g.GroupName)}\">{E(g.GroupId)}</span>")).Append("</div><ul class=\"addrs\">");
        foreach (var address in eni.PrivateIpAddresses)
        {
            var ip = address.PrivateIpAddress;
            var (cls, who) = holders.TryGetValue(ip, out var pod) ? ("pod", pod) : ip == node.InternalIP ? ("host", "node") : role == "trunk" ? ("host", "trunk") : ("free", "free");
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"{cls}\"><code>{E(ip)}</code> {E(who)}</li>");
        }

        foreach (var prefix in eni.Ipv4Prefixes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"prefix\"><code>{E(prefix.Ipv4Prefix)}</code> prefix</li>");
        }

        html.Append("</ul></div>\n");
    }

    private static void AppendSecurityGroups(StringBuilder html, IEc2View ec2)
    {
        html.Append("<section id=\"groups\"><h2>Security groups</h2><table class=\"grid\"><thead><tr><th>Group</th><th>Name</th><th>Inbound</th><th>Outbound</th></tr></thead><tbody>\n");
        foreach (var group in ec2.DescribeSecurityGroups())
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(group.GroupId)}</code></td><td>{E(group.GroupName)}</td><td>{Rules(group.IpPermissions)}</td><td>{Rules(group.IpPermissionsEgress)}</td></tr>\n");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static string Rules(IReadOnlyList<IpPermission> permissions)
    {
        if (permissions.Count == 0)
        {
            return "<span class=\"muted\">none</span>";
        }

        return string.Join("<br>", permissions.Select(p =>
        {
            var ports = p.IpProtocol == "-1" ? "all traffic" : p.FromPort == p.ToPort ? $"{p.IpProtocol.ToUpperInvariant()}/{p.FromPort}" : $"{p.IpProtocol.ToUpperInvariant()}/{p.FromPort}-{p.ToPort}";
            var peers = (p.IpRanges ?? []).Select(r => r.CidrIp)
                .Concat((p.Ipv6Ranges ?? []).Select(r => r.CidrIpv6))
                .Concat((p.UserIdGroupPairs ?? []).Select(g => g.GroupId))
                .Concat((p.PrefixListIds ?? []).Select(l => l.Id));
            return E($"{ports} {string.Join(", ", peers)}");
        }));
    }

    private static void AppendPods(StringBuilder html, Podnet.World.World world, IReadOnlyList<PodView> pods)
    {
        html.Append("<section id=\"pods\"><h2>Pods</h2><table class=\"grid\"><thead><tr><th>Namespace</th><th>Name</th><th>Status</th><th>IP</th><th>Node</th><th>Age</th></tr></thead><tbody>\n");
        foreach (var pod in pods)
        {
            var status = PodPrinter.Status(pod.Object);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(pod.Namespace)}</td><td>{E(pod.Name)}</td><td class=\"{(status == "Running" ? "ok" : "bad")}\">{E(status)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><code>{E(pod.PodIP ?? "<none>")}</code>{(pod.HostNetwork ? " <span class=\"muted\">host network</span>" : string.Empty)}</td><td>{E(pod.NodeName ?? "<none>")}</td><td>{E(world.Age(pod.Object.CreationTimestamp))}</td></tr>\n");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static void AppendMatrix(StringBuilder html, Reachability reachability, PortSpec port, ProgressLine? progress)
    {
        var matrix = ConnectivityMatrix.Compute(reachability, port, progress is { IsShown: true } ? (done, classes) => progress.Report(() => $"deciding the matrix on {port}: {done:N0} of {classes:N0} classes of alike pods") : null);
        var count = matrix.Pods.Count;
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"matrix\"><h2>Connectivity on {E(port.ToString())}</h2>\n")
            .Append(CultureInfo.InvariantCulture, $"<p>{count} pods in {matrix.Classes} classes of alike pods; {matrix.AllowedPairs():N0} of {(long)count * Math.Max(0, count - 1):N0} pairs allowed. Rows are sources, columns destinations. Point at a cell for its verdict, click it for the whole path.</p>\n");
        if (count == 0)
        {
            html.Append("<p class=\"muted\">no pods with an IP (hostNetwork pods are left out)</p></section>\n");
            return;
        }

        // Rows: one per pod, or, for large worlds, one per class (named by its first pod); a class to itself is decided
        // on its first two pods, as the matrix decides it.
        var classes = matrix.Classes;
        int First(int cls) => matrix.PodsOf(cls)[0];
        int Second(int cls) => matrix.PodsOf(cls) is { Count: > 1 } pods ? pods[1] : -1;
        var byClass = count > MaxPodRows;
        var rows = byClass ? classes : count;
        string Label(int row) => byClass ? $"{matrix.Pods[First(row)]}{(matrix.PodsOf(row).Count > 1 ? $" (+{matrix.PodsOf(row).Count - 1} alike)" : string.Empty)}" : matrix.Pods[row];
        int ClassOfRow(int row) => byClass ? row : matrix.ClassOf(row);
        int PodOfRow(int row) => byClass ? First(row) : row;

        html.Append("<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th></th><th class=\"pod\">from \\ to</th>");
        for (var to = 0; to < rows; to++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th title=\"{E(Label(to))}\">{to}</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        for (var from = 0; from < rows; from++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{from}</th><th class=\"pod\">{E(Label(from))}</th>");
            for (var to = 0; to < rows; to++)
            {
                if (!byClass && from == to)
                {
                    html.Append("<td class=\"self\">-</td>");
                    continue;
                }

                var (source, destination) = (PodOfRow(from), PodOfRow(to));
                if (byClass && from == to)
                {
                    destination = Second(from);
                    if (destination < 0)
                    {
                        html.Append("<td class=\"self\">-</td>");
                        continue;
                    }
                }

                var allowed = matrix.Allowed(source, destination);
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"{(allowed ? "allowed" : "denied")}\" data-c=\"{ClassOfRow(from)},{ClassOfRow(to)}\" data-f=\"{source}\" data-t=\"{destination}\">{(allowed ? '.' : 'X')}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n<div id=\"explain\" class=\"explain\"><p class=\"muted\">Click a cell to see why.</p></div>\n");

        // One explanation per pair of classes, decided on the classes' representative pods, as the matrix decides them.
        var explanations = new JsonObject();
        if (classes <= MaxExplainedClasses)
        {
            for (var from = 0; from < classes; from++)
            {
                progress?.Report(() => $"explaining the matrix: class {from + 1} of {classes}");
                for (var to = 0; to < classes; to++)
                {
                    var destination = from == to ? Second(to) : First(to);
                    if (destination < 0)
                    {
                        continue;
                    }

                    var result = reachability.Evaluate(matrix.Pods[First(from)], matrix.Pods[destination], port.ToString());
                    explanations[$"{from},{to}"] = new JsonObject
                    {
                        ["allowed"] = result.Allowed,
                        ["hops"] = new JsonArray([.. result.Hops.Select(h => (JsonNode)new JsonArray(h.Step, h.Allowed, h.Detail))]),
                    };
                }
            }
        }

        var data = new JsonObject
        {
            ["pods"] = new JsonArray([.. matrix.Pods.Select(p => (JsonNode)p!)]),
            ["port"] = port.ToString(),
            ["explanations"] = explanations,
        };

        // "</" must not end the script element early: JSON allows "<\/" for "</".
        html.Append("<script type=\"application/json\" id=\"matrix-data\">")
            .Append(data.ToJsonString().Replace("</", "<\\/", StringComparison.Ordinal))
            .Append("</script>\n</section>\n");
    }

    private static string Name(IEnumerable<Tag> tags) => tags.FirstOrDefault(t => t.Key == "Name")?.Value ?? string.Empty;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font-family: system-ui, sans-serif; margin: 0 2em 2em; color: #1d2433; background: #fafbfc; }
        header h1 { margin-bottom: 0; }
        .sub { color: #5b6475; margin-top: .2em; }
        h2 { border-bottom: 2px solid #dde3ea; padding-bottom: .2em; margin-top: 1.6em; }
        code { font-family: ui-monospace, monospace; font-size: .92em; }
        table.grid { border-collapse: collapse; background: #fff; }
        table.grid th, table.grid td { border: 1px solid #dde3ea; padding: 3px 8px; text-align: left; vertical-align: top; }
        td.num { text-align: right; }
        td.ok { color: #1b7f3a; } td.bad { color: #b3261e; font-weight: 600; }
        .muted { color: #8a93a3; }
        .bar { width: 120px; height: 10px; background: #e6ebf1; border-radius: 5px; overflow: hidden; }
        .bar div { height: 100%; background: #e8912d; }
        .nodes { display: flex; flex-wrap: wrap; gap: 1em; }
        .node { background: #fff; border: 1px solid #d3dae3; border-radius: 8px; padding: .6em .9em; min-width: 320px; max-width: 460px; }
        .node h3 { margin: .2em 0; font-size: 1em; }
        .eni { border-left: 4px solid #8a93a3; margin: .5em 0; padding: .2em .6em; background: #f6f8fa; }
        .eni.primary { border-color: #3367d6; } .eni.secondary { border-color: #0b8a8a; }
        .eni.trunk { border-color: #7b3fb8; } .eni.branch { border-color: #c2185b; margin-left: 1.4em; }
        .tag { font-size: .75em; text-transform: uppercase; letter-spacing: .04em; font-weight: 700; color: #5b6475; }
        .sg { display: inline-block; font-size: .75em; background: #fff3e0; border: 1px solid #f3c98b; border-radius: 3px; padding: 0 4px; margin: 2px 2px 0 0; }
        ul.addrs { list-style: none; padding: 0; margin: .3em 0 0; display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: .85em; }
        ul.addrs li.pod { color: #1d2433; } ul.addrs li.host { color: #3367d6; } ul.addrs li.free, ul.addrs li.prefix { color: #8a93a3; }
        .scroll { overflow: auto; max-height: 70vh; border: 1px solid #dde3ea; background: #fff; }
        table.matrix { border-collapse: collapse; font-size: .8em; }
        table.matrix th, table.matrix td { border: 1px solid #e3e8ee; padding: 1px 4px; text-align: center; }
        table.matrix th.pod { text-align: left; white-space: nowrap; font-weight: normal; }
        table.matrix td { cursor: pointer; min-width: 1.2em; }
        td.allowed { background: #c8e6c9; } td.denied { background: #ffcdd2; } td.self { background: #eee; cursor: default; }
        td.selected { outline: 2px solid #1d2433; }
        .explain { margin-top: 1em; background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: .6em 1em; }
        .explain .verdict { font-weight: 700; } .explain .verdict.allowed { color: #1b7f3a; } .explain .verdict.denied { color: #b3261e; }
        .explain li.fail { color: #b3261e; }

        """;

    private const string Script = """
        (function () {
          'use strict';
          var dataElement = document.getElementById('matrix-data');
          var data = dataElement ? JSON.parse(dataElement.textContent) : { pods: [], explanations: {} };
          function explanation(cell) {
            return data.explanations[cell.getAttribute('data-c')];
          }
          function summary(cell) {
            var from = data.pods[+cell.getAttribute('data-f')], to = data.pods[+cell.getAttribute('data-t')];
            var e = explanation(cell), allowed = cell.classList.contains('allowed');
            var text = from + ' \u2192 ' + to + ' ' + data.port + ': ' + (allowed ? 'ALLOWED' : 'DENIED');
            if (e) {
              var failed = e.hops.filter(function (h) { return !h[1]; })[0];
              if (failed) { text += '\n' + failed[0] + ': ' + failed[2]; }
            }
            return text;
          }
          function show(cell) {
            var previous = document.querySelector('td.selected');
            if (previous) { previous.classList.remove('selected'); }
            cell.classList.add('selected');
            var panel = document.getElementById('explain');
            panel.textContent = '';
            var from = data.pods[+cell.getAttribute('data-f')], to = data.pods[+cell.getAttribute('data-t')];
            var head = document.createElement('p');
            var verdict = document.createElement('span');
            var allowed = cell.classList.contains('allowed');
            verdict.className = 'verdict ' + (allowed ? 'allowed' : 'denied');
            verdict.textContent = allowed ? 'ALLOWED' : 'DENIED';
            head.appendChild(verdict);
            head.appendChild(document.createTextNode(' ' + from + ' \u2192 ' + to + ' on ' + data.port));
            panel.appendChild(head);
            var e = explanation(cell);
            if (!e) {
              var more = document.createElement('p');
              more.className = 'muted';
              more.textContent = 'This world has too many classes to explain every pair here: podnet reach WORLD ' + from + ' ' + to + ' ' + data.port;
              panel.appendChild(more);
              return;
            }
            var list = document.createElement('ol');
            e.hops.forEach(function (h) {
              var item = document.createElement('li');
              item.className = h[1] ? 'ok' : 'fail';
              item.textContent = (h[1] ? 'ok  ' : 'FAIL  ') + h[0] + ': ' + h[2];
              list.appendChild(item);
            });
            panel.appendChild(list);
          }
          var cells = document.querySelectorAll('td[data-c]');
          Array.prototype.forEach.call(cells, function (cell) {
            cell.addEventListener('mouseover', function () { if (!cell.title) { cell.title = summary(cell); } });
            cell.addEventListener('click', function () { show(cell); });
          });
          // #cell-F-T opens that cell's explanation: a link to one verdict, and what the browser test checks.
          var match = /^#cell-(\d+)-(\d+)$/.exec(location.hash);
          if (match) {
            var target = document.querySelector('td[data-f="' + match[1] + '"][data-t="' + match[2] + '"]');
            if (target) { show(target); }
          }
          document.body.setAttribute('data-ready', 'yes');
        })();

        """;
}
