using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Reflection;
using Podnet.Cli.Output;
using Podnet.Cli.Commands;

namespace Podnet.Cli;

/// <summary>The <c>podnet</c> command line: a thin layer that parses arguments and prints what the core computes.</summary>
public static class PodnetCommand
{
    /// <summary>Exit code for an error in the input or the environment (as <c>podnet reach</c> defines it).</summary>
    public const int ErrorExitCode = ExitCodes.Error;

    /// <summary>Where an internal error is reported.</summary>
    public const string BugReportHint = "please report it with the command line, the world's files and this line";

    /// <summary>
    /// Parses and runs one command line. Usage errors print one <c>error:</c> line and exit 2; an exception that
    /// escapes a command is a bug in Podnet and exits 70 (never 0, 1 or 2, so CI cannot mistake it for a verdict).
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var root = new RootCommand("Podnet: Amazon EKS pod networking (security groups for pods, custom networking, VPC CNI IPAM, network policy) on an emulated AWS and Kubernetes.")
        {
            RunCommand.Create(output, error),
            LeakedEnisCommand.Create(output, error),
            CheckCommand.Create(output, error),
            ReachCommand.Create(output, error),
            TestCommand.Create(output, error),
            MatrixCommand.Create(output, error),
            InstanceTypesCommand.Create(output, error),
            MaxPodsCommand.Create(output, error),
            NetpolCommand.Create(output, error),
            LintCommand.Create(output, error),
            ReportCommand.Create(output, error),
            UpCommand.Create(output, error),
            UpCommand.CreateDown(output, error),
            SnapshotCommand.Create(output, error),
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

        try
        {
            var parse = root.Parse(args);
            if (parse.GetValue(noColor))
            {
                foreach (var writer in new[] { output, error }.OfType<ConsoleWriter>())
                {
                    writer.NoColor = true;
                }
            }

            if (parse.Errors.Count > 0)
            {
                // System.CommandLine would print help and exit 1, which is reach's DENIED.
                error.WriteLine($"error: {OneLine(parse.Errors[0].Message)} (see '{CommandPath(parse.CommandResult, root)} --help')");
                return ExitCodes.Error;
            }

            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The first frame in Podnet's own code says where the bug is; the framework's frames rarely do.
            var frames = e.StackTrace?.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList() ?? [];
            var site = frames.FirstOrDefault(l => l.Contains(" Podnet.", StringComparison.Ordinal)) ?? frames.FirstOrDefault() ?? "(no stack)";
            error.WriteLine($"podnet: internal error (a bug in Podnet, not in the input; {BugReportHint}): {e.GetType().FullName}: {OneLine(e.Message)} {site}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary><c>podnet netpol egress-for</c>: the command a usage error is about, as the user typed it.</summary>
    private static string CommandPath(CommandResult result, RootCommand root)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
        {
            names.Insert(0, c.Command == root ? "podnet" : c.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>A message on one line: System.CommandLine lists choices on lines of their own.</summary>
    internal static string OneLine(string message)
        => string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

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
            return ExitCodes.Ok;
        }
    }
}
