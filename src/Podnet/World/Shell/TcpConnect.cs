using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>How a TCP connect from the pod ends, as the client's socket sees it.</summary>
internal enum ConnectOutcome
{
    /// <summary>The handshake completed: a pod's container listens there.</summary>
    Connected,

    /// <summary>An RST or ICMP unreachable came back (ECONNREFUSED): nothing listens, or kube-proxy rejected it.</summary>
    Refused,

    /// <summary>The SYN was dropped on the way (a security group, a NetworkPolicy): the kernel gives up (ETIMEDOUT).</summary>
    TimedOut,
}

/// <summary>The end of a TCP connect, the pod that accepted it, and the reach verdicts it was decided from.</summary>
internal sealed record ConnectResult(ConnectOutcome Outcome, PodView? Server, JsonObject? Container, IReadOnlyList<ReachResult> Reach);

/// <summary>
/// A TCP connect from a pod to an address and port, decided by Podnet's reach machinery along the real path: to a
/// Service's ClusterIP — any entry of its <c>spec.clusterIPs</c>, the IPv6 one of a dual-stack Service too, found by
/// reach's own lookup (<see cref="Reachability.ServiceWithClusterIp"/>) — kube-proxy's iptables rules DNAT to an endpoint, as reach decides it
/// (<see cref="Reachability.ServiceBackends"/>: a Service without ready endpoints is REJECTed, which the client sees as
/// refused; a port the Service lacks has no rule, and under <c>internalTrafficPolicy: Local</c> a node without an
/// endpoint DROPs it, so the client times out); to a pod, NetworkPolicy and security groups decide
/// (<see cref="Reachability.Evaluate(Endpoint, Endpoint, PortSpec)"/>); a denied SYN is dropped, so the client times
/// out; to a node's address on a Service's <c>nodePort</c>, kube-proxy on that node, as reach decides it
/// (<see cref="Reachability.NodePortConnect"/>: any endpoint masqueraded, or under <c>externalTrafficPolicy: Local</c>
/// the node's own with the client's address); loopback stays in the pod. kube-proxy picks an endpoint at random; the emulation takes the first the Endpoints object lists, so the
/// same world always answers the same way (every endpoint's verdict is kept for the explanation). A pod accepts on a
/// port one of its containers declares (<c>containerPort</c>); a pod that declares no port at all is taken to
/// listen (Podnet cannot tell). Nodes and addresses without a pod have no emulated server: an allowed connection
/// to them is refused.
/// </summary>
internal static class TcpConnect
{
    public static ConnectResult To(Reachability reach, Endpoint source, IPAddress address, int port)
    {
        var spec = new PortSpec("TCP", port);
        if (IPAddress.IsLoopback(address) && source.IsPod)
        {
            // Loopback never leaves the pod's network namespace: no path for reach to judge, only its own listeners.
            var loopback = new ReachResult(true, [new Hop("loopback", true, $"{address} is the pod's own loopback: the connection stays in {source.Display}'s network namespace")], null);
            return ToPod(source, port, allowed: true, [loopback]);
        }

        if (reach.ServiceWithClusterIp(address) is { } service)
        {
            // The decision reach takes for the ClusterIP: a port the Service lacks has no rule and a Service port
            // with no endpoint on this node under internalTrafficPolicy Local is DROPped (the SYN gets no answer);
            // a Service without endpoints is REJECTed (refused at once).
            var (backends, local, failure, refused) = reach.ServiceBackends(source, service, address, spec);
            if (failure is not null)
            {
                return new ConnectResult(refused ? ConnectOutcome.Refused : ConnectOutcome.TimedOut, null, null, [new ReachResult(false, [failure], null)]);
            }

            Hop[] policy = local is null ? [] : [local];
            var verdicts = backends.Select(b => (Backend: b, Verdict: reach.Evaluate(source, b.Pod, b.Port)))
                .Select(v => v.Verdict with { Hops = [.. policy, new Hop("service", true, $"{IpAddressText.WithPort(address.ToString(), port)} → {v.Backend.Pod.Display} {IpAddressText.WithPort(v.Backend.Pod.Address?.ToString() ?? string.Empty, v.Backend.Port.Port)} (kube-proxy)") { Kind = HopKind.Service }, .. v.Verdict.Hops] })
                .ToList();
            var (chosen, chosenPort) = backends[0];
            return ToPod(chosen, chosenPort.Port, verdicts[0].Allowed, verdicts);
        }

        if (reach.ResolveEndpoint(address.ToString()) is not { } destination)
        {
            return new ConnectResult(ConnectOutcome.TimedOut, null, null, [ReachResult.Error($"{address}: not an address Podnet knows")]);
        }

        // A node's address on a Service's nodePort: kube-proxy on that node DNATs it to an endpoint, as reach decides
        // it (its NodePort REJECT is refused; its DROP and a denial on the way time out).
        if (reach.NodePortConnect(source, destination, spec) is { } nodePort)
        {
            if (nodePort.Backends.Count == 0)
            {
                return new ConnectResult(nodePort.Refused ? ConnectOutcome.Refused : ConnectOutcome.TimedOut, null, null, [new ReachResult(false, nodePort.Entry, null)]);
            }

            var legs = nodePort.Backends.Select(b => b.Leg with { Hops = [.. nodePort.Entry, .. b.Leg.Hops] }).ToList();
            return ToPod(nodePort.Backends[0].Pod, nodePort.Backends[0].Port, legs[0].Allowed, legs);
        }

        var verdict = reach.Evaluate(source, destination, spec);
        if (!destination.IsPod)
        {
            var outcome = verdict.Allowed ? ConnectOutcome.Refused : ConnectOutcome.TimedOut;
            var note = verdict.Allowed ? [new Hop("server", false, $"{destination.Display}: no emulated server listens on {spec}")] : Array.Empty<Hop>();
            return new ConnectResult(outcome, null, null, [verdict with { Hops = [.. verdict.Hops, .. note] }]);
        }

        return ToPod(destination, port, verdict.Allowed, [verdict]);
    }

    private static ConnectResult ToPod(Endpoint destination, int port, bool allowed, IReadOnlyList<ReachResult> verdicts)
    {
        var pod = PodView.Of(destination.Pod!);
        if (!allowed)
        {
            return new ConnectResult(ConnectOutcome.TimedOut, pod, null, verdicts);
        }

        if (Listener(pod, port) is { } container)
        {
            return new ConnectResult(ConnectOutcome.Connected, pod, container, verdicts);
        }

        var refused = new ReachResult(false, [new Hop("listen", false, $"{pod.Namespace}/{pod.Name} declares no containerPort {port}/TCP: the kernel answers the SYN with RST")], null);
        return new ConnectResult(ConnectOutcome.Refused, pod, null, [.. verdicts, refused]);
    }

    /// <summary>The container that accepts on <paramref name="port"/>: one that declares it, or the first when none declares any port.</summary>
    private static JsonObject? Listener(PodView pod, int port)
    {
        var containers = pod.Containers;
        var declared = containers.Where(c => (c["ports"] as JsonArray ?? []).Count > 0).ToList();
        if (declared.Count == 0)
        {
            return containers.Count > 0 ? containers[0] : null;
        }

        return declared.FirstOrDefault(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(p => p["containerPort"]?.GetValue<int>() == port && (p["protocol"]?.GetValue<string>() ?? "TCP") == "TCP"));
    }
}
