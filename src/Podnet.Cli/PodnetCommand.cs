using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Podnet.Cli.Output;
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
            ReportCommand.Create(output, error),
            CompletionCommand.Create(output),
        };
        var noColor = new Option<bool>("--no-color")
        {
            Description = "Write no colours, even on a terminal (the NO_COLOR environment variable does the same)",
            Recursive = true,
        };
        root.Options.Add(noColor);
        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new VersionAction();
        }

        var parse = root.Parse(args);
        if (parse.GetValue(noColor))
        {
            foreach (var writer in new[] { output, error }.OfType<ConsoleWriter>())
            {
                writer.NoColor = true;
            }
        }

        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The version, from the assembly's informational version: <c>podnet 0.7.0 (commit 2811cb1)</c>.</summary>
    public static string Version()
    {
        var informational = typeof(PodnetCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0
            ? $"podnet {informational}"
            : $"podnet {informational[..plus]} (commit {informational[(plus + 1)..Math.Min(informational.Length, plus + 8)]})";
    }

    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version());
            return 0;
        }
    }
}
