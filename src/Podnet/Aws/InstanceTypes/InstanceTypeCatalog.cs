using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Podnet.Aws.InstanceTypes;

/// <summary>
/// Every instance type the embedded data knows, merged from three tables: EC2's DescribeInstanceTypes record,
/// the VPC resource controller's limits (trunking, branch interfaces) and the VPC CNI's max-pods table.
/// </summary>
public sealed class InstanceTypeCatalog
{
    private static readonly Lazy<InstanceTypeCatalog> LazyDefault = new(LoadEmbedded);

    private readonly FrozenDictionary<string, InstanceTypeInfo> _types;

    public InstanceTypeCatalog(IEnumerable<InstanceTypeInfo> types)
    {
        _types = types.ToFrozenDictionary(t => t.InstanceType, StringComparer.Ordinal);
        Names = [.. _types.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>The catalog built from the data embedded in this assembly.</summary>
    public static InstanceTypeCatalog Default => LazyDefault.Value;

    public IReadOnlyList<string> Names { get; }

    public int Count => _types.Count;

    public InstanceTypeInfo? Find(string instanceType)
        => _types.TryGetValue(instanceType, out var info) ? info : null;

    public IEnumerable<InstanceTypeInfo> All => Names.Select(n => _types[n]);

    /// <summary>The nearest known name within two edits, to catch typos such as m5.larg; null when none is that near.</summary>
    public string? Suggest(string name)
        => Names.Select(k => (Name: k, Distance: EditDistance(name, k)))
            .Where(c => c.Distance <= 2)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();

    /// <summary>The error text for a name the catalog does not hold, with the nearest known name if there is one.</summary>
    public string NotKnownMessage(string name)
        => $"instance type \"{name}\" is not known" + (Suggest(name) is { } near ? $" (did you mean {near}?)" : string.Empty);

    private static InstanceTypeCatalog LoadEmbedded()
    {
        var limits = ReadLimits(Open("instance-limits.json"));
        var describe = ReadTsv(Open("instance-types.tsv"));
        var maxPods = ReadTsv(Open("eni-max-pods.tsv"));
        return new InstanceTypeCatalog(Merge(limits, describe, maxPods));
    }

    private static Stream Open(string name)
    {
        var resource = "Podnet.Aws.Data." + name;
        return Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
               ?? throw new InvalidOperationException($"embedded resource {resource} is missing from the Podnet assembly");
    }

    internal static IEnumerable<InstanceTypeInfo> Merge(
        IReadOnlyDictionary<string, ControllerLimits> limits,
        IReadOnlyDictionary<string, string[]> describe,
        IReadOnlyDictionary<string, string[]> maxPods)
    {
        var names = limits.Keys.Union(describe.Keys).Union(maxPods.Keys).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            limits.TryGetValue(name, out var limit);
            describe.TryGetValue(name, out var row);
            maxPods.TryGetValue(name, out var podsRow);

            // Columns of instance-types.tsv: instanceType, vCpus, memoryMiB, hypervisor, maxNetworkInterfaces,
            // ipv4PerInterface, ipv6PerInterface, ipv6Supported.
            var maxEnis = limit?.MaxEnis ?? IntOrNull(row, 4);
            var cards = limit?.NetworkCards
                        ?? (maxEnis is { } enis ? [new NetworkCardInfo(0, enis)] : []);
            yield return new InstanceTypeInfo(
                InstanceType: name,
                DefaultVCpus: IntOrNull(row, 1),
                MemoryMiB: IntOrNull(row, 2),
                Hypervisor: limit?.Hypervisor ?? (row is null ? null : row[3]),
                BareMetal: limit?.BareMetal ?? name.EndsWith(".metal", StringComparison.Ordinal),
                MaximumNetworkInterfaces: maxEnis,
                Ipv4AddressesPerInterface: limit?.Ipv4PerEni ?? IntOrNull(row, 5),
                Ipv6AddressesPerInterface: IntOrNull(row, 6),
                Ipv6Supported: row is null ? null : row[7] == "true",
                DefaultNetworkCardIndex: limit?.DefaultNetworkCardIndex ?? 0,
                NetworkCards: cards,
                IsTrunkingCompatible: limit?.TrunkingCompatible,
                BranchInterfaces: limit?.BranchInterfaces ?? 0,
                MaxPods: IntOrNull(podsRow, 1));
        }
    }

    private static int? IntOrNull(string[]? row, int column)
        => row is not null && column < row.Length && int.TryParse(row[column], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    internal static Dictionary<string, string[]> ReadTsv(Stream stream)
    {
        using var reader = new StreamReader(stream);
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        _ = reader.ReadLine(); // header
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split('\t');
            rows[cells[0]] = cells;
        }

        return rows;
    }

    internal static Dictionary<string, ControllerLimits> ReadLimits(Stream stream)
    {
        using var document = JsonDocument.Parse(stream);
        var result = new Dictionary<string, ControllerLimits>(StringComparer.Ordinal);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var cards = item.GetProperty("networkCards").EnumerateArray()
                .Select(c => new NetworkCardInfo(c.GetProperty("networkCardIndex").GetInt32(), c.GetProperty("maximumNetworkInterfaces").GetInt32()))
                .ToArray();
            var limits = new ControllerLimits(
                item.GetProperty("maxEnis").GetInt32(),
                item.GetProperty("ipv4PerEni").GetInt32(),
                item.GetProperty("trunkingCompatible").GetBoolean(),
                item.GetProperty("branchInterfaces").GetInt32(),
                item.GetProperty("hypervisor").GetString() ?? string.Empty,
                item.GetProperty("bareMetal").GetBoolean(),
                item.GetProperty("defaultNetworkCardIndex").GetInt32(),
                cards);
            result[item.GetProperty("instanceType").GetString()!] = limits;
        }

        return result;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>One row of the VPC resource controller's limits table.</summary>
    internal sealed record ControllerLimits(
        int MaxEnis,
        int Ipv4PerEni,
        bool TrunkingCompatible,
        int BranchInterfaces,
        string Hypervisor,
        bool BareMetal,
        int DefaultNetworkCardIndex,
        IReadOnlyList<NetworkCardInfo> NetworkCards);
}
