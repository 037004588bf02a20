using System.Collections.Concurrent;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    private static INetworkPolicyDecider CreateNetworkPolicyDecider(Podnet.World.World world, string? enforcer)
    {
        var store = world.ControlPlane.Store;
        var nodes = store.Resources.For("v1", "Node");
        var engine = new NetworkPolicyEngine(store.List("networking.k8s.io/v1", "NetworkPolicy").Items);
        var pods = new Dictionary<(string Namespace, string Name), KubeObject>();
        foreach (var pod in store.List("v1", "Pod").Items)
        {
            pods[(pod.Namespace ?? "default", pod.Name)] = pod;
        }

        var calicoForWindows = enforcer is NetworkPolicyEnforcer.Calico && NetworkPolicyEnforcer.CalicoForWindows(world);
        return new EngineDecider(
            engine,
            pods,
            PolicyPeer.LabelsByNamespace(store.List("v1", "Namespace").Items),
            enforcer is NetworkPolicyEnforcer.VpcCni or NetworkPolicyEnforcer.Calico
                ? pod => PodView.Of(pod).NodeName is { } node && store.TryGet(nodes, null, node) is { } nodeObject ? NotEnforcedOn(enforcer, nodeObject, calicoForWindows) : null
                : _ => null);
    }

    /// <summary>
    /// NetworkPolicy through the engine. A hostNetwork pod or a node is not a pod to NetworkPolicy: it is its
    /// address, which only ipBlocks can match. The pods and namespaces are those of the world when the decider was
    /// made; a pod's peer is worked out when a query first needs it (one <c>podnet reach</c> in a world of 50,000
    /// pods needs two). <paramref name="notEnforced"/> gives why no enforcer filters a pod's traffic, or null.
    /// </summary>
    private sealed class EngineDecider(NetworkPolicyEngine engine, Dictionary<(string Namespace, string Name), KubeObject> pods, Dictionary<string, IReadOnlyDictionary<string, string>> namespaceLabels, Func<KubeObject, string?> notEnforced) : INetworkPolicyDecider
    {
        // Read without a lock: the pairwise matrix asks for two peers per pair of classes.
        private readonly ConcurrentDictionary<(string Namespace, string Name), PolicyPeer?> _peers = new();
        private readonly Lock _lock = new();

        public NetworkPolicyEngine Engine { get; } = engine;

        public (bool Allowed, string Explanation) Decide(Endpoint source, Endpoint destination, string protocol, int port, PolicyDirection? only = null)
        {
            var verdict = Engine.Evaluate(Peer(source), Peer(destination), protocol, port, only);
            var explanation = verdict.ToString().Replace("\n", "; ", StringComparison.Ordinal);
            if (verdict.Egress is { Allowed: false })
            {
                explanation += $"; to allow it, add an egress rule to a policy selecting {verdict.From} whose `to` matches {verdict.To} on {protocol}/{port}";
            }

            if (verdict.Ingress is { Allowed: false })
            {
                explanation += $"; to allow it, add an ingress rule to a policy selecting {verdict.To} whose `from` matches {verdict.From} on {protocol}/{port}";
            }

            return (verdict.Allowed, explanation);
        }

        public bool IsAllowed(Endpoint source, Endpoint destination, string protocol, int port, PolicyDirection? only = null)
            => Engine.IsAllowed(Peer(source), Peer(destination), protocol, port, only);

        /// <summary>The endpoint as the engine sees it: the pod's peer, or an address.</summary>
        public PolicyPeer Peer(Endpoint endpoint)
            => endpoint.Pod is { } pod && !PodView.Of(pod).HostNetwork && PeerOf(pod.Namespace ?? "default", pod.Name) is { } peer
                ? peer
                : PolicyPeer.External(endpoint.Address);

        /// <summary>The peer of the world's pod <paramref name="ns"/>/<paramref name="name"/>; null when the world had no such pod.</summary>
        private PolicyPeer? PeerOf(string ns, string name)
        {
            if (_peers.TryGetValue((ns, name), out var known))
            {
                return known;
            }

            lock (_lock)
            {
                var peer = pods.TryGetValue((ns, name), out var pod) ? PolicyPeer.FromPod(pod, PolicyPeer.LabelsOfNamespace(namespaceLabels, ns)) : null;
                if (peer is not null && notEnforced(pod!) is { } why)
                {
                    peer = peer.WithoutEnforcement(why);
                }

                return _peers.GetOrAdd((ns, name), peer);
            }
        }
    }
}
