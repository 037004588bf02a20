using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Tests.Policy.NetworkPolicies;

/// <summary>Small builders for hand-written policies and peers. Policies are taken as written: no admission defaults.</summary>
internal static class NetworkPolicyTestData
{
    public static KubeObject NetPol(string @namespace, string name, string specYaml)
    {
        var spec = YamlManifests.ParseSingle(specYaml, "spec") ?? new JsonObject();
        var policy = new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "NetworkPolicy",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
            ["spec"] = spec,
        };
        return KubeObject.From(policy);
    }

    public static NetworkPolicyEngine Engine(params KubeObject[] policies) => new(policies);

    public static PolicyPeer Pod(string @namespace, string name, string? ip = null, string labels = "", string namespaceLabels = "", params PodContainerPort[] ports)
    {
        var nsLabels = Labels(namespaceLabels);
        nsLabels.TryAdd(PolicyPeer.NamespaceNameLabel, @namespace);
        return PolicyPeer.Pod(@namespace, name, Labels(labels), nsLabels, ip is null ? null : IPAddress.Parse(ip), ports);
    }

    public static PolicyPeer External(string ip) => PolicyPeer.External(IPAddress.Parse(ip));

    /// <summary>"a=b,c=d" as a label map.</summary>
    private static Dictionary<string, string> Labels(string text)
        => text.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
