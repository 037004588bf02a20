using Podnet.Kube.Nodes;
using Podnet.Kube.Views;

namespace Podnet.Tests.Kube.Controllers;

/// <summary>A network plugin whose readiness and ADD outcome a test sets; it records what the kubelet asked.</summary>
internal sealed class FakeSandboxNetwork : IPodSandboxNetwork
{
    private int _next = 10;

    /// <summary>Null when the network is ready, else the reason it is not.</summary>
    public string? NotReady { get; set; }

    /// <summary>When set, ADD fails with this error.</summary>
    public string? AddError { get; set; }

    public List<string> Added { get; } = [];

    public List<string> Deleted { get; } = [];

    public Dictionary<string, string> Addresses { get; } = new(StringComparer.Ordinal);

    public string? NotReadyReason(NodeView node) => NotReady;

    public SandboxResult Add(PodView pod, NodeView node)
    {
        var key = $"{pod.Namespace}/{pod.Name}";
        Added.Add(key);
        if (AddError is not null)
        {
            return SandboxResult.Failed(CniPlugin.AwsCni, AddError);
        }

        if (!Addresses.TryGetValue(key, out var ip))
        {
            ip = $"192.168.7.{_next++}";
            Addresses[key] = ip;
        }

        return SandboxResult.Assigned(ip);
    }

    public void Delete(PodView pod, NodeView node) => Deleted.Add($"{pod.Namespace}/{pod.Name}");
}
