using System.Globalization;
using BenchmarkDotNet.Running;

// `dotnet run -c Release -- --generate-policy-world N > world.yaml` writes the matrix benchmarks' world of N pods.
if (args is ["--generate-policy-world", var pods])
{
    Console.Write(Podnet.Benchmarks.PolicyWorldGenerator.Yaml(int.Parse(pods, CultureInfo.InvariantCulture)));
    return;
}

// `dotnet run -c Release -- --generate-scale-world plain|sg|custom N > world.yaml` writes a cluster-scale world;
// `dotnet run -c Release -- --scale plain|sg|custom N` loads and settles it here and prints one row of figures.
if (args is ["--generate-scale-world", var variant, var count])
{
    Console.Write(Podnet.Benchmarks.ScaleWorldGenerator.Yaml(variant, int.Parse(count, CultureInfo.InvariantCulture)));
    return;
}

if (args is ["--scale", var scaleVariant, var scalePods])
{
    Console.WriteLine(Podnet.Benchmarks.ScaleRun.Header);
    Console.WriteLine(Podnet.Benchmarks.ScaleRun.Run(scaleVariant, int.Parse(scalePods, CultureInfo.InvariantCulture)));
    return;
}

// `dotnet run -c Release -- --store WRITES WATCHERS` measures the in-process store: writes/s and watch delivery latency.
if (args is ["--store", var storeWrites, var storeWatchers])
{
    Console.WriteLine(Podnet.Benchmarks.StoreRun.Header);
    foreach (var row in Podnet.Benchmarks.StoreRun.Run(int.Parse(storeWrites, CultureInfo.InvariantCulture), int.Parse(storeWatchers, CultureInfo.InvariantCulture)))
    {
        Console.WriteLine(row);
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Podnet.Benchmarks.SubnetAddressPoolBenchmarks).Assembly).Run(args);
