using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Podnet.Seeding;

namespace Podnet.Kube.Store;

/// <summary>
/// The API server's generated names and UIDs, derived from the world's seed and the identity of what they name rather
/// than drawn from one random sequence, so adding an unrelated object to a world changes no other name or UID (as
/// <see cref="Aws.ResourceIdGenerator"/> does for AWS IDs). A <c>generateName</c> suffix is 5 characters of
/// apimachinery's alphabet (<c>my-app-7d4b9c8f6-x2kqz</c>) from <c>SHA-256(seed, namespace, generateName, n)</c>,
/// where n counts the names drawn before with that prefix in that namespace; a UID is version-4-shaped, from
/// <c>SHA-256(seed, kind, namespace, name, n)</c>, where n counts earlier objects of that identity (a pod deleted and
/// created again under its name gets a new UID, as on a real cluster). The real ones are random
/// (k8s.io/apiserver/pkg/storage/names/generate.go, utilrand.String(5); types.UID from uuid.NewUUID); what Podnet
/// keeps of them is their shape and that they differ, and adds that a world gives the same ones each run.
/// The counters live only in memory: a <c>podnet up --state</c> resume replays the journal's requests in order,
/// which draws the same names again.
/// </summary>
public sealed class NameGenerator
{
    /// <summary>apimachinery's utilrand alphabet: no vowels, no confusable characters.</summary>
    public const string Alphanumerics = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The length of a generated suffix (generate.go's randomLength).</summary>
    public const int SuffixLength = 5;

    private readonly int _seed;

    // How many draws each (kind, identity) had, by a 64-bit hash of the two rather than the strings themselves: every
    // object ever created has an entry (an Event's uid too, 566,000 of them at 100,000 pods), and the strings were
    // four fifths of it. Two identities sharing a hash would share a count, which changes a UID only in that the
    // second gets the next draw — still distinct, still the same each run.
    private readonly Dictionary<ulong, int> _draws = [];
    private readonly Lock _lock = new();

    /// <param name="seed">The world's seed: the same seed and identities give the same names and UIDs.</param>
    public NameGenerator(int seed) => _seed = seed;

    /// <summary>
    /// The next <see cref="SuffixLength"/>-character suffix for <paramref name="generateName"/> in
    /// <paramref name="ns"/> (null for a cluster-scoped kind). Each call is a new draw, so a name that is taken is
    /// drawn again by calling again, as the API server's create retries with a new random name.
    /// </summary>
    public string Suffix(string? ns, string generateName)
    {
        Span<byte> hash = stackalloc byte[32];
        Draw(hash, "generateName", $"{ns}/{generateName}");
        Span<char> chars = stackalloc char[SuffixLength];
        for (var i = 0; i < chars.Length; i++)
        {
            // Two hash bytes per character: the bias of 65536 mod 27 is below 0.05%.
            chars[i] = Alphanumerics[BinaryPrimitives.ReadUInt16LittleEndian(hash[(2 * i)..]) % Alphanumerics.Length];
        }

        return new string(chars);
    }

    /// <summary>
    /// The UID of the next object named <paramref name="name"/> of <paramref name="kind"/> (group and kind, e.g.
    /// <c>apps/Deployment</c>) in <paramref name="ns"/>: 8-4-4-4-12 lowercase hex digits with the version-4 and
    /// RFC 4122 variant bits, as <c>uuid.NewRandom</c> gives.
    /// </summary>
    public string Uid(string kind, string? ns, string name)
    {
        Span<byte> hash = stackalloc byte[32];
        Draw(hash, "uid", string.Concat(kind, "/", ns, "/", name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);

        // 8-4-4-4-12 hex digits of the first 16 bytes, as a UUID is written.
        Span<char> uuid = stackalloc char[36];
        uuid.Fill('-');
        Convert.TryToHexStringLower(hash[..4], uuid, out _);
        Convert.TryToHexStringLower(hash[4..6], uuid[9..], out _);
        Convert.TryToHexStringLower(hash[6..8], uuid[14..], out _);
        Convert.TryToHexStringLower(hash[8..10], uuid[19..], out _);
        Convert.TryToHexStringLower(hash[10..16], uuid[24..], out _);
        return new string(uuid);
    }

    /// <summary>
    /// apimachinery's SafeEncodeString: every character mapped into <see cref="Alphanumerics"/>, which is how
    /// pod-template-hash turns a number into "5df6f7687b".
    /// </summary>
    public static string SafeEncode(string text)
        => string.Concat(text.Select(c => Alphanumerics[c % Alphanumerics.Length]));

    /// <summary>SHA-256 over the seed, the length-prefixed kind and identity, and how many draws that identity had before.</summary>
    private void Draw(Span<byte> hash, string kind, string identity)
    {
        int n;
        lock (_lock)
        {
            var key = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(kind.AsSpan()), (long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(identity.AsSpan())));
            n = _draws.GetValueOrDefault(key);
            _draws[key] = n + 1;
        }

        IdentityHash.Into(hash, _seed, [kind, identity], n);
    }
}
