using System.CommandLine;
using Podnet.Cli.Output;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet run [WORLD] [-o text|json] [-l SELECTOR] [--describe NS/POD|node/NAME]…</c>: load a world (or the default one), settle it, show it.</summary>
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
        var selector = new Option<string?>("--selector", "-l")
        {
            Description = "Show only the pods this label selector matches, as kubectl get pods -l (e.g. app=nginx,tier!=db)",
        };
        var describe = new Option<string[]>("--describe")
        {
            Description = "Also show kubectl describe of a pod (NAMESPACE/NAME) or a node (node/NAME); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command("run", "Run the control plane until settled; show pods, nodes, network interfaces, subnets and events")
        {
            world,
            format,
            selector,
            describe,
        };
        command.SetAction(parse => Execute(parse.GetValue(world), parse.GetValue(format)!, output, error, parse.GetValue(selector), parse.GetValue(describe) ?? []));
        return command;
    }

    /// <summary>
    /// Loads and shows the world. A bad <paramref name="selector"/> (apimachinery's parse error) or a
    /// <paramref name="describe"/> target the world does not have is one <c>error:</c> line and exit code 2.
    /// </summary>
    public static int Execute(string? path, string format, TextWriter output, TextWriter error, string? selector = null, IReadOnlyList<string>? describe = null)
    {
        if (format == "json" && (selector is not null || describe is { Count: > 0 }))
        {
            // -o json prints every object whole; a filter it would not apply is refused rather than ignored.
            error.WriteLine($"error: {(selector is not null ? "--selector" : "--describe")} applies to the text output; -o json prints the whole world");
            return PodnetCommand.ErrorExitCode;
        }

        if (selector is not null && !LabelSelector.TryParse(selector, out _, out var selectorError))
        {
            error.WriteLine($"error: --selector \"{selector}\": {selectorError}");
            return PodnetCommand.ErrorExitCode;
        }

        var malformed = (describe ?? []).FirstOrDefault(d => d.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]);
        if (malformed is not null)
        {
            error.WriteLine($"error: --describe \"{malformed}\": name a pod as NAMESPACE/NAME or a node as node/NAME");
            return PodnetCommand.ErrorExitCode;
        }

        if (WorldFiles.TryLoad(path, error) is not { } world)
        {
            return PodnetCommand.ErrorExitCode;
        }

        var targets = new List<KubeObject>();
        var store = world.ControlPlane.Store;
        foreach (var target in describe ?? [])
        {
            var (first, name) = (target[..target.IndexOf('/', StringComparison.Ordinal)], target[(target.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            var resource = first is "node" or "nodes" or "no" ? store.Resources.For("v1", "Node") : store.Resources.For("v1", "Pod");
            var ns = resource.Namespaced ? first : null;
            if (store.TryGet(resource, ns, name) is not { } found)
            {
                // kubectl describe's answer for a name the cluster does not have.
                var where = ns is null ? string.Empty : $" in namespace \"{ns}\"";
                error.WriteLine($"error: --describe \"{target}\": {KubeException.NotFound(resource, name).KubectlText}{where}");
                return PodnetCommand.ErrorExitCode;
            }

            targets.Add(found);
        }

        // Loading settled the world already; this tells whether anything is still going on.
        var settled = world.Settle(TimeSpan.Zero);
        if (format == "json")
        {
            WorldJson.Write(world, output);
        }
        else
        {
            output.Write(WorldText.Render(world, settled, selector, targets));
        }

        return ExitCodes.Ok;
    }
}
