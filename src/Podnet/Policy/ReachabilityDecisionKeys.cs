using System.Globalization;
using System.Net;
using System.Text;
using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    /// <summary>
    /// The pods a connectivity matrix is about: those that have a pod IP and are not on the host network, by
    /// namespace and name.
    /// </summary>
    internal List<Endpoint> MatrixPods()
    {
        var store = _world.ControlPlane.Store;
        return
        [
            .. store.List("v1", "Pod").Items
                .Select(p => PodView.Of(p))
                .Where(v => v.PodAddress is not null && !v.HostNetwork)
                .OrderBy(v => v.Namespace, StringComparer.Ordinal)
                .ThenBy(v => v.Name, StringComparer.Ordinal)
                .Select(PodEndpoint),
        ];
    }

    /// <summary>
    /// For each pod of <paramref name="pods"/>, a key holding everything a pod-to-pod verdict of <see cref="Flow"/>
    /// can depend on, so two pods with equal keys get the same verdicts to and from every other pod:
    /// <list type="bullet">
    /// <item>NetworkPolicy: the peer the engine sees (namespace, labels, namespace labels, container ports);</item>
    /// <item>same-node rules: the node;</item>
    /// <item>security groups: the groups of the interface that holds the pod IP (or that there is none), whether the
    /// pod is a branch pod and its enforcing mode (strict mode, Calico);</item>
    /// <item>the address, as far as any rule can see it: which CIDRs (ipBlock <c>cidr</c> and <c>except</c>,
    /// security-group IPv4/IPv6 ranges) contain it. CIDRs that contain every pod or none cannot tell pods apart and
    /// are left out; with no ipBlock or CIDR rule the address is not part of the key at all.</item>
    /// </list>
    /// The pod's name is not: no rule looks at it. Without <paramref name="policyPeers"/> the NetworkPolicy part (the
    /// peer and the ipBlock CIDRs) is left out, for a world where no policy is enforced, so that pods that differ only
    /// in labels or namespace share a key.
    /// </summary>
    internal string[] DecisionKeys(IReadOnlyList<Endpoint> pods, bool policyPeers = true)
    {
        var decider = (EngineDecider)NetworkPolicies;
        PolicyPeer[] peers = policyPeers ? [.. pods.Select(decider.Peer)] : [];
        List<CidrBlock> policyCidrs = !policyPeers ? [] : decider.Engine.Policies
            .SelectMany(p => p.IngressRules.Concat(p.EgressRules))
            .SelectMany(r => r.Peers)
            .Where(p => p.IsValid && p.IpBlock is not null)
            .SelectMany(p => p.IpBlock!.Except.Prepend(p.IpBlock.Cidr))
            .Distinct()
            .ToList();
        var groupCidrs = _groups is null ? [] : GroupCidrs();

        // Which CIDRs contain which pods; a CIDR that gives every pod the same answer tells none apart.
        var bits = new List<bool[]>();
        foreach (var cidr in policyCidrs)
        {
            bits.Add([.. peers.Select(p => p.IP is { } ip && cidr.Contains(ip))]);
        }

        foreach (var cidr in groupCidrs)
        {
            bits.Add([.. pods.Select(p => cidr.Contains(p.Address))]);
        }

        bits.RemoveAll(column => column.All(b => b) || column.All(b => !b));

        var keys = new string[pods.Count];
        var key = new StringBuilder();
        for (var i = 0; i < pods.Count; i++)
        {
            key.Clear();
            var pod = pods[i];
            if (!policyPeers)
            {
                Append(key, "-");
            }
            else if (peers[i] is { IsPod: true } peer)
            {
                Append(key, peer.NotEnforced is null ? "pod" : "pod-not-enforced");
                Append(key, peer.Namespace!);
                AppendMap(key, peer.Labels);
                AppendMap(key, peer.NamespaceLabels);
                Append(key, peer.ContainerPorts.Count.ToString(CultureInfo.InvariantCulture));
                foreach (var port in peer.ContainerPorts)
                {
                    Append(key, port.Name ?? "\0");
                    Append(key, port.Port.ToString(CultureInfo.InvariantCulture));
                    Append(key, port.Protocol);
                }
            }
            else
            {
                // Not a pod to NetworkPolicy: only its address matters, and that is below.
                Append(key, "address");
            }

            Append(key, pod.Node?.Name ?? "\0");

            if (PodNetworkOf(pod) is { } network)
            {
                Append(key, network.IsBranch ? "branch" : "not-branch");
                Append(key, network.PodSecurityGroupEnforcingMode);
            }
            else
            {
                Append(key, "\0");
            }

            if (_groups is not null)
            {
                // The interface reach judges the pod by (a prefix's holder too, with prefix delegation).
                if (InterfaceHolding(pod.Address) is { } eni)
                {
                    Append(key, eni.Groups.Count.ToString(CultureInfo.InvariantCulture));
                    foreach (var group in eni.Groups)
                    {
                        Append(key, group.GroupId);
                    }
                }
                else
                {
                    Append(key, "\0");
                }
            }

            key.Append('|');
            foreach (var column in bits)
            {
                key.Append(column[i] ? '1' : '0');
            }

            keys[i] = key.ToString();
        }

        return keys;
    }

    private List<CidrBlock> GroupCidrs()
    {
        var cidrs = new List<CidrBlock>();
        foreach (var group in _securityGroups)
        {
            foreach (var permission in group.IpPermissions.Concat(group.IpPermissionsEgress))
            {
                foreach (var text in (permission.IpRanges ?? []).Select(r => r.CidrIp).Concat((permission.Ipv6Ranges ?? []).Select(r => r.CidrIpv6)))
                {
                    if (CidrBlock.TryParse(text, out var cidr))
                    {
                        cidrs.Add(cidr);
                    }
                }

                // A prefix list's entries split classes as the same CIDRs in the rule would.
                cidrs.AddRange(_groups!.PrefixListCidrs(permission).Select(p => p.Cidr));
            }
        }

        return [.. cidrs.Distinct()];
    }

    private static void Append(StringBuilder key, string value)
        => key.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);

    private static void AppendMap(StringBuilder key, IReadOnlyDictionary<string, string> map)
    {
        Append(key, map.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Append(key, name);
            Append(key, value);
        }
    }
}
