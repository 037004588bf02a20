using System.Text.Json.Nodes;
using Podnet.Kube.Nodes.Probes;
using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.World;

/// <summary>
/// The kubelet's probes of a world's pods — startup, liveness and readiness alike — decided along the real path: a
/// TCP or HTTP probe is a connection from the node's address to the pod's, judged by <see cref="Reachability"/> as
/// <c>podnet reach node/NODE NS/POD PORT/tcp</c> judges it (so a pod's security groups that do not admit the node
/// refuse it, as lint's <c>security-group-pod-blocks-probes</c> predicts). A gRPC probe is decided alike: the kubelet
/// dials the port first (pkg/probe/grpc/grpc.go, <c>grpc.WithBlock()</c>), so a connection the path refuses fails it;
/// past the connection, Podnet takes the container to serve the gRPC health protocol. A refused connection is dropped,
/// never answered: the probe fails when its timeout runs out. An exec probe runs inside the container and no network
/// blocks it; a probe of a host-network pod stays on the node. The kubelet runs each probe again every period while
/// the container runs, so a rule removed later fails a probe that passed (see <c>ProbeWorker</c>).
/// </summary>
internal sealed class KubeletProbes(World world)
{
    /// <summary>Runs one probe (see <see cref="ContainerProbeRunner"/>): null when it passes, else the prober's output.</summary>
    public ProbeFailure? Run(PodView pod, Kube.Views.NodeView node, JsonObject container, ProbeType type, ProbeSpec probe)
    {
        if (pod.HostNetwork || world.Cloud is null || pod.PodIP is not { } ip
            || probe.Handler["tcpSocket"] is not JsonObject && probe.Handler["httpGet"] is not JsonObject && probe.Handler["grpc"] is not JsonObject
            || ContainerProbe.Port(container, probe.Handler) is not { } port)
        {
            return null;
        }

        var result = new Reachability(world).Evaluate($"node/{node.Name}", $"{pod.Namespace}/{pod.Name}", $"{port}/tcp");
        if (result.ErrorMessage is not null || result.Allowed)
        {
            return null;
        }

        // The output of the TCP dial (probe/tcp/tcp.go DoTCPProbe: the net.Dialer's error), of the HTTP client
        // (probe/http/http.go DoHTTPProbe: the Go client's timeout error for a connection never answered), or of the
        // gRPC dial (probe/grpc/grpc.go Probe: "timeout: failed to connect service %q within %v: %+v", the address
        // host:port, the timeout as Go prints a time.Duration, and context.DeadlineExceeded).
        var output = probe.Handler["httpGet"] is JsonObject http
            ? $"Get \"{(http["scheme"]?.GetValue<string>() ?? "HTTP").ToLowerInvariant()}://{ip}:{port}{http["path"]?.GetValue<string>() ?? "/"}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            : probe.Handler["grpc"] is JsonObject
                ? $"timeout: failed to connect service \"{ip}:{port}\" within {probe.TimeoutSeconds}s: context deadline exceeded"
                : $"dial tcp {ip}:{port}: i/o timeout";
        return new ProbeFailure(output, TimedOut: true);
    }
}
