using System.CommandLine;
using Podnet.Cli.Commands;

namespace Podnet.Cli;

/// <summary>The <c>podnet</c> command line: a thin layer that parses arguments and prints what the core computes.</summary>
public static class PodnetCommand
{
    /// <summary>Exit code for an error in the input or the environment (as <c>podnet reach</c> defines it).</summary>
    public const int ErrorExitCode = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Podnet: Amazon EKS pod networking (security groups for pods, custom networking, VPC CNI IPAM, network policy) on an emulated AWS and Kubernetes.")
        {
            RunCommand.Create(output, error),
            LeakedEnisCommand.Create(output, error),
            ReachCommand.Create(output, error),
            TestCommand.Create(output, error),
            MatrixCommand.Create(output, error),
            InstanceTypesCommand.Create(output, error),
            MaxPodsCommand.Create(output, error),
            NetpolCommand.Create(output, error),
            LintCommand.Create(output, error),
        };

        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
