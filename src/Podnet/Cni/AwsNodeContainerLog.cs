using System.Globalization;
using System.Text;
using Podnet.Kube.Api;
using Podnet.Kube.Views;

namespace Podnet.Cni;

/// <summary>
/// What <c>kubectl logs</c> shows of an aws-node pod's <c>aws-node</c> container: the entrypoint's lines, which
/// install the CNI binaries, start ipamd, wait for it and copy the CNI configuration — the last line is the node's
/// network becoming ready. ipamd's own lines go to <c>/var/log/aws-routed-eni/ipamd.log</c> on the node, not to the
/// container's output, so they are not here.
/// </summary>
/// <remarks>
/// The format follows the release: up to 1.11 the shell entrypoint (<c>scripts/entrypoint.sh</c>, log_in_json)
/// wrote JSON lines; from 1.12 the Go entrypoint (<c>cmd/aws-vpc-cni</c>) writes <c>Installed …</c> lines and
/// logrus text, naming the egress plugin <c>egress-v4-cni</c> until 1.14 and <c>egress-cni</c> from 1.15, as logs
/// of those releases in public issue threads read (aws/amazon-vpc-cni-k8s#1930 for 1.10; 2023 and 2024 EKS logs
/// for the others). The times are the container's start and the moment the pod became ready.
/// </remarks>
public static class AwsNodeContainerLog
{
    /// <summary>The container name whose output this is.</summary>
    public const string Container = "aws-node";

    /// <summary>
    /// The log of <paramref name="pod"/>'s aws-node container, or null when the pod is not an aws-node pod or the
    /// container has not started.
    /// </summary>
    public static string? For(KubeObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Labels.GetValueOrDefault("k8s-app") != "aws-node")
        {
            return null;
        }

        var container = (pod["spec.containers"] as System.Text.Json.Nodes.JsonArray ?? []).FirstOrDefault(c => c?["name"]?.GetValue<string>() == Container);
        var status = (pod["status.containerStatuses"] as System.Text.Json.Nodes.JsonArray ?? []).FirstOrDefault(c => c?["name"]?.GetValue<string>() == Container);
        if (container is null || status?["state"]?["running"]?["startedAt"]?.GetValue<string>() is not { } startedText
            || !DateTimeOffset.TryParse(startedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var started))
        {
            return null;
        }

        var release = CniRelease.FromImage(container["image"]?.GetValue<string>()) ?? new CniRelease(1, 19, 0);
        var view = PodView.Of(pod);
        DateTimeOffset? ready = view.IsReady && (pod["status.conditions"] as System.Text.Json.Nodes.JsonArray ?? [])
            .FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Ready")?["lastTransitionTime"]?.GetValue<string>() is { } readyText
            && DateTimeOffset.TryParse(readyText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return release.Version < new Version(1, 12) ? ShellEntrypoint(started, ready) : GoEntrypoint(release, started, ready);
    }

    private static string ShellEntrypoint(DateTimeOffset started, DateTimeOffset? ready)
    {
        var text = new StringBuilder();
        void Line(DateTimeOffset at, string message)
            => text.Append(CultureInfo.InvariantCulture, $"{{\"level\":\"info\",\"ts\":\"{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\"caller\":\"entrypoint.sh\",\"msg\":\"{message}\"}}\n");
        Line(started, "Validating env variables ...");
        Line(started, "Install CNI binaries..");
        Line(started, "Starting IPAM daemon in the background ... ");
        Line(started, "Checking for IPAM connectivity ... ");
        if (ready is { } at)
        {
            Line(at, "Copying config file ... ");
            Line(at, "Successfully copied CNI plugin binary and config file.");
            Line(at, "Foregrounding IPAM daemon ...");
        }

        return text.ToString();
    }

    private static string GoEntrypoint(CniRelease release, DateTimeOffset started, DateTimeOffset? ready)
    {
        var text = new StringBuilder();
        void Line(DateTimeOffset at, string message)
            => text.Append(CultureInfo.InvariantCulture, $"time=\"{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\" level=info msg=\"{message}\"\n");
        text.Append("Installed /host/opt/cni/bin/aws-cni\n")
            .Append(release.Version < new Version(1, 15) ? "Installed /host/opt/cni/bin/egress-v4-cni\n" : "Installed /host/opt/cni/bin/egress-cni\n");
        Line(started, "Starting IPAM daemon... ");
        Line(started, "Checking for IPAM connectivity... ");
        if (ready is { } at)
        {
            Line(at, "Copying config file... ");
            Line(at, "Successfully copied CNI plugin binary and config file.");
        }

        return text.ToString();
    }
}
