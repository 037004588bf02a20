using System.Globalization;

namespace Podnet.Kube.Store;

/// <summary>
/// Seeded random names and UIDs: the 5-character suffixes of <c>generateName</c> (from apimachinery's alphabet of
/// consonants and digits, so <c>my-app-7d4b9c8f6-x2kqz</c>) and version-4-shaped UIDs.
/// </summary>
public sealed class NameGenerator
{
    /// <summary>apimachinery's utilrand alphabet: no vowels, no confusable characters.</summary>
    public const string Alphanumerics = "bcdfghjklmnpqrstvwxz2456789";

    private readonly Random _random;
    private readonly Lock _lock = new();

    public NameGenerator(int seed)
    {
#pragma warning disable CA5394 // reproducible from the seed by design
        _random = new Random(seed);
#pragma warning restore CA5394
    }

    public string Suffix(int length = 5)
    {
        lock (_lock)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
#pragma warning disable CA5394
                chars[i] = Alphanumerics[_random.Next(Alphanumerics.Length)];
#pragma warning restore CA5394
            }

            return new string(chars);
        }
    }

    public string Uid()
    {
        lock (_lock)
        {
            var bytes = new byte[16];
#pragma warning disable CA5394
            _random.NextBytes(bytes);
#pragma warning restore CA5394
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            var hex = Convert.ToHexStringLower(bytes);
            return string.Create(CultureInfo.InvariantCulture, $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}");
        }
    }

    /// <summary>
    /// apimachinery's SafeEncodeString: every character mapped into <see cref="Alphanumerics"/>, which is how
    /// pod-template-hash turns a number into "5df6f7687b".
    /// </summary>
    public static string SafeEncode(string text)
        => string.Concat(text.Select(c => Alphanumerics[c % Alphanumerics.Length]));
}
