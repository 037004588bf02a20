using System.Text.Json.Nodes;
using Podnet.Kube.Nodes.Probes;
using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.World;

/// <summary>
/// The kubelet's probes of a world's pods — startup, liveness and readiness alike — decided along the real path: a
/// TCP or HTTP probe is a connection from the node's address to the pod's, judged by <see cref="Reachability"/> as
/// <c>podnet reach node/NODE NS/POD PORT/tcp</c> judges it (so a pod's security groups that do not admit the node
/// refuse it, as lint's <c>security-group-pod-blocks-probes</c> predicts). A refused connection is dropped, never
/// answered: the probe fails when its timeout runs out. An exec probe runs inside the container and no network blocks
/// it; a probe of a host-network pod stays on the node.
/// </summary>
internal sealed class KubeletProbes(World world)
{
    /// <summary>Runs one probe (see <see cref="ContainerProbeRunner"/>): null when it passes, else the prober's output.</summary>
    public ProbeFailure? Run(PodView pod, Kube.Views.NodeView node, JsonObject container, ProbeType type, ProbeSpec probe)
    {
        // gRPC probes fail in words of their own, which Podnet does not have: only TCP and HTTP probes are judged.
        if (pod.HostNetwork || world.Cloud is null || pod.PodIP is not { } ip
            || probe.Handler["tcpSocket"] is not JsonObject && probe.Handler["httpGet"] is not JsonObject
            || ContainerProbe.Port(container, probe.Handler) is not { } port)
        {
            return null;
        }

        var result = new Reachability(world).Evaluate($"node/{node.Name}", $"{pod.Namespace}/{pod.Name}", $"{port}/tcp");
        if (result.ErrorMessage is not null || result.Allowed)
        {
            return null;
        }

        // The output of the TCP dial (probe/tcp/tcp.go DoTCPProbe: the net.Dialer's error) or of the HTTP client
        // (probe/http/http.go DoHTTPProbe: the Go client's timeout error for a connection never answered).
        var output = probe.Handler["httpGet"] is JsonObject http
            ? $"Get \"{(http["scheme"]?.GetValue<string>() ?? "HTTP").ToLowerInvariant()}://{ip}:{port}{http["path"]?.GetValue<string>() ?? "/"}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            : $"dial tcp {ip}:{port}: i/o timeout";
        return new ProbeFailure(output, TimedOut: true);
    }
}
