using System.CommandLine;
using Podnet.Check;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet check [WORLD]</c>: loads and settles the world, then verifies <see cref="Invariants"/> — one line per
/// violation (<c>INVARIANT: DETAIL</c>), exit 1 if there is any, 0 (and no output) if none.
/// </summary>
public static class CheckCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string?>("world") { Description = "A world (default: the default world)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("check", "Settle the world, then verify its invariants: no shared address or VLAN, no leaked interface, pod-eni capacity, every pod that can run Running") { world };
        command.SetAction(parse => Execute(parse.GetValue(world), output, error));
        return command;
    }

    public static int Execute(string? path, TextWriter output, TextWriter error)
    {
        if (WorldFiles.TryLoad(path, error) is not { } loaded)
        {
            return PodnetCommand.ErrorExitCode;
        }

        var violations = Invariants.Check(loaded);
        foreach (var violation in violations)
        {
            output.WriteLine(violation);
        }

        return violations.Count == 0 ? ExitCodes.Ok : ExitCodes.Verdict;
    }
}
