using System.Net;
using Podnet.Net;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>An <c>ipBlock</c> peer: a CIDR (host bits dropped) less the <c>except</c> blocks.</summary>
public sealed record PolicyIpBlock(CidrBlock Cidr, IReadOnlyList<CidrBlock> Except)
{
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!Cidr.Contains(address))
        {
            return false;
        }

        foreach (var except in Except)
        {
            if (except.Contains(address))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString()
        => Except.Count == 0 ? $"ipBlock {Cidr}" : $"ipBlock {Cidr} except {string.Join(", ", Except)}";
}
