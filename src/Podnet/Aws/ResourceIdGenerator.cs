using System.Globalization;
using System.Text;
using Podnet.Seeding;

namespace Podnet.Aws;

/// <summary>
/// Deterministic AWS-style identifiers, each derived from the account's seed and the identity of the thing it names
/// rather than drawn from a counter: a prefix and 17 hex digits, the first 0 (<c>eni-0a1b2c3d4e5f67890</c>), MAC
/// addresses in the locally administered <c>02:</c> range, GUID-shaped suffixes (ARNs, Auto Scaling group names) and
/// decimal numbers (the cluster security group's name). So adding an unrelated subnet to a world changes no other
/// ID: every ID is <c>SHA-256(seed, prefix, identity, n)</c>, where the identity is the object's natural key
/// (a subnet's VPC and CIDR block, a security group's VPC and name, an interface's subnet, description and owner
/// tags, …) and n counts earlier objects of the same identity (a subnet deleted and created again gets a new ID, as
/// on AWS). Request IDs are the exception: each call is a new request, so they come from a seeded sequence.
/// Resources the aws CLI creates through <c>podnet up</c> get their IDs the same way, from the request's content:
/// botocore fills <c>ClientToken</c> (CreateNetworkInterface, RunInstances) with a random UUID when the user gives
/// none (<c>idempotencyToken</c> in its EC2 model), so the token would make IDs differ from run to run.
/// </summary>
public sealed class ResourceIdGenerator
{
    private readonly int _seed;
    private readonly Random _requests;
    private readonly HashSet<string> _issued = new(StringComparer.Ordinal);

    /// <summary>How many IDs each (kind, identity) has had: the n of the next one.</summary>
    private readonly Dictionary<(string Kind, string Identity), int> _occurrences = [];

    // Shared by every service of one cloud, each with its own lock.
    private readonly Lock _lock = new();

    /// <param name="seed">The world's seed (<c>AwsOptions.Seed</c>): the same seed and identities give the same IDs.</param>
    public ResourceIdGenerator(int seed)
    {
        _seed = seed;
#pragma warning disable CA5394 // request IDs must be reproducible from a seed, not unpredictable.
        _requests = new Random(seed);
#pragma warning restore CA5394
    }

    /// <summary>
    /// The ID of the next object of <paramref name="prefix"/>'s kind with <paramref name="identity"/>, such as
    /// <c>vpc-0f3e…</c> (17 hex digits, the long-ID format, which begins with 0); never one already issued or
    /// reserved (a collision is hashed again with an attempt number, so it too is reproducible).
    /// </summary>
    /// <param name="prefix">EC2's resource prefix: <c>vpc</c>, <c>subnet</c>, <c>eni</c>, <c>eni-attach</c>, …</param>
    /// <param name="identity">What the object is, independent of anything else in the account (its natural key).</param>
    public string Next(string prefix, string identity)
    {
        lock (_lock)
        {
            var n = Occurrence(prefix, identity);
            for (var attempt = 0; ; attempt++)
            {
                var id = prefix + "-0" + HexUnlocked(prefix, identity, n, attempt, 16);
                if (_issued.Add(id))
                {
                    return id;
                }
            }
        }
    }

    /// <summary>Records an ID given by the user so a generated one never collides with it.</summary>
    public bool Reserve(string id)
    {
        lock (_lock)
        {
            return _issued.Add(id);
        }
    }

    /// <summary>
    /// The MAC address of the network interface <paramref name="interfaceId"/>: <c>02:</c> (locally administered,
    /// as EC2's are) and five bytes of its hash; never one already issued.
    /// </summary>
    public string MacAddress(string interfaceId)
    {
        lock (_lock)
        {
            for (var attempt = 0; ; attempt++)
            {
                var hex = HexUnlocked("mac", interfaceId, 0, attempt, 10);
                var mac = new StringBuilder("02", 17);
                for (var i = 0; i < hex.Length; i += 2)
                {
                    mac.Append(':').Append(hex, i, 2);
                }

                var text = mac.ToString();
                if (_issued.Add(text))
                {
                    return text;
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="digits"/> lowercase hex digits for the next object of <paramref name="kind"/> with
    /// <paramref name="identity"/>: the parts of names and ARNs that are not EC2 IDs (an EKS endpoint's host, an IAM
    /// role's unique ID, a CloudFormation physical name).
    /// </summary>
    public string Hex(string kind, string identity, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 64);
        lock (_lock)
        {
            return HexUnlocked(kind, identity, Occurrence(kind, identity), 0, digits);
        }
    }

    /// <summary>A GUID-shaped suffix (<c>8-4-4-4-12</c> hex digits) for the next object of <paramref name="kind"/> with <paramref name="identity"/>, as in EKS's node group and add-on ARNs.</summary>
    public string Uuid(string kind, string identity)
    {
        var h = Hex(kind, identity, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{h[..8]}-{h[8..12]}-{h[12..16]}-{h[16..20]}-{h[20..]}");
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>) for the next object of <paramref name="kind"/> with <paramref name="identity"/>.</summary>
    public long Number(string kind, string identity, long min, long max)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(min, max);
        var h = ulong.Parse(Hex(kind, identity, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return min + (long)(h % (ulong)(max - min));
    }

    /// <summary>
    /// A request ID in the GUID shape EC2 answers with. Every call is a request of its own, with no identity to
    /// derive from, so these come in sequence from the seed.
    /// </summary>
    public string NextRequestId()
    {
        lock (_lock)
        {
            var chars = new char[32];
            for (var i = 0; i < chars.Length; i++)
            {
#pragma warning disable CA5394
                chars[i] = "0123456789abcdef"[_requests.Next(16)];
#pragma warning restore CA5394
            }

            var h = new string(chars);
            return string.Create(CultureInfo.InvariantCulture, $"{h[..8]}-{h[8..12]}-{h[12..16]}-{h[16..20]}-{h[20..]}");
        }
    }

    private int Occurrence(string kind, string identity)
    {
        var key = (kind, identity);
        var n = _occurrences.GetValueOrDefault(key);
        _occurrences[key] = n + 1;
        return n;
    }

    /// <summary>The first <paramref name="digits"/> hex digits of SHA-256 over the seed and the length-prefixed parts, so no two part lists hash alike.</summary>
    private string HexUnlocked(string kind, string identity, int n, int attempt, int digits)
        => Convert.ToHexStringLower(IdentityHash.Of(_seed, [kind, identity], n, attempt))[..digits];
}
