namespace Podnet.Policy;

public sealed partial class Reachability
{
    /// <summary>Stands in until the NetworkPolicy engine is wired: allows everything and says so.</summary>
    private static INetworkPolicyDecider CreateNetworkPolicyDecider(Podnet.World.World world) => new AllowAll();

    private sealed class AllowAll : INetworkPolicyDecider
    {
        public (bool Allowed, string Explanation) Decide(Endpoint source, Endpoint destination, string protocol, int port) => (true, "NetworkPolicy is not evaluated yet");
    }
}
