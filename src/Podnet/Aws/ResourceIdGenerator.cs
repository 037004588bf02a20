using System.Globalization;
using System.Text;

namespace Podnet.Aws;

/// <summary>
/// Deterministic AWS-style identifiers: a prefix and 17 hex digits, the first 0 (<c>eni-0a1b2c3d4e5f67890</c>), MAC addresses
/// in the locally administered <c>02:</c> range, and request IDs. Same seed, same calls → same IDs.
/// </summary>
public sealed class ResourceIdGenerator
{
    private readonly Random _random;
    private readonly HashSet<string> _issued = new(StringComparer.Ordinal);

    // Shared by every service of one cloud, each with its own lock.
    private readonly Lock _lock = new();

    public ResourceIdGenerator(int seed)
    {
#pragma warning disable CA5394 // IDs must be reproducible from a seed, not unpredictable.
        _random = new Random(seed);
#pragma warning restore CA5394
    }

    /// <summary>A new ID such as <c>vpc-0f3e…</c>; never repeats one already issued or reserved.</summary>
    public string Next(string prefix)
    {
        lock (_lock)
        {
            return NextUnlocked(prefix);
        }
    }

    private string NextUnlocked(string prefix)
    {
        while (true)
        {
            // AWS's 17-digit IDs begin with 0 (the long-ID format).
            var id = prefix + "-0" + Hex(16);
            if (_issued.Add(id))
            {
                return id;
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

    public string NextMacAddress()
    {
        lock (_lock)
        {
            return NextMacAddressUnlocked();
        }
    }

    private string NextMacAddressUnlocked()
    {
        while (true)
        {
            var mac = new StringBuilder("02", 17);
            for (var i = 0; i < 5; i++)
            {
                mac.Append(':').Append(Hex(2));
            }

            var text = mac.ToString();
            if (_issued.Add(text))
            {
                return text;
            }
        }
    }

    /// <summary>A request ID in the GUID shape EC2 answers with.</summary>
    public string NextRequestId()
    {
        lock (_lock)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Hex(8)}-{Hex(4)}-{Hex(4)}-{Hex(4)}-{Hex(12)}");
        }
    }

    private string Hex(int digits)
    {
        var chars = new char[digits];
        for (var i = 0; i < digits; i++)
        {
#pragma warning disable CA5394
            chars[i] = "0123456789abcdef"[_random.Next(16)];
#pragma warning restore CA5394
        }

        return new string(chars);
    }
}
