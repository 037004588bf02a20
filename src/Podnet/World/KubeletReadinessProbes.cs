using System.Text.Json.Nodes;
using Podnet.Kube.Nodes;
using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.World;

/// <summary>
/// The kubelet's readiness probes of a world's pods, decided along the real path: a TCP or HTTP probe is a
/// connection from the node's address to the pod's, judged by <see cref="Reachability"/> as <c>podnet reach
/// node/NODE NS/POD PORT/tcp</c> judges it (so a pod's security groups that do not admit the node refuse it, as
/// lint's <c>security-group-pod-blocks-probes</c> predicts). An exec probe runs inside the container and no network
/// blocks it. A failed probe is the kubelet's <c>Unhealthy</c> event with its own words, and the pod stays not Ready.
/// </summary>
internal sealed class KubeletReadinessProbes(World world)
{
    /// <summary>The event reason of a failed probe (kubelet <c>events.ContainerUnhealthy</c>).</summary>
    public const string UnhealthyReason = "Unhealthy";

    /// <summary>Why the pod is not ready by its readiness probes, or null when every probe passes (or it has none).</summary>
    public string? NotReadyReason(PodView pod)
    {
        var probes = pod.Containers.Select(c => c["readinessProbe"]).OfType<JsonObject>().Where(p => p["tcpSocket"] is JsonObject || p["httpGet"] is JsonObject).ToList();
        if (probes.Count == 0 || pod.HostNetwork || world.Cloud is null)
        {
            return null;
        }

        if (pod.PodIP is not { } ip || pod.NodeName is not { } node)
        {
            // The kubelet's prober starts with the container: until its first probe succeeds the pod is not Ready
            // (prober/worker.go: a readiness result starts as Failure).
            return "readiness probe not yet run";
        }

        var reachability = new Reachability(world);
        foreach (var container in pod.Containers)
        {
            // gRPC probes fail in words of their own, which Podnet does not have: only TCP and HTTP probes are judged.
            if (container["readinessProbe"] is not JsonObject probe || probe["grpc"] is not null || ContainerProbe.Port(container, probe) is not { } port)
            {
                continue;
            }

            var result = reachability.Evaluate($"node/{node}", $"{pod.Namespace}/{pod.Name}", $"{port}/tcp");
            if (result.ErrorMessage is not null || result.Allowed)
            {
                continue;
            }

            // prober.go runProbeWithRetries → recordContainerEvent(Warning, ContainerUnhealthy, "%s probe failed: %s"),
            // with the output of the TCP dial (probe/tcp/tcp.go DoTCPProbe: the net.Dialer's error) or of the HTTP
            // client (probe/http/http.go DoHTTPProbe: the Go client's timeout error for a connection never answered).
            var output = probe["httpGet"] is JsonObject http
                ? $"Get \"{(http["scheme"]?.GetValue<string>() ?? "HTTP").ToLowerInvariant()}://{ip}:{port}{http["path"]?.GetValue<string>() ?? string.Empty}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
                : $"dial tcp {ip}:{port}: i/o timeout";
            var message = $"Readiness probe failed: {output}";
            world.ControlPlane.Events.Warning(pod.Object, UnhealthyReason, message, Kubelet.Component, node);
            return message;
        }

        return null;
    }
}
