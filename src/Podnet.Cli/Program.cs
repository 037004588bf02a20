using Podnet.Cli;
using Podnet.Cli.Output;

// Every command but `podnet up` runs once and exits, and only its total time counts: the garbage collector collects
// generation 2 with the program stopped rather than beside it (GCLatencyMode.Batch: no background GC), which took a
// tenth off a 10,000-pod settle and a fifth off its peak memory (README, "Runtime settings"). The server switches back.
System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.Batch;
return PodnetCommand.Run(args, ConsoleWriter.StandardOutput(), ConsoleWriter.StandardError());
