using Podnet.Kube.Views;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    private static INetworkPolicyDecider CreateNetworkPolicyDecider(Podnet.World.World world)
    {
        var store = world.ControlPlane.Store;
        var engine = new NetworkPolicyEngine(store.List("networking.k8s.io/v1", "NetworkPolicy").Items);
        var peers = PolicyPeer.FromPods(store.List("v1", "Pod").Items, store.List("v1", "Namespace").Items);
        return new EngineDecider(engine, peers);
    }

    /// <summary>
    /// NetworkPolicy through the engine. A hostNetwork pod or a node is not a pod to NetworkPolicy: it is its
    /// address, which only ipBlocks can match.
    /// </summary>
    private sealed class EngineDecider(NetworkPolicyEngine engine, IReadOnlyDictionary<string, PolicyPeer> peers) : INetworkPolicyDecider
    {
        public NetworkPolicyEngine Engine { get; } = engine;

        public (bool Allowed, string Explanation) Decide(Endpoint source, Endpoint destination, string protocol, int port)
        {
            var verdict = Engine.Evaluate(Peer(source), Peer(destination), protocol, port);
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

        public bool IsAllowed(Endpoint source, Endpoint destination, string protocol, int port)
            => Engine.IsAllowed(Peer(source), Peer(destination), protocol, port);

        /// <summary>The endpoint as the engine sees it: the pod's peer, or an address.</summary>
        public PolicyPeer Peer(Endpoint endpoint)
            => endpoint.Pod is { } pod && !new PodView(pod).HostNetwork && peers.TryGetValue($"{pod.Namespace ?? "default"}/{pod.Name}", out var peer)
                ? peer
                : PolicyPeer.External(endpoint.Address);
    }
}
