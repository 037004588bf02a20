using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Podnet.Seeding;

/// <summary>
/// The one hash every generated identifier of a world comes from: SHA-256 over the world's seed, then each text
/// length-prefixed (so no two lists of texts hash alike), then each number, all little-endian 32-bit. AWS IDs
/// (<see cref="Aws.ResourceIdGenerator"/>), the API server's generated names and UIDs
/// (<see cref="Kube.Store.NameGenerator"/>) and a Service's cluster-IP scan start
/// (<see cref="Kube.Admission.ServiceClusterIpAllocator"/>) derive from it, so each depends only on the seed and the
/// identity of what it names, never on how many other objects were made before it.
/// </summary>
public static class IdentityHash
{
    /// <summary>
    /// The 32-byte SHA-256 of <c>seed ‖ (len(text) ‖ text)… ‖ number…</c>, texts in UTF-8.
    /// </summary>
    /// <param name="seed">The world's seed.</param>
    /// <param name="texts">What the identifier names, e.g. its kind and identity.</param>
    /// <param name="numbers">Counters: how many identifiers that identity had before, a collision's retry.</param>
    public static byte[] Of(int seed, ReadOnlySpan<string> texts, params ReadOnlySpan<int> numbers)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        Into(hash, seed, texts, numbers);
        return hash;
    }

    /// <summary>
    /// <see cref="Of"/> written into <paramref name="destination"/> (at least 32 bytes), its input made in a pooled
    /// buffer: the API server draws a UID for every object it creates, and the arrays of each draw were a fiftieth of a
    /// settle's allocations.
    /// </summary>
    public static void Into(Span<byte> destination, int seed, ReadOnlySpan<string> texts, params ReadOnlySpan<int> numbers)
    {
        var length = 4 + (4 * numbers.Length);
        foreach (var text in texts)
        {
            length += 4 + Encoding.UTF8.GetByteCount(text);
        }

        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = rented.AsSpan(0, length);
            BinaryPrimitives.WriteInt32LittleEndian(span, seed);
            var at = 4;
            foreach (var text in texts)
            {
                var written = Encoding.UTF8.GetBytes(text, span[(at + 4)..]);
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], written);
                at += 4 + written;
            }

            foreach (var number in numbers)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], number);
                at += 4;
            }

            SHA256.HashData(span, destination);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
