using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Podnet.Benchmarks.SubnetAddressPoolBenchmarks).Assembly).Run(args);
