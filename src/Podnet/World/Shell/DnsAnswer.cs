using System.Net;
using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>How a pod's resolver ends a lookup.</summary>
internal enum DnsOutcome
{
    /// <summary>A server answered with an address.</summary>
    Resolved,

    /// <summary>A server answered, and no name of the search list exists (NXDOMAIN for every candidate).</summary>
    NotFound,

    /// <summary>No server answered: the query was dropped on its way (security group, NetworkPolicy, no CoreDNS).</summary>
    TimedOut,
}

/// <summary>
/// One lookup by the pod's resolver: the outcome, the fully qualified name that answered (or the name asked when
/// none did), its address, and the reach verdict of the DNS query (null for an IP literal, which needs no query).
/// </summary>
internal sealed record DnsAnswer(DnsOutcome Outcome, string Name, IPAddress? Address, ReachResult? Query);
