using BenchmarkDotNet.Attributes;
using Podnet.Net;

namespace Podnet.Benchmarks;

/// <summary>How fast a subnet hands out addresses and /28 prefixes as it fills up.</summary>
[MemoryDiagnoser]
public class SubnetAddressPoolBenchmarks
{
    private static readonly CidrBlock Slash16 = CidrBlock.Parse("10.0.0.0/16");

    /// <summary>Every address of a /16, lowest first (65,531 allocations).</summary>
    [Benchmark]
    public int FillSlash16WithAddresses()
    {
        var pool = new SubnetAddressPool(Slash16);
        var count = 0;
        while (pool.TryAllocateLowest(out _))
        {
            count++;
        }

        return count;
    }

    /// <summary>Every /28 of a /16 (4,094 prefixes).</summary>
    [Benchmark]
    public int FillSlash16WithPrefixes()
    {
        var pool = new SubnetAddressPool(Slash16);
        var count = 0;
        while (pool.TryAllocatePrefix(28, out _))
        {
            count++;
        }

        return count;
    }

    /// <summary>Prefixes in a /16 where every other /28 holds one address: the search must skip half.</summary>
    [Benchmark]
    public int PrefixesInFragmentedSlash16()
    {
        var pool = new SubnetAddressPool(Slash16);
        foreach (var block in Slash16.Split(28).Where((_, i) => i % 2 == 1))
        {
            pool.TryAllocate(block.AddressAt(5));
        }

        var count = 0;
        while (pool.TryAllocatePrefix(28, out _))
        {
            count++;
        }

        return count;
    }
}
