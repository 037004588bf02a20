using System.Globalization;
using BenchmarkDotNet.Running;

// `dotnet run -c Release -- --generate-policy-world N > world.yaml` writes the matrix benchmarks' world of N pods.
if (args is ["--generate-policy-world", var pods])
{
    Console.Write(Podnet.Benchmarks.PolicyWorldGenerator.Yaml(int.Parse(pods, CultureInfo.InvariantCulture)));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Podnet.Benchmarks.SubnetAddressPoolBenchmarks).Assembly).Run(args);
