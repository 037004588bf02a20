using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;

namespace Podnet.Kube.Printing;

/// <summary>
/// Services and their Endpoints in <c>kubectl get</c>, by pkg/printers/internalversion/printers.go printService
/// (with getServiceExternalIP and makePortString) and printEndpoints (formatEndpoints).
/// </summary>
public static class ServicePrinters
{
    /// <summary>printService: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR.</summary>
    public static TablePrinter Service { get; } = new(
        [
            TableColumn.ObjectName,
            TableColumn.Text("Type", "type determines how the Service is exposed."),
            TableColumn.Text("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
            TableColumn.Text("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            TableColumn.Text("Port(s)", "The list of ports that are exposed by this service."),
            TableColumn.Age,
            TableColumn.Wide("Selector", "Route service traffic to pods with label keys and values matching this selector."),
        ],
        (svc, now) =>
        {
            // The v1 → internal conversion fills clusterIPs from clusterIP, so either names the first.
            var clusterIp = Strings(svc.Peek("spec.clusterIPs")).FirstOrDefault() ?? svc.GetString("spec.clusterIP");
            var ports = Ports(svc);
            return
            [
                svc.Name,
                TablePrinter.Text(svc, "spec.type"),
                string.IsNullOrEmpty(clusterIp) ? "<none>" : clusterIp,
                ExternalIp(svc),
                ports.Length == 0 ? "<none>" : ports,
                TablePrinter.Age(svc, now),
                TablePrinter.FormatLabels(svc.Peek("spec.selector")),
            ];
        });

    /// <summary>printEndpoints: NAME ENDPOINTS AGE, ENDPOINTS as "10.0.0.1:80,10.0.0.2:80 + 3 more...".</summary>
    public static TablePrinter Endpoints { get; } = new(
        [
            TableColumn.ObjectName,
            TableColumn.Text("Endpoints", "The set of all endpoints is the union of all subsets."),
            TableColumn.Age,
        ],
        (ep, now) => [ep.Name, FormatEndpoints(ep), TablePrinter.Age(ep, now)]);

    /// <summary>makePortString: "80/TCP", "80:30080/TCP" with a node port, comma-joined.</summary>
    public static string Ports(KubeObject service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return string.Join(",", TablePrinter.Objects(service.Peek("spec.ports")).Select(p =>
        {
            var port = TablePrinter.Integer(p["port"]) ?? 0;
            var protocol = p["protocol"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "TCP";
            var nodePort = TablePrinter.Integer(p["nodePort"]) ?? 0;
            return nodePort > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{port}:{nodePort}/{protocol}")
                : string.Create(CultureInfo.InvariantCulture, $"{port}/{protocol}");
        }));
    }

    /// <summary>getServiceExternalIP with wide output (the server always renders the unclipped form).</summary>
    private static string ExternalIp(KubeObject svc)
    {
        var external = Strings(svc.Peek("spec.externalIPs"));
        switch (svc.GetString("spec.type"))
        {
            case "ClusterIP":
            case "NodePort":
                return external.Count > 0 ? string.Join(",", external) : "<none>";
            case "LoadBalancer":
                var ingress = TablePrinter.Objects(svc.Peek("status.loadBalancer.ingress"))
                    .Select(i => i["ip"] is JsonValue ip && ip.TryGetValue<string>(out var a) && a.Length > 0 ? a
                        : i["hostname"] is JsonValue h && h.TryGetValue<string>(out var n) && n.Length > 0 ? n : null)
                    .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
                var all = ingress.Concat(external).ToList();
                return all.Count > 0 ? string.Join(",", all) : "<pending>";
            case "ExternalName":
                return TablePrinter.Text(svc, "spec.externalName");
            default:
                return "<unknown>";
        }
    }

    /// <summary>formatEndpoints with every port: at most three "ip:port" entries, then "+ N more...".</summary>
    private static string FormatEndpoints(KubeObject ep)
    {
        var subsets = TablePrinter.Objects(ep.Peek("subsets"));
        if (subsets.Count == 0)
        {
            return "<none>";
        }

        const int Maximum = 3;
        var list = new List<string>();
        var count = 0;
        var more = false;
        void Add(IReadOnlyList<string> addresses, Func<string, string> entry)
        {
            count += addresses.Count;
            foreach (var address in addresses)
            {
                if (list.Count == Maximum)
                {
                    more = true;
                    break;
                }

                list.Add(entry(address));
            }
        }

        foreach (var subset in subsets)
        {
            var addresses = TablePrinter.Objects(subset["addresses"]).Select(a => a["ip"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty).ToList();
            var ports = TablePrinter.Objects(subset["ports"]);
            if (ports.Count == 0)
            {
                // A headless service may have no ports.
                Add(addresses, ip => ip);
                continue;
            }

            foreach (var port in ports)
            {
                var number = (int)(TablePrinter.Integer(port["port"]) ?? 0);
                Add(addresses, ip => IpAddressText.WithPort(ip, number));
            }
        }

        var text = string.Join(",", list);
        return more ? string.Create(CultureInfo.InvariantCulture, $"{text} + {count - Maximum} more...") : text;
    }

    private static List<string> Strings(JsonNode? node)
        => node is JsonArray a ? [.. a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()] : [];
}
