using System.CommandLine;
using System.Text.Json.Nodes;
using Podnet.Cli.Output;
using Podnet.Lint;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet lint WORLD [-o json]</c> (or <c>--kubeconfig FILE</c>): what in the world's networking will break or surprise, with the fix.</summary>
public static class LintCommand
{
    /// <summary>Exit code when a finding is an error (warnings alone exit 0).</summary>
    public const int ErrorsFoundExitCode = ExitCodes.Verdict;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string?>("world") { Description = "A directory of YAML files or one YAML file (none with --kubeconfig)", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--output", "-o") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("lint", "Find networking settings that will break pods or connections, with severity, object and fix") { world, format };
        var live = new LiveOptions();
        live.AddTo(command);
        command.SetAction(parse => live.Resolve(parse, [parse.GetValue(world)], 0, string.Empty, error, out _) is { } input
            ? Execute(input, parse.GetValue(format)!, output, error)
            : PodnetCommand.ErrorExitCode);
        return command;
    }

    public static int Execute(string path, string format, TextWriter output, TextWriter error)
        => Execute(new WorldInput.Files(path), format, output, error);

    /// <summary>Lints <paramref name="input"/>: exit 0 no errors, 1 errors found, 2 the input could not be loaded.</summary>
    public static int Execute(WorldInput input, string format, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(error);
        if (input.TryLoad(error) is not { } world)
        {
            return PodnetCommand.ErrorExitCode;
        }

        if (!world.Settle(TimeSpan.Zero).Settled)
        {
            // Findings are about settings; what is still stuck goes beside them (stderr keeps -o json parseable).
            foreach (var stuck in StuckObjects.Find(world))
            {
                error.WriteLine($"note: not settled: {stuck}");
            }
        }

        var findings = WorldLint.Run(world);

        if (format == "json")
        {
            var json = new JsonArray([.. findings.Select(f => (JsonNode)new JsonObject
            {
                ["severity"] = Severity(f.Severity),
                ["check"] = f.Check,
                ["object"] = f.Object,
                ["message"] = f.Message,
                ["fix"] = f.Fix,
            })]);
            output.Write(json.ToJsonString(AwsJson.Options) + "\n");
        }
        else
        {
            output.Write(Render(findings, Painter.For(output)));
        }

        return findings.Any(f => f.Severity == LintSeverity.Error) ? ErrorsFoundExitCode : ExitCodes.Ok;
    }

    /// <summary>Each finding as severity, object and check, then its message and fix; a count at the end.</summary>
    public static string Render(IReadOnlyList<LintFinding> findings, Painter? painter = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var paint = painter ?? Painter.Plain;
        var text = new System.Text.StringBuilder();
        foreach (var f in findings)
        {
            var severity = f.Severity == LintSeverity.Error ? paint.Denied(Severity(f.Severity)) : paint.Warning(Severity(f.Severity));
            text.Append($"{severity}  {f.Object}  [{f.Check}]\n  {f.Message}\n  fix: {f.Fix}\n\n");
        }

        var count = (LintSeverity s) => findings.Count(f => f.Severity == s);
        text.Append(findings.Count == 0
            ? "no findings\n"
            : $"{findings.Count} finding{(findings.Count == 1 ? string.Empty : "s")}: {count(LintSeverity.Error)} error(s), {count(LintSeverity.Warning)} warning(s)\n");
        return text.ToString();
    }

    private static string Severity(LintSeverity severity) => severity.ToString().ToLowerInvariant();
}
