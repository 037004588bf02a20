using System.CommandLine;
using Podnet.Check;
using Podnet.Cli.Output;
using Podnet.Live;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet check [WORLD]</c>: loads and settles the world, then verifies <see cref="Invariants"/> — one line per
/// violation (<c>INVARIANT: DETAIL</c>), exit 1 if there is any, 0 (and no output) if none. <c>podnet check
/// --kubeconfig FILE [--context C] [--region R] [--endpoint-url U]</c> verifies them on a live cluster as it is, read
/// only (<see cref="LiveInvariantFacts"/>), with the same lines.
/// </summary>
public static class CheckCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string?>("world") { Description = "A world (default: the default world); not with --kubeconfig", Arity = ArgumentArity.ZeroOrOne };
        var live = new LiveOptions();
        var command = new Command("check", "Settle the world (or read a live cluster), then verify its invariants: no shared address or VLAN, no leaked interface, pod-eni capacity, every pod that can run Running") { world };
        live.AddTo(command);
        command.SetAction(parse =>
        {
            if (live.Live(parse) is { } cluster)
            {
                if (parse.GetValue(world) is { } given)
                {
                    error.WriteLine($"error: with --kubeconfig, give no world (\"{given}\" given)");
                    return PodnetCommand.ErrorExitCode;
                }

                return ExecuteLive(cluster, output, error);
            }

            if (parse.GetValue(live.Context) is not null || parse.GetValue(live.Region) is not null || parse.GetValue(live.EndpointUrl) is not null)
            {
                error.WriteLine("error: --context, --region and --endpoint-url name a live cluster's; give --kubeconfig too");
                return PodnetCommand.ErrorExitCode;
            }

            return Execute(parse.GetValue(world), output, error);
        });
        return command;
    }

    public static int Execute(string? path, TextWriter output, TextWriter error)
    {
        if (WorldFiles.TryLoad(path, error) is not { } loaded)
        {
            return PodnetCommand.ErrorExitCode;
        }

        return Print(Invariants.Check(loaded), output);
    }

    /// <summary>The invariants of a live cluster, read through its Kubernetes API and EC2, changing nothing.</summary>
    public static int ExecuteLive(WorldInput.Live cluster, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(error);
        InvariantFacts facts;
        try
        {
            facts = ProgressLine.Run(error, "reading the cluster", _ => LiveInvariantFacts.ReadAsync(cluster.Source, cluster.EndpointUrl).GetAwaiter().GetResult());
        }
        catch (LiveClusterException e)
        {
            error.WriteLine($"error: {e.Message}");
            return PodnetCommand.ErrorExitCode;
        }

        return Print(Invariants.Check(facts), output);
    }

    private static int Print(IReadOnlyList<Violation> violations, TextWriter output)
    {
        foreach (var violation in violations)
        {
            output.WriteLine(violation);
        }

        return violations.Count == 0 ? ExitCodes.Ok : ExitCodes.Verdict;
    }
}
