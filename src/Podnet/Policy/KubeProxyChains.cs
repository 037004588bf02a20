using System.Security.Cryptography;
using System.Text;

namespace Podnet.Policy;

/// <summary>
/// The names kube-proxy (iptables mode) gives a Service port's chains, from kubernetes/kubernetes
/// pkg/proxy/iptables/proxier.go: <c>portProtoHash</c> is the first 16 characters of the standard base32 (RFC 4648,
/// A–Z 2–7) of the SHA-256 of the Service port's name (<c>proxy.ServicePortName.String()</c>: <c>NS/NAME</c>, then
/// <c>:PORT-NAME</c> when the port has a name) followed by its protocol in lower case; a chain is a prefix and that
/// hash (<c>servicePortPolicyClusterChain</c>, <c>servicePortPolicyLocalChainName</c>,
/// <c>serviceExternalChainName</c>). So <c>kube-system/kube-dns:dns</c> over UDP is <c>KUBE-SVC-TCOU7JCQXEZGVUNU</c>, as on
/// every cluster.
/// </summary>
public static class KubeProxyChains
{
    /// <summary>The cluster policy chain: every ready endpoint.</summary>
    public static string Cluster(string servicePortName, string protocol) => "KUBE-SVC-" + Hash(servicePortName, protocol);

    /// <summary>The local policy chain: the ready endpoints on kube-proxy's own node.</summary>
    public static string Local(string servicePortName, string protocol) => "KUBE-SVL-" + Hash(servicePortName, protocol);

    /// <summary>The external destinations chain (NodePort, LoadBalancer, externalIPs), which jumps to a policy chain.</summary>
    public static string External(string servicePortName, string protocol) => "KUBE-EXT-" + Hash(servicePortName, protocol);

    /// <summary><c>portProtoHash</c>: 16 characters of base32 over SHA-256 of the port's name and lower-case protocol.</summary>
    public static string Hash(string servicePortName, string protocol)
    {
        ArgumentNullException.ThrowIfNull(servicePortName);
        ArgumentNullException.ThrowIfNull(protocol);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(servicePortName + protocol.ToLowerInvariant()));
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

        // 16 characters are 80 bits: the first 10 bytes, 5 bits a character, most significant first.
        var text = new StringBuilder(16);
        for (var bit = 0; bit < 80; bit += 5)
        {
            var value = 0;
            for (var i = 0; i < 5; i++)
            {
                var at = bit + i;
                value = (value << 1) | ((hash[at / 8] >> (7 - (at % 8))) & 1);
            }

            text.Append(alphabet[value]);
        }

        return text.ToString();
    }
}
