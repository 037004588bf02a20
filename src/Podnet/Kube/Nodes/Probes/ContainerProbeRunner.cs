using System.Text.Json.Nodes;
using Podnet.Kube.Views;

namespace Podnet.Kube.Nodes.Probes;

/// <summary>
/// Runs one probe of a container once, as the kubelet's prober does from its node (pkg/kubelet/prober/prober.go
/// runProbe): null when it passes, else why it failed. The world decides TCP and HTTP probes along the real network
/// path; a container runtime runs an exec probe.
/// </summary>
/// <param name="pod">The pod probed.</param>
/// <param name="node">The node whose kubelet probes (the connection's source).</param>
/// <param name="container">The container's spec.</param>
/// <param name="type">Which of its probes.</param>
/// <param name="probe">The probe with its timings.</param>
public delegate ProbeFailure? ContainerProbeRunner(PodView pod, NodeView node, JsonObject container, ProbeType type, ProbeSpec probe);
