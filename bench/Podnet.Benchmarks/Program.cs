using System.Globalization;
using BenchmarkDotNet.Running;

// `dotnet run -c Release -- --generate-policy-world N > world.yaml` writes the matrix benchmarks' world of N pods.
if (args is ["--generate-policy-world", var pods])
{
    Console.Write(Podnet.Benchmarks.PolicyWorldGenerator.Yaml(int.Parse(pods, CultureInfo.InvariantCulture)));
    return;
}

// `dotnet run -c Release -- --load N [--security-groups]` times where `podnet reach` and `podnet matrix` spend their
// time on the generated policy-only world of N pods (reading the YAML, loading, Reachability, a query, the matrix);
// with --security-groups, then the matrix of the 10,000-pod security-group world, warm.
if (args is ["--load", var loadPods, .. var loadRest] && loadRest is [] or ["--security-groups"])
{
    Console.WriteLine(Podnet.Benchmarks.LoadRun.Header);
    foreach (var row in Podnet.Benchmarks.LoadRun.Run(int.Parse(loadPods, CultureInfo.InvariantCulture), securityGroups: loadRest is ["--security-groups"]))
    {
        Console.WriteLine(row);
    }

    return;
}

// `dotnet run -c Release -- --generate-scale-world plain|sg|custom|nodes N > world.yaml` writes a cluster-scale world;
// `dotnet run -c Release -- --scale plain|sg|custom|nodes N` loads and settles it here and prints one row of figures.
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

// `dotnet run -c Release -- --soak N [FAULTS]` runs the soak of issue 15: N pods (half with security groups) in
// Deployments scaled down and up in four waves while EC2 fails 10% of calls (or FAULTS, as podnet up --faults takes
// them); prints each wave, then the figures and every invariant violation. Exit 1 if a pod is not Running or any
// invariant is broken.
if (args is ["--soak", var soakPods, .. var soakRest] && soakRest.Length <= 1)
{
    var faults = Podnet.Aws.Ec2.Faults.Ec2FaultSettings.Parse(soakRest is [var spec] ? spec : Podnet.Benchmarks.SoakRun.DefaultFaults);
    Environment.ExitCode = Podnet.Benchmarks.SoakRun.Run(int.Parse(soakPods, CultureInfo.InvariantCulture), faults, Console.Out);
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

// `dotnet run -c Release -- --api PODS WRITERS WATCHERS [--http2]` serves the default world over HTTPS in process and
// measures its API: a list of PODS pods as a Table, WRITERS concurrent clients creating ConfigMaps then Pods, and
// WATCHERS watch streams at 200 and 1,000 writes/s then as fast as one client writes; then the in-process store's
// figures (--store) as the peer. HTTP/1.1 unless --http2 (client-go's protocol over TLS). Takes about 2 minutes.
if (args is ["--api", var apiPods, var apiWriters, var apiWatchers, .. var apiRest] && apiRest is [] or ["--http2"])
{
    Console.WriteLine(Podnet.Benchmarks.ApiRun.Header);
    await foreach (var row in Podnet.Benchmarks.ApiRun.RunAsync(int.Parse(apiPods, CultureInfo.InvariantCulture), int.Parse(apiWriters, CultureInfo.InvariantCulture), int.Parse(apiWatchers, CultureInfo.InvariantCulture), http2: apiRest is ["--http2"]))
    {
        Console.WriteLine(row);
    }

    Console.WriteLine();
    Console.WriteLine(Podnet.Benchmarks.StoreRun.Header);
    foreach (var row in Podnet.Benchmarks.StoreRun.Run(10_000, int.Parse(apiWatchers, CultureInfo.InvariantCulture)))
    {
        Console.WriteLine(row);
    }

    return;
}

// `dotnet run -c Release -- --api-mixed CLIENTS SECONDS [--http2]` serves the default world over HTTPS in process and
// runs CLIENTS clients for SECONDS, each a watch beside gets, lists, creates, patches and deletes (MixedLoad).
if (args is ["--api-mixed", var mixedClients, var mixedSeconds, .. var mixedRest] && mixedRest is [] or ["--http2"])
{
    Console.WriteLine(Podnet.Benchmarks.ApiRun.Header);
    await foreach (var row in Podnet.Benchmarks.ApiRun.MixedAsync(int.Parse(mixedClients, CultureInfo.InvariantCulture), int.Parse(mixedSeconds, CultureInfo.InvariantCulture), http2: mixedRest is ["--http2"]))
    {
        Console.WriteLine(row);
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Podnet.Benchmarks.SubnetAddressPoolBenchmarks).Assembly).Run(args);
