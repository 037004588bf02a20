using System.CommandLine;
using Podnet.Cli.Output;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet run [WORLD] [-o text|json]</c>: load a world (or the default one), settle it, show it.</summary>
public static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string?>("world")
        {
            Description = "A directory of YAML files or one YAML file; without it, the default world (an EKS cluster with three m5.large nodes)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var format = new Option<string>("--output", "-o")
        {
            Description = "Output format: text (kubectl and aws CLI tables) or json (a v1 List and EC2 describe shapes)",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("run", "Run the control plane until settled; show pods, nodes, network interfaces, subnets and events")
        {
            world,
            format,
        };
        command.SetAction(parse => Execute(parse.GetValue(world), parse.GetValue(format)!, output, error));
        return command;
    }

    public static int Execute(string? path, string format, TextWriter output, TextWriter error)
    {
        if (WorldFiles.TryLoad(path, error) is not { } world)
        {
            return PodnetCommand.ErrorExitCode;
        }

        // Loading settled the world already; this tells whether anything is still going on.
        var settled = world.Settle(TimeSpan.Zero);
        output.Write(format == "json" ? WorldJson.Render(world) : WorldText.Render(world, settled));
        return ExitCodes.Ok;
    }
}
