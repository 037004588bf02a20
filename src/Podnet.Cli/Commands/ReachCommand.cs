using System.CommandLine;
using System.Text.Json.Nodes;
using Podnet.Cli.Output;
using Podnet.Policy;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet reach WORLD FROM TO PORT [-o json]</c> (or <c>--kubeconfig FILE FROM TO PORT</c>): can FROM connect to TO, and why.</summary>
public static class ReachCommand
{
    public const int DeniedExitCode = ExitCodes.Verdict;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string>("world") { Description = "A directory of YAML files or one YAML file (none with --kubeconfig)" };
        var from = new Argument<string>("from") { Description = "namespace/pod, deploy/namespace/name (ds/, sts/, rs/), namespace/label=value, node/NAME or an IP address" };
        var to = new Argument<string>("to") { Description = "namespace/pod, svc/namespace/name, deploy/namespace/name (ds/, sts/, rs/), namespace/label=value, node/NAME or an IP address" };
        var port = new Argument<string?>("port") { Description = "80, 80/tcp, 53/udp or TCP/80", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--output", "-o") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("reach", "Say whether a connection is allowed, and which rule, policy or setting decided it") { world, from, to, port, format };
        var live = new LiveOptions();
        live.AddTo(command);
        command.SetAction(parse => live.Resolve(parse, [parse.GetValue(world), parse.GetValue(from), parse.GetValue(to), parse.GetValue(port)], 3, "FROM TO PORT", error, out var rest) is { } input
            ? Execute(input, rest[0], rest[1], rest[2], parse.GetValue(format)!, output, error)
            : PodnetCommand.ErrorExitCode);
        return command;
    }

    public static int Execute(string path, string from, string to, string port, string format, TextWriter output, TextWriter error)
        => Execute(new WorldInput.Files(path), from, to, port, format, output, error);

    /// <summary>Decides FROM TO PORT on <paramref name="input"/>: exit 0 allowed, 1 denied, 2 an error (one <c>error:</c> line).</summary>
    public static int Execute(WorldInput input, string from, string to, string port, string format, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(error);
        var path = input.Name;
        if (input.TryLoad(error) is not { } world)
        {
            return PodnetCommand.ErrorExitCode;
        }

        var result = new Reachability(world).Evaluate(from, to, port);
        if (result.ErrorMessage is { } message)
        {
            // Named by the world: FROM and TO are looked up in it.
            error.WriteLine($"error: {path}: {message}");
            return PodnetCommand.ErrorExitCode;
        }

        if (format == "json")
        {
            var json = new JsonObject
            {
                ["from"] = from,
                ["to"] = to,
                ["port"] = port,
                ["allowed"] = result.Allowed,
                ["hops"] = new JsonArray([.. result.Hops.Select(h => (JsonNode)new JsonObject { ["step"] = h.Step, ["allowed"] = h.Allowed, ["detail"] = h.Detail })]),
            };
            output.Write(json.ToJsonString(AwsJson.Options) + "\n");
        }
        else
        {
            output.Write(Render(result, Painter.For(output)));
        }

        return result.Allowed ? ExitCodes.Ok : DeniedExitCode;
    }

    /// <summary>The verdict on its own line, then one line per hop: <c>ok</c> or <c>FAIL</c>, the step and its detail.</summary>
    public static string Render(ReachResult result, Painter? painter = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var paint = painter ?? Painter.Plain;
        return (result.Allowed ? paint.Allowed("ALLOWED") : paint.Denied("DENIED")) + "\n"
               + string.Concat(result.Hops.Select(h => $"  {(h.Allowed ? paint.Allowed("ok") + "  " : paint.Denied("FAIL"))}  {h.Step}: {h.Detail}\n"));
    }
}
